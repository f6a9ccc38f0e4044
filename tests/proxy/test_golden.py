"""Golden listings for the base scenario (tests/proxy/objects.py), two nodes, three modes.

Regenerate with K8SNET_REGOLD=1 after reviewing an intended change.  The listings follow
`iptables-save -t nat|filter`, `nft list table ip kube-proxy` and `ipvsadm -Ln` on a node.
"""
from __future__ import annotations

import pytest

from .objects import base_objects, make_state

NOW = 3600.0  # one hour after the cluster's epoch: the iptables-save header shows it

CASES = [
    ("node-1", "iptables", "nat", "node-1.iptables-nat.txt"),
    ("node-1", "iptables", "filter", "node-1.iptables-filter.txt"),
    ("node-2", "iptables", "nat", "node-2.iptables-nat.txt"),
    ("node-2", "iptables", "filter", "node-2.iptables-filter.txt"),
    ("node-1", "nftables", None, "node-1.nft.txt"),
    ("node-2", "nftables", None, "node-2.nft.txt"),
    ("node-1", "ipvs", None, "node-1.ipvsadm.txt"),
    ("node-2", "ipvs", None, "node-2.ipvsadm.txt"),
]


@pytest.mark.parametrize("node_name,mode,table,golden_name", CASES, ids=[c[3] for c in CASES])
def test_base_scenario_listing(golden, node_name, mode, table, golden_name):
    """iptables/proxier.go, nftables/proxier.go, ipvs/proxier.go: the full listing per node."""
    state = make_state(node_name=node_name, mode=mode)
    if mode == "iptables":
        text = state.iptables_save(table, now=NOW)
    elif mode == "nftables":
        text = state.nft()
    else:
        text = state.ipvsadm()
    golden("proxy", golden_name, text)


@pytest.mark.parametrize("mode", ["iptables", "nftables", "ipvs"])
def test_listing_is_deterministic(mode):
    """Same objects → byte-identical output (no dict/set/map iteration order leaks)."""
    a = make_state(mode=mode).render(now=NOW)
    services, slices, nodes = base_objects()
    b = make_state(mode=mode, services=services[::-1], slices=slices[::-1], nodes=nodes[::-1]).render(now=NOW)
    assert a == b
