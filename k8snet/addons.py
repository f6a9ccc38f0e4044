"""Addons, as ``minikube addons enable`` installs them.

* ``ingress-nginx``: namespace ``ingress-nginx``, the controller Deployment (one replica,
  hostPorts 80/443), its Service ``ingress-nginx-controller`` and the default IngressClass
  ``nginx`` (controller ``k8s.io/ingress-nginx``).  With ``cloud=None`` the objects are
  minikube's (deploy/addons/ingress/ingress-deploy.yaml.tmpl): a **NodePort** Service, and
  the controller reached on its node's hostPorts 80/443 (the Ingress ADDRESS is that node's
  IP).  On a cloud the Service is a **LoadBalancer**, as the contract says and as
  ingress-nginx's cloud manifest (deploy/static/provider/cloud) installs it.
* ``gateway``: the Gateway API CRDs of the **v1.6.1** standard channel (GatewayClass,
  Gateway, HTTPRoute, GRPCRoute, ReferenceGrant, TLSRoute, TCPRoute, UDPRoute, ListenerSet,
  BackendTLSPolicy; the alpha versions kept in the CRDs with ``served: false``; each CRD annotated
  ``gateway.networking.k8s.io/bundle-version: v1.6.1`` and ``.../channel: standard``, as
  ``standard-install.yaml`` writes them), namespace ``k8snet-gateway-system`` with the
  controller Deployment, and the GatewayClass ``k8snet`` whose controllerName is
  ``k8snet.io/gateway-controller``.
* ``metallb`` (bare metal, ``cloud=None``): MetalLB **v0.16.1** as ``metallb-native.yaml``
  installs it -- namespace ``metallb-system``, the ``controller`` Deployment, the ``speaker``
  DaemonSet (hostNetwork, tolerating the control-plane taint) and the CRDs of ``metallb.io``
  (IPAddressPool, L2Advertisement).  Like the real one it assigns nothing until you apply an
  ``IPAddressPool`` (and an ``L2Advertisement`` to announce it): ``controllers/metallb.py``.
* ``aws-load-balancer-controller`` (``cloud="aws"``): the AWS Load Balancer Controller as its
  Helm chart installs it -- the Deployment in ``kube-system``, the IngressClass ``alb``
  (controller ``ingress.k8s.aws/alb``) and the mutating webhook that gives new LoadBalancer
  Services ``loadBalancerClass: service.k8s.aws/nlb``: ``controllers/awslbc.py``.
"""
from __future__ import annotations

from . import clock

__all__ = ["install", "INGRESS_CONTROLLER", "GATEWAY_CONTROLLER", "INGRESS_IMAGE", "GATEWAY_IMAGE",
           "GATEWAY_API_VERSION", "gateway_api_crds", "METALLB_VERSION", "AWS_LBC_IMAGE"]

#: The MetalLB release whose manifests the ``metallb`` addon follows.
METALLB_VERSION = "v0.16.1"
AWS_LBC_IMAGE = "public.ecr.aws/eks/aws-load-balancer-controller:v3.6.0"

#: The Gateway API release whose standard-channel CRDs the ``gateway`` addon installs.
GATEWAY_API_VERSION = "v1.6.1"
#: config/crd/standard: ReferenceGrant is served as v1 but still stored as v1beta1.
_STORAGE_VERSION = {"ReferenceGrant": "v1beta1"}
#: config/crd/standard v1.6.1: older versions listed in a CRD but no longer served (the
#: experimental channel still serves them).
_UNSERVED_VERSIONS = {"TLSRoute": ("v1alpha2", "v1alpha3"), "TCPRoute": ("v1alpha2",), "UDPRoute": ("v1alpha2",),
                      "BackendTLSPolicy": ("v1alpha3",)}

INGRESS_CONTROLLER = "k8s.io/ingress-nginx"
GATEWAY_CONTROLLER = "k8snet.io/gateway-controller"
INGRESS_IMAGE = "registry.k8s.io/ingress-nginx/controller:v1.13.3"
GATEWAY_IMAGE = "registry.k8s.io/k8snet/gateway-controller:v0.1.0"
_NGINX_LABELS = {"app.kubernetes.io/component": "controller", "app.kubernetes.io/instance": "ingress-nginx",
                 "app.kubernetes.io/name": "ingress-nginx"}
