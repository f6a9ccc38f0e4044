"""TLSRoute, TCPRoute and UDPRoute: which backend one connection to a Gateway reaches.

A pure function of API-object dicts, like ``httpmatch`` for HTTP (v1.6.1 ``apis/v1``
``tlsroute_types.go``, ``tcproute_types.go``, ``udproute_types.go``; conformance tests named in
``tests/datapath/test_l4_connect.py`` and ``tests/routing/test_l4routes.py``):

1. **Listener.** The connection arrives on a port and a transport. UDP goes to the UDP listener
   of that port, a plain TCP connection to the TCP listener. A TLS client's ClientHello carries
   the server name (SNI): it goes to the TLS listener of that port whose ``hostname`` matches
   it, the most specific first (gateway_types.go "Listeners that are distinct only by
   Hostname"), as HTTP listeners are chosen by Host. No listener: a TCP connection is refused,
   a UDP datagram gets no answer.
2. **Route.** Of the routes attached to that listener (``httproute.attach``: kind, namespaces,
   hostname intersection), a TLSRoute must list a hostname matching the SNI (exact names
   before wildcards). TCPRoute and UDPRoute have no match at all: when several attach to one
   listener, only the oldest (creation time, then ``namespace/name``) gets the traffic
   (conformance tcproute-multiple-routes-attachment; "Conflicts" in the API design guide).
   No route: the Gateway resets the TLS connection, refuses the TCP one, drops the datagram.
3. **Backend.** The one rule's backendRefs are picked by ``weight`` (0 never); an invalid
   backendRef (``ResolvedRefs`` False) takes its share of connections and rejects them
   (TLSRouteRule.BackendRefs: "Request rejections must respect weight").

``tls_mode`` says what the backend receives: ``Passthrough`` forwards the client's TLS stream
untouched (the backend terminates TLS and must hold the certificate), ``Terminate`` (Extended,
TLSRouteModeTerminate) decrypts at the Gateway and forwards the plain stream.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

from .hostnames import gateway_host_matches, intersect, listener_specificity
from .httproute import BackendResolution, attach, nn, parent_gateway, resolve_backend, route_problem
from .listeners import ListenerState, evaluate_listeners, transport
from .types import Considered, explain_lines

__all__ = ["L4Decision", "route_l4", "L4_KINDS", "RESET", "REFUSED", "NO_ANSWER"]

#: The route kinds this engine routes.
L4_KINDS = ("TLSRoute", "TCPRoute", "UDPRoute")
REFUSED, RESET, NO_ANSWER = "connection refused", "connection reset by peer", "connection timed out"


@dataclass(frozen=True, slots=True)
class L4Decision:
    """Where one connection goes: a ``backend``, or an ``error`` as the client sees it."""

    listener: str | None
    route: str | None
    kind: str | None
    backend: BackendResolution | None
    error: str | None
    reason: str
    tls_mode: str | None
    considered: tuple[Considered, ...] = ()

    def explain(self) -> str:
        """Every listener and route looked at, then the verdict."""
        return explain_lines(self.considered, self.reason)


def _sni_rank(host: str) -> tuple[int, int]:
    return listener_specificity(host)


def _pick_listener(states: list[ListenerState], port: int, proto: str, sni: str | None,
                   seen: list[Considered]) -> ListenerState | None:
    cands = [s for s in states if s.port == port and transport(s.protocol) == proto]
    for s in cands:
        if not s.usable:
            seen.append(Considered(f"listener {s.name}", False, f"{s.protocol} on {port} is not accepted ({s.accepted_reason})"))
    cands = [s for s in cands if s.usable]
    if proto == "UDP":
        return next((s for s in cands if s.protocol == "UDP"), None)
    if sni is not None:  # a TLS client: TLS listeners by hostname, else a TCP listener carries it
        tls = [s for s in cands if s.protocol == "TLS" and (not s.hostname or gateway_host_matches(s.hostname, sni))]
        tls.sort(key=lambda s: listener_specificity(s.hostname), reverse=True)
        for s in cands:
            if s.protocol == "TLS" and s not in tls:
                seen.append(Considered(f"listener {s.name}", False, f"hostname {s.hostname} does not match SNI {sni}"))
        if tls:
            return tls[0]
    # a plain client on a TLS-only port still reaches the TLS listener (which then resets it)
    return next((s for s in cands if s.protocol == "TCP"), None) or \
        (next((s for s in cands if s.protocol == "TLS"), None) if sni is None else None)


def _weighted(backends: tuple[BackendResolution, ...], weights: tuple[int, ...], rng: random.Random):
    total = sum(weights)
    if total <= 0:
        return None
    x = rng.randrange(total)
    for b, w in zip(backends, weights):
        if x < w:
            return b
        x -= w
    return None


def route_l4(gateway: dict, routes: list[dict], services: list[dict], grants: list[dict], namespaces: list[dict], *,
             port: int, protocol: str = "TCP", sni: str | None = None, rng: random.Random | None = None,
             secrets: list[dict] = ()) -> L4Decision:
    """Route one connection (``protocol`` TCP or UDP; ``sni`` set for a TLS client) that
    reached ``gateway`` on ``port``."""
    rng = rng or random.Random(0)
    states = evaluate_listeners(gateway, secrets=secrets, reference_grants=grants)
    seen: list[Considered] = []
    lst = _pick_listener(states, port, protocol, sni, seen)
    fail = NO_ANSWER if protocol == "UDP" else RESET if sni is not None else REFUSED
    if lst is None:
        what = f"{protocol}/{port}" + (f" for SNI {sni}" if sni is not None else "")
        return L4Decision(None, None, None, None, fail, f"no L4 listener of {nn(gateway)} takes {what}", None,
                          tuple(seen))
    if lst.protocol == "TLS" and sni is None:
        return L4Decision(lst.name, None, None, None, RESET, f"listener {lst.name} expects TLS: the client sent no "
                          "ClientHello, so no server name to route on", lst.tls_mode, tuple(seen))
    seen.append(Considered(f"listener {lst.name}", True, f"{lst.protocol} on {port}"
                           + (f", hostname {lst.hostname or '(any)'}" if lst.protocol == "TLS" else "")))
    kind = {"TLS": "TLSRoute", "TCP": "TCPRoute", "UDP": "UDPRoute"}[lst.protocol]
    specs = {l.get("name"): l for l in (gateway.get("spec") or {}).get("listeners") or []}
    candidates = []
    for route in sorted((r for r in routes if r.get("kind") == kind), key=nn):
        refs = [ref for ref in (route.get("spec") or {}).get("parentRefs") or []
                if parent_gateway(route, ref, [gateway]) is gateway]
        if not refs:
            continue
        took = any(lst.name in attach(route, ref, gateway, namespaces, states).listeners for ref in refs)
        if not took or route_problem(route):
            seen.append(Considered(f"{kind} {nn(route)}", False, f"not attached to listener {lst.name}"))
            continue
        rank = (0, 0)
        if kind == "TLSRoute":
            hosts = [h for h in (route.get("spec") or {}).get("hostnames") or []
                     if intersect(specs[lst.name].get("hostname"), h) and gateway_host_matches(h, sni)]
            if not hosts:
                seen.append(Considered(f"TLSRoute {nn(route)}", False, f"no hostname matches SNI {sni}"))
                continue
            rank = max(_sni_rank(h) for h in hosts)
        created = (route.get("metadata") or {}).get("creationTimestamp", "")
        candidates.append(((-rank[0], -rank[1], created, nn(route)), route))
    if not candidates:
        return L4Decision(lst.name, None, None, None, fail, f"no {kind} attached to listener {lst.name} takes the "
                          "connection", lst.tls_mode, tuple(seen))
    candidates.sort(key=lambda c: c[0])
    route = candidates[0][1]
    for _, other in candidates[1:]:
        seen.append(Considered(f"{kind} {nn(other)}", False, f"attached, but {nn(route)} is older or more specific "
                               "and takes the listener's traffic"))
    seen.append(Considered(f"{kind} {nn(route)}", True, "takes the connection"))
    rule = ((route.get("spec") or {}).get("rules") or [{}])[0]
    refs = rule.get("backendRefs") or []
    resolved = tuple(resolve_backend(route, b, services, grants) for b in refs)
    chosen = _weighted(resolved, tuple(int(b.get("weight", 1)) for b in refs), rng)
    if chosen is None:
        return L4Decision(lst.name, nn(route), kind, None, fail, f"{kind} {nn(route)} has no backend with weight > 0",
                          lst.tls_mode, tuple(seen))
    if not chosen.valid:
        return L4Decision(lst.name, nn(route), kind, chosen, fail, f"backendRef {chosen} is invalid ({chosen.reason}): "
                          "its share of connections is rejected", lst.tls_mode, tuple(seen))
    return L4Decision(lst.name, nn(route), kind, chosen, None, f"{kind} {nn(route)} -> {chosen}", lst.tls_mode,
                      tuple(seen))
