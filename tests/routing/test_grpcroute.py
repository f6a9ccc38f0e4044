"""GRPCRoute (gateway-api v1.6.1, standard channel) end to end, ported from the conformance
tests it names (conformance/tests/grpcroute-*.yaml + .go): the scenario goes through the API
server, the controller and the data path; each row is one ExpectedResponse.

A gRPC call is ``POST /<service>/<method>`` with ``content-type: application/grpc``. A call
the Gateway cannot route ends as gRPC code 12 (UNIMPLEMENTED): either the Gateway's own
trailers-only answer (``grpc-status: 12``) or an HTTP 404, which gRPC clients map to
UNIMPLEMENTED (grpc/grpc doc/http-grpc-status-mapping.md).
"""
from __future__ import annotations

import json

import pytest


from k8snet import Cluster, ValidationError

from .conftest import NS, gateway_cluster, infra

SVC = "gateway_api_conformance.echo_basic.grpcecho.GrpcEcho"
UNIMPLEMENTED = 12


SCENARIO = infra(*(f"grpc-infra-backend-v{i}" for i in (1, 2, 3))) + f"""---
# grpcroute-exact-method-matching
apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: {{name: exact-matching, namespace: {NS}}}
spec:
  parentRefs: [{{name: same-namespace}}]
  hostnames: [exact.example]
  rules:
  - matches: [{{method: {{service: {SVC}, method: Echo}}}}]
    backendRefs: [{{name: grpc-infra-backend-v1, port: 8080}}]
  - matches: [{{method: {{service: {SVC}, method: EchoTwo}}}}]
    backendRefs: [{{name: grpc-infra-backend-v2, port: 8080}}]
---
# grpcroute-header-matching
apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: {{name: grpc-header-matching, namespace: {NS}}}
spec:
  parentRefs: [{{name: same-namespace}}]
  hostnames: [headers.example]
  rules:
  - matches: [{{headers: [{{name: version, value: one}}]}}]
    backendRefs: [{{name: grpc-infra-backend-v1, port: 8080}}]
  - matches: [{{headers: [{{name: version, value: two}}]}}]
    backendRefs: [{{name: grpc-infra-backend-v2, port: 8080}}]
  - matches: [{{headers: [{{name: version, value: two}}, {{name: color, value: orange}}]}}]
    backendRefs: [{{name: grpc-infra-backend-v1, port: 8080}}]
  - matches: [{{headers: [{{name: color, value: blue}}]}}, {{headers: [{{name: color, value: green}}]}}]
    backendRefs: [{{name: grpc-infra-backend-v1, port: 8080}}]
  - matches: [{{headers: [{{name: color, value: red}}]}}, {{headers: [{{name: color, value: yellow}}]}}]
    backendRefs: [{{name: grpc-infra-backend-v2, port: 8080}}]
---
# grpcroute-listener-hostname-matching
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {{name: grpcroute-listener-hostname-matching, namespace: {NS}}}
spec:
  gatewayClassName: k8snet
  listeners:
  - {{name: listener-1, port: 80, protocol: HTTP, hostname: bar.com}}
  - {{name: listener-2, port: 80, protocol: HTTP, hostname: foo.bar.com}}
  - {{name: listener-3, port: 80, protocol: HTTP, hostname: "*.bar.com"}}
  - {{name: listener-4, port: 80, protocol: HTTP, hostname: "*.foo.com"}}
---
apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: {{name: backend-v1, namespace: {NS}}}
spec:
  parentRefs: [{{name: grpcroute-listener-hostname-matching, sectionName: listener-1}}]
  rules: [{{backendRefs: [{{name: grpc-infra-backend-v1, port: 8080}}]}}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: {{name: backend-v2, namespace: {NS}}}
spec:
  parentRefs: [{{name: grpcroute-listener-hostname-matching, sectionName: listener-2}}]
  rules: [{{backendRefs: [{{name: grpc-infra-backend-v2, port: 8080}}]}}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: {{name: backend-v3, namespace: {NS}}}
spec:
  parentRefs:
  - {{name: grpcroute-listener-hostname-matching, sectionName: listener-3}}
  - {{name: grpcroute-listener-hostname-matching, sectionName: listener-4}}
  rules: [{{backendRefs: [{{name: grpc-infra-backend-v3, port: 8080}}]}}]
---
# an HTTPRoute on the same host: plain HTTP keeps going to it (v1.6 lets both kinds share a host)
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {{name: plain-http, namespace: {NS}}}
spec:
  parentRefs: [{{name: same-namespace}}]
  hostnames: [exact.example]
  rules: [{{backendRefs: [{{name: grpc-infra-backend-v3, port: 8080}}]}}]
"""


