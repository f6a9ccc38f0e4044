"""The DNS caches save work and change nothing: a cached answer equals a fresh one, the
loadbalance shuffle draws the same numbers, and any change to the cluster is seen.

Upstream, CoreDNS's ``cache 30`` (kubeadm's Corefile) is disabled for cluster.local, so
the simulator must answer from the objects' current state: these caches are keyed on an
immutable Zone (rebuilt for each ``store.version``) and on the query's own bytes.  (CoreDNS's
own cache of forwarded names is modelled, over simulated time, in k8snet.dns.cache.)"""
from __future__ import annotations

import random

import dns.message
import pytest

from dnsworld import ENDPOINTSLICES, EXTERNAL_HOSTS, NAMESPACES, SERVICES, endpoint, endpointslice, pod, service
from k8snet import Cluster
from k8snet.dns import Zone, resolve
from k8snet.dns.server import WireCache, handle_wire

BIG = [service("big", cluster_ip="None")]
BIG_SLICE = [endpointslice("big", [endpoint(f"10.244.3.{i}") for i in range(1, 61)], suffix="zzzzz")]


def make_zone() -> Zone:
    return Zone.from_objects(SERVICES + BIG, ENDPOINTSLICES + BIG_SLICE, [], NAMESPACES, EXTERNAL_HOSTS)


# (id, name, qtype, pod namespace or None, rule)
QUESTIONS = [
    ("clusterip-a", "web.default.svc.cluster.local", "A", None, "spec 2.3.1: A record of a ClusterIP Service"),
    ("headless-a-shuffled", "db.default.svc.cluster.local", "A", None,
     "spec 2.4.1 + plugin/loadbalance roundRobin: every ready endpoint, shuffled"),
    ("srv-with-additional", "_postgres._tcp.db.default.svc.cluster.local", "SRV", None,
     "spec 2.4.2: SRV per endpoint, A records in additional (both shuffled)"),
    ("externalname-cname-chain", "ext.default.svc.cluster.local", "A", None,
     "spec 2.5: CNAME to the external name, then upstream's A"),
    ("nxdomain", "nope.default.svc.cluster.local", "A", None, "handler.go: NXDOMAIN with the zone's SOA"),
    ("short-name-search-walk", "db", "A", "default",
     "glibc res_nsearch: <ns>.svc.cluster.local first (ndots:5)"),
    ("short-name-other-namespace", "web", "A", "prod", "dns.go GetPodDNS: the pod's own namespace first"),
    ("upstream-name", "example.com", "A", "default", "forward plugin after the search list"),
    ("big-headless", "big.default.svc.cluster.local", "A", None, "loadbalance: 60 records, many draws"),
]


def _ask_all(zone: Zone, rng: random.Random, times: int):
    out = []
    for _ in range(times):
        for _, name, qtype, ns, _ in QUESTIONS:
            out.append(resolve(zone, name, qtype, pod=pod("c", ns=ns) if ns else None, rng=rng))
    return out


@pytest.mark.parametrize("row", QUESTIONS, ids=[q[0] for q in QUESTIONS])
def test_cached_reply_equals_fresh_and_draws_the_same(row):
    """Zone.query: the reply asked a second time (from the cache) is the one a fresh Zone
    gives, and the shuffle after it draws from the generator exactly as before."""
    _, name, qtype, ns, _ = row
    warm = make_zone()
    resolve(warm, name, qtype, pod=pod("c", ns=ns) if ns else None)  # fills warm's cache
    rng_warm, rng_fresh = random.Random(11), random.Random(11)
    cached = resolve(warm, name, qtype, pod=pod("c", ns=ns) if ns else None, rng=rng_warm)
    fresh = resolve(make_zone(), name, qtype, pod=pod("c", ns=ns) if ns else None, rng=rng_fresh)
    assert cached == fresh
    assert rng_warm.getstate() == rng_fresh.getstate()


def test_long_sequence_same_as_fresh_zones():
    """Many questions in a row: one Zone (caching) and a new Zone per question (never
    caching) give the same answers in the same shuffled orders."""
    rng_a, rng_b = random.Random(5), random.Random(5)
    cached = _ask_all(make_zone(), rng_a, times=4)
    fresh = [r for _ in range(4) for r in _ask_all_fresh(rng_b)]
    assert cached == fresh


