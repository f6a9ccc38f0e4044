"""The fixed part of kube-proxy's nftables table (upstream ``setupNFTables``, v1.34+ layout).

Base chains hook into netfilter at fixed priorities (``nftablesBaseChains``); regular
chains are jumped to from them (``nftablesJumpChains``).  Since v1.34 (still so in v1.37)
only the LoadBalancerSourceRanges check runs before DNAT, in ``filter-prerouting-pre-dnat``
and ``filter-output-pre-dnat`` at ``dstnat - 10``; the endpoint and ClusterIP checks run in
``filter-input``, ``filter-forward`` and ``filter-output`` at the plain ``filter`` priority
(0), after DNAT (pkg/proxy/nftables/proxier_test.go ``baseRules``).  ``nft list`` prints a
priority by its standard name when one applies to the hook (``filter`` = 0 everywhere,
``dstnat`` = -100 in prerouting/output, ``srcnat`` = 100 in postrouting/input), else as a number.
"""
from __future__ import annotations

import ipaddress

from .nftables import NftChain, NftRule, NftSet
from .types import ProxyConfig

__all__ = ["base_chains", "base_sets", "BASE_CHAIN_HOOKS"]

#: (name, type, hook, priority as nft lists it), in upstream's creation order.
BASE_CHAIN_HOOKS = (
    ("filter-prerouting-pre-dnat", "filter", "prerouting", "dstnat - 10"),
    ("filter-output-pre-dnat", "filter", "output", "dstnat - 10"),
    ("filter-input", "filter", "input", "filter"),
    ("filter-forward", "filter", "forward", "filter"),
    ("filter-output", "filter", "output", "filter"),
    ("nat-prerouting", "nat", "prerouting", "dstnat"),
    ("nat-output", "nat", "output", "dstnat"),
    ("nat-postrouting", "nat", "postrouting", "srcnat"),
)

_CT_NEW = ("ct_new",)
# nftablesJumpChains: (destination, source chain, "ct state new"?)
_JUMPS = (
    ("nodeport-endpoints-check", "filter-input", True),
    ("service-endpoints-check", "filter-input", True),
    ("service-endpoints-check", "filter-forward", True),
    ("service-endpoints-check", "filter-output", True),
    ("firewall-check", "filter-prerouting-pre-dnat", True),
    ("firewall-check", "filter-output-pre-dnat", True),
    ("services", "nat-output", False),
    ("services", "nat-prerouting", False),
    ("masquerading", "nat-postrouting", False),
    ("cluster-ips-check", "filter-forward", True),
    ("cluster-ips-check", "filter-output", True),
)


def base_chains(config: ProxyConfig) -> list[NftChain]:
    """Base chains, then the regular top-level chains, each with its fixed rules."""
    rules: dict[str, list[NftRule]] = {name: [] for name, *_ in BASE_CHAIN_HOOKS}
    order = [name for name, *_ in BASE_CHAIN_HOOKS]
    for dst, src, ct in _JUMPS:
        if dst not in rules:
            rules[dst] = []
            order.append(dst)
        rules[src].append(NftRule(((_CT_NEW,) if ct else ()) + (("jump", dst),)))
    for extra in ("mark-for-masquerade", "reject-chain"):
        rules[extra] = []
        order.append(extra)
    mark = config.mark_value
    rules["mark-for-masquerade"].append(NftRule((("mark_or", mark),)))
    rules["masquerading"] += [NftRule((("mark_zero", mark), ("return",))),
                              NftRule((("mark_xor", mark),)), NftRule((("masquerade",),))]
    rules["cluster-ips-check"].append(NftRule((("daddr_set", "cluster-ips"), ("reject",)),
                                              "Reject traffic to invalid ports of ClusterIPs"))
    for cidr in config.service_cidrs:
        # A one-element anonymous set "{ cidr }" is listed as the plain prefix.
        rules["cluster-ips-check"].append(NftRule((("daddr", cidr, False), ("drop",)),
                                                  "Drop traffic to unallocated ClusterIPs"))
    rules["reject-chain"].append(NftRule((("reject",),)))
    rules["service-endpoints-check"].append(NftRule((("vmap", "addr", "no-endpoint-services"),)))
    # nodePortAddresses defaults to "primary" in nftables mode: only @nodeport-ips.
    rules["nodeport-endpoints-check"].append(
        NftRule((("daddr_set", "nodeport-ips"), ("vmap", "port", "no-endpoint-nodeports"))))
    rules["firewall-check"].append(NftRule((("vmap", "addr", "firewall-ips"),)))
    rules["services"] += [NftRule((("vmap", "addr", "service-ips"),)),
                          NftRule((("daddr_set", "nodeport-ips"), ("vmap", "port", "service-nodeports")))]
    hooks = {name: (t, h, p) for name, t, h, p in BASE_CHAIN_HOOKS}
    comments = {"reject-chain": "helper for @no-endpoint-services / @no-endpoint-nodeports"}
    return [NftChain(c, tuple(rules[c]), hooks.get(c), comments.get(c, "")) for c in order]


def _ip_key(text: str):
    parts = text.split(" . ")
    head = parts[0]
    try:
        ip = (0, int(ipaddress.ip_address(head)))
    except ValueError:
        ip = (1, head)
    return (ip,) + tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts[1:])


def _sorted(elements) -> tuple:
    # The kernel lists hash-set elements in its own order; we sort for reproducible output.
    unique = {e[0]: e for e in elements}
    return tuple(unique[k] for k in sorted(unique, key=_ip_key))


def base_sets(config: ProxyConfig, node_ip: str, elements: dict) -> list[NftSet]:
    """The named sets and verdict maps of ``setupNFTables``, filled with ``elements``."""
    addr = "ipv4_addr . inet_proto . inet_service : verdict"
    port = "inet_proto . inet_service : verdict"
    specs = (
        ("cluster-ips", "ipv4_addr", "Active ClusterIPs", False),
        ("nodeport-ips", "ipv4_addr", "IPs that accept NodePort traffic", False),
        ("no-endpoint-services", addr, "vmap to drop or reject packets to services with no endpoints", True),
        ("no-endpoint-nodeports", port, "vmap to drop or reject packets to service nodeports with no endpoints", True),
        ("firewall-ips", addr, "destinations that are subject to LoadBalancerSourceRanges", True),
        ("service-ips", addr, "ClusterIP, ExternalIP and LoadBalancer IP traffic", True),
        ("service-nodeports", port, "NodePort traffic", True),
    )
    elements = dict(elements)
    if node_ip:
        elements["nodeport-ips"] = [(node_ip, "", "")]
    return [NftSet(name, typ, comment, is_map, elements=_sorted(elements.get(name, ())))
            for name, typ, comment, is_map in specs]
