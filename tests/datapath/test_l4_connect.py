"""L4 traffic through a Gateway (``Cluster.connect``, and ``request()`` for HTTPS on a TLS
listener): each row is one check of the gateway-api v1.6.1 conformance test it names
(conformance/tests/<name>.go), run against the scenario tests/manifests/routing/l4traffic.yaml
with echo-basic's TCP and UDP servers (conformance/echo-basic tcpserver.go, udpechoserver.go)."""
from __future__ import annotations

import collections
import json

import pytest

from k8snet import Cluster

from ..routing.conftest import ECHO, MANIFESTS

NS = "gateway-conformance-infra"
WEB = "gateway-conformance-web-backend"


def _tcp_backend(name: str, namespace: str = NS, tls: bool = True) -> str:
    tls_env = ('{name: TLS_SERVER_CERT, value: /etc/tls/tls.crt}, {name: TLS_SERVER_PRIV_KEY, value: /etc/tls/tls.key}, '
               if tls else "")
    return f"""
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, namespace: {namespace}}}
spec:
  replicas: 1
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      containers:
      - name: tcp-backend
        image: "{ECHO}"
        env: [{tls_env}{{name: TCP_ECHO_SERVER, value: "1"}}, {{name: SERVICE_NAME, value: {name}}}]
        ports: [{{containerPort: 3000}}, {{containerPort: 8443}}]
---
apiVersion: v1
kind: Service
metadata: {{name: {name}, namespace: {namespace}}}
spec: {{selector: {{app: {name}}}, ports: [{{name: tcp, port: 3000}}, {{name: tls, port: 8443}}]}}
"""


UDP_BACKEND = f"""
apiVersion: apps/v1
kind: Deployment
metadata: {{name: udp-backend, namespace: {NS}}}
spec:
  replicas: 1
  selector: {{matchLabels: {{app: udp-backend}}}}
  template:
    metadata: {{labels: {{app: udp-backend}}}}
    spec:
      containers:
      - name: udp-backend
        image: "{ECHO}"
        env: [{{name: UDP_ECHO_SERVER, value: "1"}}, {{name: SERVICE_NAME, value: udp-backend}}]
        ports: [{{containerPort: 8080, protocol: UDP}}]
---
apiVersion: v1
kind: Service
metadata: {{name: udp-backend, namespace: {NS}}}
spec: {{selector: {{app: udp-backend}}, ports: [{{port: 8080, protocol: UDP}}]}}
"""


@pytest.fixture(scope="module")
def cluster():
    return _scenario()


def _scenario():
    c = Cluster(nodes=3, addons=["gateway"], cloud="gcp", seed=5)
    c.apply((MANIFESTS / "l4traffic.yaml").read_text().split("---\napiVersion: gateway")[0])
    for name in ("tcp-backend", "tcp-backend-v2", "tcp-backend-v3"):
        c.apply(_tcp_backend(name))
    c.apply(_tcp_backend("tcp-reference-grant-backend", WEB, tls=False))
    c.apply(UDP_BACKEND)
    c.apply((MANIFESTS / "l4traffic.yaml").read_text())
    c.advance(30)
    # tcproute-multiple-routes-attachment: the newer route arrives a second later
    c.apply(f"""
apiVersion: gateway.networking.k8s.io/v1
kind: TCPRoute
metadata: {{name: tcproute-attach-newer, namespace: {NS}}}
spec:
  parentRefs: [{{name: gateway-l4, sectionName: tcp}}]
  rules: [{{backendRefs: [{{name: tcp-backend-v3, port: 3000}}]}}]
""")
    c.advance(5)
    return c


def _gw(cluster) -> str:
    return cluster.get("gateway", "gateway-l4", NS)["status"]["addresses"][0]["value"]


def _assertions(body: str) -> dict:
    return json.loads(body.splitlines()[1])


ROWS = [
    # (conformance test, connect() arguments, backend Service, isTLS at the backend, SNI the backend saw)
    ("tlsroute-simple-same-namespace (Passthrough: the backend ends TLS)", dict(port=443, tls=True,
     server_name="abc.example.com"), "tcp-backend", True, "abc.example.com"),
    ("tlsroute-hostname-intersection (exact route hostname before the wildcard route)",
     dict(port=443, tls=True, server_name="abc.example.com"), "tcp-backend", True, "abc.example.com"),
    ("tlsroute-hostname-intersection (other names: the wildcard route)", dict(port=443, tls=True,
     server_name="xyz.example.com"), "tcp-backend-v2", True, "xyz.example.com"),
    ("tlsroute-terminate-simple-same-namespace (plain text, no SNI at the backend)",
     dict(port=8443, tls=True, server_name="terminate.example.com"), "tcp-backend", False, None),
    ("tcproute-multiple-routes-attachment (only the oldest route gets traffic)", dict(port=9000),
     "tcp-backend", False, None),
    ("tcproute-reference-grant (cross-namespace backend allowed by the grant)", dict(port=9200),
     "tcp-reference-grant-backend", False, None),
]


@pytest.mark.parametrize("args,backend,is_tls,sni", [r[1:] for r in ROWS], ids=[r[0] for r in ROWS])
def test_stream_reaches_backend(cluster, args, backend, is_tls, sni):
    r = cluster.connect(_gw(cluster), send="TEST", from_internet=True, **args)
    assert r.ok and r.status is None, r.explain()
    assert r.body.startswith("Gateway API Test TCP Server\n")
    got = _assertions(r.body)
    assert got["service"] == backend and got["isTLS"] is is_tls
    assert (got.get("tls") or {}).get("serverName") == sni


