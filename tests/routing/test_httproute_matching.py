"""HTTPRoute matching and precedence, ported from Gateway API conformance tests.

Each table row is one ``http.ExpectedResponse`` of the named conformance test
(kubernetes-sigs/gateway-api conformance/tests/<name>.go): request -> backend or status.
"""
from __future__ import annotations

import pytest

V1, V2, V3 = "infra-backend-v1", "infra-backend-v2", "infra-backend-v3"


def check(decision, want):
    if isinstance(want, int):
        assert decision.status == want, decision.explain()
    else:
        assert decision.status is None and decision.backend.name == want, decision.explain()


MATCHING = [  # httproute-matching
    ("/", {}, V1), ("/example", {}, V1), ("/", {"Version": "one"}, V1), ("/v2", {}, V2),
    ("/v2/example", {}, V2), ("/", {"Version": "two"}, V2), ("/v2/", {}, V2),
    ("/v2example", {}, V1), ("/foo/v2/example", {}, V1),
]


@pytest.mark.parametrize("path,headers,want", MATCHING, ids=[f"httproute-matching {p} {h}" for p, h, _ in MATCHING])
def test_httproute_matching(scenario, path, headers, want):
    check(scenario("matching.yaml").request(path=path, headers=headers), want)


ACROSS = [  # httproute-matching-across-routes
    ("example.com", "/", {}, V1), ("example.com", "/example", {}, V1), ("example.net", "/example", {}, V1),
    ("example.com", "/example", {"Version": "one"}, V1), ("example.com", "/v2", {}, V2),
    ("example.net", "/v2", {}, V1), ("example.com", "/v2/example", {}, V2),
    ("example.com", "/", {"Version": "two"}, V2),
]


@pytest.mark.parametrize("host,path,headers,want", ACROSS,
                         ids=[f"httproute-matching-across-routes {h}{p} {hd}" for h, p, hd, _ in ACROSS])
def test_httproute_matching_across_routes(scenario, host, path, headers, want):
    check(scenario("matching-across-routes.yaml").request(host=host, path=path, headers=headers), want)


HOSTS = [  # httproute-hostname-intersection
    ("very.specific.com", "/s1", V1), ("very.specific.com:1234", "/s1", V1), ("non.matching.com", "/s1", 404),
    ("foo.nonmatchingwildcard.io", "/s1", 404), ("foo.wildcard.io", "/s1", 404),
    ("very.specific.com", "/non-matching-prefix", 404),
    ("foo.wildcard.io", "/s2", V2), ("bar.wildcard.io", "/s2", V2), ("foo.bar.wildcard.io", "/s2", V2),
    ("non.matching.com", "/s2", 404), ("wildcard.io", "/s2", 404), ("very.specific.com", "/s2", 404),
    ("foo.wildcard.io", "/non-matching-prefix", 404),
    ("very.specific.com", "/s3", V3), ("non.matching.com", "/s3", 404), ("foo.specific.com", "/s3", 404),
    ("foo.wildcard.io", "/s3", 404), ("very.specific.com", "/non-matching-prefix", 404),
    ("foo.anotherwildcard.io", "/s4", V1), ("bar.anotherwildcard.io", "/s4", V1),
    ("foo.bar.anotherwildcard.io", "/s4", V1), ("anotherwildcard.io", "/s4", 404), ("foo.wildcard.io", "/s4", 404),
    ("very.specific.com", "/s4", 404), ("foo.anotherwildcard.io", "/non-matching-prefix", 404),
    ("specific.but.wrong.com", "/s5", 404), ("wildcard.io", "/s5", 404),
]


@pytest.mark.parametrize("host,path,want", HOSTS, ids=[f"httproute-hostname-intersection {h}{p}" for h, p, _ in HOSTS])
def test_httproute_hostname_intersection(scenario, host, path, want):
    s = scenario("hostname-intersection.yaml")
    check(s.request("gateway-conformance-infra/httproute-hostname-intersection", host=host, path=path), want)


HEADERS = [  # httproute-header-matching (+ one RegularExpression row, Extended support)
    ({"Version": "one"}, V1), ({"Version": "two"}, V2), ({"Version": "two", "Color": "orange"}, V1),
    ({"Version": "two", "Color": "blue"}, V2), ({"Color": "orange"}, 404), ({"Some-Other-Header": "one"}, 404),
    ({"Color": "blue"}, V1), ({"Color": "green"}, V1), ({"Color": "red"}, V2), ({"Color": "yellow"}, V2),
    ({"Color": "purple"}, 404), ({"VERSION": "one"}, V1), ({"build": "v1.2"}, V3), ({"build": "v1.2-rc"}, 404),
]


@pytest.mark.parametrize("headers,want", HEADERS, ids=[f"httproute-header-matching {h}" for h, _ in HEADERS])
def test_httproute_header_matching(scenario, headers, want):
    check(scenario("header-query-method.yaml").request("gateway-conformance-infra/headers", path="/", headers=headers), want)


