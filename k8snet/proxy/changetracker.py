"""Services and EndpointSlices → kube-proxy's ServicePortMap and EndpointsMap.

Upstream: ``pkg/proxy/servicechangetracker.go`` + ``serviceport.go`` (``newBaseServiceInfo``)
and ``pkg/proxy/endpointschangetracker.go`` + ``endpointslicecache.go``.  Like upstream, the
trackers take ``update(old, new)`` events (``None`` for add/delete) and report which
ServicePortNames changed, so a sync re-renders only those Services.
"""
from __future__ import annotations

import ipaddress
from typing import Iterable, Mapping

from .types import (DEFAULT_STICKY_SECONDS, SESSION_AFFINITY_CLIENT_IP, EndpointInfo,
                    ServicePortInfo, ServicePortName)

__all__ = ["ServicePortMap", "EndpointsMap", "service_port_infos", "slice_endpoints",
           "ServiceChangeTracker", "EndpointsChangeTracker", "SERVICE_NAME_LABEL"]

#: ``discovery.LabelServiceName``: the label tying an EndpointSlice to its Service.
SERVICE_NAME_LABEL = "kubernetes.io/service-name"

#: ``proxy.ServicePortMap``: every proxied Service port.
ServicePortMap = dict  # dict[ServicePortName, ServicePortInfo]
#: ``proxy.EndpointsMap``: the endpoints of each Service port, sorted like upstream.
EndpointsMap = dict  # dict[ServicePortName, tuple[EndpointInfo, ...]]


def _is_family(text: str, family: str = "IPv4") -> bool:
    try:
        return ipaddress.ip_address(text).version == (6 if family == "IPv6" else 4)
    except ValueError:
        return False


def _is_ipv4(text: str) -> bool:
    return _is_family(text, "IPv4")


def cluster_ip_of_family(spec: Mapping, family: str) -> str:
    """proxyutil.GetClusterIPByFamily: the Service's ClusterIP of ``family`` ('' if none)."""
    ips = spec.get("clusterIPs") or ([spec["clusterIP"]] if spec.get("clusterIP") else [])
    return next((ip for ip in ips if ip != "None" and _is_family(ip, family)), "")


def _should_skip_service(service: Mapping) -> bool:
    # proxyutil.ShouldSkipService: headless ("None"), no clusterIP, or ExternalName.
    spec = service.get("spec", {})
    cluster_ip = spec.get("clusterIP", "")
    return not cluster_ip or cluster_ip == "None" or spec.get("type") == "ExternalName"


def service_port_infos(service: Mapping | None, family: str = "IPv4") -> dict[ServicePortName, ServicePortInfo]:
    """One ``ServicePortInfo`` per port of ``service`` (upstream ``serviceToServiceMap``).

    Skipped entirely (empty result) for headless and ExternalName Services, and for a
    Service with no ClusterIP of ``family`` (the proxier of one family ignores the rest:
    externalIPs, load-balancer addresses and source ranges of the other family too).
    """
    if not service or _should_skip_service(service):
        return {}
    meta, spec = service["metadata"], service.get("spec", {})
    cluster_ip = cluster_ip_of_family(spec, family)
    if not cluster_ip:
        return {}
    ns, name = meta.get("namespace", "default"), meta["name"]
    svc_type = spec.get("type", "ClusterIP")
    externally = svc_type in ("NodePort", "LoadBalancer") or (
        svc_type == "ClusterIP" and bool(spec.get("externalIPs")))
    # apiservice.ExternalPolicyLocal / NeedsHealthCheck.
    etp_local = externally and spec.get("externalTrafficPolicy") == "Local"
    itp_local = spec.get("internalTrafficPolicy") == "Local"
    affinity = spec.get("sessionAffinity", "None") or "None"
    sticky = 0
    if affinity == SESSION_AFFINITY_CLIENT_IP:
        sticky = (((spec.get("sessionAffinityConfig") or {}).get("clientIP") or {})
                  .get("timeoutSeconds") or DEFAULT_STICKY_SECONDS)
    # Load-balancer VIPs: status.loadBalancer.ingress[].ip, except ipMode "Proxy"
    # (KEP-1860: the LB proxies, so the node must not short-circuit the VIP).
    vips = tuple(ing["ip"] for ing in ((service.get("status") or {}).get("loadBalancer") or {})
                 .get("ingress") or () if ing.get("ip") and _is_family(ing["ip"], family)
                 and ing.get("ipMode", "VIP") != "Proxy")
    ranges = tuple(r.strip() for r in spec.get("loadBalancerSourceRanges") or ()
                   if ("." in r) == (family == "IPv4"))
    ext_ips = tuple(ip for ip in spec.get("externalIPs") or () if _is_family(ip, family))
    hc_port = spec.get("healthCheckNodePort", 0) if (svc_type == "LoadBalancer" and etp_local) else 0
    out = {}
    for port in spec.get("ports") or ():
        protocol = port.get("protocol", "TCP")
        spn = ServicePortName(ns, name, port.get("name", "") or "", protocol)
        out[spn] = ServicePortInfo(
            name=spn, cluster_ip=cluster_ip, port=int(port["port"]), protocol=protocol,
            node_port=int(port.get("nodePort") or 0), load_balancer_vips=vips,
            load_balancer_source_ranges=ranges, external_ips=ext_ips,
            session_affinity=affinity, sticky_max_age_seconds=int(sticky),
            external_policy_local=etp_local, internal_policy_local=itp_local,
            health_check_node_port=int(hc_port or 0), service_type=svc_type)
    return out


