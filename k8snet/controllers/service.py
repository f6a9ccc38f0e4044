"""The service controller of the cloud-controller-manager: LoadBalancer addresses.

With no cloud (bare metal, minikube, kind) nothing provisions a load balancer, so the
Service's ``status.loadBalancer`` stays empty and kubectl shows ``EXTERNAL-IP <pending>``
for ever.  A cloud provisions one and publishes its address: AWS gives a DNS *hostname*
(``<name>-<n>.<region>.elb.amazonaws.com``, where ``<name>`` is cloud-provider's
``GetLoadBalancerName``: "a" + the UID without dashes, cut to 32 characters, and ``<n>`` the
number ELB appends), GCP and Azure an IP.  Addresses are derived from
the Service's UID, so the same seed gives the same addresses.
"""
from __future__ import annotations

import hashlib

__all__ = ["CLOUDS", "load_balancer_ingress", "load_balancer_name"]

CLOUDS = ("aws", "gcp", "azure")


def load_balancer_name(service: dict) -> str:
    """k8s.io/cloud-provider ``DefaultLoadBalancerName`` (what the AWS provider names the ELB):
    "a" + the Service's UID with its dashes removed, truncated to 32 characters (ELB's limit)."""
    return ("a" + service["metadata"].get("uid", "").replace("-", ""))[:32]


def load_balancer_ingress(service: dict, cloud: str | None) -> list[dict]:
    """The ``status.loadBalancer.ingress`` the cloud publishes (empty: pending)."""
    if cloud is None or service["spec"].get("type") != "LoadBalancer":
        return []
    uid = service["metadata"].get("uid", "").replace("-", "")
    h = hashlib.sha256(uid.encode()).digest()
    if cloud == "aws":
        # ELB appends "-" and a decimal number (31 bits, not zero-padded) to the name.
        return [{"hostname": f"{load_balancer_name(service)}-{int.from_bytes(h[:4], 'big') >> 1}"
                             ".us-east-1.elb.amazonaws.com"}]
    first = 34 if cloud == "gcp" else 20
    return [{"ip": f"{first}.{h[0] % 200 + 20}.{h[1]}.{h[2] % 253 + 1}", "ipMode": "VIP"}]
