"""kube-proxy's ipsets in IPVS mode: which sets exist, what each Service adds, ``ipset list``.

In IPVS mode kube-proxy keeps its iptables rules few and fixed: each rule matches a whole
*ipset* (``-m set --match-set KUBE-CLUSTER-IP dst,dst``), and a sync only changes the sets'
members.  Upstream:

* ``pkg/proxy/ipvs/ipset.go``: the set names and their comments;
* ``pkg/proxy/ipvs/proxier.go``: ``ipsetInfo`` (each set's type) and the per-Service loop of
  ``syncProxyRules``, which fills each set's ``activeEntries`` (followed by
  :func:`service_entries`), then ``KUBE-IPVS-IPS`` = the addresses bound to ``kube-ipvs0``;
* ``pkg/proxy/ipvs/ipset/ipset.go``: ``Entry.String()`` (the member text) and ``createSet``
  (``hashsize 1024 maxelem 65536`` for hash sets, ``range 0-65535`` for bitmap:port; no
  ``comment`` option: the comments only appear in the iptables rules).

:func:`ipset_list` prints the sets the way ``ipset list`` (ipset 7.x, kernel 6.x) does.
"""
from __future__ import annotations

import hashlib
import ipaddress
import re
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from .types import EndpointInfo, ServicePortInfo

__all__ = ["IPSetInfo", "IPSET_INFO", "ServiceEntries", "IPSets", "service_entries",
           "sync_ipsets", "ipset_list"]

LOOP_BACK, CLUSTER_IP = "KUBE-LOOP-BACK", "KUBE-CLUSTER-IP"
EXTERNAL_IP, EXTERNAL_IP_LOCAL = "KUBE-EXTERNAL-IP", "KUBE-EXTERNAL-IP-LOCAL"
LOAD_BALANCER, LOAD_BALANCER_FW = "KUBE-LOAD-BALANCER", "KUBE-LOAD-BALANCER-FW"
LOAD_BALANCER_LOCAL = "KUBE-LOAD-BALANCER-LOCAL"
LB_SOURCE_IP, LB_SOURCE_CIDR = "KUBE-LOAD-BALANCER-SOURCE-IP", "KUBE-LOAD-BALANCER-SOURCE-CIDR"
NODE_PORT_TCP, NODE_PORT_LOCAL_TCP = "KUBE-NODE-PORT-TCP", "KUBE-NODE-PORT-LOCAL-TCP"
NODE_PORT_UDP, NODE_PORT_LOCAL_UDP = "KUBE-NODE-PORT-UDP", "KUBE-NODE-PORT-LOCAL-UDP"
NODE_PORT_SCTP, NODE_PORT_LOCAL_SCTP = "KUBE-NODE-PORT-SCTP-HASH", "KUBE-NODE-PORT-LOCAL-SCTP-HASH"
HEALTH_CHECK_NODE_PORT, IPVS_IPS = "KUBE-HEALTH-CHECK-NODE-PORT", "KUBE-IPVS-IPS"


@dataclass(frozen=True, slots=True)
class IPSetInfo:
    """One entry of upstream's ``ipsetInfo``: a set kube-proxy creates on every node."""

    name: str
    set_type: str
    comment: str


#: ``ipsetInfo``, in upstream's order (also the order :func:`ipset_list` prints them in).
IPSET_INFO = (
    IPSetInfo(LOOP_BACK, "hash:ip,port,ip",
              "Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose"),
    IPSetInfo(CLUSTER_IP, "hash:ip,port", "Kubernetes service cluster ip + port for masquerade purpose"),
    IPSetInfo(EXTERNAL_IP, "hash:ip,port",
              "Kubernetes service external ip + port for masquerade and filter purpose"),
    IPSetInfo(EXTERNAL_IP_LOCAL, "hash:ip,port",
              "Kubernetes service external ip + port with externalTrafficPolicy=local"),
    IPSetInfo(LOAD_BALANCER, "hash:ip,port", "Kubernetes service lb portal"),
    IPSetInfo(LOAD_BALANCER_FW, "hash:ip,port",
              "Kubernetes service load balancer ip + port for load balancer with sourceRange"),
    IPSetInfo(LOAD_BALANCER_LOCAL, "hash:ip,port",
              "Kubernetes service load balancer ip + port with externalTrafficPolicy=local"),
    IPSetInfo(LB_SOURCE_IP, "hash:ip,port,ip",
              "Kubernetes service load balancer ip + port + source IP for packet filter purpose"),
    IPSetInfo(LB_SOURCE_CIDR, "hash:ip,port,net",
              "Kubernetes service load balancer ip + port + source cidr for packet filter purpose"),
    IPSetInfo(NODE_PORT_TCP, "bitmap:port", "Kubernetes nodeport TCP port for masquerade purpose"),
    IPSetInfo(NODE_PORT_LOCAL_TCP, "bitmap:port", "Kubernetes nodeport TCP port with externalTrafficPolicy=local"),
    IPSetInfo(NODE_PORT_UDP, "bitmap:port", "Kubernetes nodeport UDP port for masquerade purpose"),
    IPSetInfo(NODE_PORT_LOCAL_UDP, "bitmap:port", "Kubernetes nodeport UDP port with externalTrafficPolicy=local"),
    IPSetInfo(NODE_PORT_SCTP, "hash:ip,port",
              "Kubernetes nodeport SCTP port for masquerade purpose with type 'hash ip:port'"),
    IPSetInfo(NODE_PORT_LOCAL_SCTP, "hash:ip,port",
              "Kubernetes nodeport SCTP port with externalTrafficPolicy=local with type 'hash ip:port'"),
    IPSetInfo(HEALTH_CHECK_NODE_PORT, "bitmap:port", "Kubernetes health check node port"),
    IPSetInfo(IPVS_IPS, "hash:ip", "Addresses on the ipvs interface"),
)
_INFO = {s.name: s for s in IPSET_INFO}
# The NodePort sets per protocol: (Cluster policy set, Local policy set).
_NODE_PORT_SETS = {"tcp": (NODE_PORT_TCP, NODE_PORT_LOCAL_TCP), "udp": (NODE_PORT_UDP, NODE_PORT_LOCAL_UDP),
                   "sctp": (NODE_PORT_SCTP, NODE_PORT_LOCAL_SCTP)}


