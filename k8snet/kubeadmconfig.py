"""The ConfigMaps ``kubeadm init`` uploads before its addons (Kubernetes v1.37):

* ``kube-system/kubeadm-config`` (``cmd/kubeadm/app/phases/uploadconfig``): key
  ``ClusterConfiguration``, the kubeadm.k8s.io/v1beta4 ClusterConfiguration as kubeadm marshals
  it after defaulting (keys sorted, empty component sections as ``{}``), with this cluster's
  version, pod and service subnets (both families, comma-joined, on a dual-stack cluster);
* ``kube-system/kubelet-config`` (``cmd/kubeadm/app/phases/kubelet``,
  ``componentconfigs/kubelet.go``): key ``kubelet``, the cluster-wide KubeletConfiguration
  v1beta1 -- kubeadm's settings (webhook authn/authz, the CA, ``cgroupDriver: systemd``,
  ``clusterDNS`` the kube-dns address, ``staticPodPath``, ``rotateCertificates``, healthz on
  127.0.0.1:10248) and every other field at its marshalled zero value; no ``resolvConf``
  (kubeadm adds it only on hosts running systemd-resolved, which kind nodes do not);
* ``kube-public/cluster-info`` (``phases/bootstraptoken/clusterinfo``): key ``kubeconfig``, a
  kubeconfig naming the API server and carrying the (simulated) CA; readable without
  credentials, for ``kubeadm join`` discovery;
* ``kube-system/kube-proxy`` (``phases/addons/proxy``, the kube-proxy addon after CoreDNS's):
  ``config.conf``, the KubeProxyConfiguration, and ``kubeconfig.conf``.

Not modelled: cluster-info's ``jws-kubeconfig-<token-id>`` key (the bootstrap-signer signs it
for each bootstrap token Secret, and no bootstrap token is simulated), and the API server's own
``extension-apiserver-authentication`` ConfigMap (it needs the front-proxy CA).
"""
from __future__ import annotations

import base64
import functools
import hashlib
import uuid

from .bootstrap import CLUSTER_CA_PEM, KUBERNETES_VERSION
from .goyaml import to_yaml

__all__ = ["cluster_configuration", "kubelet_configuration", "kube_proxy_configuration", "kubeadm_config_maps",
           "kube_proxy_config_map"]


def cluster_configuration(pod_subnet: str, service_subnet: str, version: str = KUBERNETES_VERSION) -> dict:
    """The ClusterConfiguration (v1beta4) of ``kubeadm init --pod-network-cidr=<pod_subnet>``."""
    return {
        "apiServer": {}, "apiVersion": "kubeadm.k8s.io/v1beta4",
        "caCertificateValidityPeriod": "87600h0m0s", "certificateValidityPeriod": "8760h0m0s",
        "certificatesDir": "/etc/kubernetes/pki", "clusterName": "kubernetes", "controllerManager": {},
        "dns": {}, "encryptionAlgorithm": "RSA-2048", "etcd": {"local": {"dataDir": "/var/lib/etcd"}},
        "imageRepository": "registry.k8s.io", "kind": "ClusterConfiguration", "kubernetesVersion": version,
        "networking": {"dnsDomain": "cluster.local", "podSubnet": pod_subnet, "serviceSubnet": service_subnet},
        "proxy": {}, "scheduler": {},
    }


def kubelet_configuration(cluster_dns: str) -> dict:
    """The KubeletConfiguration kubeadm uploads (componentconfigs/kubelet.go Default, marshalled)."""
    zero = "0s"
    return {
        "apiVersion": "kubelet.config.k8s.io/v1beta1",
        "authentication": {"anonymous": {"enabled": False}, "webhook": {"cacheTTL": zero, "enabled": True},
                           "x509": {"clientCAFile": "/etc/kubernetes/pki/ca.crt"}},
        "authorization": {"mode": "Webhook", "webhook": {"cacheAuthorizedTTL": zero, "cacheUnauthorizedTTL": zero}},
        "cgroupDriver": "systemd", "clusterDNS": [cluster_dns], "clusterDomain": "cluster.local",
        "containerRuntimeEndpoint": "", "cpuManagerReconcilePeriod": zero, "crashLoopBackOff": {},
        "evictionPressureTransitionPeriod": zero, "fileCheckFrequency": zero, "healthzBindAddress": "127.0.0.1",
        "healthzPort": 10248, "httpCheckFrequency": zero, "imageMaximumGCAge": zero, "imageMinimumGCAge": zero,
        "kind": "KubeletConfiguration",
        "logging": {"flushFrequency": 0, "options": {"json": {"infoBufferSize": "0"}, "text": {"infoBufferSize": "0"}},
                    "verbosity": 0},
        "memorySwap": {}, "nodeStatusReportFrequency": zero, "nodeStatusUpdateFrequency": zero,
        "rotateCertificates": True, "runtimeRequestTimeout": zero, "shutdownGracePeriod": zero,
        "shutdownGracePeriodCriticalPods": zero, "staticPodPath": "/etc/kubernetes/manifests",
        "streamingConnectionIdleTimeout": zero, "syncFrequency": zero, "volumeStatsAggPeriod": zero,
    }


def _cluster_info_kubeconfig(server: str) -> str:
    # clientcmd.Write of a v1 Config holding one unnamed cluster (bootstrap.go CreateBootstrapConfigMapIfNotExists).
    ca = base64.b64encode(CLUSTER_CA_PEM.encode()).decode()
    return "\n".join(["apiVersion: v1", "clusters:", "- cluster:", f"    certificate-authority-data: {ca}",
                      f"    server: {server}", '  name: ""', "contexts: null", 'current-context: ""', "kind: Config",
                      "preferences: {}", "users: null", ""])


