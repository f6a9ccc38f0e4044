"""The request path's DNS lookup (``dnsview.resolve_checked``, what ``Cluster.request`` from a
pod uses) gives what ``Cluster.resolve`` gives, draw for draw, and follows every change of
what an answer depends on; the record-type map ``_check_qtype`` keeps is dig's parse.

``resolve_checked`` keeps no answers: each call still picks a CoreDNS replica, reads that
replica's cache at the current clock and draws loadbalance's shuffle.  These rows run the
same change on two clusters of one seed, one asked through ``Cluster.resolve`` and one
through the request path, and compare results and the generators afterwards."""
from __future__ import annotations

import dns.rdatatype
import pytest

from k8snet import Cluster
from k8snet import dnsview
from k8snet.dns.cache import _with_ttl
from k8snet.dns.types import Record, Reply
from k8snet.errors import UsageError

MANIFEST = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: echo, image: 'registry.k8s.io/echoserver:1.10', ports: [{containerPort: 8080}]}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: web-headless}
spec:
  clusterIP: None
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: ext}
spec: {type: ExternalName, externalName: shop.example}
---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  containers: [{name: c, image: curlimages/curl, command: [sleep, infinity]}]
"""

NAMES = [("web", "A"), ("web-headless", "A"), ("ext", "A"), ("shop.example", "A"), ("nope", "A"),
         ("web.default.svc.cluster.local.", "AAAA")]


def _no_disable(cluster):
    cm = cluster.store.peek("ConfigMap", "kube-system", "coredns")
    text = cm["data"]["Corefile"].replace("       disable success cluster.local\n", "")
    cluster.apply({"apiVersion": "v1", "kind": "ConfigMap",
                   "metadata": {"name": "coredns", "namespace": "kube-system"}, "data": {"Corefile": text}})


# (id, change, rule)
CHANGES = [
    ("clock-ttl", lambda c: c.advance(12), "plugin/cache item.go ttl(): a hit's TTL counts down with the clock"),
    ("clock-expiry", lambda c: c.advance(31), "plugin/cache getIfNotStale: an entry past its TTL is asked again"),
    ("corefile-reload", _no_disable, "plugin/reload + cache setup.go: a changed Corefile restarts the caches"),
    ("scale-endpoints", lambda c: c.kubectl("scale deployment web --replicas=1"),
     "spec 2.4.1: a headless Service's A records are its ready endpoints now"),
    ("external-host", lambda c: c.add_external_host("shop.example", "203.0.113.77"),
     "plugin/forward: the upstream's current answer"),
    ("externalname-edit", lambda c: c.apply({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "ext"},
                                             "spec": {"type": "ExternalName", "externalName": "other.example"}}),
     "spec 2.5: the CNAME is the Service's current externalName"),
]


def _cluster():
    c = Cluster(seed=3)
    c.apply(MANIFEST)
    c.add_external_host("shop.example", "203.0.113.9")
    c.add_external_host("other.example", "203.0.113.10")
    return c


def _ask(cluster, public: bool):
    out = []
    for name, qtype in NAMES:
        if public:
            out.append(cluster.resolve(name, qtype=qtype, from_pod="default/client"))
        else:
            with cluster.lock:
                out.append(dnsview.resolve_checked(cluster, name, qtype, "default/client"))
    return out


def _state(cluster):
    return cluster.dns_rng.getstate(), dnsview.coredns(cluster).rng.getstate(), dnsview.coredns_cache(cluster)


@pytest.mark.parametrize("row", CHANGES, ids=[r[0] for r in CHANGES])
def test_request_lookup_follows_changes(row):
    _, change, _rule = row
    public, request = _cluster(), _cluster()
    assert _ask(public, True) == _ask(request, False)
    change(public), change(request)
    after_public, after_request = _ask(public, True), _ask(request, False)
    assert after_public == after_request
    assert _state(public) == _state(request)


def test_changes_change_the_answers():
    """The rows above compare something: each change alters what is answered."""
    base = _cluster()
    before = _ask(base, False)
    for _id, change, rule in CHANGES:
        c = _cluster()
        _ask(c, False)
        change(c)
        assert _ask(c, False) != before, rule


# (spelling, rule)
QTYPES = [("A", "RFC 1035 mnemonic"), ("aaaa", "dig: mnemonics in any case"), ("TYPE1", "RFC 3597: TYPE1 is A"),
          ("TYPE65", "RFC 3597: a number without a mnemonic stays TYPEnnn"), ("srv", "dig: any case"),
          ("Txt", "dig: any case")]


@pytest.mark.parametrize("row", QTYPES, ids=[r[0] for r in QTYPES])
def test_qtype_map_is_dnspythons_parse(row):
    spelling, _rule = row
    fresh = dns.rdatatype.to_text(dns.rdatatype.from_text(spelling))
    expected = spelling if fresh == spelling.upper() else fresh
    assert dnsview._check_qtype(spelling) == expected
    assert dnsview._QTYPES[spelling] == expected
    assert dnsview._check_qtype(spelling) == expected  # from the map


def test_refused_qtype_is_refused_every_time_and_not_kept():
    for _ in range(2):
        with pytest.raises(UsageError, match="not a DNS record type"):
            dnsview._check_qtype("BOGUS")
    assert "BOGUS" not in dnsview._QTYPES


def _rr(ttl, type_="A", value="10.0.0.1"):
    return Record("x.example.", type_, ttl, value)


# (id, reply, ttl, flags, rule)
TTL_ROWS = [
    ("same-ttl", Reply("x.example.", "A", "NOERROR", answer=(_rr(30), _rr(30, value="10.0.0.2"))), 30, {},
     "cache.go filterRRSlice: every record gets the duration (already so)"),
    ("lower-ttl", Reply("x.example.", "A", "NOERROR", answer=(_rr(30), _rr(30, value="10.0.0.2"))), 12, {},
     "item.go toMsg: a hit carries the remaining TTL"),
    ("mixed-ttl", Reply("x.example.", "A", "NOERROR", answer=(_rr(30), _rr(60, value="10.0.0.2")),
                        authority=(_rr(30, "NS", "ns."),)), 30, {}, "filterRRSlice: each section"),
    ("aa-flag", Reply("x.example.", "A", "NOERROR", answer=(_rr(5),), authoritative=False), 5,
     {"authoritative": True}, "item.go toMsg: a cached reply has the AA bit"),
    ("aa-already", Reply("x.example.", "A", "NOERROR", answer=(_rr(5),)), 5, {"authoritative": True},
     "item.go toMsg: AA already set"),
    ("empty", Reply("x.example.", "A", "NXDOMAIN"), 5, {}, "no records: nothing to change"),
]


@pytest.mark.parametrize("row", TTL_ROWS, ids=[r[0] for r in TTL_ROWS])
def test_with_ttl_equals_the_rebuilt_reply(row):
    _, reply, ttl, flags, _rule = row
    def fix(rrs):
        return tuple(Record(r.name, r.type, ttl, r.value) for r in rrs)
    expected = Reply(reply.qname, reply.qtype, reply.rcode, fix(reply.answer), fix(reply.authority),
                     fix(reply.additional), flags.get("authoritative", reply.authoritative), reply.recursion_available)
    assert _with_ttl(reply, ttl, **flags) == expected
