"""The slim copies of API objects CoreDNS keeps in its cache.

CoreDNS's kubernetes plugin does not keep whole Services and EndpointSlices: its
``plugin/kubernetes/object`` package converts each one into a small struct holding only
what DNS needs (``ToService``, ``EndpointSliceToEndpoints``).  We do the same, so the
rules those conversions apply hold here too:

* a Service without ``spec.clusterIPs`` uses ``[spec.clusterIP]``; it is *headless* when
  its first ClusterIP is ``"None"``; a Service without ports gets one sentinel port -1;
* an EndpointSlice keeps only endpoints whose ``conditions.ready`` is true or unset
  ("nil means unknown, consumers should treat it as ready"); the slice's owner comes from
  its ``kubernetes.io/service-name`` label.  Not-ready pods of a Service with
  ``publishNotReadyAddresses: true`` are published because the EndpointSlice controller
  marks them ready=true, not because CoreDNS looks at the Service.
"""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Mapping

__all__ = ["ServicePort", "Service", "EndpointAddress", "Endpoints", "to_service",
           "endpointslice_to_endpoints", "endpoint_hostname", "is_ip", "SERVICE_NAME_LABEL"]

#: discovery.k8s.io/v1 LabelServiceName: which Service an EndpointSlice belongs to.
SERVICE_NAME_LABEL = "kubernetes.io/service-name"


def is_ip(text: str) -> bool:
    """Go's ``net.ParseIP(text) != nil`` (dotted quad without leading zeros, or IPv6)."""
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class ServicePort:
    """A port as the kubernetes plugin matches it: ``name``, ``port``, ``protocol``."""

    name: str
    port: int
    protocol: str


@dataclass(frozen=True, slots=True)
class Service:
    """object.Service: what CoreDNS keeps of a v1 Service."""

    name: str
    namespace: str
    type: str
    cluster_ips: tuple[str, ...]
    external_name: str
    ports: tuple[ServicePort, ...]

    @property
    def headless(self) -> bool:
        """object.Service.Headless: the first ClusterIP is ``None``."""
        return self.cluster_ips[0] == "None"


@dataclass(frozen=True, slots=True)
class EndpointAddress:
    """object.EndpointAddress: one ready address of an EndpointSlice endpoint."""

    ip: str
    hostname: str = ""
    node_name: str = ""
    target_ref_name: str = ""


@dataclass(frozen=True, slots=True)
class Endpoints:
    """object.Endpoints built from one EndpointSlice; ``index`` is ``"<service>.<ns>"``."""

    name: str
    namespace: str
    index: str
    addresses: tuple[EndpointAddress, ...]
    ports: tuple[ServicePort, ...]


def to_service(obj: Mapping) -> Service:
    """object.ToService for a Service dict as the API server returns it."""
    meta, spec = obj.get("metadata") or {}, obj.get("spec") or {}
    ips = tuple(spec.get("clusterIPs") or ()) or (spec.get("clusterIP") or "",)
    ports = tuple(ServicePort(p.get("name") or "", int(p.get("port", -1)), p.get("protocol") or "TCP")
                  for p in spec.get("ports") or ())
    return Service(name=meta.get("name", ""), namespace=meta.get("namespace", "default"),
                   type=spec.get("type") or "ClusterIP", cluster_ips=ips,
                   external_name=spec.get("externalName") or "",
                   # Sentinel port -1 for a Service without ports (object/service.go).
                   ports=ports or (ServicePort("", -1, ""),))


def _ready(conditions: Mapping | None) -> bool:
    # endpointsliceReady: a nil ready condition means "unknown", treated as ready.
    ready = (conditions or {}).get("ready")
    return True if ready is None else bool(ready)


def endpointslice_to_endpoints(obj: Mapping) -> Endpoints:
    """object.EndpointSliceToEndpoints: ready addresses and the slice's ports."""
    meta = obj.get("metadata") or {}
    namespace = meta.get("namespace", "default")
    service = (meta.get("labels") or {}).get(SERVICE_NAME_LABEL, "")
    ports = tuple(ServicePort(p.get("name") or "", -1 if p.get("port") is None else int(p["port"]),
                              p.get("protocol") or "")
                  for p in obj.get("ports") or ())
    addresses = []
    for ep in obj.get("endpoints") or ():
        if not _ready(ep.get("conditions")):
            continue
        ref = (ep.get("targetRef") or {}).get("name") or ""
        for ip in ep.get("addresses") or ():
            addresses.append(EndpointAddress(
                ip=ip, hostname=ep.get("hostname") or "", node_name=ep.get("nodeName") or "",
                # Pod names too long to be a DNS label are ignored (len < 64).
                target_ref_name=ref if len(ref) < 64 else ""))
    return Endpoints(name=meta.get("name", ""), namespace=namespace,
                     index=f"{service}.{namespace}", addresses=tuple(addresses),
                     ports=ports or (ServicePort("", -1, ""),))


def endpoint_hostname(addr: EndpointAddress, endpoint_name_mode: bool = False) -> str:
    """kubernetes.go endpointHostname: the endpoint's hostname, else its IP with dashes
    (``10.244.1.5`` -> ``10-244-1-5``, ``fd00::5`` -> ``fd00--5``; a trailing ``-`` gets
    a ``0`` so ``fd00::`` -> ``fd00--0``)."""
    if addr.hostname:
        return addr.hostname
    if endpoint_name_mode and addr.target_ref_name:
        return addr.target_ref_name
    if "." in addr.ip:
        return addr.ip.replace(".", "-")
    if ":" in addr.ip:
        name = addr.ip.replace(":", "-")
        return name + "0" if name.endswith("-") else name
    return ""
