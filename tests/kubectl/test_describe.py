"""Golden ``kubectl describe`` outputs (kubectl pkg/describe/describe.go)."""
from __future__ import annotations

import pytest

from k8snet.kubectl import describe
from k8snet.kubectl.describe import format_endpoint_slices
from k8snet.kubectl.describe_generic import smart_label_for

from . import test_tables as t
from .fixtures import NOW, endpointslice, event, pod, service

SVC_EVENTS = [event("EnsuringLoadBalancer", "Ensuring load balancer", name="lb", count=2, first=0, last=60),
              event("EnsuredLoadBalancer", "Ensured load balancer", name="lb", first=100)]
DEPLOY = dict(t.DEPLOY, spec=dict(t.DEPLOY["spec"], strategy={"type": "RollingUpdate", "rollingUpdate": {
    "maxUnavailable": "25%", "maxSurge": "25%"}}), status=dict(t.DEPLOY["status"], unavailableReplicas=1, conditions=[
        {"type": "Available", "status": "False", "reason": "MinimumReplicasUnavailable"},
        {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable"}]))
NETPOL = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": t.meta("api-allow"),
          "spec": {"podSelector": {"matchLabels": {"app": "api"}}, "policyTypes": ["Ingress", "Egress"],
                   "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "web"}}},
                                         {"namespaceSelector": {"matchLabels": {"team": "ops"}},
                                          "podSelector": {"matchLabels": {"role": "monitor"}}},
                                         {"ipBlock": {"cidr": "172.17.0.0/16", "except": ["172.17.1.0/24"]}}],
                                "ports": [{"protocol": "TCP", "port": 8080}, {"port": 9000, "endPort": 9100}]},
                               {}],
                   "egress": []}}
INGRESS_CLASS = {"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass",
                 "metadata": {"name": "nginx", "labels": {"app.kubernetes.io/name": "ingress-nginx"},
                              "annotations": {"ingressclass.kubernetes.io/is-default-class": "true"}},
                 "spec": {"controller": "k8s.io/ingress-nginx"}}
INGRESS_CLASS_PARAMS = {"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass", "metadata": {"name": "external-lb"},
                        "spec": {"controller": "example.com/ingress-controller", "parameters": {
                            "apiGroup": "k8s.example.com", "kind": "IngressParameters", "name": "external-lb",
                            "namespace": "external-configuration", "scope": "Namespace"}}}
INGRESS_RELATED = {"services": {"web": service()}, "endpointslices": [endpointslice()], "events": []}

CASES = [
    ("service-clusterip", "Service", service(), {"endpointslices": [endpointslice()]}),       # describeService
    ("service-loadbalancer", "Service", t.LB_READY, {"endpointslices": [endpointslice("lb-ready-x", "lb-ready",
                                                                                      port_name="")],
                                                     "events": SVC_EVENTS}),
    ("service-no-endpoints", "Service", t.LB, {}),
    ("service-externalname", "Service", t.EXTNAME, {}),
    ("endpoints", "Endpoints", dict(t.ENDPOINTS, subsets=t.ENDPOINTS["subsets"] + [
        {"notReadyAddresses": [{"ip": "10.244.2.9"}], "ports": [{"port": 8080, "protocol": "TCP"}]}]), {}),  # describeEndpoints
    ("endpointslice", "EndpointSlice", endpointslice(ready=(True, False)), {}),           # describeEndpointSliceV1
    ("ingress", "Ingress", t.INGRESS, INGRESS_RELATED),                                   # describeIngressV1
    ("ingress-default-backend", "Ingress", t.INGRESS_BARE, INGRESS_RELATED),
    ("ingressclass", "IngressClass", INGRESS_CLASS, {}),                                   # describeIngressClassV1
    ("ingressclass-parameters", "IngressClass", INGRESS_CLASS_PARAMS, {}),
    ("networkpolicy", "NetworkPolicy", NETPOL, {}),                                       # describeNetworkPolicy
    ("networkpolicy-deny-all", "NetworkPolicy", t.DENY_ALL, {}),
    ("pod-running", "Pod", t.PODS[0], {}),                                                # describePod
    ("pod-crashloop", "Pod", t.PODS[1], {"events": [t.EVENTS[1]]}),
    ("pod-terminating", "Pod", t.PODS[3], {}),
    ("deployment", "Deployment", DEPLOY, {"new_replicaset": t.RS, "old_replicasets": []}),  # describeDeployment
    ("node", "Node", t.NODE, {}),                                                         # describeNode
    ("gateway", "Gateway", t.GATEWAY, {}),                                                # genericDescriber
    ("httproute", "HTTPRoute", t.HTTPROUTE, {}),
]


@pytest.mark.parametrize("name,kind,obj,related", CASES, ids=[c[0] for c in CASES])
def test_describe_golden(golden, name, kind, obj, related):
    golden("kubectl", f"describe-{name}.txt", describe(kind, obj, now=NOW, related=related))


SMART_LABELS = [  # describe.go smartLabelFor
    ("gatewayClassName", "Gateway Class Name"), ("uid", "UID"), ("apiVersion", "API Version"),
    ("lastTransitionTime", "Last Transition Time"), ("backendRefs", "Backend Refs"),
    ("IPFamily", "IPFamily"), ("kubernetes.io/name", "kubernetes.io/name"), ("port80", "port80"),
]


@pytest.mark.parametrize("field,want", SMART_LABELS, ids=[s[0] for s in SMART_LABELS])
def test_smart_label_for(field, want):
    assert smart_label_for(field) == want


def test_format_endpoint_slices_skips_not_ready_and_truncates():
    # describe.go formatEndpointSlices: ready (or unknown) endpoints only, 3 then "+ N more...".
    eps = endpointslice(addresses=tuple(f"10.0.0.{i}" for i in range(1, 7)), ready=(True, False, True, True, True, None))
    assert format_endpoint_slices([eps], {"http"}) == "10.0.0.1:8080,10.0.0.3:8080,10.0.0.4:8080 + 2 more..."
    assert format_endpoint_slices([], {"http"}) == "<none>"
    assert format_endpoint_slices([eps], {"other"}) == ""
