"""GatewayClass ``status.supportedFeatures`` (gatewayclass_types.go: "sorted in ascending
alphabetical order by the Name key", MaxItems=64), with the feature names of gateway-api
v1.6.1 ``pkg/features/*.go``. A claimed feature must be a standard-channel name of that
release; the behaviour behind each one is tested where the feature's conformance test is
ported (tests/routing, tests/datapath)."""
from __future__ import annotations

import pytest

from k8snet import Cluster
from k8snet.routing.features import SUPPORTED_FEATURES

#: pkg/features of gateway-api v1.6.1: every FeatureName with its channel (Experimental ones
#: marked), as read from gateway.go, httproute.go, grpcroute.go, tlsroute.go, tcproute.go,
#: udproute.go, backendtlspolicy.go and referencegrant.go.
UPSTREAM = {
    "BackendTLSPolicy", "BackendTLSPolicySANValidation", "GRPCRoute", "GRPCRouteNamedRouteRule", "Gateway",
    "GatewayAddressEmpty", "GatewayFrontendClientCertificateValidation",
    "GatewayFrontendClientCertificateValidationInsecureFallback", "GatewayHTTPListenerIsolation",
    "GatewayInfrastructurePropagation", "GatewayPort8080", "GatewayStaticAddresses", "HTTPRoute",
    "HTTPRoute303RedirectStatusCode", "HTTPRoute307RedirectStatusCode", "HTTPRoute308RedirectStatusCode",
    "HTTPRouteBackendProtocolH2C", "HTTPRouteBackendProtocolWebSocket", "HTTPRouteBackendRequestHeaderModification",
    "HTTPRouteBackendTimeout", "HTTPRouteCORS", "HTTPRouteHostRewrite", "HTTPRouteMethodMatching",
    "HTTPRouteNamedRouteRule", "HTTPRouteParentRefPort", "HTTPRoutePathRedirect", "HTTPRoutePathRewrite",
    "HTTPRoutePortRedirect", "HTTPRouteQueryParamMatching", "HTTPRouteRequestMirror",
    "HTTPRouteRequestMultipleMirrors", "HTTPRouteRequestPercentageMirror", "HTTPRouteRequestTimeout",
    "HTTPRouteResponseHeaderModification", "HTTPRouteSchemeRedirect", "ListenerSet", "ReferenceGrant", "TCPRoute",
    "TLSRoute", "TLSRouteModeTerminate", "UDPRoute",
}
EXPERIMENTAL = {"HTTPRouteDestinationPortMatching", "HTTPRouteRetry", "HTTPRouteRetryBackendTimeout",
                "HTTPRouteRetryConnectionError", "TLSRouteModeMixed"}


@pytest.fixture(scope="module")
def reported():
    c = Cluster(nodes=1, addons=["gateway"])
    return c.get("gatewayclass", "k8snet")["status"]["supportedFeatures"]


def test_sorted_and_at_most_64(reported):
    names = [f["name"] for f in reported]
    assert names == sorted(names) and len(names) <= 64
    assert names == sorted(SUPPORTED_FEATURES)


@pytest.mark.parametrize("name", sorted(SUPPORTED_FEATURES))
def test_claimed_feature_is_a_standard_channel_name(name):
    assert name in UPSTREAM and name not in EXPERIMENTAL


ROWS = [
    # (feature, why it must (not) be claimed)
    ("Gateway", True, "core: the simulator runs Gateways"),
    ("HTTPRoute", True, "core"),
    ("GatewayStaticAddresses", False, "spec.addresses is not honoured: the address comes from the LoadBalancer"),
    ("HTTPRouteRequestTimeout", False, "timeouts are not simulated"),
    ("TLSRouteModeMixed", False, "experimental; mixed modes on one port are a ProtocolConflict here"),
]


@pytest.mark.parametrize("name,claimed,why", ROWS, ids=[r[0] for r in ROWS])
def test_claims(reported, name, claimed, why):
    assert ({"name": name} in reported) is claimed