def comment(name: str) -> str:
    """The comment kube-proxy writes on the iptables rules that match set ``name``."""
    return _INFO[name].comment


def set_type(name: str) -> str:
    """The ipset type of set ``name`` (``hash:ip,port``, ``bitmap:port``, ...)."""
    return _INFO[name].set_type


@dataclass(frozen=True, slots=True)
class ServiceEntries:
    """What one Service port adds to the ipsets in one sync (cached between syncs).

    ``members`` are ``(set name, member text)`` pairs; ``no_node_access`` are the
    ``(load-balancer IP, protocol, port)`` triples whose source ranges leave out this node
    (upstream's ``lbNoNodeAccessIPPortProtocolEntries``, dropped in KUBE-IPVS-OUT-FILTER).
    """

    members: tuple[tuple[str, str], ...]
    no_node_access: tuple[tuple[str, str, int], ...] = ()


def _ip_port(ip: str, proto: str, port: int) -> str:
    # Entry.String() for hash:ip,port: "10.96.0.10,udp:53".
    return f"{ip},{proto}:{port}"


def _in_cidr(ip: str, cidr: str) -> bool:
    try:
        return ipaddress.ip_address(ip) in ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return False


def _load_balancer_entries(svc: ServicePortInfo, ip: str, proto: str, node_ip: str,
                           add, blocked: list) -> None:
    # "Capture load-balancer ingress." in syncProxyRules.
    entry = _ip_port(ip, proto, svc.port)
    add(LOAD_BALANCER, entry)
    if svc.external_policy_local:
        add(LOAD_BALANCER_LOCAL, entry)
    if not svc.load_balancer_source_ranges:
        return
    add(LOAD_BALANCER_FW, entry)
    allow_from_node = False
    for cidr in svc.load_balancer_source_ranges:
        try:
            net = ipaddress.ip_network(cidr, strict=False)  # cidr.String(): normalized
        except ValueError:
            continue  # upstream drops a range it cannot parse
        add(LB_SOURCE_CIDR, f"{entry},{net}")
        allow_from_node = allow_from_node or _in_cidr(node_ip, str(net))
    if allow_from_node:
        add(LB_SOURCE_IP, f"{entry},{ip}")
    else:
        blocked.append((ip, proto, svc.port))


def service_entries(svc: ServicePortInfo, endpoints: Sequence[EndpointInfo],
                    node_ip: str = "") -> ServiceEntries:
    """The set members one Service port contributes, as ``syncProxyRules`` adds them.

    ``node_ip`` stands for the node's addresses: NodePorts need one (upstream skips the
    NodePort and health-check entries when it finds no node IP), and an external or
    load-balancer IP that is the node's own address is not bound to ``kube-ipvs0``.
    """
    proto = svc.protocol.lower()
    members: list[tuple[str, str]] = []
    blocked: list[tuple[str, str, int]] = []

    def add(name: str, member: str) -> None:
        members.append((name, member))

    # "Handle traffic that loops back to the originator with SNAT."
    for ep in endpoints:
        if ep.is_local:
            add(LOOP_BACK, f"{ep.ip},{proto}:{ep.port},{ep.ip}")
    # "Capture the clusterIP."; the ClusterIP is bound to kube-ipvs0.
    add(CLUSTER_IP, _ip_port(svc.cluster_ip, proto, svc.port))
    add(IPVS_IPS, svc.cluster_ip)
    # "Capture externalIPs."
    for ip in svc.external_ips:
        add(EXTERNAL_IP_LOCAL if svc.external_policy_local else EXTERNAL_IP, _ip_port(ip, proto, svc.port))
        if ip != node_ip:
            add(IPVS_IPS, ip)
    for ip in svc.load_balancer_vips:
        _load_balancer_entries(svc, ip, proto, node_ip, add, blocked)
        if ip != node_ip:
            add(IPVS_IPS, ip)
    if svc.node_port:
        if not node_ip:
            return ServiceEntries(tuple(members), tuple(blocked))
        # bitmap:port for TCP/UDP holds the port alone; SCTP uses hash:ip,port per node IP.
        port_entry = (_ip_port(node_ip, proto, svc.node_port) if proto == "sctp" else str(svc.node_port))
        cluster_set, local_set = _NODE_PORT_SETS[proto]
        add(cluster_set, port_entry)
        if svc.external_policy_local:
            add(local_set, port_entry)
    if svc.health_check_node_port:
        add(HEALTH_CHECK_NODE_PORT, str(svc.health_check_node_port))
    return ServiceEntries(tuple(members), tuple(blocked))