_GW_LABELS = {"app.kubernetes.io/name": "k8snet-gateway", "app.kubernetes.io/component": "controller"}


def _ingress_nginx(cloud: str | None = None, family: str = "IPv4") -> list[dict]:
    ns = "ingress-nginx"
    if cloud is None:
        # minikube's addon: no --publish-service (ingress-nginx then publishes the IP of the node
        # its pod runs on), no --ingress-class for networking.k8s.io/v1, a NodePort Service.
        # (minikube also pins the pod to minikube.k8s.io/primary=true, its first node; our
        # nodes carry no such label, and the scheduler keeps it off a tainted control plane.)
        args = ["/nginx-ingress-controller", "--election-id=ingress-nginx-leader",
                "--controller-class=k8s.io/ingress-nginx", "--watch-ingress-without-class=true",
                "--configmap=$(POD_NAMESPACE)/ingress-nginx-controller",
                "--tcp-services-configmap=$(POD_NAMESPACE)/tcp-services",
                "--udp-services-configmap=$(POD_NAMESPACE)/udp-services",
                "--validating-webhook=:8443", "--validating-webhook-certificate=/usr/local/certificates/cert",
                "--validating-webhook-key=/usr/local/certificates/key"]
        # The manifest pins ipFamilies [IPv4]; an IPv6-only cluster refuses that ("not configured
        # on this cluster"), so there, as its docs tell users to edit it, the Service is IPv6.
        svc_spec = {"type": "NodePort", "ipFamilies": [family], "ipFamilyPolicy": "SingleStack"}
    else:
        args = ["/nginx-ingress-controller", "--election-id=ingress-nginx-leader",
                "--controller-class=k8s.io/ingress-nginx", "--ingress-class=nginx",
                "--publish-service=$(POD_NAMESPACE)/ingress-nginx-controller",
                "--watch-ingress-without-class=true"]
        svc_spec = {"type": "LoadBalancer"}
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
                                   "args": args,
                                   "ports": [{"name": "http", "containerPort": 80, "hostPort": 80, "protocol": "TCP"},
                                             {"name": "https", "containerPort": 443, "hostPort": 443, "protocol": "TCP"},
                                             {"name": "webhook", "containerPort": 8443, "protocol": "TCP"}]}]}}}},
        {"apiVersion": "v1", "kind": "Service",
         "metadata": {"name": "ingress-nginx-controller", "namespace": ns, "labels": dict(_NGINX_LABELS)},
         "spec": {**svc_spec, "selector": dict(_NGINX_LABELS),
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


def gateway_api_crds(group: str = "gateway.networking.k8s.io") -> list[dict]:
    """The CustomResourceDefinitions ``standard-install.yaml`` creates, for the kinds the
    API server serves in group ``gateway.networking.k8s.io`` (no schemas: those live in
    ``apiserver/validation/gateway.py``); with ``group="metallb.io"``, MetalLB's."""
    from .apiserver.resources import RESOURCES
    crds = []
    for r in RESOURCES:
        if r.group != group:
            continue
        if group == "metallb.io":  # controller-gen's CRDs: no categories, no bundle annotations
            crds.append({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
                         "metadata": {"name": f"{r.plural}.{r.group}",
                                      "annotations": {"controller-gen.kubebuilder.io/version": "v0.19.0"}},
                         "spec": {"group": r.group, "names": {"kind": r.kind, "listKind": f"{r.kind}List",
                                                              "plural": r.plural, "singular": r.kind.lower()},
                                  "scope": "Namespaced",
                                  "versions": [{"name": "v1beta1", "served": True, "storage": True}]}})
            continue
        names = [r.api_version, *r.versions[1:]]
        storage = _STORAGE_VERSION.get(r.kind, "v1")
        versions = [{"name": v.rpartition("/")[2], "served": True, "storage": v.endswith("/" + storage)} for v in names]
        versions += [{"name": v, "served": False, "storage": False} for v in _UNSERVED_VERSIONS.get(r.kind, ())]
        crds.append({
            "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": {"name": f"{r.plural}.{r.group}", "annotations": {
                "api-approved.kubernetes.io": "https://github.com/kubernetes-sigs/gateway-api/pull/4530",
                "gateway.networking.k8s.io/bundle-version": GATEWAY_API_VERSION,
                "gateway.networking.k8s.io/channel": "standard"}},
            "spec": {"group": r.group,
                     "names": {"categories": ["gateway-api"], "kind": r.kind, "listKind": f"{r.kind}List",
                               "plural": r.plural, **({"shortNames": list(r.short)} if r.short else {}),
                               "singular": r.kind.lower()},
                     "scope": "Namespaced" if r.namespaced else "Cluster", "versions": versions}})
    return crds


def _crd_status(crd: dict, now: str) -> dict:
    """What apiextensions-apiserver's controllers write on a new CRD (naming and
    establishing controllers): names accepted, Established, the stored version."""
    spec = crd["spec"]
    return {"acceptedNames": dict(spec["names"]),
            "conditions": [{"lastTransitionTime": now, "message": "no conflicts found", "reason": "NoConflicts",
                            "status": "True", "type": "NamesAccepted"},
                           {"lastTransitionTime": now, "message": "the initial names have been accepted",
                            "reason": "InitialNamesAccepted", "status": "True", "type": "Established"}],
            "storedVersions": [v["name"] for v in spec["versions"] if v["storage"]]}


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


_METALLB_LABELS = {"app": "metallb"}


def _metallb() -> list[dict]:
    ns = "metallb-system"
    ctl, spk = {**_METALLB_LABELS, "component": "controller"}, {**_METALLB_LABELS, "component": "speaker"}
    return [
        {"apiVersion": "v1", "kind": "Namespace",
         "metadata": {"name": ns, "labels": {"pod-security.kubernetes.io/audit": "privileged",
                                             "pod-security.kubernetes.io/enforce": "privileged",
                                             "pod-security.kubernetes.io/warn": "privileged"}}},
        {"apiVersion": "apps/v1", "kind": "Deployment",
         "metadata": {"name": "controller", "namespace": ns, "labels": dict(ctl)},
         "spec": {"replicas": 1, "selector": {"matchLabels": dict(ctl)},
                  "template": {"metadata": {"labels": dict(ctl)},
                               "spec": {"containers": [{
                                   "name": "controller", "image": f"quay.io/metallb/controller:{METALLB_VERSION}",
                                   "args": ["--port=9120", "--log-level=info"],
                                   "ports": [{"name": "monitoring", "containerPort": 9120},
                                             {"name": "webhook-server", "containerPort": 9443}]}]}}}},
        {"apiVersion": "apps/v1", "kind": "DaemonSet",
         "metadata": {"name": "speaker", "namespace": ns, "labels": dict(spk)},
         "spec": {"selector": {"matchLabels": dict(spk)},
                  "template": {"metadata": {"labels": dict(spk)},
                               "spec": {"hostNetwork": True,
                                        "tolerations": [{"key": "node-role.kubernetes.io/master", "operator": "Exists",
                                                         "effect": "NoSchedule"},
                                                        {"key": "node-role.kubernetes.io/control-plane",
                                                         "operator": "Exists", "effect": "NoSchedule"}],
                                        "containers": [{
                                            "name": "speaker", "image": f"quay.io/metallb/speaker:{METALLB_VERSION}",
                                            "args": ["--port=9120", "--log-level=info"],
                                            "ports": [{"name": "monitoring", "containerPort": 9120},
                                                      {"name": "memberlist-tcp", "containerPort": 7946},
                                                      {"name": "memberlist-udp", "containerPort": 7946,
                                                       "protocol": "UDP"}]}]}}}},
        {"apiVersion": "v1", "kind": "Service",
         "metadata": {"name": "metallb-webhook-service", "namespace": ns},
         "spec": {"selector": dict(ctl), "ports": [{"port": 443, "targetPort": 9443}]}},
    ]


_LBC_LABELS = {"app.kubernetes.io/name": "aws-load-balancer-controller",
               "app.kubernetes.io/instance": "aws-load-balancer-controller"}


def _aws_lbc() -> list[dict]:
    from .controllers.awslbc import CLUSTER_NAME, INGRESS_CONTROLLER as ALB
    return [
        {"apiVersion": "apps/v1", "kind": "Deployment",
         "metadata": {"name": "aws-load-balancer-controller", "namespace": "kube-system", "labels": dict(_LBC_LABELS)},
         "spec": {"replicas": 2, "selector": {"matchLabels": dict(_LBC_LABELS)},
                  "template": {"metadata": {"labels": dict(_LBC_LABELS)},
                               "spec": {"containers": [{
                                   "name": "aws-load-balancer-controller", "image": AWS_LBC_IMAGE,
                                   "args": [f"--cluster-name={CLUSTER_NAME}", "--ingress-class=alb"],
                                   "ports": [{"name": "webhook-server", "containerPort": 9443},
                                             {"name": "metrics-server", "containerPort": 8080}]}]}}}},
        {"apiVersion": "v1", "kind": "Service",
         "metadata": {"name": "aws-load-balancer-webhook-service", "namespace": "kube-system",
                      "labels": dict(_LBC_LABELS)},
         "spec": {"selector": dict(_LBC_LABELS), "ports": [{"name": "webhook-server", "port": 443,
                                                             "targetPort": "webhook-server"}]}},
        {"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass",
         "metadata": {"name": "alb", "labels": dict(_LBC_LABELS)}, "spec": {"controller": ALB}},
    ]


def _install_crds(cluster, group: str) -> list[str]:
    """``kubectl apply --server-side`` of a group's CRDs; the kinds are served once they exist."""
    lines = []
    for crd in gateway_api_crds(group):
        stored = cluster.api.create(crd)
        stored["status"] = _crd_status(stored, clock.rfc3339(cluster.api.now()))
        cluster.store.put(stored)
        lines.append(f"customresourcedefinition.apiextensions.k8s.io/{crd['metadata']['name']} serverside-applied")
    cluster.api.crd_groups.add(group)
    return lines


def install(cluster, name: str) -> list[str]:
    """Apply the addon's objects to ``cluster``; returns kubectl's lines."""
    from .errors import UsageError
    if name == "metallb":
        if cluster.cloud is not None:
            raise UsageError(f"addon 'metallb' is for bare-metal clusters (cloud=None); cloud={cluster.cloud!r} "
                             "already gives LoadBalancer Services their addresses")
        from .controllers.metallb import MetalLB
        lines = _install_crds(cluster, "metallb.io") + cluster.apply(_metallb())
        cluster.controllers.metallb = MetalLB(cluster.api)
        cluster.controllers.extra.append(cluster.controllers.metallb)
        return lines
    if name == "aws-load-balancer-controller":
        if cluster.cloud != "aws":
            raise UsageError("addon 'aws-load-balancer-controller' provisions AWS load balancers: "
                             f"use Cluster(cloud='aws'), not cloud={cluster.cloud!r}")
        from .controllers.awslbc import ALBStatus, mutate_service_create
        lines = cluster.apply(_aws_lbc())
        cluster.api.service_create_webhooks.append(mutate_service_create)
        cluster.controllers.aws_lbc = True
        cluster.controllers.extra.append(ALBStatus(cluster.api))
        return lines
    if name != "gateway":
        return cluster.apply(_ingress_nginx(cluster.cloud, "IPv4" if "IPv4" in cluster.ip_families else "IPv6"))
    # `kubectl apply --server-side -f standard-install.yaml`, as the Gateway API docs install it.
    lines = []
    for crd in gateway_api_crds():
        stored = cluster.api.create(crd)
        stored["status"] = _crd_status(stored, clock.rfc3339(cluster.api.now()))
        cluster.store.put(stored)
        lines.append(f"customresourcedefinition.apiextensions.k8s.io/{crd['metadata']['name']} serverside-applied")
    cluster.api.crd_groups.add("gateway.networking.k8s.io")  # the kinds are served once their CRDs exist
    return lines + cluster.apply(_gateway())
