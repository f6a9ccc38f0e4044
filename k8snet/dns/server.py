"""A real DNS server (UDP and TCP) answering for a simulated cluster.

``serve(cluster)`` listens on 127.0.0.1:5353 by default so ``dig`` can ask the simulated
cluster what a pod's CoreDNS would answer::

    dig @127.0.0.1 -p 5353 web.default.svc.cluster.local
    dig @127.0.0.1 -p 5353 +tcp _http._tcp.web.default.svc.cluster.local SRV

Each question is answered with ``cluster.resolve(qname, qtype=qtype)`` (a ``DNSResult``):
rcode, AA as CoreDNS sets it (authoritative for the cluster's zones, not for forwarded
names), RA only on forwarded answers, the question echoed, TTLs as resolved.  The wire
format is dnspython's.  Rules for odd packets (as CoreDNS/miekg-dns treat them):

* shorter than a DNS header, or a response (QR set): dropped;
* a header we can read but a body we cannot, or not exactly one question: FORMERR;
* an opcode other than QUERY: NOTIMP;
* a UDP answer larger than the client's buffer (512, or its EDNS size): TC set and the
  sections emptied, so the client retries over TCP;
* an exception while resolving: SERVFAIL, and the server keeps going.
"""
from __future__ import annotations

import socket
import socketserver
import struct
import threading

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.opcode
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype

__all__ = ["DNSServer", "serve", "handle_wire", "WireCache"]

_HEADER = struct.Struct("!HHHHHH")


def _error_reply(wire: bytes, rcode: int) -> bytes:
    """A bare reply carrying the query's id and opcode, RD copied, with ``rcode``."""
    qid, flags = _HEADER.unpack_from(wire)[:2]
    reply_flags = 0x8000 | (flags & 0x7900) | (rcode & 0xF)  # QR, opcode, RD
    return _HEADER.pack(qid, reply_flags, 0, 0, 0, 0)


def _add(message: dns.message.Message, section, records) -> None:
    for record in records:
        rdtype = dns.rdatatype.from_text(record.type)
        rdata = dns.rdata.from_text(dns.rdataclass.IN, rdtype, record.value)
        rrset = message.find_rrset(section, dns.name.from_text(record.name), dns.rdataclass.IN,
                                   rdtype, create=True)
        rrset.add(rdata, record.ttl)


def _response(query: dns.message.Message, result) -> dns.message.Message:
    """The reply message for ``result`` (a DNSResult; ``None`` when resolving raised)."""
    question = query.question[0]
    # request.SizeAndDo: the reply's OPT advertises the client's own buffer size.
    payload = max(512, query.payload) if query.edns >= 0 else 1232
    response = dns.message.make_response(query, our_payload=payload)
    try:
        if question.rdclass != dns.rdataclass.IN:
            response.set_rcode(dns.rcode.REFUSED)
            return response
        if result is None:
            raise RuntimeError("resolving failed")
        response.set_rcode(dns.rcode.from_text(result.rcode))
        if result.authoritative:
            response.flags |= dns.flags.AA
        if getattr(result, "recursion_available", False):
            response.flags |= dns.flags.RA
        _add(response, response.answer, result.records)
        _add(response, response.authority, result.authority)
        _add(response, response.additional, result.additional)
    except Exception:  # noqa: BLE001 - a bug in resolving must not kill the server
        response = dns.message.make_response(query)
        response.set_rcode(dns.rcode.SERVFAIL)
    return response


def _render(query: dns.message.Message, result, max_size: int | None) -> bytes:
    """The reply's wire format, truncated (TC) when it does not fit ``max_size``."""
    response = _response(query, result)
    if max_size is not None:
        max_size = max(max_size, query.payload if query.edns >= 0 else 512)
    # want_shuffle=False: the records go out in loadbalance's (seeded) order, as CoreDNS
    # writes msg.Answer; dnspython would otherwise reshuffle each RRset with the global,
    # unseeded `random` and the same seed would not give the same dig output.
    try:
        return response.to_wire(max_size=max_size or 65535, want_shuffle=False)
    except dns.exception.TooBig:
        response.answer, response.authority, response.additional = [], [], []
        response.flags |= dns.flags.TC
        return response.to_wire(want_shuffle=False)


