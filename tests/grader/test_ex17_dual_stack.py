"""Exercise 17 checks: each question is checked by simulation on a dual-stack cluster (or, for
q3, an IPv4-only one).  Rules: alloc.go initIPFamilyFields / allocClusterIPs /
updateClusterIPs, the EndpointSlice reconciler (reconcileByAddressType), RFC 6724's default
address order."""
from __future__ import annotations

import pytest

from k8snet.grader import ex17_dual_stack as ex
from k8snet.grader.core import Outcome

QS = {"q1": ex.q1, "q2": ex.q2, "q3": ex.q3, "q4": ex.q4, "q5": ex.q5}
ROWS = [(f"{q} {i}", q, answer, words) for q, problem in QS.items()
        for i, (answer, words) in enumerate(problem.wrong_answers)]


@pytest.mark.parametrize("q,answer,words", [r[1:] for r in ROWS], ids=[r[0] for r in ROWS])
def test_wrong_answers_explain(q, answer, words):
    fb = QS[q].grade(answer)
    assert fb.outcome is Outcome.INCORRECT and words in fb.message, fb.message


def test_truths_are_measured():
    """initIPFamilyFields appends the other family after the one named; reconcileByAddressType
    keeps a placeholder slice per address type."""
    assert ex.q2.truth() == ["IPv6", "IPv4"]
    assert ex.q4.truth() == 2


def test_scenario_starts_single_stack():
    from k8snet import Cluster
    c = Cluster(**ex.CLUSTER_ARGS)
    c.apply(ex.SCENARIO)
    spec = c.get("svc", "web")["spec"]
    assert (spec["ipFamilyPolicy"], spec["ipFamilies"], len(spec["clusterIPs"])) == ("SingleStack", ["IPv4"], 1)
