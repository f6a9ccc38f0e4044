"""The compile step of both routers: an index built once, then many decisions from it.

Rules: ingress-nginx renders nginx.conf when Ingresses change, not per request
(internal/ingress/controller/controller.go syncIngress); a Gateway implementation likewise
translates Gateway + routes into proxy configuration on change. So a decision from a
compiled index must equal the one-shot ``route_ingress``/``route_http`` decision, the host
index must only skip routes whose hostnames cannot match (httproute_types.go
``Hostnames``; ingress.md "Hostname wildcards"), and the data plane must rebuild its index
when an object changes.
"""
from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import pytest

from k8snet import Cluster
from k8snet.routing import compile_http, compile_ingress, route_http, route_ingress
from k8snet.routing.httpmatch import route_compiled

DATAPATH = Path(__file__).resolve().parent.parent / "datapath" / "manifests"

NGINX_CLASS = {"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass", "metadata": {"name": "nginx"},
               "spec": {"controller": "k8s.io/ingress-nginx"}}


def _ingress(name: str, host: str | None, path: str, service: str, ts: str = "2025-01-01T00:00:00Z") -> dict:
    rule = {"http": {"paths": [{"path": path, "pathType": "Prefix",
                                "backend": {"service": {"name": service, "port": {"number": 80}}}}]}}
    if host:
        rule["host"] = host
    return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": {"name": name, "namespace": "default", "creationTimestamp": ts},
            "spec": {"ingressClassName": "nginx", "rules": [rule]}}


INGRESSES = [_ingress("exact", "foo.bar.com", "/", "exact"), _ingress("wild", "*.bar.com", "/", "wild"),
             _ingress("deeper", "*.foo.bar.com", "/api", "deeper"), _ingress("any", None, "/", "any"),
             _ingress("later", "foo.bar.com", "/", "later", ts="2025-01-02T00:00:00Z")]


def _fields(d) -> dict:
    return {f.name: getattr(d, f.name) for f in dataclasses.fields(d) if f.name != "trace"}


@pytest.mark.parametrize("host,path,want", [
    pytest.param("foo.bar.com", "/x", "exact", id="ingress.md Name based virtual hosting: exact host, first Ingress wins"),
    pytest.param("baz.bar.com", "/x", "wild", id="ingress.md Hostname wildcards: *.bar.com covers one label"),
    pytest.param("a.foo.bar.com", "/api/v1", "deeper", id="ingress.md Hostname wildcards: *.foo.bar.com, not *.bar.com"),
    pytest.param("a.b.bar.com", "/x", "any", id="ingress.md Hostname wildcards: two labels are not covered"),
    pytest.param("bar.com", "/x", "any", id="ingress.md Hostname wildcards: the bare domain is not covered"),
    pytest.param("FOO.bar.com:8080", "/x?q=1", "exact", id="Host header: port ignored, case-insensitive"),
    pytest.param("", "/", "any", id="ingress-nginx catch-all server _ for requests without Host"),
])
def test_ingress_index_decides_as_route_ingress(host, path, want):
    index = compile_ingress(INGRESSES, [NGINX_CLASS])
    d = index.route(host=host, path=path)
    assert d.backend is not None and d.backend.service == want, d.explain()
    once = route_ingress(INGRESSES, [NGINX_CLASS], host=host, path=path)
    assert (_fields(d), d.explain()) == (_fields(once), once.explain())


