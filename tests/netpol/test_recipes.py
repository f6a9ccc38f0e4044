"""The NetworkPolicy recipes of the Kubernetes docs, one connection per row.

Each row names its source: concepts/services-networking/network-policies.md (section),
the example manifests it includes (service/networking/network-policy-*.yaml), or the
API reference (NetworkPolicySpec, NetworkPolicyPort, NetworkPolicyPeer).
"""
from __future__ import annotations

import pytest

from k8snet.netpol import evaluate

from ._model import from_yaml, namespace, pod

NAMESPACES = [namespace("default"), namespace("kube-system"),
              namespace("prod", {"project": "myproject"}), namespace("dev")]
PODS = [
    pod("default", "web", ip="10.244.1.10", labels={"app": "web"}, ports=((80, "TCP"),)),
    pod("default", "client", ip="10.244.1.11", labels={"app": "client"}),
    pod("default", "db", ip="10.244.2.12", labels={"role": "db"}, ports=((6379, "TCP"),), node="node-2",
        host_ip="172.18.0.3"),
    pod("default", "frontend", ip="10.244.2.13", labels={"role": "frontend"}, node="node-2", host_ip="172.18.0.3"),
    pod("prod", "api", ip="10.244.1.20", labels={"role": "client"}),
    pod("prod", "frontend", ip="10.244.1.21", labels={"role": "frontend"}),
    pod("dev", "tool", ip="10.244.2.30", labels={"role": "client"}, node="node-2", host_ip="172.18.0.3"),
]
# CoreDNS as kubeadm runs it: container ports dns 53/UDP, dns-tcp 53/TCP, metrics 9153/TCP.
COREDNS = {"apiVersion": "v1", "kind": "Pod",
           "metadata": {"name": "coredns-7db6d8ff4d-abcde", "namespace": "kube-system",
                        "labels": {"k8s-app": "kube-dns"}},
           "spec": {"nodeName": "node-1", "containers": [{"name": "coredns", "ports": [
               {"name": "dns", "containerPort": 53, "protocol": "UDP"},
               {"name": "dns-tcp", "containerPort": 53, "protocol": "TCP"},
               {"name": "metrics", "containerPort": 9153, "protocol": "TCP"}]}]},
           "status": {"phase": "Running", "podIP": "10.244.1.2", "hostIP": "172.18.0.2"}}
PODS.append(COREDNS)
DNS = "kube-system/coredns-7db6d8ff4d-abcde"

