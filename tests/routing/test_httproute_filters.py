"""HTTPRoute filters and backends, ported from Gateway API conformance tests
(conformance/tests/<name>.go; each row is one ExpectedResponse)."""
from __future__ import annotations

import collections

import pytest

INFRA = "gateway-conformance-infra"

REDIRECTS = [
    # httproute-redirect-path
    ("same-namespace", 80, "http", None, "/original-prefix/lemon", 302, "http://{host}/replacement-prefix/lemon"),
    ("same-namespace", 80, "http", None, "/full/path/original", 302, "http://{host}/full-path-replacement"),
    ("same-namespace", 80, "http", None, "/path-and-host", 302, "http://example.org/replacement-prefix"),
    ("same-namespace", 80, "http", None, "/path-and-status", 301, "http://{host}/replacement-prefix"),
    # httproute-redirect-port-and-scheme, listener on port 80
    ("same-namespace", 80, "http", None, "/scheme-nil-and-port-nil", 302, "http://example.org/scheme-nil-and-port-nil"),
    ("same-namespace", 80, "http", None, "/scheme-nil-and-port-8080", 302,
     "http://example.org:8080/scheme-nil-and-port-8080"),
    ("same-namespace", 80, "http", None, "/scheme-https-and-port-nil", 302,
     "https://example.org/scheme-https-and-port-nil"),
    ("same-namespace", 80, "http", None, "/scheme-https-and-port-443", 302,
     "https://example.org/scheme-https-and-port-443"),
    ("same-namespace", 80, "http", None, "/scheme-https-and-port-8443", 302,
     "https://example.org:8443/scheme-https-and-port-8443"),
    # httproute-308-redirect (Extended), query string kept
    ("same-namespace", 80, "http", "shop.example:80", "/status-308?a=b", 308, "https://shop.example/status-308?a=b"),
    # httproute-redirect-port-and-scheme, listener on port 8080
    ("same-namespace-with-http-listener-on-8080", 8080, "http", None, "/scheme-nil-and-port-nil", 302,
     "http://example.org:8080/scheme-nil-and-port-nil"),
    ("same-namespace-with-http-listener-on-8080", 8080, "http", None, "/scheme-nil-and-port-80", 302,
     "http://example.org/scheme-nil-and-port-80"),
    ("same-namespace-with-http-listener-on-8080", 8080, "http", None, "/scheme-https-and-port-nil", 302,
     "https://example.org/scheme-https-and-port-nil"),
    # httproute-redirect-port-and-scheme, HTTPS listener on 443
    ("same-namespace-with-https-listener", 443, "https", "example.org", "/scheme-nil-and-port-nil", 302,
     "https://example.org/scheme-nil-and-port-nil"),
    ("same-namespace-with-https-listener", 443, "https", "example.org", "/scheme-nil-and-port-8443", 302,
     "https://example.org:8443/scheme-nil-and-port-8443"),
    ("same-namespace-with-https-listener", 443, "https", "example.org", "/scheme-http-and-port-nil", 302,
     "http://example.org/scheme-http-and-port-nil"),
    ("same-namespace-with-https-listener", 443, "https", "example.org", "/scheme-http-and-port-8080", 302,
     "http://example.org:8080/scheme-http-and-port-8080"),
]


@pytest.mark.parametrize("gw,port,scheme,host,path,status,location", REDIRECTS,
                         ids=[f"{r[0]}:{r[1]} {r[4]}" for r in REDIRECTS])
def test_request_redirect_location(scenario, gw, port, scheme, host, path, status, location):
    host = host or "gw.example"
    d = scenario("redirects.yaml").request(f"{INFRA}/{gw}", port=port, scheme=scheme, host=host, path=path)
    assert d.status == status, d.explain()
    assert dict(d.headers)["Location"] == location.format(host=host.split(":")[0])


REWRITES = [
    # httproute-rewrite-path
    (None, "/prefix/one/two", None, "/one/two"),
    (None, "/strip-prefix/three", None, "/three"),
    (None, "/strip-prefix", None, "/"),
    (None, "/full/one/two", None, "/one"),
    (None, "/full/rewrite-path-and-modify-headers/test", None, "/test"),
    # httproute-rewrite-host
    ("rewrite.example", "/one", "one.example.org", "/one"),
    ("rewrite.example", "/two", "example.org", "/two"),
]


