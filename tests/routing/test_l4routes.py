"""TLSRoute, TCPRoute and UDPRoute (gateway-api v1.6.1, standard channel, ``v1``): listener
protocols and supportedKinds, route attachment and status. Each row names the conformance test
(conformance/tests/<name>.yaml + .go) or the spec text (apis/v1/*_types.go) it follows; the
scenario YAML (tests/manifests/routing/l4routes.yaml) goes through the API server and the
controller as on a cluster."""
from __future__ import annotations

import pytest

from .conftest import MANIFESTS, gateway_cluster

NS = "gateway-conformance-infra"
G = "gateway.networking.k8s.io"


@pytest.fixture(scope="module")
def cluster():
    return gateway_cluster((MANIFESTS / "l4routes.yaml").read_text(), seed=3)


def _conds(obj: dict) -> dict:
    return {c["type"]: (c["status"], c["reason"]) for c in obj.get("conditions") or []}


def _listener(cluster, gateway: str, name: str) -> dict:
    gw = cluster.get("gateway", gateway, NS)
    return next(l for l in gw["status"]["listeners"] if l["name"] == name)


LISTENER_ROWS = [
    # (conformance test or spec, gateway, listener, supportedKinds, conditions wanted, attachedRoutes)
    ("tlsroute-listener-passthrough-supported-kinds", "gateway-tlsroute-passthrough-supported-kind",
     "tls-passthrough", ["TLSRoute"], {"ResolvedRefs": ("False", "InvalidRouteKinds")}, 0),
    ("tlsroute-listener-terminate-supported-kinds", "gateway-tlsroute-terminate-supported", "tls-terminate",
     ["TLSRoute"], {"Accepted": ("True", "Accepted")}, 0),
    ("tlsroute-listener-mixed-termination-not-supported", "gateway-tlsroute-mixed-termination-not-supported",
     "tls-terminate", ["TLSRoute"], {"Accepted": ("False", "ProtocolConflict")}, 0),
    ("tlsroute-listener-mixed-termination-not-supported", "gateway-tlsroute-mixed-termination-not-supported",
     "tls-passthrough", ["TLSRoute"], {"Accepted": ("False", "ProtocolConflict")}, 0),
    ("gateway_types.go Distinct Listeners: TCP and UDP on one port", "l4-port-sharing", "dns-tcp", ["TCPRoute"],
     {"Accepted": ("True", "Accepted"), "Conflicted": ("False", "NoConflicts")}, 0),
    ("gateway_types.go Distinct Listeners: TCP and UDP on one port", "l4-port-sharing", "dns-udp", ["UDPRoute"],
     {"Accepted": ("True", "Accepted"), "Programmed": ("True", "Programmed")}, 1),
    ("gateway_types.go Distinct Listeners: a TCP listener's port shared with TLS", "l4-port-sharing", "tcp-9000",
     ["TCPRoute"], {"Conflicted": ("True", "ProtocolConflict")}, 0),
    ("gateway_types.go Distinct Listeners: a TCP listener's port shared with TLS", "l4-port-sharing", "tls-9000",
     ["TLSRoute"], {"Conflicted": ("True", "ProtocolConflict")}, 0),
    ("tcproute-invalid-backendref-nonexistent (the listener still counts the route)", "tcp-gateway-invalid-backend",
     "tcp", ["TCPRoute"], {"Accepted": ("True", "Accepted")}, 1),
    ("tcproute-invalid-non-tcp-listener: Gateway should have 0 Routes attached", "tcp-mixed-protocol-gateway",
     "only-allow-http-routes", ["HTTPRoute"], {"Accepted": ("True", "Accepted")}, 0),
    ("tlsroute-invalid-no-matching-listener-hostname: 0 Routes attached... but the matching one",
     "gateway-tls-wildcard-hostname", "tls", ["TLSRoute"], {"Accepted": ("True", "Accepted")}, 1),
]


@pytest.mark.parametrize("rule,gateway,name,kinds,want,attached", LISTENER_ROWS,
                         ids=[f"{r[0]}:{r[2]}" for r in LISTENER_ROWS])
def test_listener_status(cluster, rule, gateway, name, kinds, want, attached):
    l = _listener(cluster, gateway, name)
    assert [k["kind"] for k in l["supportedKinds"]] == kinds
    assert all(k["group"] == G for k in l["supportedKinds"])
    got = _conds(l)
    assert {k: got[k] for k in want} == want
    assert l["attachedRoutes"] == attached


