"""The service controller of the cloud-controller-manager: LoadBalancer addresses.

With no cloud (bare metal, minikube, kind) nothing provisions a load balancer, so the
Service's ``status.loadBalancer`` stays empty and kubectl shows ``EXTERNAL-IP <pending>``
for ever (unless an addon such as MetalLB fills the gap: ``controllers/metallb.py``).  A cloud
provisions one and publishes its address: AWS gives a DNS *hostname*
(``<name>-<n>.<region>.elb.amazonaws.com``, where ``<name>`` is cloud-provider's
``GetLoadBalancerName``: "a" + the UID without dashes, cut to 32 characters, and ``<n>`` the
number ELB appends), GCP and Azure an IP.  Addresses are derived from the Service's UID, so
the same seed gives the same addresses.

Which Services it handles is ``wantsLoadBalancer`` (k8s.io/cloud-provider
``controllers/service/controller.go``): type LoadBalancer **and no** ``spec.loadBalancerClass``
-- a Service with any class is left to whichever controller implements that class.
cloud-provider-aws also leaves alone the Services its annotation hands to the AWS Load
Balancer Controller (``aws-load-balancer-type: external`` or ``nlb-ip``: ImplementedElsewhere).

IP families (dual-stack clusters): GCP and Azure give a load balancer one address per family of
the Service (``_families``), so a dual-stack Service shows an IPv4 and an IPv6 EXTERNAL-IP.  AWS
publishes a hostname whatever the Service's families: cloud-provider-aws's Classic ELB and NLB
are IPv4 (its docs list no IPv6 option), and the AWS Load Balancer Controller's NLB is ``ipv4``
unless annotated ``service.beta.kubernetes.io/aws-load-balancer-ip-address-type: dualstack``
(the hostname then also has an AAAA record; k8snet's simulated internet resolves only its A).

Each cloud makes an *internal* load balancer (a private address in the cluster's network,
unreachable from the internet) when the Service carries its annotation:

=====  ==========================================================  ==========================
cloud  annotation                                                  private address
=====  ==========================================================  ==========================
aws    ``service.beta.kubernetes.io/aws-load-balancer-internal``   ``internal-<name>-<n>...``
       (any value but ``"false"``; cloud-provider-aws)             (a private VPC address)
gcp    ``networking.gke.io/load-balancer-type: "Internal"``        an IP of the node subnet
       (``cloud.google.com/load-balancer-type`` is the old key)    ``10.128.0.0/20``
azure  ``service.beta.kubernetes.io/azure-load-balancer-internal:  an IP of the AKS subnet
       "true"``                                                    ``10.224.0.0/16``
=====  ==========================================================  ==========================
"""
from __future__ import annotations

import hashlib

__all__ = ["LoadBalancerControllers", "CLOUDS", "load_balancer_ingress", "load_balancer_name", "wants_load_balancer", "is_internal",
           "hostname_address", "AWS_INTERNAL", "GCP_LB_TYPE", "GCP_LB_TYPE_LEGACY", "AZURE_INTERNAL", "AWS_LB_TYPE",
           "SOURCE_RANGES_ANNOTATION", "source_ranges"]

CLOUDS = ("aws", "gcp", "azure")
#: cloud-provider-aws ``ServiceAnnotationLoadBalancerInternal``.
AWS_INTERNAL = "service.beta.kubernetes.io/aws-load-balancer-internal"
#: cloud-provider-aws ``ServiceAnnotationLoadBalancerType``: ``nlb`` (its own NLB), ``external`` /
#: ``nlb-ip`` (left to the AWS Load Balancer Controller).
AWS_LB_TYPE = "service.beta.kubernetes.io/aws-load-balancer-type"
#: GKE: ``networking.gke.io/load-balancer-type: "Internal"`` (internal passthrough NLB).
GCP_LB_TYPE = "networking.gke.io/load-balancer-type"
GCP_LB_TYPE_LEGACY = "cloud.google.com/load-balancer-type"
#: cloud-provider-azure ``ServiceAnnotationLoadBalancerInternal``.
AZURE_INTERNAL = "service.beta.kubernetes.io/azure-load-balancer-internal"
#: ``v1.AnnotationLoadBalancerSourceRangesKey``: read by the cloud providers (servicehelper
#: ``GetLoadBalancerSourceRanges``) when ``spec.loadBalancerSourceRanges`` is empty; kube-proxy
#: reads only the field.
SOURCE_RANGES_ANNOTATION = "service.beta.kubernetes.io/load-balancer-source-ranges"
_REGION = "us-east-1"


