"""Exercise 05 (kube-proxy): reference answers pass, typical mistakes get the intended feedback."""
from __future__ import annotations

import pytest

from k8snet.grader import ex05_kube_proxy as ex

NAMES = ["q1", "q2", "q3", "q4", "q5", "q6", "q7"]
STICKY = ex.q4._solution_answer
LOCAL = ex.q6._solution_answer

ROWS = [
    # proxier.go: probability 1/(n-i), last rule none
    ("q1", [0.25, 0.25, 0.25, None], "only sees the connections"),
    ("q1", [0.25, 0.333, 0.5, 0.0], "last one"),
    ("q1", [0.5, None], "4 values"),
    # Virtual IPs page: nftables GA 1.33, IPVS deprecated 1.35
    ("q2", "b", "deprecated since 1.35"),
    ("q2", "a", "default"),
    # IPVS sh scheduler: source hashing
    ("q3", 3, "round robin"),
    ("q3", 2, "source address"),
    # Session affinity: ClientIP + timeoutSeconds
    ("q4", STICKY.replace("ClientIP", "None").replace(
        "  sessionAffinityConfig:\n    clientIP:\n      timeoutSeconds: 600\n", ""), "no affinity"),
    ("q4", STICKY.replace("600", "3600"), "3600 s"),
    ("q5", "a", "same for everyone"),
    ("q5", "c", "NodePort and LoadBalancer traffic too"),
    # Using Source IP: externalTrafficPolicy Cluster SNATs
    ("q6", LOCAL.replace("Local", "Cluster"), "client_address=172.18.0."),
    ("q6", LOCAL.replace("  type: NodePort\n", "").replace("  externalTrafficPolicy: Local\n", "")
     .replace("    nodePort: 30080\n", ""), "no nodePort 30080"),
    ("q7", "HTTP 200", "externalTrafficPolicy: Cluster"),
    ("q7", "connection refused", "DROPs"),
]


@pytest.mark.parametrize("name, answer, words", ROWS, ids=[f"{r[0]}-{i}" for i, r in enumerate(ROWS)])
def test_wrong_answers_get_specific_feedback(name, answer, words):
    type(getattr(ex, name))().assert_check_failed(answer, words)


@pytest.mark.parametrize("name, answer, words", [
    ("q1", "0.25", "list"),
    ("q1", ["a", "b", "c", None], "is not a number"),
    ("q3", "many", "number"),
    ("q4", "spec: [\n", "line"),
    ("q7", "it works", "not one of the phrases"),
], ids=["q1-not-a-list", "q1-not-floats", "q3-not-a-number", "q4-broken-yaml", "q7-unknown-words"])
def test_malformed_answers_are_handled(name, answer, words):
    type(getattr(ex, name))().assert_check_failed(answer, words)


def test_q1_truth_is_read_from_the_rules():
    assert ex.Probabilities().truth() == [0.25, 0.33333333349, 0.5, None]
