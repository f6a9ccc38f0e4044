"""The AWS Load Balancer Controller (addon ``aws-load-balancer-controller``, ``cloud="aws"``).

kubernetes-sigs/aws-load-balancer-controller, as its Helm chart installs it on EKS:

* a **mutating webhook** on Service *create* (``webhooks/core/service_mutator.go``): a new
  ``type: LoadBalancer`` Service without a ``spec.loadBalancerClass`` gets
  ``service.k8s.aws/nlb`` -- so the in-tree controller (``wantsLoadBalancer``) leaves it and
  the LBC becomes the default.  Changing an existing Service's type does not run it.
* Services of that class (or annotated ``aws-load-balancer-type: external`` / ``nlb-ip``) get a
  **Network Load Balancer** named ``k8s-<ns:8>-<name:8>-<10 hex>`` (``buildLoadBalancerName``:
  sha256 of cluster name, UID and scheme), whose DNS name is ``<name>-<16 hex>.elb.<region>.amazonaws.com``.
  Its scheme is ``aws-load-balancer-scheme`` (``internal`` | ``internet-facing``), else the
  deprecated ``aws-load-balancer-internal`` (true/false), else **internal** ("Secure by
  default", since v2.2.0).  Targets (``aws-load-balancer-nlb-target-type``): ``instance``
  (the default with the class: the nodes' NodePorts) or ``ip`` (the pods directly).
* Ingresses of an IngressClass whose controller is ``ingress.k8s.aws/alb`` get an
  **Application Load Balancer** ``k8s-<ns:8>-<name:8>-<10 hex>-<n>.<region>.elb.amazonaws.com``,
  scheme ``alb.ingress.kubernetes.io/scheme`` (default internal), targets
  ``alb.ingress.kubernetes.io/target-type`` (default ``instance``).

Each reconcile that succeeds records ``Normal SuccessfullyReconciled "Successfully reconciled"``.
"""
from __future__ import annotations

import hashlib
import re

__all__ = ["LOAD_BALANCER_CLASS", "INGRESS_CONTROLLER", "SCHEME", "NLB_TARGET_TYPE", "ALB_SCHEME", "ALB_TARGET_TYPE",
           "CLUSTER_NAME", "mutate_service_create", "handles_service", "service_scheme", "service_target_type",
           "service_ingress", "ingress_scheme", "ingress_target_type", "ingress_status", "load_balancer_name", "ALBStatus"]

LOAD_BALANCER_CLASS = "service.k8s.aws/nlb"
INGRESS_CONTROLLER = "ingress.k8s.aws/alb"
SCHEME = "service.beta.kubernetes.io/aws-load-balancer-scheme"
NLB_TARGET_TYPE = "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type"
ALB_SCHEME = "alb.ingress.kubernetes.io/scheme"
ALB_TARGET_TYPE = "alb.ingress.kubernetes.io/target-type"
#: The EKS cluster name the controller is started with (``--cluster-name``).
CLUSTER_NAME = "k8snet"
_REGION = "us-east-1"
_INVALID = re.compile(r"[^A-Za-z0-9]")  # invalidLoadBalancerNamePattern "[[:^alnum:]]"


def _ann(obj: dict) -> dict:
    return (obj.get("metadata") or {}).get("annotations") or {}


def mutate_service_create(svc: dict) -> None:
    """serviceMutator.MutateCreate, in place: a LoadBalancer without a class gets the LBC's."""
    spec = svc.get("spec")
    if isinstance(spec, dict) and spec.get("type") == "LoadBalancer" and not spec.get("loadBalancerClass"):
        spec["loadBalancerClass"] = LOAD_BALANCER_CLASS


def handles_service(svc: dict) -> bool:
    """Whether the LBC reconciles ``svc`` (its class, or the type annotation without a class)."""
    spec = svc.get("spec") or {}
    if spec.get("type") != "LoadBalancer":
        return False
    cls = spec.get("loadBalancerClass")
    if cls is not None:
        return cls == LOAD_BALANCER_CLASS
    return _ann(svc).get("service.beta.kubernetes.io/aws-load-balancer-type") in ("external", "nlb-ip")


