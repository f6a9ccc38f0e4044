"""The Deployment controller (pkg/controller/deployment), as a pure reconciler.

A Deployment owns ReplicaSets, one per pod template (named ``<deploy>-<pod-template-hash>``).
On a template change it creates a new ReplicaSet and moves replicas over:

* ``RollingUpdate`` (rolling.go): the new ReplicaSet may grow while the total stays at most
  ``replicas + maxSurge`` (rounded up); old ones shrink while at least
  ``replicas - maxUnavailable`` (rounded down) pods stay available.  Both 0 is refused by
  validation; when ``maxSurge`` rounds to 0 and ``maxUnavailable`` too, unavailable becomes 1.
* ``Recreate`` (recreate.go): old ReplicaSets go to 0 and the new one is scaled up only once
  *no* old pod is left — the window in which the Service has no endpoints.
"""
from __future__ import annotations

from ..apiserver.store import clone

import math

from .names import template_hash
from .replicaset import owned_by

__all__ = ["resolve_fenceposts", "sync", "new_replicaset", "status", "bump_revision"]

REVISION = "deployment.kubernetes.io/revision"
REVISION_HISTORY = "deployment.kubernetes.io/revision-history"
CHANGE_CAUSE = "kubernetes.io/change-cause"


def bump_revision(deploy: dict, replicasets: list[dict], pod_hash: str) -> dict | None:
    """sync.go getNewReplicaSet / SetNewReplicaSetAnnotations: when the template goes back to
    an older ReplicaSet's (``kubectl rollout undo``), that ReplicaSet becomes the newest
    revision (max + 1) and remembers its old number in ``revision-history``.  The updated
    ReplicaSet, or None when nothing changes."""
    mine = [rs for rs in replicasets if owned_by(rs, deploy)]
    new = next((rs for rs in mine if rs["metadata"].get("labels", {}).get("pod-template-hash") == pod_hash), None)
    if new is None:
        return None
    revs = {rs["metadata"]["name"]: int((rs["metadata"].get("annotations") or {}).get(REVISION, 0)) for rs in mine}
    highest = max((r for n, r in revs.items() if n != new["metadata"]["name"]), default=0)
    mine_rev = revs[new["metadata"]["name"]]
    if mine_rev > highest:
        return None
    rs = clone(new)
    ann = rs["metadata"].setdefault("annotations", {})
    ann[REVISION_HISTORY] = ",".join(x for x in (ann.get(REVISION_HISTORY), str(mine_rev)) if x)
    ann[REVISION] = str(highest + 1)
    cause = (deploy["metadata"].get("annotations") or {}).get(CHANGE_CAUSE)
    if cause:
        ann[CHANGE_CAUSE] = cause
    return rs


def _int_or_percent(value, total: int, round_up: bool) -> int:
    if isinstance(value, str) and value.endswith("%"):
        frac = int(value[:-1]) * total / 100
        return math.ceil(frac) if round_up else math.floor(frac)
    return int(value)


def resolve_fenceposts(deploy: dict) -> tuple[int, int]:
    """deploymentutil.ResolveFenceposts: (maxSurge, maxUnavailable) as pod counts."""
    ru = (deploy["spec"].get("strategy") or {}).get("rollingUpdate") or {}
    replicas = deploy["spec"].get("replicas", 1)
    surge = _int_or_percent(ru.get("maxSurge", "25%"), replicas, True)
    unavailable = _int_or_percent(ru.get("maxUnavailable", "25%"), replicas, False)
    if surge == 0 and unavailable == 0:
        unavailable = 1
    return surge, unavailable