def slice_endpoints(endpoint_slice: Mapping, node_name: str,
                    family: str = "IPv4") -> dict[ServicePortName, list[EndpointInfo]]:
    """The endpoints one EndpointSlice contributes, per Service port (``addEndpoints``).

    Slices without the ``kubernetes.io/service-name`` label, slices of another address type
    than the proxier's ``family``, ports without a number and endpoints without an address
    are ignored, as upstream does.
    """
    meta = endpoint_slice.get("metadata", {})
    svc = (meta.get("labels") or {}).get(SERVICE_NAME_LABEL)
    if not svc or endpoint_slice.get("addressType", "IPv4") != family:
        return {}
    ns = meta.get("namespace", "default")
    out: dict[ServicePortName, list[EndpointInfo]] = {}
    for port in endpoint_slice.get("ports") or ():
        if port.get("port") in (None, 0):
            continue
        spn = ServicePortName(ns, svc, port.get("name") or "", port.get("protocol", "TCP"))
        eps = out.setdefault(spn, [])
        for ep in endpoint_slice.get("endpoints") or ():
            if not ep.get("addresses"):
                continue
            cond = ep.get("conditions") or {}
            ready = cond.get("ready") is not False  # nil means ready
            serving = cond.get("serving", ready) is not False  # nil serving follows ready
            terminating = cond.get("terminating") is True
            hints = ep.get("hints") or {}
            node = ep.get("nodeName") or ""
            eps.append(EndpointInfo(
                ip=ep["addresses"][0], port=int(port["port"]), ready=ready, serving=serving,
                terminating=terminating, node_name=node, hostname=ep.get("hostname") or "",
                zone=ep.get("zone") or "", is_local=bool(node) and node == node_name,
                zone_hints=tuple(z["name"] for z in hints.get("forZones") or ()),
                node_hints=tuple(n["name"] for n in hints.get("forNodes") or ())))
    return out


class ServiceChangeTracker:
    """Keeps the ServicePortMap up to date from Service add/update/delete events."""

    def __init__(self, family: str = "IPv4") -> None:
        self.family = family
        self._by_service: dict[tuple[str, str], dict[ServicePortName, ServicePortInfo]] = {}
        # The flat ServicePortMap, kept in step with _by_service so that a sync never has
        # to re-merge every Service's ports (5,000 Services: one dict, updated per event).
        self._ports: dict[ServicePortName, ServicePortInfo] = {}

    def update(self, old: Mapping | None, new: Mapping | None) -> set[ServicePortName]:
        """Apply one event; returns the ServicePortNames whose info was added, changed or removed."""
        ref = new or old
        if ref is None:
            return set()
        key = (ref["metadata"].get("namespace", "default"), ref["metadata"]["name"])
        before = self._by_service.get(key, {})
        after = service_port_infos(new, self.family)
        if after:
            self._by_service[key] = after
        else:
            self._by_service.pop(key, None)
        changed = {n for n in before.keys() | after.keys() if before.get(n) != after.get(n)}
        for n in changed:
            if n in after:
                self._ports[n] = after[n]
            else:
                self._ports.pop(n, None)
        return changed

    def service_port_map(self) -> dict[ServicePortName, ServicePortInfo]:
        """The whole ServicePortMap (a copy)."""
        return {n: info for ports in self._by_service.values() for n, info in ports.items()}

    def get(self, spn: ServicePortName) -> ServicePortInfo | None:
        """One Service port's info, or None when no Service has that port."""
        return self._ports.get(spn)


