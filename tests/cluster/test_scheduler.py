"""kube-scheduler's filters and its FailedScheduling wording, and the kubelet when the node's
pod range is full.

Rules: the default scheduling profile's filter plugins (NodeUnschedulable, TaintToleration,
NodeAffinity, NodeResourcesFit with the node's ``allocatable.pods``, which is the kubelet's
``--max-pods``, 110 by default); ``FitError.Error()`` (pkg/scheduler/framework/types.go: "0/N
nodes are available:" then the reasons as "count reason", sorted, then the PostFilter
message); the default preemption plugin ("No preemption victims found for incoming pod" when
every pod has the same priority, "Preemption is not helpful for scheduling" for a reason
preemption cannot change); core/v1 Toleration.ToleratesTaint; host-local IPAM's "no IP
addresses available in range set".
"""
from __future__ import annotations

import pytest

from k8snet import Cluster
from k8snet.controllers.nodes import _filter

from .objects import deployment, pod


def _pending(c: Cluster) -> list[dict]:
    return [p for p in c.list("Pod") if not p["spec"].get("nodeName")]


def _last_failed_scheduling(c: Cluster, name: str) -> str:
    events = [e for e in c.list("Event") if e["reason"] == "FailedScheduling"
              and e["involvedObject"]["name"] == name]
    return events[-1]["message"]


def _node(name="n", *, taints=(), unschedulable=False, labels=None, pods="110", ready=True):
    return {"metadata": {"name": name, "labels": labels or {"kubernetes.io/hostname": name}},
            "spec": {"taints": list(taints), **({"unschedulable": True} if unschedulable else {})},
            "status": {"allocatable": {"pods": pods},
                       "conditions": [{"type": "Ready", "status": "True" if ready else "Unknown"}]}}


def _pod(tolerations=(), node_selector=None):
    spec = {"containers": [{"name": "app", "image": "nginx"}], "tolerations": list(tolerations)}
    if node_selector:
        spec["nodeSelector"] = node_selector
    return {"metadata": {"name": "p", "namespace": "default"}, "spec": spec}