def wants_load_balancer(service: dict) -> bool:
    """cloud-provider ``wantsLoadBalancer``: type LoadBalancer and no ``loadBalancerClass``."""
    spec = service.get("spec") or {}
    return spec.get("type") == "LoadBalancer" and spec.get("loadBalancerClass") is None


def load_balancer_name(service: dict) -> str:
    """k8s.io/cloud-provider ``DefaultLoadBalancerName`` (what the AWS provider names the ELB):
    "a" + the Service's UID with its dashes removed, truncated to 32 characters (ELB's limit)."""
    return ("a" + service["metadata"].get("uid", "").replace("-", ""))[:32]


def _annotations(obj: dict) -> dict:
    return (obj.get("metadata") or {}).get("annotations") or {}


def is_internal(service: dict, cloud: str | None) -> bool:
    """Whether ``cloud``'s provider makes ``service``'s load balancer internal (its annotation)."""
    ann = _annotations(service)
    if cloud == "aws":
        # aws.go ensureLoadBalancer: "false" is public, any other non-empty value internal.
        return ann.get(AWS_INTERNAL, "false") not in ("false", "")
    if cloud == "gcp":
        return (ann.get(GCP_LB_TYPE) or ann.get(GCP_LB_TYPE_LEGACY) or "").lower() == "internal"
    if cloud == "azure":
        return ann.get(AZURE_INTERNAL) == "true"
    return False


def source_ranges(service: dict) -> tuple[str, ...]:
    """servicehelper ``GetLoadBalancerSourceRanges``: the field, else the annotation (comma-
    separated), else everyone (``0.0.0.0/0``, plus ``::/0`` with IPv6) -- what a cloud's firewall admits."""
    ranges = [r.strip() for r in (service.get("spec") or {}).get("loadBalancerSourceRanges") or () if r.strip()]
    if not ranges:
        text = str(_annotations(service).get(SOURCE_RANGES_ANNOTATION) or "").strip()
        ranges = [r.strip() for r in text.split(",") if r.strip()]
    if ranges:
        return tuple(ranges)
    # Everyone: servicehelper's default 0.0.0.0/0, and ::/0 for a Service with an IPv6 family
    # (GCE writes a separate IPv6 firewall rule, cloud-provider-azure an IPv6 security rule).
    return ("0.0.0.0/0", "::/0") if "IPv6" in _families(service) else ("0.0.0.0/0",)


def _digest(service: dict) -> bytes:
    return hashlib.sha256(service["metadata"].get("uid", "").replace("-", "").encode()).digest()


def hostname_address(hostname: str, internal: bool = False) -> str:
    """The address public DNS gives for an AWS load balancer's hostname: a public one, or for an
    internal load balancer a private one of the VPC ("publicly resolvable to the private IP
    addresses of the nodes", ELB docs; eksctl's private subnets are 192.168.96.0/19 on)."""
    h = hashlib.sha256(hostname.encode()).digest()
    if internal:
        return f"192.168.{96 + h[0] % 32}.{h[1] % 253 + 1}"
    return f"52.{h[0] % 200 + 1}.{h[1]}.{h[2] % 253 + 1}"


def load_balancer_ingress(service: dict, cloud: str | None) -> list[dict] | None:
    """The ``status.loadBalancer.ingress`` ``cloud``'s service controller publishes; None when it
    does not handle the Service (no cloud, not a LoadBalancer, a ``loadBalancerClass``, or an
    annotation that hands it to another controller): then it leaves the status alone."""
    if cloud is None or not wants_load_balancer(service):
        return None
    h = _digest(service)
    internal = is_internal(service, cloud)
    if cloud == "aws":
        lb_type = _annotations(service).get(AWS_LB_TYPE, "")
        if lb_type in ("external", "nlb-ip"):  # aws.go: cloudprovider.ImplementedElsewhere
            return None
        prefix = "internal-" if internal else ""  # ELB names internal load balancers so
        if lb_type == "nlb":  # cloud-provider-aws's own NLB: "<name>-<16 hex>.elb.<region>.amazonaws.com"
            return [{"hostname": f"{prefix}{load_balancer_name(service)}-{h[4:12].hex()}.elb.{_REGION}.amazonaws.com"}]
        # A Classic ELB: ELB appends "-" and a decimal number (31 bits, not zero-padded).
        return [{"hostname": f"{prefix}{load_balancer_name(service)}-{int.from_bytes(h[:4], 'big') >> 1}"
                             f".{_REGION}.elb.amazonaws.com"}]
    return [{"ip": _address(cloud, family, internal, h), "ipMode": "VIP"} for family in _families(service)]


