"""Checks that only a dual-stack Service needs: each of its families has endpoints."""
from __future__ import annotations

from .findings import WARNING, Finding

__all__ = ["missing_family"]


def missing_family(cluster, svc: dict) -> list[Finding]:
    """A dual-stack Service whose hand-written endpoints are all of one family: kube-proxy programs
    each family from the slices of that ``addressType`` (the mirroring controller puts an
    Endpoints' IPv6 addresses into IPv6 slices), so the other ClusterIP has no endpoint."""
    name, ns, spec = svc["metadata"]["name"], svc["metadata"]["namespace"], svc["spec"]
    have = {s.get("addressType", "IPv4") for s in cluster.store.items("EndpointSlice", ns)
            if (s["metadata"].get("labels") or {}).get("kubernetes.io/service-name") == name and s.get("endpoints")}
    out = []
    for family, ip in zip(spec.get("ipFamilies") or [], spec.get("clusterIPs") or []):
        if family in have or ip == "None":
            continue
        out.append(Finding(
            what=f"service/{name} is dual-stack but lists no {family} endpoint: its {family} ClusterIP {ip} "
                 "refuses connections", severity=WARNING,
            why=f"kube-proxy's {family} rules come from the EndpointSlices with addressType {family}; with none "
                "the Service's rule REJECTs (curl: connection refused) while the other family works",
            fix=f"add {family} addresses to the Endpoints (the mirroring controller writes an {family} slice) or an "
                f"EndpointSlice with addressType: {family}; or make the Service single-stack (ipFamilyPolicy: "
                "SingleStack)", evidence=f"kubectl get endpointslices -l kubernetes.io/service-name={name}"))
    return out
