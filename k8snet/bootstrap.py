"""What a fresh kubeadm cluster holds before you apply anything.

* the namespaces ``default``, ``kube-system``, ``kube-public``, ``kube-node-lease``;
* the nodes, each with a ``/24`` from the pod CIDR 10.244.0.0/16 (node-ipam controller,
  ``--node-cidr-mask-size=24``; ``Cluster(pod_cidr=, node_cidr_mask_size=)`` change both),
  an InternalIP, and room for 110 pods (the kubelet's ``--max-pods``).  ``Cluster(nodes=N)`` is
  N nodes in all: ``node-1`` is the control plane (kubeadm init), the others are workers
  (kubeadm join).  kubeadm's mark-control-plane phase labels node-1
  ``node-role.kubernetes.io/control-plane`` and ``node.kubernetes.io/exclude-from-external-load-balancers``
  and taints it ``node-role.kubernetes.io/control-plane:NoSchedule``; as kind and minikube do, a
  single-node cluster has the taint removed so its workloads can run;
* Service ``default/kubernetes`` at the first service IP (10.96.0.1), port ``https``
  443 -> 6443, whose endpoint is the API server (on the first node, as on kind and minikube);
* the node agents, as DaemonSets on the node's network: ``kube-proxy`` (kubeadm's) and the CNI's
  agent (``calico-node``, ``cilium``, ``kube-flannel-ds`` in ``kube-flannel``, ``weave-net``,
  ``kindnet``);
* CoreDNS: Deployment ``kube-system/coredns`` (2 replicas, label ``k8s-app=kube-dns``) behind
  Service ``kube-dns`` at 10.96.0.10 (ports dns 53/UDP, dns-tcp 53/TCP, metrics 9153/TCP), and
  its ConfigMap ``kube-system/coredns`` holding kubeadm's Corefile (``COREDNS_COREFILE``).
"""
from __future__ import annotations

import hashlib
import ipaddress
import uuid

__all__ = ["NAMESPACES", "POD_CIDR", "NODE_CIDR_MASK_SIZE", "NODE_CAPACITY", "SERVICE_CIDR", "DNS_IP", "node_cidrs",
           "node_object", "system_objects", "node_agents", "KUBERNETES_VERSION", "COREDNS_IMAGE",
           "CONTROL_PLANE_LABEL", "CONTROL_PLANE_TAINT", "COREDNS_COREFILE"]

NAMESPACES = ("default", "kube-node-lease", "kube-public", "kube-system")
POD_CIDR = "10.244.0.0/16"
NODE_CIDR_MASK_SIZE = 24  # kube-controller-manager --node-cidr-mask-size (IPv4 default)
SERVICE_CIDR = "10.96.0.0/12"
DNS_IP = "10.96.0.10"
API_SERVER_PORT = 6443
# What kubeadm v1.37 deploys: the release's own kube-proxy image and the CoreDNS version pinned
# in cmd/kubeadm/app/constants (CoreDNSVersion).  (Its other pins, pause 3.10.2 and etcd
# 3.7.0-0, belong to objects the simulator does not show: the sandbox and the static pods.)
KUBERNETES_VERSION = "v1.37.1"
COREDNS_IMAGE = "registry.k8s.io/coredns/coredns:v1.14.6"
#: kubeadm v1.37's Corefile: the CoreDNSConfigMap template of
#: cmd/kubeadm/app/phases/addons/dns/manifests.go with DNSDomain cluster.local.  The ``cache 30``
#: block's ``disable success/denial cluster.local`` lines came with kubernetes PR #128359
#: (merged October 2024): CoreDNS caches forwarded and reverse answers, never the cluster's own names.
COREDNS_COREFILE = """.:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30 {
       disable success cluster.local
       disable denial cluster.local
    }
    loop
    reload
    loadbalance
}
"""
# kubeadm constants: LabelNodeRoleControlPlane, LabelExcludeFromExternalLB, ControlPlaneTaint.
CONTROL_PLANE_LABEL = "node-role.kubernetes.io/control-plane"
EXCLUDE_FROM_LB_LABEL = "node.kubernetes.io/exclude-from-external-load-balancers"
CONTROL_PLANE_TAINT = {"key": CONTROL_PLANE_LABEL, "effect": "NoSchedule"}


def node_ip(index: int) -> str:
    """Nodes sit on a Docker-style network, as kind's do: 172.18.0.2, .3, ..."""
    return str(ipaddress.ip_address("172.18.0.2") + index)


