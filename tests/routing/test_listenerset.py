"""ListenerSet (gateway-api v1.6.1, standard channel ``v1``; ``apis/v1/listenerset_types.go``):
admission by the Gateway's ``allowedListeners``, merged listeners with precedence, route
attachment through a ListenerSet parentRef, status and traffic. Each row names the conformance
test it follows (conformance/tests/listenerset-*.yaml + .go); the scenario is reduced from them."""
from __future__ import annotations

import pytest

from .conftest import NS, gateway_cluster, infra

G = "gateway.networking.k8s.io"


def _ls(name: str, gateway: str, listeners: str) -> str:
    return f"""---
apiVersion: {G}/v1
kind: ListenerSet
metadata: {{name: {name}, namespace: {NS}}}
spec:
  parentRef: {{kind: Gateway, group: {G}, name: {gateway}, namespace: {NS}}}
  listeners: {listeners}
"""


def _route(name: str, parents: str, path: str, backend: str) -> str:
    return f"""---
apiVersion: {G}/v1
kind: HTTPRoute
metadata: {{name: {name}, namespace: {NS}}}
spec:
  parentRefs: {parents}
  rules: [{{matches: [{{path: {{type: PathPrefix, value: {path}}}}}], backendRefs: [{{name: {backend}, port: 8080}}]}}]
"""


ALL = "{namespaces: {from: All}}"
SCENARIO = infra("infra-backend-v1", "infra-backend-v2", "infra-backend-v3", gateway=None) + f"""---
# listenerset-default-not-allowed: no allowedListeners
apiVersion: {G}/v1
kind: Gateway
metadata: {{name: gateway-default-does-not-allow-listenerset, namespace: {NS}}}
spec:
  gatewayClassName: k8snet
  listeners: [{{name: http, port: 80, protocol: HTTP}}]
---
# listenerset-http-routing
apiVersion: {G}/v1
kind: Gateway
metadata: {{name: gateway-with-listener-sets-http-routing, namespace: {NS}}}
spec:
  gatewayClassName: k8snet
  allowedListeners: {{namespaces: {{from: All}}}}
  listeners:
  - {{name: gateway-listener-1, port: 80, protocol: HTTP, hostname: gateway-listener-1.com, allowedRoutes: {ALL}}}
  - {{name: gateway-listener-2, port: 80, protocol: HTTP, hostname: gateway-listener-2.com, allowedRoutes: {ALL}}}
---
# listenerset-protocol-conflict
apiVersion: {G}/v1
kind: Gateway
metadata: {{name: gateway-with-listenerset-protocol-conflict, namespace: {NS}}}
spec:
  gatewayClassName: k8snet
  allowedListeners: {{namespaces: {{from: Same}}}}
  listeners:
  - {{name: gateway-listener, port: 80, protocol: HTTP, hostname: gateway-listener.com, allowedRoutes: {ALL}}}
  - {{name: protocol-conflict-with-gateway-listener, port: 80, protocol: HTTP, hostname: pc.com, allowedRoutes: {ALL}}}
{_ls("listenerset-default-not-allowed", "gateway-default-does-not-allow-listenerset",
     "[{name: ls-listener, port: 8080, protocol: HTTP}]")}
{_ls("listener-set-http-routing-1", "gateway-with-listener-sets-http-routing",
     f"[{{name: ls1-listener-1, port: 80, protocol: HTTP, hostname: ls1-listener-1.com, allowedRoutes: {ALL}}},"
     f" {{name: ls1-listener-2, port: 80, protocol: HTTP, hostname: ls1-listener-2.com, allowedRoutes: {ALL}}}]")}
{_ls("listenerset-with-protocol-conflict-with-gateway-1", "gateway-with-listenerset-protocol-conflict",
     f"[{{name: listener-set-1-listener, port: 80, protocol: HTTP, hostname: listener-set-1-listener.com, allowedRoutes: {ALL}}},"
     f" {{name: protocol-conflict-with-gateway-listener, port: 80, protocol: TCP, allowedRoutes: {ALL}}}]")}
{_ls("listenerset-with-protocol-conflict-with-gateway-2", "gateway-with-listenerset-protocol-conflict",
     f"[{{name: protocol-conflict-with-gateway-listener, port: 80, protocol: TCP, allowedRoutes: {ALL}}}]")}
{_route("attaches-to-all-listeners", f"[{{name: gateway-with-listener-sets-http-routing}}, {{kind: ListenerSet, group: {G}, name: listener-set-http-routing-1}}]", "/route", "infra-backend-v1")}
{_route("gateway-route", "[{name: gateway-with-listener-sets-http-routing}]", "/gateway-route", "infra-backend-v2")}
{_route("ls1-route", f"[{{kind: ListenerSet, group: {G}, name: listener-set-http-routing-1}}]", "/ls1-route", "infra-backend-v2")}
{_route("ls1-section-route", f"[{{kind: ListenerSet, group: {G}, name: listener-set-http-routing-1, sectionName: ls1-listener-1}}]", "/ls1-section-route", "infra-backend-v3")}
{_route("route-via-gateway", "[{name: gateway-with-listener-sets-http-routing, sectionName: ls1-listener-1}]", "/y", "infra-backend-v3")}
{_route("ls1-missing-section", f"[{{kind: ListenerSet, group: {G}, name: listener-set-http-routing-1, sectionName: gateway-listener-1}}]", "/x", "infra-backend-v3")}
"""


