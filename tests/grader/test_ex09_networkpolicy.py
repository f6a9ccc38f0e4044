"""Exercise 09 checks. Rules: kubernetes.io/docs/concepts/services-networking/network-policies/
("Behavior of to and from selectors" for AND/OR, "Default deny all egress traffic" and the DNS
note, "Prerequisites" for plugins without support); NetworkPolicyPeer API reference."""
from __future__ import annotations

import pytest

from k8snet.grader import ex09_networkpolicy as ex

QS = {"q1": ex.q1, "q2": ex.q2, "q3": ex.q3, "q4": ex.q4, "q5": ex.q5}
Q3, Q4 = ex.q3._solution_answer, ex.q4._solution_answer

# (id, question, wrong answer, words the feedback must contain)
WRONG = [
    ("q1 OR reading", "q1", "b", "OR form"),
    ("q1 own-namespace reading", "q1", "c", "namespaces that selector picks"),
    ("q2 intruder has app=web but wrong namespace", "q2", ["shop/web", "other/intruder"], "other/intruder: denied"),
    ("q2 empty-ish answer", "q2", ["shop/client"], "shop/client: denied"),
    ("q3 namespaceSelector {} lets the intruder in", "q3",
     Q3.replace("app: web}}}]", "app: web}}, namespaceSelector: {}}]"), "should still be dropped"),
    ("q3 wrong port", "q3", Q3.replace("port: 8080", "port: 80"), "connection timed out at NetworkPolicy"),
    ("q4 forgot DNS", "q4", Q4.split("  - to:\n    - namespaceSelector")[0], "could not resolve host"),
    ("q4 egress to everything", "q4", Q4.replace("[{podSelector: {matchLabels: {app: api}}}]", "[{podSelector: {}}]")
     .replace("ports: [{port: 8080}]", "ports: [{port: 8080}, {port: 80}]"), "egress to web is not allowed"),
    ("q5 thinks flannel enforces", "q5", "a", "flannel has no policy engine"),
    ("q5 thinks apply fails", "q5", "d", "does not know which CNI"),
]


@pytest.mark.parametrize("q,answer,words", [r[1:] for r in WRONG], ids=[r[0] for r in WRONG])
def test_wrong_answers_explain(q, answer, words):
    QS[q].assert_check_failed(answer, words)


@pytest.mark.parametrize("q,answer,words", [
    ("q1", "z", "not one of the options"),
    ("q2", 42, "list of"),
    ("q3", "kind: [\n", "line 2"),
    ("q4", "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: x, namespace: shop}\n"
           "spec: {podSelector: {}, policyTypes: [Sideways]}\n", "kubectl apply refused it"),
], ids=["q1 unknown letter", "q2 not a list", "q3 broken YAML names the line", "q4 invalid object"])
def test_malformed_answers(q, answer, words):
    QS[q].assert_check_failed(answer, words)


def test_q2_truth_is_computed():
    assert ex.q2.truth() == ["shop/web"]


def test_progress_counts():
    ex.q1.check("a")
    assert "q1: correct" in ex.exercise.progress().message
