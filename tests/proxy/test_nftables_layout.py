"""kube-proxy's nftables table in the v1.34+ layout (still the layout of v1.37).

Rows follow kubernetes/kubernetes pkg/proxy/nftables/proxier_test.go ``baseRules`` and
``TestOverallNFTablesRules``: which base chains exist, their hook and priority as
``nft list table ip kube-proxy`` prints them, the jumps in each, and the per-Service
masquerade rule.
"""
from __future__ import annotations

import re

import pytest

from .objects import make_state


def _chains(text: str) -> dict[str, list[str]]:
    out, name = {}, None
    for line in text.splitlines():
        m = re.match(r"\tchain (\S+) \{$", line)
        if m:
            name = m.group(1)
            out[name] = []
        elif name and line.startswith("\t\t"):
            out[name].append(line.strip())
        elif line == "\t}":
            name = None
    return out


@pytest.fixture(scope="module")
def chains() -> dict[str, list[str]]:
    return _chains(make_state(mode="nftables").nft())


@pytest.mark.parametrize("chain, lines", [
    # Only the LoadBalancerSourceRanges check runs before DNAT (dstnat - 10 = -110) ...
    ("filter-prerouting-pre-dnat", ["type filter hook prerouting priority dstnat - 10; policy accept;",
                                    "ct state new jump firewall-check"]),
    ("filter-output-pre-dnat", ["type filter hook output priority dstnat - 10; policy accept;",
                                "ct state new jump firewall-check"]),
    # ... the endpoint and ClusterIP checks run at the filter priority (0), after DNAT.
    ("filter-input", ["type filter hook input priority filter; policy accept;",
                      "ct state new jump nodeport-endpoints-check", "ct state new jump service-endpoints-check"]),
    ("filter-forward", ["type filter hook forward priority filter; policy accept;",
                        "ct state new jump service-endpoints-check", "ct state new jump cluster-ips-check"]),
    ("filter-output", ["type filter hook output priority filter; policy accept;",
                       "ct state new jump service-endpoints-check", "ct state new jump cluster-ips-check"]),
    ("nat-prerouting", ["type nat hook prerouting priority dstnat; policy accept;", "jump services"]),
    ("nat-output", ["type nat hook output priority dstnat; policy accept;", "jump services"]),
    ("nat-postrouting", ["type nat hook postrouting priority srcnat; policy accept;", "jump masquerading"]),
])
def test_base_chains(chains, chain, lines):
    assert chains[chain] == lines


@pytest.mark.parametrize("gone", ["filter-prerouting", "filter-output-post-dnat"])
def test_pre_v134_chains_are_gone(chains, gone):
    # v1.33 had filter-prerouting (dstnat - 10) and filter-output-post-dnat (dstnat + 10).
    assert gone not in chains


@pytest.mark.parametrize("service, cluster_ip", [
    # TestOverallNFTablesRules: "ip daddr 172.30.0.41 ip saddr != 10.0.0.0/8 jump mark-for-masquerade":
    # the ClusterIP only, no "tcp dport" since v1.34.
    ("default/web/tcp/http", "10.96.100.10"),
    ("default/kubernetes/tcp/https", "10.96.0.1"),
])
def test_per_service_masquerade_rule(chains, service, cluster_ip):
    (chain,) = [c for c in chains if c.startswith("service-") and c.endswith(service)]
    assert chains[chain][0] == f"ip daddr {cluster_ip} ip saddr != 10.244.0.0/16 jump mark-for-masquerade"