def _ask_all_fresh(rng):
    return [resolve(make_zone(), name, qtype, pod=pod("c", ns=ns) if ns else None, rng=rng)
            for _, name, qtype, ns, _ in QUESTIONS]


SVC_YAML = """apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec: {ports: [{port: 80}], selector: {app: web}}
"""
POD_YAML = """apiVersion: v1
kind: Pod
metadata: {{name: client, namespace: default}}
spec:
  dnsPolicy: {policy}
  containers: [{{name: c, image: busybox:1.36}}]
"""


# (id, change applied between two identical questions, name, from_pod, answers before, after, rule)
CHANGES = [
    ("external-host-readdressed", lambda c: (c.add_external_host("example.com", "5.6.7.8"), c.advance(30)),
     "example.com", None, [("example.com.", "A", "1.2.3.4")], [("example.com.", "A", "5.6.7.8")],
     "forward plugin: the upstream answers what the simulated internet says now, once CoreDNS's "
     "cache 30 has let the old answer go (test_coredns_cache.py shows the 30 s in between)"),
    ("service-deleted", lambda c: c.delete("service/web"),
     "web.default.svc.cluster.local", None, "one A record", [],
     "kubernetes plugin watches Services: a deleted Service is NXDOMAIN at once"),
    ("pod-recreated-with-default-policy",
     lambda c: (c.delete("pod/client"), c.apply(POD_YAML.format(policy="Default"))),
     "web", "default/client", "one A record", [],
     "kubelet GetPodDNS: the new pod's resolv.conf (Default: no cluster search list)"),
]


@pytest.mark.parametrize("row", CHANGES, ids=[c[0] for c in CHANGES])
def test_cluster_changes_are_seen(row):
    """dnsview's cache (Zone and resolv.confs) is rebuilt after any change."""
    _, change, name, from_pod, before, after, _ = row
    c = Cluster(seed=1)
    c.add_external_host("example.com", "1.2.3.4")
    c.apply(SVC_YAML)
    c.apply(POD_YAML.format(policy="ClusterFirst"))
    first = c.resolve(name, from_pod=from_pod).answers
    assert (len(first) == 1) if before == "one A record" else first == before
    change(c)
    assert c.resolve(name, from_pod=from_pod).answers == after


WIRE_QUESTIONS = [("db.default.svc.cluster.local.", "A", {}), ("big.default.svc.cluster.local.", "A", {}),
                  ("big.default.svc.cluster.local.", "A", {"use_edns": 0, "payload": 4096}),
                  ("_postgres._tcp.db.default.svc.cluster.local.", "SRV", {}),
                  ("nope.default.svc.cluster.local.", "A", {}), ("example.com.", "A", {})]


class SeededResolver:
    """What the server calls: ``resolve(name, qtype=...)`` with a seeded shuffle."""

    def __init__(self, seed: int):
        self.zone, self.rng = make_zone(), random.Random(seed)

    def resolve(self, name, *, qtype="A"):
        return resolve(self.zone, name, qtype, rng=self.rng)


@pytest.mark.parametrize("max_size", [512, None], ids=["udp", "tcp"])
def test_wire_cache_gives_the_same_bytes(max_size):
    """handle_wire with a WireCache: byte-identical replies to the uncached path, each with
    the asker's own ID, and the same generator draws."""
    cached, plain, cache = SeededResolver(3), SeededResolver(3), WireCache(limit=4)
    for i in range(60):
        name, qtype, kw = WIRE_QUESTIONS[i % len(WIRE_QUESTIONS)]
        wire = dns.message.make_query(name, qtype, id=i, **kw).to_wire()
        a = handle_wire(wire, cached.resolve, max_size=max_size, cache=cache)
        b = handle_wire(wire, plain.resolve, max_size=max_size)
        assert a == b and a[:2] == wire[:2]
    assert cached.rng.getstate() == plain.rng.getstate()


def test_wire_order_is_the_loadbalance_order():
    """plugin/loadbalance then miekg/dns writes msg.Answer in order: the wire carries the
    seeded order (dnspython's own RRset shuffle, from the unseeded global random, is off)."""
    query = dns.message.make_query("big.default.svc.cluster.local.", "A", use_edns=0, payload=4096)
    expected = SeededResolver(9).resolve("big.default.svc.cluster.local.")
    reply = dns.message.from_wire(handle_wire(query.to_wire(), SeededResolver(9).resolve))
    assert [rd.to_text() for rd in reply.answer[0]] == [r.value for r in expected.records]
