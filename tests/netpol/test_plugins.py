"""What each CNI does with NetworkPolicy, and ipBlock against cluster addresses.

Sources: network-policies.md#prerequisites (no enforcement without a plugin that
implements it), #behavior-of-to-and-from-selectors (ipBlock: "should be cluster-external
IPs"; pod IPs implementation-defined), #networkpolicy-and-hostnetwork-pods; Calico and
kube-network-policies (kind >= v0.24) match ipBlock on any address; Cilium's "CIDR rules do
not apply to traffic where both sides ... are managed by Cilium or use an IP belonging to a
node" (cilium policy/language.rst); e2e "should allow egress access to server in CIDR block".
"""
from __future__ import annotations

import pytest

from k8snet.netpol import PLUGINS, evaluate, matrix

from ._model import ip_of, match, model, pod, policy

PODS, NAMESPACES = model()
DENY_X = policy("deny-all", ingress=[])
EGRESS_TO_YB_IP = policy("allow-client-a-via-cidr-egress-rule", pod_selector=match(pod="a"),
                         egress=[{"to": [{"ipBlock": {"cidr": ip_of(PODS, "y/b") + "/32"}}]}])
INGRESS_FROM_POD_CIDR = policy("from-pod-cidr", pod_selector=match(pod="a"),
                               ingress=[{"from": [{"ipBlock": {"cidr": "10.244.0.0/16"}}]}])
INGRESS_FROM_NODES = policy("from-nodes", pod_selector=match(pod="a"),
                            ingress=[{"from": [{"ipBlock": {"cidr": "172.18.0.0/16"}}]}])
AGENT = pod("kube-system", "agent", ip="172.18.0.3", host_ip="172.18.0.3", node="node-2", host_network=True)

ROWS = [
    # id, source, cni, policies, src, dst, allowed
    ("calico-enforces", "#prerequisites", "calico", [DENY_X], "y/a", "x/a", False),
    ("cilium-enforces", "#prerequisites", "cilium", [DENY_X], "y/a", "x/a", False),
    ("weave-enforces", "#prerequisites", "weave", [DENY_X], "y/a", "x/a", False),
    ("kindnet-enforces", "kind v0.24.0 (kubernetes-sigs/kind#3612)", "kindnet", [DENY_X], "y/a", "x/a", False),
    ("flannel-ignores", "#prerequisites: no effect without an implementation", "flannel", [DENY_X], "y/a", "x/a", True),
    ("calico-ipblock-pod-egress", "e2e: should allow egress access to server in CIDR block", "calico",
     [EGRESS_TO_YB_IP], "x/a", "y/b", True),
    ("kindnet-ipblock-pod-egress", "e2e: should allow egress access to server in CIDR block", "kindnet",
     [EGRESS_TO_YB_IP], "x/a", "y/b", True),
    ("cilium-ipblock-pod-egress", "cilium: CIDR rules do not apply between managed endpoints", "cilium",
     [EGRESS_TO_YB_IP], "x/a", "y/b", False),
    ("calico-ipblock-other-pod", "e2e: should allow egress access to server in CIDR block", "calico",
     [EGRESS_TO_YB_IP], "x/a", "y/a", False),
    ("calico-ipblock-pod-ingress", "ipBlock peer matched against the source pod's IP", "calico",
     [INGRESS_FROM_POD_CIDR], "z/c", "x/a", True),
    ("cilium-ipblock-pod-ingress", "cilium: pods are matched by identity, not CIDR", "cilium",
     [INGRESS_FROM_POD_CIDR], "z/c", "x/a", False),
    ("calico-ipblock-external", "ipBlock: cluster-external IPs", "calico",
     [INGRESS_FROM_POD_CIDR], "10.244.99.1", "x/a", True),
    ("cilium-ipblock-external", "ipBlock: cluster-external IPs (world)", "cilium",
     [INGRESS_FROM_POD_CIDR], "10.244.99.1", "x/a", True),
    ("calico-hostnetwork-by-ipblock", "#networkpolicy-and-hostnetwork-pods: allow via ipBlock", "calico",
     [INGRESS_FROM_NODES], "kube-system/agent", "x/a", True),
    ("calico-hostnetwork-not-by-selector", "#networkpolicy-and-hostnetwork-pods: selectors ignore them", "calico",
     [policy("from-kube-system", pod_selector=match(pod="a"), ingress=[{"from": [{"namespaceSelector": {}}]}])],
     "kube-system/agent", "x/a", False),
    ("cilium-hostnetwork-not-by-ipblock", "cilium: CIDR rules do not apply to node IPs", "cilium",
     [INGRESS_FROM_NODES], "kube-system/agent", "x/a", False),
]


@pytest.mark.parametrize("row_id,source,cni,policies,src,dst,want", ROWS, ids=[r[0] for r in ROWS])
def test_plugin_behaviour(row_id, source, cni, policies, src, dst, want):
    v = evaluate(policies, PODS + [AGENT], NAMESPACES, src=src, dst=dst, port=80, cni=cni)
    assert bool(v) is want, v.reason
    # The matrix agrees cell by cell with evaluate(), for every plugin.
    if "/" in src and "/" in dst:
        m = matrix(policies, PODS + [AGENT], NAMESPACES, ports=(80,), cni=cni)
        assert m.allowed(src, dst) is want


def test_flannel_reason_names_what_an_enforcing_cni_would_do():
    v = evaluate([DENY_X], PODS, NAMESPACES, src="y/a", dst="x/a", port=80, cni="flannel")
    assert v and not v.enforced and not v.ingress_policies
    assert v.reason == ("allowed: the flannel CNI accepts NetworkPolicy objects but does not enforce them "
                        "(a CNI that enforces them would deny it: x/deny-all isolates x/a for ingress and "
                        "no policy allows y/a on TCP/80)")


def test_flannel_matrix_is_all_allowed():
    m = matrix([DENY_X, policy("deny-egress", "y", egress=[])], PODS, NAMESPACES, ports=(80, 81), cni="flannel")
    assert all(all(row) for port in (80, 81) for _, row in m.rows(port))


@pytest.mark.parametrize("name", sorted(PLUGINS))
def test_every_plugin_is_documented(name):
    assert PLUGINS[name].name == name
    assert PLUGINS[name].enforces is (name != "flannel")
