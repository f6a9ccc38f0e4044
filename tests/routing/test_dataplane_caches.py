"""What request() keeps between requests must not outlive the cluster state it was built from.

The data plane remembers, per version of the objects, what a controller would have rendered
once (the Gateway's routes, each request's match and its decision per drawn backendRef, the
endpoints it proxies to, the IP index, NetworkPolicy verdicts, the load balancer's view of a
Service). Each row sends a request (filling those memories), changes the cluster the way a
learner would, then sends the same request again: the second answer must reflect the change
(as a controller's next sync would: ingress-nginx syncIngress, Envoy Gateway's translation
on every object event), including changes that are no API write (a node's kubelet stopping).
"""
from __future__ import annotations

import pytest

from k8snet import Cluster

from .conftest import echo_backend, gateway_cluster

URL = "http://store.example.com/"


GATEWAY = """
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: web-gw}
spec:
  gatewayClassName: k8snet
  listeners: [{name: http, protocol: HTTP, port: 80}]
"""


def _route(weights=(100, 0), path: str = "/") -> dict:
    return {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": {"name": "store"},
            "spec": {"parentRefs": [{"name": "web-gw"}], "hostnames": ["store.example.com"],
                     "rules": [{"matches": [{"path": {"type": "PathPrefix", "value": path}}],
                                "backendRefs": [{"name": "v1", "port": 8080, "weight": weights[0]},
                                                {"name": "v2", "port": 8080, "weight": weights[1]}]}]}}


def _gateway_node(c: Cluster) -> str:
    pod = next(p for p in c.list("pod", "k8snet-gateway-system") if p["metadata"]["name"].startswith("gateway-"))
    return pod["spec"]["nodeName"]


def _scale_v1_to_zero(c: Cluster) -> None:
    c.kubectl("scale deployment v1 --replicas=0")
    c.advance(60)


CHANGES = [  # (upstream rule, change, what the second request must show)
    pytest.param(lambda c: c.apply(_route(weights=(0, 100))),
                 lambda r: r.status == 200 and r.backend == "default/v2:8080",
                 id="httproute_types.go HTTPBackendRef.weight: weight 0 gets no traffic, the new weights apply"),
    pytest.param(lambda c: c.apply(_route(path="/other")),
                 lambda r: r.status == 404 and r.body == "no route rule matches: 404\n",
                 id="httproute_types.go HTTPRouteMatch: a changed path match no longer takes / (404)"),
    pytest.param(lambda c: c.delete("httproute/store"),
                 lambda r: r.error == "could not resolve host",
                 id="HTTPRoute deleted: its hostname is no longer published in public DNS (NXDOMAIN)"),
    pytest.param(lambda c: c.delete("service/v1"),
                 lambda r: r.status == 500 and "BackendNotFound" in r.body,
                 id="httproute_types.go BackendRef: a Service that is gone is an invalid backendRef (500)"),
    pytest.param(_scale_v1_to_zero,
                 lambda r: r.status == 503 and r.body == "no healthy upstream",
                 id="EndpointSlice: no ready endpoint left, Envoy answers 503 no healthy upstream"),
    pytest.param(lambda c: c.fail_node(_gateway_node(c)),
                 lambda r: r.error == "connection timed out",
                 id="node failure (no API write yet): the Gateway's pod on a dead node does not answer"),
]


@pytest.mark.parametrize("change,second", CHANGES)
def test_second_request_sees_the_change(change, second):
    c = gateway_cluster("---".join((GATEWAY, echo_backend("v1", "default"), echo_backend("v2", "default"))), seed=8)
    c.apply(_route())
    for _ in range(3):  # fill whatever the data plane remembers
        first = c.request(URL, from_internet=True)
        assert (first.status, first.backend) == (200, "default/v1:8080"), first.explain()
    change(c)
    after = c.request(URL, from_internet=True)
    assert second(after), after.explain()


def test_listener_change_reaches_the_next_request():
    """gateway_types.go Listener.Hostname: once the only listener is for another host, a request
    for this one finds no listener (404), although the address and the route did not change."""
    c = gateway_cluster("---".join((GATEWAY, echo_backend("v1", "default"), echo_backend("v2", "default"))), seed=8)
    c.apply(_route())
    ip = c.get("gateway", "web-gw")["status"]["addresses"][0]["value"]
    for _ in range(3):
        assert c.request(f"http://{ip}/", from_internet=True, headers={"Host": "store.example.com"}).status == 200
    c.apply(GATEWAY.replace("port: 80}", "port: 80, hostname: other.example.com}"))
    after = c.request(f"http://{ip}/", from_internet=True, headers={"Host": "store.example.com"})
    assert after.status == 404 and "no listener accepts host" in after.body, after.explain()


def _route_with_rule_before() -> dict:
    route = _route()
    route["spec"]["rules"].insert(0, {"matches": [{"path": {"type": "PathPrefix", "value": "/admin"}}],
                                      "backendRefs": [{"name": "v2", "port": 8080}]})
    return route


def _scale_v1_to_two(c: Cluster) -> None:
    c.kubectl("scale deployment v1 --replicas=2")
    c.advance(60)


def _gateway_hops(r) -> list[str]:
    return [h.action for h in r.hops if h.component == "Gateway"]


HOP_CHANGES = [  # (upstream rule, change, what the Gateway's hops must say after it)
    pytest.param(lambda c: c.apply(_route_with_rule_before()),
                 lambda hops: hops[0] == "default/web-gw listener http, HTTPRoute default/store rule 1 -> default/v1:8080",
                 id="httproute_types.go HTTPRouteRule: a rule inserted before shifts the matched rule's index"),
    pytest.param(_scale_v1_to_two, lambda hops: hops[1].endswith("(1 of 2)"),
                 id="EndpointSlice: a second ready endpoint, Envoy balances over both"),
]


@pytest.mark.parametrize("change,says", HOP_CHANGES)
def test_gateway_hops_follow_the_objects(change, says):
    c = gateway_cluster("---".join((GATEWAY, echo_backend("v1", "default"), echo_backend("v2", "default"))), seed=8)
    c.apply(_route())
    for _ in range(3):  # fill what the Gateway remembers: its decision, its hop, the upstream endpoints
        first = c.request(URL, from_internet=True)
        assert _gateway_hops(first)[0].endswith("rule 0 -> default/v1:8080") and _gateway_hops(first)[1].endswith(
            "(1 of 1)"), first.explain()
    change(c)
    after = c.request(URL, from_internet=True)
    assert after.status == 200 and says(_gateway_hops(after)), after.explain()
