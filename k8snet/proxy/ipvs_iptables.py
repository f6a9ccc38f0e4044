"""kube-proxy's iptables rules in IPVS mode: a few fixed rules that match whole ipsets.

IPVS does the load balancing, but kube-proxy still needs netfilter to masquerade, to accept
IPVS traffic and to keep the VIPs on ``kube-ipvs0`` from exposing the node's own ports.
Upstream ``pkg/proxy/ipvs/proxier.go``:

* ``createAndLinkKubeChain``: the chains of ``iptablesChains`` and the jumps of
  ``iptablesJumpChain``, added with ``EnsureRule(Prepend, ...)`` (so a built-in chain lists
  them in *reverse* table order) — :func:`chains_and_jumps`;
* ``writeIptablesRules``: the rules of ``ipsetWithIptablesChain`` for every non-empty set, the
  ClusterIP masquerade rule, the external-IP rules, ``acceptIPVSTraffic``, KUBE-FORWARD,
  KUBE-IPVS-FILTER, KUBE-IPVS-OUT-FILTER, KUBE-POSTROUTING and KUBE-MARK-MASQ —
  :func:`write_iptables_rules`.

The rules depend only on which sets are empty (:mod:`.ipvs_ipset`) and on the config, so a
sync builds them whole; they are printed by the same ``iptables-save`` printer as iptables
mode (:class:`~k8snet.proxy.iptables_tables.IptablesTables`).
"""
from __future__ import annotations

from dataclasses import dataclass

from . import ipvs_ipset as sets
from .iptables import ServiceRules, _addrtype, _comment, _ctstate, _mark, _mark_or
from .iptables_save import Match, Rule
from .iptables_tables import IptablesTables
from .ipvs_ipset import IPSets
from .types import ProxyConfig

__all__ = ["IPSET_WITH_IPTABLES_CHAIN", "chains_and_jumps", "write_iptables_rules",
           "sync_tables", "set_references"]

KUBE_SERVICES, KUBE_POSTROUTING, KUBE_MARK_MASQ = "KUBE-SERVICES", "KUBE-POSTROUTING", "KUBE-MARK-MASQ"
KUBE_NODE_PORT, KUBE_LOAD_BALANCER, KUBE_FORWARD = "KUBE-NODE-PORT", "KUBE-LOAD-BALANCER", "KUBE-FORWARD"
KUBE_PROXY_FIREWALL, KUBE_SOURCE_RANGES_FIREWALL = "KUBE-PROXY-FIREWALL", "KUBE-SOURCE-RANGES-FIREWALL"
KUBE_IPVS_FILTER, KUBE_IPVS_OUT_FILTER = "KUBE-IPVS-FILTER", "KUBE-IPVS-OUT-FILTER"

#: ``iptablesChains``: the chains kube-proxy creates (and flushes on every sync).
IPTABLES_CHAINS = {
    "nat": (KUBE_SERVICES, KUBE_POSTROUTING, KUBE_NODE_PORT, KUBE_LOAD_BALANCER, KUBE_MARK_MASQ),
    "filter": (KUBE_FORWARD, KUBE_NODE_PORT, KUBE_PROXY_FIREWALL, KUBE_SOURCE_RANGES_FIREWALL,
               KUBE_IPVS_FILTER, KUBE_IPVS_OUT_FILTER),
}

#: ``iptablesJumpChain``: (table, from, to, comment).
IPTABLES_JUMP_CHAIN = (
    ("nat", "OUTPUT", KUBE_SERVICES, "kubernetes service portals"),
    ("nat", "PREROUTING", KUBE_SERVICES, "kubernetes service portals"),
    ("nat", "POSTROUTING", KUBE_POSTROUTING, "kubernetes postrouting rules"),
    ("filter", "FORWARD", KUBE_FORWARD, "kubernetes forwarding rules"),
    ("filter", "INPUT", KUBE_NODE_PORT, "kubernetes health check rules"),
    ("filter", "INPUT", KUBE_PROXY_FIREWALL, "kube-proxy firewall rules"),
    ("filter", "FORWARD", KUBE_PROXY_FIREWALL, "kube-proxy firewall rules"),
    ("filter", "INPUT", KUBE_IPVS_FILTER, "kubernetes ipvs access filter"),
    ("filter", "OUTPUT", KUBE_IPVS_OUT_FILTER, "kubernetes ipvs access filter"),
)