def _config_map(namespace: str, name: str, data: dict) -> dict:
    # Created through kubeadm's client (no last-applied annotation); the uid derived from the
    # name, so these ConfigMaps shift no other object's uid.
    uid = str(uuid.UUID(bytes=hashlib.sha256(f"{namespace}/configmap/{name}".encode()).digest()[:16], version=4))
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": name, "namespace": namespace, "uid": uid, "creationTimestamp": "2025-01-01T00:00:00Z"},
            "data": data}


@functools.lru_cache(maxsize=32)
def _marshalled(configuration, *args) -> str:
    # The text kubeadm stores is sigs.k8s.io/yaml's marshalling of a configuration that
    # depends on a few of the cluster's arguments only: write it once per argument tuple
    # (every widget interaction builds a fresh cluster).  The configuration builders are pure
    # and the result is a str, so no cached object is shared with a cluster.
    return to_yaml(configuration(*args))


def kubeadm_config_maps(server: str, pod_subnet: str, service_subnet: str, cluster_dns: str) -> list[dict]:
    """kubeadm-config, kubelet-config (kube-system) and cluster-info (kube-public), in the order
    kubeadm init's phases upload them (upload-config, then bootstrap-token)."""
    return [
        _config_map("kube-system", "kubeadm-config",
                    {"ClusterConfiguration": _marshalled(cluster_configuration, pod_subnet, service_subnet)}),
        _config_map("kube-system", "kubelet-config", {"kubelet": _marshalled(kubelet_configuration, cluster_dns)}),
        _config_map("kube-public", "cluster-info", {"kubeconfig": _cluster_info_kubeconfig(server)}),
    ]


def kube_proxy_configuration(mode: str, cluster_cidr: str, ipvs_scheduler: str = "rr") -> dict:
    """The KubeProxyConfiguration v1alpha1 of kube-proxy's ConfigMap (componentconfigs/kubeproxy.go
    Default, marshalled): see :func:`kube_proxy_config_map`."""
    zero_sync = {"minSyncPeriod": "0s", "syncPeriod": "0s"}
    return {
        "apiVersion": "kubeproxy.config.k8s.io/v1alpha1", "kind": "KubeProxyConfiguration",
        "bindAddress": "0.0.0.0", "bindAddressHardFail": False,
        "clientConnection": {"acceptContentTypes": "", "burst": 0, "contentType": "",
                             "kubeconfig": "/var/lib/kube-proxy/kubeconfig.conf", "qps": 0},
        "clusterCIDR": cluster_cidr, "configSyncPeriod": "0s",
        "conntrack": {"maxPerCore": None, "min": None, "tcpBeLiberal": False, "tcpCloseWaitTimeout": None,
                      "tcpEstablishedTimeout": None, "udpStreamTimeout": "0s", "udpTimeout": "0s"},
        "detectLocal": {"bridgeInterface": "", "interfaceNamePrefix": ""}, "detectLocalMode": "",
        "enableProfiling": False, "healthzBindAddress": "", "hostnameOverride": "",
        "iptables": {"localhostNodePorts": None, "masqueradeAll": False, "masqueradeBit": None,
                     "snatNodeInternalIP": None, **zero_sync},
        "ipvs": {"excludeCIDRs": None, "scheduler": "" if ipvs_scheduler == "rr" else ipvs_scheduler,
                 "strictARP": False, "tcpFinTimeout": "0s", "tcpTimeout": "0s", "udpTimeout": "0s", **zero_sync},
        "logging": {"flushFrequency": 0, "options": {"json": {"infoBufferSize": "0"}, "text": {"infoBufferSize": "0"}},
                    "verbosity": 0},
        "metricsBindAddress": "", "mode": mode,
        "nftables": {"masqueradeAll": False, "masqueradeBit": None, **zero_sync},
        "nodePortAddresses": None, "oomScoreAdj": None, "portRange": "", "showHiddenMetricsForVersion": "",
        "winkernel": {"enableDSR": False, "forwardHealthCheckVip": False, "networkName": "",
                      "rootHnsEndpointName": "", "sourceVip": ""},
    }


def kube_proxy_config_map(mode: str, cluster_cidr: str, api_server: str, ipvs_scheduler: str = "rr") -> dict:
    """The ConfigMap ``kube-system/kube-proxy`` kubeadm v1.37 writes (manifests.go
    KubeProxyConfigMap19): ``kubeconfig.conf`` (the in-cluster credentials) and ``config.conf``,
    the KubeProxyConfiguration v1alpha1 after kubeadm's defaulting (componentconfigs/kubeproxy.go:
    bindAddress 0.0.0.0, clusterCIDR = the pod subnet, clientConnection.kubeconfig) with ``mode``
    written explicitly (kubernetes/kubernetes#139777: kube-proxy v1.37 warns when it is unset),
    every other field at its zero value, keys sorted as sigs.k8s.io/yaml writes them."""
    # kubeconfig.conf is the template's text (its own field order), not marshalled.
    sa = "/var/run/secrets/kubernetes.io/serviceaccount"
    kc = "\n".join(["apiVersion: v1", "kind: Config", "clusters:", "- cluster:",
                    f"    certificate-authority: {sa}/ca.crt", f"    server: {api_server}", "  name: default",
                    "contexts:", "- context:", "    cluster: default", "    namespace: default", "    user: default",
                    "  name: default", "current-context: default", "users:", "- name: default", "  user:",
                    f"    tokenFile: {sa}/token"])
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "kube-proxy", "namespace": "kube-system", "labels": {"app": "kube-proxy"}},
            "data": {"config.conf": _marshalled(kube_proxy_configuration, mode, cluster_cidr, ipvs_scheduler).rstrip("\n"),
                     "kubeconfig.conf": kc}}
