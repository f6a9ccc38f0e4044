"""The pods' streaming subresources: ``log``, ``exec``, ``portforward``.

:func:`register` is called once per server, before the generic REST route is added, so the
routes added here take precedence.  Each module is named after what it serves:
:mod:`.log` (``pods/log``), :mod:`.exec` (``pods/exec`` over a WebSocket, with the
interactive shell of :mod:`.shell`), :mod:`.portforward` (``pods/portforward``: SPDY/3.1
tunneled in a WebSocket, framed by :mod:`.spdy`).  They reach the cluster only through
``ctx.call`` (the cluster's lock, the clock caught up with wall time).
"""
from __future__ import annotations

__all__ = ["register"]

_POD = "/api/v1/namespaces/{namespace}/pods/{name}/"


def register(app, ctx) -> None:
    """Add the streaming subresources' routes to ``app`` (an ``aiohttp.web.Application``)."""
    from . import exec as exec_, log, portforward

    async def pod_log(request):
        return await log.pod_log(ctx, request)

    async def pod_exec(request):
        return await exec_.pod_exec(ctx, request)

    async def pod_portforward(request):
        return await portforward.pod_portforward(ctx, request)

    app.router.add_get(_POD + "log", pod_log)
    for method in ("GET", "POST"):  # kubectl sends GET for WebSockets, POST for SPDY upgrades
        app.router.add_route(method, _POD + "exec", pod_exec)
        app.router.add_route(method, _POD + "portforward", pod_portforward)
