"""POST: create an object (apiserver ``pkg/endpoints/handlers/create.go``): decode, check the
namespace, default, validate, allocate, store — or, with ``?dryRun=All``, everything but store."""
from __future__ import annotations

from ...errors import AlreadyExistsError, FieldError, ValidationError
from .. import status as st
from ..registry import Served
from ..requestinfo import RequestInfo
from .rest import check_object, dry_run, settle

__all__ = ["create", "create_object"]


def create_object(ctx, served: Served, obj: dict, dry: bool) -> dict:
    """Admit and store ``obj`` (a checked body); the stored object (or the admitted one for a dry run)."""
    api = ctx.cluster.api
    meta = obj["metadata"]
    if not meta.get("name") and not meta.get("generateName"):
        raise st.StatusError(st.invalid(ValidationError(served.kind, "", [
            FieldError.required("metadata.name", "name or generateName is required")]), served.group))
    if meta.get("name") and api.store.peek(served.kind, meta.get("namespace", ""), meta["name"]) is not None:
        raise st.StatusError(st.already_exists(served.qualified, meta["name"]))
    if dry:
        return api.admit(obj, None)
    try:
        stored = api.create(obj)
    except AlreadyExistsError:
        raise st.StatusError(st.already_exists(served.qualified, meta.get("name", ""))) from None
    settle(ctx.cluster)
    return stored


def create(ctx, info: RequestInfo, served: Served, body, query) -> tuple[int, dict]:
    """``kubectl create`` / ``apply`` of a new object: 201 and the object."""
    if info.name:
        raise st.StatusError(st.method_not_supported(served.qualified, "create"))
    obj = check_object(body, served, info, query)
    return 201, served.out(create_object(ctx, served, obj, dry_run(query)))
