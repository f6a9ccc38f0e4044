"""Defaulting rows: the field a learner leaves out, and what the API server stores.
Sources: pkg/apis/{core,apps,networking,discovery}/v1/defaults.go, pkg/registry/core/service
(strategy.go, alloc.go), gateway-api v1.3.0 CRD ``default:`` values."""
from __future__ import annotations

import copy
import json

import pytest

from k8snet.apiserver.defaults import default, image_pull_policy, needs_cluster_ip, needs_node_ports, prepare_service_update

from .objects import container, gateway, httproute, ingress, netpol, pod, service, workload


def _get(obj, path):
    for part in path.split("."):
        obj = obj[int(part)] if isinstance(obj, list) else obj[part]
    return obj


def _absent(obj, path):
    head, _, last = path.rpartition(".")
    parent = _get(obj, head) if head else obj
    return last not in parent


ROWS = [
    # (id, object, path, expected value, upstream rule)
    ("svc-type", service(), "spec.type", "ClusterIP", "SetDefaults_Service"),
    ("svc-affinity", service(), "spec.sessionAffinity", "None", "SetDefaults_Service"),
    ("svc-port-protocol", service(), "spec.ports.0.protocol", "TCP", "SetDefaults_Service"),
    ("svc-target-port", service(ports=[{"port": 80}]), "spec.ports.0.targetPort", 80, "SetDefaults_Service: targetPort = port"),
    ("svc-named-target-port-kept", service(ports=[{"port": 80, "targetPort": "http"}]), "spec.ports.0.targetPort", "http",
     "SetDefaults_Service"),
    ("svc-ip-families", service(), "spec.ipFamilies", ["IPv4"], "alloc.go initIPFamilyFields"),
    ("svc-ip-family-policy", service(), "spec.ipFamilyPolicy", "SingleStack", "alloc.go initIPFamilyFields"),
    ("svc-headless-no-selector-policy", service(clusterIP="None", selector=None), "spec.ipFamilyPolicy", "RequireDualStack",
     "alloc.go: headless selectorless Services get RequireDualStack"),
    ("svc-headless-cluster-ips", service(clusterIP="None"), "spec.clusterIPs", ["None"], "strategy.go NormalizeClusterIPs"),
    ("svc-itp", service(), "spec.internalTrafficPolicy", "Cluster", "SetDefaults_Service"),
    ("svc-etp-nodeport", service(type="NodePort"), "spec.externalTrafficPolicy", "Cluster", "SetDefaults_Service"),
    ("svc-etp-lb", service(type="LoadBalancer"), "spec.externalTrafficPolicy", "Cluster", "SetDefaults_Service"),
    ("svc-alloc-lb-nodeports", service(type="LoadBalancer"), "spec.allocateLoadBalancerNodePorts", True, "SetDefaults_Service"),
    ("svc-affinity-timeout", service(sessionAffinity="ClientIP"), "spec.sessionAffinityConfig",
     {"clientIP": {"timeoutSeconds": 10800}}, "SetDefaults_Service: DefaultClientIPServiceAffinitySeconds"),
    ("svc-status", service(), "status", {"loadBalancer": {}}, "service strategy PrepareForCreate"),
    ("pod-dns-policy", pod(), "spec.dnsPolicy", "ClusterFirst", "SetDefaults_PodSpec"),
    ("pod-restart-policy", pod(), "spec.restartPolicy", "Always", "SetDefaults_PodSpec"),
    ("pod-grace", pod(), "spec.terminationGracePeriodSeconds", 30, "SetDefaults_PodSpec"),
    ("pod-scheduler", pod(), "spec.schedulerName", "default-scheduler", "SetDefaults_PodSpec"),
    ("pod-service-links", pod(), "spec.enableServiceLinks", True, "SetDefaults_Pod"),
    ("pod-port-protocol", pod(), "spec.containers.0.ports.0.protocol", "TCP", "ContainerPort.Protocol +default=TCP"),
    ("pod-pull-policy-tag", pod(), "spec.containers.0.imagePullPolicy", "IfNotPresent", "SetDefaults_Container"),
    ("pod-pull-policy-latest", pod(containers=[container(image="nginx")]), "spec.containers.0.imagePullPolicy", "Always",
     "SetDefaults_Container: no tag means latest"),
    ("pod-termination-message", pod(), "spec.containers.0.terminationMessagePolicy", "File", "SetDefaults_Container"),
    ("pod-probe-defaults", pod(containers=[container(readinessProbe={"httpGet": {"port": 80}})]),
     "spec.containers.0.readinessProbe",
     {"httpGet": {"port": 80, "path": "/", "scheme": "HTTP"}, "timeoutSeconds": 1, "periodSeconds": 10,
      "successThreshold": 1, "failureThreshold": 3}, "SetDefaults_Probe + SetDefaults_HTTPGetAction"),
    ("pod-phase", pod(), "status.phase", "Pending", "pod strategy PrepareForCreate"),
    ("pod-qos", pod(), "status.qosClass", "BestEffort", "qos.GetPodQOS"),
    ("pod-host-network-ports", pod(hostNetwork=True), "spec.containers.0.ports.0.hostPort", 80, "SetDefaults_Pod: hostNetwork"),
    ("deploy-replicas", workload(), "spec.replicas", 1, "SetDefaults_Deployment"),
    ("deploy-strategy", workload(), "spec.strategy",
     {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}}, "SetDefaults_Deployment"),
    ("deploy-history", workload(), "spec.revisionHistoryLimit", 10, "SetDefaults_Deployment"),
    ("deploy-progress", workload(), "spec.progressDeadlineSeconds", 600, "SetDefaults_Deployment"),
    ("deploy-template-dns", workload(), "spec.template.spec.dnsPolicy", "ClusterFirst", "SetDefaults_PodSpec in templates"),
    ("rs-replicas", workload("ReplicaSet"), "spec.replicas", 1, "SetDefaults_ReplicaSet"),
    ("sts-pod-management", workload("StatefulSet"), "spec.podManagementPolicy", "OrderedReady", "SetDefaults_StatefulSet"),
    ("sts-update-strategy", workload("StatefulSet"), "spec.updateStrategy",
     {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}, "SetDefaults_StatefulSet"),
    ("sts-pvc-policy", workload("StatefulSet"), "spec.persistentVolumeClaimRetentionPolicy",
     {"whenDeleted": "Retain", "whenScaled": "Retain"}, "SetDefaults_StatefulSet"),
    ("netpol-policy-types", netpol(), "spec.policyTypes", ["Ingress"], "SetDefaults_NetworkPolicy"),
    ("netpol-policy-types-egress", netpol(egress=[{"to": [{"podSelector": {}}]}]), "spec.policyTypes",
     ["Ingress", "Egress"], "SetDefaults_NetworkPolicy"),
    ("netpol-port-protocol", netpol(ingress=[{"ports": [{"port": 5432}]}]), "spec.ingress.0.ports.0.protocol", "TCP",
     "SetDefaults_NetworkPolicyPort"),
    ("gateway-allowed-routes", gateway(), "spec.listeners.0.allowedRoutes", {"namespaces": {"from": "Same"}},
     "gateways CRD: listeners[].allowedRoutes default"),
    ("gateway-tls-mode", gateway(listeners=[{"name": "https", "port": 443, "protocol": "HTTPS",
                                             "tls": {"certificateRefs": [{"name": "cert"}]}}]),
     "spec.listeners.0.tls", {"certificateRefs": [{"name": "cert", "group": "", "kind": "Secret"}], "mode": "Terminate"},
     "gateways CRD: tls.mode, certificateRefs group/kind"),
    ("gateway-status", gateway(), "status.conditions.1",
     {"lastTransitionTime": "1970-01-01T00:00:00Z", "message": "Waiting for controller", "reason": "Pending",
      "status": "Unknown", "type": "Programmed"}, "gateways CRD: status default"),
    ("route-rules-default", httproute(rules=[], parentRefs=[{"name": "gw"}]) | {"spec": {"parentRefs": [{"name": "gw"}]}},
     "spec.rules",
     [{"matches": [{"path": {"type": "PathPrefix", "value": "/"}}]}], "httproutes CRD: spec.rules default"),
    ("route-matches-default", httproute(), "spec.rules.0.matches", [{"path": {"type": "PathPrefix", "value": "/"}}],
     "httproutes CRD: rules[].matches default"),
    ("route-header-match-gets-path", httproute(rules=[{"matches": [{"headers": [{"name": "env", "value": "canary"}]}]}]),
     "spec.rules.0.matches.0", {"headers": [{"name": "env", "value": "canary", "type": "Exact"}],
                                "path": {"type": "PathPrefix", "value": "/"}}, "httproutes CRD: matches[].path default"),
    ("route-backend-weight", httproute(), "spec.rules.0.backendRefs.0",
     {"name": "web", "port": 80, "group": "", "kind": "Service", "weight": 1}, "httproutes CRD: backendRefs[] defaults"),
    ("route-parent-ref", httproute(), "spec.parentRefs.0",
     {"name": "gw", "group": "gateway.networking.k8s.io", "kind": "Gateway"}, "httproutes CRD: parentRefs[] defaults"),
]


