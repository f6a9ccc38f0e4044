"""PUT: replace an object (apiserver ``pkg/endpoints/handlers/update.go``), and the ``status``
and ``scale`` subresources.

As the registry's update strategies do: a stale ``resourceVersion`` is a 409 Conflict; an
update of the main resource keeps the live ``status`` (and the ``status`` subresource changes
only ``status``); an update that changes nothing writes nothing (the resourceVersion stays).
"""
from __future__ import annotations

from ...apiserver.store import clone, replace_fields
from .. import status as st
from ..registry import Served
from ..requestinfo import RequestInfo
from .rest import check_object, dry_run, live, settle

__all__ = ["update", "write_update", "scale_of", "STALE"]

#: registry.OptimisticLockErrorMsg
STALE = "the object has been modified; please apply your changes to the latest version and try again"
# What an update cannot change: the server's own metadata (ObjectMetaUpdateValidation keeps them).
_KEPT_META = ("uid", "creationTimestamp", "generation", "deletionTimestamp", "deletionGracePeriodSeconds")


def write_update(ctx, served: Served, info: RequestInfo, obj: dict, cur: dict, dry: bool) -> dict:
    """Store ``obj`` as the new version of ``cur`` (the main resource or ``status``)."""
    rv = obj["metadata"].get("resourceVersion")
    if rv and rv != cur["metadata"].get("resourceVersion"):
        raise st.StatusError(st.conflict(served.qualified, info.name, STALE))
    api = ctx.cluster.api
    if info.subresource == "status":
        new = replace_fields(cur, status=clone(obj.get("status") or {}))
        if new == cur or dry:
            return new
        stored = api.write(new)
        settle(ctx.cluster)
        return stored
    meta = obj["metadata"]
    for key in _KEPT_META:
        if key in cur["metadata"]:
            meta[key] = cur["metadata"][key]
        else:
            meta.pop(key, None)
    meta["resourceVersion"] = cur["metadata"].get("resourceVersion")
    if "status" in cur:
        obj["status"] = cur["status"]
    else:
        obj.pop("status", None)
    admitted = ctx.cluster.api.admit(obj, cur)
    if admitted == cur or dry:
        return cur if admitted == cur else admitted
    stored = api.replace(admitted, cur)
    settle(ctx.cluster)
    return stored


def scale_of(obj: dict) -> dict:
    """The autoscaling/v1 Scale of a Deployment, ReplicaSet or StatefulSet."""
    from ... import labels
    meta = obj["metadata"]
    selector = labels.from_label_selector((obj.get("spec") or {}).get("selector"))
    return {"kind": "Scale", "apiVersion": "autoscaling/v1",
            "metadata": {k: meta[k] for k in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp")
                         if k in meta},
            "spec": {"replicas": (obj.get("spec") or {}).get("replicas", 1)},
            "status": {"replicas": (obj.get("status") or {}).get("replicas", 0), "selector": str(selector)}}


def write_scale(ctx, served: Served, info: RequestInfo, scale: dict, cur: dict, dry: bool) -> dict:
    """Set ``spec.replicas`` from a Scale object (``kubectl scale``)."""
    replicas = (scale.get("spec") or {}).get("replicas")
    if not isinstance(replicas, int) or isinstance(replicas, bool) or replicas < 0:
        from ...errors import FieldError, ValidationError
        raise st.StatusError(st.invalid(ValidationError("Scale", info.name, [
            FieldError.invalid("spec.replicas", replicas, "must be greater than or equal to 0")]), "autoscaling"))
    rv = (scale.get("metadata") or {}).get("resourceVersion")
    obj = clone(cur)
    obj["spec"]["replicas"] = replicas
    if rv:
        obj["metadata"]["resourceVersion"] = rv
    main = RequestInfo(info.verb, info.group, info.version, info.resource, info.namespace, info.name, "")
    return scale_of(write_update(ctx, served, main, obj, cur, dry))


def update(ctx, info: RequestInfo, served: Served, body, query) -> tuple[int, dict]:
    """PUT of an object, its ``status`` or its ``scale``: 200 and the stored object."""
    cur = live(ctx.cluster, served, info)
    if info.subresource == "scale":
        if not isinstance(body, dict):
            raise st.StatusError(st.bad_request("Object 'Kind' is missing"))
        return 200, write_scale(ctx, served, info, body, cur, dry_run(query))
    obj = check_object(body, served, info, query)
    return 200, served.out(write_update(ctx, served, info, obj, cur, dry_run(query)))