REQUESTS = [  # (scenario, gateway, host, path, headers)
    ("hostname-intersection.yaml", "gateway-conformance-infra/httproute-hostname-intersection",
     "very.specific.com", "/s1", {}),
    ("hostname-intersection.yaml", "gateway-conformance-infra/httproute-hostname-intersection",
     "foo.bar.wildcard.io", "/s2", {}),
    ("hostname-intersection.yaml", "gateway-conformance-infra/httproute-hostname-intersection",
     "a.anotherwildcard.io", "/s4", {}),
    ("hostname-intersection.yaml", "gateway-conformance-infra/httproute-hostname-intersection",
     "non.matching.com", "/s1", {}),
    ("matching-across-routes.yaml", "gateway-conformance-infra/same-namespace", "example.com", "/v2", {}),
    ("matching-across-routes.yaml", "gateway-conformance-infra/same-namespace", "example.net", "/", {"version": "two"}),
    ("header-query-method.yaml", "gateway-conformance-infra/queries", "", "/?animal=whale", {}),
    ("backends.yaml", "gateway-conformance-infra/same-namespace", "weight.example", "/", {}),
    ("backends.yaml", "gateway-conformance-infra/same-namespace", "zero.example", "/", {}),
    ("backends.yaml", "gateway-conformance-infra/same-namespace", "nonexistent.example", "/", {}),
    ("redirects.yaml", "gateway-conformance-infra/same-namespace", "", "/original-prefix/lemon", {}),
]
REQUEST_IDS = ["conformance httproute-hostname-intersection: exact listener host",
               "conformance httproute-hostname-intersection: route name under a wildcard listener",
               "conformance httproute-hostname-intersection: wildcard listener, wildcard route",
               "httproute_types.go Hostnames: no listener accepts the host (404)",
               "conformance httproute-matching-across-routes: hostnames select routes",
               "conformance httproute-matching-across-routes: header match across routes",
               "conformance httproute-query-param-matching: route without hostnames",
               "conformance httproute-weight: 70/30/0, one draw per request",
               "httproute_types.go BackendRef weight: every weight 0 gives 500, no draw",
               "conformance httproute-invalid-nonexistent-backendref: 500",
               "conformance httproute-request-redirect: the Gateway answers, no draw"]


def _without_host_index(index):
    """The same index with every attached route a candidate for every host."""
    def everything(lr):
        return dataclasses.replace(lr, any_host=tuple(e for e in lr.entries if lr.state.name in e.listeners),
                                   by_host={}, by_suffix={})
    return dataclasses.replace(index, listeners=tuple(everything(lr) for lr in index.listeners),
                               programmed={k: tuple(everything(lr) for lr in v) for k, v in index.programmed.items()})


@pytest.mark.parametrize("file,gateway,host,path,headers", REQUESTS, ids=REQUEST_IDS)
def test_host_index_only_skips_routes_that_cannot_match(scenario, file, gateway, host, path, headers):
    """Put every attached route in the "any host" bucket: that exhaustive search must pick
    the same rule as the indexed one, and the explanation is the same list either way."""
    sc = scenario(file)
    index = compile_http(sc.kind("Gateway"), sc.kind("HTTPRoute"), sc.kind("Service"), sc.kind("ReferenceGrant"),
                         sc.kind("Namespace"), gateway=gateway, gateway_classes=sc.kind("GatewayClass"))
    exhaustive = _without_host_index(index)
    request = dict(port=80, host=host, path=path, headers=headers)
    fast = route_compiled(index, rng=random.Random(0), **request)
    slow = route_compiled(exhaustive, rng=random.Random(0), **request)
    assert (_fields(fast), fast.explain()) == (_fields(slow), slow.explain())


@pytest.mark.parametrize("file,gateway,host,path,headers", REQUESTS, ids=REQUEST_IDS)
def test_http_index_decides_as_route_http(scenario, file, gateway, host, path, headers):
    """One index, many requests: each decision (and the random draw) equals a one-shot route_http,
    although the index keeps a request's match and decisions from the first time it saw it."""
    sc = scenario(file)
    objs = (sc.kind("Gateway"), sc.kind("HTTPRoute"), sc.kind("Service"), sc.kind("ReferenceGrant"),
            sc.kind("Namespace"))
    index = compile_http(*objs, gateway=gateway, gateway_classes=sc.kind("GatewayClass"))
    a, b = random.Random(3), random.Random(3)
    for _ in range(12):
        d = index.route(port=80, host=host, path=path, headers=headers, rng=a)
        once = route_http(*objs, gateway=gateway, port=80, host=host, path=path, headers=headers, rng=b,
                          gateway_classes=sc.kind("GatewayClass"))
        assert (_fields(d), d.explain()) == (_fields(once), once.explain())
    assert a.getstate() == b.getstate()