DENY_INGRESS = """
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny-ingress, namespace: default}
spec:
  podSelector: {}
  policyTypes: [Ingress]
"""
ALLOW_ALL_INGRESS = """
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-all-ingress, namespace: default}
spec:
  podSelector: {}
  ingress: [{}]
  policyTypes: [Ingress]
"""
DENY_EGRESS = """
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny-egress, namespace: default}
spec:
  podSelector: {}
  policyTypes: [Egress]
"""
ALLOW_ALL_EGRESS = """
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-all-egress, namespace: default}
spec:
  podSelector: {}
  egress: [{}]
  policyTypes: [Egress]
"""
DENY_ALL = """
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny-all, namespace: default}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
"""
# The example of "The NetworkPolicy resource" (service/networking/networkpolicy.yaml).
EXAMPLE = """
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: test-network-policy, namespace: default}
spec:
  podSelector: {matchLabels: {role: db}}
  policyTypes: [Ingress, Egress]
  ingress:
  - from:
    - ipBlock: {cidr: 172.17.0.0/16, except: [172.17.1.0/24]}
    - namespaceSelector: {matchLabels: {project: myproject}}
    - podSelector: {matchLabels: {role: frontend}}
    ports: [{protocol: TCP, port: 6379}]
  egress:
  - to: [{ipBlock: {cidr: 10.0.0.0/24}}]
    ports: [{protocol: TCP, port: 5978}]
"""
ALICE_AND = """
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: and-peer, namespace: default}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
  - from:
    - namespaceSelector: {matchLabels: {project: myproject}}
      podSelector: {matchLabels: {role: client}}
"""
ALICE_OR = """
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: or-peers, namespace: default}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
  - from:
    - namespaceSelector: {matchLabels: {project: myproject}}
    - podSelector: {matchLabels: {role: client}}
"""
FROM_PROD = """
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-from-prod, namespace: default}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
  - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: prod}}}]
"""
# Default deny egress plus DNS to CoreDNS only (UDP and TCP 53): the usual companion.
DNS_ONLY = DENY_EGRESS + """
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-dns, namespace: default}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
  - to:
    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}
      podSelector: {matchLabels: {k8s-app: kube-dns}}
    ports: [{protocol: UDP, port: 53}, {protocol: TCP, port: 53}]
"""
# endPort, as in service/networking/networkpolicy-multiport-egress.yaml
MULTIPORT = """
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: multi-port-egress, namespace: default}
spec:
  podSelector: {matchLabels: {role: db}}
  policyTypes: [Egress]
  egress:
  - to: [{ipBlock: {cidr: 10.0.0.0/24}}]
    ports: [{protocol: TCP, port: 32000, endPort: 32768}]
"""
NAMED = """
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: dns-by-name, namespace: kube-system}
spec:
  podSelector: {matchLabels: {k8s-app: kube-dns}}
  ingress:
  - ports: [{port: dns, protocol: UDP}, {port: dns-tcp}]
"""
EGRESS_NAMED = DENY_EGRESS + """
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: egress-to-dns-by-name, namespace: default}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress: [{ports: [{port: dns, protocol: UDP}]}]
"""
UNSET_TYPES_EGRESS = """
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: egress-rules-no-types, namespace: default}
spec:
  podSelector: {matchLabels: {app: client}}
  egress: [{to: [{podSelector: {matchLabels: {app: web}}}]}]
"""
EMPTY_INGRESS_LIST = """
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: ingress-empty-list, namespace: default}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress: []
"""
RULE_EMPTY_FROM = """
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: ports-only, namespace: default}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress: [{from: [], ports: [{port: 80}]}]
"""

