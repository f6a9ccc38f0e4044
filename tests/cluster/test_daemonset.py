"""Node agents as DaemonSets: kube-proxy and the CNI's agent on every node, on the node's network.

Upstream rules: kubeadm installs kube-proxy as a DaemonSet (kube-system, k8s-app=kube-proxy,
hostNetwork); each CNI's standard manifest installs its node agent as a DaemonSet; the
DaemonSet controller (pkg/controller/daemon) runs one pod per eligible node; a hostNetwork pod's
IP is its node's (kubelet: PodIPs = HostIPs); DaemonSet pods tolerate the unreachable and
not-ready NoExecute taints, so a failed node's agents are not evicted (daemon/util
AddOrUpdateDaemonPodTolerations).
"""
from __future__ import annotations

import pytest

from k8snet import Cluster


def _ds_pods(c, ns, label):
    return sorted((p for p in c.list("pods", ns) if label in (p["metadata"].get("labels") or {}).items()),
                  key=lambda p: p["spec"]["nodeName"])


@pytest.mark.parametrize("cni,ns,name,label", [
    pytest.param("calico", "kube-system", "calico-node", ("k8s-app", "calico-node"), id="calico: calico-node"),
    pytest.param("cilium", "kube-system", "cilium", ("k8s-app", "cilium"), id="cilium: cilium agent"),
    pytest.param("flannel", "kube-flannel", "kube-flannel-ds", ("app", "flannel"), id="flannel: kube-flannel-ds"),
    pytest.param("weave", "kube-system", "weave-net", ("name", "weave-net"), id="weave: weave-net"),
    pytest.param("kindnet", "kube-system", "kindnet", ("app", "kindnet"), id="kindnet: kindnet"),
])
def test_cni_agent_runs_on_every_node(cni, ns, name, label):
    c = Cluster(nodes=3, cni=cni, seed=1)
    ds = c.get("ds", name, ns)
    assert ds["status"]["desiredNumberScheduled"] == ds["status"]["numberReady"] == 3
    pods = _ds_pods(c, ns, label)
    assert [p["spec"]["nodeName"] for p in pods] == ["node-1", "node-2", "node-3"]


def test_kube_proxy_pods_use_their_node_ip():
    c = Cluster(nodes=3, seed=2)
    pods = _ds_pods(c, "kube-system", ("k8s-app", "kube-proxy"))
    node_ips = {n["metadata"]["name"]: n["status"]["addresses"][0]["address"] for n in c.list("nodes")}
    assert [(p["spec"]["nodeName"], p["status"]["podIP"]) for p in pods] == sorted(node_ips.items())
    out = c.kubectl("get ds kube-proxy -n kube-system")
    assert out.splitlines()[0].split() == ["NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE",
                                           "NODE", "SELECTOR", "AGE"]
    assert out.splitlines()[1].split()[:7] == ["kube-proxy", "3", "3", "3", "3", "3", "kubernetes.io/os=linux"]


def test_host_network_pods_take_no_pod_ip():
    """Pod IPs still start at .2 of each node's range: the agents used none of them."""
    c = Cluster(nodes=2, seed=3)
    coredns = sorted(p["status"]["podIP"] for p in c.list("pods", "kube-system")
                     if p["metadata"]["labels"].get("k8s-app") == "kube-dns")
    assert coredns == ["10.244.0.2", "10.244.1.2"]


def test_deleted_agent_pod_comes_back_on_the_same_node():
    c = Cluster(nodes=2, seed=4)
    victim = _ds_pods(c, "kube-system", ("k8s-app", "kube-proxy"))[0]
    c.delete(f"pod/{victim['metadata']['name']}", "kube-system")
    pods = _ds_pods(c, "kube-system", ("k8s-app", "kube-proxy"))
    assert len(pods) == 2 and victim["metadata"]["name"] not in {p["metadata"]["name"] for p in pods}
    assert {p["spec"]["nodeName"] for p in pods} == {"node-1", "node-2"}


def test_agents_on_a_failed_node_are_not_evicted():
    c = Cluster(nodes=2, seed=5)
    c.fail_node("node-2")
    c.advance(400)  # past the 300 s toleration that evicts ordinary pods
    pods = _ds_pods(c, "kube-system", ("k8s-app", "kube-proxy"))
    on_2 = [p for p in pods if p["spec"]["nodeName"] == "node-2"]
    assert len(on_2) == 1 and not on_2[0]["metadata"].get("deletionTimestamp")


def test_deleting_the_kube_proxy_pod_restarts_kube_proxy_on_that_node():
    """Debug Services guide, 'Is kube-proxy running?': a stuck kube-proxy is restarted by deleting
    its pod; the DaemonSet creates a new one and Service traffic from that node works again."""
    c = Cluster(nodes=2, seed=6)
    c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "client", "labels": {"app": "client"}},
             "spec": {"nodeName": "node-1", "containers": [{"name": "c", "image": "nginx"}]}})
    c.stop_kube_proxy("node-1")
    # Its rules stay: the Services it had seen still work; a new one gets no rule on node-1.
    assert c.request("http://10.96.0.1:443", from_pod="default/client").status == 403
    c.apply({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "self"},
             "spec": {"selector": {"app": "client"}, "ports": [{"port": 80}]}})
    assert c.request("http://self", from_pod="default/client").error == "connection timed out"
    victim = next(p for p in _ds_pods(c, "kube-system", ("k8s-app", "kube-proxy"))
                  if p["spec"]["nodeName"] == "node-1")
    c.kubectl(f"delete pod {victim['metadata']['name']} -n kube-system")
    assert c.request("http://self", from_pod="default/client").status == 200
