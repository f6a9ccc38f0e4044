"""PodDisruptionBudgets (policy/v1): the disruption controller and the eviction API.

* ``status`` is pkg/controller/disruption's ``trySync``: ``expectedPods`` is the scale of the
  pods' controllers (or the number of pods for an integer ``minAvailable``),
  ``desiredHealthy`` comes from ``minAvailable`` / ``maxUnavailable`` (percentages round up),
  ``currentHealthy`` counts Ready pods that are not terminating, and
  ``disruptionsAllowed = max(0, currentHealthy - desiredHealthy)``;
* ``check_eviction`` is pkg/registry/core/pod/storage/eviction.go: an eviction of a pod that
  a budget covers is refused with 429 TooManyRequests while the budget allows no disruption;
  otherwise the budget's ``disruptionsAllowed`` goes down by one and the pod is deleted
  gracefully (its own grace period, its preStop hook).
"""
from __future__ import annotations

import math

from .. import clock, labels
from ..errors import K8sNetError
from .endpointslice import pod_is_ready

__all__ = ["status", "covering", "check_eviction", "TooManyRequests", "PDB_VIOLATION"]

PDB_VIOLATION = "Cannot evict pod as it would violate the pod's disruption budget."


class TooManyRequests(K8sNetError):
    """The API server's 429: the eviction would violate a PodDisruptionBudget."""


def _scaled(value, total: int) -> int:
    if isinstance(value, str) and value.endswith("%"):
        return math.ceil(int(value[:-1]) * total / 100)  # GetScaledValueFromIntOrPercent, roundUp
    return int(value)


def covering(pdbs: list[dict], pod: dict) -> list[dict]:
    """The budgets of the pod's namespace whose selector matches it (an empty selector matches none)."""
    out = []
    for pdb in pdbs:
        sel = pdb["spec"].get("selector")
        if pdb["metadata"]["namespace"] != pod["metadata"]["namespace"] or not sel:
            continue
        if labels.from_label_selector(sel).matches(pod["metadata"].get("labels") or {}):
            out.append(pdb)
    return out


def status(pdb: dict, pods: list[dict], scale_of, now: float) -> dict:
    """The budget's status for the pods it selects; ``scale_of(pod)`` gives (controller key,
    replicas) of the pod's controller, or None."""
    spec = pdb["spec"]
    healthy = sum(1 for p in pods if not p["metadata"].get("deletionTimestamp") and pod_is_ready(p))
    if spec.get("minAvailable") is not None and not str(spec["minAvailable"]).endswith("%"):
        expected, desired = len(pods), int(spec["minAvailable"])
    else:
        scales = {}
        for p in pods:
            s = scale_of(p)
            if s is not None:
                scales[s[0]] = s[1]
        expected = sum(scales.values())
        if spec.get("maxUnavailable") is not None:
            desired = max(0, expected - _scaled(spec["maxUnavailable"], expected))
        else:
            desired = _scaled(spec.get("minAvailable", "100%"), expected)
    allowed = max(0, healthy - desired)
    old = {c["type"]: c for c in (pdb.get("status") or {}).get("conditions") or []}
    state = "True" if allowed > 0 else "False"
    prev = old.get("DisruptionAllowed")
    cond = {"type": "DisruptionAllowed", "status": state,
            "reason": "SufficientPods" if allowed > 0 else "InsufficientPods", "message": "",
            "lastTransitionTime": prev["lastTransitionTime"] if prev and prev["status"] == state else clock.rfc3339(now),
            "observedGeneration": pdb["metadata"].get("generation", 1)}
    return {"observedGeneration": pdb["metadata"].get("generation", 1), "disruptionsAllowed": allowed,
            "currentHealthy": healthy, "desiredHealthy": desired, "expectedPods": expected, "conditions": [cond]}


def check_eviction(pdbs: list[dict], pod: dict) -> dict | None:
    """eviction.go: None when no budget covers the pod (or it is not Ready: evicting it costs
    nothing); the covering budget with ``disruptionsAllowed`` taken down by one; or
    ``TooManyRequests`` when that budget allows no disruption."""
    if pod["metadata"].get("deletionTimestamp"):
        return None  # already terminating: the eviction just deletes it
    mine = covering(pdbs, pod)
    if not mine:
        return None
    if len(mine) > 1:
        raise K8sNetError("Error from server (InternalError): This pod has more than one PodDisruptionBudget, "
                          "which the eviction subresource does not support.")
    pdb = mine[0]
    if not pod_is_ready(pod) and (pdb["spec"].get("unhealthyPodEvictionPolicy") == "AlwaysAllow"):
        return None
    st = dict(pdb.get("status") or {})
    if st.get("observedGeneration", 0) < pdb["metadata"].get("generation", 1) or st.get("disruptionsAllowed", 0) <= 0:
        raise TooManyRequests(PDB_VIOLATION)
    st["disruptionsAllowed"] -= 1
    return {**pdb, "status": st}
