"""kubectl drain and PodDisruptionBudgets.

Rules: kubectl pkg/drain (filters.go messages, drain.go evictPods: "evicting pod", 429 retried
after 5 s, "global timeout reached"), pkg/cmd/drain (RunDrain's error lines),
pkg/controller/disruption (expected/desired/current healthy, disruptionsAllowed),
pkg/registry/core/pod/storage/eviction.go (429 "Cannot evict pod as it would violate the
pod's disruption budget."), pkg/apis/policy/validation (ValidatePodDisruptionBudgetSpec).
"""
from __future__ import annotations

import pytest

from k8snet import Cluster, ValidationError
from k8snet.controllers.disruption import TooManyRequests
from k8snet.widgets.rollout import _manifest


def _pdb(**spec):
    return {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "web"},
            "spec": {"selector": {"matchLabels": {"app": "web"}}, **spec}}


def _cluster(pdb=None, replicas=3):
    c = Cluster(3, seed=13)
    c.apply(_manifest(replicas, "RollingUpdate", "1", "0", True, 3, 30))
    if pdb is not None:
        c.apply(pdb)
    c.advance(10)
    return c


@pytest.mark.parametrize("spec, want", [
    pytest.param({"minAvailable": 2}, (1, 3, 2, 3), id="integer minAvailable: expected = pods, desired = 2"),
    pytest.param({"minAvailable": "50%"}, (1, 3, 2, 3), id="percent minAvailable rounds up: 50% of 3 = 2"),
    pytest.param({"maxUnavailable": 1}, (1, 3, 2, 3), id="maxUnavailable: desired = scale - 1"),
    pytest.param({"maxUnavailable": 0}, (0, 3, 3, 3), id="maxUnavailable 0: no voluntary disruption"),
    pytest.param({"minAvailable": 5}, (0, 3, 5, 3), id="more than there are: InsufficientPods"),
])
def test_disruption_controller_status(spec, want):
    st = _cluster(_pdb(**spec)).get("pdb", "web")["status"]
    assert (st["disruptionsAllowed"], st["currentHealthy"], st["desiredHealthy"], st["expectedPods"]) == want
    cond = st["conditions"][0]
    assert (cond["type"], cond["reason"]) == ("DisruptionAllowed", "SufficientPods" if want[0] else "InsufficientPods")


@pytest.mark.parametrize("spec, error", [
    pytest.param({"minAvailable": 1, "maxUnavailable": 1}, "minAvailable and maxUnavailable cannot be both set",
                 id="both bounds"),
    pytest.param({"minAvailable": -1}, "spec.minAvailable: Invalid value: -1: must be greater than or equal to 0",
                 id="negative"),
    pytest.param({"maxUnavailable": "150%"}, ('spec.maxUnavailable: Invalid value: "150%": '
                  "must not be greater than 100%"),
                 id="over 100%"),
])
def test_bad_budgets_are_refused(spec, error):
    c = Cluster(1, seed=0)
    with pytest.raises(ValidationError) as e:
        c.apply(_pdb(**spec))
    assert error in str(e.value)


def test_eviction_api_refuses_when_the_budget_is_spent():
    c = _cluster(_pdb(minAvailable=3))
    pod = c.list("pod")[0]
    with pytest.raises(TooManyRequests, match="would violate the pod's disruption budget"):
        c.api.evict(pod)
    assert not c.get("pod", pod["metadata"]["name"])["metadata"].get("deletionTimestamp")


def test_drain_needs_ignore_daemonsets():
    out = _cluster().kubectl("drain node-3")
    lines = out.splitlines()
    assert lines[0] == "node/node-3 cordoned"
    assert lines[1].startswith('error: unable to drain node "node-3" due to error: cannot delete DaemonSet-managed '
                               "Pods (use --ignore-daemonsets to ignore): kube-system/")
    assert lines[2:4] == ["There are pending nodes to be drained:", " node-3"]


def test_drain_retries_evictions_the_budget_refuses():
    c = _cluster(_pdb(minAvailable=2))
    out = c.kubectl("drain node-3 --ignore-daemonsets")
    assert "(will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget." in out
    assert out.splitlines()[-1] == "node/node-3 drained"
    assert not [p for p in c.list("pod") if p["spec"]["nodeName"] == "node-3"]
    assert c.get("node", "node-3")["spec"]["unschedulable"] is True


def test_drain_gives_up_at_its_timeout():
    c = _cluster(_pdb(maxUnavailable=0))
    out = c.kubectl("drain node-3 --ignore-daemonsets --timeout=20s")
    assert 'global timeout reached: 20s' in out
    assert "There are pending nodes to be drained:\n node-3\n" in out


def test_drain_under_traffic_loses_nothing_with_prestop_and_a_budget():
    c = _cluster(_pdb(minAvailable=2))
    t = c.traffic("http://web", rate=10, duration=40, during="drain node-3 --ignore-daemonsets")
    assert t.errors == []


def test_unmanaged_pods_need_force():
    c = _cluster()
    c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "lonely"},
             "spec": {"nodeName": "node-3", "containers": [{"name": "c", "image": "nginx"}]}})
    out = c.kubectl("drain node-3 --ignore-daemonsets")
    assert "cannot delete Pods that declare no controller (use --force to override): default/lonely" in out
    out = c.kubectl("drain node-3 --ignore-daemonsets --force")
    assert "Warning: deleting Pods that declare no controller: default/lonely; ignoring DaemonSet-managed Pods: " in out
    assert out.endswith("node/node-3 drained\n")


def test_drain_grace_period_is_the_evictions_delete_option():
    # kubectl drain --grace-period: the eviction's DeleteOptions.gracePeriodSeconds, so the
    # 3 s preStop sleep is cut at 1 s and the pods go sooner.
    slow, fast = _cluster(), _cluster()
    slow.kubectl("drain node-3 --ignore-daemonsets")
    fast.kubectl("drain node-3 --ignore-daemonsets --grace-period=1")
    assert fast.now < slow.now