@dataclass(frozen=True, slots=True)
class SetJump:
    """One row of ``ipsetWithIptablesChain``: ``-A <chain> [-p proto] -m set <set> <flags> -j <to>``."""

    set_name: str
    table: str
    chain: str
    target: str
    flags: str
    protocol: str = ""


#: ``ipsetWithIptablesChain`` (the Local NodePort sets must come before the others).
IPSET_WITH_IPTABLES_CHAIN = (
    SetJump(sets.LOOP_BACK, "nat", KUBE_POSTROUTING, "MASQUERADE", "dst,dst,src"),
    SetJump(sets.LOAD_BALANCER, "nat", KUBE_SERVICES, KUBE_LOAD_BALANCER, "dst,dst"),
    SetJump(sets.LOAD_BALANCER_LOCAL, "nat", KUBE_LOAD_BALANCER, "RETURN", "dst,dst"),
    SetJump(sets.NODE_PORT_LOCAL_TCP, "nat", KUBE_NODE_PORT, "RETURN", "dst", "tcp"),
    SetJump(sets.NODE_PORT_TCP, "nat", KUBE_NODE_PORT, KUBE_MARK_MASQ, "dst", "tcp"),
    SetJump(sets.NODE_PORT_LOCAL_UDP, "nat", KUBE_NODE_PORT, "RETURN", "dst", "udp"),
    SetJump(sets.NODE_PORT_UDP, "nat", KUBE_NODE_PORT, KUBE_MARK_MASQ, "dst", "udp"),
    SetJump(sets.NODE_PORT_LOCAL_SCTP, "nat", KUBE_NODE_PORT, "RETURN", "dst,dst", "sctp"),
    SetJump(sets.NODE_PORT_SCTP, "nat", KUBE_NODE_PORT, KUBE_MARK_MASQ, "dst,dst", "sctp"),
    SetJump(sets.LOAD_BALANCER_FW, "filter", KUBE_PROXY_FIREWALL, KUBE_SOURCE_RANGES_FIREWALL, "dst,dst"),
    SetJump(sets.LB_SOURCE_CIDR, "filter", KUBE_SOURCE_RANGES_FIREWALL, "RETURN", "dst,dst,src"),
    SetJump(sets.LB_SOURCE_IP, "filter", KUBE_SOURCE_RANGES_FIREWALL, "RETURN", "dst,dst,src"),
)

_PROTO_NUMBER = {"tcp": 6, "udp": 17, "sctp": 132}
_REJECT = "--reject-with icmp-port-unreachable"  # how iptables-save prints a bare -j REJECT


def _set(name: str, flags: str) -> Match:
    # -m set --match-set NAME dst,dst (libxt_set saves it as written).
    return Match("set", f"--match-set {name} {flags}", (name, flags))


def _set_comment(name: str) -> Match:
    # getComment(): the set's comment on every rule that names the set.
    return _comment(sets.comment(name))


def chains_and_jumps() -> tuple[dict[str, tuple[str, ...]], list[Rule]]:
    """``createAndLinkKubeChain``: the chains to create and the built-in chains' jump rules.

    Each jump is prepended, so within one built-in chain the last one added comes first
    (INPUT: KUBE-IPVS-FILTER, KUBE-PROXY-FIREWALL, KUBE-NODE-PORT).
    """
    jumps = [Rule(table, chain, (_comment(text),), target=to)
             for table, chain, to, text in reversed(IPTABLES_JUMP_CHAIN)]
    return IPTABLES_CHAINS, jumps


def _set_jump_rules(ipsets: IPSets) -> list[Rule]:
    # The loop over ipsetWithIptablesChain: one rule per non-empty set.
    return [Rule(row.table, row.chain, (_set_comment(row.set_name), _set(row.set_name, row.flags)),
                 target=row.target, proto=row.protocol)
            for row in IPSET_WITH_IPTABLES_CHAIN if not ipsets.is_empty(row.set_name)]


