"""CoreDNS's kubernetes plugin as kubeadm configures it, row by row.

Each row names the rule: a section of kubernetes/dns docs/specification.md ("spec 2.3.1"),
or the CoreDNS source that decides it (plugin/kubernetes/*.go, plugin/backend_lookup.go).
"""
from __future__ import annotations

import dataclasses
import random

import pytest

from dnsworld import zone as make_zone
from k8snet.dns import DNSResult, Record, Zone
from k8snet.dns.parse import InvalidRequest, RecordRequest, parse_request

Z = make_zone()
SOA = ("cluster.local.", "SOA",
       "ns.dns.cluster.local. hostmaster.cluster.local. 1735689600 7200 1800 86400 30")

# (id, qname, qtype, rcode, answers, authoritative, rule)
ROWS = [
    # --- spec 2.2: schema version
    ("schema-version", "dns-version.cluster.local.", "TXT", "NOERROR",
     [("dns-version.cluster.local.", "TXT", '"1.1.0"')], True, "spec 2.2 Record for Schema Version"),
    # --- spec 2.3: Service with ClusterIP
    ("clusterip-A", "web.default.svc.cluster.local.", "A", "NOERROR",
     [("web.default.svc.cluster.local.", "A", "10.96.0.15")], True, "spec 2.3.1 A/AAAA Record"),
    ("clusterip-other-namespace", "web.prod.svc.cluster.local.", "A", "NOERROR",
     [("web.prod.svc.cluster.local.", "A", "10.96.0.20")], True, "spec 2.3.1 A/AAAA Record"),
    ("ipv4-only-AAAA-is-NODATA", "web.default.svc.cluster.local.", "AAAA", "NOERROR", [], True,
     "handler_test.go: AAAA Service (with an existing A record, but no AAAA record)"),
    ("dual-stack-A", "dual.default.svc.cluster.local.", "A", "NOERROR",
     [("dual.default.svc.cluster.local.", "A", "10.96.0.30")], True, "spec 2.3.1; handler_test.go Dual Stack"),
    ("dual-stack-AAAA", "dual.default.svc.cluster.local.", "AAAA", "NOERROR",
     [("dual.default.svc.cluster.local.", "AAAA", "fd00:10:96::30")], True, "spec 2.3.1 AAAA"),
    ("srv-named-port", "_http._tcp.web.default.svc.cluster.local.", "SRV", "NOERROR",
     [("_http._tcp.web.default.svc.cluster.local.", "SRV", "0 100 80 web.default.svc.cluster.local.")],
     True, "spec 2.3.2 SRV Records"),
    ("srv-udp-port", "_dns._udp.kube-dns.kube-system.svc.cluster.local.", "SRV", "NOERROR",
     [("_dns._udp.kube-dns.kube-system.svc.cluster.local.", "SRV", "0 100 53 kube-dns.kube-system.svc.cluster.local.")],
     True, "spec 2.3.2 SRV Records"),
    ("srv-wrong-protocol", "_http._udp.web.default.svc.cluster.local.", "SRV", "NXDOMAIN", [], True,
     "kubernetes.go matchPortAndProtocol"),
    ("srv-unknown-port", "_grpc._tcp.web.default.svc.cluster.local.", "SRV", "NXDOMAIN", [], True,
     "kubernetes.go findServices: no port matched"),
    ("srv-without-port-labels", "web.default.svc.cluster.local.", "SRV", "NOERROR",
     [("web.default.svc.cluster.local.", "SRV", "0 100 80 web.default.svc.cluster.local.")], True,
     "handler_test.go: SRV on the service name lists every port"),
    ("srv-weights-split-and-dedup", "kube-dns.kube-system.svc.cluster.local.", "SRV", "NOERROR",
     [("kube-dns.kube-system.svc.cluster.local.", "SRV", "0 33 53 kube-dns.kube-system.svc.cluster.local."),
      ("kube-dns.kube-system.svc.cluster.local.", "SRV", "0 33 9153 kube-dns.kube-system.svc.cluster.local.")],
     True, "backend_lookup.go SRV: weight 100/n, duplicate target+port dropped"),
    ("a-for-port-name", "_http._tcp.web.default.svc.cluster.local.", "A", "NOERROR",
     [("_http._tcp.web.default.svc.cluster.local.", "A", "10.96.0.15")], True,
     "parse.go: _port._proto names answer A too"),
    ("ptr-clusterip", "15.0.96.10.in-addr.arpa.", "PTR", "NOERROR",
     [("15.0.96.10.in-addr.arpa.", "PTR", "web.default.svc.cluster.local.")], True, "spec 2.3.3 PTR Record"),
    ("ptr-clusterip-ipv6", "0.3.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.6.9.0.0.0.1.0.0.0.0.d.f.ip6.arpa.", "PTR", "NOERROR",
     [("0.3.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.6.9.0.0.0.1.0.0.0.0.d.f.ip6.arpa.", "PTR", "dual.default.svc.cluster.local.")],
     True, "spec 2.3.3 PTR Record (IPv6 nibbles)"),
    # --- spec 2.4: headless Service
    ("headless-A-ready-only", "db.default.svc.cluster.local.", "A", "NOERROR",
     [("db.default.svc.cluster.local.", "A", "10.244.1.10"), ("db.default.svc.cluster.local.", "A", "10.244.2.11")],
     True, "spec 2.4.1: one A per ready endpoint"),
    ("headless-ready-unset-counts", "nginx.default.svc.cluster.local.", "A", "NOERROR",
     [("nginx.default.svc.cluster.local.", "A", "10.244.1.7"), ("nginx.default.svc.cluster.local.", "A", "10.244.2.8")],
     True, "object/endpoint.go endpointsliceReady: nil ready means ready"),
    ("headless-hostname", "db-0.db.default.svc.cluster.local.", "A", "NOERROR",
     [("db-0.db.default.svc.cluster.local.", "A", "10.244.1.10")], True, "spec 2.4.1 <hostname>.<service>"),
    ("headless-hostname-not-ready", "db-2.db.default.svc.cluster.local.", "A", "NXDOMAIN", [], True,
     "spec 2.4.1: only ready endpoints"),
    ("headless-no-endpoints", "empty.default.svc.cluster.local.", "A", "NXDOMAIN", [], True,
     "spec 2.4.1: no ready endpoints -> NXDOMAIN"),
    ("endpoint-by-dashed-ip", "10-244-1-7.nginx.default.svc.cluster.local.", "A", "NOERROR",
     [("10-244-1-7.nginx.default.svc.cluster.local.", "A", "10.244.1.7")], True,
     "kubernetes.go endpointHostname: IP with dashes"),
    ("endpoint-of-clusterip-service", "10-244-1-5.web.default.svc.cluster.local.", "A", "NOERROR",
     [("10-244-1-5.web.default.svc.cluster.local.", "A", "10.244.1.5")], True,
     "kubernetes.go findServices: endpoint names exist for every Service"),
    ("endpoint-bogus", "bogus.db.default.svc.cluster.local.", "A", "NXDOMAIN", [], True,
     "handler_test.go: A Service (Headless) does not exist"),
    ("headless-srv", "_postgres._tcp.db.default.svc.cluster.local.", "SRV", "NOERROR",
     [("_postgres._tcp.db.default.svc.cluster.local.", "SRV", "0 50 5432 db-0.db.default.svc.cluster.local."),
      ("_postgres._tcp.db.default.svc.cluster.local.", "SRV", "0 50 5432 db-1.db.default.svc.cluster.local.")],
     True, "spec 2.4.2 SRV Records: one per ready endpoint and named port"),
    ("headless-ptr-hostname", "10.1.244.10.in-addr.arpa.", "PTR", "NOERROR",
     [("10.1.244.10.in-addr.arpa.", "PTR", "db-0.db.default.svc.cluster.local.")], True, "spec 2.4.3 PTR Records"),
    ("endpoint-ptr-no-hostname", "5.1.244.10.in-addr.arpa.", "PTR", "NOERROR",
     [("5.1.244.10.in-addr.arpa.", "PTR", "10-244-1-5.web.default.svc.cluster.local.")], True,
     "reverse.go serviceRecordForIP: endpoint IPs of any Service"),
    ("ptr-unknown-falls-through", "9.9.96.10.in-addr.arpa.", "PTR", "NXDOMAIN", [], False,
     "kubeadm Corefile: fallthrough in-addr.arpa ip6.arpa -> forward"),
    ("ptr-not-ready-endpoint", "12.1.244.10.in-addr.arpa.", "PTR", "NXDOMAIN", [], False,
     "spec 2.4.3: only ready endpoints; then fallthrough"),
    # --- spec 2.5: ExternalName
    ("externalname-A", "ext.default.svc.cluster.local.", "A", "NOERROR",
     [("ext.default.svc.cluster.local.", "CNAME", "example.com."), ("example.com.", "A", "93.184.216.34")],
     True, "spec 2.5; backend_lookup.go A: CNAME then upstream lookup"),
    ("externalname-CNAME", "ext.default.svc.cluster.local.", "CNAME", "NOERROR",
     [("ext.default.svc.cluster.local.", "CNAME", "example.com.")], True, "spec 2.5 CNAME"),
    ("externalname-AAAA-no-v6", "ext.default.svc.cluster.local.", "AAAA", "NOERROR",
     [("ext.default.svc.cluster.local.", "CNAME", "example.com.")], True,
     "backend_lookup.go AAAA: CNAME kept, upstream has no AAAA"),
    ("externalname-target-NXDOMAIN", "ext-missing.default.svc.cluster.local.", "A", "NOERROR",
     [("ext-missing.default.svc.cluster.local.", "CNAME", "nowhere.invalid.")], True,
     "backend_lookup.go A: the CNAME is answered even when the target does not resolve"),
    ("externalname-in-zone", "alias.default.svc.cluster.local.", "A", "NOERROR",
     [("alias.default.svc.cluster.local.", "CNAME", "web.prod.svc.cluster.local."),
      ("web.prod.svc.cluster.local.", "A", "10.96.0.20")], True, "backend_lookup.go A: in-zone CNAME chased"),
    ("externalname-SRV", "ext.default.svc.cluster.local.", "SRV", "NOERROR", [], True,
     "kubernetes.go Services: SRV for external services is not implemented"),
    ("externalname-subdomain", "endpoint.ext.default.svc.cluster.local.", "CNAME", "NXDOMAIN", [], True,
     "handler_test.go: a subdomain of an external service does not resolve"),
    # --- pods insecure
    ("pod-A", "10-244-1-5.default.pod.cluster.local.", "A", "NOERROR",
     [("10-244-1-5.default.pod.cluster.local.", "A", "10.244.1.5")], True, "kubernetes.go findPods (pods insecure)"),
    ("pod-any-ip-insecure", "1-2-3-4.prod.pod.cluster.local.", "A", "NOERROR",
     [("1-2-3-4.prod.pod.cluster.local.", "A", "1.2.3.4")], True, "pods insecure: no check that the pod exists"),
    ("pod-missing-namespace", "10-244-1-5.nope.pod.cluster.local.", "A", "NXDOMAIN", [], True,
     "kubernetes.go findPods: namespace must exist"),
    ("pod-not-an-ip", "web-1.default.pod.cluster.local.", "A", "NXDOMAIN", [], True,
     "kubernetes.go findPods: name must parse as an IP"),
    ("pod-AAAA", "10-244-1-5.default.pod.cluster.local.", "AAAA", "NOERROR", [], True,
     "backend_lookup.go AAAA: IPv4 host -> NODATA"),
    # --- NXDOMAIN vs NODATA
    ("namespace-exists", "default.svc.cluster.local.", "A", "NOERROR", [], True,
     "kubernetes.go findServices: empty service name -> NODATA"),
    ("namespace-missing", "nope.svc.cluster.local.", "A", "NXDOMAIN", [], True,
     "kubernetes.go Records: errNsNotExposed"),
    ("svc-apex", "svc.cluster.local.", "A", "NOERROR", [], True, "parse.go: svc.<zone> is NODATA"),
    ("pod-apex", "pod.cluster.local.", "A", "NOERROR", [], True, "parse.go: pod.<zone> is NODATA"),
    ("zone-apex-A", "cluster.local.", "A", "NOERROR", [], True, "backend_lookup.go checkForApex"),
    ("service-missing", "nope.default.svc.cluster.local.", "A", "NXDOMAIN", [], True, "errNoItems"),
    ("service-missing-AAAA", "nope.default.svc.cluster.local.", "AAAA", "NXDOMAIN", [], True, "errNoItems"),
    ("service-in-missing-namespace", "web.nope.svc.cluster.local.", "A", "NXDOMAIN", [], True,
     "handler_test.go: A Service (non-existing namespace)"),
    ("not-svc-or-pod", "web.default.cluster.local.", "A", "NXDOMAIN", [], True,
     "parse.go: errInvalidRequest when the type label is not svc/pod"),
    ("query-too-long", "a.b.c.web.default.svc.cluster.local.", "A", "NXDOMAIN", [], True,
     "parse.go: query too long"),
    ("wildcard-is-gone", "*.default.svc.cluster.local.", "A", "NXDOMAIN", [], True,
     "CoreDNS 1.9 removed wildcard queries: '*' is a plain label"),
    ("mx-existing", "web.default.svc.cluster.local.", "MX", "NOERROR", [], True, "backend_lookup.go MX"),
    ("txt-existing-name", "web.default.svc.cluster.local.", "TXT", "NOERROR", [], True,
     "kubernetes.go Services TXT: another type exists -> NOERROR"),
    ("txt-namespace-is-NXDOMAIN", "default.svc.cluster.local.", "TXT", "NXDOMAIN", [], True,
     "kubernetes.go Services TXT: no records for the name -> NXDOMAIN"),
    ("other-type-existing", "web.default.svc.cluster.local.", "HTTPS", "NOERROR", [], True,
     "handler.go: fake A lookup tells NODATA from NXDOMAIN"),
    ("other-type-missing", "nope.default.svc.cluster.local.", "HTTPS", "NXDOMAIN", [], True,
     "handler.go: fake A lookup"),
    ("soa-apex", "cluster.local.", "SOA", "NOERROR", [SOA], True, "backend_lookup.go SOA"),
    ("soa-below-apex", "web.default.svc.cluster.local.", "SOA", "NOERROR", [], True,
     "handler.go: SOA only when qname == zone"),
    ("ns-apex", "cluster.local.", "NS", "NOERROR",
     [("cluster.local.", "NS", "kube-dns.kube-system.svc.cluster.local.")], True, "ns.go nsAddrs"),
    ("ns-below-apex", "svc.cluster.local.", "NS", "NOERROR", [], True, "handler_test.go: NS query for qname != zone"),
    ("ns-below-apex-missing", "foo.svc.cluster.local.", "NS", "NXDOMAIN", [], True,
     "handler_test.go: NS query for qname != zone (non existing)"),
    ("default-ns-name", "ns.dns.cluster.local.", "A", "NOERROR",
     [("ns.dns.cluster.local.", "A", "10.96.0.10")], True, "ns.go isDefaultNS"),
    ("axfr-refused", "cluster.local.", "AXFR", "REFUSED", [], False, "handler.go: AXFR/IXFR -> REFUSED"),
    ("case-kept", "WEB.Default.svc.cluster.local.", "A", "NOERROR",
     [("WEB.Default.svc.cluster.local.", "A", "10.96.0.15")], True, "kubernetes.go match: EqualFold; owner as asked"),
    # --- forward . /etc/resolv.conf (the simulated internet)
    ("upstream-A", "example.com.", "A", "NOERROR", [("example.com.", "A", "93.184.216.34")], False,
     "kubeadm Corefile forward: recursive answer, no AA"),
    ("upstream-AAAA-NODATA", "example.com.", "AAAA", "NOERROR", [], False, "upstream.py: declared host"),
    ("upstream-NXDOMAIN", "nope.example.com.", "A", "NXDOMAIN", [], False, "upstream.py: undeclared name"),
    ("upstream-empty-nonterminal", "com.", "A", "NOERROR", [], False, "RFC 8020: names above a declared host exist"),
    ("upstream-outside-zone", "web.default.svc.cluster.local.example.", "A", "NXDOMAIN", [], False,
     "handler.go: plugin.Zones.Matches -> next plugin"),
]


