"""The CoreDNS kubernetes plugin's lookups (plugin/kubernetes/kubernetes.go ``Services``,
``Records``, ``findPods``, ``findServices``): the ``msg.Service`` items a name under the
cluster zone stands for, or ``NAME_ERROR``.  A mixin of ``records.Zone``, whose
backend_lookup.go half turns the items into A/AAAA, SRV, TXT and PTR records.
"""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from .objects import endpoint_hostname, is_ip
from .parse import POD, InvalidRequest, RecordRequest, parse_request
from .reverse import is_reverse

__all__ = ["KubernetesLookup", "DEFAULT_TTL", "NAME_ERROR"]

#: kubeadm's Corefile says ``ttl 30`` (CoreDNS's own default would be 5).
DEFAULT_TTL = 30
NAME_ERROR = "NXDOMAIN"


@dataclass(frozen=True, slots=True)
class _Item:
    """msg.Service: ``host`` is an IP (A/AAAA) or a name (CNAME); ``key`` the owner name."""

    host: str
    key: str
    port: int = 0
    ttl: int = DEFAULT_TTL

    @property
    def is_cname(self) -> bool:
        return not is_ip(self.host)


def _family(ip: str) -> str:
    return "A" if ipaddress.ip_address(ip).version == 4 else "AAAA"


def _match_port(r: RecordRequest, name: str, protocol: str) -> bool:
    """matchPortAndProtocol: empty request parts match anything; case-insensitive."""
    return ((not r.port or r.port == name.lower())
            and (not r.protocol or r.protocol == protocol.lower()))


class KubernetesLookup:
    """``Zone``'s kubernetes.go half (it reads the Zone's services, endpoints, namespaces and pod IPs)."""

    def _items(self, name: str, zone: str, zone_case: str, qtype: str):
        """Kubernetes.Services: the items for a name, or NAME_ERROR."""
        if name.startswith("ns.dns.") and name[len("ns.dns."):] == zone:  # isDefaultNS
            return [_Item(ip, name, ttl=self.ttl) for _, ip in self._ns_addrs(zone_case)
                    if _family(ip) == qtype], None
        items, err = self._records(name, zone, zone_case)
        if qtype == "SRV":  # "SRV for external services is not yet implemented"
            items = [i for i in items if not i.is_cname]
        return items, err

    def _records(self, name: str, zone: str, zone_case: str):
        try:
            r = parse_request(name, zone)
        except InvalidRequest:
            return [], NAME_ERROR
        if not r.pod_or_svc:
            return [], None
        if is_reverse(name):
            return [], NAME_ERROR
        if not self._namespace_exists(r.namespace):  # errNsNotExposed
            return [], NAME_ERROR
        if r.pod_or_svc == POD:
            return self._find_pods(r, zone_case)
        return self._find_services(r, zone_case)

    def _namespace_exists(self, namespace: str) -> bool:
        return namespace in self._namespaces

    def _find_pods(self, r: RecordRequest, zone_case: str):
        """findPods: ``1-2-3-4.<ns>.pod.<zone>`` answers 1.2.3.4 (``pods insecure``
        does not check that such a pod exists; ``verified`` does)."""
        if self.pod_mode == "disabled":
            return [], NAME_ERROR
        if not r.service:
            return [], None
        podname = r.service
        if podname.count("-") == 3 and "--" not in podname:
            ip = podname.replace("-", ".")
        else:
            ip = podname.replace("-", ":")
        key = f"{podname}.{r.namespace}.pod.{zone_case}"
        if not is_ip(ip):
            return [], NAME_ERROR
        if self.pod_mode == "insecure":
            return [_Item(ip, key, ttl=self.ttl)], None
        found = [_Item(ip, key, ttl=self.ttl) for ns in self._pod_ips.get(ip, ()) if ns == r.namespace]
        return found, None if found else NAME_ERROR

    def _find_services(self, r: RecordRequest, zone_case: str):
        """findServices: ClusterIP, headless, endpoint and ExternalName answers."""
        if not r.service:
            return [], None  # "<ns>.svc.<zone>": the namespace exists, NODATA
        svc = self._services.get((r.service, r.namespace))
        if svc is None:
            return [], NAME_ERROR
        base = f"{svc.name}.{svc.namespace}.svc.{zone_case}"
        if svc.type == "ExternalName":
            # No endpoints, and no _port._proto names, for an ExternalName Service.
            if r.endpoint or r.port or r.protocol or is_ip(svc.external_name):
                return [], NAME_ERROR
            return [_Item(svc.external_name, base, ttl=self.ttl)], None
        items: list[_Item] = []
        if svc.headless or r.endpoint:
            for ep in self._endpoints.get(f"{svc.name}.{svc.namespace}".lower(), ()):
                for addr in ep.addresses:
                    host = endpoint_hostname(addr)
                    if r.endpoint and r.endpoint != host.lower():
                        continue
                    for p in ep.ports:
                        if _match_port(r, p.name, p.protocol):
                            items.append(_Item(addr.ip, f"{host}.{base}", p.port, self.ttl))
            # A headless Service with no ready endpoint is NXDOMAIN (spec 2.4.1).
            return items, None if items else NAME_ERROR
        matched = False
        for p in svc.ports:
            if _match_port(r, p.name, p.protocol):
                matched = True
                items.extend(_Item(ip, base, p.port, self.ttl) for ip in svc.cluster_ips)
        return items, None if matched else NAME_ERROR
