"""A pod's /etc/resolv.conf, and how its resolver walks the search list.

**Writing the file** follows the kubelet (pkg/kubelet/network/dns/dns.go ``GetPodDNS``)
and containerd (which writes ``search``, then one ``nameserver`` line per server, then
``options``):

* ``ClusterFirst`` (the default): ``nameserver 10.96.0.10``; search
  ``<ns>.svc.cluster.local svc.cluster.local cluster.local`` followed by the node's own
  search domains; options ``ndots:5`` (the node's options are dropped).  A pod with
  ``hostNetwork: true`` falls back to ``Default``.
* ``ClusterFirstWithHostNet``: ``ClusterFirst``, also for host-network pods.
* ``Default``: the node's resolv.conf as it is (``NODE_RESOLV_CONF``).
* ``None``: nothing but ``spec.dnsConfig``.
* ``spec.dnsConfig`` is appended for every policy: nameservers and searches after the
  generated ones (duplicates dropped), options merged by name (the pod's value wins).
  Then limits: at most 3 nameservers, 32 search domains, 2048 characters of search line,
  and search domains longer than 253 characters are dropped (ExpandedDNSConfig, GA 1.28).

**Resolving** follows glibc's ``res_nsearch`` (resolv/res_query.c
``__res_context_search``), which ``getaddrinfo`` uses on Debian/Ubuntu-based images:

1. a name ending in ``.`` is asked as it is, and only that;
2. a name with at least ``ndots`` dots is asked as it is first;
3. then each search domain in turn (``name.domain.``); NXDOMAIN *and NODATA* (NOERROR
   with no answer) both move on to the next domain, SERVFAIL too;
4. then, if not asked yet, the name as it is;
5. the first NOERROR reply with answers wins.  If none: the status of the first
   as-is query when it went first, else NODATA if any name had NODATA, else the last.

musl (Alpine) and busybox's ``nslookup`` walk differently: see nslookup.py.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Callable, Mapping

from .types import DNSResult, Reply

__all__ = ["ResolvConf", "NODE_RESOLV_CONF", "CLUSTER_DNS_IP", "pod_resolv_conf", "resolve", "resolve_with",
           "res_search",
           "MAX_DNS_NAMESERVERS", "MAX_DNS_SEARCH_PATHS", "MAX_DNS_SEARCH_LIST_CHARS"]

#: The ClusterIP of kube-system/kube-dns (kubelet's --cluster-dns on kubeadm clusters).
CLUSTER_DNS_IP = "10.96.0.10"

#: The node's /etc/resolv.conf.  Our choice: a minikube node (docker driver), whose
#: resolver is the host gateway, with no search domains of its own.
NODE_RESOLV_CONF = "nameserver 192.168.49.1\n"

# pkg/apis/core/validation: MaxDNSNameservers, MaxDNSSearchPathsExpanded,
# MaxDNSSearchListCharsExpanded (ExpandedDNSConfig is GA since 1.28).
MAX_DNS_NAMESERVERS = 3
MAX_DNS_SEARCH_PATHS = 32
MAX_DNS_SEARCH_LIST_CHARS = 2048
_DNS1123_SUBDOMAIN_MAX = 253


@dataclass(frozen=True, slots=True)
class ResolvConf:
    """The three things a resolv.conf says: nameservers, search domains, options."""

    nameservers: tuple[str, ...] = ()
    searches: tuple[str, ...] = ()
    options: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str) -> "ResolvConf":
        """kubelet parseResolvConf: nameservers accumulate, the last ``search`` and the
        last ``options`` line win, ``#`` lines are comments, search dots are trimmed."""
        servers: list[str] = []
        searches: list[str] = []
        options: list[str] = []
        for line in text.splitlines():
            fields = line.strip().split()
            if not fields or fields[0].startswith("#"):
                continue
            if fields[0] == "nameserver" and len(fields) >= 2:
                servers.append(fields[1])
            elif fields[0] == "search":
                searches = [s[:-1] if s.endswith(".") else s for s in fields[1:]]
            elif fields[0] == "options":
                options = fields[1:]
        return cls(tuple(servers), tuple(searches), tuple(options))

    def text(self) -> str:
        """The file as containerd writes it (what ``cat /etc/resolv.conf`` prints)."""
        out = ""
        if self.searches:
            out += "search " + " ".join(self.searches) + "\n"
        out += "".join(f"nameserver {s}\n" for s in self.nameservers)
        if self.options:
            out += "options " + " ".join(self.options) + "\n"
        return out

    @property
    def ndots(self) -> int:
        """glibc's ndots: 1 unless an ``ndots:n`` option says otherwise (capped at 15)."""
        value = 1
        for option in self.options:
            if option.startswith("ndots:"):
                try:
                    value = min(max(int(option[6:]), 0), 15)
                except ValueError:
                    continue
        return value


