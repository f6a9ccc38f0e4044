"""Golden ``kubectl get`` tables, one per kind and option (printers.go AddHandlers columns,
cli-runtime tableprinter.go layout)."""
from __future__ import annotations

import pytest

from k8snet.clock import rfc3339
from k8snet.kubectl import get_table, get_tables, no_resources_message

from .fixtures import NOW, T0, endpointslice, event, meta, pod, service

NODE = {"apiVersion": "v1", "kind": "Node",
        "metadata": meta("node-1", ns=None, labels={"kubernetes.io/hostname": "node-1",
                                                    "node-role.kubernetes.io/control-plane": ""}),
        "spec": {"podCIDR": "10.244.1.0/24", "podCIDRs": ["10.244.1.0/24"]},
        "status": {"addresses": [{"type": "InternalIP", "address": "192.168.49.2"},
                                 {"type": "Hostname", "address": "node-1"}],
                   "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady"}],
                   "nodeInfo": {"kubeletVersion": "v1.33.1", "osImage": "Ubuntu 22.04.5 LTS",
                                "kernelVersion": "6.8.0-1015-gcp", "containerRuntimeVersion": "containerd://1.7.27"}}}
NODE2 = {"apiVersion": "v1", "kind": "Node", "metadata": meta("node-2", ns=None),
         "spec": {"unschedulable": True},
         "status": {"conditions": [{"type": "Ready", "status": "Unknown"}], "nodeInfo": {"kubeletVersion": "v1.33.1"}}}
DEPLOY = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta("web"),
          "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
                   "template": {"metadata": {"labels": {"app": "web"}},
                                "spec": {"containers": [{"name": "web", "image": "nginx:1.27"},
                                                        {"name": "sidecar", "image": "busybox:1.36"}]}}},
          "status": {"replicas": 3, "updatedReplicas": 3, "readyReplicas": 2, "availableReplicas": 2}}
RS = {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": meta("web-7c9f8d"),
      "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web", "pod-template-hash": "7c9f8d"}},
               "template": {"spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]}}},
      "status": {"replicas": 3, "readyReplicas": 2}}
STS = {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": meta("db"),
       "spec": {"replicas": 2, "template": {"spec": {"containers": [{"name": "db", "image": "postgres:16"}]}}},
       "status": {"readyReplicas": 1}}
