"""``kubectl rollout history`` and ``kubectl rollout undo`` for Deployments.

* history (polymorphichelpers/history.go ``DeploymentHistoryViewer``): one row per revision
  of the Deployment's ReplicaSets with the ``kubernetes.io/change-cause`` annotation (or
  ``<none>``), in a tabwriter with padding 2, printed after ``deployment.apps/NAME `` by the
  name printer;
* undo (polymorphichelpers/rollback.go ``DeploymentRollbacker``): the ReplicaSet of the
  previous revision (or ``--to-revision``) gives its pod template back to the Deployment,
  without its ``pod-template-hash`` label; the Deployment controller then rolls out to it and
  gives it the next revision number.
"""
from __future__ import annotations

from ..apiserver.store import clone
from ..controllers.deployment import REVISION
from ..controllers.replicaset import owned_by
from ..errors import K8sNetError, UsageError
from .tabwriter import TabWriter

__all__ = ["history", "undo", "CHANGE_CAUSE"]

CHANGE_CAUSE = "kubernetes.io/change-cause"
# rollback.go annotationsToSkip: kept from the Deployment, never taken from the ReplicaSet.
_SKIP = {"kubectl.kubernetes.io/last-applied-configuration", REVISION, "deployment.kubernetes.io/revision-history",
         "deployment.kubernetes.io/desired-replicas", "deployment.kubernetes.io/max-replicas",
         "deprecated.deployment.rollback.to"}


def _deployment(cluster, res, name: str, namespace: str) -> dict:
    if res.kind != "Deployment":
        raise UsageError(f"error: k8snet simulates rollout history and undo for deployments, not {res.plural}")
    return cluster.get("deployment", name, namespace)


def _revisions(cluster, deploy: dict) -> dict[int, dict]:
    ns = deploy["metadata"]["namespace"]
    out = {}
    for rs in cluster.store.items("ReplicaSet", ns):
        if owned_by(rs, deploy):
            try:
                out[int((rs["metadata"].get("annotations") or {}).get(REVISION, ""))] = rs
            except ValueError:
                continue  # history.go: a ReplicaSet without a revision is skipped (with a warning)
    return out


def _all_deployments(cluster, namespace: str) -> list[str]:
    """A resource type without names selects every object of that type in the namespace
    (history.go and undo.go both build with ``ResourceTypeOrNameArgs(true, ...)``)."""
    return sorted(d["metadata"]["name"] for d in cluster.store.items("Deployment", namespace))


def history(cluster, targets, namespace: str, flags: dict) -> str:
    """``kubectl rollout history deployment/NAME``."""
    if flags.get("--revision") not in (None, "0"):
        raise UsageError("error: k8snet does not print a single revision's pod template (--revision)")
    out = []
    for res, names in targets:
        names = names or _all_deployments(cluster, namespace)
        if not names:
            return f"No resources found in {namespace} namespace.\n"
        for n in names:
            deploy = _deployment(cluster, res, n, namespace)
            revs = _revisions(cluster, deploy)
            if not revs:
                text = "No rollout history found."
            else:
                w = TabWriter(0, 8, 2)
                w.write("REVISION\tCHANGE-CAUSE\n")
                for r in sorted(revs):
                    cause = (revs[r]["metadata"].get("annotations") or {}).get(CHANGE_CAUSE) or "<none>"
                    w.write(f"{r}\t{cause}\n")
                w.flush()
                text = w.getvalue()
            out.append(f"{res.ref_name}/{n} \n{text}\n")
    return "".join(out)


def _template_equal(a: dict, b: dict) -> bool:
    """rollback.go equalIgnoreHash."""
    a, b = clone(a), clone(b)
    for t in (a, b):
        (t.get("metadata") or {}).get("labels", {}).pop("pod-template-hash", None)
    return a == b


def undo(cluster, targets, namespace: str, flags: dict) -> str:
    """``kubectl rollout undo deployment/NAME [--to-revision=N]``."""
    raw = flags.get("--to-revision", 0)
    try:
        to = int(raw)
    except (TypeError, ValueError):
        raise UsageError(f'error: invalid argument "{raw}" for "--to-revision" flag: strconv.ParseInt: '
                         f'parsing "{raw}": invalid syntax') from None
    out = []
    for res, names in targets:
        names = names or _all_deployments(cluster, namespace)
        if not names:
            return f"No resources found in {namespace} namespace.\n"
        for n in names:
            deploy = _deployment(cluster, res, n, namespace)
            if to < 0:
                raise K8sNetError(f"error: unable to find specified revision {to} in history")
            revs = _revisions(cluster, deploy)
            if to == 0:
                if len(revs) < 2:
                    raise K8sNetError(f'error: no rollout history found for deployment "{n}"')
                rs = revs[sorted(revs)[-2]]
            elif to in revs:
                rs = revs[to]
            else:
                raise K8sNetError(f"error: unable to find specified revision {to} in history")
            if deploy["spec"].get("paused"):
                raise K8sNetError("error: you cannot rollback a paused deployment; resume it first with "
                                  "'kubectl rollout resume' and try again")
            if _template_equal(rs["spec"]["template"], deploy["spec"]["template"]):
                out.append(f"{res.ref_name}/{n} skipped rollback (current template already matches revision {to})\n")
                continue
            template = clone(rs["spec"]["template"])
            template.setdefault("metadata", {}).setdefault("labels", {}).pop("pod-template-hash", None)
            annotations = {k: v for k, v in (deploy["metadata"].get("annotations") or {}).items() if k in _SKIP}
            annotations.update({k: v for k, v in (rs["metadata"].get("annotations") or {}).items() if k not in _SKIP})
            deploy["spec"]["template"] = template
            deploy["metadata"]["annotations"] = annotations
            cluster.api.update(deploy)
            cluster.controllers.run()
            out.append(f"{res.ref_name}/{n} rolled back\n")
    return "".join(out)
