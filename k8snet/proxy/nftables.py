"""kube-proxy's nftables backend (GA in 1.33): the ``ip kube-proxy`` table of one node.

Upstream: ``pkg/proxy/nftables/proxier.go`` (``setupNFTables``, ``syncProxyRules``,
``writeServiceToEndpointRules``, ``servicePortChainNameBase``, ``hashAndTruncate``).
Rules are records (:class:`NftRule`) whose ``text()`` is what ``nft list table`` prints
(nft normalises ``mark set mark or 0x4000`` to ``meta mark set meta mark | 0x00004000``).

Differences from the iptables backend implemented here, as upstream has them:

* dispatch is one verdict-map lookup (``service-ips``, ``service-nodeports``), not a linear
  chain of rules; load balancing is ``numgen random mod N vmap { … }``;
* NodePorts answer only on the node's primary IP (``nodePortAddresses`` defaults to
  ``primary``: the ``nodeport-ips`` set), never on 127.0.0.1 (no ``route_localnet``);
* traffic to a ClusterIP on a port the Service does not define is *rejected*
  (``cluster-ips-check``), and traffic to an unallocated IP of the service CIDR is dropped;
* Services without endpoints are rejected through the ``no-endpoint-services`` /
  ``no-endpoint-nodeports`` maps (``goto reject-chain``), in the filter hooks;
* session affinity uses dynamic sets with a timeout instead of ``-m recent``.
"""
from __future__ import annotations

import base64
import hashlib
import ipaddress
from dataclasses import dataclass, field

from .topology import categorize_endpoints
from .types import EndpointInfo, ProxyConfig, ServicePortInfo

__all__ = ["service_chain_name_base", "endpoint_chain_name_base", "NftRule", "NftChain",
           "NftSet", "NFTable", "ServiceObjects", "service_objects", "sync_proxy_rules",
           "nft_duration"]

_MAX_CHAIN = 256  # nftables' NFT_CHAIN_MAXNAMELEN


def _hash_and_truncate(name: str) -> str:
    digest = hashlib.sha256(name.encode()).digest()
    out = base64.b32encode(digest).decode()[:8] + "-" + name
    return out if len(out) <= _MAX_CHAIN else out[:_MAX_CHAIN - 3] + "..."


def service_chain_name_base(namespace: str, name: str, protocol: str, port_name: str) -> str:
    """``servicePortChainNameBase``: ``<8 base32>-ns/name/proto/port``."""
    return _hash_and_truncate(f"{namespace}/{name}/{protocol.lower()}/{port_name}")


def endpoint_chain_name_base(namespace: str, name: str, protocol: str, port_name: str,
                             endpoint: str) -> str:
    """``servicePortEndpointChainNameBase``: ``<8 base32>-ns/name/proto/port__ip/port``."""
    ip, _, port = endpoint.rpartition(":")
    ip = ip.removeprefix("[").removesuffix("]")  # net.SplitHostPort
    return _hash_and_truncate(f"{namespace}/{name}/{protocol.lower()}/{port_name}__{ip.replace(':', '.')}/{port}")


def nft_duration(seconds: int) -> str:
    """nft's time format: ``3h``, ``1d2h``, ``10m30s``."""
    out, rest = "", int(seconds)
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if rest >= size:
            out += f"{rest // size}{unit}"
            rest %= size
    return out or "0s"


def _mark(v: int) -> str:
    return f"0x{v:08x}"