ENDPOINTS = {"apiVersion": "v1", "kind": "Endpoints", "metadata": meta("web"),
             "subsets": [{"addresses": [{"ip": f"10.244.1.{i}"} for i in range(2, 7)],
                          "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}]}]}
ENDPOINTS_EMPTY = {"apiVersion": "v1", "kind": "Endpoints", "metadata": meta("lonely")}
INGRESS = {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": meta("web"),
           "spec": {"ingressClassName": "nginx",
                    "rules": [{"host": "web.example.com", "http": {"paths": [
                        {"path": "/", "pathType": "Prefix",
                         "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}],
                    "tls": [{"hosts": ["web.example.com"], "secretName": "web-tls"}]},
           "status": {"loadBalancer": {"ingress": [{"ip": "192.168.49.2"}]}}}
INGRESS_BARE = {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": meta("catch-all"),
                "spec": {"defaultBackend": {"service": {"name": "web", "port": {"number": 80}}}},
                "status": {"loadBalancer": {}}}
INGRESSCLASS = {"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass", "metadata": meta("nginx", ns=None),
                "spec": {"controller": "k8s.io/ingress-nginx"}}
NETPOL = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": meta("allow-front"),
          "spec": {"podSelector": {"matchLabels": {"app": "web"},
                                   "matchExpressions": [{"key": "tier", "operator": "In", "values": ["ui", "api"]}]},
                   "policyTypes": ["Ingress"]}}
DENY_ALL = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": meta("deny-all"),
            "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}}
NAMESPACES = [{"apiVersion": "v1", "kind": "Namespace", "metadata": meta(n, ns=None), "status": {"phase": "Active"}}
              for n in ("default", "kube-system", "kube-public", "kube-node-lease")]
CONFIGMAP = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta("kube-root-ca.crt"), "data": {"ca.crt": "x"}}
SECRET = {"apiVersion": "v1", "kind": "Secret", "metadata": meta("web-tls"), "type": "kubernetes.io/tls",
          "data": {"tls.crt": "eA==", "tls.key": "eA=="}}
GATEWAYCLASS = {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "GatewayClass", "metadata": meta("k8snet", ns=None),
                "spec": {"controllerName": "k8snet.io/gateway-controller", "description": "The course's Gateway"},
                "status": {"conditions": [{"type": "Accepted", "status": "True", "reason": "Accepted"}]}}
GATEWAY = {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway", "metadata": meta("gw"),
           "spec": {"gatewayClassName": "k8snet", "listeners": [{"name": "http", "port": 80, "protocol": "HTTP"}]},
           "status": {"addresses": [{"type": "IPAddress", "value": "172.18.0.10"},
                                    {"type": "IPAddress", "value": "172.18.0.11"}],
                      "conditions": [{"type": "Accepted", "status": "True"}, {"type": "Programmed", "status": "True"}]}}
GATEWAY_NEW = {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway", "metadata": meta("pending", t=NOW - 5),
               "spec": {"gatewayClassName": "k8snet", "listeners": []}}
HTTPROUTE = {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": meta("web"),
             "spec": {"hostnames": ["web.example.com", "www.example.com"], "parentRefs": [{"name": "gw"}]}}
HTTPROUTE_NOHOST = {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": meta("any"),
                    "spec": {"parentRefs": [{"name": "gw"}]}}
REFGRANT = {"apiVersion": "gateway.networking.k8s.io/v1beta1", "kind": "ReferenceGrant", "metadata": meta("allow-gw"),
            "spec": {"from": [], "to": []}}
LB = service("lb", "LoadBalancer", cluster_ip="10.96.0.20",
             ports=[{"name": "http", "port": 80, "protocol": "TCP", "targetPort": 8080, "nodePort": 30080},
                    {"name": "https", "port": 443, "protocol": "TCP", "targetPort": 8443, "nodePort": 30443}],
             )
LB_READY = service("lb-ready", "LoadBalancer", cluster_ip="10.96.0.21",
                   ports=[{"port": 80, "protocol": "TCP", "targetPort": 80, "nodePort": 31000}])
LB_READY["status"] = {"loadBalancer": {"ingress": [{"ip": "203.0.113.10", "ipMode": "VIP"}]}}
HEADLESS = service("db", cluster_ip="None", ports=[{"port": 5432, "protocol": "TCP", "targetPort": 5432}])
EXTNAME = service("ext", "ExternalName", ports=[], selector={}, externalName="api.example.com")
EXTIPS = service("pinned", cluster_ip="10.96.0.30", externalIPs=["198.51.100.7"])
SYSTEM_SVC = service("kube-dns", cluster_ip="10.96.0.10",
                     ports=[{"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53},
                            {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": 53},
                            {"name": "metrics", "port": 9153, "protocol": "TCP", "targetPort": 9153}],
                     selector={"k8s-app": "kube-dns"})
SYSTEM_SVC["metadata"]["namespace"] = "kube-system"

PODS = [pod("web-7c9f8d-x2kqp"),
        pod("web-7c9f8d-crash", restarts=4, last_finished=NOW - 95, ready=False, waiting="CrashLoopBackOff"),
        pod("web-7c9f8d-new", waiting="ContainerCreating", ready=False, ip="", t=NOW - 3),
        pod("web-7c9f8d-old", deleting=True),
        {"apiVersion": "v1", "kind": "Pod", "metadata": meta("unscheduled", t=NOW - 30),
         "spec": {"containers": [{"name": "web", "image": "nginx"}],
                  "readinessGates": [{"conditionType": "example.com/lb-ready"}]},
         "status": {"phase": "Pending", "conditions": [{"type": "PodScheduled", "status": "False",
                                                        "reason": "Unschedulable"}]}}]
EVENTS = [event("EnsuringLoadBalancer", "Ensuring load balancer", name="lb", count=3, first=0, last=NOW - 60),
          event("BackOff", "Back-off restarting failed container web in pod web-7c9f8d-crash",
                kind="Pod", name="web-7c9f8d-crash", type_="Warning", count=7, first=100, last=NOW - 20,
                component="kubelet", field_path="spec.containers{web}")]

# (golden name, kind, objects, options) -- each row names the printers.go print function.
CASES = [
    ("namespaces", "Namespace", NAMESPACES, {}),                                    # printNamespace
    ("nodes", "Node", [NODE, NODE2], {}),                                           # printNode
    ("nodes-wide", "Node", [NODE, NODE2], {"wide": True}),
    ("pods", "Pod", PODS, {}),                                                      # printPod
    ("pods-wide", "Pod", PODS, {"wide": True}),
    ("pods-labels", "Pod", PODS[:2], {"show_labels": True}),                       # tableprinter LABELS
    ("deployments", "Deployment", [DEPLOY], {}),                                    # printDeployment
    ("deployments-wide", "Deployment", [DEPLOY], {"wide": True}),
    ("replicasets-wide", "ReplicaSet", [RS], {"wide": True}),                       # printReplicaSet
    ("statefulsets-wide", "StatefulSet", [STS], {"wide": True}),                    # printStatefulSet
    ("services", "Service", [service(), LB, LB_READY, HEADLESS, EXTNAME, EXTIPS], {}),  # printService
    ("services-wide", "Service", [service(), LB, LB_READY, HEADLESS, EXTNAME, EXTIPS], {"wide": True}),
    ("services-all-namespaces", "Service", [service(), SYSTEM_SVC], {"all_namespaces": True}),
    ("services-no-headers", "Service", [service(), SYSTEM_SVC], {"no_headers": True}),
    ("endpoints", "Endpoints", [ENDPOINTS, ENDPOINTS_EMPTY], {}),                   # printEndpoints
    ("endpointslices", "EndpointSlice",                                             # printEndpointSlice
     [endpointslice(), endpointslice("db-x1y2z", "db", addresses=("10.244.1.8", "10.244.1.9", "10.244.2.3", "10.244.2.4"),
                                     ready=(True, False, True, True), port_name="", port=5432)], {}),
    ("ingresses", "Ingress", [INGRESS, INGRESS_BARE], {}),                          # printIngress
    ("ingressclasses", "IngressClass", [INGRESSCLASS], {}),                         # printIngressClass
    ("networkpolicies", "NetworkPolicy", [NETPOL, DENY_ALL], {}),                   # printNetworkPolicy
    ("configmaps", "ConfigMap", [CONFIGMAP], {}),                                   # printConfigMap
    ("secrets", "Secret", [SECRET], {}),                                            # printSecret
    ("events", "Event", EVENTS, {}),                                                # printEvent
    ("events-wide", "Event", EVENTS, {"wide": True}),
    ("gatewayclasses", "GatewayClass", [GATEWAYCLASS], {}),                         # CRD additionalPrinterColumns
    ("gatewayclasses-wide", "GatewayClass", [GATEWAYCLASS], {"wide": True}),
    ("gateways", "Gateway", [GATEWAY, GATEWAY_NEW], {}),
    ("httproutes", "HTTPRoute", [HTTPROUTE, HTTPROUTE_NOHOST], {}),
    ("referencegrants", "ReferenceGrant", [REFGRANT], {}),
    ("namespaces-all-namespaces", "Namespace", NAMESPACES, {"all_namespaces": True}),  # cluster-scoped: no NAMESPACE
]


@pytest.mark.parametrize("name,kind,objects,options", CASES, ids=[c[0] for c in CASES])
def test_get_table_golden(golden, name, kind, objects, options):
    golden("kubectl", f"get-{name}.txt", get_table(kind, objects, now=NOW, **options))


def test_multiple_kinds_prefix_names_and_blank_line(golden):
    # get.go: multipleGVKsRequested -> kind/name; separatorWriter -> one blank line.
    golden("kubectl", "get-deploy-svc.txt",
           get_tables([("Deployment", [DEPLOY]), ("Service", [service(), LB])], now=NOW))


def test_multiple_kinds_requested_but_one_kind_found_has_no_prefix():
    # get.go multipleGVKsRequested looks at the objects found, not the kinds asked for.
    out = get_tables([("Deployment", []), ("Service", [service()])], now=NOW)
    assert out.splitlines()[1].startswith("web ")


def test_no_objects_prints_nothing_and_message_is_upstreams():
    assert get_table("Service", [], now=NOW) == ""
    assert no_resources_message("default") == "No resources found in default namespace."
    assert no_resources_message(None) == "No resources found"


def test_rows_are_in_server_order_namespace_then_name():
    out = get_table("Service", [SYSTEM_SVC, service("b"), service("a")], now=NOW, all_namespaces=True)
    assert [line.split()[1] for line in out.splitlines()[1:]] == ["a", "b", "kube-dns"]


def test_same_input_same_bytes():
    assert get_table("Pod", PODS, now=NOW, wide=True) == get_table("Pod", list(reversed(PODS)), now=NOW, wide=True)


