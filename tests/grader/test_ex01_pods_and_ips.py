"""Exercise 01: each reference answer passes, typical wrong answers fail with the intended
feedback, blanks are incomplete, malformed answers are handled (never a traceback)."""
from __future__ import annotations

import pytest

from k8snet.grader import ex01_pods_and_ips as ex

QUESTIONS = ["q1", "q2", "q3", "q4", "q5", "q6"]
# b's IP as the scenario gives it (read from the simulator, as a learner would read kubectl).
B_IP = ex._cluster(scenario=ex.AGNHOST_PODS).get("pod", "b")["status"]["podIP"]


@pytest.mark.parametrize("name,answer,words", [
    # Kubernetes network model (docs: concepts/services-networking "The Kubernetes network model"):
    # pods communicate without NAT, so the callee sees the caller's pod IP.
    ("q1", "172.18.0.2", ["node-1", "no NAT"]),
    ("q1", B_IP, ["b's own IP"]),
    ("q1", "10.96.0.1", ["not a pod address"]),
    # kube-controller-manager --allocate-node-cidrs / --node-cidr-mask-size=24: one /24 per node, in order.
    ("q2", "10.244.1.0/24", ["belongs to node-2"]),
    ("q2", "10.244.2.0/16", ["/24"]),
    ("q2", "10.244.2.7", ["one address"]),
    # Node.spec.podCIDR is the field; `get nodes -o wide` does not show it.
    ("q3", "kubectl get nodes -o wide", ["not in it"]),
    ("q3", "kubectl get nodes -o jsonpath={.items[*].spec.podCIDR}", ["more nodes"]),
    # ReplicaSet controller: a replacement pod gets a new generated name; StatefulSets keep names.
    ("q4", "c", ["StatefulSet"]),
    ("q4", "a", ["container"]),
    # node lifecycle controller: --node-monitor-grace-period 50 s (1.32+), then DefaultTolerationSeconds 300 s.
    ("q5", 50, ["NotReady"]),
    ("q5", 300, ["toleration"]),
    ("q5", 1000, ["too late"]),
    ("q6", "d", ["same node"]),
], ids=lambda v: str(v)[:40])
def test_wrong_answers_explain(name, answer, words):
    getattr(ex, name).assert_check_failed(answer, words)


@pytest.mark.parametrize("name,answer,words", [
    ("q1", 42, ["string"]),
    ("q2", "not-a-cidr", ["not a CIDR"]),
    ("q3", "rm -rf /", ["kubectl"]),
    ("q3", "kubectl get nod", ["not in it"]),
    ("q5", "350", ["number"]),
    ("q4", "z", ["not one of the options"]),
], ids=lambda v: str(v)[:30])
def test_malformed_answers_are_handled(name, answer, words):
    getattr(ex, name).assert_check_failed(answer, words)


def test_eviction_time_is_measured_not_stored():
    """The q5 truth comes from the simulator: grace period + toleration (50 + 300)."""
    assert ex.q5.measured() == 350


def test_hints_and_solutions_exist():
    for name in QUESTIONS:
        q = getattr(ex, name)
        assert q.hint().message and q.solution().message and q.question


def test_progress_counts_correct_answers():
    e = ex.Exercise("t", {"a": ex.DeletePod(), "b": ex.DontUsePodIPs()})
    e.problems["a"].check("b")
    e.problems["b"].check("a")
    text = e.progress().message
    assert "1 of 2 correct" in text and "b: incorrect" in text
