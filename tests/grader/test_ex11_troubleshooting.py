"""Exercise 11 checks: each debugging question is a scenario of the chapter-11 lab, repaired
with YAML and verified by re-running requests. Rules: "Debug Services" guide
(kubernetes.io/docs/tasks/debug/debug-application/debug-service/), Deployment strategy docs."""
from __future__ import annotations

import pytest

from k8snet.grader import ex11_troubleshooting as ex
from k8snet.widgets.troubleshoot import deployment, service

QS = {"q1": ex.q1, "q2": ex.q2, "q3": ex.q3, "q4": ex.q4, "q5": ex.q5, "q6": ex.q6}
_ALLOW_ALL_WRONG = """apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-from-client}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress: [{from: [{podSelector: {matchLabels: {app: frontend}}}]}]
"""

WRONG = [
    ("q1 another typo", "q1", service("web", "app: webb", "80"), "did you mean app=web"),
    ("q1 right selector, wrong port", "q1", service("web", "app: web", "8080"), "refuses port 8080"),
    ("q2 containerPort-style guess", "q2", service("web", "app: web", "8080"), "still fail"),
    ("q2 targetPort 443", "q2", service("web", "app: web", "443"), "refuses port 443"),
    ("q3 probe still on 8080", "q3", deployment("web", "app: web", "nginx",
                                                extra=", readinessProbe: {httpGet: {path: /, port: 8081}}"),
     "not Ready"),
    ("q4 allow from frontend again", "q4", _ALLOW_ALL_WRONG, "connection timed out"),
    ("q5 maxUnavailable still 2", "q5", ex.q5._solution_answer.replace("maxSurge: 1, maxUnavailable: 0",
                                                                        "maxSurge: 0, maxUnavailable: 2"),
     "no endpoints"),
    ("q6 everything times out", "q6", {"empty-endpoints": "connection timed out", "netpol": "connection timed out",
                                       "kube-proxy": "connection timed out"}, "empty-endpoints"),
    # A stopped kube-proxy leaves its rules: DNS still resolves, only the new Service times out.
    ("q6 kube-proxy guessed as DNS", "q6", {"empty-endpoints": "connection refused",
                                            "netpol": "connection timed out",
                                            "kube-proxy": "could not resolve host"}, "kube-proxy"),
]


@pytest.mark.parametrize("q,answer,words", [r[1:] for r in WRONG], ids=[r[0] for r in WRONG])
def test_wrong_answers_explain(q, answer, words):
    QS[q].assert_check_failed(answer, words)


@pytest.mark.parametrize("q,answer,words", [
    ("q1", "apiVersion: v1\nkind: Service\nmetadata: {name: web\n", "line"),
    ("q2", "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{port: 0}]}\n", "Invalid value"),
    ("q6", {"empty-endpoints": "boom", "netpol": "x", "kube-proxy": "y"}, "is not one of"),
    ("q6", "connection refused", "give a dict"),
], ids=["q1 broken YAML", "q2 invalid port", "q6 unknown error words", "q6 not a dict"])
def test_malformed_answers(q, answer, words):
    QS[q].assert_check_failed(answer, words)


def test_q6_truth_is_measured():
    assert ex.q6.truth() == {"empty-endpoints": "connection refused", "netpol": "connection timed out",
                             "kube-proxy": "connection timed out"}


def test_broken_cluster_helper_and_question_text():
    c = ex.broken("empty-endpoints")
    assert "web" in c.kubectl("get svc")
    assert "Reported:" in ex.q1.question and "apiVersion" in ex.q1.solution().message
