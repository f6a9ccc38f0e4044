"""BackendTLSPolicy (gateway-api v1.6.1 ``apis/v1/backendtlspolicy_types.go``, Extended):
status ancestors and conditions as conformance backendtlspolicy, -invalid-ca-certificate-ref,
-invalid-kind and -conflict-resolution expect them, and the policy's effect on the
Gateway-to-backend hop (TLS with the policy's SNI; 5xx when the policy is not accepted or the
backend does not speak TLS), end to end."""
from __future__ import annotations

import pytest

from .conftest import ECHO, NS, gateway_cluster, namespace, same_namespace_gateway

# echo-basic with TLS_SERVER_CERT/TLS_SERVER_PRIVKEY serves HTTPS on 8443 (echo-basic.go)
SCENARIO = namespace() + f"""---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: tls-backend, namespace: {NS}}}
spec:
  replicas: 1
  selector: {{matchLabels: {{app: tls-backend}}}}
  template:
    metadata: {{labels: {{app: tls-backend}}}}
    spec:
      containers:
      - name: echo
        image: {ECHO}
        env: [{{name: TLS_SERVER_CERT, value: /etc/tls/tls.crt}}, {{name: TLS_SERVER_PRIVKEY, value: /etc/tls/tls.key}}]
---
apiVersion: v1
kind: ConfigMap
metadata: {{name: tls-checks-ca-certificate, namespace: {NS}}}
data: {{ca.crt: "-----BEGIN CERTIFICATE-----"}}
---
{same_namespace_gateway()}---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {{name: backendtlspolicy, namespace: {NS}}}
spec:
  parentRefs: [{{name: same-namespace}}]
  rules:
""" + "".join(f"""  - matches: [{{path: {{type: Exact, value: /{svc}}}}}]
    backendRefs: [{{name: {svc}, port: {port}}}]
""" for svc, port in (("backendtlspolicy-test", 443), ("no-policy-test", 443), ("plain-backend-test", 80),
                      ("invalid-ca-test", 443), ("invalid-kind-test", 443), ("conflicted-test", 443))) + "".join(f"""---
apiVersion: v1
kind: Service
metadata: {{name: {svc}, namespace: {NS}}}
spec: {{selector: {{app: tls-backend}}, ports: [{{name: {name}, port: {port}, targetPort: {target}}}]}}
""" for svc, name, port, target in (("backendtlspolicy-test", "btls", 443, 8443), ("no-policy-test", "btls", 443, 8443),
                                    ("plain-backend-test", "http", 80, 3000), ("invalid-ca-test", "btls", 443, 8443),
                                    ("invalid-kind-test", "btls", 443, 8443), ("conflicted-test", "btls", 443, 8443))) + "".join(f"""---
apiVersion: gateway.networking.k8s.io/v1
kind: BackendTLSPolicy
metadata: {{name: {name}, namespace: {NS}}}
spec:
  targetRefs: [{{group: "", kind: Service, name: {svc}{section}}}]
  validation: {{hostname: {host}, caCertificateRefs: [{{group: "", kind: {kind}, name: {cm}}}]}}
""" for name, svc, section, kind, cm, host in (
    ("normative-test", "backendtlspolicy-test", ", sectionName: btls", "ConfigMap", "tls-checks-ca-certificate", "abc.example.com"),
    ("plain-backend", "plain-backend-test", "", "ConfigMap", "tls-checks-ca-certificate", "abc.example.com"),
    ("nonexistent-ca-certificate-map", "invalid-ca-test", "", "ConfigMap", "nonexistent-ca-certificate-map", "abc.example.com"),
    ("invalid-kind", "invalid-kind-test", "", "Secret", "tls-checks-ca-certificate", "abc.example.com"),
    ("conflicted-1", "conflicted-test", "", "ConfigMap", "tls-checks-ca-certificate", "other.example.com"),
    ("conflicted-2", "conflicted-test", "", "ConfigMap", "tls-checks-ca-certificate", "abc.example.com")))


@pytest.fixture(scope="module")
def cluster():
    return gateway_cluster(SCENARIO, seed=8)


