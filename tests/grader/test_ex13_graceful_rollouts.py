"""Exercise 13 checks: each question is checked by simulation (``Cluster.traffic`` during a
rollout, or the EndpointSlice of a terminating pod). Rules: "Pod Lifecycle" section
"Termination of Pods", EndpointSlice conditions (KEP-1669), deployment recreate.go."""
from __future__ import annotations

from k8snet.grader import ex13_graceful_rollouts as ex

# Each question's own wrong_answers are checked, with the rest of the course's, by
# tests/grader/test_wrong_answers.py.


def test_q3_truth_is_measured():
    assert ex.q3.truth() == {"ready": False, "serving": True, "terminating": True}


def test_scenario_loses_requests_both_ways():
    from k8snet import Cluster
    c = Cluster(3, seed=13)
    c.apply(ex.SCENARIO)
    causes = {cause for _, _, cause in ex.rollout_under_load(c).by_cause()}
    assert causes == {"a new pod's app was not listening yet (Ready before it listens)",
                      "a stale endpoint: the pod is gone, the change had not arrived"}