@pytest.mark.parametrize("qname,qtype,rcode,answers,authoritative,rule",
                         [r[1:] for r in ROWS], ids=[r[0] for r in ROWS])
def test_zone_answers(qname, qtype, rcode, answers, authoritative, rule):
    reply = Z.query(qname, qtype)
    assert (reply.rcode, [r.triple() for r in reply.answer]) == (rcode, answers), rule
    assert reply.authoritative is authoritative, rule


@pytest.mark.parametrize("qname,qtype,rcode", [
    ("nope.default.svc.cluster.local.", "A", "NXDOMAIN"),
    ("web.default.svc.cluster.local.", "AAAA", "NOERROR"),
], ids=["nxdomain", "nodata"])
def test_negative_answers_carry_the_soa(qname, qtype, rcode):
    """backend_lookup.go BackendError: SOA in authority; TTL min(ttl, 300), minimum = ttl 30."""
    reply = Z.query(qname, qtype)
    assert reply.rcode == rcode
    assert [r.triple() for r in reply.authority] == [SOA]
    assert reply.authority[0].ttl == 30


@pytest.mark.parametrize("qname,qtype,additional", [
    ("_http._tcp.web.default.svc.cluster.local.", "SRV",
     [("web.default.svc.cluster.local.", "A", "10.96.0.15")]),
    ("_postgres._tcp.db.default.svc.cluster.local.", "SRV",
     [("db-0.db.default.svc.cluster.local.", "A", "10.244.1.10"),
      ("db-1.db.default.svc.cluster.local.", "A", "10.244.2.11")]),
    ("cluster.local.", "NS", [("kube-dns.kube-system.svc.cluster.local.", "A", "10.96.0.10")]),
], ids=["srv-clusterip", "srv-headless", "ns-glue"])
def test_additional_section(qname, qtype, additional):
    """spec 2.3.2: "The Additional section of the response may include the A record"."""
    assert [r.triple() for r in Z.query(qname, qtype).additional] == additional


