"""The aiohttp application of a served cluster: the bearer-token check and the error
middleware in front of every route, discovery, OpenAPI, the streaming subresources
(:mod:`.streams`) and the one generic REST route (:mod:`.handlers`).

Errors never escape as tracebacks: a k8snet error or a
:class:`~k8snet.serve.status.StatusError` becomes its Status object, anything unexpected a
500 ``InternalError`` Status (the traceback goes to the server's log only).
"""
from __future__ import annotations

import logging
import time

from aiohttp import web

from . import discovery, handlers, openapi, registry, reviews, streams
from . import status as st
from .auth import authenticated
from .context import Context, status_for

__all__ = ["make_app"]

log = logging.getLogger("k8snet.serve")


def _group_of(request: web.Request) -> str:
    parts = request.path.strip("/").split("/")
    return parts[1] if len(parts) > 2 and parts[0] == "apis" else ""


def make_app(ctx: Context) -> web.Application:
    """Build the application serving ``ctx.cluster``."""

    @web.middleware
    async def guard(request: web.Request, handler):
        if not authenticated(request.headers, ctx.token):
            return handlers.respond(401, st.unauthorized())
        timings = ctx.parts.get("timings")  # a deque, when a benchmark asks for server times
        if timings is not None:
            t0 = time.perf_counter()
            try:
                return await _guarded(request, handler)
            finally:
                timings.append((request.method, request.path_qs, time.perf_counter() - t0))
        return await _guarded(request, handler)

    async def _guarded(request: web.Request, handler):
        try:
            return await handler(request)
        except web.HTTPException as e:
            if e.status == 404:
                return handlers.respond(404, st.status("NotFound", handlers.NOT_FOUND, {}))
            if e.status == 405:
                return handlers.respond(405, st.status("MethodNotAllowed", "the server does not allow this method "
                                                                           "on the requested resource"))
            raise
        except st.StatusError as e:
            return handlers.respond(e.code, e.status)
        except Exception as e:  # a bug must not leak a traceback to the client
            s = status_for(e, _group_of(request))
            if s["code"] >= 500:
                log.exception("k8snet serve: %s %s failed", request.method, request.path)
            return handlers.respond(s["code"], s)

    async def version(request):
        return handlers.respond(200, discovery.version())

    async def api(request):
        if discovery.wants_aggregated(request.headers.get("Accept", "")):
            return handlers.respond(200, discovery.aggregated(True, ctx.cluster.api.crd_groups),
                                    discovery.AGGREGATED_MEDIA)
        return handlers.respond(200, discovery.api_versions(request.host))

    async def apis(request):
        if discovery.wants_aggregated(request.headers.get("Accept", "")):
            return handlers.respond(200, discovery.aggregated(False, ctx.cluster.api.crd_groups),
                                    discovery.AGGREGATED_MEDIA)
        return handlers.respond(200, discovery.api_group_list(ctx.cluster.api.crd_groups))

    async def group(request):
        name = request.match_info["group"]
        for g, versions in registry.groups(ctx.cluster.api.crd_groups):
            if g == name and g:
                return handlers.respond(200, discovery.api_group(g, versions))
        raise st.StatusError(st.status("NotFound", handlers.NOT_FOUND, {}))

    async def group_version(request):
        group = request.match_info.get("group", "")
        doc = discovery.resource_list(group, request.match_info["version"], ctx.cluster.api.crd_groups)
        if doc is None:
            raise st.StatusError(st.status("NotFound", handlers.NOT_FOUND, {}))
        return handlers.respond(200, doc)

    async def health(request):
        # /healthz, /livez, /readyz (and their ?verbose forms): the apiserver's health checks.
        return web.Response(text="ok", content_type="text/plain")

    async def rest(request):
        return await handlers.dispatch(ctx, request)

    app = web.Application(middlewares=[guard], client_max_size=8 * 1024 * 1024)
    app.router.add_get("/version", version)
    for path in ("/healthz", "/livez", "/readyz"):
        app.router.add_get(path, health)
    app.router.add_get("/api", api)
    app.router.add_get("/apis", apis)
    app.router.add_get("/api/{version}", group_version)
    app.router.add_get("/apis/{group}", group)
    app.router.add_get("/apis/{group}/{version}", group_version)
    openapi.register(app, ctx)
    streams.register(app, ctx)
    reviews.register(app, ctx)
    app.router.add_route("*", "/{path:.*}", rest)
    return app