@pytest.fixture(scope="module")
def cluster():
    return gateway_cluster(SCENARIO, seed=12)


def _conds(obj: dict) -> dict:
    return {c["type"]: (c["status"], c["reason"]) for c in obj.get("conditions") or []}


SET_ROWS = [
    # (conformance test, ListenerSet, Accepted, Programmed)
    ("listenerset-default-not-allowed", "listenerset-default-not-allowed", ("False", "NotAllowed"), ("False", "NotAllowed")),
    ("listenerset-http-routing", "listener-set-http-routing-1", ("True", "Accepted"), ("True", "Programmed")),
    ("listenerset-protocol-conflict: a set with one conflicted listener", "listenerset-with-protocol-conflict-with-gateway-1",
     ("True", "Accepted"), ("True", "Programmed")),
    ("listenerset-protocol-conflict: a set whose only listener conflicts", "listenerset-with-protocol-conflict-with-gateway-2",
     ("False", "ListenersNotValid"), ("False", "ListenersNotValid")),
]


@pytest.mark.parametrize("name,accepted,programmed", [r[1:] for r in SET_ROWS], ids=[r[0] for r in SET_ROWS])
def test_listenerset_conditions(cluster, name, accepted, programmed):
    got = _conds(cluster.get("listenerset", name, NS)["status"])
    assert (got["Accepted"], got["Programmed"]) == (accepted, programmed)


LISTENER_ROWS = [
    # (conformance test, ListenerSet, listener, conditions, attachedRoutes)
    ("listenerset-http-routing", "listener-set-http-routing-1", "ls1-listener-1", {"Accepted": ("True", "Accepted")}, 3),
    ("listenerset-http-routing", "listener-set-http-routing-1", "ls1-listener-2", {"Accepted": ("True", "Accepted")}, 2),
    ("listenerset-protocol-conflict: the Gateway's listener wins", "listenerset-with-protocol-conflict-with-gateway-1",
     "protocol-conflict-with-gateway-listener", {"Accepted": ("False", "ProtocolConflict"),
                                                 "Programmed": ("False", "ProtocolConflict"),
                                                 "Conflicted": ("True", "ProtocolConflict")}, 0),
    ("listenerset-protocol-conflict: the set's other listener is fine", "listenerset-with-protocol-conflict-with-gateway-1",
     "listener-set-1-listener", {"Accepted": ("True", "Accepted"), "Conflicted": ("False", "NoConflicts")}, 0),
]


