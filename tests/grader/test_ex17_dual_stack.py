"""Exercise 17 checks: each question is checked by simulation on a dual-stack cluster (or, for
q3, an IPv4-only one).  Rules: alloc.go initIPFamilyFields / allocClusterIPs /
updateClusterIPs, the EndpointSlice reconciler (reconcileByAddressType), RFC 6724's default
address order."""
from __future__ import annotations

from k8snet.grader import ex17_dual_stack as ex

# Each question's own wrong_answers are checked, with the rest of the course's, by
# tests/grader/test_wrong_answers.py.


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
