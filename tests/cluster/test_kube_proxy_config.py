"""What a kubeadm v1.37 cluster writes for kube-proxy: the ConfigMap and the DaemonSet.

Upstream: cmd/kubeadm/app/phases/addons/proxy/manifests.go (KubeProxyConfigMap19,
KubeProxyDaemonSet19), cmd/kubeadm/app/componentconfigs/kubeproxy.go (Default: bindAddress,
clusterCIDR, clientConnection.kubeconfig), kubernetes/kubernetes#139777 (kubeadm v1.37 writes
``mode`` explicitly), staging/src/k8s.io/kube-proxy/config/v1alpha1/types.go (the fields).
"""
from __future__ import annotations

import pytest
import yaml

from k8snet import Cluster


@pytest.mark.parametrize("proxy_mode,scheduler,want_mode,want_scheduler", [
    ("iptables", "rr", "iptables", ""),
    ("nftables", "rr", "nftables", ""),
    ("ipvs", "sh", "ipvs", "sh"),
], ids=["iptables (kubeadm's explicit default)", "nftables", "ipvs with a scheduler"])
def test_config_conf_says_the_mode(proxy_mode, scheduler, want_mode, want_scheduler):
    """config.conf is the KubeProxyConfiguration kube-proxy runs with: mode as configured."""
    c = Cluster(nodes=2, proxy_mode=proxy_mode, ipvs_scheduler=scheduler)
    cm = c.get("configmap", "kube-proxy", "kube-system")
    assert sorted(cm["data"]) == ["config.conf", "kubeconfig.conf"]
    assert cm["metadata"]["labels"] == {"app": "kube-proxy"}
    conf = yaml.safe_load(cm["data"]["config.conf"])
    assert (conf["apiVersion"], conf["kind"]) == ("kubeproxy.config.k8s.io/v1alpha1", "KubeProxyConfiguration")
    assert (conf["mode"], conf["ipvs"]["scheduler"]) == (want_mode, want_scheduler)
    assert (conf["bindAddress"], conf["clusterCIDR"], conf["clientConnection"]["kubeconfig"]) == (
        "0.0.0.0", "10.244.0.0/16", "/var/lib/kube-proxy/kubeconfig.conf")
    assert conf["metricsBindAddress"] == ""  # kube-proxy's own default then: 127.0.0.1:10249
    kubeconfig = yaml.safe_load(cm["data"]["kubeconfig.conf"])
    assert kubeconfig["clusters"][0]["cluster"]["server"] == "https://172.18.0.2:6443"


def test_config_map_keys_sorted_as_kubeadm_marshals_them():
    """kubeadm marshals the component config with sigs.k8s.io/yaml: keys in name order."""
    text = Cluster(nodes=1).get("configmap", "kube-proxy", "kube-system")["data"]["config.conf"]
    top = [line.split(":")[0] for line in text.splitlines() if not line.startswith(" ")]
    assert top == sorted(top) and "mode" in top and "nftables" in top and "winkernel" in top


def test_pod_cidr_reaches_cluster_cidr():
    """componentconfigs Default: clusterCIDR = networking.podSubnet."""
    c = Cluster(nodes=1, pod_cidr="10.32.0.0/16")
    conf = yaml.safe_load(c.get("configmap", "kube-proxy", "kube-system")["data"]["config.conf"])
    assert conf["clusterCIDR"] == "10.32.0.0/16"


def test_daemonset_mounts_the_config_map():
    """KubeProxyDaemonSet19: --config from the ConfigMap volume, the node name from the downward API."""
    ds = Cluster(nodes=2).get("ds", "kube-proxy", "kube-system")
    pod = ds["spec"]["template"]["spec"]
    ctr = pod["containers"][0]
    assert ctr["command"] == ["/usr/local/bin/kube-proxy", "--config=/var/lib/kube-proxy/config.conf",
                              "--hostname-override=$(NODE_NAME)"]
    assert {"mountPath": "/var/lib/kube-proxy", "name": "kube-proxy"} in ctr["volumeMounts"]
    assert {"name": "kube-proxy", "configMap": {"name": "kube-proxy"}} in [
        {k: v for k, v in vol.items() if k in ("name", "configMap")} for vol in pod["volumes"]]
    assert (pod["serviceAccountName"], pod["hostNetwork"], ctr["securityContext"]) == (
        "kube-proxy", True, {"privileged": True})
