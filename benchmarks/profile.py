"""cProfile of the cluster build at a smaller size: where the time goes, and why.

``hotspots(nodes, services, namespaces)`` builds the generated cluster under cProfile and
returns the package's functions with the most cumulative time.  ``WHY`` holds our reading
of each known hotspot's code (why it grows faster than linearly, and the usual fix); a
function without an entry is printed with "—" so a new hotspot is never hidden.
"""
from __future__ import annotations

import cProfile
import pstats

from .harness import emit

__all__ = ["WHY", "hotspots", "run"]

WHY = {
    # Our reading of the code when these were written; re-check a row whose function changed.
    "manifest.py:load": "yaml.safe_load uses PyYAML's pure-Python parser although libyaml is installed "
        "(yaml.__with_libyaml__): linear, but the largest share; yaml.CSafeLoader is several times faster.",
    "controllers/nodes.py:_sync_scheduler": "node-only filters cached per kind of pod until a Node changes; "
        "when every node passes them, the emptiest nodes come from the by-load index: about O(1) per pod. "
        "A pod some nodes reject (nodeSelector, taints, full nodes) still walks every node.",
    "controllers/nodes.py:<listcomp>": "the node-only filters of _sync_scheduler, once per kind of pod.",
    "controllers/manager.py:_sync_deployment": "re-queued by every ReplicaSet/Pod status change (about six "
        "syncs per Deployment in a build), each computing the status and hashing the template.",
    "controllers/names.py:template_hash": "hashes the pod template (FNV-32a over its JSON, in Python) on "
        "every Deployment sync; cache it per Deployment generation.",
    "controllers/deployment.py:sync": "per Deployment sync; its cost is template_hash (see above).",
    "controllers/manager.py:_sync_replicaset": "cheap lookups now (owner index); its time is creating pods: "
        "defaulting, the write, and the write's watch fan-out.",
    "apiserver/store.py:clone": "deep copies on every controller write and read-for-update; linear in "
        "object size but called for every write (and each nested dict recursively).",
    "apiserver/store.py:<dictcomp>": "the recursion of clone (see above).",
    "apiserver/defaults.py:default": "API-server defaulting of each created object (pods from ReplicaSets "
        "included): linear.",
    "controllers/nodes.py:_sync_kubelet": "cheap itself; its time is the watch fan-out of the pod status it "
        "writes (Manager._on_event, KubeProxies._on_event on every node).",
    "apiserver/server.py:record_event": "an Event object per controller action, each stored (written and "
        "fanned out to watchers) like any object.",
    "kubeproxy.py:_on_event": "applies every Service/EndpointSlice event to each node's ProxyState in turn: "
        "O(events × nodes), each node re-parsing the same slice. Parse once per event and share it, or sync "
        "a node's state lazily when its rules are asked for.",
    "proxy/changetracker.py:slice_endpoints": "per node per slice event (see kubeproxy._on_event).",
    "controllers/manager.py:_services_selecting": "on every Pod event, scans the Services of the namespace "
        "and matches each selector: O(pod events × Services per namespace).",
    "controllers/manager.py:_on_event": "every write fans out here.",
    "apiserver/store.py:items": "filters a kind's objects by namespace in a Python loop when no index serves "
        "the query.",
}

#: Plumbing that every path goes through; listed only if nothing more specific explains it.
_PLUMBING = ("cluster.py:apply", "controllers/manager.py:run", "apiserver/store.py:put",
             "apiserver/server.py:write", "manifest.py:_parse_text")


def hotspots(nodes: int, services: int, namespaces: int, top: int = 15) -> tuple[float, list[dict]]:
    """(total seconds under cProfile, the ``top`` package functions by cumulative time)."""
    from .figures_cluster import build
    prof = cProfile.Profile()
    prof.enable()
    build(nodes, services, namespaces, progress=False)
    prof.disable()
    stats = pstats.Stats(prof)
    rows, total = [], 0.0
    for (path, line, func), (cc, nc, tt, ct, _) in stats.stats.items():  # type: ignore[attr-defined]
        if func == "build" and path.endswith("figures_cluster.py"):
            total = ct
        if "/k8snet/" not in path or func == "<module>" or path.endswith("k8snet/__init__.py"):
            continue  # import time is the import figure's business
        key = f"{path.split('/k8snet/', 1)[1]}:{func}"
        rows.append({"function": key, "line": line, "calls": nc, "cumulative": ct, "own": tt,
                     "why": WHY.get(key, "—")})
    rows.sort(key=lambda r: -r["cumulative"])
    rows = [r for r in rows if r["function"] not in _PLUMBING]
    return total, rows[:top]


def run(nodes: int, services: int, namespaces: int) -> None:
    """Emit the profile of one build."""
    total, rows = hotspots(nodes, services, namespaces)
    emit("profile", seconds=total, nodes=nodes, services=services, namespaces=namespaces, pods=services * 4,
         rows=rows)