@pytest.mark.parametrize("qname,ttl", [
    ("web.default.svc.cluster.local.", 30), ("dns-version.cluster.local.", 28800), ("example.com.", 30),
], ids=["kubernetes-ttl-30", "schema-version-ttl", "upstream-capped-by-cache-30"])
def test_ttls(qname, ttl):
    """kubeadm Corefile `ttl 30`; kubernetes.go TXT TTL 28800; `cache 30` caps upstream TTLs."""
    reply = Z.query(qname, "TXT" if qname.startswith("dns-version") else "A")
    assert {r.ttl for r in reply.answer} == {ttl}


def test_ttl_option_changes_records_and_soa():
    """setup.go `ttl`: the records' TTL and the SOA minimum follow it."""
    zone = make_zone(ttl=5)
    assert zone.query("web.default.svc.cluster.local.", "A").answer[0].ttl == 5
    assert zone.query("nope.default.svc.cluster.local.", "A").authority[0].value.endswith(" 5")


@pytest.mark.parametrize("mode,qname,rcode", [
    ("verified", "10-244-1-50.default.pod.cluster.local.", "NOERROR"),
    ("verified", "10-244-1-51.default.pod.cluster.local.", "NXDOMAIN"),
    ("verified", "10-244-1-50.prod.pod.cluster.local.", "NXDOMAIN"),
    ("disabled", "10-244-1-50.default.pod.cluster.local.", "NXDOMAIN"),
], ids=["verified-existing", "verified-no-such-pod", "verified-wrong-namespace", "disabled"])
def test_pod_modes(mode, qname, rcode):
    """kubernetes.go findPods: `pods verified` checks a pod has that IP in that namespace."""
    from dnsworld import ENDPOINTSLICES, EXTERNAL_HOSTS, NAMESPACES, SERVICES, pod
    zone = Zone.from_objects(SERVICES, ENDPOINTSLICES, [pod("client", ip="10.244.1.50")], NAMESPACES,
                             EXTERNAL_HOSTS, pod_mode=mode)
    assert zone.query(qname, "A").rcode == rcode


