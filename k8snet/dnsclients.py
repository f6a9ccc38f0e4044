"""A program that keeps DNS answers: the client side of "why not round-robin DNS".

glibc's resolver (``getaddrinfo``) keeps nothing: every call asks CoreDNS again.  Many
programs keep answers themselves: a JVM (``networkaddress.cache.ttl``), Go's and Node's
connection pools, nscd or systemd-resolved on the node, NodeLocal DNSCache, or a program that
resolves once at start-up and never again.  ``CachingClient`` is such a program inside a pod:
it keeps each lookup's result for the record's TTL (``dns.cache.ClientCache``, RFC 2308 for
NXDOMAIN) and connects to the **first** address of the answer, as ``getaddrinfo`` callers do.

Kubernetes' docs give this as the reason Services have a virtual IP ("Why not use round-robin
DNS?" in kubernetes/website content/en/docs/reference/networking/virtual-ips.md): DNS implementations that do not respect TTLs,
programs that look up once and cache forever, and the load low TTLs would put on DNS.  The
ClusterIP never changes while the Service lives, so a kept answer never goes stale; a headless
Service's answers are pod IPs, which go stale the moment the pods are replaced.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from .dns.cache import ClientCache
from .dns.types import DNSResult

__all__ = ["CachingClient", "Attempt"]


@dataclass(frozen=True, slots=True)
class Attempt:
    """One ``CachingClient.get``: when, the name's answer (and whether it was kept), the
    address connected to, and what came back (``status`` or curl's ``error``)."""

    time: float
    host: str
    address: str | None
    from_cache: bool
    status: int | None
    error: str | None
    pod: str | None

    @property
    def ok(self) -> bool:
        """An HTTP answer below 400."""
        return self.status is not None and self.status < 400

    def text(self, start: float = 0.0) -> str:
        """One line: the time (seconds since ``start``), host, address (kept or fresh), outcome."""
        kept = "kept " if self.from_cache else "fresh"
        outcome = f"HTTP {self.status} from {self.pod}" if self.status is not None else self.error
        return f"t={self.time - start:4.0f}s  {self.host:<8} {kept} {self.address or '-':<14} {outcome}"


class CachingClient:
    """A program in pod ``from_pod`` ("ns/name") that keeps DNS answers for their TTL."""

    def __init__(self, cluster, from_pod: str):
        self.cluster, self.from_pod = cluster, from_pod
        self.cache = ClientCache()

    def lookup(self, name: str, qtype: str = "A") -> tuple[DNSResult, bool]:
        """``(result, from_cache)``: a kept answer while its TTL lasts, else the pod's
        resolver asks CoreDNS (``Cluster.resolve``)."""
        return self.cache.lookup(self.cluster.now, name, qtype,
                                 lambda: self.cluster.resolve(name, qtype=qtype, from_pod=self.from_pod))

    def get(self, url: str) -> Attempt:
        """Look the URL's host up (kept or not) and send the request to its first address,
        with the name in the Host header."""
        parts = urlsplit(url if "://" in url else "http://" + url)
        host = parts.hostname or ""
        result, kept = self.lookup(host)
        addresses = [v for _, t, v in result.answers if t == "A"]
        if not addresses:
            return Attempt(self.cluster.now, host, None, kept, None, "could not resolve host", None)
        netloc = addresses[0] + (f":{parts.port}" if parts.port else "")
        r = self.cluster.request(urlunsplit(parts._replace(netloc=netloc)), from_pod=self.from_pod,
                                 headers={"Host": host})
        return Attempt(self.cluster.now, host, addresses[0], kept, r.status, r.error, r.pod)
