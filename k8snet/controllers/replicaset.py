"""The ReplicaSet controller (pkg/controller/replicaset), as a pure reconciler.

It counts the *active* pods a ReplicaSet owns (not terminating, not terminal) and creates or
deletes pods until the count matches ``spec.replicas``.  When scaling down it deletes the
least useful pods first (controller.ActivePods ordering: unscheduled before scheduled, pending
before running, not ready before ready, then the newest first).
"""
from __future__ import annotations

from ..apiserver.store import clone

from .endpointslice import pod_is_ready

__all__ = ["owned_by", "active", "reconcile", "pod_from_template", "status", "available_at"]


def owned_by(obj: dict, owner: dict) -> bool:
    uid = owner["metadata"].get("uid")
    return any(r.get("uid") == uid and r.get("controller") for r in obj["metadata"].get("ownerReferences") or [])


def active(pod: dict) -> bool:
    """controller.IsPodActive: not terminal and not being deleted."""
    return (pod.get("status") or {}).get("phase") not in ("Succeeded", "Failed") \
        and not pod["metadata"].get("deletionTimestamp")


def _deletion_rank(pod: dict):
    st = pod.get("status") or {}
    phase_rank = {"Pending": 0, "Unknown": 1, "Running": 2}.get(st.get("phase"), 0)
    return (1 if pod["spec"].get("nodeName") else 0, phase_rank, 1 if pod_is_ready(pod) else 0,
            # newer pods first: negate the creation time by sorting on it descending below
            )


def reconcile(rs: dict, pods: list[dict]) -> tuple[int, list[dict]]:
    """(how many pods to create, which pods to delete) for this ReplicaSet."""
    mine = [p for p in pods if owned_by(p, rs) and active(p)]
    want = rs["spec"].get("replicas", 1)
    diff = want - len(mine)
    if diff >= 0:
        return diff, []
    ranked = sorted(mine, key=lambda p: (_deletion_rank(p), _neg_time(p["metadata"]["creationTimestamp"]),
                                         p["metadata"]["name"]))
    return 0, ranked[:-diff]


def _neg_time(ts: str) -> str:
    # Sort newest first inside a rank: invert the timestamp's characters' order.
    return "".join(chr(0x7F - ord(c)) for c in ts)


def pod_from_template(owner: dict, name: str) -> dict:
    """A pod for a ReplicaSet/StatefulSet, from its template (controller_utils GetPodFromTemplate)."""
    template = owner["spec"]["template"]
    tmeta = template.get("metadata") or {}
    meta = {"name": name, "namespace": owner["metadata"]["namespace"],
            "labels": dict(tmeta.get("labels") or {}),
            "ownerReferences": [{"apiVersion": owner["apiVersion"], "kind": owner["kind"],
                                 "name": owner["metadata"]["name"], "uid": owner["metadata"].get("uid", ""),
                                 "controller": True, "blockOwnerDeletion": True}]}
    if owner["kind"] == "ReplicaSet":
        meta["generateName"] = owner["metadata"]["name"] + "-"
    if tmeta.get("annotations"):
        meta["annotations"] = dict(tmeta["annotations"])
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": clone(template.get("spec") or {}),
            "status": {"phase": "Pending", "qosClass": "BestEffort"}}


def available_at(pod: dict, min_ready: int) -> float | None:
    """podutil.IsPodAvailable: when a Ready pod counts as available (its Ready condition's
    lastTransitionTime plus ``minReadySeconds``), None when it is not Ready."""
    if not pod_is_ready(pod):
        return None
    from .. import clock
    cond = next(c for c in pod["status"]["conditions"] if c.get("type") == "Ready")
    return clock.parse_rfc3339(cond["lastTransitionTime"]) + min_ready if min_ready else 0.0


def status(rs: dict, pods: list[dict], now: float = 0.0, *, failure: str | None = None) -> dict:
    """ReplicaSet status computed from its pods (replica_set_utils calculateStatus):
    available = Ready for at least ``spec.minReadySeconds``.  ``failure`` is the error of this
    sync's pod creation: it sets the ``ReplicaFailure`` condition (reason ``FailedCreate``) when
    none is set; a sync without one removes it."""
    mine = [p for p in pods if owned_by(p, rs) and active(p)]
    ready = sum(1 for p in mine if pod_is_ready(p))
    min_ready = rs["spec"].get("minReadySeconds", 0)
    available = sum(1 for p in mine if (a := available_at(p, min_ready)) is not None and a <= now)
    sel = ((rs["spec"].get("template") or {}).get("metadata") or {}).get("labels") or {}
    labeled = sum(1 for p in mine if all(p["metadata"].get("labels", {}).get(k) == v for k, v in sel.items()))
    st = {"replicas": len(mine), "fullyLabeledReplicas": labeled,
          "observedGeneration": rs["metadata"].get("generation", 1)}
    if ready:
        st["readyReplicas"] = ready
    if available:
        st["availableReplicas"] = available
    old = next((c for c in (rs.get("status") or {}).get("conditions") or [] if c.get("type") == "ReplicaFailure"), None)
    if failure is not None:
        from .. import clock
        st["conditions"] = [old or {"type": "ReplicaFailure", "status": "True", "lastTransitionTime": clock.rfc3339(now),
                                    "reason": "FailedCreate", "message": failure}]
    return st
