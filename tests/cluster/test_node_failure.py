"""Node failure: ``fail_node`` / ``recover_node`` over the simulated clock.

Rules: node lifecycle controller (pkg/controller/nodelifecycle: --node-monitor-grace-period
50 s since 1.32, MarkPodsNotReady, the unreachable NoExecute taint), DefaultTolerationSeconds
admission (300 s), docs page "Taints and Tolerations" section "Taint based Evictions".
Each row: seconds after the node failed -> (node Ready status, ready endpoints on the
failed node, pods on the failed node that are not terminating: all of its web pods or none).
node-1 is the tainted control plane; the web pods run on the workers node-2 and node-3.
"""
from __future__ import annotations

import pytest

from k8snet import Cluster
from k8snet.errors import NotFoundError

from .objects import deployment, endpoints_of, live_pods, service


def _node_ready(c: Cluster, name: str) -> str:
    return next(x["status"] for x in c.get("node", name)["status"]["conditions"] if x["type"] == "Ready")


@pytest.fixture
def failed() -> tuple[Cluster, dict]:
    c = Cluster(3, seed=1)
    c.apply([deployment(replicas=4), service()])
    before = {p["metadata"]["name"]: p for p in live_pods(c, prefix="web-")}
    c.fail_node("node-2")
    return c, before


@pytest.mark.parametrize("at, node_status, ready_on_node2, live_on_node2", [
    pytest.param(49, "True", "all", "all", id="within-grace-period"),
    pytest.param(50, "Unknown", "none", "all", id="NotReady-after-50s-endpoints-not-ready"),
    pytest.param(349, "Unknown", "none", "all", id="tolerated-for-300s"),
    pytest.param(350, "Unknown", "none", "none", id="evicted-after-300s"),
])
def test_node_failure_timeline(failed, at, node_status, ready_on_node2, live_on_node2):
    c, before = failed
    c.advance(at)
    on2 = {p["status"]["podIP"] for p in before.values() if p["spec"]["nodeName"] == "node-2"}
    eps = endpoints_of(c, "web")
    count = {"all": len(on2), "none": 0}
    assert on2 and _node_ready(c, "node-2") == node_status
    assert sum(1 for ip in on2 if eps.get(ip, {}).get("ready")) == count[ready_on_node2]
    assert sum(1 for p in live_pods(c, prefix="web-") if p["spec"]["nodeName"] == "node-2") == count[live_on_node2]


def test_node_not_ready_is_printed_and_tainted(failed):
    c, _ = failed
    c.advance(50)
    line = c.kubectl("get nodes").splitlines()[2].split()
    assert line[:2] == ["node-2", "NotReady"]
    taints = {(t["key"], t["effect"]) for t in c.get("node", "node-2")["spec"]["taints"]}
    assert taints == {("node.kubernetes.io/unreachable", "NoSchedule"), ("node.kubernetes.io/unreachable", "NoExecute")}


def test_evicted_pods_are_recreated_elsewhere_with_new_ips(failed):
    c, before = failed
    c.advance(350)
    live = live_pods(c, prefix="web-")
    evicted = sum(1 for p in before.values() if p["spec"]["nodeName"] == "node-2")
    assert len(live) == 4
    # The replacements cannot go to the failed node, nor to the control plane (its taint).
    assert all(p["spec"]["nodeName"] == "node-3" for p in live)
    old_ips = {p["status"]["podIP"] for p in before.values()}
    new = [p for p in live if p["metadata"]["name"] not in before]
    assert len(new) == evicted and all(p["status"]["podIP"] not in old_ips for p in new)
    # The evicted pods stay Terminating while their kubelet is unreachable.
    assert c.kubectl("get pods").count("Terminating") == evicted
    # Requests keep working through the pods on node-3.
    assert {c.request("http://web", from_pod=f"default/{live[0]['metadata']['name']}").status for _ in range(8)} == {200}


def test_recover_node(failed):
    c, _ = failed
    c.advance(350)
    c.recover_node("node-2")
    assert _node_ready(c, "node-2") == "True"
    assert "taints" not in c.get("node", "node-2")["spec"]
    assert "Terminating" not in c.kubectl("get pods")  # the kubelet finishes the deletions
    assert len(live_pods(c, prefix="web-")) == 4


def test_recover_before_grace_period_changes_nothing(failed):
    c, before = failed
    c.advance(30)
    c.recover_node("node-2")
    c.advance(400)
    assert _node_ready(c, "node-2") == "True"
    assert {p["metadata"]["name"] for p in live_pods(c, prefix="web-")} == set(before)


@pytest.mark.parametrize("method", ["fail_node", "recover_node"])
def test_unknown_node(method):
    with pytest.raises(NotFoundError, match='nodes "node-9" not found'):
        getattr(Cluster(seed=0), method)("node-9")


@pytest.mark.parametrize("at, ready_column, status_column, ready_condition, node_not_ready_events", [
    # Before the grace period nothing has changed.
    pytest.param(49, "1/1", "Running", "True", 0, id="within-grace-period"),
    # pkg/controller/util/node MarkPodsNotReady: only the pod's Ready condition turns False and a
    # Warning NodeNotReady "Node is not ready" event is recorded per pod; the container statuses
    # are the (silent) kubelet's, so kubectl's READY column (ready containers) stays 1/1.
    pytest.param(50, "1/1", "Running", "False", 1, id="MarkPodsNotReady-condition-only"),
    # Taint-based eviction: the pod is deleted; kubectl prints Terminating for a deletionTimestamp.
    pytest.param(350, "1/1", "Terminating", "False", 1, id="evicted-still-1/1"),
])
def test_pods_of_a_dead_node_keep_ready_1_of_1(failed, at, ready_column, status_column, ready_condition,
                                               node_not_ready_events):
    c, before = failed
    victim = next(n for n, p in sorted(before.items()) if p["spec"]["nodeName"] == "node-2")
    c.advance(at)
    row = next(line.split() for line in c.kubectl("get pods").splitlines() if line.startswith(victim))
    assert (row[1], row[2]) == (ready_column, status_column)
    pod = c.get("pod", victim)
    assert next(x["status"] for x in pod["status"]["conditions"] if x["type"] == "Ready") == ready_condition
    events = [e for e in c.list("Event") if e["reason"] == "NodeNotReady" and e["involvedObject"]["name"] == victim]
    assert len(events) == node_not_ready_events
    assert all((e["type"], e["message"]) == ("Warning", "Node is not ready") for e in events)
