"""The REST handlers, one module per verb as in apiserver ``pkg/endpoints/handlers``:
:mod:`.get` (get, list), :mod:`.create`, :mod:`.update` (PUT, status, scale), :mod:`.patch`,
:mod:`.delete`, :mod:`.watch`.  :func:`dispatch` reads the request (``requestinfo``), finds
the resource in the one URL mapping (``registry``) and calls the verb's handler under the
cluster's lock."""
from __future__ import annotations

import json

from aiohttp import web

from ... import clock
from .. import registry
from .. import status as st
from ..requestinfo import RequestInfo, request_info
from . import create, delete, get, patch, update, watch
from .rest import WARNINGS, decode_body

__all__ = ["dispatch", "respond", "NOT_FOUND"]

#: What kube-apiserver answers for a path it does not serve.
NOT_FOUND = "the server could not find the requested resource"

_SUBRESOURCE_VERBS = {"status": ("get", "update", "patch"), "scale": ("get", "update", "patch")}


def respond(code: int, obj: dict, content_type: str = "application/json") -> web.Response:
    """A JSON answer."""
    return web.Response(status=code, body=json.dumps(obj, separators=(",", ":")).encode(),
                        headers={"Content-Type": content_type})


def _not_found() -> st.StatusError:
    return st.StatusError(st.status("NotFound", NOT_FOUND, {}))


def resolve(ctx, request: web.Request) -> tuple[RequestInfo, registry.Served]:
    """The request's RequestInfo and served resource, or a 404 Status error."""
    info = request_info(request.method, request.path, request.query)
    if info is None:
        raise _not_found()
    served = registry.lookup(info.group, info.version, info.resource, ctx.cluster.api.crd_groups)
    if served is None:
        raise _not_found()
    if info.subresource and info.subresource not in served.subresources:
        raise _not_found()
    if info.verb not in served.verbs:
        raise st.StatusError(st.method_not_supported(served.qualified, info.verb))
    if info.subresource in _SUBRESOURCE_VERBS and info.verb not in _SUBRESOURCE_VERBS[info.subresource]:
        raise st.StatusError(st.method_not_supported(f"{served.qualified}/{info.subresource}", info.verb))
    if not served.namespaced and info.namespace and info.resource != "namespaces":
        raise _not_found()
    if served.namespaced and not info.namespace and info.verb not in ("list", "watch", "deletecollection"):
        raise _not_found()
    return info, served


async def dispatch(ctx, request: web.Request) -> web.StreamResponse:
    """Serve one resource request."""
    warnings: list[str] = []
    token = WARNINGS.set(warnings)
    try:
        response = await _dispatch(ctx, request)
    finally:
        WARNINGS.reset(token)
    for w in warnings:  # RFC 7234 warn-code 299, as the apiserver's warning recorder writes them
        response.headers.add("Warning", "299 - " + json.dumps(w))
    return response


async def _dispatch(ctx, request: web.Request) -> web.StreamResponse:
    info, served = resolve(ctx, request)
    if info.verb == "watch":
        return await watch.watch(ctx, request, info, served)
    query, accept = request.query, request.headers.get("Accept", "")
    content_type = request.headers.get("Content-Type", "application/json")
    raw = await request.read() if info.verb in ("create", "update", "patch", "delete", "deletecollection") else b""
    if info.verb == "patch":
        code, obj = ctx.call(patch.patch, ctx, info, served, raw, content_type, query)
    else:
        body = decode_body(raw, content_type, served=served) if raw.strip() else None
        body = clock.from_wall(body, ctx.cluster.clock.wall_offset)  # real tools' times are wall times
        if info.verb in ("create", "update") and body is None:
            raise st.StatusError(st.bad_request("the body of the request was empty"))
        if info.verb == "get":
            if info.subresource == "scale":
                code, obj = ctx.call(lambda: (200, update.scale_of(get.live(ctx.cluster, served, info))))
            else:
                code, obj = ctx.call(get.get, ctx, info, served, query, accept)
        elif info.verb == "list":
            code, obj = ctx.call(get.list_objects, ctx, info, served, query, accept)
        elif info.verb == "create":
            code, obj = ctx.call(create.create, ctx, info, served, body, query)
        elif info.verb == "update":
            code, obj = ctx.call(update.update, ctx, info, served, body, query)
        elif info.verb == "delete":
            code, obj = ctx.call(delete.delete, ctx, info, served, body, query)
        elif info.verb == "deletecollection":
            code, obj = ctx.call(delete.delete_collection, ctx, info, served, body, query)
        else:
            raise st.StatusError(st.method_not_supported(served.qualified, info.verb))
    obj = clock.to_wall(obj, ctx.cluster.clock.wall_offset)  # kubectl compares times with its own clock
    if obj.get("kind") == "Table":
        resp = respond(code, obj, "application/json;as=Table;v=v1;g=meta.k8s.io")
    else:
        resp = respond(code, obj)
    WARNINGS.get().extend(_warnings(served, info.verb, obj, code))  # written by dispatch()
    return resp


def _warnings(served: registry.Served, verb: str, obj: dict, code: int) -> list[str]:
    """The API server's ``Warning`` headers (warn-code 299, agent ``-``, RFC 7234): every
    request on v1 Endpoints since 1.33, and what a written Service, Ingress or pod template
    draws (the texts of ``k8snet.kubectl.warnings``, which kubectl prints as ``Warning: ...``)."""
    from ...kubectl import warnings
    if served.kind == "Endpoints":
        return [warnings.ENDPOINTS_DEPRECATED]
    if verb in ("create", "update", "patch") and code < 300 and obj.get("kind") not in ("Status", "Table"):
        return warnings.warnings_for(obj)
    return []
