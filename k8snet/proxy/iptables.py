"""kube-proxy's iptables backend: chain names and the rules of one sync.

Upstream: ``pkg/proxy/iptables/proxier.go`` (``syncProxyRules``,
``writeServiceToEndpointRules``, ``portProtoHash``, ``servicePortEndpointChainName``,
``computeProbability``, ``iptablesJumpChains``).  The rules of each Service port are built
by :func:`service_rules` (cached per Service by :class:`~k8snet.proxy.state.ProxyState`);
:mod:`.iptables_tables` adds the fixed rules (its ``base_rules`` / ``tail_rules``) and
orders everything.

Chain names, comments and most matches are pure functions of their inputs, so they are
memoised (``functools.lru_cache``, bounded): re-rendering a Service does not hash its
name or quote its comments again, and equal matches are one shared object.
"""
from __future__ import annotations

import base64
import functools
import hashlib
import ipaddress
from dataclasses import dataclass, field

from .iptables_save import Match, Rule, saved_probability, save_string
from .topology import categorize_endpoints
from .types import EndpointInfo, ProxyConfig, ServicePortInfo

__all__ = ["port_proto_hash", "service_port_chain_name", "service_port_endpoint_chain_name",
           "service_local_chain_name", "service_external_chain_name",
           "service_firewall_chain_name", "compute_probability", "ServiceRules",
           "service_rules", "NODEPORTS_COMMENT"]

KUBE_SERVICES, KUBE_EXTERNAL_SERVICES = "KUBE-SERVICES", "KUBE-EXTERNAL-SERVICES"
KUBE_NODEPORTS, KUBE_POSTROUTING = "KUBE-NODEPORTS", "KUBE-POSTROUTING"
KUBE_MARK_MASQ, KUBE_FORWARD = "KUBE-MARK-MASQ", "KUBE-FORWARD"
KUBE_PROXY_FIREWALL, KUBE_PROXY_CANARY = "KUBE-PROXY-FIREWALL", "KUBE-PROXY-CANARY"
KUBE_FIREWALL = "KUBE-FIREWALL"
NODEPORTS_COMMENT = "kubernetes service nodeports; NOTE: this must be the last rule in this chain"
# metrics.LocalhostNodePortAcceptedNFAcctCounter / IPTablesCTStateInvalidDroppedNFAcctCounter
_NFACCT_LOCALHOST = "localhost_nps_accepted_pkts"
_NFACCT_INVALID = "ct_state_invalid_dropped_pkts"


def _hash16(text: str) -> str:
    # base32(sha256(text))[:16]: 16 base32 characters are exactly the first 10 bytes
    # (80 bits), so encoding only those gives the same characters with less work.
    return base64.b32encode(hashlib.sha256(text.encode()).digest()[:10]).decode()


@functools.lru_cache(maxsize=1 << 16)
def port_proto_hash(service_port_name: str, protocol: str) -> str:
    """``portProtoHash``: base32(sha256(name + protocol)) cut to 16 characters."""
    return _hash16(service_port_name + protocol)


def service_port_chain_name(service_port_name: str, protocol: str) -> str:
    """``KUBE-SVC-<hash>``: dispatch to endpoints for ``Cluster`` traffic policy."""
    return "KUBE-SVC-" + port_proto_hash(service_port_name, protocol.lower())


def service_local_chain_name(service_port_name: str, protocol: str) -> str:
    """``KUBE-SVL-<hash>``: dispatch to this node's endpoints for ``Local`` policy."""
    return "KUBE-SVL-" + port_proto_hash(service_port_name, protocol.lower())


def service_external_chain_name(service_port_name: str, protocol: str) -> str:
    """``KUBE-EXT-<hash>``: NodePort / LoadBalancer / external-IP traffic."""
    return "KUBE-EXT-" + port_proto_hash(service_port_name, protocol.lower())


def service_firewall_chain_name(service_port_name: str, protocol: str) -> str:
    """``KUBE-FW-<hash>``: loadBalancerSourceRanges filtering."""
    return "KUBE-FW-" + port_proto_hash(service_port_name, protocol.lower())


def service_port_endpoint_chain_name(service_port_name: str, protocol: str, endpoint: str) -> str:
    """``KUBE-SEP-<hash>`` of ``name + protocol + "ip:port"``: DNAT to one endpoint."""
    return "KUBE-SEP-" + _hash16(service_port_name + protocol.lower() + endpoint)


@functools.lru_cache(maxsize=1024)
def compute_probability(n: int) -> str:
    """``computeProbability``: ``fmt.Sprintf("%0.10f", 1.0/float64(n))``."""
    return "%0.10f" % (1.0 / n)