STATUS_ROWS = [
    # (conformance test, policy, Accepted, ResolvedRefs)
    ("backendtlspolicy: valid policy", "normative-test", ("True", "Accepted"), ("True", "ResolvedRefs")),
    ("backendtlspolicy-invalid-ca-certificate-ref", "nonexistent-ca-certificate-map",
     ("False", "NoValidCACertificate"), ("False", "InvalidCACertificateRef")),
    ("backendtlspolicy-invalid-kind", "invalid-kind", ("False", "NoValidCACertificate"), ("False", "InvalidKind")),
    ("backendtlspolicy-conflict-resolution: the first policy is accepted", "conflicted-1", ("True", "Accepted"),
     ("True", "ResolvedRefs")),
    ("backendtlspolicy-conflict-resolution: the second is Conflicted", "conflicted-2", ("False", "Conflicted"),
     ("True", "ResolvedRefs")),
]


@pytest.mark.parametrize("policy,accepted,resolved", [r[1:] for r in STATUS_ROWS], ids=[r[0] for r in STATUS_ROWS])
def test_policy_status(cluster, policy, accepted, resolved):
    (anc,) = cluster.get("backendtlspolicy", policy, NS)["status"]["ancestors"]
    assert anc["ancestorRef"] == {"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": "same-namespace",
                                  "namespace": NS}
    assert anc["controllerName"] == "k8snet.io/gateway-controller"
    got = {c["type"]: (c["status"], c["reason"]) for c in anc["conditions"]}
    assert got == {"Accepted": accepted, "ResolvedRefs": resolved}


TRAFFIC_ROWS = [
    # (rule, path, status, what the body or hops show)
    ("backendtlspolicy: HTTP request sent to Service with valid BackendTLSPolicy should succeed",
     "/backendtlspolicy-test", 200, "speaks TLS to the backend, SNI abc.example.com"),
    ("backendtlspolicy-invalid-ca-certificate-ref: HTTP Request ... invalid BackendTLSPolicy receive a 5xx",
     "/invalid-ca-test", 500, "is not accepted (NoValidCACertificate)"),
    ("backendtlspolicy-invalid-kind: HTTP Request ... invalid BackendTLSPolicy receive a 5xx", "/invalid-kind-test", 500,
     "is not accepted (NoValidCACertificate)"),
    ("without a policy the Gateway speaks plain HTTP to the TLS port: Go's net/http answers 400", "/no-policy-test",
     400, "Client sent an HTTP request to an HTTPS server."),
    ("a policy on a Service whose pods speak plain HTTP: the TLS handshake fails, Envoy answers 503",
     "/plain-backend-test", 503, "WRONG_VERSION_NUMBER"),
    ("backendtlspolicy-conflict-resolution: the accepted (older) policy is the one applied", "/conflicted-test", 200,
     "SNI other.example.com"),
]


@pytest.mark.parametrize("path,status,shows", [r[1:] for r in TRAFFIC_ROWS], ids=[r[0] for r in TRAFFIC_ROWS])
def test_hop_to_backend(cluster, path, status, shows):
    gw = cluster.get("gateway", "same-namespace", NS)["status"]["addresses"][0]["value"]
    r = cluster.request(f"http://{gw}{path}", from_internet=True)
    assert r.status == status, r.explain()
    assert shows in r.body or any(shows in h.action for h in r.hops)


def test_policy_applied_between_requests_reaches_the_next_one():
    """backendtlspolicy_types.go: the policy removed, the Gateway speaks plain HTTP to the TLS port
    (Go's net/http answers 400); attached again once requests have flowed, the next request goes
    over TLS (Envoy Gateway translates on every object event)."""
    c = gateway_cluster(SCENARIO, seed=8)
    policy = c.get("backendtlspolicy", "normative-test", NS)
    gw = c.get("gateway", "same-namespace", NS)["status"]["addresses"][0]["value"]
    url = f"http://{gw}/backendtlspolicy-test"
    got = []
    for change in (lambda: c.delete("backendtlspolicy/normative-test", namespace=NS),
                   lambda: c.apply({k: policy[k] for k in ("apiVersion", "kind", "spec")}
                                   | {"metadata": {"name": "normative-test", "namespace": NS}})):
        change()
        c.advance(5)
        for _ in range(3):
            r = c.request(url, from_internet=True)
            got.append((r.status, any("speaks TLS to the backend" in h.action for h in r.hops)))
    assert got == [(400, False)] * 3 + [(200, True)] * 3
