"""``Cluster(...)`` arguments as the contract states them, and clear errors for bad values."""
from __future__ import annotations

import pytest

from k8snet import Cluster
from k8snet.errors import K8sNetError


@pytest.mark.parametrize("kwargs, check", [
    pytest.param({}, lambda c: [n["metadata"]["name"] for n in c.list("Node")] == ["node-1", "node-2"],
                 id="default-two-nodes"),
    pytest.param({"nodes": 4}, lambda c: [n["metadata"]["name"] for n in c.list("Node")]
                 == ["node-1", "node-2", "node-3", "node-4"], id="count"),
    pytest.param({"nodes": ["alpha", "beta"]}, lambda c: [n["metadata"]["name"] for n in c.list("Node")]
                 == ["alpha", "beta"], id="names"),
    pytest.param({"cni": "flannel"}, lambda c: c.cni == "flannel", id="cni"),
    pytest.param({"proxy_mode": "ipvs", "ipvs_scheduler": "sh"},
                 lambda c: (c.proxy_mode, c.ipvs_scheduler) == ("ipvs", "sh"), id="ipvs-scheduler"),
    pytest.param({"proxy_mode": "nftables"}, lambda c: "table ip kube-proxy" in c.nft("node-1"), id="nftables"),
    pytest.param({"cloud": "gcp"}, lambda c: c.cloud == "gcp", id="cloud"),
    # minikube addons enable ingress-nginx: namespace ingress-nginx and IngressClass nginx.
    pytest.param({"addons": ["ingress-nginx"]},
                 lambda c: c.get("ingressclass", "nginx")["spec"]["controller"] == "k8s.io/ingress-nginx",
                 id="addon-ingress-nginx"),
    pytest.param({"addons": ["gateway"]},
                 lambda c: c.get("gatewayclass", "k8snet")["spec"]["controllerName"] == "k8snet.io/gateway-controller",
                 id="addon-gateway"),
    pytest.param({"seed": 42}, lambda c: c.seed == 42, id="seed"),
])
def test_accepted_arguments(kwargs, check):
    assert check(Cluster(**kwargs))


@pytest.mark.parametrize("kwargs, words", [
    pytest.param({"cni": "contrail"}, ["cni='contrail'", "'calico'", "'flannel'"], id="unknown-cni"),
    pytest.param({"proxy_mode": "userspace"}, ["proxy_mode='userspace'", "'iptables'", "'nftables'", "'ipvs'"],
                 id="proxy-mode-userspace-removed"),
    pytest.param({"proxy_mode": "ipvs", "ipvs_scheduler": "wrr"}, ["ipvs_scheduler='wrr'", "'rr'", "'lc'", "'sh'"],
                 id="ipvs-scheduler"),
    pytest.param({"cloud": "openstack"}, ["cloud='openstack'", "'aws'"], id="cloud"),
    pytest.param({"addons": ["metallb"]}, ["addon='metallb'", "'ingress-nginx'", "'gateway'"], id="addon"),
    pytest.param({"nodes": 0}, ["nodes=0"], id="zero-nodes"),
    pytest.param({"nodes": []}, ["nodes"], id="empty-node-list"),
    pytest.param({"nodes": ["a", "a"]}, ["distinct"], id="duplicate-node-names"),
    # kube-controller-manager node-ipam: --cluster-cidr 10.244.0.0/16, --node-cidr-mask-size 24 gives
    # 256 node ranges; the 257th node would get no podCIDR (CIDRNotAvailable).
    pytest.param({"nodes": 257}, ["nodes=257", "256"], id="more-nodes-than-pod-ranges"),
])
def test_bad_arguments_raise_clear_errors(kwargs, words):
    with pytest.raises(K8sNetError) as info:
        Cluster(**kwargs)
    for w in words:
        assert w in str(info.value)


def test_addon_can_be_enabled_later():
    # contract: "Both can also be enabled later with enable_addon(name)"; enabling twice is a no-op.
    c = Cluster(seed=0)
    c.enable_addon("ingress-nginx")
    assert c.enable_addon("ingress-nginx") == []
    assert c.get("svc", "ingress-nginx-controller", "ingress-nginx")["spec"]["type"] == "LoadBalancer"