def node_cidrs(pod_cidr: str = POD_CIDR, mask_size: int = NODE_CIDR_MASK_SIZE):
    """The node ranges in the order node-ipam hands them out (``--cluster-cidr`` cut into
    ``--node-cidr-mask-size`` pieces, lowest first), as an iterator."""
    return (str(n) for n in ipaddress.ip_network(pod_cidr).subnets(new_prefix=mask_size))


# What a kind node reports (kind shows its host's CPUs and memory; allocatable equals capacity
# there). ``pods`` is the kubelet's --max-pods, which kube-scheduler enforces ("Too many pods").
NODE_CAPACITY = {"cpu": "4", "ephemeral-storage": "102626232Ki", "hugepages-1Gi": "0", "hugepages-2Mi": "0",
                 "memory": "16365528Ki", "pods": "110"}


def node_object(name: str, index: int, created: str, cidr: str | list[str], *, nodes: int = 1,
                families=None, zone: str | None = None) -> dict:
    """A Ready node with its pod range ``cidr`` (from ``node_cidrs``; on a dual-stack cluster
    one range per family, primary first) and addresses (an InternalIP per family of
    ``families``, the ``families.Family`` records; default IPv4); the first (``index`` 0) is
    the control plane, tainted NoSchedule when the cluster has workers.  ``zone`` becomes its
    ``topology.kubernetes.io/zone`` label (as a kind node config's ``labels:`` or a cloud's
    node controller sets it)."""
    lbls = {"beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": "linux",
            "kubernetes.io/arch": "amd64", "kubernetes.io/hostname": name, "kubernetes.io/os": "linux"}
    if zone:
        lbls["topology.kubernetes.io/zone"] = zone
    cidrs = [cidr] if isinstance(cidr, str) else list(cidr)
    spec = {"podCIDR": cidrs[0], "podCIDRs": cidrs, "providerID": f"kind://docker/k8snet/{name}"}
    internal = [f.node_ip(index) for f in families] if families else [node_ip(index)]
    if index == 0:
        lbls[CONTROL_PLANE_LABEL] = ""
        lbls[EXCLUDE_FROM_LB_LABEL] = ""
        if nodes > 1:  # kind removes the taint only when there is no worker to run workloads
            spec["taints"] = [dict(CONTROL_PLANE_TAINT)]
    cond = lambda t, s, r, m: {"type": t, "status": s, "lastHeartbeatTime": created,
                               "lastTransitionTime": created, "reason": r, "message": m}
    return {
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"name": name, "labels": lbls,
                     "annotations": {"node.alpha.kubernetes.io/ttl": "0",
                                     "volumes.kubernetes.io/controller-managed-attach-detach": "true"}},
        "spec": spec,
        "status": {
            # kind's dual-stack nodes list an InternalIP per family (primary first), then the Hostname.
            "addresses": [*({"type": "InternalIP", "address": ip} for ip in internal),
                          {"type": "Hostname", "address": name}],
            "capacity": dict(NODE_CAPACITY), "allocatable": dict(NODE_CAPACITY),
            "conditions": [
                cond("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                cond("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                cond("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                cond("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
            ],
            "nodeInfo": {"architecture": "amd64", "containerRuntimeVersion": "containerd://2.1.4",
                         "kernelVersion": "6.8.0-86-generic", "kubeProxyVersion": "",
                         "kubeletVersion": KUBERNETES_VERSION, "operatingSystem": "linux",
                         "osImage": "Debian GNU/Linux 12 (bookworm)"},
        },
    }


def _fixed_uid(key: str) -> str:
    return str(uuid.UUID(bytes=hashlib.sha256(key.encode()).digest()[:16], version=4))


def system_objects(first_node_ip: str, family=None) -> list[dict]:
    """The API server's ``kubernetes`` Service, Endpoints and EndpointSlice, then kubeadm's
    CoreDNS ConfigMap, Deployment and ``kube-dns`` Service (created in this order,
    through the API as kubeadm's apiclient and the API server's reconcilers create them, so
    none carries kubectl's last-applied-configuration annotation).
    ``family`` (a ``families.Family``, default IPv4) is the primary family: both Services are
    single-stack in it, as the API server and kubeadm create them."""
    dns_labels = {"k8s-app": "kube-dns"}
    api_ip = family.kubernetes_ip if family else "10.96.0.1"
    dns_ip = family.dns_ip if family else DNS_IP
    return [
        {"apiVersion": "v1", "kind": "Service",
         "metadata": {"name": "kubernetes", "namespace": "default",
                      "labels": {"component": "apiserver", "provider": "kubernetes"}},
         "spec": {"clusterIP": api_ip,
                  "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": API_SERVER_PORT}]}},
        {"apiVersion": "v1", "kind": "Endpoints",
         "metadata": {"name": "kubernetes", "namespace": "default",
                      "labels": {"endpointslice.kubernetes.io/skip-mirror": "true"}},
         "subsets": [{"addresses": [{"ip": first_node_ip}],
                      "ports": [{"name": "https", "port": API_SERVER_PORT, "protocol": "TCP"}]}]},
        # pkg/controlplane/reconcilers/endpointsadapter.go Sync: the API server writes the
        # Endpoints, then its EndpointSlice (no controller owns it), in the family of its
        # advertise address (the primary one).
        {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
         "metadata": {"name": "kubernetes", "namespace": "default",
                      "labels": {"kubernetes.io/service-name": "kubernetes"}},
         "addressType": family.name if family else "IPv4",
         "endpoints": [{"addresses": [first_node_ip], "conditions": {"ready": True}}],
         "ports": [{"name": "https", "port": API_SERVER_PORT, "protocol": "TCP"}]},
        # cmd/kubeadm/app/phases/addons/dns/dns.go createCoreDNSAddon: the ConfigMap, (RBAC, not
        # modelled), the ServiceAccount, the Deployment, and last the kube-dns Service.
        # kubeadm creates it with client-go (no last-applied annotation).  Its uid is derived
        # from its name, so adding it left every other object's uid as it was.
        {"apiVersion": "v1", "kind": "ConfigMap",
         "metadata": {"name": "coredns", "namespace": "kube-system", "uid": _fixed_uid("kube-system/coredns"),
                      "creationTimestamp": "2025-01-01T00:00:00Z"},
         "data": {"Corefile": COREDNS_COREFILE}},
        _kubeadm_service_account("coredns"),
        coredns_deployment(dns_labels),
        {"apiVersion": "v1", "kind": "Service",
         "metadata": {"name": "kube-dns", "namespace": "kube-system",
                      "labels": {**dns_labels, "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS"},
                      "annotations": {"prometheus.io/port": "9153", "prometheus.io/scrape": "true"}},
         "spec": {"clusterIP": dns_ip, "selector": dns_labels,
                  "ports": [{"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53},
                            {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": 53},
                            {"name": "metrics", "port": 9153, "protocol": "TCP", "targetPort": 9153}]}},
        # cmd/kubeadm/app/phases/addons/proxy/proxy.go EnsureProxyAddon: the account kube-proxy's
        # DaemonSet names (serviceAccountName: kube-proxy).
        _kubeadm_service_account("kube-proxy"),
    ]


def coredns_deployment(dns_labels: dict) -> dict:
    """kubeadm v1.37's CoreDNS Deployment (cmd/kubeadm/app/phases/addons/dns/manifests.go
    ``CoreDNSDeployment``, field for field): account ``coredns``, priority class
    system-cluster-critical, a preferred anti-affinity spreading the replicas over nodes,
    the control plane's taint tolerated, 100m CPU and 70Mi/170Mi memory, the liveness (/health
    on the named port ``liveness-probe``, 8080) and readiness (/ready on ``readiness-probe``,
    8181) probes, a locked-down securityContext and the Corefile mounted from ConfigMap ``coredns``."""
    return {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "coredns", "namespace": "kube-system", "labels": dict(dns_labels)},
        "spec": {"replicas": 2, "selector": {"matchLabels": dict(dns_labels)},
                 "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1}},
                 "template": {"metadata": {"labels": dict(dns_labels)}, "spec": {
                     "priorityClassName": "system-cluster-critical", "serviceAccountName": "coredns",
                     "affinity": {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
                         {"weight": 100, "podAffinityTerm": {
                             "labelSelector": {"matchExpressions": [
                                 {"key": "k8s-app", "operator": "In", "values": ["kube-dns"]}]},
                             "topologyKey": "kubernetes.io/hostname"}}]}},
                     "tolerations": [{"key": "CriticalAddonsOnly", "operator": "Exists"},
                                     {"key": CONTROL_PLANE_LABEL, "effect": "NoSchedule"}],
                     "nodeSelector": {"kubernetes.io/os": "linux"},
                     "containers": [{
                         "name": "coredns", "image": COREDNS_IMAGE, "imagePullPolicy": "IfNotPresent",
                         "resources": {"limits": {"memory": "170Mi"}, "requests": {"cpu": "100m", "memory": "70Mi"}},
                         "args": ["-conf", "/etc/coredns/Corefile"],
                         "volumeMounts": [{"name": "config-volume", "mountPath": "/etc/coredns", "readOnly": True}],
                         "ports": [{"containerPort": 53, "name": "dns", "protocol": "UDP"},
                                   {"containerPort": 53, "name": "dns-tcp", "protocol": "TCP"},
                                   {"containerPort": 9153, "name": "metrics", "protocol": "TCP"},
                                   {"containerPort": 8080, "name": "liveness-probe", "protocol": "TCP"},
                                   {"containerPort": 8181, "name": "readiness-probe", "protocol": "TCP"}],
                         "livenessProbe": {"httpGet": {"path": "/health", "port": "liveness-probe", "scheme": "HTTP"},
                                           "initialDelaySeconds": 60, "timeoutSeconds": 5, "successThreshold": 1,
                                           "failureThreshold": 5},
                         "readinessProbe": {"httpGet": {"path": "/ready", "port": "readiness-probe", "scheme": "HTTP"}},
                         "securityContext": {"allowPrivilegeEscalation": False,
                                             "capabilities": {"add": ["NET_BIND_SERVICE"], "drop": ["ALL"]},
                                             "readOnlyRootFilesystem": True}}],
                     "dnsPolicy": "Default",
                     "volumes": [{"name": "config-volume", "configMap": {
                         "name": "coredns", "items": [{"key": "Corefile", "path": "Corefile"}]}}]}}}}