class WireCache:
    """Saves dnspython's work for questions asked again; every answer is still resolved.

    dnspython takes a few hundred microseconds to read a query and write a reply, far
    longer than resolving.  Both steps are pure functions, so the server remembers them:

    * ``questions``: the query's bytes after its 2-byte ID -> the parsed query, with its
      name and type as ``resolve`` takes them;
    * ``replies``: those bytes, the UDP limit and the ``DNSResult`` (frozen, compared by
      value) -> the reply's wire format, whose first two bytes are then the query's ID.

    ``resolve`` still runs for every query, so the loadbalance shuffle draws from the
    cluster's generator exactly as often as without the cache.  Each map is emptied when
    it reaches ``limit`` entries."""

    def __init__(self, limit: int = 4096):
        self.limit = limit
        self.questions: dict[bytes, tuple[dns.message.Message, str, str]] = {}
        self.replies: dict[tuple, bytes] = {}

    def remember(self, table: dict, key, value):
        """Store ``value`` under ``key`` in ``table`` (one of the two maps) and return it."""
        if len(table) >= self.limit:
            table.clear()
        table[key] = value
        return value


def handle_wire(wire: bytes, resolve, lock: threading.Lock | None = None,
                max_size: int | None = 512, cache: WireCache | None = None) -> bytes | None:
    """One query in wire format -> the reply's wire format, or None to drop it.

    ``max_size`` is the UDP limit (None over TCP); a query with EDNS raises it to the
    size the client advertised.  ``cache`` (a ``WireCache``) skips re-parsing and
    re-rendering repeated questions; the replies are byte for byte the same."""
    lock = lock or threading.Lock()
    cache = cache if cache is not None else WireCache()
    if len(wire) < _HEADER.size:
        return None
    flags = _HEADER.unpack_from(wire)[1]
    if flags & 0x8000:  # a response, not a query
        return None
    if dns.opcode.from_flags(flags) != dns.opcode.QUERY:
        return _error_reply(wire, dns.rcode.NOTIMP)
    body = wire[2:]  # everything but the ID: what the reply depends on
    parsed = cache.questions.get(body)
    if parsed is None:
        try:
            query = dns.message.from_wire(wire)
        except Exception:  # noqa: BLE001 - any body dnspython cannot read is a FORMERR
            return _error_reply(wire, dns.rcode.FORMERR)
        if len(query.question) != 1:
            return _error_reply(wire, dns.rcode.FORMERR)
        question = query.question[0]
        parsed = cache.remember(cache.questions, body, (
            query, question.name.to_text(), dns.rdatatype.to_text(question.rdtype)))
    query, qname, qtype = parsed
    result = None
    if query.question[0].rdclass == dns.rdataclass.IN:
        try:
            with lock:  # the simulated cluster is not thread-safe; one question at a time
                result = resolve(qname, qtype=qtype)
        except Exception:  # noqa: BLE001 - answered with SERVFAIL by _response
            result = None
    key = (body, max_size, result)
    try:
        reply = cache.replies.get(key)
    except TypeError:  # a resolver returning something unhashable: render every time
        return wire[:2] + _render(query, result, max_size)[2:]
    if reply is None:
        reply = cache.remember(cache.replies, key, _render(query, result, max_size))
    return wire[:2] + reply[2:]  # the rendered reply carries the first asker's ID


class _UDPHandler(socketserver.BaseRequestHandler):
    def handle(self):
        data, sock = self.request
        reply = handle_wire(data, self.server.resolve, self.server.lock, max_size=512,
                            cache=self.server.cache)
        if reply is not None:
            sock.sendto(reply, self.client_address)


class _TCPHandler(socketserver.BaseRequestHandler):
    def setup(self):
        with self.server.connections_lock:
            self.server.connections.add(self.request)

    def finish(self):
        with self.server.connections_lock:
            self.server.connections.discard(self.request)

    def handle(self):
        self.request.settimeout(5)
        try:
            while True:  # RFC 7766: several length-prefixed queries per connection
                head = self._read(2)
                if head is None:
                    return
                wire = self._read(struct.unpack("!H", head)[0])
                if wire is None:
                    return
                reply = handle_wire(wire, self.server.resolve, self.server.lock, max_size=None,
                                    cache=self.server.cache)
                if reply is None:
                    return
                self.request.sendall(struct.pack("!H", len(reply)) + reply)
        except OSError:
            return

    def _read(self, n: int) -> bytes | None:
        data = b""
        while len(data) < n:
            chunk = self.request.recv(n - len(data))
            if not chunk:
                return None
            data += chunk
        return data