@pytest.fixture(scope="module")
def cluster():
    return gateway_cluster(SCENARIO, seed=61)


def _address(c, gateway: str) -> str:
    return json.loads(c.kubectl(f"get gateway {gateway} -n {NS} -o json"))["status"]["addresses"][0]["value"]


def _call(c, gateway: str, authority: str, method: str, metadata: dict[str, str] | None = None):
    """One unary gRPC call: (backend Service name or None, gRPC status code)."""
    headers = {"Host": authority, "content-type": "application/grpc", **(metadata or {})}
    r = c.request(f"http://{_address(c, gateway)}/{SVC}/{method}", method="POST", headers=headers, from_internet=True)
    if r.status == 404:
        return None, UNIMPLEMENTED
    assert r.status == 200, r.hops
    code = int(r.headers.get("grpc-status", "0"))
    return (r.backend.split("/")[1].split(":")[0] if code == 0 else None), code


ROWS = [
    # (conformance test, gateway, :authority, method, metadata, backend, gRPC code)
    ("exact-method-matching Echo", "same-namespace", "exact.example", "Echo", None, "grpc-infra-backend-v1", 0),
    ("exact-method-matching EchoTwo", "same-namespace", "exact.example", "EchoTwo", None, "grpc-infra-backend-v2", 0),
    ("exact-method-matching EchoThree", "same-namespace", "exact.example", "EchoThree", None, None, UNIMPLEMENTED),
    ("header-matching version=one", "same-namespace", "headers.example", "Echo", {"Version": "one"},
     "grpc-infra-backend-v1", 0),
    ("header-matching version=two", "same-namespace", "headers.example", "Echo", {"Version": "two"},
     "grpc-infra-backend-v2", 0),
    ("header-matching two+orange: most headers wins", "same-namespace", "headers.example", "Echo",
     {"Version": "two", "Color": "orange"}, "grpc-infra-backend-v1", 0),
    ("header-matching two+blue: tie, first rule wins", "same-namespace", "headers.example", "Echo",
     {"Version": "two", "Color": "blue"}, "grpc-infra-backend-v2", 0),
    ("header-matching orange alone", "same-namespace", "headers.example", "Echo", {"Color": "orange"},
     None, UNIMPLEMENTED),
    ("header-matching other header", "same-namespace", "headers.example", "Echo", {"Some-Other-Header": "one"},
     None, UNIMPLEMENTED),
    ("header-matching blue (OR)", "same-namespace", "headers.example", "Echo", {"Color": "blue"},
     "grpc-infra-backend-v1", 0),
    ("header-matching green (OR)", "same-namespace", "headers.example", "Echo", {"Color": "green"},
     "grpc-infra-backend-v1", 0),
    ("header-matching red", "same-namespace", "headers.example", "Echo", {"Color": "red"}, "grpc-infra-backend-v2", 0),
    ("header-matching yellow", "same-namespace", "headers.example", "Echo", {"Color": "yellow"},
     "grpc-infra-backend-v2", 0),
    ("header-matching purple", "same-namespace", "headers.example", "Echo", {"Color": "purple"}, None, UNIMPLEMENTED),
    *[(f"listener-hostname-matching {host}", "grpcroute-listener-hostname-matching", host, "Echo", None, backend, code)
      for host, backend, code in (
          ("bar.com", "grpc-infra-backend-v1", 0), ("foo.bar.com", "grpc-infra-backend-v2", 0),
          ("baz.bar.com", "grpc-infra-backend-v3", 0), ("boo.bar.com", "grpc-infra-backend-v3", 0),
          ("multiple.prefixes.bar.com", "grpc-infra-backend-v3", 0),
          ("multiple.prefixes.foo.com", "grpc-infra-backend-v3", 0),
          ("foo.com", None, UNIMPLEMENTED), ("no.matching.host", None, UNIMPLEMENTED))],
]


