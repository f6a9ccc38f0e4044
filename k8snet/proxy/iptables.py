"""kube-proxy's iptables backend: chain names and the rules of one sync.

Upstream: ``pkg/proxy/iptables/proxier.go`` (``syncProxyRules``,
``writeServiceToEndpointRules``, ``portProtoHash``, ``servicePortEndpointChainName``,
``computeProbability``, ``iptablesJumpChains``).  The rules of each Service port are built
by :func:`service_rules` (cached per Service by :class:`~k8snet.proxy.state.ProxyState`),
and :func:`sync_proxy_rules` adds the fixed chains and orders everything.
"""
from __future__ import annotations

import base64
import hashlib
import ipaddress
from dataclasses import dataclass, field

from ..errors import UsageError
from .iptables_save import Match, Rule, render_table, saved_probability, save_string
from .topology import categorize_endpoints
from .types import EndpointInfo, ProxyConfig, ServicePortInfo

__all__ = ["port_proto_hash", "service_port_chain_name", "service_port_endpoint_chain_name",
           "service_local_chain_name", "service_external_chain_name",
           "service_firewall_chain_name", "compute_probability", "ServiceRules",
           "service_rules", "base_rules", "sync_proxy_rules", "IptablesTables",
           "NODEPORTS_COMMENT"]

KUBE_SERVICES, KUBE_EXTERNAL_SERVICES = "KUBE-SERVICES", "KUBE-EXTERNAL-SERVICES"
KUBE_NODEPORTS, KUBE_POSTROUTING = "KUBE-NODEPORTS", "KUBE-POSTROUTING"
KUBE_MARK_MASQ, KUBE_FORWARD = "KUBE-MARK-MASQ", "KUBE-FORWARD"
KUBE_PROXY_FIREWALL, KUBE_PROXY_CANARY = "KUBE-PROXY-FIREWALL", "KUBE-PROXY-CANARY"
KUBE_FIREWALL = "KUBE-FIREWALL"
NODEPORTS_COMMENT = "kubernetes service nodeports; NOTE: this must be the last rule in this chain"
# metrics.LocalhostNodePortAcceptedNFAcctCounter / IPTablesCTStateInvalidDroppedNFAcctCounter
_NFACCT_LOCALHOST = "localhost_nps_accepted_pkts"
_NFACCT_INVALID = "ct_state_invalid_dropped_pkts"


def port_proto_hash(service_port_name: str, protocol: str) -> str:
    """``portProtoHash``: base32(sha256(name + protocol)) cut to 16 characters."""
    digest = hashlib.sha256((service_port_name + protocol).encode()).digest()
    return base64.b32encode(digest).decode()[:16]


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
    digest = hashlib.sha256((service_port_name + protocol.lower() + endpoint).encode()).digest()
    return "KUBE-SEP-" + base64.b32encode(digest).decode()[:16]


def compute_probability(n: int) -> str:
    """``computeProbability``: ``fmt.Sprintf("%0.10f", 1.0/float64(n))``."""
    return "%0.10f" % (1.0 / n)


# --- match / rule helpers (each mirrors the args kube-proxy writes) ------------------
def _comment(text: str) -> Match:
    return Match("comment", "--comment " + save_string(text), text)


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


def _statistic(probability: str) -> Match:
    return Match("statistic", f"--mode random --probability {saved_probability(probability)}",
                 probability)


def _mark_or(value: int) -> dict:
    return {"target": "MARK", "target_opts": f"--set-xmark {value:#x}/{value:#x}"}


@dataclass(frozen=True, slots=True)
class ServiceRules:
    """Everything one Service port contributes to one sync (cached between syncs)."""

    nat_chains: tuple[str, ...]
    nat_rules: tuple[Rule, ...]
    filter_rules: tuple[Rule, ...]
    endpoint_chains: tuple[tuple[str, str], ...]  # (KUBE-SEP chain, "ip:port")


def _service_to_endpoint_rules(name: str, svc: ServicePortInfo, chain: str,
                               endpoints: tuple[EndpointInfo, ...], large: bool) -> list[Rule]:
    # writeServiceToEndpointRules: affinity checks first, then the probability cascade.
    proto = svc.protocol.lower()
    out: list[Rule] = []
    if svc.client_ip_affinity:
        for ep in endpoints:
            sep = service_port_endpoint_chain_name(name, proto, str(ep))
            m = () if large else (_comment(f"{name} -> {ep}"),)
            out.append(Rule("nat", chain, m + (_recent_rcheck(sep, svc.sticky_max_age_seconds),),
                            target=sep))
    n = len(endpoints)
    for i, ep in enumerate(endpoints):
        sep = service_port_endpoint_chain_name(name, proto, str(ep))
        m = () if large else (_comment(f"{name} -> {ep}"),)
        if i < n - 1:
            m += (_statistic(compute_probability(n - i)),)
        out.append(Rule("nat", chain, m, target=sep))
    return out