ROWS = [
    # id, source, manifests, src, dst, port, protocol, allowed
    ("no-policy", "network-policies.md#the-two-sorts-of-pod-isolation: non-isolated by default",
     "", "default/client", "default/web", 80, "TCP", True),
    ("deny-ingress", "network-policies.md#default-deny-all-ingress-traffic", DENY_INGRESS,
     "default/client", "default/web", 80, "TCP", False),
    ("deny-ingress-from-other-ns", "network-policies.md#default-deny-all-ingress-traffic", DENY_INGRESS,
     "prod/api", "default/web", 80, "TCP", False),
    ("deny-ingress-keeps-egress", "network-policies.md#default-deny-all-ingress-traffic: egress unaffected",
     DENY_INGRESS, "default/client", "prod/api", 80, "TCP", True),
    ("deny-ingress-keeps-other-ns", "network-policies.md#default-deny-all-ingress-traffic: only its namespace",
     DENY_INGRESS, "dev/tool", "prod/api", 80, "TCP", True),
    ("allow-all-ingress", "network-policies.md#allow-all-ingress-traffic",
     DENY_INGRESS + "---" + ALLOW_ALL_INGRESS, "dev/tool", "default/web", 80, "TCP", True),
    ("deny-egress", "network-policies.md#default-deny-all-egress-traffic", DENY_EGRESS,
     "default/client", "prod/api", 80, "TCP", False),
    ("deny-egress-external", "network-policies.md#default-deny-all-egress-traffic", DENY_EGRESS,
     "default/client", "93.184.216.34", 443, "TCP", False),
    ("deny-egress-keeps-ingress", "network-policies.md#default-deny-all-egress-traffic: ingress unaffected",
     DENY_EGRESS, "prod/api", "default/web", 80, "TCP", True),
    ("allow-all-egress", "network-policies.md#allow-all-egress-traffic",
     DENY_EGRESS + "---" + ALLOW_ALL_EGRESS, "default/client", "93.184.216.34", 443, "TCP", True),
    ("deny-all-in", "network-policies.md#default-deny-all-ingress-and-all-egress-traffic", DENY_ALL,
     "prod/api", "default/web", 80, "TCP", False),
    ("deny-all-out", "network-policies.md#default-deny-all-ingress-and-all-egress-traffic", DENY_ALL,
     "default/web", "prod/api", 80, "TCP", False),
    ("deny-all-same-ns", "network-policies.md#default-deny-all-ingress-and-all-egress-traffic", DENY_ALL,
     "default/client", "default/web", 80, "TCP", False),
    ("example-podselector", "network-policies.md#networkpolicy-resource: role=frontend in default",
     EXAMPLE, "default/frontend", "default/db", 6379, "TCP", True),
    ("example-podselector-other-ns", "network-policies.md#networkpolicy-resource: podSelector is the policy's namespace only",
     EXAMPLE.replace("project: myproject", "project: nobody"), "prod/frontend", "default/db", 6379, "TCP", False),
    ("example-namespaceselector", "network-policies.md#networkpolicy-resource: any pod of project=myproject",
     EXAMPLE, "prod/api", "default/db", 6379, "TCP", True),
    ("example-wrong-port", "network-policies.md#networkpolicy-resource: only TCP 6379",
     EXAMPLE, "default/frontend", "default/db", 6380, "TCP", False),
    ("example-ipblock", "network-policies.md#networkpolicy-resource: 172.17.0.0/16",
     EXAMPLE, "172.17.2.9", "default/db", 6379, "TCP", True),
    ("example-ipblock-except", "network-policies.md#networkpolicy-resource: except 172.17.1.0/24",
     EXAMPLE, "172.17.1.9", "default/db", 6379, "TCP", False),
    ("example-egress-cidr", "network-policies.md#networkpolicy-resource: egress to 10.0.0.0/24 TCP 5978",
     EXAMPLE, "default/db", "10.0.0.7", 5978, "TCP", True),
    ("example-egress-other", "network-policies.md#networkpolicy-resource: other egress denied",
     EXAMPLE, "default/db", "10.0.1.7", 5978, "TCP", False),
    ("and-peer-match", "network-policies.md#behavior-of-to-and-from-selectors: one entry = AND",
     ALICE_AND, "prod/api", "default/web", 80, "TCP", True),
    ("and-peer-wrong-pod", "network-policies.md#behavior-of-to-and-from-selectors: one entry = AND",
     ALICE_AND, "prod/frontend", "default/web", 80, "TCP", False),
    ("and-peer-wrong-ns", "network-policies.md#behavior-of-to-and-from-selectors: one entry = AND",
     ALICE_AND, "dev/tool", "default/web", 80, "TCP", False),
    ("or-peers-ns", "network-policies.md#behavior-of-to-and-from-selectors: two entries = OR",
     ALICE_OR, "prod/frontend", "default/web", 80, "TCP", True),
    ("or-peers-local-pod", "network-policies.md#behavior-of-to-and-from-selectors: podSelector = local namespace",
     ALICE_OR.replace("role: client", "app: client"), "default/client", "default/web", 80, "TCP", True),
    ("or-peers-neither", "network-policies.md#behavior-of-to-and-from-selectors: two entries = OR",
     ALICE_OR, "dev/tool", "default/web", 80, "TCP", False),
    ("from-one-namespace", "network-policies.md#targeting-a-namespace-by-its-name",
     FROM_PROD, "prod/frontend", "default/web", 80, "TCP", True),
    ("from-one-namespace-other", "network-policies.md#targeting-a-namespace-by-its-name",
     FROM_PROD, "default/client", "default/web", 80, "TCP", False),
    ("dns-udp", "egress to DNS only: UDP 53 to kube-system/kube-dns", DNS_ONLY,
     "default/client", DNS, 53, "UDP", True),
    ("dns-tcp", "egress to DNS only: TCP 53 (truncated answers) to kube-system/kube-dns", DNS_ONLY,
     "default/client", DNS, 53, "TCP", True),
    ("dns-only-no-metrics", "egress to DNS only: other ports of CoreDNS denied", DNS_ONLY,
     "default/client", DNS, 9153, "TCP", False),
    ("dns-only-no-web", "egress to DNS only: other pods denied", DNS_ONLY,
     "default/client", "prod/api", 80, "TCP", False),
    ("dns-only-no-internet", "egress to DNS only: the internet denied, even on 53", DNS_ONLY,
     "default/client", "8.8.8.8", 53, "UDP", False),
    ("endport-low", "network-policies.md#targeting-a-range-of-ports: port is inclusive", MULTIPORT,
     "default/db", "10.0.0.5", 32000, "TCP", True),
    ("endport-high", "network-policies.md#targeting-a-range-of-ports: endPort is inclusive", MULTIPORT,
     "default/db", "10.0.0.5", 32768, "TCP", True),
    ("endport-above", "network-policies.md#targeting-a-range-of-ports", MULTIPORT,
     "default/db", "10.0.0.5", 32769, "TCP", False),
    ("endport-below", "network-policies.md#targeting-a-range-of-ports", MULTIPORT,
     "default/db", "10.0.0.5", 31999, "TCP", False),
    ("endport-udp", "NetworkPolicyPort.protocol: the range is TCP only", MULTIPORT,
     "default/db", "10.0.0.5", 32100, "UDP", False),
    ("named-port-udp", "NetworkPolicyPort.port: a named port of the destination pod (dns/UDP)", NAMED,
     "default/client", DNS, 53, "UDP", True),
    ("named-port-default-tcp", "NetworkPolicyPort.protocol defaults to TCP (dns-tcp)", NAMED,
     "default/client", DNS, 53, "TCP", True),
    ("named-port-other", "NetworkPolicyPort.port: the name resolves to 53 only", NAMED,
     "default/client", DNS, 9153, "TCP", False),
    ("egress-named-port", "NetworkPolicyPort.port: for egress, the peer's named port", EGRESS_NAMED,
     "default/client", DNS, 53, "UDP", True),
    ("egress-named-port-no-name", "NetworkPolicyPort.port: a pod without that port name", EGRESS_NAMED,
     "default/client", "prod/api", 53, "UDP", False),
    ("egress-named-port-external", "NetworkPolicyPort.port: an outside address has no named ports",
     EGRESS_NAMED, "default/client", "8.8.8.8", 53, "UDP", False),
    ("policytypes-default-egress", "NetworkPolicySpec.policyTypes: Egress when egress rules exist",
     UNSET_TYPES_EGRESS, "default/client", "prod/api", 80, "TCP", False),
    ("policytypes-default-egress-allowed", "NetworkPolicySpec.policyTypes: Egress when egress rules exist",
     UNSET_TYPES_EGRESS, "default/client", "default/web", 80, "TCP", True),
    ("policytypes-default-ingress", "NetworkPolicySpec.policyTypes: Ingress always",
     UNSET_TYPES_EGRESS, "default/web", "default/client", 80, "TCP", False),
    ("ingress-empty-list", "NetworkPolicySpec.ingress: empty list allows nothing", EMPTY_INGRESS_LIST,
     "default/client", "default/web", 80, "TCP", False),
    ("rule-empty-from", "NetworkPolicyIngressRule.from: empty matches all sources", RULE_EMPTY_FROM,
     "93.184.216.34", "default/web", 80, "TCP", True),
    ("rule-empty-from-port", "NetworkPolicyIngressRule: from AND ports", RULE_EMPTY_FROM,
     "default/client", "default/web", 81, "TCP", False),
    ("sctp-deny", "network-policies.md#network-traffic-filtering: SCTP is filtered too", DENY_INGRESS,
     "default/client", "default/web", 80, "SCTP", False),
    ("udp-deny", "network-policies.md#network-traffic-filtering: UDP is filtered too", DENY_INGRESS,
     "default/client", "default/web", 80, "UDP", False),
]


@pytest.mark.parametrize("row_id,source,manifests,src,dst,port,protocol,want", ROWS, ids=[r[0] for r in ROWS])
def test_recipe(row_id, source, manifests, src, dst, port, protocol, want):
    v = evaluate(from_yaml(manifests), PODS, NAMESPACES, src=src, dst=dst, port=port, protocol=protocol)
    assert bool(v) is want, v.reason
