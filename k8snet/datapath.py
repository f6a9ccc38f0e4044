"""``Cluster.request``: follow one HTTP request the way packets go in a real cluster.

    client -> DNS -> (cloud LB) -> node -> kube-proxy rules -> pod network -> NetworkPolicy
           -> pod -> container port -> the app (or the Ingress controller / Gateway, which
              route and proxy again to a backend pod)

Each component adds a ``Hop``.  Failures are the ones a real cluster shows: no endpoints
-> kube-proxy's REJECT (connection refused); nothing listening on the target port ->
refused by the pod; a NetworkPolicy drop, a dead node, kube-proxy down -> timed out.
"""
from __future__ import annotations

import functools
import ipaddress
from dataclasses import dataclass, replace
from typing import Callable
from urllib.parse import urlsplit

from . import connect, dnsview, l7, workloads
from .errors import UsageError
from .families import IPV4, IPV6, family_of
from .response import Hop, Response

__all__ = ["request", "connect_stream", "L4_SCHEMES", "INTERNET_CLIENT_IP"]

#: The schemes of trips that carry a raw stream (``Cluster.connect``), not HTTP.
L4_SCHEMES = ("tcp", "udp", "tls")

INTERNET_CLIENT_IP = "203.0.113.10"  # TEST-NET-3: a client somewhere on the internet
INTERNET_CLIENT_IP6 = "2001:db8::10"  # RFC 3849's documentation prefix: the same client over IPv6
NO_HOST = "could not resolve host"
UNREACHABLE = "network unreachable"


@dataclass
class Client:
    kind: str  # pod | node | internet
    ip: str
    node: str | None = None
    pod: dict | None = None
    ref: str = ""
    #: Every address of the client, one per IP family it has (a dual-stack pod or node has two).
    ips: tuple[str, ...] = ()

    def ip_of(self, family: str) -> str | None:
        """The client's address of ``family`` (``IPv4`` or ``IPv6``), or None."""
        return next((i for i in self.ips or (self.ip,) if family_of(i) == family), None)


class Failed(Exception):
    """The request stops here: ``error`` as curl would say it."""

    def __init__(self, error: str, hop: Hop):
        self.error, self.hop = error, hop


@dataclass
class Trip:
    """Mutable state of one request while it travels."""

    cluster: object
    client: Client
    method: str
    scheme: str
    host: str
    port: int
    path: str
    headers: dict
    hops: list
    #: L4 (``connect()``): the transport, what the client sends, and the server name of a TLS
    #: client's ClientHello (None once the stream is plain: a Gateway terminated it).
    protocol: str = "TCP"
    payload: str | None = None
    sni: str | None = None

    # ``detail`` may be a zero-argument function: the Hop builds the text on first read.
    def hop(self, component: str, action: str, detail: str | Callable[[], str] = "") -> None:
        self.hops.append(Hop(component, action, detail))

    def fail(self, error: str, component: str, action: str, detail: str | Callable[[], str] = ""):
        raise Failed(error, Hop(component, action, detail, ok=False))


