"""A new ``Cluster()`` holds what a fresh kubeadm cluster holds (contract: "A cluster").

Rows name the upstream rule: kubeadm's bootstrap objects, the node-ipam controller's pod
CIDRs, the host-local IPAM plugin the CNI uses for pod IPs.
"""
from __future__ import annotations

import ipaddress

import pytest

from k8snet import Cluster

from .objects import deployment, is_ready, live_pods


@pytest.fixture(scope="module")
def fresh() -> Cluster:
    return Cluster(seed=0)


def _service_ports(svc: dict) -> list[tuple]:
    return [(p.get("name"), p["port"], p["protocol"]) for p in svc["spec"]["ports"]]


@pytest.mark.parametrize("namespace", ["default", "kube-system", "kube-public", "kube-node-lease"])
def test_namespaces(fresh, namespace):
    # kubeadm init: the four namespaces every cluster starts with (docs: Namespaces, "Initial namespaces").
    ns = fresh.get("namespace", namespace)
    assert ns["status"]["phase"] == "Active"
    assert ns["metadata"]["labels"]["kubernetes.io/metadata.name"] == namespace


@pytest.mark.parametrize("ref, namespace, cluster_ip, ports", [
    # pkg/controlplane/controller/kubernetesservice: Service "kubernetes" at the first IP of the
    # Service CIDR (ServiceIPRange GetIndexedIP(1)), port "https" 443/TCP.
    pytest.param("kubernetes", "default", "10.96.0.1", [("https", 443, "TCP")], id="default/kubernetes"),
    # kubeadm's CoreDNS addon: Service kube-dns at the 10th IP (GetDNSIP), dns/dns-tcp/metrics.
    pytest.param("kube-dns", "kube-system", "10.96.0.10",
                 [("dns", 53, "UDP"), ("dns-tcp", 53, "TCP"), ("metrics", 9153, "TCP")], id="kube-system/kube-dns"),
])
def test_system_services(fresh, ref, namespace, cluster_ip, ports):
    svc = fresh.get("svc", ref, namespace)
    assert svc["spec"]["type"] == "ClusterIP"
    assert svc["spec"]["clusterIP"] == cluster_ip
    assert svc["spec"]["clusterIPs"] == [cluster_ip]
    assert _service_ports(svc) == ports


def test_system_service_ips_lie_in_the_service_cidr(fresh):
    # kube-apiserver --service-cluster-ip-range=10.96.0.0/12 (kubeadm's default serviceSubnet).
    net = ipaddress.ip_network("10.96.0.0/12")
    for svc in fresh.list("svc", None):
        assert ipaddress.ip_address(svc["spec"]["clusterIP"]) in net


def test_coredns_pods_are_ready_behind_kube_dns(fresh):
    # kubeadm deploys CoreDNS with 2 replicas labelled k8s-app=kube-dns.
    pods = [p for p in fresh.list("Pod", "kube-system") if p["metadata"]["labels"].get("k8s-app") == "kube-dns"]
    assert len(pods) == 2
    assert all(is_ready(p) for p in pods)
    ips = {p["status"]["podIP"] for p in pods}
    slice_ips = {ep["addresses"][0] for s in fresh.list("EndpointSlice", "kube-system")
                 if s["metadata"]["labels"].get("kubernetes.io/service-name") == "kube-dns"
                 for ep in s["endpoints"] if ep["conditions"]["ready"]}
    assert slice_ips == ips


@pytest.mark.parametrize("nodes, want", [
    # node-ipam controller, --cluster-cidr=10.244.0.0/16 --node-cidr-mask-size=24: one /24 each, in order.
    pytest.param(1, {"node-1": "10.244.0.0/24"}, id="one-node"),
    pytest.param(3, {"node-1": "10.244.0.0/24", "node-2": "10.244.1.0/24", "node-3": "10.244.2.0/24"}, id="three-nodes"),
    pytest.param(["cp", "w1"], {"cp": "10.244.0.0/24", "w1": "10.244.1.0/24"}, id="named-nodes"),
])
def test_node_pod_cidrs_and_internal_ip(nodes, want):
    c = Cluster(nodes, seed=0)
    got = {n["metadata"]["name"]: n["spec"]["podCIDR"] for n in c.list("Node")}
    assert got == want
    for n in c.list("Node"):
        addrs = {a["type"]: a["address"] for a in n["status"]["addresses"]}
        assert ipaddress.ip_address(addrs["InternalIP"]).is_private
        assert addrs["Hostname"] == n["metadata"]["name"]
        assert any(c_["type"] == "Ready" and c_["status"] == "True" for c_ in n["status"]["conditions"])


def test_pods_get_ips_from_their_node_range():
    # The CNI's host-local IPAM hands out addresses from the node's spec.podCIDR.
    c = Cluster(3, seed=4)
    c.apply(deployment(replicas=9))
    nodes = {n["metadata"]["name"]: ipaddress.ip_network(n["spec"]["podCIDR"]) for n in c.list("Node")}
    pods = live_pods(c, prefix="web-")
    assert len(pods) == 9
    for p in pods:
        assert ipaddress.ip_address(p["status"]["podIP"]) in nodes[p["spec"]["nodeName"]]
        assert p["status"]["podIPs"] == [{"ip": p["status"]["podIP"]}]
    assert len({p["status"]["podIP"] for p in pods}) == 9


