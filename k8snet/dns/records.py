"""The cluster's DNS: CoreDNS with kubeadm's Corefile, as a pure function of API objects.

kubeadm installs CoreDNS with this server block (cmd/kubeadm/app/phases/addons/dns)::

    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    forward . /etc/resolv.conf
    cache 30 { disable success cluster.local; disable denial cluster.local }
    loadbalance

``Zone`` answers a question the way that server does (``Zone.query``):

* names under ``cluster.local.`` are answered by the kubernetes plugin (handler.go
  ``ServeDNS``; the schema is kubernetes/dns docs/specification.md), authoritatively,
  TTL 30, with the zone's SOA in the authority section of negative answers;
* reverse names (``in-addr.arpa.``, ``ip6.arpa.``) get PTRs for ClusterIPs and ready
  endpoint IPs; any other reverse name falls through to upstream;
* everything else is forwarded upstream (``upstream.py``: the simulated internet);
* ``loadbalance`` shuffles address records when a ``random.Random`` is given.

The ``(items, error)`` pairs of the kubernetes.go lookups (``lookup.py``) mirror CoreDNS's
``[]msg.Service, error`` returns: ``NAME_ERROR`` stands for errNoItems/errNsNotExposed/
errInvalidRequest, all of which ``IsNameError`` turns into NXDOMAIN, while "no items, no
error" is NODATA.
"""
from __future__ import annotations

import math
import random
from typing import Iterable, Mapping

from .. import clock
from .loadbalance import shuffle_reply
from .lookup import DEFAULT_TTL, NAME_ERROR, KubernetesLookup, _Item, _family
from .objects import Endpoints, Service, endpoint_hostname, endpointslice_to_endpoints, to_service
from .parse import trim_zone
from .reverse import address_from_reverse
from .types import Record, Reply
from .upstream import Upstream

__all__ = ["Zone", "DNS_SCHEMA_VERSION", "DEFAULT_TTL"]

#: kubernetes.go DNSSchemaVersion, served as TXT at dns-version.<zone>.
DNS_SCHEMA_VERSION = "1.1.0"
_MAX_CNAME_CHAIN = 10  # backend_lookup.go maxCnameChainLength
_MAX_CACHED_REPLIES = 10_000  # bounds Zone's reply cache (a loop over random names)


def _fqdn(name: str) -> str:
    return name if name.endswith(".") else name + "."


def _is_subdomain(child: str, parent: str) -> bool:
    return child == parent or child.endswith("." + parent) or parent == "."


def _unix_serial(objects: Iterable[Mapping]) -> int:
    # CoreDNS's SOA serial is the Unix time of the last change it saw (APIConn.Modified).
    # We take the newest creationTimestamp among the objects: deterministic for a seed.
    latest = 0.0
    for obj in objects:
        ts = (obj.get("metadata") or {}).get("creationTimestamp")
        try:
            latest = max(latest, clock.parse_rfc3339(ts)) if ts else latest
        except ValueError:
            continue
    return int(clock.EPOCH.timestamp() + latest)