@dataclass(frozen=True)
class IPSets:
    """The ipsets after one sync: every set's members, and the LB entries blocked from the node."""

    members: Mapping[str, frozenset[str]]
    no_node_access: tuple[tuple[str, str, int], ...] = ()

    def is_empty(self, name: str) -> bool:
        """``isEmpty()``: no active entry (kube-proxy then leaves out the rules using it)."""
        return not self.members.get(name)


def sync_ipsets(per_service: Iterable[ServiceEntries]) -> IPSets:
    """Every set's ``activeEntries`` after one sync: the union of all Service ports' entries."""
    members: dict[str, set[str]] = {s.name: set() for s in IPSET_INFO}
    blocked: list[tuple[str, str, int]] = []
    for entries in per_service:
        for name, member in entries.members:
            members[name].add(member)
        blocked += entries.no_node_access
    return IPSets({n: frozenset(m) for n, m in members.items()}, tuple(blocked))


# --- ipset list ---------------------------------------------------------------------
# Revision: the newest revision of each set type in a 6.x kernel (what ipset list shows there).
_REVISION = {"hash:ip": 6, "hash:ip,port": 6, "hash:ip,port,ip": 6, "hash:ip,port,net": 8, "bitmap:port": 3}
# Size in memory is NOT modelled: (empty set, per member) bytes fitted to a real node's
# listing (an empty hash:ip,port set shows 200 bytes, one with 4 members 392); a bitmap:port
# set is allocated whole up front and always shows 8264.
_MEMORY = {"hash:ip": (200, 40), "hash:ip,port": (200, 48), "hash:ip,port,ip": (208, 56),
           "hash:ip,port,net": (464, 56), "bitmap:port": (8264, 0)}


def _initval(node_name: str, name: str) -> str:
    # The kernel draws each hash set's initval at random when the set is created; a stable
    # hash of (node, set) stands in for it, so listings are reproducible.
    return "0x" + hashlib.sha256(f"{node_name}/{name}".encode()).hexdigest()[:8]


def set_name(name: str, family: str = "IPv4") -> str:
    """The set's name for the proxier of ``family``: an IPv6 proxier's sets are ``KUBE-6-...``
    (pkg/proxy/ipvs/ipset.go NewIPSet: "the prefix for ipv6 is changed from KUBE- to KUBE-6-"),
    so both families' sets live side by side on a dual-stack node; a name longer than an
    ipset name's 31 characters is cut there, as upstream cuts it)."""
    return ("KUBE-6-" + name.removeprefix("KUBE-"))[:31] if family == "IPv6" and name.startswith("KUBE-") else name


def _header(node_name: str, info: IPSetInfo, family: str = "IPv4") -> str:
    if info.set_type == "bitmap:port":
        return "range 0-65535"
    return (f"family {'inet6' if family == 'IPv6' else 'inet'} hashsize 1024 maxelem 65536 bucketsize 12 "
            f"initval {_initval(node_name, set_name(info.name, family))}")


def _member_key(member: str) -> list:
    # Numbers compared as numbers: 10.96.0.10 after 10.96.0.9, port 9153 after 53.
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", member)]


def _saved_member(member: str) -> str:
    # ipset prints a /32 network of hash:ip,port,net as a plain address.
    return member.removesuffix("/32")


def ipset_list(sets: IPSets, references: Mapping[str, int], node_name: str = "", family: str = "IPv4") -> str:
    """What ``ipset list`` prints for kube-proxy's sets.

    ``references`` is how many iptables rules match each set (the kernel's reference count).
    Sets come in ``ipsetInfo`` order (a real node lists them in creation order, which follows
    Go's random map order).  Members are sorted, numbers as numbers: the kernel lists a hash
    set in hash-bucket order, which depends on the random initval, so no order is "the" real one.
    """
    blocks = []
    for info in IPSET_INFO:
        members = sorted((_saved_member(m) for m in sets.members.get(info.name, ())), key=_member_key)
        base, per_member = _MEMORY[info.set_type]
        blocks.append(f"Name: {set_name(info.name, family)}\nType: {info.set_type}\n"
                      f"Revision: {_REVISION[info.set_type]}\n"
                      f"Header: {_header(node_name, info, family)}\n"
                      f"Size in memory: {base + per_member * len(members)}\n"
                      f"References: {references.get(info.name, 0)}\n"
                      f"Number of entries: {len(members)}\nMembers:\n"
                      + "".join(m + "\n" for m in members))
    return "\n".join(blocks)
