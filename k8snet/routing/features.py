"""The Gateway API features k8snet's implementation supports, as its GatewayClass reports them.

``GatewayClass.status.supportedFeatures`` (gatewayclass_types.go, v1.4+) lists the features,
by the names of gateway-api's ``pkg/features`` (the names conformance tests are selected
by), "sorted in ascending alphabetical order by the Name key", at most 64. Each name below is
claimed only because the simulator implements it; the comment names the module.
Not claimed (not simulated): BackendTLSPolicy (status and TLS to the backend are simulated,
but not the backend's certificate, so conformance's hostname-mismatch check would not fail),
GatewayStaticAddresses, GatewayInfrastructurePropagation,
GatewayAddressEmpty, GatewayBackendClientCertificate, the frontend client-certificate
features, HTTPRouteRequestTimeout/BackendTimeout, HTTPRouteBackendProtocolH2C/WebSocket,
BackendTLSPolicySANValidation, and the experimental ones (HTTPRouteDestinationPortMatching,
HTTPRouteRetry*, TLSRouteModeMixed, Mesh*).
"""
from __future__ import annotations

__all__ = ["SUPPORTED_FEATURES", "supported_features"]

#: Feature name -> where it is implemented.
SUPPORTED_FEATURES: dict[str, str] = {
    "GRPCRoute": "routing/grpcroute.py",
    "GRPCRouteNamedRouteRule": "rules[].name accepted (apiserver/validation/grpcroute.py)",
    "Gateway": "routing/gateway.py, routing/listeners.py",
    "GatewayHTTPListenerIsolation": "routing/httpmatch.py (most specific listener hostname wins)",
    "GatewayPort8080": "any listener port (controllers/routing.py opens it on the Gateway's Service)",
    "HTTPRoute": "routing/httproute.py, routing/httpmatch.py",
    "HTTPRoute303RedirectStatusCode": "routing/filters.py redirect",
    "HTTPRoute307RedirectStatusCode": "routing/filters.py redirect",
    "HTTPRoute308RedirectStatusCode": "routing/filters.py redirect",
    "HTTPRouteBackendRequestHeaderModification": "routing/httpmatch.py (a backendRef's own filters)",
    "HTTPRouteCORS": "routing/cors.py",
    "HTTPRouteHostRewrite": "routing/filters.py rewrite",
    "HTTPRouteMethodMatching": "routing/httpmatch.py",
    "HTTPRouteNamedRouteRule": "rules[].name accepted (apiserver/validation/gateway.py)",
    "HTTPRouteParentRefPort": "routing/httproute.py attach (parentRef.port)",
    "HTTPRoutePathRedirect": "routing/filters.py redirect",
    "HTTPRoutePathRewrite": "routing/filters.py rewrite",
    "HTTPRoutePortRedirect": "routing/filters.py redirect",
    "HTTPRouteQueryParamMatching": "routing/httpmatch.py",
    "HTTPRouteRequestMirror": "routing/filters.py mirror_drawn, l7.py _mirror",
    "HTTPRouteRequestMultipleMirrors": "routing/filters.py mirror_drawn, l7.py _mirror",
    "HTTPRouteRequestPercentageMirror": "routing/filters.py mirror_drawn (percent, fraction)",
    "HTTPRouteResponseHeaderModification": "routing/filters.py HeaderModifier",
    "ListenerSet": "routing/listenerset.py (admission, merged listeners, routes, status)",
    "ReferenceGrant": "routing/referencegrant.py",
    "HTTPRouteSchemeRedirect": "routing/filters.py redirect",
    "TCPRoute": "routing/l4route.py, l4.py",
    "TLSRoute": "routing/l4route.py, l4.py (Passthrough by SNI)",
    "TLSRouteModeTerminate": "l4.py (the Gateway terminates TLS, the backend gets the plain stream)",
    "UDPRoute": "routing/l4route.py, l4.py",
}


def supported_features() -> list[dict]:
    """``status.supportedFeatures`` as the controller writes it: ``[{"name": ...}]``, sorted."""
    return [{"name": n} for n in sorted(SUPPORTED_FEATURES)]
