"""Addons, as ``minikube addons enable`` installs them.

* ``ingress-nginx``: namespace ``ingress-nginx``, the controller Deployment (one replica,
  hostPorts 80/443 as in the kind/minikube manifests), its LoadBalancer Service
  ``ingress-nginx-controller`` and the default IngressClass ``nginx`` (controller
  ``k8s.io/ingress-nginx``).
* ``gateway``: the Gateway API CRDs (standard channel: GatewayClass, Gateway, HTTPRoute,
  ReferenceGrant), namespace ``k8snet-gateway-system`` with the controller Deployment, and
  the GatewayClass ``k8snet`` whose controllerName is ``k8snet.io/gateway-controller``.
"""
from __future__ import annotations

__all__ = ["install", "INGRESS_CONTROLLER", "GATEWAY_CONTROLLER", "INGRESS_IMAGE", "GATEWAY_IMAGE"]

INGRESS_CONTROLLER = "k8s.io/ingress-nginx"
GATEWAY_CONTROLLER = "k8snet.io/gateway-controller"
INGRESS_IMAGE = "registry.k8s.io/ingress-nginx/controller:v1.13.3"
GATEWAY_IMAGE = "registry.k8s.io/k8snet/gateway-controller:v0.1.0"
_NGINX_LABELS = {"app.kubernetes.io/component": "controller", "app.kubernetes.io/instance": "ingress-nginx",
                 "app.kubernetes.io/name": "ingress-nginx"}
_GW_LABELS = {"app.kubernetes.io/name": "k8snet-gateway", "app.kubernetes.io/component": "controller"}


def _ingress_nginx() -> list[dict]:
    ns = "ingress-nginx"
    return [
        {"apiVersion": "v1", "kind": "Namespace",
         "metadata": {"name": ns, "labels": {"app.kubernetes.io/instance": "ingress-nginx",
                                             "app.kubernetes.io/name": "ingress-nginx"}}},
        {"apiVersion": "apps/v1", "kind": "Deployment",
         "metadata": {"name": "ingress-nginx-controller", "namespace": ns, "labels": dict(_NGINX_LABELS)},
         "spec": {"replicas": 1, "selector": {"matchLabels": dict(_NGINX_LABELS)},
                  "template": {"metadata": {"labels": dict(_NGINX_LABELS)},
                               "spec": {"containers": [{
                                   "name": "controller", "image": INGRESS_IMAGE,
                                   "args": ["/nginx-ingress-controller", "--election-id=ingress-nginx-leader",
                                            "--controller-class=k8s.io/ingress-nginx",
                                            "--ingress-class=nginx",
                                            "--publish-service=$(POD_NAMESPACE)/ingress-nginx-controller",
                                            "--watch-ingress-without-class=true"],
                                   "ports": [{"name": "http", "containerPort": 80, "hostPort": 80, "protocol": "TCP"},
                                             {"name": "https", "containerPort": 443, "hostPort": 443, "protocol": "TCP"},
                                             {"name": "webhook", "containerPort": 8443, "protocol": "TCP"}]}]}}}},
        {"apiVersion": "v1", "kind": "Service",
         "metadata": {"name": "ingress-nginx-controller", "namespace": ns, "labels": dict(_NGINX_LABELS)},
         "spec": {"type": "LoadBalancer", "selector": dict(_NGINX_LABELS),
                  "ports": [{"name": "http", "port": 80, "protocol": "TCP", "targetPort": "http", "appProtocol": "http"},
                            {"name": "https", "port": 443, "protocol": "TCP", "targetPort": "https",
                             "appProtocol": "https"}]}},
        {"apiVersion": "v1", "kind": "Service",
         "metadata": {"name": "ingress-nginx-controller-admission", "namespace": ns, "labels": dict(_NGINX_LABELS)},
         "spec": {"selector": dict(_NGINX_LABELS),
                  "ports": [{"name": "https-webhook", "port": 443, "targetPort": "webhook", "appProtocol": "https"}]}},
        {"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass",
         "metadata": {"name": "nginx", "labels": dict(_NGINX_LABELS),
                      "annotations": {"ingressclass.kubernetes.io/is-default-class": "true"}},
         "spec": {"controller": INGRESS_CONTROLLER}},
    ]


def _gateway() -> list[dict]:
    ns = "k8snet-gateway-system"
    return [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}},
        {"apiVersion": "apps/v1", "kind": "Deployment",
         "metadata": {"name": "gateway-controller", "namespace": ns, "labels": dict(_GW_LABELS)},
         "spec": {"replicas": 1, "selector": {"matchLabels": dict(_GW_LABELS)},
                  "template": {"metadata": {"labels": dict(_GW_LABELS)},
                               "spec": {"containers": [{"name": "controller", "image": GATEWAY_IMAGE,
                                                        "ports": [{"name": "metrics", "containerPort": 8080}]}]}}}},
        {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "GatewayClass",
         "metadata": {"name": "k8snet"},
         "spec": {"controllerName": GATEWAY_CONTROLLER,
                  "description": "The Gateway API implementation of the k8snet simulator"}},
    ]


def install(cluster, name: str) -> list[str]:
    """Apply the addon's objects to ``cluster``; returns kubectl's lines."""
    if name == "gateway":
        cluster.api.crd_groups.add("gateway.networking.k8s.io")
        objs = _gateway()
    else:
        objs = _ingress_nginx()
    return cluster.apply(objs)
