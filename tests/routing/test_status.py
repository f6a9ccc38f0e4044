"""Status written by k8snet's Gateway controller: GatewayClass, Gateway (listeners,
attachedRoutes, addresses) and HTTPRoute parents, with upstream condition reasons
(shared_types.go, gateway_types.go, gatewayclass_types.go) as conformance tests expect."""
from __future__ import annotations

import pytest

from k8snet.routing import gateway_status, gatewayclass_status, route_status
from k8snet.routing.types import RouteReason

INFRA = "gateway-conformance-infra"


def conds(obj: dict) -> dict[str, tuple[str, str]]:
    return {c["type"]: (c["status"], c["reason"]) for c in obj["conditions"]}


def test_gatewayclass_accepted_only_when_ours():
    ours = {"metadata": {"name": "k8snet"}, "spec": {"controllerName": "k8snet.io/gateway-controller"}}
    theirs = {"metadata": {"name": "x"}, "spec": {"controllerName": "example.com/other"}}
    assert conds(gatewayclass_status(ours)) == {"Accepted": ("True", "Accepted")}
    assert gatewayclass_status(theirs) is None


def _route_parents(s, route):
    return route_status(s.get("HTTPRoute", route), s.kind("Gateway"), s.kind("GatewayClass"), s.kind("Service"),
                        s.kind("ReferenceGrant"), s.kind("Namespace"), secrets=s.kind("Secret"))["parents"]


ROUTES = [
    # (conformance test, scenario, route, Accepted, ResolvedRefs)
    ("httproute-simple-same-namespace", "matching.yaml", "matching", ("True", "Accepted"), ("True", "ResolvedRefs")),
    ("httproute-invalid-parentref-not-matching-listener-port", "status.yaml",
     "httproute-listener-not-matching-route-port", ("False", "NoMatchingParent"), ("True", "ResolvedRefs")),
    ("httproute-invalid-parentref-not-matching-section-name", "status.yaml",
     "httproute-listener-not-matching-section-name", ("False", "NoMatchingParent"), ("True", "ResolvedRefs")),
    ("httproute-invalid-cross-namespace-parent-ref", "status.yaml", "invalid-cross-namespace-parent-ref",
     ("False", "NotAllowedByListeners"), ("True", "ResolvedRefs")),
    ("allowedRoutes from: Selector (namespace labels)", "status.yaml", "allowed-by-selector",
     ("True", "Accepted"), ("True", "ResolvedRefs")),
    ("httproute-disallowed-kind", "status.yaml", "disallowed-kind", ("False", "NotAllowedByListeners"),
     ("True", "ResolvedRefs")),
    ("gateway-with-attached-routes: hostname mismatch", "status.yaml", "http-route-not-accepted",
     ("False", "NoMatchingListenerHostname"), ("True", "ResolvedRefs")),
    ("httproute-hostname-intersection: no-intersecting-hosts", "hostname-intersection.yaml", "no-intersecting-hosts",
     ("False", "NoMatchingListenerHostname"), ("True", "ResolvedRefs")),
    ("unsupported filter type -> UnsupportedValue", "status.yaml", "unsupported-filter",
     ("False", "UnsupportedValue"), ("True", "ResolvedRefs")),
    ("httproute-reference-grant", "backends.yaml", "reference-grant", ("True", "Accepted"), ("True", "ResolvedRefs")),
    ("httproute-invalid-cross-namespace-backend-ref", "backends.yaml", "invalid-cross-namespace-backend-ref",
     ("True", "Accepted"), ("False", "RefNotPermitted")),
    ("httproute-invalid-nonexistent-backendref", "backends.yaml", "invalid-nonexistent-backend-ref",
     ("True", "Accepted"), ("False", "BackendNotFound")),
    ("httproute-invalid-backendref-unknown-kind", "backends.yaml", "invalid-backend-ref-unknown-kind",
     ("True", "Accepted"), ("False", "InvalidKind")),
]


@pytest.mark.parametrize("file,route,accepted,resolved", [r[1:] for r in ROUTES], ids=[r[0] for r in ROUTES])
def test_route_parent_conditions(scenario, file, route, accepted, resolved):
    s = scenario(file)
    ns = "gateway-conformance-web-backend" if route == "invalid-cross-namespace-parent-ref" else (
        "gateway-conformance-app-backend" if route == "allowed-by-selector" else INFRA)
    (parent,) = _route_parents(s, f"{ns}/{route}")
    assert conds(parent) == {"Accepted": accepted, "ResolvedRefs": resolved}
    assert parent["controllerName"] == "k8snet.io/gateway-controller"
    assert parent["parentRef"]["group"] == "gateway.networking.k8s.io" and parent["parentRef"]["kind"] == "Gateway"