def _cluster_ip_rule(config: ProxyConfig) -> Rule:
    # Masquerade traffic to a ClusterIP that does not come from a pod (LocalTrafficDetector
    # ClusterCIDR); all of it with --masquerade-all; without a way to tell, OUTPUT traffic
    # whose *source* is a VIP (the node picked a kube-ipvs0 address).
    head = (_set_comment(sets.CLUSTER_IP),)
    if config.masquerade_all:
        return Rule("nat", KUBE_SERVICES, head + (_set(sets.CLUSTER_IP, "dst,dst"),), target=KUBE_MARK_MASQ)
    if config.cluster_cidr:
        return Rule("nat", KUBE_SERVICES, head + (_set(sets.CLUSTER_IP, "dst,dst"),), target=KUBE_MARK_MASQ,
                    src=config.cluster_cidr, src_neg=True)
    return Rule("nat", KUBE_SERVICES, head + (_set(sets.CLUSTER_IP, "src,dst"),), target=KUBE_MARK_MASQ)


def _external_ip_rules(name: str) -> list[Rule]:
    # externalIPRules: accept traffic from off the node (not from a bridge, not from a local
    # process), and traffic to an external IP that happens to be a local address.
    head = (_set_comment(name), _set(name, "dst,dst"))
    off_node = (Match("physdev", "! --physdev-is-in", "not-bridged"),
                Match("addrtype", "! --src-type LOCAL", "src-not-local"))
    return [Rule("nat", KUBE_SERVICES, head + off_node, target="ACCEPT"),
            Rule("nat", KUBE_SERVICES, head + (_addrtype("dst"),), target="ACCEPT")]


def _services_rules(ipsets: IPSets, config: ProxyConfig) -> list[Rule]:
    # The KUBE-SERVICES rules written between the set jumps and the fixed tail.
    nat: list[Rule] = []
    if not ipsets.is_empty(sets.CLUSTER_IP):
        nat.append(_cluster_ip_rule(config))
    if not ipsets.is_empty(sets.EXTERNAL_IP):
        # "Build masquerade rules for packets to external IPs."
        nat.append(Rule("nat", KUBE_SERVICES, (_set_comment(sets.EXTERNAL_IP), _set(sets.EXTERNAL_IP, "dst,dst")),
                        target=KUBE_MARK_MASQ))
        nat += _external_ip_rules(sets.EXTERNAL_IP)
    if not ipsets.is_empty(sets.EXTERNAL_IP_LOCAL):
        nat += _external_ip_rules(sets.EXTERNAL_IP_LOCAL)
    nat.append(Rule("nat", KUBE_SERVICES, (_addrtype("dst"),), target=KUBE_NODE_PORT))
    return nat


def _ipvs_filter_rules(config: ProxyConfig) -> list[Rule]:
    # KUBE-IPVS-FILTER (issue 72236): a new connection to a kube-ipvs0 address is rejected
    # unless it is for a Service port (or a health-check node port).
    allowed = ((sets.LOAD_BALANCER, "dst,dst"), (sets.CLUSTER_IP, "dst,dst"), (sets.EXTERNAL_IP, "dst,dst"),
               (sets.EXTERNAL_IP_LOCAL, "dst,dst"), (sets.HEALTH_CHECK_NODE_PORT, "dst"))
    out = [Rule("filter", KUBE_IPVS_FILTER, (_set(name, flags),), target="RETURN") for name, flags in allowed]
    out.append(Rule("filter", KUBE_IPVS_FILTER, (_ctstate("NEW"), _set(sets.IPVS_IPS, "dst")),
                    target="REJECT", target_opts=_REJECT if config.family != "IPv6"
                    else "--reject-with icmp6-port-unreachable"))
    return out