def test_decisions_are_immutable(scenario):
    """STYLE.md 10: results are frozen records; ``considered`` is computed once, on first use."""
    sc = scenario("matching-across-routes.yaml")
    d = sc.request(host="example.com", path="/v2")
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.status = 500
    assert d.considered is d.considered and d.explain().splitlines()[:-1] == [str(c) for c in d.considered]


def _controller_says(response) -> str:
    return next(h.action for h in response.hops if h.component == "Ingress controller")


@pytest.mark.parametrize("path,verdict", [
    pytest.param("/", "path=/ (Prefix): answers 404 itself",
                 id="ingress.md Prefix: /shop does not cover / (the default backend answers)"),
    pytest.param("/shop/cart", "path=/shop (Prefix) -> Service default/web",
                 id="ingress.md Prefix: /shop covers /shop/cart"),
])
def test_data_plane_rebuilds_its_index_when_an_ingress_changes(path, verdict):
    c = Cluster(nodes=2, seed=1, addons=["ingress-nginx"], cloud="gcp")
    for name in ("base.yaml", "web.yaml", "request/ingress.yaml"):  # as tests/datapath/scenarios.py
        c.apply(str(DATAPATH / name))
    assert (c.get("ingress", "demo").get("status") or {}).get("loadBalancer", {}).get("ingress")
    before = c.request(f"http://demo.example.com{path}", from_internet=True)
    assert _controller_says(before).endswith("path=/ (Prefix) -> Service default/web"), before.explain()
    ing = c.get("ingress", "demo")
    ing["spec"]["rules"][0]["http"]["paths"][0]["path"] = "/shop"
    c.apply(ing)
    after = c.request(f"http://demo.example.com{path}", from_internet=True)
    assert _controller_says(after).endswith(verdict), after.explain()


MIRROR = {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
          "metadata": {"name": "mirror", "namespace": "gateway-conformance-infra",
                       "creationTimestamp": "2025-01-01T00:00:00Z", "generation": 1},
          "spec": {"parentRefs": [{"name": "same-namespace"}], "hostnames": ["mirror.example"], "rules": [{
              "filters": [{"type": "RequestMirror", "requestMirror": {
                  "backendRef": {"name": "infra-backend-v2", "port": 8080}, "percent": 40}}],
              "backendRefs": [{"name": "infra-backend-v1", "port": 8080, "weight": 1},
                              {"name": "infra-backend-v3", "port": 8080, "weight": 3}]}]}}


@pytest.mark.parametrize("host,path", [
    pytest.param("mirror.example", "/", id="httproute-request-percentage-mirror: the filter draws, then the weights"),
    pytest.param("weight.example", "/", id="conformance httproute-weight: only the weights draw"),
])
def test_index_draws_as_route_compiled(scenario, host, path):
    """The index remembers a request's match: its draws from rng (a mirror's percentage, then
    the weight) must still come in route_compiled's order, so the same seed picks the same."""
    sc = scenario("backends.yaml")
    sc.objects["HTTPRoute"].append(MIRROR)
    index = compile_http(sc.kind("Gateway"), sc.kind("HTTPRoute"), sc.kind("Service"), sc.kind("ReferenceGrant"),
                         sc.kind("Namespace"), gateway="gateway-conformance-infra/same-namespace",
                         gateway_classes=sc.kind("GatewayClass"))
    a, b = random.Random(5), random.Random(5)
    got = [index.route(port=80, host=host, path=path, rng=a) for _ in range(40)]
    want = [route_compiled(index, port=80, host=host, path=path, rng=b) for _ in range(40)]
    assert [(_fields(d), d.explain()) for d in got] == [(_fields(d), d.explain()) for d in want]
    assert a.getstate() == b.getstate()
    assert len({str(d.backend) for d in got}) == 2  # both backendRefs with a weight were drawn
