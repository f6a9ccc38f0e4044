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
"""
from . import backendtls, listenerset
from .gateway import gateway_status, gatewayclass_status
from .httpindex import HTTPRouteIndex, compile_http
from .httpmatch import RouteDecision, route_http
from .httproute import CONTROLLER_NAME, route_status
from .ingress import IngressBackend, IngressDecision, IngressIndex, compile_ingress, route_ingress
from .ingressclass import INGRESS_NGINX, ingress_class_of, served_ingresses
from .l4route import L4Decision, route_l4

__all__ = ["route_ingress", "IngressDecision", "IngressBackend", "served_ingresses", "ingress_class_of",
           "INGRESS_NGINX", "gatewayclass_status", "gateway_status", "route_status", "route_http",
           "RouteDecision", "CONTROLLER_NAME", "compile_ingress", "IngressIndex", "compile_http", "HTTPRouteIndex",
           "route_l4", "L4Decision"]