class EndpointsChangeTracker:
    """Keeps the EndpointsMap up to date from EndpointSlice events (``EndpointSliceCache``)."""

    def __init__(self, node_name: str, family: str = "IPv4") -> None:
        self.node_name, self.family = node_name, family
        # (namespace, service) -> slice name -> per-port endpoints of that slice
        self._slices: dict[tuple[str, str], dict[str, dict[ServicePortName, list[EndpointInfo]]]] = {}
        # (namespace, service) -> its merged endpoints, recomputed only when one of its
        # slices changes (a sync asks for every Service's endpoints; merging is the work).
        self._merged: dict[tuple[str, str], dict[ServicePortName, tuple[EndpointInfo, ...]]] = {}

    @staticmethod
    def _key(endpoint_slice: Mapping) -> tuple[tuple[str, str], str] | None:
        meta = endpoint_slice.get("metadata", {})
        svc = (meta.get("labels") or {}).get(SERVICE_NAME_LABEL)
        if not svc:
            return None
        return (meta.get("namespace", "default"), svc), meta["name"]

    def _service_endpoints(self, svc: tuple[str, str]) -> dict[ServicePortName, tuple[EndpointInfo, ...]]:
        if svc not in self._merged:
            self._merged[svc] = self._merge(svc)
        return self._merged[svc]

    def _merge(self, svc: tuple[str, str]) -> dict[ServicePortName, tuple[EndpointInfo, ...]]:
        merged: dict[ServicePortName, dict[str, EndpointInfo]] = {}
        for name in sorted(self._slices.get(svc, {})):
            for spn, eps in self._slices[svc][name].items():
                bucket = merged.setdefault(spn, {})
                for ep in eps:
                    # The same address in two slices: keep the ready one (upstream addEndpoints).
                    if str(ep) not in bucket or ep.ready:
                        bucket[str(ep)] = ep
        # byEndpoint: sorted by the "ip:port" string, so diffs are stable.
        return {spn: tuple(sorted(b.values(), key=str)) for spn, b in merged.items() if b}

    def update_endpoint_slice(self, old: Mapping | None, new: Mapping | None) -> set[ServicePortName]:
        """Apply one EndpointSlice event; returns the ServicePortNames whose endpoints changed.

        ``old=None`` is an add, ``new=None`` a delete; the net effect is compared, so an
        update that changes nothing kube-proxy uses reports nothing.
        """
        keys = [(obj, self._key(obj), i == 0) for i, obj in enumerate((old, new)) if obj is not None]
        keys = [(obj, k, is_old) for obj, k, is_old in keys if k is not None]
        services = {k[0] for _, k, _ in keys}
        before = {svc: self._service_endpoints(svc) for svc in services}
        for svc in services:
            self._merged.pop(svc, None)
        for obj, (svc, name), is_old in keys:
            if is_old:
                self._slices.get(svc, {}).pop(name, None)
        for obj, (svc, name), is_old in keys:
            if not is_old:
                self._slices.setdefault(svc, {})[name] = slice_endpoints(obj, self.node_name, self.family)
        changed: set[ServicePortName] = set()
        for svc in services:
            if svc in self._slices and not self._slices[svc]:
                del self._slices[svc]
            after = self._service_endpoints(svc)
            changed |= {n for n in before[svc].keys() | after.keys()
                        if before[svc].get(n) != after.get(n)}
        return changed

    def endpoints_map(self) -> dict[ServicePortName, tuple[EndpointInfo, ...]]:
        """The whole EndpointsMap."""
        out: dict[ServicePortName, tuple[EndpointInfo, ...]] = {}
        for svc in list(self._slices):
            out.update(self._service_endpoints(svc))
        return out

    def endpoints_for(self, spn: ServicePortName) -> tuple[EndpointInfo, ...]:
        """The endpoints of one Service port (empty when it has none)."""
        return self._service_endpoints(spn.namespaced_name).get(spn, ())


def build_maps(services: Iterable[Mapping], slices: Iterable[Mapping], node_name: str):
    """Full rebuild: ``(ServicePortMap, EndpointsMap)`` from lists of objects."""
    st, et = ServiceChangeTracker(), EndpointsChangeTracker(node_name)
    for s in services:
        st.update(None, s)
    for sl in slices:
        et.update_endpoint_slice(None, sl)
    return st.service_port_map(), et.endpoints_map()


__all__.append("build_maps")