def service_rules(svc: ServicePortInfo, endpoints: tuple[EndpointInfo, ...], config: ProxyConfig,
                  node_labels: dict | None = None, node_ip: str = "",
                  large_cluster: bool = False) -> ServiceRules:
    """The nat and filter rules of one Service port, as ``syncProxyRules`` writes them."""
    name, proto = str(svc.name), svc.protocol.lower()
    cluster_eps, local_eps, reachable, has_eps = categorize_endpoints(endpoints, svc, node_labels)
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
    reject = {"REJECT": "--reject-with icmp-port-unreachable", "DROP": ""}
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
        nat += _service_to_endpoint_rules(name, svc, svc_chain, cluster_eps, large_cluster)
    if uses_local:
        chains.append(svl_chain)
        nat += _service_to_endpoint_rules(name, svc, svl_chain, local_eps, large_cluster)
    seps = []
    for ep in reachable:
        sep = service_port_endpoint_chain_name(name, proto, str(ep))
        chains.append(sep)
        seps.append((sep, str(ep)))
        head = () if large_cluster else (_comment(name),)
        nat.append(Rule("nat", sep, head, target=KUBE_MARK_MASQ, src=ep.ip))
        m = head + ((_recent_set(sep),) if svc.client_ip_affinity else ()) + (_l4(proto),)
        nat.append(Rule("nat", sep, m, target="DNAT", target_opts=f"--to-destination {ep}", proto=proto))
    return ServiceRules(tuple(chains), tuple(nat), tuple(flt), tuple(seps))


def _in_cidr(ip: str, cidr: str) -> bool:
    try:
        return ipaddress.ip_address(ip) in ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return False


def base_rules(config: ProxyConfig) -> tuple[list[Rule], list[Rule]]:
    """The fixed rules of every sync: ``(nat_rules, filter_rules)`` before any Service.

    Includes the jumps from the built-in chains (``iptablesJumpChains``).  kube-proxy adds
    each with ``EnsureRule(Prepend, ...)`` in list order, so in a built-in chain they end
    up in *reverse* list order; that is the order listed here.
    """
    mark = config.mark_value
    ct_new = _ctstate("NEW")
    nat = [
        Rule("nat", "PREROUTING", (_comment("kubernetes service portals"),), target=KUBE_SERVICES),
        Rule("nat", "OUTPUT", (_comment("kubernetes service portals"),), target=KUBE_SERVICES),
        Rule("nat", "POSTROUTING", (_comment("kubernetes postrouting rules"),), target=KUBE_POSTROUTING),
        Rule("nat", KUBE_POSTROUTING, (_mark(mark, negated=True),), target="RETURN"),
        Rule("nat", KUBE_POSTROUTING, (), target="MARK", target_opts=f"--set-xmark {mark:#x}/0x0"),
        Rule("nat", KUBE_POSTROUTING, (_comment("kubernetes service traffic requiring SNAT"),),
             target="MASQUERADE", target_opts="--random-fully"),
        Rule("nat", KUBE_MARK_MASQ, (), **_mark_or(mark)),
    ]
    lb_fw, ext_portals = "kubernetes load balancer firewall", "kubernetes externally-visible service portals"
    flt = [
        Rule("filter", "INPUT", (), target=KUBE_FIREWALL),
        Rule("filter", "INPUT", (ct_new, _comment(lb_fw)), target=KUBE_PROXY_FIREWALL),
        Rule("filter", "INPUT", (_comment("kubernetes health check service ports"),), target=KUBE_NODEPORTS),
        Rule("filter", "INPUT", (ct_new, _comment(ext_portals)), target=KUBE_EXTERNAL_SERVICES),
        Rule("filter", "FORWARD", (ct_new, _comment(lb_fw)), target=KUBE_PROXY_FIREWALL),
        Rule("filter", "FORWARD", (_comment("kubernetes forwarding rules"),), target=KUBE_FORWARD),
        Rule("filter", "FORWARD", (ct_new, _comment("kubernetes service portals")), target=KUBE_SERVICES),
        Rule("filter", "FORWARD", (ct_new, _comment(ext_portals)), target=KUBE_EXTERNAL_SERVICES),
        Rule("filter", "OUTPUT", (), target=KUBE_FIREWALL),
        Rule("filter", "OUTPUT", (ct_new, _comment(lb_fw)), target=KUBE_PROXY_FIREWALL),
        Rule("filter", "OUTPUT", (ct_new, _comment("kubernetes service portals")), target=KUBE_SERVICES),
    ]
    if config.localhost_nodeports:
        # The route_localnet hole is closed by this rule (issue 90259).
        flt.append(Rule("filter", KUBE_FIREWALL, (_comment("block incoming localnet connections"),
                                                  _ctstate("RELATED,ESTABLISHED,DNAT", negated=True)),
                        target="DROP", dst="127.0.0.0/8", src="127.0.0.0/8", src_neg=True))
    return nat, flt


