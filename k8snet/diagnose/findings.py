"""The Finding record and the small helpers every check shares."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .. import labels, workloads
from ..controllers.endpointslice import find_port, pod_is_ready
from ..controllers.kubelet import _resolve_probe_port

__all__ = ["Finding", "edit_distance", "ERROR", "WARNING", "SYSTEM_NAMESPACES"]


ERROR, WARNING = "error", "warning"
SYSTEM_NAMESPACES = ("kube-system", "kube-public", "kube-node-lease", "ingress-nginx", "k8snet-gateway-system")


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem: what was seen, why it breaks traffic, what to change, and how to see it.

    ``severity`` is ``"error"`` (traffic fails) or ``"warning"`` (some traffic fails, or
    will); ``evidence`` is the kubectl command that shows ``what``.
    """

    what: str
    why: str
    fix: str
    severity: str = ERROR
    evidence: str = ""

    def __str__(self) -> str:
        text = f"[{self.severity}] {self.what}\n  why: {self.why}\n  fix: {self.fix}"
        return text + (f"\n  see: {self.evidence}" if self.evidence else "")


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance: how many one-character edits turn ``a`` into ``b``."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]



# -- helpers ------------------------------------------------------------------------
def _sel(selector: dict) -> str:
    return ",".join(f"{k}={v}" for k, v in sorted(selector.items()))


def _pod_ref(pod: dict) -> str:
    return pod["metadata"]["name"]


def _match(selector: dict, pod: dict) -> bool:
    """Does a Service's ``spec.selector`` (a plain map, not a LabelSelector) select ``pod``?"""
    return labels.from_map(selector).matches(pod["metadata"].get("labels"))


def _names(pods, limit=3) -> str:
    names = [_pod_ref(p) for p in pods]
    return ", ".join(names[:limit]) + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _owner(cluster, pod: dict) -> str:
    """The top controller of a pod, as ``Kind name`` (Deployment through its ReplicaSet)."""
    meta = pod["metadata"]
    ref = next((o for o in meta.get("ownerReferences") or [] if o.get("controller")), None)
    if ref is None:
        return f"Pod {meta['name']}"
    if ref["kind"] == "ReplicaSet":
        rs = cluster.store.peek("ReplicaSet", meta["namespace"], ref["name"])
        up = next((o for o in ((rs or {}).get("metadata") or {}).get("ownerReferences") or [] if o.get("controller")), None)
        if up is not None:
            return f"{up['kind']} {up['name']}"
    return f"{ref['kind']} {ref['name']}"


def _live_pods(cluster, ns: str | None) -> list[dict]:
    return [p for p in cluster.store.items("Pod", ns) if not p["metadata"].get("deletionTimestamp")
            and (p.get("status") or {}).get("phase") not in ("Succeeded", "Failed")]


def _crashing(pod: dict) -> bool:
    return any(((cs.get("state") or {}).get("waiting") or {}).get("reason") == "CrashLoopBackOff"
               for cs in (pod.get("status") or {}).get("containerStatuses") or [])


def _listening(pod: dict) -> list[str]:
    return sorted({f"{p}/{proto}" for c in pod["spec"]["containers"] for p, proto in workloads.app_for(pod, c).ports})


def _node_down(cluster, node: str | None) -> bool:
    if not node:
        return False
    n = cluster.store.peek("Node", "", node)
    ready = any(c["type"] == "Ready" and c["status"] == "True" for c in (n or {}).get("status", {}).get("conditions") or [])
    return not cluster.controllers.kubelet_up.get(node, False) or not ready


# -- a Service ----------------------------------------------------------------------