def _client(cluster, from_pod, from_node, from_internet) -> Client:
    given = (from_pod is not None and from_pod is not False) + (from_node is not None and from_node is not False) \
        + bool(from_internet)
    if given > 1:
        raise UsageError("request(): give only one of from_pod=, from_node= or from_internet=True")
    if from_pod is not None:
        pod = dnsview.pod_ref(cluster, from_pod)
        if not (pod.get("status") or {}).get("podIP"):
            raise UsageError(f"request(): pod {from_pod} has no IP yet (it is {pod['status'].get('phase')})")
        ref = f"{pod['metadata']['namespace']}/{pod['metadata']['name']}"
        ips = tuple(p["ip"] for p in pod["status"].get("podIPs") or () if p.get("ip")) or (pod["status"]["podIP"],)
        return Client("pod", pod["status"]["podIP"], pod["spec"]["nodeName"], pod, ref, ips)
    if from_node is not None:
        node = cluster._node(from_node)
        ips = tuple(a["address"] for a in node["status"]["addresses"] if a["type"] == "InternalIP")
        return Client("node", ips[0], from_node, None, from_node, ips)
    if from_internet:
        ips = _INTERNET_IPS.get(cluster.ip_families)
        if ips is None:
            ips = _INTERNET_IPS[cluster.ip_families] = tuple(INTERNET_CLIENT_IP if f == "IPv4" else INTERNET_CLIENT_IP6
                                                              for f in cluster.ip_families)
        return Client("internet", ips[0], None, None, "the internet", ips)
    # No origin given: a throw-away client pod, as `kubectl run curl --rm -it --image=curlimages/curl`,
    # on the first node the scheduler's node filters let it run on (not the tainted control plane).
    pod = {"apiVersion": "v1", "kind": "Pod",
           "metadata": {"name": "curl", "namespace": "default", "labels": {"run": "curl"}},
           "spec": {"dnsPolicy": "ClusterFirst", "containers": [{"name": "curl", "image": "curlimages/curl"}]}}
    names = tuple(sorted(cluster.controllers.ipam))
    # The nodes' taints and labels are objects: the choice is kept until they change.
    node = l7._index(cluster, ("throw-away client's node", names), lambda: _first_node_for(cluster, pod, names))
    ipam = cluster.controllers.ipam[node]
    ips = tuple(_last_address(r.net) for r in (ipam, *ipam.others))
    pod["spec"]["nodeName"] = node
    pod["status"] = {"phase": "Running", "podIP": ips[0]}
    if len(ips) > 1:
        pod["status"]["podIPs"] = [{"ip": i} for i in ips]
    return Client("pod", pod["status"]["podIP"], node, pod, "default/curl (a temporary client pod)", ips)


_INTERNET_IPS: dict[tuple, tuple[str, ...]] = {}  # the internet client's addresses, by the cluster's families


def _first_node_for(cluster, pod: dict, names: tuple[str, ...]) -> str:
    from .controllers.nodes import _node_filter
    return next((n for n in names if _node_filter(pod, cluster._node(n)) is None), names[0])


@functools.lru_cache(maxsize=1024)  # a pure function of the range
def _last_address(net) -> str:
    """The last address host-local would give out (.254 of a /24; ::fe of an IPv6 /64, the
    same spot near the start of its huge range)."""
    return str(net.broadcast_address - 1) if net.version == 4 else str(net.network_address + 0xfe)


def request(cluster, url: str, *, from_pod=None, from_node=None, from_internet=False, method="GET",
            headers=None) -> Response:
    """Send ``method url`` from the given client and follow it to the answering container."""
    if not isinstance(url, str) or not url:
        raise UsageError(f"request({url!r}): give a URL such as 'http://web' or 'http://web.default:8080/path'")
    client = _client(cluster, from_pod, from_node, from_internet)
    scheme, hostname, port, path = _split_url(url)
    trip = Trip(cluster, client, method.upper(), scheme, hostname, port, path, dict(headers) if headers else {}, [])
    trip.hops.append(_client_hop(client.ref, client.ip, trip.method, url))
    try:
        ip = _resolve(trip)
        # curl's ClientHello names the URL's host (RFC 6066: never an IP literal), whatever Host says.
        trip.sni = ("" if _is_ip(hostname) else hostname) if scheme == "https" else None
        # As curl -H 'Host: x': the URL's host chooses the address, the Host header the
        # virtual host an Ingress controller or Gateway routes on (RFC 9110 section 7.2).
        host_header = next((v for k, v in trip.headers.items() if k.lower() == "host"), None) if trip.headers \
            else None
        if host_header:
            trip.host = str(host_header).split(":", 1)[0].lower()
        _use_family_of(trip, ip)
        result = connect.connect(trip, ip, port)
    except Failed as f:
        return Response(url=url, error=f.error, hops=tuple(trip.hops) + (f.hop,), method=trip.method)
    headers = list(result.headers)
    if headers and headers[0][0] == "Server" and headers[0][1].startswith("nginx"):
        # nginx writes Date right after Server, from the time of the answer (the simulated clock).
        from email.utils import formatdate
        from .clock import EPOCH
        headers.insert(1, ("Date", formatdate(EPOCH.timestamp() + cluster.now, usegmt=True)))
    return Response(url=url, status=result.status, body=result.body, headers=dict(headers),
                    backend=result.backend, pod=result.pod, hops=tuple(trip.hops), method=trip.method)


