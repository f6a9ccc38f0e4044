"""The DaemonSet controller (pkg/controller/daemon), as a pure reconciler.

A DaemonSet runs one pod on every node its pod template may run on (``nodeSelector``;
taints the template does not tolerate keep a node out).  kube-proxy and the CNI's node agent
are DaemonSets: their pods use the node's network (``hostNetwork: true``), so their IP is the
node's InternalIP.  Upstream binds each pod to its node with node affinity on
``metadata.name`` and lets the scheduler place it; here the pod is created bound to its node.
"""
from __future__ import annotations

from .endpointslice import pod_is_ready
from .replicaset import active, owned_by, pod_from_template

__all__ = ["eligible", "reconcile", "pod_for", "status"]


def _tolerates(template_spec: dict, taint: dict) -> bool:
    for t in template_spec.get("tolerations") or []:
        if t.get("operator") == "Exists" and not t.get("key"):
            return True  # tolerates everything (kube-proxy, CNI agents)
        if t.get("key") == taint.get("key") and (not t.get("effect") or t.get("effect") == taint.get("effect")):
            return True
    return False


def eligible(ds: dict, node: dict) -> bool:
    """Should this node run a pod of ``ds``? (nodeSelector and NoSchedule/NoExecute taints)."""
    spec = ds["spec"]["template"].get("spec") or {}
    labels = node["metadata"].get("labels") or {}
    if any(labels.get(k) != v for k, v in (spec.get("nodeSelector") or {}).items()):
        return False
    return all(_tolerates(spec, t) for t in node["spec"].get("taints") or []
               if t.get("effect") in ("NoSchedule", "NoExecute"))


def pod_for(ds: dict, node_name: str, name: str) -> dict:
    """A pod of ``ds`` bound to ``node_name``."""
    pod = pod_from_template(ds, name)
    pod["metadata"]["generateName"] = ds["metadata"]["name"] + "-"
    pod["spec"]["nodeName"] = node_name
    return pod


def reconcile(ds: dict, pods: list[dict], nodes: list[dict]) -> tuple[list[str], list[dict]]:
    """(node names needing a pod, pods to delete: extra ones and those on ineligible nodes)."""
    mine = [p for p in pods if owned_by(p, ds) and active(p)]
    by_node: dict[str, list[dict]] = {}
    for p in sorted(mine, key=lambda p: p["metadata"]["name"]):
        by_node.setdefault(p["spec"].get("nodeName", ""), []).append(p)
    create, delete = [], []
    for node in sorted(nodes, key=lambda n: n["metadata"]["name"]):
        name = node["metadata"]["name"]
        on_node = by_node.pop(name, [])
        if eligible(ds, node):
            if not on_node:
                create.append(name)
            delete.extend(on_node[1:])
        else:
            delete.extend(on_node)
    for leftovers in by_node.values():  # pods on nodes that are gone
        delete.extend(leftovers)
    return create, delete


def status(ds: dict, pods: list[dict], nodes: list[dict]) -> dict:
    """DaemonSet status (daemon_controller.go updateDaemonSetStatus)."""
    mine = [p for p in pods if owned_by(p, ds) and active(p)]
    desired = sum(1 for n in nodes if eligible(ds, n))
    ready = sum(1 for p in mine if pod_is_ready(p))
    return {"currentNumberScheduled": len(mine), "desiredNumberScheduled": desired,
            "numberAvailable": ready, "numberMisscheduled": 0, "numberReady": ready,
            "observedGeneration": ds["metadata"].get("generation", 1), "updatedNumberScheduled": len(mine)}
