"""Exercise 06 (DNS): each reference answer passes; typical wrong answers fail with the
intended feedback; the blank is incomplete; malformed input gives a message, never a traceback.

Rules checked (Kubernetes docs, "DNS for Services and Pods"; resolv.conf(5) "ndots"):
the search list starts with the pod's namespace; names with fewer than ndots dots go through
the search list first; headless StatefulSet pods get <pod>.<service> names; named ports get
SRV records; ExternalName Services are CNAMEs; dnsConfig.options overrides ndots.
"""
from __future__ import annotations

import pytest

from k8snet.grader import Outcome
from k8snet.grader import ex06_dns as ex

QUESTIONS = [ex.q1, ex.q2, ex.q3, ex.q4, ex.q5, ex.q6]


CLUSTERIP_BILLING = "apiVersion: v1\nkind: Service\nmetadata: {name: billing}\nspec: {ports: [{port: 80}]}\n"
TYPO_BILLING = ("apiVersion: v1\nkind: Service\nmetadata: {name: billing}\n"
                "spec: {type: ExternalName, externalName: billing.partner.exampl}\n")
WRONG_NAME = ("apiVersion: v1\nkind: Service\nmetadata: {name: payments}\n"
              "spec: {type: ExternalName, externalName: billing.partner.example}\n")
DEFAULT_POLICY = ("apiVersion: v1\nkind: Pod\nmetadata: {name: fast}\n"
                  "spec: {dnsPolicy: Default, containers: [{name: s, image: busybox}]}\n")
PLAIN_POD = "apiVersion: v1\nkind: Pod\nmetadata: {name: fast}\nspec: {containers: [{name: s, image: busybox}]}\n"

WRONG = [
    # (question, answer, words the feedback must contain, rule)
    ("q1 short name from another namespace", ex.q1, "a", ["own namespace"]),  # search list order
    ("q1 reversed order", ex.q1, "c", ["web.default"]),
    ("q1 not under svc", ex.q1, "d", ["svc.cluster.local"]),
    ("q1 not an option", ex.q1, "z", ["not one of the options"]),
    ("q2 forgets the search list", ex.q2, 1, ["search domains"]),  # ndots:5 -> search first
    ("q2 not a number", ex.q2, "many", ["answer with a number"]),
    ("q3 another replica's IP", ex.q3, "POD:db-0", ["pod db-0"]),  # <pod>.<svc> is that pod
    ("q3 not an IP here", ex.q3, "10.96.0.99", ["headless"]),
    ("q4 the other named port", ex.q4, 80, ["named metrics"]),  # SRV per named port
    ("q5 ClusterIP Service without selector", ex.q5, CLUSTERIP_BILLING, ["ClusterIP", "alias"]),
    ("q5 typo in externalName", ex.q5, TYPO_BILLING, ["billing.partner.exampl."]),
    ("q5 wrong Service name", ex.q5, WRONG_NAME, ["no Service named billing"]),
    ("q5 broken YAML", ex.q5, "kind: [", ["could not read your YAML", "line 1"]),
    ("q5 invalid object", ex.q5, "apiVersion: v1\nkind: Service\nmetadata: {name: billing}\nspec: {type: ExternalName}\n",
     ["refused", "spec.externalName: Required value"]),
    ("q6 dnsPolicy Default loses the search list", ex.q6, DEFAULT_POLICY, ["search list", "ClusterFirst"]),
    ("q6 default ndots still searches", ex.q6, PLAIN_POD, ["4 queries"]),
]


@pytest.mark.parametrize("label,q,answer,words", WRONG, ids=[w[0] for w in WRONG])
def test_wrong_answer_feedback(label, q, answer, words):
    if isinstance(answer, str) and answer.startswith("POD:"):
        answer = q.cluster().get("pod", answer[4:])["status"]["podIP"]
    q.assert_check_failed(answer, words)


def test_predictions_follow_the_simulator():
    """q3's truth is computed from the scenario cluster, so it matches a fresh resolve."""
    c = ex.scenario_cluster()
    ip = c.resolve("db-1.db", from_pod="default/client").answers[0][2]
    assert ex.q3.grade(ip).outcome is Outcome.CORRECT
    assert ex.q2.grade(len(c.resolve("api.github.com", from_pod="default/client").tried)).outcome is Outcome.CORRECT