REJECT_ROWS = [
    ("tlsroute-hostname-intersection: a name no route serves is rejected",
     dict(port=443, tls=True, server_name="non.matching.com"), "connection reset by peer"),
    ("tlsroute_types.go: a TLS listener needs a ClientHello (a plain client is reset)", dict(port=443),
     "connection reset by peer"),
    ("tcproute: no listener on the port (the load balancer has none either)", dict(port=9999), "connection timed out"),
    ("udproute: a datagram to a port without a UDP listener gets no answer", dict(port=5301, protocol="UDP"),
     "connection timed out"),
]


@pytest.mark.parametrize("args,error", [r[1:] for r in REJECT_ROWS], ids=[r[0] for r in REJECT_ROWS])
def test_rejected(cluster, args, error):
    r = cluster.connect(_gw(cluster), from_internet=True, **args)
    assert r.error == error and not r.ok


def test_udproute_simple(cluster):
    """udproute-simple: a datagram to the UDP listener reaches the UDPRoute's backend, which
    answers it (udpechoserver.go: JSON echoing the request)."""
    r = cluster.connect(_gw(cluster), 5300, protocol="UDP", send="foo.bar.com.", from_internet=True)
    assert r.ok, r.explain()
    got = json.loads(r.body)
    assert got["request"] == "foo.bar.com." and got["service"] == "udp-backend" and got["namespace"] == NS


def test_tcproute_weighted_routing(cluster):
    """tcproute-weighted-routing: 70/30/0 -> about 70% and 30%, never the zero-weight backend."""
    seen = collections.Counter(_assertions(cluster.connect(_gw(cluster), 9100, send="TEST", from_internet=True).body)
                               ["service"] for _ in range(300))
    assert seen["tcp-backend-v3"] == 0
    assert 0.6 < seen["tcp-backend"] / 300 < 0.8 and 0.2 < seen["tcp-backend-v2"] / 300 < 0.4


def test_multiple_routes_both_accepted_two_attached(cluster):
    """tcproute-multiple-routes-attachment: both routes Accepted, the listener counts 2."""
    for name in ("tcproute-attach-older", "tcproute-attach-newer"):
        (p,) = cluster.get("tcproute", name, NS)["status"]["parents"]
        assert {c["type"]: c["status"] for c in p["conditions"]}["Accepted"] == "True"
    gw = cluster.get("gateway", "gateway-l4", NS)
    assert next(l for l in gw["status"]["listeners"] if l["name"] == "tcp")["attachedRoutes"] == 2


def test_https_request_through_passthrough(cluster):
    """A curl to https://abc.example.com/ (SNI = the URL's host) goes through the TLS listener
    untouched: the hops show the Gateway did not end TLS."""
    r = cluster.request("https://abc.example.com/", from_internet=True)
    gateway_hop = next(h for h in r.hops if h.component == "Gateway")
    assert "TLSRoute gateway-conformance-infra/tlsroute-exact" in gateway_hop.action
    assert "untouched" in gateway_hop.action
    # echo-basic's TCP server is no HTTP server: curl reads its greeting, not a status line
    assert r.error == "Received HTTP/0.9 when not allowed"


def test_https_to_an_ip_sends_no_server_name(cluster):
    """RFC 6066 (curl follows it): no SNI for an IP literal, so no TLSRoute hostname matches."""
    r = cluster.request(f"https://{_gw(cluster)}/", headers={"Host": "abc.example.com"}, from_internet=True)
    assert r.error == "connection reset by peer"


def test_tcp_to_gateway_service_port_is_udp_aware(cluster):
    """The Gateway's Service carries the UDP listener on a UDP port: kube-proxy's rule for it
    matches ``-p udp`` (a TCP connection to 5300 finds no listener)."""
    r = cluster.connect(_gw(cluster), 5300, from_internet=True)
    assert r.error is not None


def test_tlsroute_terminate_reencrypts_with_a_backend_tls_policy():
    """tlsroute_types.go TLSRouteRule.BackendRefs: "When a TLSRoute is attached to a listener in
    Terminate mode, a BackendTLSPolicy can be used to enable re-encryption": the backend then
    ends a new TLS session whose server name is the policy's ``validation.hostname``."""
    cluster = _scenario()
    cluster.apply(f"""
apiVersion: gateway.networking.k8s.io/v1
kind: TLSRoute
metadata: {{name: reencrypt, namespace: {NS}}}
spec:
  parentRefs: [{{name: gateway-l4, sectionName: tls-terminate}}]
  hostnames: [terminate.example.com]
  rules: [{{backendRefs: [{{name: tcp-backend-v2, port: 8443}}]}}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: BackendTLSPolicy
metadata: {{name: v2-tls, namespace: {NS}}}
spec:
  targetRefs: [{{group: "", kind: Service, name: tcp-backend-v2, sectionName: tls}}]
  validation: {{hostname: backend.internal, wellKnownCACertificates: System}}
""")
    cluster.delete("tlsroute/tlsroute-terminated-test", NS)
    r = cluster.connect(_gw(cluster), 8443, tls=True, server_name="terminate.example.com", send="TEST",
                        from_internet=True)
    got = _assertions(r.body)
    assert got["service"] == "tcp-backend-v2" and got["isTLS"] is True
    assert got["tls"]["serverName"] == "backend.internal"