# --- match / rule helpers (each mirrors the args kube-proxy writes) ------------------
def _endpoint_comment(text: str) -> Match:
    # "ns/svc:port -> ip:port": one per endpoint, so not worth memoising.
    return Match("comment", "--comment " + save_string(text), text)


# Matches are frozen records, so equal ones can be shared: the memoised helpers quote a
# comment once per text and allocate one "-m tcp --dport 80" for every rule that uses it.
_comment = functools.lru_cache(maxsize=1 << 15)(_endpoint_comment)


@functools.lru_cache(maxsize=1 << 12)
def _l4(proto: str, dport: int | None = None) -> Match:
    return Match(proto, f"--dport {dport}" if dport else "", dport)


def _addrtype(side: str) -> Match:
    return Match("addrtype", f"--{side}-type LOCAL", side)


def _ctstate(states: str, negated: bool = False) -> Match:
    return Match("conntrack", f"{'! ' if negated else ''}--ctstate {states}", (states, negated))


def _mark(value: int, negated: bool = False) -> Match:
    return Match("mark", f"{'! ' if negated else ''}--mark {value:#x}/{value:#x}", (value, negated))


def _nfacct(name: str) -> Match:
    return Match("nfacct", f"--nfacct-name {name}", name)


def _recent_set(name: str) -> Match:
    return Match("recent", f"--set --name {name} --mask 255.255.255.255 --rsource", ("set", name, 0))


def _recent_rcheck(name: str, seconds: int) -> Match:
    return Match("recent", f"--rcheck --seconds {seconds} --reap --name {name} "
                 "--mask 255.255.255.255 --rsource", ("rcheck", name, seconds))


@functools.lru_cache(maxsize=1024)
def _statistic(probability: str) -> Match:
    return Match("statistic", f"--mode random --probability {saved_probability(probability)}",
                 probability)


def _mark_or(value: int) -> dict:
    return {"target": "MARK", "target_opts": f"--set-xmark {value:#x}/{value:#x}"}


@dataclass(frozen=True, slots=True)
class ServiceRules:
    """Everything one Service port contributes to one sync (cached between syncs).

    The fixed rules written before and after the Services are blocks of the same shape
    (:func:`k8snet.proxy.iptables_tables.fixed_blocks`), so a sync is simply an ordered
    sequence of blocks.
    """

    nat_chains: tuple[str, ...]
    nat_rules: tuple[Rule, ...]
    filter_rules: tuple[Rule, ...]
    endpoint_chains: tuple[tuple[str, str], ...]  # (KUBE-SEP chain, "ip:port")
    filter_chains: tuple[str, ...] = ()
    # Rules grouped by chain and their saved text, filled on first use: a block is
    # grouped and printed once, however many syncs reuse it.
    memo: dict = field(default_factory=dict, compare=False, repr=False)

    def chains(self, table: str) -> tuple[str, ...]:
        """The chains this block creates in ``table``."""
        return self.nat_chains if table == "nat" else self.filter_chains

    def by_chain(self, table: str) -> dict[str, tuple[Rule, ...]]:
        """This block's rules of ``table`` grouped by chain, chains in first-seen order."""
        if table not in self.memo:
            groups: dict[str, list[Rule]] = {}
            for rule in (self.nat_rules if table == "nat" else self.filter_rules):
                groups.setdefault(rule.chain, []).append(rule)
            self.memo[table] = {c: tuple(rs) for c, rs in groups.items()}
        return self.memo[table]

    def saved_lines(self, table: str) -> dict[str, str]:
        """Per chain, the ``iptables-save`` lines of this block's rules (newline-terminated)."""
        key = table + " text"
        if key not in self.memo:
            lines: dict[str, list[str]] = {}
            for rule in (self.nat_rules if table == "nat" else self.filter_rules):
                lines.setdefault(rule.chain, []).append(rule.text())
            self.memo[key] = {c: "\n".join(ls) + "\n" for c, ls in lines.items()}
        return self.memo[key]


def _service_to_endpoint_rules(name: str, svc: ServicePortInfo, chain: str,
                               endpoints: tuple[EndpointInfo, ...], large: bool,
                               sep_chains: dict[str, str]) -> list[Rule]:
    # writeServiceToEndpointRules: affinity checks first, then the probability cascade.
    proto = svc.protocol.lower()
    out: list[Rule] = []
    if svc.client_ip_affinity:
        for ep in endpoints:
            sep = sep_chains[str(ep)]
            m = () if large else (_endpoint_comment(f"{name} -> {ep}"),)
            out.append(Rule("nat", chain, m + (_recent_rcheck(sep, svc.sticky_max_age_seconds),),
                            target=sep))
    n = len(endpoints)
    for i, ep in enumerate(endpoints):
        sep = sep_chains[str(ep)]
        m = () if large else (_endpoint_comment(f"{name} -> {ep}"),)
        if i < n - 1:
            m += (_statistic(compute_probability(n - i)),)
        out.append(Rule("nat", chain, m, target=sep))
    return out