def test_missing_namespace_objects_are_inferred():
    """Zone.from_objects(namespaces=None): namespaces holding objects exist."""
    from dnsworld import service
    zone = Zone.from_objects([service("web", "shop", cluster_ip="10.96.0.9")])
    assert zone.query("shop.svc.cluster.local.", "A").rcode == "NOERROR"
    assert zone.query("other.svc.cluster.local.", "A").rcode == "NXDOMAIN"


@pytest.mark.parametrize("qname,expected", [
    ("cluster.local.", RecordRequest()),
    ("svc.cluster.local.", RecordRequest()),
    ("prod.svc.cluster.local.", RecordRequest(namespace="prod", pod_or_svc="svc")),
    ("web.prod.svc.cluster.local.", RecordRequest(service="web", namespace="prod", pod_or_svc="svc")),
    ("web-0.db.prod.svc.cluster.local.", RecordRequest(endpoint="web-0", service="db", namespace="prod", pod_or_svc="svc")),
    ("_http._tcp.web.prod.svc.cluster.local.", RecordRequest(port="http", protocol="tcp", service="web", namespace="prod", pod_or_svc="svc")),
    ("http.tcp.web.prod.svc.cluster.local.", RecordRequest(port="http", protocol="tcp", service="web", namespace="prod", pod_or_svc="svc")),
    ("1-2-3-4.prod.pod.cluster.local.", RecordRequest(service="1-2-3-4", namespace="prod", pod_or_svc="pod")),
], ids=["apex", "svc", "namespace", "service", "endpoint", "port-proto", "port-proto-no-underscore", "pod"])
def test_parse_request(qname, expected):
    """parse.go parseRequest (parse_test.go cases)."""
    assert parse_request(qname, "cluster.local.") == expected


