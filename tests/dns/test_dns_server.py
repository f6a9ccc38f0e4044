"""The real DNS server (k8snet.dns.serve) asked over the wire with dnspython and dig."""
from __future__ import annotations

import argparse
import io
import shutil
import socket
import struct
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import dns.flags
import dns.message
import dns.opcode
import dns.query
import dns.rcode
import dns.rdatatype
import pytest

from dnsworld import ENDPOINTSLICES, EXTERNAL_HOSTS, NAMESPACES, SERVICES, endpoint, endpointslice, service
from k8snet.dns import Zone, resolve, serve
from k8snet.dns.server import handle_wire


class FakeCluster:
    """Stands in for k8snet.Cluster: resolve() as the contract defines it."""

    def __init__(self, zone: Zone):
        self.zone = zone
        self.calls = 0

    def resolve(self, name, *, qtype="A", from_pod=None):
        self.calls += 1
        if name.startswith("boom."):
            raise RuntimeError("simulated bug")
        return resolve(self.zone, name, qtype, pod=from_pod)


BIG = [service("big", cluster_ip="None")]
BIG_SLICE = [endpointslice("big", [endpoint(f"10.244.3.{i}") for i in range(1, 61)], suffix="zzzzz")]
ZONE = Zone.from_objects(SERVICES + BIG, ENDPOINTSLICES + BIG_SLICE, [], NAMESPACES, EXTERNAL_HOSTS)


@pytest.fixture(scope="module")
def server():
    srv = serve(FakeCluster(ZONE), port=0)
    yield srv
    srv.stop()


def ask(srv, name, rdtype="A", tcp=False, **kw):
    q = dns.message.make_query(name, rdtype, **kw)
    send = dns.query.tcp if tcp else dns.query.udp
    return send(q, srv.host, port=srv.port, timeout=3)


def section(rrsets):
    return sorted((rr.name.to_text(), dns.rdatatype.to_text(rr.rdtype), rr.ttl, rd.to_text())
                  for rr in rrsets for rd in rr)


@pytest.mark.parametrize("tcp", [False, True], ids=["udp", "tcp"])
def test_clusterip_a(server, tcp):
    """handler.go: AA set, question echoed, TTL 30; no RA (dig: recursion not available)."""
    r = ask(server, "web.default.svc.cluster.local.", tcp=tcp)
    assert r.rcode() == dns.rcode.NOERROR
    assert r.flags & dns.flags.AA and not r.flags & dns.flags.RA
    assert [q.name.to_text() for q in r.question] == ["web.default.svc.cluster.local."]
    assert section(r.answer) == [("web.default.svc.cluster.local.", "A", 30, "10.96.0.15")]


@pytest.mark.parametrize("tcp", [False, True], ids=["udp", "tcp"])
def test_srv_with_additional(server, tcp):
    """spec 2.4.2 over the wire: SRV answers, A records in the additional section."""
    r = ask(server, "_postgres._tcp.db.default.svc.cluster.local.", "SRV", tcp=tcp)
    assert section(r.answer) == [
        ("_postgres._tcp.db.default.svc.cluster.local.", "SRV", 30, "0 50 5432 db-0.db.default.svc.cluster.local."),
        ("_postgres._tcp.db.default.svc.cluster.local.", "SRV", 30, "0 50 5432 db-1.db.default.svc.cluster.local.")]
    assert section(r.additional) == [("db-0.db.default.svc.cluster.local.", "A", 30, "10.244.1.10"),
                                     ("db-1.db.default.svc.cluster.local.", "A", 30, "10.244.2.11")]


def test_nxdomain_with_soa(server):
    """backend_lookup.go BackendError: NXDOMAIN, AA, SOA in authority."""
    r = ask(server, "nope.default.svc.cluster.local.")
    assert r.rcode() == dns.rcode.NXDOMAIN and r.flags & dns.flags.AA
    assert section(r.authority) == [("cluster.local.", "SOA", 30,
                                     "ns.dns.cluster.local. hostmaster.cluster.local. 1735689600 7200 1800 86400 30")]