ROUTE_ROWS = [
    # (conformance test, kind, route, parent gateway, condition type, (status, reason))
    ("tcproute-invalid-non-tcp-listener", "tcproute", "tcp-route", "tcp-mixed-protocol-gateway", "Accepted",
     ("False", "NotAllowedByListeners")),
    ("tlsroute-invalid-no-matching-listener: listener protocol HTTP", "tlsroute", "tlsroute-not-allowed-protocol-http",
     "gateway-tlsroute-http-only", "Accepted", ("False", "NotAllowedByListeners")),
    ("tlsroute-invalid-no-matching-listener: sectionName not found", "tlsroute", "tlsroute-no-matching-section-name",
     "gateway-tlsroute-tls-passthrough-only", "Accepted", ("False", "NoMatchingParent")),
    ("tlsroute-invalid-no-matching-listener-hostname", "tlsroute", "tlsroute-hostname-mismatch-2",
     "gateway-tls-wildcard-hostname", "Accepted", ("False", "NoMatchingListenerHostname")),
    ("tlsroute-hostname-intersection (*.example.com takes abc.example.com)", "tlsroute", "tlsroute-hostname-match",
     "gateway-tls-wildcard-hostname", "Accepted", ("True", "Accepted")),
    ("tlsroute-invalid-backendref-unknown-kind", "tlsroute", "invalid-backend-ref-unknown-kind",
     "gateway-tlsroute-tls-passthrough-only", "ResolvedRefs", ("False", "InvalidKind")),
    ("tlsroute-invalid-backendref-unknown-kind (still Accepted)", "tlsroute", "invalid-backend-ref-unknown-kind",
     "gateway-tlsroute-tls-passthrough-only", "Accepted", ("True", "Accepted")),
    ("udproute-not-allowed-by-listeners", "udproute", "udproute-not-allowed-by-listeners",
     "gateway-tlsroute-tls-passthrough-only", "Accepted", ("False", "NotAllowedByListeners")),
    ("tcproute-invalid-backendref-nonexistent", "tcproute", "tcp-route-invalid-backend-ref-nonexistent",
     "tcp-gateway-invalid-backend", "ResolvedRefs", ("False", "BackendNotFound")),
    ("udproute-simple (attachment)", "udproute", "udp-coredns", "l4-port-sharing", "Accepted", ("True", "Accepted")),
    ("udproute-simple (attachment)", "udproute", "udp-coredns", "l4-port-sharing", "ResolvedRefs", ("True", "ResolvedRefs")),
]


@pytest.mark.parametrize("rule,kind,route,parent,ctype,want", ROUTE_ROWS, ids=[f"{r[0]}:{r[4]}" for r in ROUTE_ROWS])
def test_route_condition(cluster, rule, kind, route, parent, ctype, want):
    obj = cluster.get(kind, route, NS)
    (p,) = [p for p in obj["status"]["parents"] if p["parentRef"]["name"] == parent]
    assert p["controllerName"] == "k8snet.io/gateway-controller"
    assert _conds(p)[ctype] == want


def test_udp_listener_gets_a_udp_port_on_the_gateway_service(cluster):
    """A UDP listener is served on a UDP port of the Gateway's LoadBalancer Service (a TCP port
    could not carry it); TCP and UDP listeners on port 53 give two ports."""
    svc = cluster.get("service", "gw-gateway-conformance-infra-l4-port-sharing", "k8snet-gateway-system")
    assert [(p["port"], p["protocol"]) for p in svc["spec"]["ports"]] == [(53, "TCP"), (53, "UDP"), (9000, "TCP")]


def test_a_listener_of_an_unknown_protocol_opens_no_port():
    """gateway_types.go ProtocolType: implementation-specific protocols ("example.com/fancy") pass
    the CRD's pattern; one this implementation does not know is Accepted=False/UnsupportedProtocol
    and gets no port on the Gateway's Service (its name would not be a valid port name); with no
    other listener there is nothing to expose and no Service at all."""
    from k8snet import Cluster
    c = Cluster(nodes=1, addons=["gateway"], cloud="gcp")
    c.apply({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway", "metadata": {"name": "g"},
             "spec": {"gatewayClassName": "k8snet", "listeners": [
                 {"name": "fancy", "port": 9000, "protocol": "example.com/fancy"}]}})
    (l,) = c.get("gateway", "g")["status"]["listeners"]
    assert _conds(l)["Accepted"] == ("False", "UnsupportedProtocol")
    assert not [s for s in c.list("service", "k8snet-gateway-system") if s["metadata"]["name"] == "gw-default-g"]