def _expr_text(e: tuple) -> str:
    kind = e[0]
    if kind == "ct_new":
        return "ct state new"
    if kind in ("daddr", "saddr"):
        return f"ip {kind} {'!= ' if e[2] else ''}{e[1]}"
    if kind == "dport":
        return f"{e[1]} dport {e[2]}"
    if kind in ("daddr_set", "saddr_set"):
        return f"ip {kind[:5]} @{e[1]}"
    if kind == "fib_local":
        return f"fib {e[1]} type local"
    if kind == "l4proto":
        return f"meta l4proto {e[1]}"
    if kind == "mark_zero":
        return f"meta mark & {_mark(e[1])} == {_mark(0)}"
    if kind in ("jump", "goto"):
        return f"{kind} {e[1]}"
    if kind == "vmap":
        key = "ip daddr . meta l4proto . th dport" if e[1] == "addr" else "meta l4proto . th dport"
        return f"{key} vmap @{e[2]}"
    if kind == "numgen":
        body = ", ".join(f"{i} : goto {c}" for i, c in enumerate(e[1]))
        return f"numgen random mod {len(e[1])} vmap {{ {body} }}"
    if kind == "mark_or":
        return f"meta mark set meta mark | {_mark(e[1])}"
    if kind == "mark_xor":
        return f"meta mark set meta mark ^ {_mark(e[1])}"
    if kind == "masquerade":
        return "masquerade fully-random"
    if kind == "dnat":
        return f"dnat to {e[1]}"
    if kind == "update":
        return f"update @{e[1]} {{ ip saddr }}"
    if kind in ("reject", "drop", "return"):
        return kind
    raise ValueError(f"unknown nft expression {e!r}")


@dataclass(frozen=True, slots=True)
class NftRule:
    """One rule: a sequence of expressions (tuples) and an optional comment."""

    exprs: tuple[tuple, ...]
    comment: str = ""

    def text(self) -> str:
        """The rule as ``nft list`` prints it."""
        body = " ".join(_expr_text(e) for e in self.exprs)
        return body + (f' comment "{self.comment}"' if self.comment else "")


@dataclass(frozen=True, slots=True)
class NftChain:
    """A chain; ``hook`` is ``(type, hook, priority text)`` for base chains."""

    name: str
    rules: tuple[NftRule, ...] = ()
    hook: tuple[str, str, str] | None = None
    comment: str = ""

    def render(self) -> str:
        """The ``chain … { … }`` block of ``nft list table``."""
        lines = [f"\tchain {self.name} {{"]
        if self.comment:
            lines.append(f'\t\tcomment "{self.comment}"')
        if self.hook:
            lines.append(f"\t\ttype {self.hook[0]} hook {self.hook[1]} priority {self.hook[2]}; policy accept;")
        lines += [f"\t\t{r.text()}" for r in self.rules]
        return "\n".join(lines + ["\t}"])


@dataclass(frozen=True, slots=True)
class NftSet:
    """A named set or map; ``elements`` are ``(key, value or '', comment or '')``."""

    name: str
    type: str
    comment: str = ""
    is_map: bool = False
    flags: str = ""
    timeout: int = 0
    elements: tuple[tuple[str, str, str], ...] = ()

    def render(self) -> str:
        """The ``set``/``map`` block of ``nft list table``."""
        lines = [f"\t{'map' if self.is_map else 'set'} {self.name} {{", f"\t\ttype {self.type}"]
        if self.flags:
            lines.append(f"\t\tflags {self.flags}")
        if self.timeout:
            lines.append(f"\t\ttimeout {nft_duration(self.timeout)}")
        if self.comment:
            lines.append(f'\t\tcomment "{self.comment}"')
        if self.elements:
            items = [k + (f' comment "{c}"' if c else "") + (f" : {v}" if v else "")
                     for k, v, c in self.elements]
            # nft puts each map element on its own line; plain set elements share one.
            sep = ",\n\t\t\t     " if self.is_map else ", "
            lines.append(f"\t\telements = {{ {sep.join(items)} }}")
        return "\n".join(lines + ["\t}"])


@dataclass(frozen=True, slots=True)
class ServiceObjects:
    """What one Service port adds: chains, affinity sets, and elements of the shared maps."""

    chains: tuple[NftChain, ...]
    sets: tuple[NftSet, ...]
    elements: tuple[tuple[str, tuple[str, str, str]], ...]  # (map name, element)


def _affinity_set_name(base: str) -> str:
    return "affinity-" + base