@pytest.mark.parametrize("host,path,want_host,want_path", REWRITES, ids=[f"{r[0] or ''}{r[1]}" for r in REWRITES])
def test_url_rewrite(scenario, host, path, want_host, want_path):
    d = scenario("rewrites-and-headers.yaml").request(host=host or "any.example", path=path)
    assert d.status is None and d.path == want_path, d.explain()
    assert d.host == (want_host or "any.example")


REQUEST_HEADERS = [
    # httproute-request-header-modifier
    ("/set", {"Some-Other-Header": "val"}, {"Some-Other-Header": "val", "X-Header-Set": "set-overwrites-values"}),
    ("/set", {"X-Header-Set": "some-other-value"}, {"X-Header-Set": "set-overwrites-values"}),
    ("/add", {"Some-Other-Header": "val"}, {"Some-Other-Header": "val", "X-Header-Add": "add-appends-values"}),
    ("/add", {"X-Header-Add": "some-other-value"}, {"X-Header-Add": "some-other-value,add-appends-values"}),
    ("/remove", {"X-Header-Remove": "val"}, {}),
    ("/remove", {"x-header-remove": "val", "Keep": "1"}, {"Keep": "1"}),
    # httproute-rewrite-path "rewrite-path-and-modify-headers"
    ("/full/rewrite-path-and-modify-headers/test",
     {"X-Header-Remove": "remove-val", "X-Header-Add-Append": "append-val-1", "X-Header-Set": "set-val"},
     {"X-Header-Add-Append": "append-val-1,header-val-2", "X-Header-Set": "set-overwrites-values",
      "X-Header-Add": "header-val-1"}),
]


@pytest.mark.parametrize("path,headers,want", REQUEST_HEADERS, ids=[f"{p} {h}" for p, h, _ in REQUEST_HEADERS])
def test_request_header_modifier(scenario, path, headers, want):
    host = "any.example" if path.startswith("/full") else "headers.example"
    d = scenario("rewrites-and-headers.yaml").request(host=host, path=path, headers=headers)
    assert dict(d.request_headers) == want, d.explain()


def test_response_header_modifier(scenario):
    """httproute-response-header-modifier: set/add/remove on the backend's response."""
    d = scenario("rewrites-and-headers.yaml").request(host="headers.example", path="/response")
    backend_answer = {"X-Header-Set": "backend", "X-Header-Add": "backend", "X-Header-Remove": "x", "Other": "o"}
    assert d.response_header_modifier.apply(backend_answer) == {
        "X-Header-Set": "set-overwrites-values", "X-Header-Add": "backend,header-val-1", "Other": "o"}


def test_weights_are_proportional(scenario):
    """httproute-weight: 70/30/0 split; weight 0 never chosen. Fixed seeds, so exact counts."""
    s = scenario("backends.yaml")
    counts = collections.Counter(s.request(host="weight.example", path="/", seed=i).backend.name for i in range(2000))
    assert set(counts) == {"infra-backend-v1", "infra-backend-v2"}
    assert abs(counts["infra-backend-v1"] / 2000 - 0.7) < 0.03, counts


def test_same_seed_same_choice(scenario):
    s = scenario("backends.yaml")
    assert [s.request(host="weight.example", seed=7).backend.name for _ in range(3)] == \
        [s.request(host="weight.example", seed=7).backend.name] * 3


BACKENDS = [
    ("reference-grant: cross-namespace Service allowed by grant", "grant.example", None, "web-backend"),
    ("invalid-cross-namespace-backend-ref: no grant -> 500", "nogrant.example", 500, None),
    ("invalid-nonexistent-backendref -> 500", "nonexistent.example", 500, None),
    ("invalid-backendref-unknown-kind -> 500", "unknownkind.example", 500, None),
    ("omitted-backendrefs -> 500", "omitted.example", 500, None),
    ("all weights 0 -> 500", "zero.example", 500, None),
    ("no route for host -> 404", "nobody.example", 404, None),
]


@pytest.mark.parametrize("host,status,backend", [r[1:] for r in BACKENDS], ids=[r[0] for r in BACKENDS])
def test_backend_resolution_status(scenario, host, status, backend):
    d = scenario("backends.yaml").request(host=host, path="/")
    assert d.status == status, d.explain()
    if backend:
        assert d.backend.name == backend and d.backend.namespace == "gateway-conformance-web-backend"


def test_no_listener_on_port_is_connection_refused(scenario):
    d = scenario("matching.yaml").request(port=8081, path="/")
    assert d.status is None and d.error == "connection refused"


def test_gateway_of_another_controller_serves_nothing(scenario):
    d = scenario("status.yaml").request(f"{INFRA}/other-controller", path="/")
    assert d.error == "connection refused"