def _omit_duplicates(items) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for item in items:
        seen.setdefault(item, None)
    return tuple(seen)


def _merge_options(existing, extra) -> tuple[str, ...]:
    # mergeDNSOptions rebuilds the list from a Go map (random order); we keep the first
    # position of each option name so the file is the same on every run.
    merged: dict[str, str] = {}
    for op in existing:
        name, _, value = op.partition(":")
        merged[name] = value
    for op in extra or ():
        merged[op.get("name", "")] = "" if op.get("value") is None else str(op["value"])
    return tuple(f"{k}:{v}" if v else k for k, v in merged.items())


def _fit_limits(conf: ResolvConf) -> ResolvConf:
    # formDNSConfigFitsLimits (the kubelet also records a DNSConfigForming event).
    searches = [s for s in conf.searches[:MAX_DNS_SEARCH_PATHS] if len(s) <= _DNS1123_SUBDOMAIN_MAX]
    while searches and len(" ".join(searches)) > MAX_DNS_SEARCH_LIST_CHARS:
        searches.pop()
    return ResolvConf(conf.nameservers[:MAX_DNS_NAMESERVERS], tuple(searches), conf.options)


def pod_resolv_conf(pod: Mapping, cluster_domain: str = "cluster.local",
                    cluster_dns: tuple[str, ...] = (CLUSTER_DNS_IP,),
                    node_resolv_conf: str = NODE_RESOLV_CONF) -> ResolvConf:
    """The /etc/resolv.conf the kubelet gives ``pod`` (a Pod dict), by ``spec.dnsPolicy``."""
    spec = pod.get("spec") or {}
    namespace = (pod.get("metadata") or {}).get("namespace", "default")
    policy = spec.get("dnsPolicy") or "ClusterFirst"
    host = ResolvConf.parse(node_resolv_conf)
    if policy == "None":
        conf = ResolvConf()
    elif policy == "ClusterFirstWithHostNet" or (policy == "ClusterFirst" and not spec.get("hostNetwork")):
        cluster_search = (f"{namespace}.svc.{cluster_domain}", f"svc.{cluster_domain}", cluster_domain)
        conf = ResolvConf(tuple(cluster_dns), _omit_duplicates(cluster_search + host.searches),
                          ("ndots:5",))
    else:  # Default, and ClusterFirst on the host network: "Fallback to DNSDefault"
        conf = host
    dns_config = spec.get("dnsConfig")
    if dns_config:
        conf = ResolvConf(_omit_duplicates(conf.nameservers + tuple(dns_config.get("nameservers") or ())),
                          _omit_duplicates(conf.searches + tuple(dns_config.get("searches") or ())),
                          _merge_options(conf.options, dns_config.get("options")))
    return _fit_limits(conf)


def _absolute(name: str) -> str:
    return name if name.endswith(".") else name + "."


