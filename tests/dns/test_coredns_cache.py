"""CoreDNS's cache plugin as kubeadm v1.37 configures it, over simulated time.

Rows name the rule they check: coredns v1.14.6 plugin/cache (cache.go ``key``, ``WriteMsg``,
``set``, ``computeTTL``; handler.go ``getIfNotStale``; item.go ``toMsg``/``ttl``; setup.go
``cacheParse``), plugin/pkg/dnsutil ``MinimalTTLWithMaximum``, plugin/pkg/response ``Typify``,
kubeadm's Corefile (cmd/kubeadm/app/phases/addons/dns/manifests.go) and RFC 2308."""
from __future__ import annotations

import pytest

from k8snet import Cluster
from k8snet.bootstrap import COREDNS_COREFILE
from k8snet.dns.cache import KUBEADM_CACHE, Cache, CacheConfig, ClientCache, typify
from k8snet.dns.types import DNSResult, Record, Reply
from k8snet.dnsview import coredns_cache

SOA_CLUSTER = Record("cluster.local.", "SOA", 30, "ns.dns.cluster.local. hostmaster.cluster.local. 1 7200 1800 86400 30")
SOA_ROOT = Record(".", "SOA", 86400, "a.root-servers.net. nstld.verisign-grs.com. 1 1800 900 604800 86400")


def a(name, ttl, ip="203.0.113.7"):
    return Record(name, "A", ttl, ip)


def reply(name, rcode="NOERROR", answer=(), authority=(), aa=False):
    return Reply(name, "A", rcode, tuple(answer), tuple(authority), authoritative=aa, recursion_available=not aa)


# (id, config, name, reply from the next plugin, seconds later, asked again: hit?, TTL seen then, rule)
ROWS = [
    ("forwarded-answer-kept", KUBEADM_CACHE, "api.example.com.", reply("api.example.com.", answer=[a("api.example.com.", 30)]),
     10, True, 20, "cache.go set: NoError in the success cache; item.go ttl: 30 - 10 s"),
    ("long-ttl-capped-at-30", KUBEADM_CACHE, "api.example.com.", reply("api.example.com.", answer=[a("api.example.com.", 3600)]),
     29, True, 1, "cache 30: computeTTL caps the duration at the TTL argument"),
    ("gone-after-30s", KUBEADM_CACHE, "api.example.com.", reply("api.example.com.", answer=[a("api.example.com.", 3600)]),
     30, False, 30, "handler.go getIfNotStale: only ttl > 0 is served"),
    ("short-ttl-raised-to-5", KUBEADM_CACHE, "api.example.com.", reply("api.example.com.", answer=[a("api.example.com.", 2)]),
     4, True, 1, "computeTTL: MINTTL 5 (dnsutil.MinimalDefaultTTL)"),
    ("nxdomain-with-soa-kept", KUBEADM_CACHE, "new.example.com.", reply("new.example.com.", "NXDOMAIN", authority=[SOA_ROOT]),
     20, True, 10, "key: NameError with an SOA goes to the denial cache; cache 30 caps it"),
    ("nxdomain-without-soa-not-kept", KUBEADM_CACHE, "new.example.com.", reply("new.example.com.", "NXDOMAIN"),
     1, False, 0, "key: 'Negative caching requires an SOA record'"),
    ("nodata-kept", KUBEADM_CACHE, "example.com.", Reply("example.com.", "AAAA", "NOERROR", authority=(SOA_ROOT,),
                                                         authoritative=False),
     5, True, 25, "Typify NoData (NOERROR + SOA): denial cache"),
    ("servfail-kept-5s", KUBEADM_CACHE, "broken.example.", reply("broken.example.", "SERVFAIL"),
     4, True, 1, "ServerError: failttl, 5 s unless 'servfail' says otherwise"),
    ("cluster-name-not-kept", KUBEADM_CACHE, "web.default.svc.cluster.local.",
     reply("web.default.svc.cluster.local.", answer=[a("web.default.svc.cluster.local.", 30, "10.96.0.15")], aa=True),
     1, False, 30, "kubeadm: disable success cluster.local (set: pexcept)"),
    ("cluster-nxdomain-not-kept", KUBEADM_CACHE, "new.default.svc.cluster.local.",
     reply("new.default.svc.cluster.local.", "NXDOMAIN", authority=[SOA_CLUSTER], aa=True),
     1, False, 30, "kubeadm: disable denial cluster.local (set: nexcept)"),
    ("reverse-name-kept", KUBEADM_CACHE, "10.0.96.10.in-addr.arpa.",
     Reply("10.0.96.10.in-addr.arpa.", "A", "NOERROR", (Record("10.0.96.10.in-addr.arpa.", "PTR", 30,
                                                                 "kube-dns.kube-system.svc.cluster.local."),)),
     10, True, 20, "kubeadm disables only cluster.local: in-addr.arpa answers are cached"),
    ("no-cache-plugin", CacheConfig(enabled=False), "api.example.com.",
     reply("api.example.com.", answer=[a("api.example.com.", 30)]), 1, False, 30, "a Corefile without 'cache'"),
    ("keepttl", CacheConfig(success_ttl=30, keepttl=True), "api.example.com.",
     reply("api.example.com.", answer=[a("api.example.com.", 30)]), 10, True, 30, "keepttl: the original TTL"),
]


