"""HTTP routing engines: Ingress (as ingress-nginx) and Gateway API HTTPRoute.

Pure functions of API-object dicts; the data plane (``datapath.py``) calls them.

* ``route_ingress`` -> ``IngressDecision``; ``served_ingresses``, ``ingress_class_of``.
* ``gatewayclass_status``, ``gateway_status``, ``route_status``: the status our Gateway
  controller writes.
* ``route_http`` -> ``RouteDecision``.
"""
from .gateway import gateway_status, gatewayclass_status
from .httpmatch import RouteDecision, route_http
from .httproute import CONTROLLER_NAME, route_status
from .ingress import IngressBackend, IngressDecision, route_ingress
from .ingressclass import INGRESS_NGINX, ingress_class_of, served_ingresses

__all__ = ["route_ingress", "IngressDecision", "IngressBackend", "served_ingresses", "ingress_class_of",
           "INGRESS_NGINX", "gatewayclass_status", "gateway_status", "route_status", "route_http",
           "RouteDecision", "CONTROLLER_NAME"]
