"""The iptables path cache replays earlier walks: same verdicts, same steps, same draws.

Each row sends a burst of one packet through node-1 (tests/proxy/objects.py) twice, with
the same seed: once through ``trace`` (which replays remembered walks) and once through a
fresh walker every time (no cache). Results and the generator's final state must agree:
xt_statistic draws once per ``-m statistic`` rule met (net/netfilter/xt_statistic.c,
statistic_mt), and ``-m recent`` reads node state (net/netfilter/xt_recent.c), so a cached
path may neither skip a draw nor replay a recent check.
"""
from __future__ import annotations

import random

import pytest

from k8snet.proxy import Entry, trace
from k8snet.proxy.trace import Packet, _IptablesWalker, _walk_hooks

from .objects import make_state

POD, NODE_SRC, OUTSIDE = "10.244.1.9", "172.18.0.2", "198.51.100.7"

BURSTS = [
    # (id, upstream rule, entry, src, dst, port, proto)
    ("clusterip-3-endpoints", "iptables proxier: KUBE-SVC statistic --probability 1/n chain",
     Entry.POD, POD, "10.96.100.10", 80, "TCP"),
    ("node-source-masq", "KUBE-SVC: `! -s clusterCIDR` -> KUBE-MARK-MASQ, then the statistic chain",
     Entry.NODE, NODE_SRC, "10.96.100.10", 80, "TCP"),
    ("nodeport-external", "KUBE-EXT: masquerade traffic for external destinations",
     Entry.EXTERNAL, OUTSIDE, "172.18.0.2", 30080, "TCP"),
    ("dns-udp", "KUBE-SVC for kube-dns:dns (udp), two endpoints",
     Entry.POD, POD, "10.96.0.10", 53, "UDP"),
    ("no-endpoints-reject", "filter KUBE-SERVICES REJECT (has no endpoints): no draw at all",
     Entry.POD, POD, "10.96.9.9", 80, "TCP"),
    ("session-affinity", "xt_recent --rcheck before the statistic rules: never replayed",
     Entry.POD, POD, "10.96.50.50", 80, "TCP"),
    ("not-a-service", "no kube-proxy rule matches", Entry.POD, POD, "10.244.2.7", 8080, "TCP"),
]


def _uncached(state, rng, now, **pkt):
    p = Packet(pkt["src_ip"], pkt["dst_ip"], pkt["dst_port"], pkt["protocol"].lower())
    w = _IptablesWalker(state.iptables_tables(), p, state.node_ip, rng, state.runtime, now)
    return _walk_hooks(w, p, Entry(pkt["entry"]), state.node_ip)


@pytest.mark.parametrize("title,rule,entry,src,dst,port,proto", BURSTS, ids=[b[0] for b in BURSTS])
def test_cached_burst_equals_uncached_walks(title, rule, entry, src, dst, port, proto):
    pkt = dict(src_ip=src, dst_ip=dst, dst_port=port, protocol=proto, entry=entry)
    cached_state, plain_state = make_state(), make_state()
    rng_a, rng_b = random.Random(7), random.Random(7)
    cached = [trace(cached_state, rng=rng_a, now=float(i), **pkt) for i in range(200)]
    plain = [_uncached(plain_state, rng_b, float(i), **pkt) for i in range(200)]
    assert cached == plain
    assert rng_a.getstate() == rng_b.getstate()  # the same number of draws, in the same order


def test_new_sync_forgets_old_paths():
    """A rules change builds a new tables object (proxier syncProxyRules): no stale replay."""
    from .objects import service
    state = make_state()
    pkt = dict(src_ip=POD, dst_ip="10.96.9.9", dst_port=80, protocol="TCP", entry=Entry.POD)
    old_tables = state.iptables_tables()
    trace(state, rng=random.Random(1), **pkt)
    state.update_service(None, service("late", "10.96.9.9", [{"name": "http", "port": 80}], ns="other"))
    assert state.iptables_tables() is not old_tables
    assert trace(state, rng=random.Random(1), **pkt) == _uncached(state, random.Random(1), 0.0, **pkt)
