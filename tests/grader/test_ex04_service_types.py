"""Exercise 04 (Service types): reference answers pass, typical mistakes get the intended feedback."""
from __future__ import annotations

import pytest

from k8snet.grader import ex04_service_types as ex

NAMES = ["q1", "q2", "q3", "q4", "q5", "q6"]


def _svc(name: str, spec: str) -> str:
    return f"apiVersion: v1\nkind: Service\nmetadata: {{name: {name}}}\nspec:\n{spec}"


ROWS = [
    ("q1", "a", "cloud-controller-manager"),                 # Service page, "Type LoadBalancer"
    ("q1", "d", "Ingress"),
    ("q2", ["10.96.0.10"], "no ClusterIP"),                  # "Headless Services": pod IPs in DNS
    ("q2", ex.q2._solution_answer[:2], "1 address(es) missing"),
    ("q3", ex.q3._solution_answer.replace("  type: NodePort\n", ""), "may not be used when `type` is 'ClusterIP'"),
    ("q3", _svc("web", "  type: NodePort\n  selector: {app: web}\n  ports: [{port: 80, targetPort: 8080}]\n"),
     ":30080/ from the internet"),                          # nodePort must be 30080, not a random one
    ("q3", _svc("web", "  selector: {app: web}\n  ports: [{port: 80, targetPort: 8080}]\n"),
     "only reachable inside"),                              # "Type ClusterIP"
    ("q4", _svc("payments", "  ports: [{port: 80}]\n"), "ExternalName"),
    ("q4", _svc("payments", "  type: ExternalName\n  externalName: https://api.payments.example/\n"),
     "RFC 1123 subdomain"),                                 # validation: externalName is a DNS name
    ("q4", _svc("payments", "  type: ExternalName\n  externalName: payments.example\n"), "CNAME"),
    ("q5", ex.q5.broken, "still headless"),                  # no port mapping without a ClusterIP
    ("q5", _svc("api", "  selector: {app: web}\n  ports: [{port: 80}]\n"), "refuses port 80"),
    ("q6", "a", "its own cloud load balancer"),
    ("q6", "d", "no such limit"),
]


@pytest.mark.parametrize("name, answer, words", ROWS, ids=[f"{r[0]}-{i}" for i, r in enumerate(ROWS)])
def test_wrong_answers_get_specific_feedback(name, answer, words):
    type(getattr(ex, name))().assert_check_failed(answer, words)


@pytest.mark.parametrize("name, answer, words", [
    ("q1", 9, "not one of the options"),
    ("q2", ["not-an-ip"], "is not an IPv4 address"),
    ("q3", "kind: Service\n  bad: [indent\n", "line"),
    ("q4", "apiVersion: v1\nkind: Service\nmetadata: {name: payments}\nspec: {tpye: ExternalName}\n", "tpye"),
], ids=["mc-out-of-range", "not-an-ip", "broken-yaml", "unknown-field"])
def test_malformed_answers_are_handled(name, answer, words):
    type(getattr(ex, name))().assert_check_failed(answer, words)


def test_q2_truth_comes_from_dns():
    q = type(ex.q2)()
    c = q.cluster()
    assert sorted(v for _, _, v in c.resolve("db", from_pod="default/client").answers) == q._solution_answer