def _applied_service_account(namespace: str, name: str) -> dict:
    """A ServiceAccount of a manifest applied with ``kubectl apply`` (its last-applied
    annotation as kubectl writes it), stored as is: its uid derived from its name, so adding it
    shifted no other object's uid (nor the cloud load-balancer names made from uids)."""
    import json
    manifest = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": name, "namespace": namespace}}
    last = json.dumps(manifest, sort_keys=True, separators=(",", ":")) + "\n"
    return {"apiVersion": "v1", "kind": "ServiceAccount",
            "metadata": {"name": name, "namespace": namespace,
                         "annotations": {"kubectl.kubernetes.io/last-applied-configuration": last},
                         "uid": _fixed_uid(f"{namespace}/serviceaccount/{name}"),
                         "creationTimestamp": "2025-01-01T00:00:00Z"}}


def _kubeadm_service_account(name: str) -> dict:
    """A kube-system ServiceAccount kubeadm creates (apiclient.CreateOrUpdate: no annotation);
    its uid derived from its name, so it shifts no other object's uid."""
    return {"apiVersion": "v1", "kind": "ServiceAccount",
            "metadata": {"name": name, "namespace": "kube-system", "uid": _fixed_uid(f"kube-system/serviceaccount/{name}"),
                         "creationTimestamp": "2025-01-01T00:00:00Z"}}