@pytest.mark.parametrize("row", ROWS, ids=[r[0] for r in ROWS])
def test_cache_rules(row):
    _, config, name, upstream, later, hit, ttl_then, _rule = row
    cache, calls = Cache(config), []

    def next_plugin():
        calls.append(name)
        return upstream

    first = cache.serve(100.0, name, upstream.qtype, next_plugin)
    second = cache.serve(100.0 + later, name, upstream.qtype, next_plugin)
    assert len(calls) == (1 if hit else 2)
    records = second.answer + second.authority
    assert all(r.ttl == ttl_then for r in records)
    assert second.authoritative == (True if hit else upstream.authoritative)  # item.go toMsg sets AA
    assert first.rcode == second.rcode == upstream.rcode


def test_first_reply_ttls_are_the_duration():
    """cache.go WriteMsg: 'Apply capped TTL to this reply' (filterRRSlice), cached or not."""
    up = reply("x.example.", answer=[a("x.example.", 3600), a("x.example.", 60, "203.0.113.8")])
    assert [r.ttl for r in Cache(KUBEADM_CACHE).serve(0, "x.example.", "A", lambda: up).answer] == [30, 30]


def test_denial_first_but_servfail_gives_way():
    """handler.go getIfNotStale: the denial cache is looked at first; a cached SERVFAIL does
    not shadow a valid positive entry."""
    cache = Cache(KUBEADM_CACHE)
    good = reply("flaky.example.", answer=[a("flaky.example.", 30)])
    cache.serve(0, "flaky.example.", "A", lambda: good)
    cache._denial.clear()
    cache.serve(31, "flaky.example.", "A", lambda: reply("flaky.example.", "SERVFAIL"))  # expired: asks, SERVFAIL kept
    cache._success[("flaky.example.", "A")] = type(cache._denial[("flaky.example.", "A")])(good, 31, 30)
    assert cache.serve(32, "flaky.example.", "A", lambda: pytest.fail("asked")).rcode == "NOERROR"


@pytest.mark.parametrize("reply_, kind", [
    (reply("a.", answer=[a("a.", 1)]), "NoError"),
    (reply("a.", "NXDOMAIN", answer=[a("a.", 1)]), "OtherError"),
    (reply("a.", "NOERROR", authority=[SOA_ROOT]), "NoData"),
    (reply("a.", "NXDOMAIN"), "NameError"),
    (reply("a.", "SERVFAIL"), "ServerError"),
    (Reply("a.", "A", "NOERROR", authority=(Record("a.", "NS", 1, "ns.a."),)), "Delegation"),
    (reply("a.", "REFUSED"), "OtherError"),
], ids=["noerror", "nxdomain-with-answer", "nodata", "nameerror", "servfail", "delegation", "refused"])
def test_typify(reply_, kind):
    """plugin/pkg/response Typify."""
    assert typify(reply_) == kind


