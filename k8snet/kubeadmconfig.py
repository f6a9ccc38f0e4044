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
  credentials, for ``kubeadm join`` discovery.

Not modelled: cluster-info's ``jws-kubeconfig-<token-id>`` key (the bootstrap-signer signs it
for each bootstrap token Secret, and no bootstrap token is simulated), and the API server's own
``extension-apiserver-authentication`` ConfigMap (it needs the front-proxy CA).
"""
from __future__ import annotations

import base64
import hashlib
import uuid

from .bootstrap import CLUSTER_CA_PEM, KUBERNETES_VERSION

__all__ = ["cluster_configuration", "kubelet_configuration", "kubeadm_config_maps"]


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


def kubeadm_config_maps(server: str, pod_subnet: str, service_subnet: str, cluster_dns: str) -> list[dict]:
    """kubeadm-config, kubelet-config (kube-system) and cluster-info (kube-public), in the order
    kubeadm init's phases upload them (upload-config, then bootstrap-token)."""
    from .goyaml import to_yaml
    return [
        _config_map("kube-system", "kubeadm-config",
                    {"ClusterConfiguration": to_yaml(cluster_configuration(pod_subnet, service_subnet))}),
        _config_map("kube-system", "kubelet-config", {"kubelet": to_yaml(kubelet_configuration(cluster_dns))}),
        _config_map("kube-public", "cluster-info", {"kubeconfig": _cluster_info_kubeconfig(server)}),
    ]