def test_a_recreated_pod_gets_a_new_ip():
    # host-local IPAM continues after the last reserved address, so a replacement pod (even on
    # the same node) gets a new IP: why Services exist (docs: Service, "Motivation").
    c = Cluster(1, seed=0)
    c.apply(deployment(replicas=1))
    (old,) = live_pods(c, prefix="web-")
    c.delete(f"pod/{old['metadata']['name']}")
    (new,) = live_pods(c, prefix="web-")
    assert new["metadata"]["name"] != old["metadata"]["name"]
    assert new["status"]["podIP"] != old["status"]["podIP"]


CP, EXCLUDE = "node-role.kubernetes.io/control-plane", "node.kubernetes.io/exclude-from-external-load-balancers"


@pytest.mark.parametrize("nodes, node, role_labels, taints", [
    # kubeadm's mark-control-plane phase (cmd/kubeadm/app/phases/markcontrolplane): the labels
    # LabelNodeRoleControlPlane and LabelExcludeFromExternalLB, the taint ControlPlaneTaint.
    pytest.param(3, "node-1", {CP: "", EXCLUDE: ""}, [(CP, "NoSchedule")], id="control-plane-of-three"),
    # kubeadm join: a worker has no role label and no taint.
    pytest.param(3, "node-2", {}, [], id="worker"),
    pytest.param(2, "node-1", {CP: "", EXCLUDE: ""}, [(CP, "NoSchedule")], id="control-plane-of-two"),
    # kind (and minikube) remove the taint when the control plane is the only node.
    pytest.param(1, "node-1", {CP: "", EXCLUDE: ""}, [], id="single-node-untainted"),
])
def test_control_plane_node(nodes, node, role_labels, taints):
    n = Cluster(nodes, seed=0).get("node", node)
    labels = n["metadata"]["labels"]
    assert {k: v for k, v in labels.items() if k in (CP, EXCLUDE)} == role_labels
    assert [(t["key"], t["effect"]) for t in n["spec"].get("taints") or []] == taints


@pytest.mark.parametrize("nodes, want_nodes", [
    # kube-scheduler's TaintToleration filter keeps a pod without the toleration off the control
    # plane; kubeadm's CoreDNS manifest tolerates it (and DaemonSet pods tolerate everything).
    pytest.param(3, {"node-2", "node-3"}, id="workloads-on-the-workers"),
    pytest.param(1, {"node-1"}, id="single-node-runs-everything"),
])
def test_workloads_avoid_the_control_plane(nodes, want_nodes):
    c = Cluster(nodes, seed=0)
    c.apply(deployment(replicas=6))
    assert {p["spec"]["nodeName"] for p in live_pods(c, prefix="web-")} == want_nodes


@pytest.mark.parametrize("where, want", [
    # Node.status.nodeInfo.kubeletVersion and the VERSION column: the release the course follows.
    ("kubeletVersion", "v1.37.1"),
    # kubeadm deploys kube-proxy at its own version and CoreDNS at constants.CoreDNSVersion.
    ("kube-proxy image", "registry.k8s.io/kube-proxy:v1.37.1"),
    ("coredns image", "registry.k8s.io/coredns/coredns:v1.14.6"),
])
def test_versions_are_kubeadm_v1_37s(fresh, where, want):
    got = {"kubeletVersion": lambda: fresh.get("node", "node-1")["status"]["nodeInfo"]["kubeletVersion"],
           "kube-proxy image": lambda: fresh.get("daemonset", "kube-proxy", "kube-system")["spec"]["template"]["spec"]
           ["containers"][0]["image"],
           "coredns image": lambda: fresh.get("deployment", "coredns", "kube-system")["spec"]["template"]["spec"]
           ["containers"][0]["image"]}[where]()
    assert got == want


LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


