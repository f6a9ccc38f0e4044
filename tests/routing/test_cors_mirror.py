"""The CORS and RequestMirror filters of HTTPRoute (Extended; gateway-api v1.6.1
``apis/v1/httproute_types.go`` HTTPCORSFilter, HTTPRequestMirrorFilter): each row is one
ExpectedResponse of conformance/tests/httproute-cors.go, or a check of
httproute-request-mirror / -multiple-mirrors / -percentage-mirror, end to end through the API
server, the controller and the data path."""
from __future__ import annotations

import json

import pytest

from .conftest import NS, gateway_cluster, infra

# conformance/tests/httproute-cors.yaml (two of its routes) and httproute-request-mirror.yaml
SCENARIO = infra("infra-backend-v1", "infra-backend-v2", "infra-backend-v3") + f"""---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {{name: cors-multiple-origins-methods-headers, namespace: {NS}}}
spec:
  parentRefs: [{{name: same-namespace}}]
  rules:
  - filters:
    - type: CORS
      cors:
        allowOrigins: ["https://www.foo.com", "https://*.bar.com"]
        allowMethods: [GET, OPTIONS]
        allowHeaders: [x-header-1, x-header-2]
        exposeHeaders: [x-header-3, x-header-4]
        allowCredentials: true
        maxAge: 3600
    matches: [{{path: {{type: PathPrefix, value: /cors-1}}}}]
    backendRefs: [{{name: infra-backend-v1, port: 8080}}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {{name: cors-wildcard-methods, namespace: {NS}}}
spec:
  parentRefs: [{{name: same-namespace}}]
  rules:
  - filters: [{{type: CORS, cors: {{allowOrigins: ["https://www.foo.com"], allowMethods: ["*"]}}}}]
    matches: [{{path: {{type: PathPrefix, value: /cors-2}}}}]
    backendRefs: [{{name: infra-backend-v1, port: 8080}}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {{name: cors-wildcard-methods-headers, namespace: {NS}}}
spec:
  parentRefs: [{{name: same-namespace}}]
  rules:
  - filters: [{{type: CORS, cors: {{allowOrigins: ["*"], allowMethods: ["*"], allowHeaders: ["*"], allowCredentials: true}}}}]
    matches: [{{path: {{type: PathPrefix, value: /cors-wildcard-methods-headers}}}}]
    backendRefs: [{{name: infra-backend-v1, port: 8080}}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {{name: request-mirror, namespace: {NS}}}
spec:
  parentRefs: [{{name: same-namespace}}]
  rules:
  - matches: [{{path: {{type: PathPrefix, value: /mirror}}}}]
    filters:
    - type: RequestMirror
      requestMirror: {{backendRef: {{name: infra-backend-v2, namespace: {NS}, port: 8080}}}}
    backendRefs: [{{name: infra-backend-v1, port: 8080, namespace: {NS}}}]
  - matches: [{{path: {{type: PathPrefix, value: /multi-mirror}}}}]
    filters:
    - type: RequestMirror
      requestMirror: {{backendRef: {{name: infra-backend-v2, port: 8080}}}}
    - type: RequestMirror
      requestMirror: {{backendRef: {{name: infra-backend-v3, port: 8080}}}}
    backendRefs: [{{name: infra-backend-v1, port: 8080}}]
  - matches: [{{path: {{type: PathPrefix, value: /percent-mirror}}}}]
    filters:
    - type: RequestMirror
      requestMirror: {{backendRef: {{name: infra-backend-v2, port: 8080}}, percent: 20}}
    backendRefs: [{{name: infra-backend-v1, port: 8080}}]
"""

PREFLIGHT = {"Origin": "https://www.foo.com", "access-control-request-method": "GET",
             "access-control-request-headers": "x-header-1, x-header-2"}


@pytest.fixture(scope="module")
def cluster():
    return gateway_cluster(SCENARIO, seed=21)


def _lower(headers: dict) -> dict:
    return {k.lower(): v for k, v in headers.items()}