@pytest.mark.parametrize("gateway,authority,method,metadata,backend,code", [r[1:] for r in ROWS],
                         ids=[r[0] for r in ROWS])
def test_grpc_calls(cluster, gateway, authority, method, metadata, backend, code):
    assert _call(cluster, gateway, authority, method, metadata) == (backend, code)


def test_plain_http_on_a_grpc_host_goes_to_the_httproute(cluster):
    """GRPCRoute and HTTPRoute may share a hostname (v1.6, #4598): a call that is not gRPC
    is routed by the HTTPRoutes."""
    r = cluster.request(f"http://{_address(cluster, 'same-namespace')}/", headers={"Host": "exact.example"},
                        from_internet=True)
    assert r.status == 200 and r.backend == f"{NS}/grpc-infra-backend-v3:8080"


def test_listener_supported_kinds_and_attached_routes(cluster):
    """gateway_types.go ListenerStatus: an HTTP listener of an implementation with GRPCRoute
    support lists both kinds; attachedRoutes counts HTTPRoutes and GRPCRoutes."""
    gw = json.loads(cluster.kubectl(f"get gateway same-namespace -n {NS} -o json"))
    listener = gw["status"]["listeners"][0]
    assert [k["kind"] for k in listener["supportedKinds"]] == ["HTTPRoute", "GRPCRoute"]
    assert listener["attachedRoutes"] == 3


def test_route_status_and_crd(cluster):
    route = json.loads(cluster.kubectl(f"get grpcroute exact-matching -n {NS} -o json"))
    conds = {c["type"]: (c["status"], c["reason"]) for c in route["status"]["parents"][0]["conditions"]}
    assert conds == {"Accepted": ("True", "Accepted"), "ResolvedRefs": ("True", "ResolvedRefs")}
    crd = json.loads(cluster.kubectl("get crd grpcroutes.gateway.networking.k8s.io -o json"))
    assert [v["name"] for v in crd["spec"]["versions"]] == ["v1"]  # GRPCRoute is served only as v1
    assert crd["metadata"]["annotations"]["gateway.networking.k8s.io/bundle-version"] == "v1.6.1"


MIRROR = {"type": "RequestMirror", "requestMirror": {"backendRef": {"name": "grpc-infra-backend-v2", "port": 8080}}}
UNSUPPORTED_ROWS = [
    # (id, rule filter, backendRef filter)
    ("RequestMirror on a backendRef (Extended) not implemented", None, MIRROR),
    ("ExtensionRef (Implementation-specific)",
     {"type": "ExtensionRef", "extensionRef": {"group": "example.com", "kind": "Filter", "name": "f"}}, None),
]


def _mirror_route(rule_filter=None, backend_filter=None, name="mirror"):
    backend = {"name": "grpc-infra-backend-v1", "port": 8080, **({"filters": [backend_filter]} if backend_filter else {})}
    return {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "GRPCRoute", "metadata": {"name": name, "namespace": NS},
            "spec": {"parentRefs": [{"name": "same-namespace"}], "hostnames": ["mirror.example"],
                     "rules": [{**({"filters": [rule_filter]} if rule_filter else {}), "backendRefs": [backend]}]}}