def _families(service: dict) -> list[str]:
    """The families a GCP or Azure load balancer gets a frontend for: one per family of the
    Service, in ``spec.ipFamilies`` order.  GKE ("Dual-stack Services": a dual-stack
    LoadBalancer Service on a dual-stack cluster gets an IPv4 and an IPv6 forwarding rule; an
    IPv6 single-stack one an IPv6 rule) and cloud-provider-azure (dual-stack Services since
    kubernetes-sigs/cloud-provider-azure#3404: a public IP, frontend and rules per family)
    both follow the Service's families; neither needs an annotation."""
    spec = service.get("spec") or {}
    fams = spec.get("ipFamilies") or ["IPv6" if ":" in (spec.get("clusterIP") or "") else "IPv4"]
    return [f for f in fams if f in ("IPv4", "IPv6")][:2] or ["IPv4"]


def _address(cloud: str, family: str, internal: bool, h: bytes) -> str:
    """A stable address of ``cloud``'s for the Service with digest ``h``: public, or internal
    (GKE: the node subnet 10.128.0.0/20 and, for IPv6, its ULA internal range under fd20::/20;
    AKS: the node subnet 10.224.0.0/16 and the vnet's IPv6 range).  The IPv6 public prefixes
    are Google's 2600:1900::/28 and Azure's 2603:1030::/32 (illustrative, not a real block)."""
    if family == "IPv6":
        if cloud == "gcp":
            return f"fd20:{h[3]:x}:{h[4]:x}:0:{h[5]:x}::" if internal else f"2600:1900:4000:{h[3] * 256 + h[4]:x}:8000::"
        return f"fd00:db8:deca::{h[3] * 256 + h[4] + 4:x}" if internal else f"2603:1030:{h[3]:x}:{h[4]:x}::{h[5] + 1:x}"
    if internal:
        return f"10.128.{h[0] % 16}.{h[1] % 253 + 2}" if cloud == "gcp" else f"10.224.{h[0] % 256}.{h[1] % 250 + 4}"
    first = 34 if cloud == "gcp" else 20
    return f"{first}.{h[0] % 200 + 20}.{h[1]}.{h[2] % 253 + 1}"


class LoadBalancerControllers:
    """The Manager's service-controller sync (a mixin, as ``NodeControllers``): the cloud's
    controller, or the AWS Load Balancer Controller for the Services it owns."""

    def _sync_service(self, ns: str, name: str) -> None:
        from ..apiserver.store import clone
        svc = self.store.peek("Service", ns, name)
        if svc is None:
            return
        current = ((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
        lbc = False
        if self.aws_lbc:  # the addon's controller (and its module) only once it is installed
            from . import awslbc
            lbc = awslbc.handles_service(svc)
        ingress = awslbc.service_ingress(svc) if lbc else load_balancer_ingress(svc, self.cloud)
        if svc["spec"].get("type") != "LoadBalancer":
            ingress = [] if current else None  # no longer a LoadBalancer: its load balancer goes
        if ingress is None:
            return  # another controller's Service (or nobody's): its status is left alone
        if svc["spec"].get("type") == "LoadBalancer" and not current and ingress:
            if lbc:  # service_controller.go: one event per successful reconcile
                self.api.record_event(svc, "Normal", "SuccessfullyReconciled", "Successfully reconciled", "service")
            else:
                self.api.record_event(svc, "Normal", "EnsuringLoadBalancer", "Ensuring load balancer",
                                      "service-controller")
                self.api.record_event(svc, "Normal", "EnsuredLoadBalancer", "Ensured load balancer",
                                      "service-controller")
        if ingress != current:
            s2 = clone(svc)
            s2["status"] = {"loadBalancer": {"ingress": ingress} if ingress else {}}
            self.api.write(s2)