@pytest.mark.parametrize("ls,name,want,attached", [r[1:] for r in LISTENER_ROWS], ids=[f"{r[0]}:{r[2]}" for r in LISTENER_ROWS])
def test_listenerset_listeners(cluster, ls, name, want, attached):
    (l,) = [l for l in cluster.get("listenerset", ls, NS)["status"]["listeners"] if l["name"] == name]
    got = _conds(l)
    assert {k: got[k] for k in want} == want and l["attachedRoutes"] == attached


GATEWAY_ROWS = [
    # (conformance test, Gateway, attachedListenerSets, {listener: attachedRoutes} (None: not checked))
    ("listenerset-default-not-allowed", "gateway-default-does-not-allow-listenerset", 0, {"http": 0}),
    ("listenerset-http-routing (a Gateway parentRef reaches the Gateway's listeners only)",
     "gateway-with-listener-sets-http-routing", 1, {"gateway-listener-1": 2, "gateway-listener-2": 2}),
    ("listenerset-protocol-conflict (the Gateway's listeners stay accepted)", "gateway-with-listenerset-protocol-conflict",
     1, {"gateway-listener": 0, "protocol-conflict-with-gateway-listener": 0}),
]


@pytest.mark.parametrize("gateway,sets,routes", [r[1:] for r in GATEWAY_ROWS], ids=[r[0] for r in GATEWAY_ROWS])
def test_gateway_counts(cluster, gateway, sets, routes):
    st = cluster.get("gateway", gateway, NS)["status"]
    assert st.get("attachedListenerSets", 0) == sets
    assert {l["name"]: l["attachedRoutes"] for l in st["listeners"]} == routes
    assert all(_conds(l)["Accepted"] == ("True", "Accepted") for l in st["listeners"])


TRAFFIC_ROWS = [
    # (listenerset-http-routing ExpectedResponse, Host, path, backend or None for 404)
    ("a Gateway listener", "gateway-listener-1.com", "/route", "infra-backend-v1"),
    ("a ListenerSet listener", "ls1-listener-2.com", "/route", "infra-backend-v1"),
    ("a route of the Gateway", "gateway-listener-1.com", "/gateway-route", "infra-backend-v2"),
    ("a route of the Gateway does not serve the set's listeners", "ls1-listener-1.com", "/gateway-route", None),
    ("a route of the set", "ls1-listener-2.com", "/ls1-route", "infra-backend-v2"),
    ("a route of one listener of the set", "ls1-listener-1.com", "/ls1-section-route", "infra-backend-v3"),
    ("... not of the other", "ls1-listener-2.com", "/ls1-section-route", None),
]


@pytest.mark.parametrize("host,path,backend", [r[1:] for r in TRAFFIC_ROWS], ids=[r[0] for r in TRAFFIC_ROWS])
def test_traffic(cluster, host, path, backend):
    addr = cluster.get("gateway", "gateway-with-listener-sets-http-routing", NS)["status"]["addresses"][0]["value"]
    r = cluster.request(f"http://{addr}{path}", headers={"Host": host}, from_internet=True)
    if backend is None:
        assert r.status == 404
    else:
        assert r.status == 200 and r.backend == f"{NS}/{backend}:8080"


@pytest.mark.parametrize("route,kind", [("route-via-gateway", "Gateway"), ("ls1-missing-section", "ListenerSet")])
def test_section_name_of_its_own_parent_only(cluster, route, kind):
    """listenerset-gateway-parent-section-name-not-found: a Gateway parentRef's sectionName
    cannot name a ListenerSet's listener (and a ListenerSet parentRef's cannot name the
    Gateway's): NoMatchingParent."""
    (p,) = cluster.get("httproute", route, NS)["status"]["parents"]
    assert p["parentRef"]["kind"] == kind
    assert _conds(p)["Accepted"] == ("False", "NoMatchingParent")
