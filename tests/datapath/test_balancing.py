"""How kube-proxy spreads connections over endpoints, in each proxy mode.

Rules: iptables mode picks with ``-m statistic --mode random --probability 1/(n-i)``
(pkg/proxy/iptables/proxier.go writeServiceToEndpointRules); nftables mode with
``numgen random mod n`` (pkg/proxy/nftables/proxier.go); IPVS with its scheduler (rr:
round robin).  sessionAffinity ClientIP (Services docs 'Session stickiness'): ``-m recent``
lists / nft affinity sets / IPVS persistence, each expiring after ``timeoutSeconds``.
"""
from __future__ import annotations

import collections

import pytest

from .scenarios import cluster_with

MODES = ["iptables", "nftables", "ipvs"]
N = 600


@pytest.mark.parametrize("mode,low,high", [
    pytest.param("iptables", 150, 250, id="iptables: statistic random, 1/3 each"),
    pytest.param("nftables", 150, 250, id="nftables: numgen random mod 3"),
    pytest.param("ipvs", 200, 200, id="ipvs rr: exactly one in three"),
])
def test_load_spreads_over_three_endpoints(mode, low, high):
    """600 requests over 3 endpoints: each gets its share (±50 is > 5 sigma for p=1/3,
    and the fixed seed makes the counts reproducible)."""
    c = cluster_with(proxy_mode=mode, seed=7)
    counts = collections.Counter(c.request("http://web", from_pod="client").pod for _ in range(N))
    assert len(counts) == 3 and sum(counts.values()) == N
    assert all(low <= n <= high for n in counts.values()), counts
    again = cluster_with(proxy_mode=mode, seed=7)
    assert collections.Counter(again.request("http://web", from_pod="client").pod for _ in range(N)) == counts


@pytest.mark.parametrize("mode", MODES)
def test_session_affinity_client_ip_sticks_then_expires(mode):
    """ClientIP affinity: one client keeps its pod while it keeps coming back within
    timeoutSeconds (60); once it stays away longer, the next pick is free again."""
    c = cluster_with("request/affinity.yaml", proxy_mode=mode, seed=3)
    picks = []
    for _ in range(12):
        first = c.request("http://web", from_pod="client").pod
        for _ in range(5):
            c.advance(30)  # within the timeout: still stuck, and the stamp is refreshed
            assert c.request("http://web", from_pod="client").pod == first
        picks.append(first)
        c.advance(61)  # past timeoutSeconds: the entry expires
    assert len(set(picks)) > 1, picks  # (1/3)^11 chance otherwise; fixed by the seed


@pytest.mark.parametrize("mode", MODES)
def test_without_affinity_one_client_moves_between_pods(mode):
    """sessionAffinity None (the default): each new connection is balanced afresh."""
    c = cluster_with(proxy_mode=mode, seed=3)
    assert len({c.request("http://web", from_pod="client").pod for _ in range(30)}) == 3