@pytest.mark.parametrize("qname", ["web.prod.nosvc.cluster.local.", "a.b.c.web.prod.svc.cluster.local."],
                         ids=["bad-type-label", "too-long"])
def test_parse_request_invalid(qname):
    """parse.go: errInvalidRequest."""
    with pytest.raises(InvalidRequest):
        parse_request(qname, "cluster.local.")


def test_loadbalance_shuffles_addresses_reproducibly():
    """kubeadm Corefile `loadbalance`: A records shuffled; a seed fixes the order."""
    name = "db.default.svc.cluster.local."
    plain = [r.value for r in Z.query(name, "A").answer]
    orders = {tuple(r.value for r in Z.query(name, "A", random.Random(s)).answer) for s in range(20)}
    assert orders == {tuple(plain), tuple(reversed(plain))}
    first = [r.value for r in Z.query(name, "A", random.Random(7)).answer]
    assert first == [r.value for r in Z.query(name, "A", random.Random(7)).answer]


def test_loadbalance_keeps_cname_first():
    """plugin/loadbalance roundRobin: CNAMEs stay in front of the addresses."""
    reply = Z.query("ext.default.svc.cluster.local.", "A", random.Random(3))
    assert [r.type for r in reply.answer] == ["CNAME", "A"]


def test_values_are_immutable():
    """STYLE.md 10: records and results are frozen; answers/tried are fresh lists."""
    record = Z.query("web.default.svc.cluster.local.", "A").answer[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.ttl = 1  # type: ignore[misc]
    result = DNSResult.from_reply(Z.query("web.default.svc.cluster.local.", "A"))
    result.answers.clear()
    result.tried.clear()
    assert result.answers and result.tried == ["web.default.svc.cluster.local."]


def test_record_text_is_dig_style():
    """STYLE.md 5: dig-style answers (bind9 masterdump.c columns: past column 24 a space)."""
    assert Record("web.default.svc.cluster.local.", "A", 30, "10.96.0.15").text() == \
        "web.default.svc.cluster.local. 30 IN\tA\t10.96.0.15"


def test_answer_returns_rcode_and_records():
    """Zone.answer: (rcode, records)."""
    rcode, records = Z.answer("web.default.svc.cluster.local", "A")
    assert rcode == "NOERROR" and records == [Record("web.default.svc.cluster.local.", "A", 30, "10.96.0.15")]


def test_inputs_are_not_mutated():
    """ARCHITECTURE.md 1: engines never mutate their inputs."""
    import copy
    from dnsworld import ENDPOINTSLICES, NAMESPACES, SERVICES
    before = copy.deepcopy((SERVICES, ENDPOINTSLICES, NAMESPACES))
    make_zone().query("db.default.svc.cluster.local.", "SRV")
    assert (SERVICES, ENDPOINTSLICES, NAMESPACES) == before
