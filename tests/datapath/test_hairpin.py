"""Hairpin traffic: a pod that reaches its own Service and lands on itself.

Rules: pkg/proxy/iptables/proxier.go (each KUBE-SEP chain starts with
``-s <endpoint IP>/32 -j KUBE-MARK-MASQ``), nftables proxier (``ip saddr <ep> jump
mark-for-masquerade``), ipvs proxier (KUBE-LOOP-BACK); the kernel's MASQUERADE target takes the
address of the interface the packet leaves by: the node's address when the host side of a pod's
veth has none (Calico, Cilium), the node range's gateway on a bridge (flannel's cni0) or kindnet's
ptp veths."""
from __future__ import annotations

import pytest

from k8snet import Cluster

ECHO = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: echo}
spec:
  replicas: 1
  selector: {matchLabels: {app: echo}}
  template:
    metadata: {labels: {app: echo}}
    spec:
      containers: [{name: echo, image: registry.k8s.io/echoserver:1.10, ports: [{containerPort: 8080}]}]
---
apiVersion: v1
kind: Service
metadata: {name: echo}
spec:
  selector: {app: echo}
  ports: [{port: 80, targetPort: 8080}]
"""


@pytest.mark.parametrize("cni,proxy_mode,seen", [
    ("calico", "iptables", "node"), ("calico", "nftables", "node"), ("calico", "ipvs", "node"),
    ("cilium", "iptables", "node"),
    ("flannel", "iptables", "gateway"), ("kindnet", "iptables", "gateway"), ("kindnet", "nftables", "gateway"),
], ids=lambda v: str(v))
def test_hairpin_lands_on_itself_masqueraded(cni, proxy_mode, seen):
    c = Cluster(nodes=2, cni=cni, proxy_mode=proxy_mode)
    c.apply(ECHO)
    (pod,) = c.list("pods", "default")
    r = c.request("http://echo", from_pod=pod["metadata"]["name"])
    assert r.pod == f'default/{pod["metadata"]["name"]}', r.explain()
    assert "source masqueraded" in r.explain()
    node = c.get("node", pod["spec"]["nodeName"])
    want = (node["status"]["addresses"][0]["address"] if seen == "node"
            else node["spec"]["podCIDR"].rsplit(".", 1)[0] + ".1")
    assert f"client_address={want}\n" in r.body