def res_search(name: str, qtype: str, conf: ResolvConf,
               ask: Callable[[str, str], Reply], server: str = "",
               answered: Mapping[str, str] | None = None) -> DNSResult:
    """glibc ``res_nsearch``: ask ``ask(fqdn, qtype)`` for each candidate, in order;
    ``server`` (the nameserver asked) and ``answered[qname]`` (the CoreDNS pod that sent the
    deciding reply, as ``ask`` recorded it) go into the result."""
    tried: list[str] = []

    def result(reply: Reply) -> DNSResult:
        return DNSResult.from_reply(reply, tried, server=server,
                                    answered_by=answered.get(reply.qname, "") if answered else "")

    def query(fqdn: str) -> Reply:
        tried.append(fqdn)
        return ask(fqdn, qtype)

    def found(reply: Reply) -> bool:
        return reply.rcode == "NOERROR" and bool(reply.answer)

    dots, trailing_dot = name.count("."), name.endswith(".")
    saved: Reply | None = None  # the as-is query's reply when it went first
    if dots >= conf.ndots or trailing_dot:
        reply = query(_absolute(name))
        if found(reply) or trailing_dot:
            return result(reply)
        saved = reply
    nodata: Reply | None = None
    last: Reply | None = None
    root_on_list = False
    for domain in conf.searches:
        # "If we pass it in dname the '.' ... we'll end up with 'name..'": a leading dot is
        # skipped, and an empty domain (the root, ".") asks "name." itself.
        domain = domain[1:] if domain.startswith(".") else domain
        root_on_list = root_on_list or domain == ""
        reply = query(_absolute(f"{name}.{domain}" if domain else name))
        if found(reply):
            return result(reply)
        last = reply
        if reply.nodata:
            nodata = nodata or reply
        elif reply.rcode not in ("NXDOMAIN", "SERVFAIL"):
            break  # "anything else implies that we're done"
    if saved is None and not root_on_list:
        reply = query(_absolute(name))
        if found(reply):
            return result(reply)
        last = reply
    return result(saved or nodata or last)


def resolve(zone, name: str, qtype: str = "A", pod: Mapping | None = None,
            rng: random.Random | None = None,
            node_resolv_conf: str = NODE_RESOLV_CONF) -> DNSResult:
    """Resolve ``name`` as ``pod``'s resolver would, against ``zone`` (a records.Zone).

    ``pod=None`` asks the name as written, made absolute, straight to the cluster DNS.
    A pod whose first nameserver is not the cluster DNS (``dnsPolicy: Default``, or
    ``None`` with other servers) asks the upstream resolver only.  A pod with no
    nameserver at all asks 127.0.0.1 inside the pod, where nothing listens: SERVFAIL."""
    qtype = qtype.upper()
    if pod is None:
        fqdn = _absolute(name)
        return DNSResult.from_reply(zone.query(fqdn, qtype, rng), (fqdn,), server=zone.dns_service_ip)
    conf = pod_resolv_conf(pod, zone.cluster_domain, (zone.dns_service_ip,), node_resolv_conf)
    return resolve_with(zone, name, conf, qtype, rng)


def resolve_with(zone, name: str, conf: ResolvConf, qtype: str = "A",
                 rng: random.Random | None = None,
                 ask: Callable[[str, str], Reply] | None = None,
                 answered: Mapping[str, str] | None = None) -> DNSResult:
    """``resolve`` for a pod whose resolv.conf (``pod_resolv_conf``) is already known.

    The stub resolver asks the first nameserver only (glibc moves to the next one on a
    timeout, never on NXDOMAIN).  When that is the cluster DNS, ``ask(fqdn, qtype)`` (default:
    ``zone.query``) is CoreDNS; anything else is the node's / an outside resolver, which knows
    the internet and no cluster name.  ``result.server`` says which was asked."""
    qtype = qtype.upper()
    if not conf.nameservers:
        fqdn = _absolute(name)
        return DNSResult(rcode="SERVFAIL", qname=fqdn, qtype=qtype, queried=(fqdn,),
                         authoritative=False)
    server = conf.nameservers[0]
    if server == zone.dns_service_ip:
        return res_search(name, qtype, conf, ask or (lambda n, t: zone.query(n, t, rng)), server, answered)
    return res_search(name, qtype, conf, zone.upstream.query, server)