@pytest.mark.parametrize("flt,backend_flt", [r[1:] for r in UNSUPPORTED_ROWS], ids=[r[0] for r in UNSUPPORTED_ROWS])
def test_unsupported_filter_is_unsupported_value(flt, backend_flt):
    """GRPCRouteFilter: a filter the implementation does not support makes the route
    Accepted=False with reason UnsupportedValue (shared_types.go RouteReasonUnsupportedValue)."""
    c = Cluster(nodes=1, addons=["gateway"], seed=62)
    c.apply(SCENARIO.split("---\n# grpcroute-exact-method-matching")[0])
    c.apply(_mirror_route(flt, backend_flt))
    route = json.loads(c.kubectl(f"get grpcroute mirror -n {NS} -o json"))
    accepted = route["status"]["parents"][0]["conditions"][0]
    assert (accepted["type"], accepted["status"], accepted["reason"]) == ("Accepted", "False", "UnsupportedValue")


def test_invalid_grpcroute_is_refused_whole():
    """The CRD's CEL rule "One or both of 'service' or 'method' must be specified": refused by
    the API server, nothing stored."""
    c = Cluster(nodes=1, addons=["gateway"], seed=63)
    bad = {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "GRPCRoute", "metadata": {"name": "bad"},
           "spec": {"rules": [{"matches": [{"method": {"type": "Exact"}}]}]}}
    with pytest.raises(ValidationError, match="One or both of 'service' or 'method' must be specified"):
        c.apply(bad)
    assert "No resources found" in c.kubectl("get grpcroute")


def _echo_lines(c, backend: str, path: str) -> list[str]:
    logs = c.kubectl(f"logs -n {NS} deploy/{backend}")
    return [line for line in logs.splitlines() if f"Echoing back request made to {path} " in line]


MIRROR_ROWS = [
    # (id, filters of the rule, backends whose logs show one copy, rule)
    ("one mirror", [MIRROR], ["grpc-infra-backend-v2"],
     "grpcroute_types.go GRPCRouteFilterRequestMirror: Support in GRPCRouteRule: Extended"),
    ("two mirrors", [MIRROR, {"type": "RequestMirror", "requestMirror": {
        "backendRef": {"name": "grpc-infra-backend-v3", "port": 8080}}}], ["grpc-infra-backend-v2", "grpc-infra-backend-v3"],
     "grpcroute_types.go GRPCRouteFilter.RequestMirror: 'This filter can be used multiple times within the same rule'"),
    ("percent 0: never", [{"type": "RequestMirror", "requestMirror": {
        "backendRef": {"name": "grpc-infra-backend-v2", "port": 8080}, "percent": 0}}], [],
     "HTTPRequestMirrorFilter.percent (shared with HTTPRoute): 0 mirrors no request"),
]


@pytest.mark.parametrize("filters,mirrored,rule", [r[1:] for r in MIRROR_ROWS], ids=[r[0] for r in MIRROR_ROWS])
def test_grpc_request_mirror(filters, mirrored, rule):
    """GRPCRoute RequestMirror: the caller gets the backendRef's answer; each mirror backend gets a
    copy of the call whose answer the Gateway drops ("The responses from this backend MUST be
    ignored by the Gateway"); the route is Accepted.  (No v1.6.1 conformance test covers it; the
    rows follow httproute-request-mirror / -multiple-mirrors.)"""
    c = gateway_cluster(SCENARIO.split("---\n# grpcroute-exact-method-matching")[0], seed=64)
    route = _mirror_route()
    route["spec"]["rules"][0]["filters"] = filters
    c.apply(route)
    c.advance(5)
    path = f"/{SVC}/Echo"
    before = {b: len(_echo_lines(c, b, path)) for b in ("grpc-infra-backend-v2", "grpc-infra-backend-v3")}
    assert _call(c, "same-namespace", "mirror.example", "Echo") == ("grpc-infra-backend-v1", 0), rule
    after = {b: len(_echo_lines(c, b, path)) for b in before}
    assert {b for b in before if after[b] == before[b] + 1} == set(mirrored), rule
    accepted = json.loads(c.kubectl(f"get grpcroute mirror -n {NS} -o json"))["status"]["parents"][0]["conditions"][0]
    assert (accepted["type"], accepted["status"]) == ("Accepted", "True")
