"""Host header handling and hostname wildcards, for Ingress and for Gateway API.

The two APIs disagree on wildcards, and learners trip over it:

* Ingress (ingress.md "Hostname wildcards"): ``*.foo.com`` matches ``bar.foo.com`` but
  not ``baz.bar.foo.com`` and not ``foo.com``: the wildcard covers one DNS label.
* Gateway API (httproute_types.go ``Hostnames``): ``*.example.com`` is a suffix match
  and matches ``foo.test.example.com`` too, but never ``example.com``.
"""
from __future__ import annotations

__all__ = ["request_host", "ingress_host_matches", "gateway_host_matches", "intersect",
           "listener_specificity"]


def request_host(host: str | None) -> str:
    """The Host header without its port, lower-cased (DNS names are case-insensitive).

    Gateway API: "Implementations MUST ignore any port value specified in the HTTP Host
    header while performing a match" (httproute_types.go Hostnames)."""
    host = (host or "").strip().lower()
    if host.startswith("["):  # an IPv6 literal like [::1]:8080
        return host[: host.index("]") + 1] if "]" in host else host
    return host.rsplit(":", 1)[0] if ":" in host else host


def ingress_host_matches(rule_host: str, host: str) -> bool:
    """Does an Ingress rule ``host`` match a request host (one label for ``*``)?"""
    if rule_host.startswith("*."):
        first, _, rest = host.partition(".")
        return bool(first) and rest == rule_host[2:]
    return rule_host == host


def gateway_host_matches(pattern: str, host: str) -> bool:
    """Does a Gateway API hostname (listener or route) match a request host (suffix ``*``)?"""
    if pattern.startswith("*."):
        return host.endswith(pattern[1:]) and len(host) > len(pattern) - 1
    return pattern == host


def intersect(listener_host: str | None, route_host: str) -> str | None:
    """The hostname both a listener and a route accept, or None when they don't intersect.

    The more specific of the two wins: listener ``*.example.com`` and route
    ``foo.example.com`` give ``foo.example.com``; listener ``very.specific.com`` and route
    ``*.specific.com`` give ``very.specific.com`` (conformance httproute-hostname-intersection).
    """
    if not listener_host:
        return route_host
    if gateway_host_matches(listener_host, route_host) or listener_host == route_host:
        return route_host
    if gateway_host_matches(route_host, listener_host):
        return listener_host
    if route_host.startswith("*.") and listener_host.startswith("*."):
        # two wildcards: the longer suffix is the intersection when one covers the other
        a, b = listener_host[1:], route_host[1:]
        if a.endswith(b):
            return listener_host
        if b.endswith(a):
            return route_host
    return None


def listener_specificity(hostname: str | None) -> tuple[int, int]:
    """Sort key, higher first: exact names, then wildcards by the number of dots to the
    right of ``*``, then listeners without a hostname (gateway_types.go "Listeners that are
    distinct only by Hostname")."""
    if not hostname:
        return (0, 0)
    if hostname.startswith("*."):
        return (1, hostname.count("."))
    return (2, hostname.count("."))