@pytest.mark.parametrize("obj,path,want,rule", [r[1:] for r in ROWS], ids=[r[0] for r in ROWS])
def test_default(obj, path, want, rule):
    for key in [k for k, v in obj.get("spec", {}).items() if v is None]:
        del obj["spec"][key]
    assert _get(default(obj), path) == want, rule


ABSENT_ROWS = [
    ("ingress-path-type", ingress(rules=[{"http": {"paths": [{"path": "/", "backend": {}}]}}]),
     "spec.rules.0.http.paths.0.pathType", "networking/v1 defaults.go: no pathType default"),
    ("clusterip-left-to-allocator", service(), "spec.clusterIP", "allocation is the ipallocator's"),
    ("nodeport-left-to-allocator", service(type="NodePort"), "spec.ports.0.nodePort", "allocation is the portallocator's"),
    ("etp-not-on-clusterip", service(), "spec.externalTrafficPolicy", "SetDefaults_Service: ExternallyAccessible only"),
    ("affinity-config-dropped", service(sessionAffinityConfig={"clientIP": {"timeoutSeconds": 5}}),
     "spec.sessionAffinityConfig", "SetDefaults_Service: None drops sessionAffinityConfig"),
    ("externalname-no-families", service(type="ExternalName", externalName="db.example.com"), "spec.ipFamilies",
     "alloc.go: ExternalName has no IP families"),
    ("template-no-service-links", workload(), "spec.template.spec.enableServiceLinks",
     "SetDefaults_Pod applies to Pods only, not templates"),
]


