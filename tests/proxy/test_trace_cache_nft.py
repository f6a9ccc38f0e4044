"""The nftables path cache replays earlier walks: same verdicts, same steps, same draws.

As tests/proxy/test_trace_cache.py does for iptables: each row sends a burst of one packet
through node-1's ``ip kube-proxy`` table (tests/proxy/objects.py) twice with the same seed,
once through ``trace`` (which replays remembered walks) and once through a fresh walker each
time. Results and the generator's final state must agree: ``numgen random mod N`` draws once
per verdict map met (nft_numgen.c, nft_ng_random_eval), and the affinity sets are node state
(``update @affinity-...`` / ``ip saddr @affinity-...``, nft_dynset.c, nft_lookup.c), so a
cached path may neither skip a draw nor replay an affinity check.
"""
from __future__ import annotations

import random

import pytest

from k8snet.proxy import Entry, trace
from k8snet.proxy.trace import Packet
from k8snet.proxy.trace_backends import _NftWalker, _walk_nftables

from .objects import make_state, service

POD, NODE_SRC, OUTSIDE = "10.244.1.9", "172.18.0.2", "198.51.100.7"

BURSTS = [
    # (id, upstream rule, entry, src, dst, port, proto, seconds between packets)
    ("clusterip-3-endpoints", "nftables proxier: service chain's numgen random mod 3 vmap",
     Entry.POD, POD, "10.96.100.10", 80, "TCP", 1.0),
    ("node-source-masq", "nftables proxier: mark-for-masquerade for a source outside the cluster CIDR",
     Entry.NODE, NODE_SRC, "10.96.100.10", 80, "TCP", 1.0),
    ("nodeport-external", "nftables proxier: nodeport-ips . nodeport vmap, external-* chain masquerades",
     Entry.EXTERNAL, OUTSIDE, "172.18.0.2", 30080, "TCP", 1.0),
    ("dns-udp", "service chain for kube-dns:dns (udp), two endpoints", Entry.POD, POD, "10.96.0.10", 53, "UDP", 1.0),
    ("no-endpoints-reject", "no-endpoint-services vmap: reject, no draw at all",
     Entry.POD, POD, "10.96.9.9", 80, "TCP", 1.0),
    ("session-affinity", "affinity set checked before numgen: never replayed", Entry.POD, POD, "10.96.50.50", 80,
     "TCP", 1.0),
    ("session-affinity-expiring", "the affinity set's timeout (10800 s) passes between packets: a new draw",
     Entry.POD, POD, "10.96.50.50", 80, "TCP", 6000.0),
    ("not-a-service", "no kube-proxy rule matches", Entry.POD, POD, "10.244.2.7", 8080, "TCP", 1.0),
]


def _uncached(state, rng, now, **pkt):
    p = Packet(pkt["src_ip"], pkt["dst_ip"], pkt["dst_port"], pkt["protocol"].lower())
    w = _NftWalker(state.nft_table(), p, state.node_ip, rng, state.runtime, now)
    return _walk_nftables(w, state, p, Entry(pkt["entry"]))


@pytest.mark.parametrize("title,rule,entry,src,dst,port,proto,step", BURSTS, ids=[b[0] for b in BURSTS])
def test_cached_burst_equals_uncached_walks(title, rule, entry, src, dst, port, proto, step):
    pkt = dict(src_ip=src, dst_ip=dst, dst_port=port, protocol=proto, entry=entry)
    cached_state, plain_state = make_state(mode="nftables"), make_state(mode="nftables")
    rng_a, rng_b = random.Random(7), random.Random(7)
    cached = [trace(cached_state, rng=rng_a, now=i * step, **pkt) for i in range(200)]
    plain = [_uncached(plain_state, rng_b, i * step, **pkt) for i in range(200)]
    assert cached == plain
    assert rng_a.getstate() == rng_b.getstate()  # the same number of draws, in the same order


def test_new_sync_forgets_old_paths():
    """A rules change builds a new table object (proxier syncProxyRules): no stale replay."""
    state = make_state(mode="nftables")
    pkt = dict(src_ip=POD, dst_ip="10.96.9.9", dst_port=80, protocol="TCP", entry=Entry.POD)
    old_table = state.nft_table()
    before = trace(state, rng=random.Random(1), **pkt)
    state.update_service(None, service("late", "10.96.9.9", [{"name": "http", "port": 80}], ns="other"))
    assert state.nft_table() is not old_table
    after = trace(state, rng=random.Random(1), **pkt)
    assert after == _uncached(state, random.Random(1), 0.0, **pkt) and after != before