# The CNI's per-node agent: (namespace, DaemonSet name, labels, image), as each project's
# standard install names it.
CNI_AGENTS = {
    "calico": ("kube-system", "calico-node", {"k8s-app": "calico-node"}, "docker.io/calico/node:v3.30.3"),
    "cilium": ("kube-system", "cilium", {"k8s-app": "cilium"}, "quay.io/cilium/cilium:v1.18.2"),
    "flannel": ("kube-flannel", "kube-flannel-ds", {"app": "flannel", "k8s-app": "flannel"},
                "ghcr.io/flannel-io/flannel:v0.27.3"),
    "weave": ("kube-system", "weave-net", {"name": "weave-net"}, "ghcr.io/weaveworks/launcher/weave-kube:2.8.1"),
    "kindnet": ("kube-system", "kindnet", {"app": "kindnet", "k8s-app": "kindnet"},
                "docker.io/kindest/kindnetd:v20250512-df8de77b"),
}


#: The account each CNI's agent DaemonSet runs as (``serviceAccountName`` in calico.yaml,
#: cilium's Helm chart, kube-flannel.yml, weave-daemonset-k8s.yaml, kindnet.yaml).
CNI_SERVICE_ACCOUNTS = {"calico": "calico-node", "cilium": "cilium", "flannel": "flannel", "weave": "weave-net",
                        "kindnet": "kindnet"}