@pytest.mark.parametrize("text, want", [
    (COREDNS_COREFILE, KUBEADM_CACHE),
    (".:53 {\n    cache\n}\n", CacheConfig()),
    (".:53 {\n    cache 300 example.org\n}\n",
     CacheConfig(success_ttl=300, denial_ttl=300, zones=("example.org.",))),
    (".:53 {\n    cache {\n        success 9984 30\n        denial 9984 5\n    }\n}\n",
     CacheConfig(success_ttl=30, denial_ttl=5)),
    (".:53 {\n    cache 30 {\n        disable denial\n        servfail 0\n    }\n}\n",
     CacheConfig(success_ttl=30, denial_ttl=30, disable_denial=(".",), servfail_ttl=0)),
    (".:53 {\n    forward . /etc/resolv.conf\n}\n", CacheConfig(enabled=False)),
], ids=["kubeadm", "bare", "ttl-and-zone", "nodelocaldns-style", "disable-all-denial", "no-cache"])
def test_corefile_parse(text, want):
    """setup.go cacheParse: 'cache [TTL] [ZONES...]' sets both maximum TTLs; the block refines."""
    assert CacheConfig.from_corefile(text) == want


@pytest.mark.parametrize("text, message", [
    (".:53 {\n    cache 0\n}\n", "cache TTL can not be zero or negative: 0"),
    (".:53 {\n    cache 30 {\n        disable everything\n    }\n}\n", 'cache type for disable must be "success" or "denial"'),
    (".:53 {\n    cache 30 {\n        prefetch 10\n    }\n}\n", "not modelled"),
    (".:53 {\n    cache 30 {\n        servfail 10m\n    }\n}\n", "over 5 minutes is not permitted"),
])
def test_corefile_errors(text, message):
    """setup.go: what CoreDNS refuses to start with (and what k8snet refuses to pretend)."""
    with pytest.raises(ValueError, match=message):
        CacheConfig.from_corefile(text)


CLIENT = """apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  containers: [{name: c, image: busybox, command: [sleep, "3600"]}]
"""
WEB = """apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80}]
"""


@pytest.fixture
def cluster():
    c = Cluster(nodes=2)
    c.apply(CLIENT)
    c.advance(5)
    return c


def test_new_external_name_fails_until_the_negative_entry_expires(cluster):
    """forward + cache 30: an NXDOMAIN (with the upstream SOA) is kept up to 30 s by each
    replica that saw it, so a name that just appeared still fails from some queries."""
    seen = []
    for step in range(10):
        if step == 1:
            cluster.add_external_host("new.example.com", "203.0.113.7")
        r = cluster.resolve("new.example.com", from_pod="default/client")
        seen.append((cluster.now, r.rcode, r.answered_by))
        cluster.advance(5)
    answered = {who for _, _, who in seen}
    assert answered and all(who.startswith("kube-system/coredns-") for who in answered)
    nx_after_change = [t for t, rcode, _ in seen[1:] if rcode == "NXDOMAIN"]
    assert nx_after_change, "some replica kept the NXDOMAIN"
    assert max(nx_after_change) < seen[0][0] + 30  # never past the 30 s cap after the first miss...
    assert seen[-1][1] == "NOERROR"                # ...and the name resolves in the end


def test_new_service_resolves_at_once(cluster):
    """kubeadm: disable denial cluster.local: the NXDOMAIN for a Service not yet created is
    never kept, so it resolves the moment the Service exists."""
    assert cluster.resolve("web", from_pod="default/client").rcode == "NXDOMAIN"
    cluster.apply(WEB)
    assert cluster.resolve("web", from_pod="default/client").rcode == "NOERROR"
    assert not any(name.endswith("cluster.local.") for es in coredns_cache(cluster).values() for _, name, _, _ in es)


