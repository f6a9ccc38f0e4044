"""kubeadm's ConfigMaps, the root CA publisher and CoreDNS's Deployment as kubeadm v1.37 writes
them.  Each row names the upstream rule it checks."""
from __future__ import annotations

import base64

import pytest
import yaml

from k8snet import Cluster
from k8snet.bootstrap import CLUSTER_CA_PEM, COREDNS_IMAGE
from k8snet.controllers.rootcacertpublisher import DESCRIPTION


@pytest.fixture(scope="module")
def cluster():
    return Cluster(nodes=2)


def _cm(c, ns, name):
    return c.store.peek("ConfigMap", ns, name)


CM_ROWS = [
    # (rule, namespace, name, data keys)
    ("publisher.go: kube-root-ca.crt in default", "default", "kube-root-ca.crt", ["ca.crt"]),
    ("publisher.go: kube-root-ca.crt in kube-node-lease", "kube-node-lease", "kube-root-ca.crt", ["ca.crt"]),
    ("publisher.go: kube-root-ca.crt in kube-public", "kube-public", "kube-root-ca.crt", ["ca.crt"]),
    ("publisher.go: kube-root-ca.crt in kube-system", "kube-system", "kube-root-ca.crt", ["ca.crt"]),
    ("phases/uploadconfig: kubeadm-config", "kube-system", "kubeadm-config", ["ClusterConfiguration"]),
    ("phases/kubelet: kubelet-config", "kube-system", "kubelet-config", ["kubelet"]),
    ("phases/bootstraptoken/clusterinfo: cluster-info", "kube-public", "cluster-info", ["kubeconfig"]),
    ("addons/dns: coredns", "kube-system", "coredns", ["Corefile"]),
    ("addons/proxy: kube-proxy", "kube-system", "kube-proxy", ["config.conf", "kubeconfig.conf"]),
]


@pytest.mark.parametrize("rule,ns,name,keys", CM_ROWS, ids=[r[0] for r in CM_ROWS])
def test_config_maps(cluster, rule, ns, name, keys):
    cm = _cm(cluster, ns, name)
    assert cm is not None and sorted(cm["data"]) == keys, rule


def test_root_ca_config_map_as_the_publisher_writes_it(cluster):
    """publisher.go: ca.crt is the root CA file, annotated kubernetes.io/description."""
    cm = _cm(cluster, "default", "kube-root-ca.crt")
    assert cm["data"]["ca.crt"] == CLUSTER_CA_PEM
    assert cm["metadata"]["annotations"] == {"kubernetes.io/description": DESCRIPTION}
    assert CLUSTER_CA_PEM.startswith("-----BEGIN CERTIFICATE-----\n")
    body = "".join(CLUSTER_CA_PEM.splitlines()[1:-1])
    assert base64.b64decode(body).startswith(b"k8snet simulated cluster CA")  # plainly simulated


PUBLISHER_ROWS = [
    ("syncNamespace: a new namespace gets the ConfigMap", "namespace"),
    ("syncNamespace: a deleted ConfigMap is made again", "delete"),
    ("syncNamespace: changed data is put back", "edit"),
]


@pytest.mark.parametrize("rule,action", PUBLISHER_ROWS, ids=[r[0] for r in PUBLISHER_ROWS])
def test_root_ca_publisher(rule, action):
    c = Cluster(nodes=1)
    ns = "default"
    if action == "namespace":
        ns = "team-a"
        c.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})
    elif action == "delete":
        c.delete("cm/kube-root-ca.crt")
    else:
        c.apply({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "kube-root-ca.crt"},
                 "data": {"ca.crt": "mine"}})
    assert _cm(c, ns, "kube-root-ca.crt")["data"] == {"ca.crt": CLUSTER_CA_PEM}, rule


CONFIG_ROWS = [
    # (rule, cluster kwargs, ClusterConfiguration.networking wanted)
    ("uploadconfig: the single-stack subnets", {},
     {"dnsDomain": "cluster.local", "podSubnet": "10.244.0.0/16", "serviceSubnet": "10.96.0.0/12"}),
    ("uploadconfig: --pod-network-cidr as given", {"pod_cidr": "10.32.0.0/16"},
     {"dnsDomain": "cluster.local", "podSubnet": "10.32.0.0/16", "serviceSubnet": "10.96.0.0/12"}),
    ("uploadconfig: dual-stack subnets comma-joined, primary first", {"ip_families": ("IPv4", "IPv6")},
     {"dnsDomain": "cluster.local", "podSubnet": "10.244.0.0/16,fd00:10:244::/56",
      "serviceSubnet": "10.96.0.0/12,fd00:10:96::/112"}),
]