UNREACHABLE = {"key": "node.kubernetes.io/unreachable", "effect": "NoSchedule"}
FILTERS = [
    ("fits", _pod(), _node(), 0, None),
    ("NodeUnschedulable: a cordoned node", _pod(), _node(unschedulable=True), 0, "node(s) were unschedulable"),
    ("NodeUnschedulable: tolerating node.kubernetes.io/unschedulable",
     _pod([{"key": "node.kubernetes.io/unschedulable", "operator": "Exists", "effect": "NoSchedule"}]),
     _node(unschedulable=True), 0, None),
    ("TaintToleration: names the first untolerated taint as {key: value}", _pod(), _node(taints=[UNREACHABLE]), 0,
     "node(s) had untolerated taint {node.kubernetes.io/unreachable: }"),
    ("TaintToleration: a value is shown", _pod(), _node(taints=[{"key": "gpu", "value": "a100", "effect": "NoSchedule"}]),
     0, "node(s) had untolerated taint {gpu: a100}"),
    ("TaintToleration: PreferNoSchedule does not filter", _pod(),
     _node(taints=[{"key": "gpu", "effect": "PreferNoSchedule"}]), 0, None),
    ("ToleratesTaint: Exists without a key tolerates every taint", _pod([{"operator": "Exists"}]),
     _node(taints=[UNREACHABLE]), 0, None),
    ("ToleratesTaint: Equal needs the same value",
     _pod([{"key": "gpu", "operator": "Equal", "value": "t4", "effect": "NoSchedule"}]),
     _node(taints=[{"key": "gpu", "value": "a100", "effect": "NoSchedule"}]), 0, "node(s) had untolerated taint {gpu: a100}"),
    ("ToleratesTaint: another effect does not tolerate",
     _pod([{"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}]),
     _node(taints=[UNREACHABLE]), 0, "node(s) had untolerated taint {node.kubernetes.io/unreachable: }"),
    ("NodeAffinity: nodeSelector must match every label", _pod(node_selector={"disk": "ssd"}), _node(), 0,
     "node(s) didn't match Pod's node affinity/selector"),
    ("NodeResourcesFit: the 111th pod on a node with allocatable pods 110", _pod(), _node(), 110, "Too many pods"),
    ("NodeResourcesFit: the 110th still fits", _pod(), _node(), 109, None),
    ("filters run in order: a taint is reported before a full node", _pod(), _node(taints=[UNREACHABLE]), 110,
     "node(s) had untolerated taint {node.kubernetes.io/unreachable: }"),
]


@pytest.mark.parametrize("why, p, node, on_node, want", FILTERS, ids=[r[0] for r in FILTERS])
def test_filter_plugins(why, p, node, on_node, want):
    assert _filter(p, node, on_node) == want


def test_too_many_pods_leaves_the_rest_pending_with_the_schedulers_words():
    # The control plane (node-1) is tainted NoSchedule; its two workers hold 2 x 110 pods, 5
    # of them already taken by kube-proxy x2, calico-node x2 and one coredns (the other runs
    # on the control plane, whose taint it tolerates as kubeadm's manifest says).
    c = Cluster(3, seed=3)
    c.apply(deployment(replicas=300))
    running = [p for p in c.list("Pod") if p["status"].get("phase") == "Running"]
    pending = _pending(c)
    assert (len(running), len(pending)) == (215, 85)
    assert _last_failed_scheduling(c, pending[0]["metadata"]["name"]) == (
        "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, "
        "2 Too many pods. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, "
        "2 No preemption victims found for incoming pod.")
    cond = pending[0]["status"]["conditions"][0]
    assert (cond["type"], cond["status"], cond["reason"]) == ("PodScheduled", "False", "Unschedulable")


def test_pending_pods_are_placed_when_pods_go_away():
    # The scheduling queue moves unschedulable pods back when an assigned pod is deleted.
    c = Cluster(3, seed=3)
    c.apply(deployment(replicas=300))
    c.apply(pod("filler"))  # pending too
    c.apply(deployment(replicas=200))
    assert _pending(c) == []
    assert c.get("pod", "filler")["status"]["phase"] == "Running"


def test_mixed_reasons_are_counted_and_sorted():
    # node-2 is down (unreachable taint after the 50 s grace period); the pod wants node-2 only.
    # On the control plane TaintToleration fails first (it runs before NodeAffinity).
    c = Cluster(3, seed=3)
    c.fail_node("node-2")
    c.advance(60)
    p = pod("pinned")
    p["spec"]["nodeSelector"] = {"kubernetes.io/hostname": "node-2"}
    c.apply(p)
    assert _last_failed_scheduling(c, "pinned") == (
        "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, "
        "1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, "
        "1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }. "
        "preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.")


def test_full_pod_range_keeps_pods_container_creating_until_an_ip_is_free():
    # A /28 per node holds 13 pod IPs (.2-.14; .1 is the gateway) - fewer than --max-pods 110.
    c = Cluster(1, node_cidr_mask_size=28, seed=3)
    c.apply(deployment(replicas=14))  # + 2 CoreDNS pods = 16 pods wanting 13 addresses
    c.advance(10)
    waiting = [p for p in c.list("Pod") if not p["status"].get("podIP")]
    assert len(waiting) == 3
    st = waiting[0]["status"]
    assert st["phase"] == "Pending"
    assert st["containerStatuses"][0]["state"] == {"waiting": {"reason": "ContainerCreating"}}
    assert "ContainerCreating" in c.kubectl("get pods")
    sandbox = [e for e in c.list("Event") if e["reason"] == "FailedCreatePodSandBox"]
    assert sandbox and sandbox[0]["message"].endswith(
        "failed to allocate for range 0: no IP addresses available in range set: 10.244.0.1-10.244.0.14")
    c.apply(deployment(replicas=10))
    c.advance(10)  # the kubelet retries the sandbox
    assert all(p["status"].get("podIP") for p in c.list("Pod"))


def test_nodes_by_load_index_matches_the_pods_on_each_node():
    """The scheduler takes the emptiest nodes from an index kept by watch events; after
    scheduling, deleting, node failure and eviction it must equal a fresh count."""
    c = Cluster(3, seed=5)
    c.apply(deployment(replicas=40))
    c.apply(deployment(replicas=7))
    c.fail_node("node-2")
    c.advance(400)  # evicted and recreated elsewhere
    c.recover_node("node-2")
    c.advance(5)
    counts = {n["metadata"]["name"]: 0 for n in c.list("Node")}
    for p in c.store.items("Pod"):
        if p["spec"].get("nodeName") and p["status"].get("phase") not in ("Succeeded", "Failed"):
            counts[p["spec"]["nodeName"]] += 1
    by_load: dict[int, set[str]] = {}
    for node, k in counts.items():
        by_load.setdefault(k, set()).add(node)
    assert c.controllers.idx.by_load == by_load


def test_lifecycle_controller_keeps_the_unschedulable_taint_in_step_with_the_field():
    """TaintNodesByCondition: whoever sets spec.unschedulable (kubectl cordon, an edit, an
    apply), the controller adds node.kubernetes.io/unschedulable:NoSchedule, stamped with
    timeAdded (SwapNodeControllerTaint), and removes it when the field goes."""
    c = Cluster(2, seed=1)
    node = c.get("node", "node-2")
    node["spec"]["unschedulable"] = True
    c.api.update(node)
    c.controllers.run()
    taints = c.get("node", "node-2")["spec"]["taints"]
    assert [(t["key"], t["effect"]) for t in taints] == [("node.kubernetes.io/unschedulable", "NoSchedule")]
    assert "timeAdded" in taints[0]
    node = c.get("node", "node-2")
    del node["spec"]["unschedulable"]
    c.api.update(node)
    c.controllers.run()
    assert "taints" not in c.get("node", "node-2")["spec"]


def test_unreachable_taints_are_stamped_with_time_added():
    # A real NotReady node lists both unreachable taints, each with timeAdded.
    c = Cluster(2, seed=1)
    c.fail_node("node-2")
    c.advance(50)
    taints = c.get("node", "node-2")["spec"]["taints"]
    assert [(t["key"], t["effect"], "timeAdded" in t) for t in taints] == [
        ("node.kubernetes.io/unreachable", "NoSchedule", True), ("node.kubernetes.io/unreachable", "NoExecute", True)]