def test_replicas_keep_separate_caches(cluster):
    """One cache per CoreDNS process: each entry lives only in the replica that answered."""
    cluster.add_external_host("example.com", "93.184.216.34")
    r = cluster.resolve("example.com.")
    entries = coredns_cache(cluster)
    assert len(entries) == 2
    assert [("success", "example.com.", "A", 30)] == entries[r.answered_by]
    assert [e for pod, es in entries.items() if pod != r.answered_by for e in es] == []


def test_edited_corefile_caches_cluster_names(cluster):
    """reload: the Corefile of ConfigMap kube-system/coredns drives the cache; without the
    'disable' lines a cluster.local NXDOMAIN is kept too (kubeadm's Corefile before kubernetes PR #128359)."""
    cm = cluster.store.peek("ConfigMap", "kube-system", "coredns")
    text = cm["data"]["Corefile"].replace("    cache 30 {\n       disable success cluster.local\n"
                                          "       disable denial cluster.local\n    }\n", "    cache 30\n")
    cluster.apply({"apiVersion": "v1", "kind": "ConfigMap",
                   "metadata": {"name": "coredns", "namespace": "kube-system"}, "data": {"Corefile": text}})
    for _ in range(6):  # reach both replicas
        cluster.resolve("web.default.svc.cluster.local")
    cluster.apply(WEB)
    later = [cluster.resolve("web.default.svc.cluster.local").rcode for _ in range(6)]
    assert "NXDOMAIN" in later
    cluster.advance(30)
    assert cluster.resolve("web.default.svc.cluster.local").rcode == "NOERROR"


def test_configmap_is_kubeadms():
    """kubeadm CoreDNSConfigMap: kube-system/coredns holds the Corefile, no apply annotation."""
    out = Cluster(nodes=1).kubectl("-n kube-system get configmap coredns -o yaml")
    assert "        cache 30 {\n           disable success cluster.local\n           disable denial cluster.local\n" in out
    assert "last-applied" not in out


# (id, result, kept for, rule)
CLIENT_ROWS = [
    ("positive-ttl", DNSResult("NOERROR", "web.default.svc.cluster.local.", "A",
                               (Record("web.default.svc.cluster.local.", "A", 30, "10.96.0.15"),)), 30,
     "RFC 1035 3.2.1: an answer may be kept for its TTL"),
    ("negative-soa-minimum", DNSResult("NXDOMAIN", "new.default.svc.cluster.local.", "A",
                                       authority=(SOA_CLUSTER,)), 30,
     "RFC 2308 section 5: min(SOA TTL, SOA MINIMUM)"),
    ("negative-without-soa", DNSResult("NXDOMAIN", "x.", "A"), 0, "RFC 2308 section 5: no SOA, not cached"),
]


@pytest.mark.parametrize("row", CLIENT_ROWS, ids=[r[0] for r in CLIENT_ROWS])
def test_client_cache(row):
    _, result, kept, _rule = row
    cache, calls = ClientCache(), []
    resolve = lambda: calls.append(1) or result  # noqa: E731
    cache.lookup(0, result.qname, "A", resolve)
    if kept:
        assert cache.lookup(kept - 1, result.qname, "A", resolve) == (result, True)
    assert cache.lookup(kept, result.qname, "A", resolve) == (result, False)
    assert len(calls) == 2


def test_only_the_first_server_block_counts():
    """Corefile: each server block has its own plugins; the cluster's is '.:53'."""
    text = ".:53 {\n    cache 30\n}\nexample.org:53 {\n    cache 300\n}\n"
    assert CacheConfig.from_corefile(text).success_ttl == 30
    assert not CacheConfig.from_corefile(".:53 {\n    forward . 1.1.1.1\n}\nx:53 {\n    cache\n}\n").enabled
