"""kubeadm's ConfigMap texts are marshalled once per argument tuple (kubeadmconfig._marshalled):
a cluster built after another one with different arguments still gets its own text, and no
cluster shares a mutable object with another.  Each row names the upstream rule that makes the
text depend on the argument it varies.
"""
from __future__ import annotations

import pytest
import yaml

from k8snet import Cluster
from k8snet.goyaml import to_yaml
from k8snet.kubeadmconfig import cluster_configuration, kube_proxy_configuration, kubelet_configuration


def _text(c, ns, name, key):
    return c.store.peek("ConfigMap", ns, name)["data"][key]


def _field(text, path):
    value = yaml.safe_load(text)
    for part in path.split("."):
        value = value[part]
    return value


ROWS = [
    # (rule, ConfigMap (namespace, name, key), field, [(cluster kwargs, wanted field value)...])
    ("componentconfigs/kubeproxy.go: mode as configured (kubernetes#139777)",
     ("kube-system", "kube-proxy", "config.conf"), "mode",
     [({}, "iptables"), ({"proxy_mode": "nftables"}, "nftables"), ({}, "iptables"),
      ({"proxy_mode": "ipvs"}, "ipvs")]),
    ("types.go IPVSConfiguration.scheduler: kubeadm leaves rr (the default) empty",
     ("kube-system", "kube-proxy", "config.conf"), "ipvs.scheduler",
     [({"proxy_mode": "ipvs", "ipvs_scheduler": "lc"}, "lc"), ({"proxy_mode": "ipvs"}, ""),
      ({"proxy_mode": "ipvs", "ipvs_scheduler": "sh"}, "sh")]),
    ("componentconfigs/kubeproxy.go Default: clusterCIDR = networking.podSubnet",
     ("kube-system", "kube-proxy", "config.conf"), "clusterCIDR",
     [({}, "10.244.0.0/16"), ({"pod_cidr": "10.32.0.0/16"}, "10.32.0.0/16"), ({}, "10.244.0.0/16")]),
    ("uploadconfig: podSubnet is --pod-network-cidr",
     ("kube-system", "kubeadm-config", "ClusterConfiguration"), "networking.podSubnet",
     [({}, "10.244.0.0/16"), ({"pod_cidr": "10.32.0.0/16"}, "10.32.0.0/16"),
      ({"ip_families": ("IPv6", "IPv4")}, "fd00:10:244::/56,10.244.0.0/16"), ({}, "10.244.0.0/16")]),
    ("componentconfigs/kubelet.go: clusterDNS is the primary family's kube-dns address",
     ("kube-system", "kubelet-config", "kubelet"), "clusterDNS",
     [({}, ["10.96.0.10"]), ({"ip_families": ("IPv6",)}, ["fd00:10:96::a"]), ({}, ["10.96.0.10"])]),
]


@pytest.mark.parametrize("rule, where, field, builds", ROWS, ids=[r[0] for r in ROWS])
def test_each_cluster_gets_the_text_of_its_own_arguments(rule, where, field, builds):
    for kwargs, want in builds:
        text = _text(Cluster(nodes=1, **kwargs), *where)
        assert _field(text, field) == want, (rule, kwargs)


# (rule, how the uncached text is made from the cluster's arguments)
UNCACHED = [
    ("phases/uploadconfig: kubeadm-config", ("kube-system", "kubeadm-config", "ClusterConfiguration"),
     lambda: to_yaml(cluster_configuration("10.32.0.0/16", "10.96.0.0/12"))),
    ("phases/kubelet: kubelet-config", ("kube-system", "kubelet-config", "kubelet"),
     lambda: to_yaml(kubelet_configuration("10.96.0.10"))),
    ("addons/proxy manifests.go KubeProxyConfigMap19: config.conf", ("kube-system", "kube-proxy", "config.conf"),
     lambda: to_yaml(kube_proxy_configuration("ipvs", "10.32.0.0/16", "lc")).rstrip("\n")),
]


@pytest.mark.parametrize("rule, where, uncached", UNCACHED, ids=[r[0] for r in UNCACHED])
def test_a_cached_text_is_the_marshalled_configuration(rule, where, uncached):
    """The second cluster with the same arguments (the text then comes from the cache) holds the
    same bytes as marshalling the configuration afresh, even after the first cluster's
    ConfigMap was changed in place."""
    kwargs = {"pod_cidr": "10.32.0.0/16", "proxy_mode": "ipvs", "ipvs_scheduler": "lc"}
    first = Cluster(nodes=1, **kwargs)
    first.store.peek("ConfigMap", where[0], where[1])["data"][where[2]] = "changed in place"
    second = Cluster(nodes=1, **kwargs)
    assert _text(second, *where) == uncached(), rule
    assert first.store.peek("ConfigMap", where[0], where[1])["data"] is not \
        second.store.peek("ConfigMap", where[0], where[1])["data"]
