"""resolvers_graph: each pod points at the first nameserver of the resolv.conf the kubelet
wrote (dns.go GetPodDNS / getPodDNSType); the cluster DNS forwards to the node's resolver
(kubeadm's ``forward . /etc/resolv.conf``)."""
from __future__ import annotations

import pytest

from k8snet import Cluster
from k8snet.render.resolvers import resolvers_graph

PODS = """apiVersion: v1
kind: Pod
metadata: {name: a}
spec: {containers: [{name: c, image: busybox}]}
---
apiVersion: v1
kind: Pod
metadata: {name: b}
spec: {hostNetwork: true, containers: [{name: c, image: busybox}]}
---
apiVersion: v1
kind: Pod
metadata: {name: d}
spec: {dnsPolicy: None, dnsConfig: {nameservers: [1.1.1.1]}, containers: [{name: c, image: busybox}]}
"""


@pytest.fixture(scope="module")
def cluster():
    c = Cluster(nodes=2, seed=1)
    c.apply(PODS)
    c.advance(5)
    return c


# (pod, the server its edge goes to, rule)
ROWS = [("a", "10.96.0.10", "dns.go podDNSCluster: the cluster DNS"),
        ("b", "192.168.49.1", "dns.go getPodDNSType: ClusterFirst + hostNetwork -> the node's resolv.conf"),
        ("d", "1.1.1.1", "dns.go podDNSNone: dnsConfig's nameserver")]


@pytest.mark.parametrize("pod, server, rule", ROWS, ids=[r[0] for r in ROWS])
def test_each_pod_points_at_its_first_nameserver(cluster, pod, server, rule):
    g = resolvers_graph(cluster, [f"default/{p}" for p, _, _ in ROWS])
    assert f'"pod/default/{pod}" -> "ns/{server}"' in g.source


def test_cluster_dns_forwards_to_the_node_resolver(cluster):
    g = resolvers_graph(cluster, ["default/a"])
    assert '"ns/10.96.0.10" -> "ns/192.168.49.1"' in g.source and '"ns/192.168.49.1" -> internet' in g.source
    assert repr(g) == "<Digraph: 1 pods and the resolvers they ask>"
