"""Adoption and release: which objects a controller claims (pkg/controller/controller_ref_manager.go).

A ReplicaSet does not own "the pods its selector matches" — it owns the pods whose
``metadata.ownerReferences`` name it as their controller.  Before each sync the controller
reconciles the two (``ClaimObject``):

* a pod it owns whose labels no longer match its selector is **released**: the controller
  removes its ownerReference (a patch) and, one pod short, creates a replacement.  This is the
  classic way to take a misbehaving pod out of a Service for debugging: relabel it, and it
  keeps running, orphaned, while the ReplicaSet starts a new one;
* a pod nobody controls (no ownerReference with ``controller: true``) whose labels match is
  **adopted**: the controller adds itself as the pod's controller, and the pod counts toward
  ``spec.replicas`` (a surplus is then scaled down);
* a pod another controller owns is left alone, whatever its labels;
* a controller being deleted neither adopts nor releases, and a pod being deleted is never
  adopted.

The Deployment controller claims ReplicaSets the same way (``ClaimReplicaSets``), so a
Deployment re-created after ``kubectl delete deployment --cascade=orphan`` takes its old
ReplicaSets back.  This module decides; ``controllers/apps.py`` writes the patches.
"""
from __future__ import annotations

from typing import Callable, Iterable

__all__ = ["controller_ref", "claim", "adopted", "released"]


def controller_ref(obj: dict) -> dict | None:
    """metav1.GetControllerOf: the ownerReference with ``controller: true``, if any."""
    for ref in obj["metadata"].get("ownerReferences") or ():
        if ref.get("controller"):
            return ref
    return None


def claim(owner: dict, candidates: Iterable[dict], matches: Callable[[dict], bool]) -> tuple[list, list, list]:
    """ClaimObject over ``candidates`` (objects of the owner's namespace): ``(claimed, adopt,
    release)`` — the objects the owner keeps, the orphans it takes and the ones it lets go.
    ``adopt`` objects count as claimed (``ClaimObject`` returns true once the patch succeeded)."""
    uid = owner["metadata"].get("uid")
    deleting = bool(owner["metadata"].get("deletionTimestamp"))
    claimed, adopt, release = [], [], []
    for obj in candidates:
        ref = controller_ref(obj)
        if ref is not None:
            if ref.get("uid") != uid:
                continue  # another controller's object: not ours to judge
            if matches(obj):
                claimed.append(obj)
            elif not deleting:  # a controller being deleted keeps what it has ("ignore")
                release.append(obj)
            continue
        # An orphan: adopt it only if it matches, neither side is being deleted, and it is
        # in the owner's namespace (the caller passes only those).
        if deleting or obj["metadata"].get("deletionTimestamp") or not matches(obj):
            continue
        adopt.append(obj)
        claimed.append(obj)
    return claimed, adopt, release


def adopted(obj: dict, owner: dict) -> dict:
    """``obj``'s metadata after AdoptPod/AdoptReplicaSet's patch: the owner appended to its
    ownerReferences as controller, blocking the owner's foreground deletion."""
    ref = {"apiVersion": owner["apiVersion"], "kind": owner["kind"], "name": owner["metadata"]["name"],
           "uid": owner["metadata"].get("uid", ""), "controller": True, "blockOwnerDeletion": True}
    return {**obj["metadata"], "ownerReferences": [*(obj["metadata"].get("ownerReferences") or ()), ref]}


def released(obj: dict, owner: dict) -> dict:
    """``obj``'s metadata after ReleasePod/ReleaseReplicaSet's patch (``$patch: delete`` of the
    owner's uid); an emptied list leaves the field out, as the API server stores it."""
    uid = owner["metadata"].get("uid")
    meta = dict(obj["metadata"])
    refs = [r for r in meta.get("ownerReferences") or () if r.get("uid") != uid]
    if refs:
        meta["ownerReferences"] = refs
    else:
        meta.pop("ownerReferences", None)
    return meta
