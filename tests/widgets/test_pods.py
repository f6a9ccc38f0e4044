"""Chapter 01's PodIPsView, without a browser: actions change pods and IPs as upstream does."""
from __future__ import annotations

import ipaddress

import pytest

from k8snet import Cluster
from k8snet.widgets.pods import PodIPsView, node_rows, pod_rows

from ..cluster.objects import deployment, manifest

WEB = manifest(deployment(replicas=4, container="nginx", ports=[]))


def view(nodes=2, seed=1):
    c = Cluster(nodes=nodes, seed=seed)
    c.apply(WEB)
    return PodIPsView(c, picture=False)


@pytest.mark.parametrize("nodes", [1, 2, 3], ids=lambda n: f"{n}-nodes")
def test_each_node_gets_the_next_24(nodes):
    """kube-controller-manager node IPAM (--node-cidr-mask-size=24): node i gets 10.244.(i-1).0/24."""
    c = Cluster(nodes=nodes, seed=0)
    assert [r[3] for r in node_rows(c)] == [f"10.244.{i}.0/24" for i in range(nodes)]


def test_pod_ips_lie_in_their_nodes_range():
    """The CNI's host-local IPAM allocates from the node's spec.podCIDR."""
    v = view()
    rows = pod_rows(v.cluster)
    assert len(rows) == 4 and {r[5] for r in rows} == {"yes"}
    cidr = {r[0]: r[3] for r in node_rows(v.cluster)}
    for r in rows:
        assert ipaddress.ip_address(r[3]) in ipaddress.ip_network(cidr[r[4]])


def test_deleting_a_pod_brings_a_new_name_and_ip():
    """ReplicaSet controller: a deleted replica is replaced by a new pod (new name, new IP)."""
    v = view()
    before = {r[0]: r[3] for r in pod_rows(v.cluster)}
    victim = sorted(before)[0]
    line = v.delete_pod(victim)
    assert f'pod "{victim}" deleted' in line
    after = {r[0]: r[3] for r in pod_rows(v.cluster)}
    new = set(after) - set(before)
    assert victim not in after and len(new) == 1
    assert after[new.pop()] != before[victim]
    states = {(row[1], row[3]) for row in v.ledger_rows()}
    assert (victim, "gone") in states


@pytest.mark.parametrize("wait,node_status,replaced", [
    (40, "Ready", False),      # before --node-monitor-grace-period (50 s)
    (60, "NotReady", False),   # NotReady, pods tolerate unreachable:NoExecute for 300 s
    (360, "NotReady", True),   # 50 + 300 s: evicted, the ReplicaSet's replacements run elsewhere
], ids=["t40", "t60", "t360"])
def test_node_failure_timeline(wait, node_status, replaced):
    v = view(nodes=3)  # node-1 is the tainted control plane: replacements go to node-3
    on_2 = {r[0] for r in pod_rows(v.cluster) if r[4] == "node-2"}
    v.fail_node("node-2")
    v.advance(wait)
    assert dict((r[0], r[1]) for r in node_rows(v.cluster))["node-2"] == node_status
    running_elsewhere = [r for r in pod_rows(v.cluster) if r[4] == "node-3" and r[0] not in on_2 and r[1] == "Running"]
    assert (len(running_elsewhere) == 4) is replaced
    if wait >= 60:
        assert all(r[2] == "no" for r in pod_rows(v.cluster) if r[0] in on_2)


def test_render_areas_and_log():
    v = view()
    v.fail_node("node-2")
    out = v.render()
    assert set(out) == {"log", "nodes", "pods", "ledger", "picture"}
    assert "node-2 powered off" in out["log"] and "10.244.1.0/24" in out["nodes"]
    assert out["picture"] == ""  # picture=False


def test_widget_buttons_drive_the_view():
    """Clicking in ipywidgets (no frontend needed) runs the action and refreshes the HTML areas."""
    v = view()
    box = v.widget()
    assert box.children
    first = v._controls["pod"].value
    v._controls["delete"].click()
    assert first not in v._controls["pod"].options
    assert "deleted" in v._areas["log"].value


def test_same_seed_same_output():
    outs = []
    for _ in range(2):
        v = view(seed=7)
        v.delete_pod(v.pod_names()[0])
        v.fail_node("node-1")
        v.advance(400)
        outs.append(v.render())
    assert outs[0] == outs[1]
