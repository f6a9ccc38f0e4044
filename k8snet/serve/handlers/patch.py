"""PATCH (apiserver ``pkg/endpoints/handlers/patch.go``): the patch types kubectl sends, on the
main resource and on the ``status`` and ``scale`` subresources.

``application/apply-patch+yaml`` is server-side apply (``kubectl apply --server-side``),
reduced to what a course needs: the object is created when missing; otherwise the applied
configuration is merged into the live object three ways against what the same
``fieldManager`` applied last (:func:`k8snet.apiserver.merge.three_way_merge`), so fields the
manager stopped applying are removed and fields others set are kept.  ``managedFields`` and
apply conflicts between managers are not modelled.
"""
from __future__ import annotations

import json

from ...apiserver.merge import three_way_merge
from ...apiserver.store import clone
from .. import status as st
from ..registry import Served
from ..requestinfo import RequestInfo
from .create import create_object
from .patchtypes import PatchError, json_patch, merge_patch, strategic_merge_patch
from .rest import check_object, decode_body, dry_run, field_validation
from .update import scale_of, write_scale, write_update

__all__ = ["patch", "PATCH_TYPES"]

APPLY = "application/apply-patch+yaml"
PATCH_TYPES = {"application/json-patch+json": json_patch, "application/merge-patch+json": merge_patch,
               "application/strategic-merge-patch+json": strategic_merge_patch}


def _apply_patch(fn, doc: dict, body) -> dict:
    try:
        out = fn(doc, body)
    except PatchError as e:
        raise st.StatusError(st.status("Invalid", str(e), code=422)) from None
    if not isinstance(out, dict):
        raise st.StatusError(st.bad_request("the patch did not produce an object"))
    return out


def _server_side_apply(ctx, info: RequestInfo, served: Served, body, query) -> tuple[int, dict]:
    manager = query.get("fieldManager")
    if not manager:
        raise st.StatusError(st.bad_request("PATCH requests with apply content type require a fieldManager"))
    obj = check_object(body, served, info, query)
    ns = obj["metadata"].get("namespace", "")
    key = (served.kind, ns, info.name, manager)
    applied = ctx.parts.setdefault("server-side-apply", {})
    dry = dry_run(query)
    cur = ctx.cluster.store.peek(served.kind, ns if served.namespaced else "", info.name)
    if cur is None:
        out = create_object(ctx, served, obj, dry)
        if not dry:
            applied[key] = obj
        return 201, served.out(out)
    merged = three_way_merge(cur, applied.get(key), obj)
    merged["metadata"]["resourceVersion"] = obj["metadata"].get("resourceVersion") or \
        cur["metadata"].get("resourceVersion")
    out = write_update(ctx, served, info, merged, cur, dry)
    if not dry:
        applied[key] = obj
    return 200, served.out(out)


def _from_wall(ctx, body):
    """Times a real tool sends are on its clock (``rollout restart``'s restartedAt): stored
    simulated (clock.from_wall)."""
    from ... import clock
    return clock.from_wall(body, ctx.cluster.clock.wall_offset)


def patch(ctx, info: RequestInfo, served: Served, raw: bytes, content_type: str, query) -> tuple[int, dict]:
    """Apply a patch and store the result (200 and the object)."""
    if "patch" not in served.verbs:
        raise st.StatusError(st.method_not_supported(served.qualified, "patch"))
    media = content_type.split(";")[0].strip().lower()
    if media == APPLY:
        return _server_side_apply(ctx, info, served, _from_wall(ctx, decode_body(raw, "application/yaml")), query)
    if media not in PATCH_TYPES:
        raise st.StatusError(st.status(
            "UnsupportedMediaType", f"the body of the request was in an unknown format - accepted media types "
                                    f"include: {', '.join(list(PATCH_TYPES) + [APPLY])}", code=415))
    body = _from_wall(ctx, decode_body(raw, "application/json"))
    fn = PATCH_TYPES[media]
    from .rest import live
    cur = live(ctx.cluster, served, info)
    dry = dry_run(query)
    if info.subresource == "scale":
        return 200, write_scale(ctx, served, info, _apply_patch(fn, scale_of(cur), body), cur, dry)
    patched = _apply_patch(fn, served.out(clone(cur)), body)
    if patched.get("kind") != served.kind or patched.get("apiVersion") != served.group_version:
        raise st.StatusError(st.bad_request("the patch changed the object's kind or apiVersion: "
                                            + json.dumps({"kind": patched.get("kind"),
                                                          "apiVersion": patched.get("apiVersion")})))
    patched["apiVersion"] = served.resource.api_version
    field_validation(patched, query)
    meta = patched.get("metadata")
    if not isinstance(meta, dict) or meta.get("name") != info.name:
        raise st.StatusError(st.bad_request("the patch must not change metadata.name"))
    if served.namespaced and meta.get("namespace") != info.namespace:
        raise st.StatusError(st.bad_request("the namespace of the provided object does not match the namespace "
                                            "sent on the request"))
    return 200, served.out(write_update(ctx, served, info, patched, cur, dry))