class Zone(KubernetesLookup):
    """What CoreDNS knows and how it answers: build with ``Zone.from_objects``."""

    def __init__(self, services: Iterable[Service], endpoints: Iterable[Endpoints],
                 namespaces: Iterable[str], pod_ips: Mapping[str, tuple[str, ...]] | None = None,
                 upstream: Upstream | None = None, cluster_domain: str = "cluster.local", *,
                 dns_service_ip: str = "10.96.0.10", ttl: int = DEFAULT_TTL,
                 pod_mode: str = "insecure", serial: int | None = None):
        if pod_mode not in ("disabled", "insecure", "verified"):
            raise ValueError(f"pods {pod_mode!r}: must be disabled, insecure or verified")
        self.cluster_domain = cluster_domain.lower().rstrip(".")
        # kubeadm: `kubernetes cluster.local in-addr.arpa ip6.arpa`
        self.zones = (self.cluster_domain + ".", "in-addr.arpa.", "ip6.arpa.")
        self.fallthrough = ("in-addr.arpa.", "ip6.arpa.")
        self.dns_service_ip, self.ttl, self.pod_mode = dns_service_ip, ttl, pod_mode
        self.serial = int(clock.EPOCH.timestamp()) if serial is None else serial
        self.upstream = upstream or Upstream()
        self._services = {(s.name.lower(), s.namespace.lower()): s for s in services}
        self._endpoints: dict[str, list[Endpoints]] = {}
        for ep in sorted(endpoints, key=lambda e: (e.namespace, e.name)):
            self._endpoints.setdefault(ep.index.lower(), []).append(ep)
        self._namespaces = {n.lower() for n in namespaces}
        self._pod_ips = dict(pod_ips or {})  # podIP -> namespaces of running pods with it
        # (qname, qtype) -> the reply before loadbalance.  A Zone never changes once built
        # (the cluster builds a new one after any write), so this only saves work; it is not
        # CoreDNS's `cache 30`, which kubeadm's Corefile disables for cluster.local.
        self._replies: dict[tuple[str, str], Reply] = {}

    @classmethod
    def from_objects(cls, services: Iterable[Mapping] = (), endpointslices: Iterable[Mapping] = (),
                     pods: Iterable[Mapping] = (), namespaces: Iterable[Mapping] | None = None,
                     external_hosts: Mapping[str, str] | None = None,
                     cluster_domain: str = "cluster.local", **options) -> "Zone":
        """The zone for these API objects (dicts as the API server returns them).

        ``namespaces=None`` takes every namespace some object lives in as existing; pass
        the Namespace objects to get CoreDNS's NXDOMAIN for names in missing namespaces.
        ``pods`` matter only with ``pod_mode="verified"`` (kubeadm uses ``insecure``).
        ``options``: ``dns_service_ip``, ``ttl``, ``pod_mode``, ``serial``."""
        services, endpointslices, pods = list(services), list(endpointslices), list(pods)
        if namespaces is None:
            names = {(o.get("metadata") or {}).get("namespace", "default")
                     for o in services + endpointslices + pods}
            ns_objects: list[Mapping] = []
        else:
            ns_objects = list(namespaces)
            names = {(o.get("metadata") or {}).get("name", "") for o in ns_objects}
        pod_ips: dict[str, tuple[str, ...]] = {}
        for pod in pods:
            st = pod.get("status") or {}
            # object.ToPod: terminating pods are left out of the index; every podIPs entry
            # (one per family on a dual-stack node) indexes the pod.
            if st.get("podIP") and not (pod.get("metadata") or {}).get("deletionTimestamp"):
                ns = (pod.get("metadata") or {}).get("namespace", "default")
                for ip in [p.get("ip") for p in st.get("podIPs") or ()] or [st["podIP"]]:
                    if ip:
                        pod_ips[ip] = pod_ips.get(ip, ()) + (ns,)
        options.setdefault("serial", _unix_serial(services + endpointslices + pods + ns_objects))
        return cls([to_service(s) for s in services],
                   [endpointslice_to_endpoints(e) for e in endpointslices], names, pod_ips,
                   Upstream(external_hosts), cluster_domain, **options)

    # -- the whole server -------------------------------------------------------------

    def query(self, qname: str, qtype: str = "A", rng: random.Random | None = None) -> Reply:
        """Answer one question as kubeadm's CoreDNS does (``qtype`` like ``"A"``, ``"SRV"``),
        without the *cache* plugin (``k8snet.dns.cache`` keeps a replica's cache over time)."""
        # The shuffle is drawn on every query, cached or not: same seed, same order.
        return shuffle_reply(self.lookup(qname, qtype), rng)

    def lookup(self, qname: str, qtype: str = "A") -> Reply:
        """The reply the plugins behind *cache* produce (kubernetes, forward), before
        ``loadbalance`` shuffles it (plugin.cfg runs loadbalance outside cache)."""
        reply = self._replies.get((qname, qtype))
        if reply is None:
            if len(self._replies) >= _MAX_CACHED_REPLIES:  # many distinct names: start afresh
                self._replies.clear()
            reply = self._replies[qname, qtype] = self._lookup(qname, qtype)
        return reply

    def _lookup(self, qname: str, qtype: str) -> Reply:
        """The reply in the order the plugins produce it (before ``loadbalance``)."""
        owner, qtype = _fqdn(qname), qtype.upper()
        name = owner.lower()
        zone = max((z for z in self.zones if _is_subdomain(name, z)), key=len, default=None)
        reply = self._serve(owner, name, zone, qtype) if zone else None
        if reply is None:  # not our zone, or fallthrough: `forward . /etc/resolv.conf`
            reply = self.upstream.query(owner, qtype)
        return reply

    def answer(self, qname: str, qtype: str = "A",
               rng: random.Random | None = None) -> tuple[str, list[Record]]:
        """``(rcode, answer records)`` for one question: ``Zone.query`` without the rest."""
        reply = self.query(qname, qtype, rng)
        return reply.rcode, list(reply.answer)

    def soa(self, zone: str) -> Record:
        """plugin.SOA: ``ns.dns.<zone> hostmaster.<zone>``, refresh 7200, retry 1800,
        expire 86400, minimum = the plugin's TTL; the record's own TTL is min(ttl, 300)."""
        value = (f"ns.dns.{zone} hostmaster.{zone} {self.serial} 7200 1800 86400 {self.ttl}")
        return Record(zone, "SOA", min(self.ttl, 300), value)

    # -- handler.go ServeDNS ------------------------------------------------------------

    def _serve(self, owner: str, name: str, zone: str, qtype: str) -> Reply | None:
        zone_case = owner[len(owner) - len(zone):]  # "maintain case of original query"
        records: list[Record] = []
        extra: list[Record] = []
        err = None
        if qtype in ("A", "AAAA"):
            records, err = self._address(owner, name, zone, zone_case, qtype, ())
        elif qtype == "TXT":
            records, err = self._txt(owner, name, zone, zone_case)
        elif qtype == "CNAME":
            items, err = self._items(name, zone, zone_case, qtype)
            if items and items[0].is_cname:
                records = [Record(owner, "CNAME", items[0].ttl, _fqdn(items[0].host))]
        elif qtype == "PTR":
            records, err = self._ptr(owner, name, zone, zone_case)
        elif qtype == "MX":
            _, err = self._items(name, zone, zone_case, qtype)  # k8s records are never Mail
        elif qtype == "SRV":
            records, extra, err = self._srv(owner, name, zone, zone_case)
        elif qtype == "SOA":
            records = [self.soa(zone_case)] if name == zone else []
        elif qtype in ("AXFR", "IXFR"):
            return Reply(owner, qtype, "REFUSED", authoritative=False)
        elif qtype == "NS" and name == zone:
            for host, ip in self._ns_addrs(zone_case):
                records.append(Record(owner, "NS", self.ttl, host))
                extra.append(Record(host, _family(ip), self.ttl, ip))
        else:  # "Do a fake A lookup, so we can distinguish between NODATA and NXDOMAIN"
            _, err = self._address(owner, name, zone, zone_case, "A", ())
        if err:
            if zone in self.fallthrough:
                return None
            return Reply(owner, qtype, "NXDOMAIN", authority=(self.soa(zone_case),))
        if not records:
            return Reply(owner, qtype, "NOERROR", authority=(self.soa(zone_case),))
        return Reply(owner, qtype, "NOERROR", answer=tuple(records), additional=tuple(extra))

    # -- backend_lookup.go A/AAAA, TXT, SRV, PTR ----------------------------------------

    def _address(self, owner, name, zone, zone_case, qtype, previous):
        items, err = self._items(name, zone, zone_case, qtype)
        if err:
            return [], err
        records: list[Record] = []
        seen: set[str] = set()
        for item in items:
            if item.is_cname:
                target = _fqdn(item.host)
                if target.lower() == name or len(previous) > _MAX_CNAME_CHAIN:
                    continue  # "x CNAME x is a direct loop"; chain too long
                cname = Record(owner, "CNAME", item.ttl, target)
                if any(p.name.lower() == owner.lower() and p.value.lower() == target.lower()
                       for p in previous):
                    continue
                if _is_subdomain(target.lower(), zone):
                    more, err2 = self._address(target, target.lower(), zone, zone_case, qtype,
                                               previous + (cname,))
                    if not err2 and more:
                        records += [cname, *more]
                    continue
                # "we can not complete the CNAME, try to look else where": the whole
                # server again (upstream for names outside our zones).
                records += [cname, *self.query(target, qtype).answer]
            elif _family(item.host) == qtype and item.host not in seen:
                seen.add(item.host)
                records.append(Record(owner, qtype, item.ttl, item.host))
        return records, None

    def _txt(self, owner, name, zone, zone_case):
        if trim_zone(name, zone) == "dns-version":
            return [Record(owner, "TXT", 28800, f'"{DNS_SCHEMA_VERSION}"')], None
        items, _ = self._records(name, zone, zone_case)
        # "Check if we have an existing record for this query of another type":
        # NOERROR when the name has records, NXDOMAIN otherwise (even for a namespace).
        return [], None if items else NAME_ERROR

    def _srv(self, owner, name, zone, zone_case):
        items, err = self._items(name, zone, zone_case, "SRV")
        if err:
            return [], [], err
        total = 100 * len(items)  # every item has priority 0 and weight 0 -> 100
        records: list[Record] = []
        extra: list[Record] = []
        seen: set[tuple] = set()
        for item in items:
            if item.port == -1:  # the sentinel port of a Service without ports
                continue
            weight = max(1, math.floor(100.0 / total * 100))
            target = _fqdn(item.key)
            if (target.lower(), item.port) not in seen:
                seen.add((target.lower(), item.port))
                records.append(Record(owner, "SRV", item.ttl, f"0 {weight} {item.port} {target}"))
            if (target.lower(), item.host) not in seen:
                seen.add((target.lower(), item.host))
                extra.append(Record(target, _family(item.host), item.ttl, item.host))
        return records, extra, None

    def _ptr(self, owner, name, zone, zone_case):
        """reverse.go: a ClusterIP names its Service; otherwise every ready endpoint
        with that IP names ``<hostname>.<service>.<ns>.svc.<zone>``."""
        ip = address_from_reverse(name)
        if not ip:
            items, err = self._records(name, zone, zone_case)
        else:
            items = self._service_records_for_ip(ip)
            err = None if items else NAME_ERROR
        if err:
            return [], err
        targets: list[str] = []
        for item in items:
            if item.is_cname and _fqdn(item.host) not in targets:
                targets.append(_fqdn(item.host))
        return [Record(owner, "PTR", self.ttl, t) for t in targets], None

    def _service_records_for_ip(self, ip: str) -> list[_Item]:
        primary = self.zones[0]
        for svc in sorted(self._services.values(), key=lambda s: (s.namespace, s.name)):
            if ip in svc.cluster_ips:
                return [_Item(f"{svc.name}.{svc.namespace}.svc.{primary}", "", ttl=self.ttl)]
        items = []
        for index, endpoints in sorted(self._endpoints.items()):
            for ep in endpoints:
                for addr in ep.addresses:
                    if addr.ip == ip:
                        host = f"{endpoint_hostname(addr)}.{ep.index}.svc.{primary}"
                        items.append(_Item(host, "", ttl=self.ttl))
        return items

    def _ns_addrs(self, zone_case: str) -> list[tuple[str, str]]:
        """ns.go nsAddrs: the DNS Service's name and ClusterIPs (CoreDNS finds it through
        its own pod IP; we find the Service holding ``dns_service_ip``)."""
        for svc in sorted(self._services.values(), key=lambda s: (s.namespace, s.name)):
            if self.dns_service_ip in svc.cluster_ips and not svc.headless:
                host = f"{svc.name}.{svc.namespace}.svc.{zone_case}"
                return [(host, ip) for ip in svc.cluster_ips]
        return [(f"ns.dns.{zone_case}", self.dns_service_ip)]
