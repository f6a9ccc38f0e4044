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
    # kube-controller-manager --node-cidr-mask-size: node-ipam cuts --cluster-cidr into pieces of
    # that size, lowest first; a /25 per node lets 512 nodes share 10.244.0.0/16.
    pytest.param({"nodes": 3, "node_cidr_mask_size": 25},
                 lambda c: [n["spec"]["podCIDR"] for n in c.list("Node")]
                 == ["10.244.0.0/25", "10.244.0.128/25", "10.244.1.0/25"], id="node-cidr-mask-size"),
    # kubeadm init --pod-network-cidr: the cluster CIDR; kube-proxy's ClusterCIDR local-traffic
    # detection follows it (the "! -s <cidr>" masquerade rule).
    pytest.param({"pod_cidr": "192.168.0.0/16"},
                 lambda c: c.get("node", "node-2")["spec"]["podCIDR"] == "192.168.1.0/24"
                 and "! -s 192.168.0.0/16" in c.iptables_save("node-1"), id="pod-cidr"),
    pytest.param({"nodes": 300, "node_cidr_mask_size": 25}, lambda c: len(c.list("Node")) == 300,
                 id="more-than-256-nodes-with-smaller-ranges"),
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
    pytest.param({"addons": ["traefik"]}, ["addon='traefik'", "'ingress-nginx'", "'gateway'", "'metallb'"], id="addon"),
    pytest.param({"addons": ["metallb"], "cloud": "gcp"}, ["'metallb'", "bare-metal", "cloud='gcp'"],
                 id="metallb-on-a-cloud"),
    pytest.param({"addons": ["aws-load-balancer-controller"]}, ["cloud='aws'", "cloud=None"],
                 id="aws-lbc-without-aws"),
    pytest.param({"nodes": 0}, ["nodes=0"], id="zero-nodes"),
    pytest.param({"nodes": []}, ["nodes"], id="empty-node-list"),
    pytest.param({"nodes": ["a", "a"]}, ["distinct"], id="duplicate-node-names"),
    # kube-controller-manager node-ipam: --cluster-cidr 10.244.0.0/16, --node-cidr-mask-size 24 gives
    # 256 node ranges; the 257th node would get no podCIDR (CIDRNotAvailable).
    pytest.param({"nodes": 257}, ["nodes=257", "256", "node_cidr_mask_size=25"], id="more-nodes-than-pod-ranges"),
    pytest.param({"pod_cidr": "10.244.0.0"}, ["pod_cidr="], id="pod-cidr-without-prefix-is-a-host"),
    pytest.param({"pod_cidr": "banana"}, ["pod_cidr='banana'", "IPv4 CIDR"], id="pod-cidr-not-a-cidr"),
    # Pod IPs inside the Service range would collide with ClusterIPs.
    pytest.param({"pod_cidr": "10.96.0.0/16"}, ["overlaps the Service CIDR 10.96.0.0/12"], id="pod-cidr-overlaps-services"),
    # kubeadm ValidatePodSubnetNodeMask: the node mask may not be larger than the pod subnet...
    pytest.param({"node_cidr_mask_size": 8}, ["smaller than the size of node subnet with mask 8"],
                 id="node-mask-wider-than-pod-cidr"),
    # ... and the two may differ by at most 16 bits.
    pytest.param({"pod_cidr": "10.0.0.0/8", "node_cidr_mask_size": 25}, ["difference is greater than 16"],
                 id="node-mask-more-than-16-bits-smaller"),
    pytest.param({"node_cidr_mask_size": 31}, ["node_cidr_mask_size=31", "30"], id="node-mask-without-room-for-pods"),
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
    assert c.get("svc", "ingress-nginx-controller", "ingress-nginx")["spec"]["type"] == "NodePort"


@pytest.mark.parametrize("cloud, svc_type, publish", [
    # minikube's deploy/addons/ingress/ingress-deploy.yaml.tmpl: a NodePort Service, hostPorts
    # 80/443, no --publish-service (the Ingress ADDRESS is the controller's node IP).
    (None, "NodePort", False),
    # ingress-nginx's deploy/static/provider/cloud manifest: a LoadBalancer Service it publishes.
    ("aws", "LoadBalancer", True),
])
def test_ingress_nginx_addon_shape(cloud, svc_type, publish):
    c = Cluster(seed=0, cloud=cloud, addons=["ingress-nginx"])
    assert c.get("svc", "ingress-nginx-controller", "ingress-nginx")["spec"]["type"] == svc_type
    ctr = c.get("deployment", "ingress-nginx-controller", "ingress-nginx")["spec"]["template"]["spec"]["containers"][0]
    assert [(p["containerPort"], p.get("hostPort")) for p in ctr["ports"]] == [(80, 80), (443, 443), (8443, None)]
    assert any(a.startswith("--publish-service=") for a in ctr["args"]) is publish
