"""The StatefulSet controller (pkg/controller/statefulset), as a pure reconciler.

Pods are named ``<sts>-<ordinal>``, keep that name (and their ``hostname``) across restarts,
and get ``subdomain: <serviceName>`` so a headless Service of that name gives each one a DNS
name (``web-0.nginx.default.svc.cluster.local``).  With ``OrderedReady`` (the default) pod
*N* is created only once pods *0..N-1* are Running and Ready, and scale-down removes the
highest ordinal first, one at a time; ``Parallel`` does all at once.
"""
from __future__ import annotations

from .endpointslice import pod_is_ready
from .names import template_hash
from .replicaset import owned_by, pod_from_template

__all__ = ["revision", "reconcile", "pod_for", "status"]


def revision(sts: dict) -> str:
    """The ``controller-revision-hash`` label value of the current template."""
    return f"{sts['metadata']['name']}-{template_hash(sts['spec']['template'])}"


def pod_for(sts: dict, ordinal: int) -> dict:
    name = f"{sts['metadata']['name']}-{ordinal}"
    pod = pod_from_template(sts, name)
    pod["metadata"]["labels"].update({"apps.kubernetes.io/pod-index": str(ordinal),
                                      "controller-revision-hash": revision(sts),
                                      "statefulset.kubernetes.io/pod-name": name})
    pod["spec"]["hostname"] = name
    if sts["spec"].get("serviceName"):
        pod["spec"]["subdomain"] = sts["spec"]["serviceName"]
    return pod


def _ordinal(sts: dict, pod: dict) -> int | None:
    prefix = sts["metadata"]["name"] + "-"
    name = pod["metadata"]["name"]
    tail = name[len(prefix):]
    return int(tail) if name.startswith(prefix) and tail.isdigit() else None


def reconcile(sts: dict, pods: list[dict]) -> tuple[list[int], list[dict]]:
    """(ordinals to create, pods to delete) right now."""
    spec = sts["spec"]
    start = (spec.get("ordinals") or {}).get("start", 0)
    want = range(start, start + spec.get("replicas", 1))
    mine = {}
    for p in pods:
        if owned_by(p, sts):
            o = _ordinal(sts, p)
            if o is not None:
                mine[o] = p
    parallel = spec.get("podManagementPolicy") == "Parallel"
    rev = revision(sts)
    create, delete = [], []
    for o in want:
        pod = mine.get(o)
        if pod is None:
            create.append(o)
            if not parallel:
                return create, delete
            continue
        healthy = pod["metadata"].get("deletionTimestamp") is None and pod_is_ready(pod)
        if not parallel and not healthy:
            return create, delete  # OrderedReady: wait for this one
    extra = sorted((o for o in mine if o not in want), reverse=True)
    for o in extra:
        if mine[o]["metadata"].get("deletionTimestamp"):
            if not parallel:
                return create, delete
            continue
        delete.append(mine[o])
        if not parallel:
            return create, delete
    # RollingUpdate: replace pods of an older revision, highest ordinal first, one at a time.
    if (spec.get("updateStrategy") or {}).get("type", "RollingUpdate") == "RollingUpdate":
        for o in sorted(want, reverse=True):
            pod = mine.get(o)
            if pod is not None and pod["metadata"]["labels"].get("controller-revision-hash") != rev \
                    and not pod["metadata"].get("deletionTimestamp"):
                delete.append(pod)
                break
    return create, delete


def status(sts: dict, pods: list[dict]) -> dict:
    mine = [p for p in pods if owned_by(p, sts) and not p["metadata"].get("deletionTimestamp")]
    rev = revision(sts)
    ready = sum(1 for p in mine if pod_is_ready(p))
    updated = sum(1 for p in mine if p["metadata"]["labels"].get("controller-revision-hash") == rev)
    st = {"replicas": len(mine), "observedGeneration": sts["metadata"].get("generation", 1),
          "currentRevision": rev, "updateRevision": rev, "collisionCount": 0,
          "currentReplicas": updated, "updatedReplicas": updated}
    if ready:
        st["readyReplicas"] = ready
        st["availableReplicas"] = ready
    else:
        st["availableReplicas"] = 0
    return st