def _tail_rules(config: ProxyConfig) -> tuple[list[Rule], list[Rule]]:
    # The KUBE-SERVICES → KUBE-NODEPORTS tail call and the KUBE-FORWARD rules.
    nodeports = Rule("nat", KUBE_SERVICES, (_comment(NODEPORTS_COMMENT), _addrtype("dst")),
                     target=KUBE_NODEPORTS,
                     **({} if config.localhost_nodeports else {"dst": "127.0.0.0/8", "dst_neg": True}))
    invalid = (_ctstate("INVALID"),) + ((_nfacct(_NFACCT_INVALID),) if config.nfacct else ())
    flt = [
        Rule("filter", KUBE_FORWARD, invalid, target="DROP"),
        Rule("filter", KUBE_FORWARD, (_comment("kubernetes forwarding rules"), _mark(config.mark_value)),
             target="ACCEPT"),
        Rule("filter", KUBE_FORWARD, (_comment("kubernetes forwarding conntrack rule"),
                                      _ctstate("RELATED,ESTABLISHED")), target="ACCEPT"),
    ]
    return [nodeports], flt


@dataclass(frozen=True, slots=True)
class IptablesTables:
    """One sync's result: the chains and rules of the nat and filter tables."""

    nat_chains: tuple[str, ...]
    nat_rules: tuple[Rule, ...]
    filter_chains: tuple[str, ...]
    filter_rules: tuple[Rule, ...]
    #: table -> chain -> rules, for walking packets (built once per sync).
    index: dict = field(default_factory=dict, compare=False, repr=False)

    def save(self, table: str, now: float) -> str:
        """``iptables-save -t table`` text at simulated time ``now``."""
        if table == "nat":
            return render_table("nat", self.nat_chains, self.nat_rules, now)
        if table == "filter":
            return render_table("filter", self.filter_chains, self.filter_rules, now)
        raise UsageError(f"iptables-save: table {table!r} is not one kube-proxy writes (nat, filter)")

    def chain(self, table: str, name: str) -> tuple[Rule, ...]:
        """The rules of one chain, in order (empty for an unknown chain)."""
        return tuple(self.index.get(table, {}).get(name, ()))


def sync_proxy_rules(per_service: list[ServiceRules], config: ProxyConfig) -> IptablesTables:
    """Assemble one full sync from the (ordered) per-Service rules."""
    nat, flt = base_rules(config)
    nat_chains = [KUBE_SERVICES, KUBE_NODEPORTS, KUBE_POSTROUTING, KUBE_MARK_MASQ, KUBE_PROXY_CANARY]
    flt_chains = [KUBE_SERVICES, KUBE_EXTERNAL_SERVICES, KUBE_FORWARD, KUBE_NODEPORTS,
                  KUBE_PROXY_FIREWALL, KUBE_PROXY_CANARY, KUBE_FIREWALL]
    for sr in per_service:
        nat_chains += sr.nat_chains
        nat += sr.nat_rules
        flt += sr.filter_rules
    tail_nat, tail_flt = _tail_rules(config)
    nat, flt = nat + tail_nat, flt + tail_flt
    index: dict[str, dict[str, list[Rule]]] = {"nat": {}, "filter": {}}
    for rule in nat + flt:
        index[rule.table].setdefault(rule.chain, []).append(rule)
    return IptablesTables(tuple(nat_chains), tuple(nat), tuple(flt_chains), tuple(flt), index)