@pytest.mark.parametrize("obj,path,rule", [r[1:] for r in ABSENT_ROWS], ids=[r[0] for r in ABSENT_ROWS])
def test_not_defaulted(obj, path, rule):
    assert _absent(default(obj), path), rule


@pytest.mark.parametrize("obj", [service(), pod(), workload(), workload("StatefulSet"), netpol(), gateway(), httproute()],
                         ids=["service", "pod", "deployment", "statefulset", "netpol", "gateway", "httproute"])
def test_default_is_pure_and_idempotent(obj):
    """default() returns a new dict, leaves its input alone, and changes nothing the second time."""
    before = copy.deepcopy(obj)
    once = default(obj)
    assert obj == before
    assert json.dumps(default(once), sort_keys=True) == json.dumps(once, sort_keys=True)


@pytest.mark.parametrize("image,want", [("nginx", "Always"), ("nginx:latest", "Always"), ("nginx:1.27", "IfNotPresent"),
                                        ("localhost:5000/web", "Always"), ("registry.k8s.io/pause:3.10", "IfNotPresent"),
                                        ("nginx@sha256:" + "a" * 64, "IfNotPresent")],
                         ids=["no-tag", "latest", "tag", "registry-port", "registry-tag", "digest"])
def test_image_pull_policy(image, want):
    """SetDefaults_Container + parsers.ParseImageName."""
    assert image_pull_policy(image) == want


def test_allocation_markers():
    """needs_cluster_ip / needs_node_ports tell the allocators what to do (alloc.go needsClusterIP/needsNodePort)."""
    assert needs_cluster_ip(default(service()))
    assert not needs_cluster_ip(default(service(clusterIP="None")))
    assert not needs_cluster_ip(default(service(type="ExternalName", externalName="a.example.com")))
    assert needs_node_ports(default(service(type="LoadBalancer")))
    assert not needs_node_ports(default(service(type="LoadBalancer", allocateLoadBalancerNodePorts=False)))


STORED = default(service(type="NodePort", clusterIP="10.96.0.20",
                         ports=[{"name": "http", "port": 80, "nodePort": 30080},
                                {"name": "https", "port": 443, "nodePort": 30443}]))
UPDATE_ROWS = [
    ("keeps-cluster-ip", service(type="NodePort", ports=[{"name": "http", "port": 80}]), "spec.clusterIP", "10.96.0.20",
     "patchAllocatedValues: clusterIP"),
    ("keeps-node-port-by-name", service(type="NodePort", ports=[{"name": "https", "port": 8443}]),
     "spec.ports.0.nodePort", 30443, "patchAllocatedValues: nodePorts matched by port name"),
    ("drops-node-ports-to-clusterip", service(ports=[{"name": "http", "port": 80}]), "spec.ports.0", None,
     "patchAllocatedValues does not apply; nothing to drop"),
]


@pytest.mark.parametrize("new,path,want,rule", [r[1:] for r in UPDATE_ROWS], ids=[r[0] for r in UPDATE_ROWS])
def test_prepare_service_update(new, path, want, rule):
    got = default(prepare_service_update(default(new), STORED))
    if want is None:
        assert "nodePort" not in _get(got, path), rule
    else:
        assert _get(got, path) == want, rule