def service_rules(svc: ServicePortInfo, endpoints: tuple[EndpointInfo, ...], config: ProxyConfig,
                  node_labels: dict | None = None, node_ip: str = "",
                  large_cluster: bool = False) -> ServiceRules:
    """The nat and filter rules of one Service port, as ``syncProxyRules`` writes them."""
    name, proto = str(svc.name), svc.protocol.lower()
    cluster_eps, local_eps, reachable, has_eps = categorize_endpoints(endpoints, svc, node_labels, config.node_name)
    # Every endpoint used is reachable; hash each one's KUBE-SEP name once.
    sep_chains = {str(ep): service_port_endpoint_chain_name(name, proto, str(ep)) for ep in reachable}
    svc_chain = service_port_chain_name(name, proto)
    svl_chain = service_local_chain_name(name, proto)
    ext_chain = service_external_chain_name(name, proto)
    fw_chain = service_firewall_chain_name(name, proto)
    uses_cluster = bool(cluster_eps) and svc.uses_cluster_endpoints()
    uses_local = bool(local_eps) and svc.uses_local_endpoints()
    internal_chain, has_internal = svc_chain, has_eps
    if svc.internal_policy_local:
        internal_chain, has_internal = svl_chain, has_eps and bool(local_eps)
    external_policy_chain, has_external = svc_chain, has_eps
    if svc.external_policy_local:
        external_policy_chain, has_external = svl_chain, has_eps and bool(local_eps)
    uses_ext = has_eps and svc.externally_accessible()
    uses_fw = has_eps and bool(svc.load_balancer_vips) and bool(svc.load_balancer_source_ranges)
    lb_chain = fw_chain if uses_fw else ext_chain
    if not has_eps:
        int_target = ext_target = "REJECT"
        int_comment = ext_comment = f"{name} has no endpoints"
    else:
        int_target = ext_target = "DROP"
        int_comment = ext_comment = f"{name} has no local endpoints"
    # -j REJECT's default, as the save shows it: icmp6-port-unreachable in ip6tables.
    reject = {"REJECT": "--reject-with icmp6-port-unreachable" if config.family == "IPv6"
              else "--reject-with icmp-port-unreachable", "DROP": ""}
    nat: list[Rule] = []
    flt: list[Rule] = []
    chains: list[str] = []

    def svc_match(dport: int) -> tuple[Match, ...]:
        return (_l4(proto, dport),)

    # Capture the clusterIP.
    if has_internal:
        nat.append(Rule("nat", KUBE_SERVICES, (_comment(f"{name} cluster IP"),) + svc_match(svc.port),
                        target=internal_chain, dst=svc.cluster_ip, proto=proto))
    else:
        flt.append(Rule("filter", KUBE_SERVICES, (_comment(int_comment),) + svc_match(svc.port),
                        target=int_target, target_opts=reject[int_target], dst=svc.cluster_ip, proto=proto))
    # Capture externalIPs.
    for ip in svc.external_ips:
        if has_eps:
            nat.append(Rule("nat", KUBE_SERVICES, (_comment(f"{name} external IP"),) + svc_match(svc.port),
                            target=ext_chain, dst=ip, proto=proto))
        if not has_external:
            flt.append(Rule("filter", KUBE_EXTERNAL_SERVICES, (_comment(ext_comment),) + svc_match(svc.port),
                            target=ext_target, target_opts=reject[ext_target], dst=ip, proto=proto))
    # Capture load-balancer ingress.
    for ip in svc.load_balancer_vips:
        if has_eps:
            nat.append(Rule("nat", KUBE_SERVICES, (_comment(f"{name} loadbalancer IP"),) + svc_match(svc.port),
                            target=lb_chain, dst=ip, proto=proto))
        if uses_fw:
            flt.append(Rule("filter", KUBE_PROXY_FIREWALL,
                            (_comment(f"{name} traffic not accepted by {fw_chain}"),) + svc_match(svc.port),
                            target="DROP", dst=ip, proto=proto))
    if not has_external:
        for ip in svc.load_balancer_vips:
            flt.append(Rule("filter", KUBE_EXTERNAL_SERVICES, (_comment(ext_comment),) + svc_match(svc.port),
                            target=ext_target, target_opts=reject[ext_target], dst=ip, proto=proto))
    # Capture nodeports.
    if svc.node_port:
        if has_eps:
            if config.localhost_nodeports and config.nfacct:
                nat.append(Rule("nat", KUBE_NODEPORTS, (_comment(name), _l4(proto, svc.node_port),
                                                        _nfacct(_NFACCT_LOCALHOST)),
                                target=ext_chain, dst="127.0.0.0/8", proto=proto))
            nat.append(Rule("nat", KUBE_NODEPORTS, (_comment(name), _l4(proto, svc.node_port)),
                            target=ext_chain, proto=proto))
        if not has_external:
            flt.append(Rule("filter", KUBE_EXTERNAL_SERVICES,
                            (_comment(ext_comment), _addrtype("dst"), _l4(proto, svc.node_port)),
                            target=ext_target, target_opts=reject[ext_target], proto=proto))
    if svc.health_check_node_port:
        flt.append(Rule("filter", KUBE_NODEPORTS, (_comment(f"{name} health check node port"),
                                                   _l4("tcp", svc.health_check_node_port)),
                        target="ACCEPT", proto="tcp"))
    # Internal traffic: masquerade off-cluster sources (LocalTrafficDetector ClusterCIDR).
    if has_internal:
        m = (_comment(f"{name} cluster IP"),) + svc_match(svc.port)
        if config.masquerade_all:
            nat.append(Rule("nat", internal_chain, m, target=KUBE_MARK_MASQ, dst=svc.cluster_ip, proto=proto))
        elif config.cluster_cidr:
            nat.append(Rule("nat", internal_chain, m, target=KUBE_MARK_MASQ, dst=svc.cluster_ip, proto=proto,
                            src=config.cluster_cidr, src_neg=True))
    if uses_ext:
        chains.append(ext_chain)
        if not svc.external_policy_local:
            nat.append(Rule("nat", ext_chain, (_comment(f"masquerade traffic for {name} external destinations"),),
                            target=KUBE_MARK_MASQ))
        else:
            if config.cluster_cidr:
                nat.append(Rule("nat", ext_chain, (_comment(f"pod traffic for {name} external destinations"),),
                                target=svc_chain, src=config.cluster_cidr))
            nat.append(Rule("nat", ext_chain, (_comment(f"masquerade LOCAL traffic for {name} external destinations"),
                                               _addrtype("src")), target=KUBE_MARK_MASQ))
            nat.append(Rule("nat", ext_chain, (_comment(f"route LOCAL traffic for {name} external destinations"),
                                               _addrtype("src")), target=svc_chain))
        if has_external:
            nat.append(Rule("nat", ext_chain, (), target=external_policy_chain))
    if uses_fw:
        chains.append(fw_chain)
        fw_comment = _comment(f"{name} loadbalancer IP")
        allow_node = False
        for cidr in svc.load_balancer_source_ranges:
            nat.append(Rule("nat", fw_chain, (fw_comment,), target=ext_chain, src=cidr))
            allow_node = allow_node or (node_ip and _in_cidr(node_ip, cidr))
        if allow_node:
            for ip in svc.load_balancer_vips:
                nat.append(Rule("nat", fw_chain, (fw_comment,), target=ext_chain, src=ip))
        nat.append(Rule("nat", fw_chain, (_comment(f"other traffic to {name} will be dropped by KUBE-PROXY-FIREWALL"),)))
    if uses_cluster:
        chains.append(svc_chain)
        nat += _service_to_endpoint_rules(name, svc, svc_chain, cluster_eps, large_cluster, sep_chains)
    if uses_local:
        chains.append(svl_chain)
        nat += _service_to_endpoint_rules(name, svc, svl_chain, local_eps, large_cluster, sep_chains)
    seps = []
    # The KUBE-SEP match lists are the same for every endpoint (but for -m recent): share them.
    head = () if large_cluster else (_comment(name),)
    dnat = head + (_l4(proto),)
    for ep in reachable:
        sep = sep_chains[str(ep)]
        chains.append(sep)
        seps.append((sep, str(ep)))
        nat.append(Rule("nat", sep, head, target=KUBE_MARK_MASQ, src=ep.ip))
        m = head + (_recent_set(sep), _l4(proto)) if svc.client_ip_affinity else dnat
        nat.append(Rule("nat", sep, m, target="DNAT", target_opts=f"--to-destination {ep}", proto=proto))
    return ServiceRules(tuple(chains), tuple(nat), tuple(flt), tuple(seps))


def _in_cidr(ip: str, cidr: str) -> bool:
    try:
        return ipaddress.ip_address(ip) in ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return False