def connect_stream(cluster, host: str, port: int, *, protocol: str = "TCP", tls: bool = False,
                   server_name: str | None = None, send: str | None = None, from_pod=None, from_node=None,
                   from_internet=False) -> Response:
    """Open a TCP connection (or send one UDP datagram) to ``host:port`` as ``nc``/``openssl
    s_client`` would, follow it to the pod that accepts it, and read what comes back.

    ``tls``: the client speaks TLS and names ``server_name`` (default: ``host``) in its
    ClientHello, which is what a Gateway's TLS listener routes on. ``send``: the lines the
    client writes (for UDP: the datagram). The Response has no ``status`` (no HTTP): ``body``
    is what the server wrote back, ``error`` what went wrong (``connection refused``,
    ``connection reset by peer``, ``connection timed out``)."""
    client = _client(cluster, from_pod, from_node, from_internet)
    scheme = "udp" if protocol == "UDP" else "tls" if tls else "tcp"
    url = f"{scheme}://[{host}]:{port}" if ":" in host else f"{scheme}://{host}:{port}"
    trip = Trip(cluster, client, "CONNECT", scheme, host, port, "/", {}, [], protocol=protocol, payload=send,
                sni=(server_name or host) if tls else None)
    verb = "sends a UDP datagram to" if protocol == "UDP" else "opens a TLS connection to" if tls else \
        "opens a TCP connection to"
    trip.hop("client", f"{client.ref} ({client.ip}) {verb} {host}:{port}"
             + (f" (SNI {trip.sni})" if tls else ""))
    try:
        ip = _resolve(trip)
        _use_family_of(trip, ip)
        result = connect.connect(trip, ip, port)
    except Failed as f:
        return Response(url=url, error=f.error, hops=tuple(trip.hops) + (f.hop,), method=trip.method)
    return Response(url=url, status=None, body=result.body, backend=result.backend, pod=result.pod,
                    hops=tuple(trip.hops), method=trip.method)


@functools.lru_cache(maxsize=1024)  # a pure function of its arguments: a burst sends the same request
def _client_hop(ref: str, ip: str, method: str, url: str) -> Hop:
    """The client's first hop: who sends what (the same Hop for the same client and request)."""
    return Hop("client", f"{ref} ({ip}) sends {method} {url}")


@functools.lru_cache(maxsize=1024)  # a pure function of the URL, asked on every request
def _split_url(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path with query) of a URL; ``web:8080/x`` means ``http://web:8080/x``."""
    try:
        parts = urlsplit(url if "://" in url else "http://" + url)
    except ValueError:  # e.g. "http://[::1": curl's "URL rejected: Port number was not a decimal number..."
        raise UsageError(f"request({url!r}): URL rejected: Malformed input to a URL function") from None
    if any(ch.isspace() for ch in url):
        raise UsageError(f"request({url!r}): URL rejected: Malformed input to a URL function")
    if parts.scheme not in ("http", "https"):
        raise UsageError(f"request({url!r}): only http:// and https:// URLs are simulated")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise UsageError(f"request({url!r}): the port is not a number from 1 to 65535") from None
    return parts.scheme, parts.hostname or "", port, (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


@functools.lru_cache(maxsize=1024)  # a pure function of the host, asked on every request
def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)  # an IPv6 literal comes out of http://[fd00::1]/ bare
        return True
    except ValueError:
        return False


def _use_family_of(trip: Trip, ip: str) -> None:
    """The kernel picks the source address of the destination's family: a dual-stack client
    talks to an IPv6 address from its IPv6 address; with no address of that family there is
    no route (curl: "connect to ... failed: Network is unreachable")."""
    if ":" in ip and ip.startswith("::ffff:"):
        return
    family = family_of(ip)
    if family_of(trip.client.ip) == family or ip.startswith("127.") or ip == "::1":
        return
    src = trip.client.ip_of(family)
    if src is None:
        trip.fail(UNREACHABLE, "client", f"{trip.client.ref} has no {family} address: no route to {ip}")
    trip.client = replace(trip.client, ip=src)
    trip.hop("client", f"{trip.client.ref} uses its {family} address {src} for {ip}")


def _families_of(client: Client) -> tuple[str, ...]:
    return tuple(family_of(i) for i in client.ips or (client.ip,))