def new_replicaset(deploy: dict, pod_hash: str, replicas: int, revision: int) -> dict:
    """The ReplicaSet for the Deployment's current template."""
    template = clone(deploy["spec"]["template"])
    template.setdefault("metadata", {}).setdefault("labels", {})["pod-template-hash"] = pod_hash
    selector = clone(deploy["spec"]["selector"])
    selector.setdefault("matchLabels", {})["pod-template-hash"] = pod_hash
    meta = deploy["metadata"]
    surge, _ = resolve_fenceposts(deploy)
    return {
        "apiVersion": "apps/v1", "kind": "ReplicaSet",
        "metadata": {"name": f"{meta['name']}-{pod_hash}", "namespace": meta["namespace"],
                     "labels": dict(template["metadata"]["labels"]),
                     "annotations": {"deployment.kubernetes.io/desired-replicas": str(deploy["spec"].get("replicas", 1)),
                                     "deployment.kubernetes.io/max-replicas": str(deploy["spec"].get("replicas", 1) + surge),
                                     REVISION: str(revision),
                                     **({CHANGE_CAUSE: (meta.get("annotations") or {})[CHANGE_CAUSE]}
                                        if CHANGE_CAUSE in (meta.get("annotations") or {}) else {})},
                     "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": meta["name"],
                                          "uid": meta.get("uid", ""), "controller": True, "blockOwnerDeletion": True}]},
        "spec": {"replicas": replicas, "selector": selector, "template": template,
                 **({"minReadySeconds": deploy["spec"]["minReadySeconds"]} if deploy["spec"].get("minReadySeconds") else {})},
    }


def _avail(rs: dict) -> int:
    return (rs.get("status") or {}).get("availableReplicas", 0)


def sync(deploy: dict, replicasets: list[dict], pods: list[dict], pod_hash: str | None = None):
    """What to do now: ``(new_rs_to_create | None, {rs name: new replicas})``."""
    mine = sorted([rs for rs in replicasets if owned_by(rs, deploy)],
                  key=lambda r: (r["metadata"]["creationTimestamp"], r["metadata"]["name"]))
    pod_hash = pod_hash or template_hash(deploy["spec"]["template"])
    new = next((rs for rs in mine if rs["metadata"].get("labels", {}).get("pod-template-hash") == pod_hash), None)
    old = [rs for rs in mine if rs is not new]
    replicas = deploy["spec"].get("replicas", 1)
    strategy = (deploy["spec"].get("strategy") or {}).get("type", "RollingUpdate")
    scale: dict[str, int] = {}
    revision = 1 + max([int(rs["metadata"].get("annotations", {}).get(REVISION, 0)) for rs in mine] or [0])
    if deploy["spec"].get("paused"):
        return None, scale

    if strategy == "Recreate":
        for rs in old:
            if rs["spec"].get("replicas", 0) != 0:
                scale[rs["metadata"]["name"]] = 0
        old_pods = [p for p in pods if any(owned_by(p, rs) for rs in old)]
        if scale or old_pods:  # wait until every old pod is gone
            return (new_replicaset(deploy, pod_hash, 0, revision) if new is None else None), scale
        if new is None:
            return new_replicaset(deploy, pod_hash, replicas, revision), scale
        if new["spec"].get("replicas") != replicas:
            scale[new["metadata"]["name"]] = replicas
        return None, scale

    surge, max_unavailable = resolve_fenceposts(deploy)
    if not old:  # no rollout in progress: plain scaling
        if new is None:
            return new_replicaset(deploy, pod_hash, replicas, revision), scale
        if new["spec"].get("replicas") != replicas:
            scale[new["metadata"]["name"]] = replicas
        return None, scale

    all_count = sum(rs["spec"].get("replicas", 0) for rs in mine)
    new_replicas = new["spec"].get("replicas", 0) if new else 0
    # rolling.go reconcileNewReplicaSet / NewRSNewReplicas
    max_total = replicas + surge
    if all_count < max_total and new_replicas < replicas:
        new_replicas = min(replicas, new_replicas + max_total - all_count)
    elif new_replicas > replicas:
        new_replicas = replicas
    created = None
    if new is None:
        created = new_replicaset(deploy, pod_hash, new_replicas, revision)
    elif new_replicas != new["spec"].get("replicas"):
        scale[new["metadata"]["name"]] = new_replicas
    # rolling.go reconcileOldReplicaSets
    all_count = sum(rs["spec"].get("replicas", 0) for rs in old) + new_replicas
    min_available = replicas - max_unavailable
    new_unavailable = new_replicas - (_avail(new) if new else 0)
    max_scaled_down = all_count - min_available - new_unavailable
    if max_scaled_down > 0:
        # First scale down old ReplicaSets' unhealthy pods (cleanupUnhealthyReplicas)...
        for rs in old:
            r = rs["spec"].get("replicas", 0)
            unhealthy = r - _avail(rs)
            cut = min(unhealthy, max_scaled_down, r)
            if cut > 0:
                scale[rs["metadata"]["name"]] = r - cut
                max_scaled_down -= cut
        # ...then as many available ones as the availability budget allows.
        available = sum(_avail(rs) for rs in old) + (_avail(new) if new else 0)
        budget = min(available - min_available, max_scaled_down)
        for rs in old:
            if budget <= 0:
                break
            r = scale.get(rs["metadata"]["name"], rs["spec"].get("replicas", 0))
            cut = min(r, budget)
            if cut > 0:
                scale[rs["metadata"]["name"]] = r - cut
                budget -= cut
    return created, scale