def service_objects(svc: ServicePortInfo, endpoints: tuple[EndpointInfo, ...], config: ProxyConfig,
                    node_labels: dict | None = None, node_ip: str = "") -> ServiceObjects:
    """The chains and map elements of one Service port, as nftables ``syncProxyRules`` writes."""
    n, proto, name = svc.name, svc.protocol.lower(), str(svc.name)
    base = service_chain_name_base(n.namespace, n.name, proto, n.port_name)
    svc_chain, local_chain = "service-" + base, "local-" + base
    ext_chain, fw_chain = "external-" + base, "firewall-" + base
    cluster_eps, local_eps, reachable, has_eps = categorize_endpoints(endpoints, svc, node_labels, config.node_name)

    def ep_base(ep: EndpointInfo) -> str:
        return endpoint_chain_name_base(n.namespace, n.name, proto, n.port_name, str(ep))

    uses_cluster = bool(cluster_eps) and svc.uses_cluster_endpoints()
    uses_local = bool(local_eps) and svc.uses_local_endpoints()
    internal_chain, has_internal = svc_chain, has_eps
    if svc.internal_policy_local:
        internal_chain, has_internal = local_chain, has_eps and bool(local_eps)
    ext_policy_chain, has_external = svc_chain, has_eps
    if svc.external_policy_local:
        ext_policy_chain, has_external = local_chain, has_eps and bool(local_eps)
    uses_ext = has_eps and svc.externally_accessible()
    uses_fw = bool(svc.load_balancer_vips) and bool(svc.load_balancer_source_ranges)
    if not has_eps:
        int_verdict = ext_verdict = "goto reject-chain"
    else:
        int_verdict = ext_verdict = "drop"
    port = str(svc.port)
    elems: list[tuple[str, tuple[str, str, str]]] = [("cluster-ips", (svc.cluster_ip, "", ""))]
    if has_internal:
        elems.append(("service-ips", (f"{svc.cluster_ip} . {proto} . {port}", f"goto {internal_chain}", "")))
    else:
        elems.append(("no-endpoint-services", (f"{svc.cluster_ip} . {proto} . {port}", int_verdict, name)))
    for ip in svc.external_ips:
        if has_eps:
            elems.append(("service-ips", (f"{ip} . {proto} . {port}", f"goto {ext_chain}", "")))
        if not has_external:
            elems.append(("no-endpoint-services", (f"{ip} . {proto} . {port}", ext_verdict, name)))
    for ip in svc.load_balancer_vips:
        if has_eps:
            elems.append(("service-ips", (f"{ip} . {proto} . {port}", f"goto {ext_chain}", "")))
        if uses_fw:
            elems.append(("firewall-ips", (f"{ip} . {proto} . {port}", f"goto {fw_chain}", "")))
    if not has_external:
        for ip in svc.load_balancer_vips:
            elems.append(("no-endpoint-services", (f"{ip} . {proto} . {port}", ext_verdict, name)))
    if svc.node_port:
        if has_eps:
            elems.append(("service-nodeports", (f"{proto} . {svc.node_port}", f"goto {ext_chain}", "")))
        if not has_external:
            elems.append(("no-endpoint-nodeports", (f"{proto} . {svc.node_port}", ext_verdict, name)))

    rules: dict[str, list[NftRule]] = {}
    order: list[str] = [ "endpoint-" + ep_base(ep) for ep in reachable]
    if uses_cluster:
        order.append(svc_chain)
    if uses_local:
        order.append(local_chain)
    if uses_ext:
        order.append(ext_chain)
    if uses_fw:
        order.append(fw_chain)
    for c in order:
        rules[c] = []
    if has_internal:
        # Since v1.34 the rule matches the ClusterIP only, not its port (proxier_test.go:
        # "ip daddr 172.30.0.41 ip saddr != 10.0.0.0/8 jump mark-for-masquerade").
        cond = (("daddr", svc.cluster_ip, False),)
        if config.masquerade_all:
            rules[internal_chain].append(NftRule(cond + (("jump", "mark-for-masquerade"),)))
        elif config.cluster_cidr:
            rules[internal_chain].append(NftRule(cond + (("saddr", config.cluster_cidr, True),
                                                         ("jump", "mark-for-masquerade"))))
    if uses_ext:
        r = rules[ext_chain]
        if not svc.external_policy_local:
            r.append(NftRule((("jump", "mark-for-masquerade"),)))
        else:
            if config.cluster_cidr:
                r.append(NftRule((("saddr", config.cluster_cidr, False), ("goto", svc_chain)),
                                 "short-circuit pod traffic"))
            r.append(NftRule((("fib_local", "saddr"), ("jump", "mark-for-masquerade")), "masquerade local traffic"))
            r.append(NftRule((("fib_local", "saddr"), ("goto", svc_chain)), "short-circuit local traffic"))
        if has_external:
            r.append(NftRule((("goto", ext_policy_chain),)))
    if uses_fw:
        sources = list(svc.load_balancer_source_ranges)
        if node_ip and any(ipaddress.ip_address(node_ip) in ipaddress.ip_network(c, strict=False)
                           for c in sources):
            sources += list(svc.load_balancer_vips)
        # nft prints a one-element anonymous set as a plain value.
        value = sources[0] if len(sources) == 1 else "{ " + ", ".join(sources) + " }"
        rules[fw_chain].append(NftRule((("saddr", value, True), ("drop",))))
    sets: list[NftSet] = []
    if svc.client_ip_affinity:
        for ep in reachable:
            sets.append(NftSet(_affinity_set_name(ep_base(ep)), "ipv4_addr", flags="dynamic,timeout",
                               timeout=svc.sticky_max_age_seconds))
    for chain, eps in ((svc_chain, cluster_eps if uses_cluster else ()),
                       (local_chain, local_eps if uses_local else ())):
        if not eps:
            continue
        if svc.client_ip_affinity:
            for ep in eps:
                rules[chain].append(NftRule((("saddr_set", _affinity_set_name(ep_base(ep))),
                                             ("goto", "endpoint-" + ep_base(ep)))))
        rules[chain].append(NftRule((("numgen", tuple("endpoint-" + ep_base(ep) for ep in eps)),)))
    for ep in reachable:
        r = rules["endpoint-" + ep_base(ep)]
        r.append(NftRule((("saddr", ep.ip, False), ("jump", "mark-for-masquerade"))))
        if svc.client_ip_affinity:
            r.append(NftRule((("update", _affinity_set_name(ep_base(ep))),)))
        r.append(NftRule((("l4proto", proto), ("dnat", str(ep)))))
    chains = tuple(NftChain(c, tuple(rules[c])) for c in order)
    return ServiceObjects(chains, tuple(sets), tuple(elems))