def _agent(namespace: str, name: str, labels: dict, image: str, container: str, **extra) -> dict:
    return {"apiVersion": "apps/v1", "kind": "DaemonSet",
            "metadata": {"name": name, "namespace": namespace, "labels": dict(labels)},
            "spec": {"selector": {"matchLabels": dict(labels)},
                     "template": {"metadata": {"labels": dict(labels)},
                                  "spec": {"containers": [{"name": container, "image": image, **extra}],
                                           "hostNetwork": True, "nodeSelector": {"kubernetes.io/os": "linux"},
                                           "priorityClassName": "system-node-critical",
                                           "tolerations": [{"operator": "Exists"}]}}}}


def _kube_proxy_daemonset() -> dict:
    """kubeadm's kube-proxy DaemonSet (cmd/kubeadm/app/phases/addons/proxy/manifests.go
    KubeProxyDaemonSet19): its config comes from the ConfigMap ``kube-proxy`` mounted at
    /var/lib/kube-proxy, its node name from the downward API."""
    ds = _agent("kube-system", "kube-proxy", {"k8s-app": "kube-proxy"},
                f"registry.k8s.io/kube-proxy:{KUBERNETES_VERSION}", "kube-proxy",
                command=["/usr/local/bin/kube-proxy", "--config=/var/lib/kube-proxy/config.conf",
                         "--hostname-override=$(NODE_NAME)"],
                imagePullPolicy="IfNotPresent", securityContext={"privileged": True},
                volumeMounts=[{"mountPath": "/var/lib/kube-proxy", "name": "kube-proxy"},
                              {"mountPath": "/run/xtables.lock", "name": "xtables-lock", "readOnly": False},
                              {"mountPath": "/lib/modules", "name": "lib-modules", "readOnly": True}],
                env=[{"name": "NODE_NAME", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}}])
    ds["spec"]["updateStrategy"] = {"type": "RollingUpdate"}
    ds["spec"]["template"]["spec"].update({
        "serviceAccountName": "kube-proxy",
        "volumes": [{"name": "kube-proxy", "configMap": {"name": "kube-proxy"}},
                    {"name": "xtables-lock", "hostPath": {"path": "/run/xtables.lock", "type": "FileOrCreate"}},
                    {"name": "lib-modules", "hostPath": {"path": "/lib/modules"}}]})
    return ds


def node_agents(cni: str) -> list[dict]:
    """kube-proxy's DaemonSet and the CNI agent's with its ServiceAccount (plus the namespace
    flannel installs into), applied as ``kubectl apply -f`` of the CNI's manifest applies them."""
    out = [_kube_proxy_daemonset()]
    ns, name, labels, image = CNI_AGENTS[cni]
    if ns != "kube-system":
        out.insert(0, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})
    account = CNI_SERVICE_ACCOUNTS[cni]
    # The CNI's manifest creates its account before the DaemonSet that names it.
    out.append(_applied_service_account(ns, account))
    agent = _agent(ns, name, labels, image, name.removesuffix("-ds"))
    agent["spec"]["template"]["spec"]["serviceAccountName"] = account
    out.append(agent)
    return out


def _simulated_ca_pem() -> str:
    """The cluster CA's certificate as PEM text.  Simulated, and plainly so: the base64 body
    decodes to the words ``k8snet simulated cluster CA -- not a real certificate`` followed by
    a SHA-256 chain, not to DER; it is the same for every cluster (kubeadm's ``ca.crt`` would
    be a fresh 10-year self-signed ``CN=kubernetes`` certificate)."""
    import base64
    blob = b"k8snet simulated cluster CA -- not a real certificate (CN=kubernetes)\n"
    digest = hashlib.sha256(blob).digest()
    while len(blob) < 720:  # about the length of a real kubeadm CA
        blob += digest
        digest = hashlib.sha256(digest).digest()
    body = base64.b64encode(blob[:720]).decode()
    lines = [body[i:i + 64] for i in range(0, len(body), 64)]
    return "-----BEGIN CERTIFICATE-----\n" + "\n".join(lines) + "\n-----END CERTIFICATE-----\n"


#: ``/etc/kubernetes/pki/ca.crt`` as the controllers publish it (kube-root-ca.crt, cluster-info).
CLUSTER_CA_PEM = _simulated_ca_pem()
