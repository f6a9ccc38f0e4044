"""Deletion propagation: the finalizers the registry sets on a DELETE and the garbage
collector that honours them (``kubectl delete --cascade=background|foreground|orphan``).

The registry (apiserver ``registry/generic/registry/store.go``): ``shouldOrphanDependents`` and
``shouldDeleteDependents`` read the DeleteOptions' ``propagationPolicy`` first, then the
object's own finalizers; ``deletionFinalizersForGarbageCollection`` removes both GC finalizers
and adds back ``orphan`` or ``foregroundDeletion``.  An object left with a finalizer is not
removed: ``markAsDeleting`` sets ``deletionTimestamp`` to now and
``deletionGracePeriodSeconds`` to 0 (and bumps ``generation``); a pod keeps its graceful
deletion (rest ``BeforeDelete``, ``APIServer.mark_deleted``).

The garbage collector (``pkg/controller/garbagecollector/garbagecollector.go``), which on a
real cluster acts within milliseconds, here acts at once:

* ``orphan``: ``orphanDependents`` removes the owner's reference from every dependent, then
  the finalizer goes and so does the owner; the dependents stay.
* ``foregroundDeletion``: ``processDeletingDependentsItem`` deletes the dependents whose
  reference has ``blockOwnerDeletion`` (``attemptToDeleteItem``: a dependent that has
  dependents of its own in the foreground too, any other in the background, one already
  being deleted left alone); the owner stays, with its ``deletionTimestamp``, until none of
  them is left, then the finalizer goes and the owner with it.  :func:`sync` re-checks the
  owners still waiting whenever the controllers settle (a manager extra).
* background (no GC finalizer): the owner goes now, its dependents after it
  (``APIServer.remove``).
"""
from __future__ import annotations

from .. import clock
from ..errors import FieldError, ValidationError
from .store import clone

__all__ = ["ORPHAN", "FOREGROUND", "POLICIES", "DEPENDENT_KINDS", "dependents", "check_policy", "delete", "sync"]

#: metav1.FinalizerOrphanDependents and metav1.FinalizerDeleteDependents.
ORPHAN, FOREGROUND = "orphan", "foregroundDeletion"
#: metav1.DeletionPropagation values, in ValidateDeleteOptions' order.
POLICIES = ("Foreground", "Background", "Orphan")
#: The kinds the simulated controllers give ownerReferences to (the GC's graph covers these).
DEPENDENT_KINDS = ("ReplicaSet", "Pod", "EndpointSlice", "ControllerRevision")


def dependents(api, owner: dict) -> list[dict]:
    """The objects of the owner's namespace whose ownerReferences name its uid."""
    uid, ns = owner["metadata"].get("uid"), owner["metadata"].get("namespace", "")
    return [dep for kind in DEPENDENT_KINDS for dep in api.store.items(kind, ns)
            if any(r.get("uid") == uid for r in dep["metadata"].get("ownerReferences") or [])]


def _reference(dep: dict, owner: dict) -> dict:
    uid = owner["metadata"].get("uid")
    return next(r for r in dep["metadata"].get("ownerReferences") or [] if r.get("uid") == uid)


def _deleting_dependents(obj: dict) -> bool:
    meta = obj["metadata"]
    return bool(meta.get("deletionTimestamp")) and FOREGROUND in (meta.get("finalizers") or [])


def check_policy(policy) -> None:
    """ValidateDeleteOptions: propagationPolicy is Foreground, Background, Orphan or unset
    (``The DeleteOptions "" is invalid: propagationPolicy: Unsupported value: ...``)."""
    if policy is not None and policy not in POLICIES:
        raise ValidationError("DeleteOptions", "", [FieldError.not_supported("propagationPolicy", policy,
                                                                             [*POLICIES, "nil"])])


def _finalizers(obj: dict, policy: str | None) -> list[str]:
    """deletionFinalizersForGarbageCollection: the policy given decides, else the object's
    own GC finalizer (no simulated kind defaults to orphaning)."""
    existing = obj["metadata"].get("finalizers") or []
    orphan = policy == "Orphan" if policy else ORPHAN in existing
    foreground = policy == "Foreground" if policy else FOREGROUND in existing and ORPHAN not in existing
    kept = [f for f in existing if f not in (ORPHAN, FOREGROUND)]
    return kept + ([ORPHAN] if orphan else []) + ([FOREGROUND] if foreground else [])


def delete(api, kind: str, namespace: str, name: str, policy: str | None = None, grace: int | None = None) -> None:
    """DELETE one object with DeleteOptions{propagationPolicy, gracePeriodSeconds}."""
    check_policy(policy)
    obj = api.store.peek(kind, namespace, name)
    if obj is None:
        return
    if kind == "Pod":
        # A pod has no dependents in the simulator, so the GC finalizers it would get are
        # cleared as soon as they are set: its graceful deletion is the whole story.
        api.mark_deleted(obj, grace)
        return
    finalizers = _finalizers(obj, policy)
    if ORPHAN in finalizers:
        for dep in dependents(api, obj):  # orphanDependents
            dep = clone(dep)
            refs = [r for r in dep["metadata"]["ownerReferences"] if r.get("uid") != obj["metadata"].get("uid")]
            if refs:
                dep["metadata"]["ownerReferences"] = refs
            else:
                del dep["metadata"]["ownerReferences"]
            api.write(dep)
        api.remove(kind, namespace, name, cascade=False)
    elif FOREGROUND in finalizers:
        obj = clone(obj)
        meta = obj["metadata"]
        if not meta.get("deletionTimestamp"):  # markAsDeleting
            if meta.get("generation", 0) > 0:
                meta["generation"] += 1
            meta["deletionTimestamp"] = clock.rfc3339(api.now())
        meta["deletionGracePeriodSeconds"] = 0
        meta["finalizers"] = finalizers
        api.store.put(obj)
        api.deleting_dependents.add((kind, namespace, name))
        _process_deleting_dependents(api, obj)
    else:
        api.remove(kind, namespace, name)


def _process_deleting_dependents(api, owner: dict) -> bool:
    """processDeletingDependentsItem; True when the owner is gone."""
    blocking = [d for d in dependents(api, owner) if _reference(d, owner).get("blockOwnerDeletion")]
    meta = owner["metadata"]
    if not blocking:
        api.deleting_dependents.discard((owner["kind"], meta.get("namespace", ""), meta["name"]))
        api.remove(owner["kind"], meta.get("namespace", ""), meta["name"])
        return True
    for dep in blocking:
        if dep["metadata"].get("deletionTimestamp"):
            continue  # attemptToDeleteItem: already being deleted
        dmeta = dep["metadata"]
        has_own = bool(dependents(api, dep))
        delete(api, dep["kind"], dmeta.get("namespace", ""), dmeta["name"], "Foreground" if has_own else None)
    return False


def sync(api) -> None:
    """Re-check every owner waiting for its dependents (a manager extra: runs whenever the
    controllers settle, e.g. after a kubelet removed the last terminating pod)."""
    for kind, ns, name in sorted(api.deleting_dependents):
        owner = api.store.peek(kind, ns, name)
        if owner is None or not _deleting_dependents(owner):
            api.deleting_dependents.discard((kind, ns, name))
            continue
        _process_deleting_dependents(api, owner)
