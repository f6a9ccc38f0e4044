"""Exercise 12 checks. Rules: Service selectors and ports (concepts/services-networking/service/),
kube-proxy REJECT for Services without endpoints (pkg/proxy/iptables/proxier.go), headless
Services in DNS (dns-pod-service: "A/AAAA records" for headless), NetworkPolicy namespaceSelector
with the kubernetes.io/metadata.name label, Gateway API v1.0 (gateway-api.sigs.k8s.io)."""
from __future__ import annotations

import pytest

from k8snet.grader import ex12_capstone as ex

QS = {"q1": ex.q1, "q2": ex.q2, "q3": ex.q3, "q4": ex.q4, "q5": ex.q5}
Q1, Q3 = ex.q1._solution_answer, ex.q3._solution_answer

WRONG = [
    ("q1 targetPort 80", "q1", Q1.replace("targetPort: http", "targetPort: 80"), "refuses port 80"),
    ("q1 wrong name", "q1", Q1.replace("name: api", "name: backend"), "could not resolve host"),
    ("q1 selects the frontend", "q1", Q1.replace("app: backend", "tier: web").replace("targetPort: http",
                                                                                     "targetPort: 80"),
     "body does not contain"),
    ("q2 times out", "q2", "a", "older teaching"),
    ("q2 no DNS name", "q2", "c", "ClusterIP"),
    ("q3 allows user instead of cart", "q3", Q3.replace("name: cart}}", "name: user}}").replace("app: cart", "app: user"),
     "connection timed out"),
    ("q3 podSelector alone looks in payment", "q3",
     Q3.replace("    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: cart}}\n      podSelector",
                "    - podSelector"), "no policy allows cart/"),
    ("q4 ClusterIP", "q4", "a", "no ClusterIP"),
    ("q5 Gateway experimental", "q5", "a", "October 2023"),
    ("q5 LB does host routing", "q5", "c", "layer 4"),
]


@pytest.mark.parametrize("q,answer,words", [r[1:] for r in WRONG], ids=[r[0] for r in WRONG])
def test_wrong_answers_explain(q, answer, words):
    QS[q].assert_check_failed(answer, words)


@pytest.mark.parametrize("q,answer,words", [
    ("q1", "apiVersion: v1\nkind: Service\nspec: [\n", "line"),
    ("q3", "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: payment}\n"
           "spec: {podSelector: {}, ingress: [{ports: [{port: 70000}]}]}\n", "kubectl apply refused it"),
    ("q4", 7, "not one of the options"),
], ids=["q1 broken YAML", "q3 invalid port", "q4 not an option"])
def test_malformed_answers(q, answer, words):
    QS[q].assert_check_failed(answer, words)


@pytest.mark.parametrize("q,index", [("q2", 1), ("q4", 1)], ids=["no endpoints: refused", "headless: pod IPs"])
def test_measured_answers(q, index):
    assert QS[q].correct == index
