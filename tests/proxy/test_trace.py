"""Packet walks through the node's rules, in the three proxy modes.

Packet-flow rows read like the spec: (what, entry, src, dst, port, protocol) → verdict,
endpoint, masquerade.  Base scenario (tests/proxy/objects.py) seen from node-1 (172.18.0.2).
"""
from __future__ import annotations

import random
from collections import Counter

import pytest

from k8snet.proxy import Entry, Verdict, trace

from .objects import make_state

POD, NODE_SRC, OUTSIDE = "10.244.1.9", "172.18.0.2", "198.51.100.7"
WEB_EPS = {"10.244.1.5:8080", "10.244.2.7:8080", "10.244.2.8:8080"}

FLOWS = [
    # (title, upstream rule, entry, src, dst, port, proto, verdict, endpoint in, masq)
    ("pod to ClusterIP", "KUBE-SVC: no masquerade for in-cluster sources",
     Entry.POD, POD, "10.96.100.10", 80, "TCP", Verdict.DNAT, WEB_EPS, False),
    ("node to ClusterIP", "KUBE-SVC: `! -s clusterCIDR` → KUBE-MARK-MASQ",
     Entry.NODE, NODE_SRC, "10.96.100.10", 80, "TCP", Verdict.DNAT, WEB_EPS, True),
    ("external to NodePort (ETP Cluster)", "KUBE-EXT: masquerade traffic for external destinations",
     Entry.EXTERNAL, OUTSIDE, "172.18.0.2", 30080, "TCP", Verdict.DNAT, WEB_EPS, True),
    ("UDP DNS from a pod", "KUBE-SVC for kube-dns:dns (udp)",
     Entry.POD, POD, "10.96.0.10", 53, "UDP", Verdict.DNAT, {"10.244.1.2:53", "10.244.2.2:53"}, False),
    ("pod to Service without endpoints", "filter KUBE-SERVICES REJECT (has no endpoints)",
     Entry.POD, POD, "10.96.9.9", 80, "TCP", Verdict.REJECT, {None}, False),
    ("pod to ITP Local Service, no local endpoint", "filter KUBE-SERVICES DROP (has no local endpoints)",
     Entry.POD, POD, "10.96.60.60", 80, "TCP", Verdict.DROP, {None}, False),
    ("external to NodePort, ETP Local, no local endpoint", "KUBE-EXTERNAL-SERVICES DROP",
     Entry.EXTERNAL, OUTSIDE, "172.18.0.2", 31080, "TCP", Verdict.DROP, {None}, False),
    ("external to LB IP, ETP Local, no local endpoint", "KUBE-EXTERNAL-SERVICES DROP for the LB IP",
     Entry.EXTERNAL, OUTSIDE, "203.0.113.10", 80, "TCP", Verdict.DROP, {None}, False),
    ("pod to NodePort, ETP Local", "KUBE-EXT: pod traffic short-circuits to KUBE-SVC, keeps source",
     Entry.POD, POD, "172.18.0.2", 31080, "TCP", Verdict.DNAT, {"10.244.2.9:8080"}, False),
    ("node to LB IP, ETP Local", "KUBE-EXT: masquerade + route LOCAL traffic to KUBE-SVC",
     Entry.NODE, NODE_SRC, "203.0.113.10", 80, "TCP", Verdict.DNAT, {"10.244.2.9:8080"}, True),
    ("hairpin: endpoint reaches itself", "KUBE-SEP: `-s <endpoint>` → KUBE-MARK-MASQ",
     Entry.POD, "10.244.1.5", "10.96.100.10", 80, "TCP", Verdict.DNAT, WEB_EPS, None),
    ("not a Service", "no kube-proxy rule matches",
     Entry.POD, POD, "10.244.2.7", 8080, "TCP", Verdict.NO_MATCH, {None}, False),
]

# Where upstream's backends differ (nftables: cluster-ips-check; ipvs: refused at the VIP).
OVERRIDES = {
    # ipvs: the virtual server exists with no real server; the VIP is local, nothing listens.
    ("ipvs", "pod to ITP Local Service, no local endpoint"): Verdict.REJECT,
    ("ipvs", "pod to NodePort, ETP Local"): Verdict.REJECT,
    ("ipvs", "node to LB IP, ETP Local"): Verdict.REJECT,
    # (nftables matches iptables here since v1.34: service-endpoints-check moved from
    # filter-output at dstnat-10 to filter-output at filter priority, after nat-output's DNAT,
    # so the node's own traffic short-circuits to the service chain instead of meeting the
    # "drop" element of no-endpoint-services first.)
    ("ipvs", "external to NodePort, ETP Local, no local endpoint"): Verdict.REJECT,
    ("ipvs", "external to LB IP, ETP Local, no local endpoint"): Verdict.REJECT,
}


