"""Hostname, path and header primitives shared by the routing engines."""
from __future__ import annotations

import dataclasses

import pytest

from k8snet.routing.filters import HeaderModifier
from k8snet.routing.hostnames import gateway_host_matches, intersect, listener_specificity, request_host
from k8snet.routing.paths import prefix_matches, replace_prefix
from k8snet.routing.types import PathMatchType

# httproute_types.go HTTPPathModifier.ReplacePrefixMatch table, row for row.
REPLACE_PREFIX = [
    ("/foo/bar", "/foo", "/xyz", "/xyz/bar"), ("/foo/bar", "/foo", "/xyz/", "/xyz/bar"),
    ("/foo/bar", "/foo/", "/xyz", "/xyz/bar"), ("/foo/bar", "/foo/", "/xyz/", "/xyz/bar"),
    ("/foo", "/foo", "/xyz", "/xyz"), ("/foo/", "/foo", "/xyz", "/xyz/"), ("/foo/bar", "/foo", "", "/bar"),
    ("/foo/", "/foo", "", "/"), ("/foo", "/foo", "", "/"), ("/foo/", "/foo", "/", "/"), ("/foo", "/foo", "/", "/"),
]


@pytest.mark.parametrize("path,prefix,replacement,want", REPLACE_PREFIX,
                         ids=[f"{p} {x} {r!r}" for p, x, r, _ in REPLACE_PREFIX])
def test_replace_prefix_match_table(path, prefix, replacement, want):
    assert replace_prefix(path, prefix, replacement) == want


PREFIX = [  # httproute_types.go PathMatchPathPrefix: /abc matches /abc, /abc/, /abc/def, not /abcd
    ("/abc", "/abc", True), ("/abc", "/abc/", True), ("/abc", "/abc/def", True), ("/abc", "/abcd", False),
    ("/abc/", "/abc", True), ("/", "/anything", True),
]


@pytest.mark.parametrize("prefix,path,want", PREFIX, ids=[f"{a} ~ {b}" for a, b, _ in PREFIX])
def test_prefix_matches(prefix, path, want):
    assert prefix_matches(prefix, path) is want


INTERSECT = [  # httproute_types.go Hostnames examples
    ("test.example.com", "test.example.com", "test.example.com"),
    ("test.example.com", "*.example.com", "test.example.com"),
    ("*.example.com", "*.example.com", "*.example.com"),
    ("*.example.com", "test.example.com", "test.example.com"),
    ("*.example.com", "foo.test.example.com", "foo.test.example.com"),
    ("*.example.com", "example.com", None),
    ("*.example.com", "test.example.net", None),
    (None, "anything.example", "anything.example"),
    ("*.example.com", "*.foo.example.com", "*.foo.example.com"),
]


@pytest.mark.parametrize("listener,route,want", INTERSECT, ids=[f"{a} & {b}" for a, b, _ in INTERSECT])
def test_hostname_intersection(listener, route, want):
    assert intersect(listener, route) == want


def test_gateway_wildcard_is_a_suffix_match():
    assert gateway_host_matches("*.example.com", "foo.bar.example.com")
    assert not gateway_host_matches("*.example.com", "example.com")


def test_listener_specificity_orders_exact_wildcards_then_empty():
    """gateway_types.go: foo.example.com > *.foo.example.com > *.example.com > ''."""
    names = ["", "*.example.com", "foo.example.com", "*.foo.example.com"]
    assert sorted(names, key=listener_specificity, reverse=True) == \
        ["foo.example.com", "*.foo.example.com", "*.example.com", ""]


def test_request_host_drops_port_and_case():
    assert request_host("Very.Specific.com:1234") == "very.specific.com"
    assert request_host("[::1]:80") == "[::1]"


def test_header_modifier_is_case_insensitive_and_pure():
    before = {"x-a": "1"}
    after = HeaderModifier(set=(("X-A", "2"),), add=(("X-B", "3"),), remove=("x-missing",)).apply(before)
    assert after == {"X-A": "2", "X-B": "3"} and before == {"x-a": "1"}


def test_records_are_frozen():
    m = HeaderModifier()
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.set = ()  # type: ignore[misc]
    assert PathMatchType("PathPrefix") is PathMatchType.PATH_PREFIX and str(PathMatchType.EXACT) == "Exact"


def test_engines_do_not_mutate_inputs(scenario):
    """ARCHITECTURE.md convention 2: engines are pure; the same call gives the same answer."""
    import copy

    from k8snet.routing import gateway_status, route_status

    s = scenario("rewrites-and-headers.yaml")
    before = copy.deepcopy(s.objects)
    first = s.request(host="headers.example", path="/add", headers={"X-Header-Add": "v"})
    gateway_status(s.get("Gateway", "gateway-conformance-infra/same-namespace"), s.kind("GatewayClass"),
                   s.kind("HTTPRoute"), s.kind("Namespace"), addresses=("192.0.2.1",))
    route_status(s.get("HTTPRoute", "gateway-conformance-infra/rewrite-path"), s.kind("Gateway"),
                 s.kind("GatewayClass"), s.kind("Service"), [], s.kind("Namespace"))
    assert s.objects == before
    assert s.request(host="headers.example", path="/add", headers={"X-Header-Add": "v"}) == first
