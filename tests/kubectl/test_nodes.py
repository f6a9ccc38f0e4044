"""``kubectl cordon`` / ``uncordon`` / ``taint`` and what the scheduler then does.

Rules: kubectl/pkg/drain/cordon.go (spec.unschedulable, "already cordoned"), the node
lifecycle controller's TaintNodesByCondition (node.kubernetes.io/unschedulable:NoSchedule),
kubectl/pkg/cmd/taint/taint.go and pkg/util/taints (ReorganizeTaints: added taints first,
"tainted" / "untainted" / "modified"; CheckIfTaintsAlreadyExists; "taint %q not found"),
the get-nodes printer's "SchedulingDisabled", and kube-scheduler's NodeUnschedulable and
TaintToleration filters.
"""
from __future__ import annotations

import pytest

from k8snet import Cluster


def _taints(c: Cluster, node: str) -> list[tuple]:
    return [(t["key"], t.get("value"), t["effect"]) for t in c.get("node", node)["spec"].get("taints") or []]


STEPS = [  # (commands run in order, what the last prints, node-2's taints afterwards (a worker))
    (["cordon node-2"], "node/node-2 cordoned\n", [("node.kubernetes.io/unschedulable", None, "NoSchedule")]),
    (["cordon node-2", "cordon node-2"], "node/node-2 already cordoned\n",
     [("node.kubernetes.io/unschedulable", None, "NoSchedule")]),
    (["cordon node-2", "uncordon node-2"], "node/node-2 uncordoned\n", []),
    (["uncordon node-2"], "node/node-2 already uncordoned\n", []),
    (["taint nodes node-2 dedicated=db:NoSchedule"], "node/node-2 tainted\n", [("dedicated", "db", "NoSchedule")]),
    (["taint node node-2 gpu:NoSchedule"], "node/node-2 tainted\n", [("gpu", None, "NoSchedule")]),
    # ReorganizeTaints: the new taint first, then the old ones it does not replace.
    (["taint nodes node-2 a=1:NoSchedule", "taint nodes node-2 b=2:PreferNoSchedule"], "node/node-2 tainted\n",
     [("b", "2", "PreferNoSchedule"), ("a", "1", "NoSchedule")]),
    (["taint nodes node-2 a=1:NoSchedule", "taint nodes node-2 a=2:NoSchedule"],
     "error: Node node-2 already has a taint(s) with same effect(s) and --overwrite is false",
     [("a", "1", "NoSchedule")]),
    (["taint nodes node-2 a=1:NoSchedule", "taint nodes node-2 a=2:NoSchedule --overwrite"], "node/node-2 modified\n",
     [("a", "2", "NoSchedule")]),
    (["taint nodes node-2 a=1:NoSchedule", "taint nodes node-2 a=1:NoExecute"], "node/node-2 tainted\n",
     [("a", "1", "NoExecute"), ("a", "1", "NoSchedule")]),
    (["taint nodes node-2 a=1:NoSchedule", "taint nodes node-2 a:NoSchedule-"], "node/node-2 untainted\n", []),
    # "key-" removes the key with every effect.
    (["taint nodes node-2 a=1:NoSchedule", "taint nodes node-2 a=1:NoExecute", "taint nodes node-2 a-"],
     "node/node-2 untainted\n", []),
    (["taint nodes node-2 a=1:NoSchedule", "taint nodes node-2 b=1:NoSchedule a-"], "node/node-2 modified\n",
     [("b", "1", "NoSchedule")]),
    (["taint nodes node-2 a:NoSchedule-"], 'error: taint "a:NoSchedule" not found', []),
    (["taint nodes node-2 a=1:Sometimes"],
     "error: invalid taint spec: a=1:Sometimes, invalid taint effect: Sometimes, unsupported taint effect", []),
    (["taint nodes node-2"], "error: at least one taint update is required", []),
    (["cordon node-9"], 'Error from server (NotFound): nodes "node-9" not found', []),
]


@pytest.mark.parametrize("commands, printed, taints", STEPS, ids=[" ; ".join(s[0]) for s in STEPS])
def test_cordon_and_taint(commands, printed, taints):
    c = Cluster(2, seed=1)
    for cmd in commands:
        out = c.kubectl(cmd)
    assert out == printed
    assert _taints(c, "node-2") == taints


def test_no_execute_taints_get_time_added_others_do_not():
    # core/v1 Taint.timeAdded: "It is only written for NoExecute taints."
    c = Cluster(1)
    c.kubectl("taint nodes node-1 a=1:NoExecute b=2:NoSchedule")
    by_key = {t["key"]: t for t in c.get("node", "node-1")["spec"]["taints"]}
    assert "timeAdded" in by_key["a"] and "timeAdded" not in by_key["b"]


def test_a_cordoned_node_shows_scheduling_disabled_and_gets_no_new_pods():
    c = Cluster(3, seed=1)  # node-1 is the tainted control plane, node-2 and node-3 workers
    c.kubectl("cordon node-2")
    assert "Ready,SchedulingDisabled" in c.kubectl("get node node-2")
    c.kubectl("create deployment web --image=nginx --replicas=4")
    nodes = {p["spec"]["nodeName"] for p in c.list("Pod") if p["metadata"]["name"].startswith("web-")}
    assert nodes == {"node-3"}


def test_pods_wait_when_every_node_is_cordoned_or_tainted_and_run_once_tolerated():
    c = Cluster(2, seed=1)
    c.kubectl("cordon node-1")
    c.kubectl("taint nodes node-2 team=blue:NoSchedule")
    c.kubectl("run solo --image=nginx")
    assert c.get("pod", "solo")["status"]["phase"] == "Pending"
    event = [e for e in c.list("Event") if e["reason"] == "FailedScheduling"][-1]["message"]
    assert event == ("0/2 nodes are available: 1 node(s) had untolerated taint {team: blue}, "
                     "1 node(s) were unschedulable. preemption: 0/2 nodes are available: "
                     "2 Preemption is not helpful for scheduling.")
    c.kubectl("taint nodes node-2 team-")
    assert c.get("pod", "solo")["spec"]["nodeName"] == "node-2"


def test_recovering_node_keeps_the_taints_a_user_set():
    # The lifecycle controller removes only the taints it manages (unreachable / not-ready).
    c = Cluster(2, seed=1)
    c.kubectl("taint nodes node-2 team=blue:NoSchedule")
    c.fail_node("node-2")
    c.advance(60)
    assert ("node.kubernetes.io/unreachable", None, "NoExecute") in _taints(c, "node-2")
    c.recover_node("node-2")
    assert _taints(c, "node-2") == [("team", "blue", "NoSchedule")]