@pytest.mark.parametrize("mode", ["iptables", "nftables", "ipvs"])
@pytest.mark.parametrize("title,rule,entry,src,dst,port,proto,verdict,endpoints,masq", FLOWS,
                         ids=[f[0] for f in FLOWS])
def test_packet_flow(mode, title, rule, entry, src, dst, port, proto, verdict, endpoints, masq):
    """Packet-flow table (pkg/proxy/{iptables,nftables,ipvs}/proxier.go; row names the rule)."""
    state = make_state(mode=mode)
    result = trace(state, src_ip=src, dst_ip=dst, dst_port=port, protocol=proto,
                   rng=random.Random(7), now=0.0, entry=entry)
    want = OVERRIDES.get((mode, title), verdict)
    assert result.verdict is want, result.describe()
    if want is Verdict.DNAT:
        assert result.endpoint in endpoints
        expect_masq = (result.endpoint.split(":")[0] == src) if masq is None else masq
        assert result.masqueraded is expect_masq, result.describe()
    else:
        assert result.endpoint is None


@pytest.mark.parametrize("dst,port,want", [
    ("10.96.60.60", 81, Verdict.REJECT),
    ("10.96.61.61", 80, Verdict.DROP),
], ids=["undefined port of a ClusterIP → cluster-ips-check reject",
        "unallocated IP of the service CIDR → drop"])
def test_nftables_only_behaviours(dst, port, want):
    """nftables/proxier.go setupNFTables cluster-ips-check; iptables mode has no such rule."""
    nft = trace(make_state(mode="nftables"), src_ip=POD, dst_ip=dst, dst_port=port,
                rng=random.Random(1), entry=Entry.POD)
    ipt = trace(make_state(mode="iptables"), src_ip=POD, dst_ip=dst, dst_port=port,
                rng=random.Random(1), entry=Entry.POD)
    assert (nft.verdict, ipt.verdict) == (want, Verdict.NO_MATCH)


def test_nftables_nodeport_only_on_primary_ip():
    """nftables mode: NodePorts only on @nodeport-ips (the node's primary IP), not 127.0.0.1;
    iptables mode (localhostNodePorts=true) also accepts them on localhost."""
    kw = dict(src_ip="127.0.0.1", dst_ip="127.0.0.1", dst_port=30080, rng=random.Random(1), entry=Entry.NODE)
    assert trace(make_state(mode="nftables"), **kw).verdict is Verdict.NO_MATCH
    assert trace(make_state(mode="iptables"), **kw).verdict is Verdict.DNAT


@pytest.mark.parametrize("mode", ["iptables", "nftables", "ipvs"])
def test_spread_over_three_endpoints(mode):
    """3000 connections from different clients over 3 endpoints: each gets 1/3 ± 0.05.

    iptables: the cascade 0.33333333349, 0.5, rest (each rule drawn in order); nftables:
    numgen random mod 3; ipvs rr: exactly 1000 each."""
    state = make_state(mode=mode)
    rng = random.Random(2024)
    counts = Counter(trace(state, src_ip=f"10.244.{1 + i // 250}.{i % 250 + 1}", dst_ip="10.96.100.10",
                           dst_port=80, rng=rng, entry=Entry.POD).endpoint for i in range(3000))
    assert set(counts) == WEB_EPS
    for ep, n in counts.items():
        assert 850 <= n <= 1150, counts


def test_iptables_statistic_rules_are_walked_in_order():
    """writeServiceToEndpointRules: rule i matches with probability 1/(n-i); the trace shows
    every draw it made, with the stored probability."""
    state = make_state()
    result = trace(state, src_ip=POD, dst_ip="10.96.100.10", dst_port=80, rng=random.Random(3))
    draws = [s for s in result.steps if s.probability is not None]
    assert draws and all(abs(d.probability - p) < 1e-9
                         for d, p in zip(draws, (715827883 / 2**31, 0.5)))
    assert draws[-1].matched


@pytest.mark.parametrize("mode", ["iptables", "nftables", "ipvs"])
@pytest.mark.parametrize("after,same", [(100.0, True), (10799.0, True), (10801.0, False)],
                         ids=["after-100s", "just-inside-10800s", "expired-after-10800s"])