def service_scheme(svc: dict) -> str:
    """buildLoadBalancerScheme: the scheme annotation, else the legacy internal one, else internal."""
    ann = _ann(svc)
    if ann.get(SCHEME) in ("internal", "internet-facing"):
        return ann[SCHEME]
    legacy = str(ann.get("service.beta.kubernetes.io/aws-load-balancer-internal", "")).lower()
    if legacy in ("true", "false"):
        return "internal" if legacy == "true" else "internet-facing"
    return "internal"


def service_target_type(svc: dict) -> str:
    """``instance`` (NodePorts; the default with the class) or ``ip`` (pod IPs)."""
    ann = _ann(svc)
    if ann.get("service.beta.kubernetes.io/aws-load-balancer-type") == "nlb-ip":
        return "ip"
    return ann.get(NLB_TARGET_TYPE) if ann.get(NLB_TARGET_TYPE) in ("instance", "ip") else "instance"


def load_balancer_name(namespace: str, name: str, uid_or_group: str, scheme: str) -> str:
    """buildLoadBalancerName: ``k8s-<ns:8>-<name:8>-<first 10 hex of sha256(cluster, id, scheme)>``."""
    digest = hashlib.sha256((CLUSTER_NAME + uid_or_group + scheme).encode()).hexdigest()
    return f"k8s-{_INVALID.sub('', namespace)[:8]}-{_INVALID.sub('', name)[:8]}-{digest[:10]}"


def service_ingress(svc: dict) -> list[dict]:
    """The NLB's DNS name as the LBC publishes it in ``status.loadBalancer.ingress``."""
    meta = svc["metadata"]
    scheme = service_scheme(svc)
    lb = load_balancer_name(meta.get("namespace", "default"), meta["name"], meta.get("uid", ""), scheme)
    suffix = hashlib.sha256((lb + "/net").encode()).hexdigest()[:16]  # ELBv2 appends 16 hex digits
    return [{"hostname": f"{lb}-{suffix}.elb.{_REGION}.amazonaws.com"}]


def ingress_scheme(ing: dict) -> str:
    """The ALB's scheme: ``alb.ingress.kubernetes.io/scheme``, default ``internal``."""
    value = _ann(ing).get(ALB_SCHEME)
    return value if value in ("internal", "internet-facing") else "internal"


def ingress_target_type(ing: dict) -> str:
    """``instance`` (default: the backend Services' NodePorts) or ``ip`` (pod IPs)."""
    value = _ann(ing).get(ALB_TARGET_TYPE)
    return value if value in ("instance", "ip") else "instance"


def ingress_status(ing: dict) -> dict:
    """The Ingress's ``status`` once its ALB exists: the ALB's DNS name (``internal-`` first for
    an internal one, as ELB names internal load balancers)."""
    meta = ing["metadata"]
    ns = meta.get("namespace", "default")
    scheme = ingress_scheme(ing)
    lb = load_balancer_name(ns, meta["name"], f"{ns}/{meta['name']}", scheme)
    number = int.from_bytes(hashlib.sha256((lb + "/app").encode()).digest()[:4], "big") >> 1
    prefix = "internal-" if scheme == "internal" else ""
    return {"loadBalancer": {"ingress": [{"hostname": f"{prefix}{lb}-{number}.{_REGION}.elb.amazonaws.com"}]}}


class ALBStatus:
    """The ingress half of the controller (a manager extra): each Ingress of class ``alb`` gets
    its ALB's name in ``status.loadBalancer.ingress`` and one ``SuccessfullyReconciled`` event."""

    def __init__(self, api):
        self.api, self.store = api, api.store

    def __call__(self) -> None:
        if not self.store.count("Ingress"):
            return
        from ..apiserver.store import clone
        from ..routing.ingressclass import served_ingresses
        classes = list(self.store.items("IngressClass"))
        for ing in served_ingresses(list(self.store.items("Ingress")), classes, controller=INGRESS_CONTROLLER,
                                    annotation_class="alb"):
            want = ingress_status(ing)
            if ing.get("status") != want:
                i2 = clone(ing)
                i2["status"] = want
                self.api.write(i2)
                self.api.record_event(ing, "Normal", "SuccessfullyReconciled", "Successfully reconciled", "ingress")