CORS_ROWS = [
    # (httproute-cors.go TestCaseName, path, method, request headers, status, headers wanted, headers absent)
    ("CORS preflight request from an exact matching origin should be allowed", "/cors-1", "OPTIONS", PREFLIGHT, 200,
     {"access-control-allow-origin": "https://www.foo.com", "access-control-allow-methods": "GET, OPTIONS",
      "access-control-allow-headers": "x-header-1, x-header-2", "access-control-expose-headers": "x-header-3, x-header-4",
      "access-control-max-age": "3600", "access-control-allow-credentials": "true"}, ()),
    ("CORS preflight request from a wildcard matching origin should be allowed", "/cors-1", "OPTIONS",
     {**PREFLIGHT, "Origin": "https://www.bar.com"}, 200, {"access-control-allow-origin": "https://www.bar.com"}, ()),
    ("CORS preflight request from a wildcard matching any number of periods left to '*' should be allowed", "/cors-1",
     "OPTIONS", {**PREFLIGHT, "Origin": "https://xpto.www.bar.com"}, 200,
     {"access-control-allow-origin": "https://xpto.www.bar.com"}, ()),
    ("CORS preflight request from a non-matching origin should not be allowed", "/cors-1", "OPTIONS",
     {"Origin": "https://foobar.com", "access-control-request-method": "GET"}, 200, {},
     ("access-control-allow-origin",)),
    ("Simple request from an exact matching origin should be allowed", "/cors-1", "GET", PREFLIGHT, 200,
     {"access-control-allow-origin": "https://www.foo.com"}, ()),
    ("Simple request from a non-matching origin should not be allowed", "/cors-1", "GET",
     {"Origin": "https://foobar.com", "access-control-request-method": "GET"}, 200, {}, ("access-control-allow-origin",)),
    ("CORS preflight request with POST method should be allowed by allowMethods with wildcard", "/cors-2", "OPTIONS",
     {"Origin": "https://www.foo.com", "access-control-request-method": "POST"}, 200,
     {"access-control-allow-origin": "https://www.foo.com", "access-control-allow-methods": "POST"},
     ("access-control-allow-credentials",)),
    ("CORS preflight request requesting specific method and headers should be allowed and always echo the origin "
     "with allowCredentials set to true", "/cors-wildcard-methods-headers", "OPTIONS",
     {"Origin": "https://other.foo.com", "access-control-request-method": "PUT",
      "access-control-request-headers": "x-header-1, x-header-2"}, 200,
     {"access-control-allow-origin": "https://other.foo.com", "access-control-allow-methods": "PUT",
      "access-control-allow-headers": "x-header-1, x-header-2", "access-control-allow-credentials": "true"}, ()),
    ("CORS request should receive access-control-allow-credentials header with allowCredentials set to true",
     "/cors-wildcard-methods-headers", "GET", {"Origin": "https://other.foo.com"}, 200,
     {"access-control-allow-origin": "https://other.foo.com", "access-control-allow-credentials": "true"}, ()),
]


@pytest.mark.parametrize("path,method,headers,status,want,absent", [r[1:] for r in CORS_ROWS],
                         ids=[r[0] for r in CORS_ROWS])
def test_cors(cluster, path, method, headers, status, want, absent):
    r = cluster.request(f"http://{_gw(cluster)}{path}", method=method, headers=headers, from_internet=True)
    got = _lower(r.headers)
    assert r.status == status, r.explain()
    assert {k: got.get(k) for k in want} == want
    assert not any(k in got for k in absent)
    if method == "OPTIONS":  # the preflight never reaches the backend: the Gateway answers it
        assert r.pod is None and r.body == ""
    else:
        assert r.pod is not None and r.pod.startswith(f"{NS}/infra-backend-v1")


def _gw(cluster) -> str:
    return cluster.get("gateway", "same-namespace", NS)["status"]["addresses"][0]["value"]


def _mirror_lines(cluster, backend: str, path: str) -> int:
    logs = cluster.kubectl(f"logs -n {NS} deploy/{backend}")
    return sum(1 for line in logs.splitlines() if f"Echoing back request made to {path} " in line)


def test_request_mirror(cluster):
    """httproute-request-mirror: the client gets infra-backend-v1's answer; infra-backend-v2's
    logs show the mirrored request (conformance/utils/http/mirror.go reads them)."""
    before = _mirror_lines(cluster, "infra-backend-v2", "/mirror")
    r = cluster.request(f"http://{_gw(cluster)}/mirror", from_internet=True)
    assert r.status == 200 and json.loads(r.body)["pod"].startswith("infra-backend-v1")
    assert _mirror_lines(cluster, "infra-backend-v2", "/mirror") == before + 1
    assert any("mirrors a copy to gateway-conformance-infra/infra-backend-v2:8080" in h.action for h in r.hops)


def test_request_multiple_mirrors(cluster):
    """httproute-request-multiple-mirrors: each RequestMirror filter gets its own copy."""
    before = [_mirror_lines(cluster, b, "/multi-mirror") for b in ("infra-backend-v2", "infra-backend-v3")]
    r = cluster.request(f"http://{_gw(cluster)}/multi-mirror", from_internet=True)
    assert r.status == 200
    assert [_mirror_lines(cluster, b, "/multi-mirror") for b in ("infra-backend-v2", "infra-backend-v3")] == \
        [n + 1 for n in before]


def test_request_percentage_mirror(cluster):
    """httproute-request-percentage-mirror: percent 20 mirrors about a fifth of the requests."""
    before = _mirror_lines(cluster, "infra-backend-v2", "/percent-mirror")
    for _ in range(200):
        assert cluster.request(f"http://{_gw(cluster)}/percent-mirror", from_internet=True).status == 200
    share = (_mirror_lines(cluster, "infra-backend-v2", "/percent-mirror") - before) / 200
    assert 0.1 < share < 0.3


def test_cors_and_mirror_routes_accepted(cluster):
    """CORS and RequestMirror are implemented: the routes are Accepted (no UnsupportedValue)."""
    for name in ("cors-multiple-origins-methods-headers", "request-mirror"):
        (p,) = cluster.get("httproute", name, NS)["status"]["parents"]
        assert {c["type"]: c["reason"] for c in p["conditions"]}["Accepted"] == "Accepted"