@pytest.mark.parametrize("kind, namespace, name, labels, annotations", [
    # pkg/controlplane/controller/kubernetesservice (Controller.CreateOrUpdateMasterServiceIfNeeded):
    # the API server creates it through its own client, labels component/provider, no annotations.
    pytest.param("Service", "default", "kubernetes", {"component": "apiserver", "provider": "kubernetes"}, {},
                 id="svc-default/kubernetes"),
    # pkg/controlplane/reconcilers/endpointsadapter.go updateEndpoints: only the skip-mirror label.
    pytest.param("Endpoints", "default", "kubernetes", {"endpointslice.kubernetes.io/skip-mirror": "true"}, {},
                 id="endpoints-default/kubernetes"),
    # endpointsadapter.go updateEndpointSlice: only kubernetes.io/service-name (no managed-by).
    pytest.param("EndpointSlice", "default", "kubernetes", {"kubernetes.io/service-name": "kubernetes"}, {},
                 id="endpointslice-default/kubernetes"),
    # cmd/kubeadm/app/phases/addons/dns/manifests.go CoreDNSService, created with
    # apiclient.CreateOrUpdate (client-go), so no last-applied-configuration.
    pytest.param("Service", "kube-system", "kube-dns",
                 {"k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS"},
                 {"prometheus.io/port": "9153", "prometheus.io/scrape": "true"}, id="svc-kube-system/kube-dns"),
    # manifests.go CoreDNSDeployment (apiclient.CreateOrUpdate); the deployment controller adds
    # deployment.kubernetes.io/revision (deployment/util SetNewReplicaSetAnnotations).
    pytest.param("Deployment", "kube-system", "coredns", {"k8s-app": "kube-dns"},
                 {"deployment.kubernetes.io/revision": "1"}, id="deploy-kube-system/coredns"),
    # manifests.go CoreDNSConfigMap: no labels, no annotations.
    pytest.param("ConfigMap", "kube-system", "coredns", {}, {}, id="configmap-kube-system/coredns"),
])
def test_bootstrap_object_metadata_is_kubeadms(fresh, kind, namespace, name, labels, annotations):
    meta = fresh.get(kind, name, namespace)["metadata"]
    assert (meta.get("labels") or {}) == labels
    assert (meta.get("annotations") or {}) == annotations
    assert LAST_APPLIED not in fresh.kubectl(f"get {kind.lower()} -n {namespace} {name} -o yaml")


@pytest.mark.parametrize("name, namespace", [
    # pkg/apis/core/v1/defaults.go SetDefaults_Service and the registry's IP-family defaulting:
    # both system Services are single-stack ClusterIP Services with the defaulted policies.
    pytest.param("kubernetes", "default", id="default/kubernetes"),
    pytest.param("kube-dns", "kube-system", id="kube-system/kube-dns"),
])
def test_system_service_defaults(fresh, name, namespace):
    spec = fresh.get("svc", name, namespace)["spec"]
    got = {k: spec.get(k) for k in ("type", "sessionAffinity", "internalTrafficPolicy", "ipFamilyPolicy", "ipFamilies")}
    assert got == {"type": "ClusterIP", "sessionAffinity": "None", "internalTrafficPolicy": "Cluster",
                   "ipFamilyPolicy": "SingleStack", "ipFamilies": ["IPv4"]}


@pytest.mark.parametrize("path, want", [
    # cmd/kubeadm/app/phases/addons/dns/manifests.go CoreDNSDeployment (replicas from
    # DNSAddon's default of 2 in cmd/kubeadm/app/phases/addons/dns/dns.go).
    ("spec.replicas", 2),
    ("spec.strategy", {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": "25%"}}),
    ("spec.selector", {"matchLabels": {"k8s-app": "kube-dns"}}),
    ("spec.template.spec.priorityClassName", "system-cluster-critical"),
    ("spec.template.spec.dnsPolicy", "Default"),
    ("spec.template.spec.nodeSelector", {"kubernetes.io/os": "linux"}),
    ("spec.template.spec.tolerations", [{"key": "CriticalAddonsOnly", "operator": "Exists"},
                                        {"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]),
])
def test_coredns_deployment_spec(fresh, path, want):
    node = fresh.get("deployment", "coredns", "kube-system")
    for part in path.split("."):
        node = node[part]
    assert node == want


def _rv(c: Cluster, kind: str, namespace: str, name: str) -> int:
    return int(c.get(kind, name, namespace)["metadata"]["resourceVersion"])


@pytest.mark.parametrize("first, then", [
    # pkg/controlplane/reconcilers/endpointsadapter.go Sync: Endpoints first, then the EndpointSlice.
    pytest.param(("Service", "default", "kubernetes"), ("Endpoints", "default", "kubernetes"),
                 id="kubernetes-svc-before-its-endpoints"),
    pytest.param(("Endpoints", "default", "kubernetes"), ("EndpointSlice", "default", "kubernetes"),
                 id="endpoints-before-endpointslice"),
    # The API server's own objects exist before kubeadm's addon phase runs.
    pytest.param(("EndpointSlice", "default", "kubernetes"), ("ConfigMap", "kube-system", "coredns"),
                 id="apiserver-objects-before-coredns-addon"),
    # cmd/kubeadm/app/phases/addons/dns/dns.go createCoreDNSAddon: ConfigMap, RBAC, ServiceAccount,
    # Deployment, and last createDNSService (kube-dns).
    pytest.param(("ConfigMap", "kube-system", "coredns"), ("Service", "kube-system", "kube-dns"),
                 id="coredns-configmap-before-kube-dns"),
])
def test_bootstrap_creation_order(fresh, first, then):
    # These objects are never rewritten after bootstrap, so resourceVersion is creation order.
    assert _rv(fresh, *first) < _rv(fresh, *then)


def test_coredns_deployment_created_before_kube_dns_service():
    # createCoreDNSAddon creates the Deployment before createDNSService (the Deployment's own
    # resourceVersion moves on with its status, so the list order is what is checked).
    from k8snet import bootstrap
    kinds = [(o["kind"], o["metadata"]["name"]) for o in bootstrap.system_objects("172.18.0.2")]
    assert kinds.index(("Deployment", "coredns")) < kinds.index(("Service", "kube-dns"))
