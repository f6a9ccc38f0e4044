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
from dataclasses import dataclass
from typing import Callable
from urllib.parse import urlsplit

from . import dnsview, workloads
from .errors import UsageError
from .response import Hop, Response

__all__ = ["request", "INTERNET_CLIENT_IP"]

INTERNET_CLIENT_IP = "203.0.113.10"  # TEST-NET-3: a client somewhere on the internet
REFUSED, TIMED_OUT, NO_HOST = "connection refused", "connection timed out", "could not resolve host"


@dataclass
class Client:
    kind: str  # pod | node | internet
    ip: str
    node: str | None = None
    pod: dict | None = None
    ref: str = ""


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

    # ``detail`` may be a zero-argument function: the Hop builds the text on first read.
    def hop(self, component: str, action: str, detail: str | Callable[[], str] = "") -> None:
        self.hops.append(Hop(component, action, detail))

    def fail(self, error: str, component: str, action: str, detail: str | Callable[[], str] = ""):
        raise Failed(error, Hop(component, action, detail, ok=False))


def _client(cluster, from_pod, from_node, from_internet) -> Client:
    given = sum(x is not None and x is not False for x in (from_pod, from_node, from_internet or None))
    if given > 1:
        raise UsageError("request(): give only one of from_pod=, from_node= or from_internet=True")
    if from_pod is not None:
        pod = dnsview.pod_ref(cluster, from_pod)
        if not (pod.get("status") or {}).get("podIP"):
            raise UsageError(f"request(): pod {from_pod} has no IP yet (it is {pod['status'].get('phase')})")
        ref = f"{pod['metadata']['namespace']}/{pod['metadata']['name']}"
        return Client("pod", pod["status"]["podIP"], pod["spec"]["nodeName"], pod, ref)
    if from_node is not None:
        node = cluster._node(from_node)
        ip = next(a["address"] for a in node["status"]["addresses"] if a["type"] == "InternalIP")
        return Client("node", ip, from_node, None, from_node)
    if from_internet:
        return Client("internet", INTERNET_CLIENT_IP, None, None, "the internet")
    # No origin given: a throw-away client pod, as `kubectl run curl --rm -it --image=curlimages/curl`,
    # on the first node the scheduler's node filters let it run on (not the tainted control plane).
    from .controllers.nodes import _node_filter
    pod = {"apiVersion": "v1", "kind": "Pod",
           "metadata": {"name": "curl", "namespace": "default", "labels": {"run": "curl"}},
           "spec": {"dnsPolicy": "ClusterFirst", "containers": [{"name": "curl", "image": "curlimages/curl"}]}}
    names = sorted(cluster.controllers.ipam)
    node = next((n for n in names if _node_filter(pod, cluster._node(n)) is None), names[0])
    net = cluster.controllers.ipam[node].net
    pod["spec"]["nodeName"] = node
    pod["status"] = {"phase": "Running", "podIP": str(net.broadcast_address - 1)}
    return Client("pod", pod["status"]["podIP"], node, pod, "default/curl (a temporary client pod)")


def request(cluster, url: str, *, from_pod=None, from_node=None, from_internet=False, method="GET",
            headers=None) -> Response:
    """Send ``method url`` from the given client and follow it to the answering container."""
    if not isinstance(url, str) or not url:
        raise UsageError(f"request({url!r}): give a URL such as 'http://web' or 'http://web.default:8080/path'")
    client = _client(cluster, from_pod, from_node, from_internet)
    scheme, hostname, port, path = _split_url(url)
    trip = Trip(cluster, client, method.upper(), scheme, hostname, port, path, dict(headers or {}), [])
    trip.hop("client", f"{client.ref} ({client.ip}) sends {trip.method} {url}")
    from .connect import connect
    try:
        ip = _resolve(trip)
        # As curl -H 'Host: x': the URL's host chooses the address, the Host header the
        # virtual host an Ingress controller or Gateway routes on (RFC 9110 section 7.2).
        host_header = next((v for k, v in trip.headers.items() if k.lower() == "host"), None)
        if host_header:
            trip.host = str(host_header).split(":", 1)[0].lower()
        result = connect(trip, ip, port)
    except Failed as f:
        return Response(url=url, error=f.error, hops=tuple(trip.hops) + (f.hop,))
    headers = list(result.headers)
    if headers and headers[0][0] == "Server" and headers[0][1].startswith("nginx"):
        # nginx writes Date right after Server, from the time of the answer (the simulated clock).
        from email.utils import formatdate
        from .clock import EPOCH
        headers.insert(1, ("Date", formatdate(EPOCH.timestamp() + cluster.now, usegmt=True)))
    return Response(url=url, status=result.status, body=result.body, headers=dict(headers),
                    backend=result.backend, pod=result.pod, hops=tuple(trip.hops))


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
        ipaddress.IPv4Address(text)
        return True
    except ValueError:
        return False


def _resolve(trip: Trip) -> str:
    """The IPv4 address the client's resolver gives for the URL's host."""
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
        from .connect import dns_reachable
        problem = dns_reachable(trip)
        if problem:
            trip.fail(NO_HOST, "DNS", f"query for {host} to 10.96.0.10:53/UDP timed out", problem)
        if client.pod.get("metadata", {}).get("uid"):
            result = cluster.resolve(host, from_pod=client.ref)
        else:
            from . import dns
            result = dns.resolve(dnsview.zone(cluster), host, pod=client.pod, rng=cluster.dns_rng)
        tried = "tried: " + ", ".join(result.tried)
    else:
        result = _public_answer(dnsview.zone(cluster).upstream, cluster, host)
        tried = f"asked the {'node' if client.kind == 'node' else 'public'} resolver (cluster names are not public)"
    a = [v for (_, t, v) in result.answers if t == "A"]
    if result.rcode != "NOERROR" or not a:
        trip.fail(NO_HOST, "DNS", f"{host}: {result.rcode}{' (no A record)' if result.rcode == 'NOERROR' else ''}",
                  tried)
    chain = " -> ".join(f"{v}" for (_, t, v) in result.answers if t == "CNAME")
    trip.hop("DNS", f"{host} -> {a[0]}" + (f" (CNAME {chain})" if chain else ""), tried)
    return a[0]


def _public_answer(upstream, cluster, host: str):
    """The public resolver's answer for ``host``, remembered for the zone's ``upstream``
    (the zone is rebuilt when the cluster's objects change, and with it the upstream)."""
    cached = cluster.__dict__.get("_public_dns")
    if cached is None or cached[0] is not upstream:  # holding ``upstream`` keeps the check sound
        cached = cluster.__dict__["_public_dns"] = (upstream, {})
    answers = cached[1]
    if host not in answers:
        from .dns import DNSResult
        reply = upstream.query(host.rstrip(".") + ".", "A")
        answers[host] = DNSResult.from_reply(reply, tried=(host.rstrip(".") + ".",))
    return answers[host]