def _resolve(trip: Trip) -> str:
    """The address the client's resolver gives for the URL's host: an A record, or on a
    client with IPv6 an AAAA record (getaddrinfo's RFC 6724 order puts IPv4 before the
    ULA fd00::/8 addresses kind uses, so a dual-stack client dials IPv4 when both exist)."""
    host, cluster, client = trip.host, trip.cluster, trip.client
    if _is_ip(host):
        return host
    if not host:
        raise UsageError("request(): the URL has no host")
    if host == "localhost":  # /etc/hosts (written by the kubelet) answers before any DNS query
        trip.hop("/etc/hosts", "localhost -> 127.0.0.1")
        return "127.0.0.1"
    uses_cluster_dns = client.kind == "pod" and (client.pod["spec"].get("dnsPolicy", "ClusterFirst")
                                                in ("ClusterFirst", "ClusterFirstWithHostNet", "None"))
    if uses_cluster_dns:
        problem = connect.dns_reachable(trip)
        if problem:
            dns_ip = dnsview.zone(cluster).dns_service_ip
            trip.fail(NO_HOST, "DNS", f"query for {host} to {f'[{dns_ip}]' if ':' in dns_ip else dns_ip}:53/UDP "
                      "timed out", problem)
        fams = _families_of(client)
        results = []
        for qtype in (("A",) if IPV4 in fams else ()) + (("AAAA",) if IPV6 in fams else ()):
            if client.pod.get("metadata", {}).get("uid"):
                results.append(dnsview.resolve_checked(cluster, host, qtype, client.ref))  # under request()'s lock
            else:
                from . import dns
                results.append(dns.resolve(dnsview.zone(cluster), host, qtype, pod=client.pod, rng=cluster.dns_rng))
        result = next((r for r in results if r.rcode == "NOERROR" and any(t in ("A", "AAAA") for _, t, _ in r.answers)),
                      results[0])
        tried = "tried: " + ", ".join(result.tried)
    else:
        result = _public_answer(dnsview.zone(cluster).upstream, cluster, host)
        # The hop of an answer given before (kept beside it, so for this upstream only).
        hops = cluster.__dict__["_public_dns"][2]
        known = hops.get((host, client.kind))
        if known is not None and known[0] is result:
            trip.hops.append(known[2])
            return known[1]
        tried = f"asked the {'node' if client.kind == 'node' else 'public'} resolver (cluster names are not public)"
    answers = result.answers  # a fresh list per read
    a = [v for (_, t, v) in answers if t in ("A", "AAAA")]
    if result.rcode != "NOERROR" or not a:
        wanted = "A" if IPV4 in _families_of(client) else "AAAA"
        trip.fail(NO_HOST, "DNS", f"{host}: {result.rcode}{f' (no {wanted} record)' if result.rcode == 'NOERROR' else ''}",
                  tried)
    chain = " -> ".join(f"{v}" for (_, t, v) in answers if t == "CNAME")
    hop = Hop("DNS", f"{host} -> {a[0]}" + (f" (CNAME {chain})" if chain else ""), tried)
    if not uses_cluster_dns:
        hops[(host, client.kind)] = (result, a[0], hop)
    trip.hops.append(hop)
    return a[0]


def _public_answer(upstream, cluster, host: str):
    """The public resolver's answer for ``host``, remembered for the zone's ``upstream``
    (the zone is rebuilt when the cluster's objects change, and with it the upstream);
    ``_resolve`` keeps each answer's hop beside it."""
    cached = cluster.__dict__.get("_public_dns")
    if cached is None or cached[0] is not upstream:  # holding ``upstream`` keeps the check sound
        cached = cluster.__dict__["_public_dns"] = (upstream, {}, {})  # the answers, and their hops
    answers = cached[1]
    if host not in answers:
        from .dns import DNSResult
        reply = upstream.query(host.rstrip(".") + ".", "A")
        if not reply.answer and reply.rcode == "NOERROR":  # an IPv6-only name (a Gateway of an IPv6 cluster)
            reply = upstream.query(host.rstrip(".") + ".", "AAAA")  # getaddrinfo asks for AAAA too
        answers[host] = DNSResult.from_reply(reply, tried=(host.rstrip(".") + ".",))
    return answers[host]