@pytest.mark.parametrize("rule,kwargs,networking", CONFIG_ROWS, ids=[r[0] for r in CONFIG_ROWS])
def test_kubeadm_config(rule, kwargs, networking):
    c = Cluster(nodes=1, **kwargs)
    conf = yaml.safe_load(_cm(c, "kube-system", "kubeadm-config")["data"]["ClusterConfiguration"])
    assert conf["apiVersion"] == "kubeadm.k8s.io/v1beta4" and conf["kind"] == "ClusterConfiguration"
    assert conf["kubernetesVersion"] == "v1.37.1"
    assert conf["networking"] == networking, rule


def test_kubelet_config_and_cluster_info(cluster):
    """componentconfigs/kubelet.go: clusterDNS is kube-dns's address, systemd cgroups, the CA;
    clusterinfo: the kubeconfig names the API server and carries the CA."""
    kubelet = yaml.safe_load(_cm(cluster, "kube-system", "kubelet-config")["data"]["kubelet"])
    assert kubelet["clusterDNS"] == ["10.96.0.10"] and kubelet["cgroupDriver"] == "systemd"
    assert kubelet["authentication"]["x509"]["clientCAFile"] == "/etc/kubernetes/pki/ca.crt"
    info = yaml.safe_load(_cm(cluster, "kube-public", "cluster-info")["data"]["kubeconfig"])
    assert info["clusters"][0]["cluster"]["server"] == "https://172.18.0.2:6443"
    assert base64.b64decode(info["clusters"][0]["cluster"]["certificate-authority-data"]).decode() == CLUSTER_CA_PEM


COREDNS_ROWS = [
    # (rule, path into the pod template spec, wanted)
    ("CoreDNSDeployment: serviceAccountName coredns", ("serviceAccountName",), "coredns"),
    ("CoreDNSDeployment: priorityClassName", ("priorityClassName",), "system-cluster-critical"),
    ("CoreDNSDeployment: nodeSelector", ("nodeSelector",), {"kubernetes.io/os": "linux"}),
    ("CoreDNSDeployment: dnsPolicy Default", ("dnsPolicy",), "Default"),
    ("CoreDNSDeployment: preferred anti-affinity on the hostname",
     ("affinity", "podAntiAffinity", "preferredDuringSchedulingIgnoredDuringExecution", 0, "podAffinityTerm",
      "topologyKey"), "kubernetes.io/hostname"),
    ("CoreDNSDeployment: resources", ("containers", 0, "resources"),
     {"limits": {"memory": "170Mi"}, "requests": {"cpu": "100m", "memory": "70Mi"}}),
    ("CoreDNSDeployment: liveness /health on liveness-probe", ("containers", 0, "livenessProbe", "httpGet", "port"),
     "liveness-probe"),
    ("CoreDNSDeployment: readiness /ready on readiness-probe", ("containers", 0, "readinessProbe", "httpGet", "path"),
     "/ready"),
    ("CoreDNSDeployment: securityContext", ("containers", 0, "securityContext", "capabilities"),
     {"add": ["NET_BIND_SERVICE"], "drop": ["ALL"]}),
    ("CoreDNSDeployment: the Corefile volume", ("volumes", 0, "configMap", "items"),
     [{"key": "Corefile", "path": "Corefile"}]),
    ("CoreDNSDeployment: the image kubeadm pins", ("containers", 0, "image"), COREDNS_IMAGE),
]


@pytest.mark.parametrize("rule,path,want", COREDNS_ROWS, ids=[r[0] for r in COREDNS_ROWS])
def test_coredns_deployment(cluster, rule, path, want):
    node = cluster.store.peek("Deployment", "kube-system", "coredns")["spec"]["template"]["spec"]
    for key in path:
        node = node[key]
    assert node == want, rule


def test_coredns_is_ready_and_answers(cluster):
    """The readiness probe (/ready on 8181) passes at start, so the cluster's DNS works at once;
    CoreDNS's pods carry the ServiceAccount plugin's token volume and the system priority."""
    pods = [p for p in cluster.store.items("Pod", "kube-system") if p["metadata"]["name"].startswith("coredns-")]
    assert len(pods) == 2
    for p in pods:
        assert {c["type"]: c["status"] for c in p["status"]["conditions"]}["Ready"] == "True"
        assert p["spec"]["priority"] == 2000000000  # Priority plugin: system-cluster-critical
        assert any(v["name"].startswith("kube-api-access-") for v in p["spec"]["volumes"])
    assert cluster.resolve("kubernetes.default.svc.cluster.local").answers[0][2] == "10.96.0.1"
