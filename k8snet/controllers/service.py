"""The service controller of the cloud-controller-manager: LoadBalancer addresses.

With no cloud (bare metal, minikube, kind) nothing provisions a load balancer, so the
Service's ``status.loadBalancer`` stays empty and kubectl shows ``EXTERNAL-IP <pending>``
for ever.  A cloud provisions one and publishes its address: AWS gives a DNS *hostname*
(``a<uid>-<n>.<region>.elb.amazonaws.com``), GCP and Azure an IP.  Addresses are derived from
the Service's UID, so the same seed gives the same addresses.
"""
from __future__ import annotations

import hashlib

__all__ = ["CLOUDS", "load_balancer_ingress"]

CLOUDS = ("aws", "gcp", "azure")


def load_balancer_ingress(service: dict, cloud: str | None) -> list[dict]:
    """The ``status.loadBalancer.ingress`` the cloud publishes (empty: pending)."""
    if cloud is None or service["spec"].get("type") != "LoadBalancer":
        return []
    uid = service["metadata"].get("uid", "").replace("-", "")
    h = hashlib.sha256(uid.encode()).digest()
    if cloud == "aws":
        return [{"hostname": f"a{uid[:32]}-{int.from_bytes(h[:4], 'big') % 10**10:010d}.us-east-1.elb.amazonaws.com"}]
    first = 34 if cloud == "gcp" else 20
    return [{"ip": f"{first}.{h[0] % 200 + 20}.{h[1]}.{h[2] % 253 + 1}", "ipMode": "VIP"}]
