"""Exercise 16 checks: each question is checked by simulation (the learner's YAML on a fresh MetalLB
cluster with requests through it and a kube-proxy trace; the scenario behind each prediction run on
each cloud). Rules: metallb controller/speaker, pkg/proxy/serviceport.go, cloud-provider wantsLoadBalancer,
the AWS Load Balancer Controller's NLB docs, cloud-provider-aws ELB listeners."""
from __future__ import annotations

from k8snet.grader import ex16_load_balancers as ex

# Each question's own wrong_answers are checked, with the rest of the course's, by
# tests/grader/test_wrong_answers.py.


def test_q5_truth_is_measured():
    """cloud-provider-aws forwards to NodePorts; gcp/azure/MetalLB keep the LB IP (kube-proxy's rule)."""
    assert ex.q5.truth() == {"gcp", "azure", "metallb"}


def test_q3_scenario_is_an_internal_nlb():
    assert ex.q3.internet_result() == "connection timed out"