class _UDPServer(socketserver.UDPServer):
    # Each datagram is answered in the serving thread itself: questions are resolved one
    # at a time anyway (the lock), and starting a thread per datagram cost more than the
    # answer.  CoreDNS answers each in a goroutine; the replies are the same.
    allow_reuse_address = False


class _TCPServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = False
    allow_reuse_address = True

    def __init__(self, *args, **kwargs):
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(*args, **kwargs)

    def close_connections(self) -> None:
        """Wake every handler blocked in recv() so server_close() can join it."""
        with self.connections_lock:
            for conn in self.connections:
                try:
                    conn.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


class DNSServer:
    """A running server: ``host``, ``port``, and ``stop()``.  Also a context manager."""

    def __init__(self, cluster, host: str = "127.0.0.1", port: int = 5353):
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        lock = threading.Lock()
        last_error: OSError | None = None
        for _ in range(20 if port == 0 else 1):  # port 0: find one free for UDP *and* TCP
            udp_cls = type("UDP", (_UDPServer,), {"address_family": family})
            tcp_cls = type("TCP", (_TCPServer,), {"address_family": family})
            udp = udp_cls((host, port), _UDPHandler)
            try:
                tcp = tcp_cls((host, udp.server_address[1]), _TCPHandler)
            except OSError as exc:
                udp.server_close()
                last_error = exc
                continue
            break
        else:
            raise last_error or OSError(f"cannot listen on {host}:{port}")
        # One cache for both: CPython's dict get/set are atomic, and two threads racing on
        # one question only render the same bytes twice.
        cache = WireCache()
        for srv in (udp, tcp):
            srv.resolve, srv.lock, srv.cache = cluster.resolve, lock, cache
        self.host, self.port = host, udp.server_address[1]
        self._servers = (udp, tcp)
        self._threads = [threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.1},
                                          name=f"k8snet-dns-{kind}-{self.port}", daemon=True)
                         for s, kind in zip(self._servers, ("udp", "tcp"))]
        for t in self._threads:
            t.start()

    def stop(self) -> None:
        """Stop serving, close both sockets and join the threads (idempotent)."""
        for srv in self._servers:
            srv.shutdown()  # serve_forever returns; no new requests are accepted
        for srv in self._servers:
            if isinstance(srv, _TCPServer):
                srv.close_connections()
            srv.server_close()  # closes the socket and joins the request threads
        for t in self._threads:
            t.join()
        self._threads = []
        self._servers = ()

    def __enter__(self) -> "DNSServer":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<DNSServer {self.host}:{self.port} udp+tcp>"


def serve(cluster, host: str = "127.0.0.1", port: int = 5353) -> DNSServer:
    """Start answering DNS for ``cluster`` (anything with ``resolve(name, qtype=...)``
    returning a ``DNSResult``) on UDP and TCP; ``port=0`` picks a free port.  A browser
    (JupyterLite) has no sockets: there :func:`handle_wire` answers a query's bytes in-process."""
    from ..errors import ServeError, UsageError, require
    from ..runtime import in_browser, is_loopback
    require("k8snet.dns.serve()", "host", host, (str,), "a loopback address such as 127.0.0.1")
    require("k8snet.dns.serve()", "port", port, (int,), "a port number (0 picks a free one)")
    if not 0 <= port <= 65535:
        raise UsageError(f"k8snet.dns.serve(): port must be 0 to 65535 (0 picks a free one); got {port}")
    if not is_loopback(host):
        # The same rule as cluster.serve(): the simulated cluster answers this machine only.
        raise ServeError(f"k8snet.dns.serve(host={host!r}): the simulated cluster's DNS is served on "
                         f"loopback only (e.g. 127.0.0.1)")
    if in_browser():
        raise ServeError("k8snet.dns.serve() needs a real machine: it listens on a UDP and a TCP port, which "
                      "a browser (JupyterLite) cannot open. Open the course in a local JupyterLab or on "
                      "Binder to query it with dig; here, handle_wire(query_bytes, cluster.resolve) answers "
                      "the same query in-process.")
    return DNSServer(cluster, host, port)