@dataclass(frozen=True, slots=True)
class NFTable:
    """The whole ``ip kube-proxy`` table: sets and maps, then chains, in creation order."""

    sets: tuple[NftSet, ...]
    chains: tuple[NftChain, ...]
    by_name: dict = field(default_factory=dict, compare=False)

    def render(self, family: str = "IPv4") -> str:
        """What ``nft list table ip kube-proxy`` prints (``family`` IPv6: the IPv6 proxier's
        ``ip6 kube-proxy`` table, whose matches read ``ip6 daddr`` and sets ``ipv6_addr``)."""
        blocks = [s.render() for s in self.sets] + [c.render() for c in self.chains]
        text = 'table ip kube-proxy {\n\tcomment "rules for kube-proxy"\n' + "\n\n".join(blocks) + "\n}\n"
        if family == "IPv6":
            text = ("table ip6" + text[len("table ip"):]).replace("ip daddr", "ip6 daddr") \
                .replace("ip saddr", "ip6 saddr").replace("ipv4_addr", "ipv6_addr")
        return text

    def chain(self, name: str) -> NftChain:
        """The chain called ``name`` (KeyError when absent)."""
        return self.by_name[("chain", name)]

    def set(self, name: str) -> NftSet:
        """The set or map called ``name`` (KeyError when absent)."""
        return self.by_name[("set", name)]


def sync_proxy_rules(per_service: list[ServiceObjects], config: ProxyConfig, node_ip: str) -> NFTable:
    """Assemble the table from the fixed objects and the (ordered) per-Service objects."""
    from .nftables_base import base_chains, base_sets  # split out for module size
    elements: dict[str, list[tuple[str, str, str]]] = {}
    for so in per_service:
        for map_name, elem in so.elements:
            elements.setdefault(map_name, []).append(elem)
    sets = base_sets(config, node_ip, elements)
    for so in per_service:
        sets += list(so.sets)
    chains = base_chains(config) + [c for so in per_service for c in so.chains]
    by_name = {("chain", c.name): c for c in chains}
    by_name.update({("set", s.name): s for s in sets})
    return NFTable(tuple(sets), tuple(chains), by_name)