def test_session_affinity_expiry(mode, after, same):
    """sessionAffinity ClientIP, timeoutSeconds 10800: iptables `-m recent --rcheck --seconds
    10800 --reap`, nftables affinity set `timeout 3h`, ipvs `persistent 10800`.  Within the
    timeout the client keeps its endpoint; after it, a fresh choice is made (checked over
    many clients: some land elsewhere)."""
    state = make_state(mode=mode)
    rng = random.Random(11)
    clients = [f"10.244.1.{i}" for i in range(100, 141)]  # odd: rr shifts
    first = {c: trace(state, src_ip=c, dst_ip="10.96.50.50", dst_port=80, rng=rng, now=0.0).endpoint
             for c in clients}
    later = {c: trace(state, src_ip=c, dst_ip="10.96.50.50", dst_port=80, rng=rng, now=after).endpoint
             for c in clients}
    if same:
        assert later == first
    else:
        assert later != first


def test_affinity_refreshes_on_each_connection():
    """xt_recent --set runs on every connection through the SEP chain: the 10800s count from
    the last connection, not the first."""
    state = make_state()
    rng = random.Random(5)
    kw = dict(src_ip="10.244.1.77", dst_ip="10.96.50.50", dst_port=80, rng=rng)
    ep = trace(state, now=0.0, **kw).endpoint
    assert trace(state, now=10000.0, **kw).endpoint == ep
    assert trace(state, now=20000.0, **kw).endpoint == ep


@pytest.mark.parametrize("scheduler,check", [
    ("rr", "cycle"), ("lc", "least"), ("sh", "hash"),
], ids=["rr: ip_vs_rr.c next server", "lc: ip_vs_lc.c least active", "sh: ip_vs_sh.c source hash"])
def test_ipvs_schedulers(scheduler, check):
    """IPVS schedulers pick the real server, with per-node state in state.runtime.ipvs."""
    state = make_state(mode="ipvs", scheduler=scheduler)
    rng = random.Random(0)
    pick = lambda src: trace(state, src_ip=src, dst_ip="10.96.100.10", dst_port=80, rng=rng).endpoint  # noqa: E731
    if check == "cycle":
        got = [pick(POD) for _ in range(6)]
        assert got == ["10.244.1.5:8080", "10.244.2.7:8080", "10.244.2.8:8080"] * 2
    elif check == "least":
        a, b = pick(POD), pick(POD)
        vs = next(v for v in state.ipvs_services() if v.address == "10.96.100.10")
        rs = next(r for r in vs.real_servers if str(r) == a)
        state.runtime.ipvs.close(vs, rs)
        assert a != b and pick(POD) == a
    else:
        assert len({pick("198.51.100.7") for _ in range(5)}) == 1
        assert len({pick(f"198.51.100.{i}") for i in range(1, 60)}) == 3


def test_ipvsadm_shows_active_connections():
    """ipvsadm -Ln ActiveConn column reflects the node's IPVS state."""
    state = make_state(mode="ipvs")
    trace(state, src_ip=POD, dst_ip="10.96.0.1", dst_port=443, rng=random.Random(0))
    line = next(ln for ln in state.ipvsadm().splitlines() if "172.18.0.2:6443" in ln)
    assert line == "  -> 172.18.0.2:6443              Masq    1      1          0         "


def test_trace_result_is_frozen():
    """Trace results are immutable records."""
    r = trace(make_state(), src_ip=POD, dst_ip="10.96.0.1", dst_port=443, rng=random.Random(0))
    with pytest.raises(AttributeError):
        r.verdict = Verdict.DROP  # type: ignore[misc]


@pytest.mark.parametrize("mode", ["iptables", "nftables", "ipvs"])
@pytest.mark.parametrize("src,want", [("198.51.100.7", Verdict.DNAT), ("192.0.2.99", Verdict.DROP)],
                         ids=["inside loadBalancerSourceRanges", "outside → KUBE-PROXY-FIREWALL / firewall-check drop"])
def test_load_balancer_source_ranges(mode, src, want):
    """iptables KUBE-FW-* chain + filter KUBE-PROXY-FIREWALL; nftables firewall-ips map; ipvs
    KUBE-LOAD-BALANCER-FW -> KUBE-SOURCE-RANGES-FIREWALL (RETURN for KUBE-LOAD-BALANCER-SOURCE-CIDR, else DROP)."""
    from .objects import base_objects, endpoint, endpoint_slice, service
    services, slices, nodes = base_objects()
    services.append(service("guarded", "10.96.70.70", [{"name": "http", "port": 80, "nodePort": 31500}],
                            type="LoadBalancer", lb_ips=("203.0.113.20",), source_ranges=("198.51.100.0/24",)))
    slices.append(endpoint_slice("guarded", [endpoint("10.244.2.11", "node-2")], [{"name": "http", "port": 80}]))
    state = make_state(mode=mode, services=services, slices=slices, nodes=nodes)
    result = trace(state, src_ip=src, dst_ip="203.0.113.20", dst_port=80, rng=random.Random(1),
                   entry=Entry.EXTERNAL)
    assert result.verdict is want, result.describe()