def test_forwarded_answer_not_authoritative(server):
    """forward plugin: the upstream's recursive answer, RA set, AA clear."""
    r = ask(server, "example.com.")
    assert not r.flags & dns.flags.AA and r.flags & dns.flags.RA
    assert section(r.answer) == [("example.com.", "A", 30, "93.184.216.34")]


def test_udp_truncation_then_tcp(server):
    """RFC 1035 4.2.1: over 512 bytes on UDP -> TC; the full answer over TCP."""
    udp = ask(server, "big.default.svc.cluster.local.")
    assert udp.flags & dns.flags.TC and not udp.answer
    tcp = ask(server, "big.default.svc.cluster.local.", tcp=True)
    assert len(tcp.answer[0]) == 60


def test_edns_buffer_avoids_truncation(server):
    """RFC 6891: a client advertising 4096 bytes gets the whole answer over UDP, with OPT."""
    r = ask(server, "big.default.svc.cluster.local.", use_edns=0, payload=4096)
    assert not r.flags & dns.flags.TC and len(r.answer[0]) == 60 and r.edns == 0


def test_malformed_packet_formerr_and_server_survives(server):
    """A readable header with an unreadable body -> FORMERR with the query's id."""
    junk = struct.pack("!HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0) + b"\xff\xfe\xfd"
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(3)
        s.sendto(junk, (server.host, server.port))
        data = s.recv(512)
    qid, flags = struct.unpack("!HH", data[:4])
    assert qid == 0x1234 and flags & 0x8000 and flags & 0xF == dns.rcode.FORMERR
    assert ask(server, "web.default.svc.cluster.local.").rcode() == dns.rcode.NOERROR


@pytest.mark.parametrize("wire,expected", [
    (b"\x12\x34\x01", None),
    (struct.pack("!HHHHHH", 7, 0x8000, 0, 0, 0, 0), None),
    (struct.pack("!HHHHHH", 7, 0x0100, 0, 0, 0, 0), dns.rcode.FORMERR),
    (dns.message.make_query("web.default.svc.cluster.local.", "A").to_wire()[:2]
     + struct.pack("!H", 0x2000 | 0x0100) + dns.message.make_query("x.", "A").to_wire()[4:], dns.rcode.NOTIMP),
], ids=["shorter-than-header-dropped", "response-dropped", "no-question-formerr", "notify-opcode-notimp"])
def test_handle_wire_odd_packets(wire, expected):
    """server.py rules for odd packets (miekg/dns DefaultMsgAcceptFunc)."""
    reply = handle_wire(wire, FakeCluster(ZONE).resolve)
    if expected is None:
        assert reply is None
    else:
        assert struct.unpack("!H", reply[2:4])[0] & 0xF == expected


def test_resolver_exception_is_servfail(server):
    """A bug while resolving answers SERVFAIL and the server keeps serving."""
    assert ask(server, "boom.example.").rcode() == dns.rcode.SERVFAIL
    assert ask(server, "web.default.svc.cluster.local.").rcode() == dns.rcode.NOERROR


def test_concurrent_queries(server):
    """Many clients at once, UDP (answered in turn) and TCP (a thread per connection)."""
    names = [("web.default.svc.cluster.local.", "10.96.0.15"), ("web.prod.svc.cluster.local.", "10.96.0.20"),
             ("kubernetes.default.svc.cluster.local.", "10.96.0.1")] * 20

    def one(i):
        name, ip = names[i]
        r = ask(server, name, tcp=bool(i % 2))
        return [rd.to_text() for rr in r.answer for rd in rr] == [ip]

    with ThreadPoolExecutor(max_workers=16) as pool:
        assert all(pool.map(one, range(len(names))))


def test_clean_stop_frees_port_and_threads():
    """stop(): threads joined, sockets closed (the port can be bound again), even with an
    idle TCP connection open."""
    srv = serve(FakeCluster(ZONE), port=0)
    idle = socket.create_connection((srv.host, srv.port))
    ask(srv, "web.default.svc.cluster.local.", tcp=True)
    started = time.monotonic()
    srv.stop()
    assert time.monotonic() - started < 3
    idle.close()
    assert not [t for t in threading.enumerate() if t.name.endswith(f"-{srv.port}")]
    for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
        with socket.socket(socket.AF_INET, kind) as s:
            if kind == socket.SOCK_STREAM:  # TIME_WAIT of closed connections is fine; a listener is not
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((srv.host, srv.port))
    srv.stop()  # idempotent


def test_binds_loopback_by_default():
    """serve(): 127.0.0.1 unless told otherwise."""
    with serve(FakeCluster(ZONE), port=0) as srv:
        assert srv.host == "127.0.0.1" and srv.port > 0


DIG = shutil.which("dig")


@pytest.mark.skipif(DIG is None, reason="dig (bind9-dnsutils) is not installed")
@pytest.mark.parametrize("args,expect", [
    (["web.default.svc.cluster.local", "+short"], "10.96.0.15\n"),
    (["+tcp", "_http._tcp.web.default.svc.cluster.local", "SRV", "+short"], "0 100 80 web.default.svc.cluster.local.\n"),
    (["-x", "10.96.0.15", "+short"], "web.default.svc.cluster.local.\n"),
    (["ext.default.svc.cluster.local", "+short"], "example.com.\n93.184.216.34\n"),
], ids=["a", "srv-tcp", "ptr", "externalname"])
def test_dig_short(server, args, expect):
    """dig against the server, as the course tells learners to run it."""
    out = subprocess.run([DIG, f"@{server.host}", "-p", str(server.port), "+time=3", "+tries=1", *args],
                         capture_output=True, text=True, timeout=20)
    assert out.stdout == expect


@pytest.mark.skipif(DIG is None, reason="dig (bind9-dnsutils) is not installed")
def test_dig_full_output_flags(server):
    """dig's header for a CoreDNS answer: status, 'flags: qr aa rd', recursion warning."""
    out = subprocess.run([DIG, f"@{server.host}", "-p", str(server.port), "+time=3", "+tries=1",
                          "nope.default.svc.cluster.local"], capture_output=True, text=True, timeout=20).stdout
    assert "status: NXDOMAIN" in out and "flags: qr aa rd;" in out
    assert "WARNING: recursion requested but not available" in out
    assert "cluster.local.\t\t30\tIN\tSOA\tns.dns.cluster.local. hostmaster.cluster.local." in out


def test_main_serves_until_stopped(monkeypatch):
    """python -m k8snet dns: Cluster(seed=N), apply each -f, print where it listens, serve."""
    import k8snet
    from k8snet.__main__ import _parser, run_dns

    applied = []

    class Cluster(FakeCluster):
        def __init__(self, seed=0):
            super().__init__(ZONE)
            self.seed = seed

        def apply(self, path):
            applied.append((self.seed, path))
            return [f"service/{path} created"]

    # setitem, not setattr: reading the old value must not import the real k8snet.cluster
    monkeypatch.setitem(vars(k8snet), "Cluster", Cluster)
    args = _parser().parse_args(["dns", "-f", "a.yaml", "-f", "dir", "--port", "0", "--seed", "3"])
    stop, out = threading.Event(), io.StringIO()
    worker = threading.Thread(target=run_dns, args=(args, stop, out))
    worker.start()
    for _ in range(100):
        if "listening on" in out.getvalue():
            break
        time.sleep(0.05)
    text = out.getvalue()
    port = int(text.split("listening on 127.0.0.1:")[1].split()[0])
    r = dns.query.udp(dns.message.make_query("web.default.svc.cluster.local.", "A"), "127.0.0.1", port=port, timeout=3)
    stop.set()
    worker.join(5)
    assert not worker.is_alive()
    assert applied == [(3, "a.yaml"), (3, "dir")]
    assert text.startswith("service/a.yaml created\nservice/dir created\n")
    assert [rd.to_text() for rr in r.answer for rd in rr] == ["10.96.0.15"]
    assert isinstance(args, argparse.Namespace)