def _no_node_access_rules(ipsets: IPSets) -> list[Rule]:
    # "disable LB access from node": for IPVS, source and destination are both the LB IP.
    return [Rule("filter", KUBE_IPVS_OUT_FILTER,
                 (Match("ipvs", f"--vproto {_PROTO_NUMBER[proto]} --vaddr {ip} --vport {port}", (ip, proto, port)),),
                 target="DROP", src=ip)
            for ip, proto, port in ipsets.no_node_access]


def _accept_ipvs_traffic(ipsets: IPSets) -> list[Rule]:
    # acceptIPVSTraffic: accept what IPVS will handle, in case later rules would drop it.
    return [Rule("nat", KUBE_SERVICES, (_set(name, "dst,dst"),), target="ACCEPT")
            for name in (sets.CLUSTER_IP, sets.LOAD_BALANCER) if not ipsets.is_empty(name)]


def _tail_rules(config: ProxyConfig) -> tuple[list[Rule], list[Rule]]:
    # (nat, filter): KUBE-FORWARD, the health-check accept, KUBE-POSTROUTING, KUBE-MARK-MASQ.
    mark = config.mark_value
    flt = [
        Rule("filter", KUBE_FORWARD, (_comment("kubernetes forwarding rules"), _mark(mark)), target="ACCEPT"),
        Rule("filter", KUBE_FORWARD, (_comment("kubernetes forwarding conntrack rule"),
                                      _ctstate("RELATED,ESTABLISHED")), target="ACCEPT"),
        Rule("filter", KUBE_NODE_PORT, (_set_comment(sets.HEALTH_CHECK_NODE_PORT),
                                        _set(sets.HEALTH_CHECK_NODE_PORT, "dst")), target="ACCEPT"),
    ]
    nat = [
        Rule("nat", KUBE_POSTROUTING, (_mark(mark, negated=True),), target="RETURN"),
        # --xor-mark 0x4000 clears the mark; iptables-save shows it as --set-xmark 0x4000/0x0.
        Rule("nat", KUBE_POSTROUTING, (), target="MARK", target_opts=f"--set-xmark {mark:#x}/0x0"),
        Rule("nat", KUBE_POSTROUTING, (_comment("kubernetes service traffic requiring SNAT"),),
             target="MASQUERADE", target_opts="--random-fully"),
        Rule("nat", KUBE_MARK_MASQ, (), **_mark_or(mark)),
    ]
    return nat, flt


def write_iptables_rules(ipsets: IPSets, config: ProxyConfig) -> list[Rule]:
    """``writeIptablesRules``: every rule of the KUBE chains, in the order kube-proxy writes them."""
    rules = [Rule("nat", KUBE_SERVICES, (), target="RETURN", src="::1/128" if config.family == "IPv6" else "127.0.0.0/8")]
    rules += _set_jump_rules(ipsets)
    rules += _services_rules(ipsets, config)
    rules.append(Rule("nat", KUBE_LOAD_BALANCER, (), target=KUBE_MARK_MASQ))
    rules.append(Rule("filter", KUBE_SOURCE_RANGES_FIREWALL, (), target="DROP"))
    rules += _no_node_access_rules(ipsets)
    rules += _accept_ipvs_traffic(ipsets)
    nat, flt = _tail_rules(config)
    return rules + flt + _ipvs_filter_rules(config) + nat


def sync_tables(ipsets: IPSets, config: ProxyConfig) -> IptablesTables:
    """The nat and filter tables of one IPVS-mode sync, ready for ``iptables-save``."""
    chains, jumps = chains_and_jumps()
    rules = jumps + write_iptables_rules(ipsets, config)
    block = ServiceRules(chains["nat"], tuple(r for r in rules if r.table == "nat"),
                         tuple(r for r in rules if r.table == "filter"), (), chains["filter"])
    return IptablesTables((block,))


def set_references(tables: IptablesTables) -> dict[str, int]:
    """How many rules match each set: the ``References`` count ``ipset list`` shows."""
    refs: dict[str, int] = {}
    for rule in tables.nat_rules + tables.filter_rules:
        for m in rule.matches:
            if m.module == "set":
                refs[m.value[0]] = refs.get(m.value[0], 0) + 1
    return refs