def status(deploy: dict, replicasets: list[dict], now_ts: str, pod_hash: str | None = None) -> dict:
    """Deployment status (sync.go calculateStatus) and its Available/Progressing conditions."""
    mine = [rs for rs in replicasets if owned_by(rs, deploy)]
    pod_hash = pod_hash or template_hash(deploy["spec"]["template"])
    new = next((rs for rs in mine if rs["metadata"].get("labels", {}).get("pod-template-hash") == pod_hash), None)
    total = sum((rs.get("status") or {}).get("replicas", 0) for rs in mine)
    ready = sum((rs.get("status") or {}).get("readyReplicas", 0) for rs in mine)
    available = sum(_avail(rs) for rs in mine)
    updated = (new.get("status") or {}).get("replicas", 0) if new else 0
    replicas = deploy["spec"].get("replicas", 1)
    _, max_unavailable = resolve_fenceposts(deploy)
    st: dict = {"observedGeneration": deploy["metadata"].get("generation", 1)}
    if total:
        st["replicas"] = total
    if updated:
        st["updatedReplicas"] = updated
    if ready:
        st["readyReplicas"] = ready
    if available:
        st["availableReplicas"] = available
    unavailable = max(total - available, replicas - available, 0) if total or replicas else 0
    if unavailable:
        st["unavailableReplicas"] = unavailable
    old_conds = {c["type"]: c for c in (deploy.get("status") or {}).get("conditions") or []}

    def cond(type_, status_, reason, message):
        prev = old_conds.get(type_)
        transition = prev["lastTransitionTime"] if prev and prev["status"] == status_ else now_ts
        update = prev["lastUpdateTime"] if prev and prev["status"] == status_ and prev["reason"] == reason else now_ts
        return {"type": type_, "status": status_, "lastUpdateTime": update, "lastTransitionTime": transition,
                "reason": reason, "message": message}

    if available >= replicas - max_unavailable:
        avail_c = cond("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.")
    else:
        avail_c = cond("Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.")
    name = new["metadata"]["name"] if new else deploy["metadata"]["name"]
    complete = new is not None and updated == replicas and available >= replicas and total == replicas
    if complete:
        prog = cond("Progressing", "True", "NewReplicaSetAvailable", f'ReplicaSet "{name}" has successfully progressed.')
    else:
        prog = cond("Progressing", "True", "ReplicaSetUpdated", f'ReplicaSet "{name}" is progressing.')
    st["conditions"] = [avail_c, prog]
    # syncRolloutStatus getReplicaFailures: a ReplicaSet's ReplicaFailure (the new one's first)
    # becomes the Deployment's (ReplicaSetToDeploymentCondition: both times its transition time).
    failed = next((c for rs in sorted(mine, key=lambda r: r is not new)
                   for c in (rs.get("status") or {}).get("conditions") or [] if c.get("type") == "ReplicaFailure"), None)
    if failed is not None:
        st["conditions"].append({"type": "ReplicaFailure", "status": failed["status"],
                                 "lastUpdateTime": failed["lastTransitionTime"],
                                 "lastTransitionTime": failed["lastTransitionTime"],
                                 "reason": failed["reason"], "message": failed["message"]})
    return st
