"""Routing engines: Ingress (as ingress-nginx), Gateway API HTTPRoute and GRPCRoute, and the
L4 routes (TLSRoute, TCPRoute, UDPRoute: ``route_l4``).

Pure functions of API-object dicts; the data plane (``datapath.py``) calls them.

* ``route_ingress`` -> ``IngressDecision``; ``served_ingresses``, ``ingress_class_of``.
* ``gatewayclass_status``, ``gateway_status``, ``route_status``: the status our Gateway
  controller writes.
* ``route_http`` -> ``RouteDecision``.

Each router is two steps, as in the real controllers (which render their configuration
when objects change, not per request): ``compile_ingress`` -> ``IngressIndex`` and
``compile_http`` -> ``HTTPRouteIndex``, whose ``route(...)`` decides one request.
``route_ingress``/``route_http`` do both steps per call.

The names below load their module on first use: a cluster without an Ingress or a Gateway
never imports the routers (``import k8snet`` and ``Cluster()`` stay fast, in the browser too).
"""
from __future__ import annotations

import importlib

#: Each public name and the module that defines it.
_WHERE = {
    "gateway_status": "gateway", "gatewayclass_status": "gateway",
    "HTTPRouteIndex": "httpindex", "compile_http": "httpindex",
    "RouteDecision": "httpmatch", "route_http": "httpmatch",
    "CONTROLLER_NAME": "httproute", "route_status": "httproute",
    "IngressBackend": "ingress", "IngressDecision": "ingress", "IngressIndex": "ingress",
    "compile_ingress": "ingress", "route_ingress": "ingress",
    "INGRESS_NGINX": "ingressclass", "ingress_class_of": "ingressclass", "served_ingresses": "ingressclass",
    "L4Decision": "l4route", "route_l4": "l4route",
}

__all__ = ["route_ingress", "IngressDecision", "IngressBackend", "served_ingresses", "ingress_class_of",
           "INGRESS_NGINX", "gatewayclass_status", "gateway_status", "route_status", "route_http",
           "RouteDecision", "CONTROLLER_NAME", "compile_ingress", "IngressIndex", "compile_http", "HTTPRouteIndex",
           "route_l4", "L4Decision"]


def __getattr__(name: str):
    # PEP 562: import the defining module when a name is first asked for (``routing.route_http``,
    # ``from k8snet.routing import route_http``); a submodule (``routing.listenerset``) likewise.
    if name in _WHERE:
        value = getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
    elif name.startswith("_"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    else:
        try:
            value = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as e:
            if e.name != f"{__name__}.{name}":
                raise
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))
