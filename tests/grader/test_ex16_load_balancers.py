"""Exercise 16 checks: each question is checked by simulation (the learner's YAML on a fresh MetalLB
cluster with requests through it and a kube-proxy trace; the scenario behind each prediction run on
each cloud). Rules: metallb controller/speaker, pkg/proxy/serviceport.go, cloud-provider wantsLoadBalancer,
the AWS Load Balancer Controller's NLB docs, cloud-provider-aws ELB listeners."""
from __future__ import annotations

import pytest

from k8snet.grader import ex16_load_balancers as ex
from k8snet.grader.core import Outcome

QS = {"q1": ex.q1, "q2": ex.q2, "q3": ex.q3, "q4": ex.q4, "q5": ex.q5}
ROWS = [(f"{q} {i}", q, answer, words) for q, problem in QS.items()
        for i, (answer, words) in enumerate(problem.wrong_answers)]


@pytest.mark.parametrize("q,answer,words", [r[1:] for r in ROWS], ids=[r[0] for r in ROWS])
def test_wrong_answers_explain(q, answer, words):
    fb = QS[q].grade(answer)
    assert fb.outcome is Outcome.INCORRECT and words in fb.message, fb.message


def test_q5_truth_is_measured():
    """cloud-provider-aws forwards to NodePorts; gcp/azure/MetalLB keep the LB IP (kube-proxy's rule)."""
    assert ex.q5.truth() == {"gcp", "azure", "metallb"}


def test_q3_scenario_is_an_internal_nlb():
    assert ex.q3.internet_result() == "connection timed out"
