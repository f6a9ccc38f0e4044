"""The pods' streaming subresources: ``log``, ``exec``, ``attach``, ``portforward``.

:func:`register` is called once per server, before the generic REST route is added, so
routes added here (``app.router.add_route(...)``, e.g. for
``/api/v1/namespaces/{namespace}/pods/{name}/log``) take precedence.  Use the
:class:`~k8snet.serve.context.Context` for the cluster (``ctx.call``) and for errors
(``status_for``).  Requests reaching these routes have already passed the bearer-token check.
"""
from __future__ import annotations

__all__ = ["register"]


def register(app, ctx) -> None:
    """Add the streaming subresources' routes to ``app`` (an ``aiohttp.web.Application``)."""