QUERIES = [  # httproute-query-param-matching
    ("/?animal=whale", {}, V1), ("/?animal=dolphin", {}, V2), ("/?animal=dolphin&color=blue", {}, V3),
    ("/?ANIMAL=Whale", {}, V3), ("/?animal=whale&otherparam=irrelevant", {}, V1),
    ("/?animal=dolphin&color=yellow", {}, V2), ("/?color=blue", {}, 404), ("/?animal=dog", {}, 404),
    ("/?animal=whaledolphin", {}, 404), ("/", {}, 404), ("/path1?animal=whale", {}, V1),
    ("/?animal=whale", {"version": "one"}, V2), ("/path2?animal=whale", {"version": "two"}, V3),
    ("/path3?animal=shark", {}, V1), ("/path4?animal=kraken", {"version": "three"}, V1),
    ("/?animal=shark", {}, 404), ("/path4?animal=kraken", {}, 404), ("/path5?animal=hydra", {}, V1),
    ("/?animal=hydra", {"version": "four"}, V3),
]


@pytest.mark.parametrize("path,headers,want", QUERIES, ids=[f"httproute-query-param-matching {p} {h}" for p, h, _ in QUERIES])
def test_httproute_query_param_matching(scenario, path, headers, want):
    check(scenario("header-query-method.yaml").request("gateway-conformance-infra/queries", path=path, headers=headers), want)


METHODS = [  # httproute-method-matching
    ("POST", "/", {}, V1), ("GET", "/", {}, V2), ("HEAD", "/", {}, 404), ("GET", "/path1", {}, V1),
    ("PUT", "/", {"version": "one"}, V2), ("POST", "/path2", {"version": "two"}, V3),
    ("PATCH", "/path3", {}, V1), ("DELETE", "/path4", {"version": "three"}, V1), ("PUT", "/", {}, 404),
    ("DELETE", "/path4", {}, 404), ("PATCH", "/path5", {}, V1), ("PATCH", "/", {"version": "four"}, V2),
]


@pytest.mark.parametrize("method,path,headers,want", METHODS,
                         ids=[f"httproute-method-matching {m} {p} {h}" for m, p, h, _ in METHODS])
def test_httproute_method_matching(scenario, method, path, headers, want):
    s = scenario("header-query-method.yaml")
    check(s.request("gateway-conformance-infra/methods", method=method, path=path, headers=headers), want)


ORDER = [  # httproute-path-match-order (+ RegularExpression rows)
    ("/match/exact/one", V3), ("/match/exact", V2), ("/match", V1), ("/match/prefix/one/any", V2),
    ("/match/prefix/any", V1), ("/match/any", V3), ("/regex/123", V2), ("/regex/12a", 404),
]


@pytest.mark.parametrize("path,want", ORDER, ids=[f"httproute-path-match-order {p}" for p, _ in ORDER])
def test_httproute_path_match_order(scenario, path, want):
    check(scenario("path-match-order.yaml").request(path=path), want)


def test_ties_go_to_the_oldest_route_then_by_name(scenario):
    """httproute_types.go Matches: equal matches across routes -> oldest creationTimestamp,
    then "{namespace}/{name}" alphabetically."""
    s = scenario("matching-across-routes.yaml")
    part1, part2 = s.get("HTTPRoute", "gateway-conformance-infra/matching-part1"), s.get(
        "HTTPRoute", "gateway-conformance-infra/matching-part2")
    part2["spec"]["rules"][0]["matches"] = [{"path": {"type": "PathPrefix", "value": "/"}}]
    part2["spec"]["hostnames"] = ["example.com", "example.net"]
    assert s.request(host="example.com", path="/x").route.endswith("/matching-part1")
    part1["metadata"]["creationTimestamp"] = "2025-02-01T00:00:00Z"
    d = s.request(host="example.com", path="/x")
    assert d.route.endswith("/matching-part2"), d.explain()


def test_explanation_lists_every_match_and_the_winner(scenario, golden):
    d = scenario("matching.yaml").request(path="/v2/x", headers={"Version": "one"})
    golden("routing", "httproute-matching.explain.txt", d.explain() + "\n")


def _with_bad_regex(scenario):
    s = scenario("path-match-order.yaml")
    route = s.get("HTTPRoute", "gateway-conformance-infra/path-matching-order")
    route["spec"]["rules"].append({"matches": [{"path": {"type": "RegularExpression", "value": "/bad/(["}}],
                                   "backendRefs": [{"name": "infra-backend-v1", "port": 8080}]})
    return s


BAD_REGEX = [  # httproute_types.go: RegularExpression support is implementation-specific
    ("/bad/([", 404, "an unparsable regex never matches, even its own text"),
    ("/regex/123", V2, "the other rules of the route still route"),
]


@pytest.mark.parametrize("path,want,why", BAD_REGEX, ids=[w for *_, w in BAD_REGEX])
def test_invalid_regular_expression_matches_nothing(scenario, path, want, why):
    d = _with_bad_regex(scenario).request(path=path)
    check(d, want)
    if want == 404:
        assert "not a valid regular expression" in d.explain()


def test_repeated_requests_through_one_index_decide_as_fresh_ones(scenario):
    """The index remembers per Host which listener and routes apply; a second request with
    another path must still be decided from the rules, as a freshly compiled index does."""
    from k8snet.routing.httpindex import compile_http
    s = scenario("path-match-order.yaml")
    index = compile_http(s.kind("Gateway"), s.kind("HTTPRoute"), s.kind("Service"), s.kind("ReferenceGrant"),
                         s.kind("Namespace"), gateway="gateway-conformance-infra/same-namespace",
                         gateway_classes=s.kind("GatewayClass"))
    import random
    for path, want in ORDER:
        check(index.route(port=80, path=path, rng=random.Random(0)), want)
    assert len(index.by_request) == 1  # one Host, one port: one remembered listener choice