def test_route_status_reports_only_our_parents(scenario):
    s = scenario("status.yaml")
    parents = _route_parents(s, f"{INFRA}/mixed-parents")
    assert [p["parentRef"]["name"] for p in parents] == ["same-namespace"]
    assert parents[0]["parentRef"] == {"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": "same-namespace"}
    assert parents[0]["conditions"][0]["observedGeneration"] == 1


def _gateway(s, name, addresses=("192.0.2.10",)):
    return gateway_status(s.get("Gateway", f"{INFRA}/{name}"), s.kind("GatewayClass"), s.kind("HTTPRoute"),
                          s.kind("Namespace"), addresses=addresses, secrets=s.kind("Secret"))


def test_attached_routes_count_only_accepted(scenario):
    """httproute-hostname-intersection "AttachedRoutes only if they are Accepted"."""
    st = _gateway(scenario("hostname-intersection.yaml"), "httproute-hostname-intersection")
    assert {l["name"]: l["attachedRoutes"] for l in st["listeners"]} == {"listener-1": 2, "listener-2": 1, "listener-3": 1}
    for l in st["listeners"]:
        # No allowedRoutes.kinds: every kind the implementation supports on HTTP (conformance
        # helpers.go only requires the expected kinds to be present; k8snet adds GRPCRoute).
        assert l["supportedKinds"] == [{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute"},
                                       {"group": "gateway.networking.k8s.io", "kind": "GRPCRoute"}]
        assert conds(l) == {"Accepted": ("True", "Accepted"), "Programmed": ("True", "Programmed"),
                            "ResolvedRefs": ("True", "ResolvedRefs"), "Conflicted": ("False", "NoConflicts")}
    assert conds(st) == {"Accepted": ("True", "Accepted"), "Programmed": ("True", "Programmed")}
    assert st["addresses"] == [{"type": "IPAddress", "value": "192.0.2.10"}]


def test_gateway_with_two_attached_routes(scenario):
    """gateway-with-attached-routes: two accepted routes, the hostname mismatch not counted."""
    st = _gateway(scenario("status.yaml"), "gateway-with-two-attached-routes")
    assert st["listeners"][0]["attachedRoutes"] == 2


def test_gateway_invalid_route_kind(scenario):
    """gateway-invalid-route-kind: ResolvedRefs False/InvalidRouteKinds, HTTPRoute still supported."""
    st = _gateway(scenario("status.yaml"), "gateway-supported-and-invalid-route-kind")
    (l,) = st["listeners"]
    assert conds(l)["ResolvedRefs"] == ("False", "InvalidRouteKinds")
    assert l["supportedKinds"] == [{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute"}]
    only = _gateway(scenario("status.yaml"), "tlsroutes-only")["listeners"][0]
    assert only["supportedKinds"] == [] and only["attachedRoutes"] == 0


LISTENERS = [
    # gateway_types.go "Handling indistinct Listeners" / ListenerConditionReason (e: an
    # implementation-specific protocol this implementation does not know)
    ("a", {"Accepted": ("False", "HostnameConflict"), "Conflicted": ("True", "HostnameConflict"),
           "Programmed": ("False", "Invalid")}),
    ("b", {"Conflicted": ("True", "HostnameConflict")}),
    ("c", {"Conflicted": ("True", "ProtocolConflict"), "Accepted": ("False", "ProtocolConflict")}),
    ("d", {"Conflicted": ("True", "ProtocolConflict"), "ResolvedRefs": ("False", "InvalidCertificateRef")}),
    ("e", {"Accepted": ("False", "UnsupportedProtocol"), "Programmed": ("False", "Invalid")}),
    ("f", {"Accepted": ("True", "Accepted"), "Programmed": ("True", "Programmed"), "Conflicted": ("False", "NoConflicts")}),
]


@pytest.mark.parametrize("name,want", LISTENERS, ids=[n for n, _ in LISTENERS])
def test_listener_conditions(scenario, name, want):
    st = _gateway(scenario("status.yaml"), "conflicted")
    listener = next(l for l in st["listeners"] if l["name"] == name)
    got = conds(listener)
    assert {k: got[k] for k in want} == want
    assert conds(st)["Accepted"] == ("True", "ListenersNotValid")


def test_gateway_programmed_needs_an_address(scenario):
    st = _gateway(scenario("matching.yaml"), "same-namespace", addresses=())
    assert conds(st)["Programmed"] == ("False", "AddressNotAssigned") and st["addresses"] == []
    assert _gateway(scenario("status.yaml"), "other-controller") is None


def test_reason_enum_carries_wire_value():
    assert RouteReason.NO_MATCHING_LISTENER_HOSTNAME == "NoMatchingListenerHostname"
    assert RouteReason.from_text("RefNotPermitted") is RouteReason.REF_NOT_PERMITTED
