"""Route one HTTP request through a Gateway: listener, route, rule, filters, backend.

1. The listener: among the Gateway's usable listeners on ``port`` whose protocol fits the
   scheme, the most specific hostname matching the Host header wins (exact, then longer
   wildcards, then no hostname); only routes attached to *that* listener are considered
   ("Listener Isolation", gateway_types.go). No listener for the host: 404.
2. Every match of every rule of those routes is tried (matches in a rule are ORed, the
   fields of a match ANDed; no matches = PathPrefix ``/``). Among the matches that hit,
   precedence is httproute_types.go's: the route hostname with the most non-wildcard
   characters, then the most characters; then Exact path, longest PathPrefix, method,
   most headers, most query params; then the oldest route, ``namespace/name``
   alphabetically, the first rule, the first match. ``RegularExpression`` paths have
   implementation-specific precedence: here they rank after every PathPrefix.
3. Filters of the winning rule run (then the chosen backendRef's own filters; ``decision.py``).
   A RequestRedirect answers itself. Otherwise one backendRef is drawn with ``rng`` in
   proportion to ``weight`` (default 1); an invalid one, all weights 0, or no backendRefs
   give 500. Nothing matched: 404.

The work is split as a Gateway implementation splits it: ``httpindex.compile_http``
prepares the Gateway and its routes once per change of the objects; ``route_compiled``
(``HTTPRouteIndex.route``) decides one request from that index, trying only the routes
whose hostnames can serve the Host header. The explanation (``considered``) lists every
route of the listener, so it is built only when someone reads it.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

from .decision import RouteDecision, forward
from .hostnames import gateway_host_matches, intersect, listener_specificity, request_host
from .httproute import CONTROLLER_NAME
from .paths import path_elements, split_query
from .types import Considered

if TYPE_CHECKING:  # httpindex (the compile step) imports this module for HTTPRouteIndex.route
    from .httpindex import HTTPRouteIndex, ListenerRoutes, RouteEntry

__all__ = ["RouteDecision", "CompiledMatch", "compile_match", "route_http", "route_compiled", "match_request"]


def _pattern(value: str) -> re.Pattern | None:
    """A RegularExpression value compiled once; None when Python cannot compile it (such a
    match never hits, and the explanation says why)."""
    try:
        return re.compile(value)
    except re.error:
        return None


@dataclass(frozen=True, slots=True)
class CompiledMatch:
    """One HTTPRouteMatch prepared once per change of the route (``compile_match``).

    ``want`` is a PathPrefix's path elements; ``headers`` keeps only the first entry of each
    header name ("Subsequent entries with an equivalent header name MUST be ignored"), by
    lower-cased name since header names are case-insensitive; ``key`` is the match's part of
    the precedence order, smallest first: Exact > longest PathPrefix > method > most headers
    > most query params."""

    ptype: str
    value: str
    want: tuple[str, ...] | None
    regex: re.Pattern | None
    method: str | None
    headers: tuple[tuple[str, str, str, re.Pattern | None, bool], ...]
    query: tuple[tuple[str, str, re.Pattern | None, bool], ...]
    key: tuple[int, int, int, int, int]
    prefix: str | None
    why: str


def compile_match(m: dict) -> CompiledMatch:
    """Prepare one HTTPRouteMatch (``{}`` = PathPrefix ``/``)."""
    p = m.get("path") or {"type": "PathPrefix", "value": "/"}
    ptype, value = p.get("type", "PathPrefix"), p.get("value", "/")
    pk = {"Exact": 2, "PathPrefix": 1}.get(ptype, 0)
    headers, seen = [], set()
    for h in m.get("headers") or []:
        name = h["name"].lower()
        if name not in seen:
            seen.add(name)
            regex = h.get("type") == "RegularExpression"
            headers.append((h["name"], name, h["value"], _pattern(h["value"]) if regex else None, regex))
    query = tuple((q["name"], q["value"], _pattern(q["value"]) if q.get("type") == "RegularExpression" else None,
                   q.get("type") == "RegularExpression") for q in m.get("queryParams") or [])
    method = m.get("method") or None
    why = f"path {ptype} {value}" + (f", method {method}" if method else "") \
        + f", {len(m.get('headers') or [])} header(s), {len(query)} query param(s)"
    return CompiledMatch(ptype, value, path_elements(value) if ptype == "PathPrefix" else None,
                         _pattern(value) if pk == 0 else None, method, tuple(headers), query,
                         (-pk, -len(value), -1 if method else 0, -len(headers), -len(query)),
                         value if ptype == "PathPrefix" else None, why)


def _value_hits(got: str | None, value: str, pattern: re.Pattern | None, regex: bool) -> bool:
    if got is None:
        return False
    if regex:
        return pattern is not None and pattern.fullmatch(got) is not None
    return got == value


def _match(m: CompiledMatch, path: str, elements: tuple[str, ...], method: str, lower: dict[str, str],
           query: dict[str, str], explain: bool = False) -> tuple[bool, str]:
    """Does one HTTPRouteMatch hit? Returns (hit, why); ``why`` is worded only when ``explain``.

    ``elements`` are the request path's elements (for PathPrefix); ``lower`` holds the
    request headers by lower-cased name."""
    if m.ptype == "Exact":
        ok = path == m.value
    elif m.ptype == "PathPrefix":
        ok = elements[: len(m.want)] == m.want
    else:
        ok = m.regex is not None and m.regex.fullmatch(path) is not None
    if not ok:
        bad = "" if m.ptype in ("Exact", "PathPrefix") or m.regex is not None else " (not a valid regular expression)"
        return False, f"path {m.ptype} {m.value}{bad} does not match {path}" if explain else ""
    if m.method and m.method != method:
        return False, f"method {m.method} != {method}" if explain else ""
    for name, low, value, pattern, regex in m.headers:
        got = lower.get(low)
        if not _value_hits(got, value, pattern, regex):
            return False, f"header {name}: {value} not present (got {got!r})" if explain else ""
    for name, value, pattern, regex in m.query:
        got = query.get(name)
        if not _value_hits(got, value, pattern, regex):
            return False, f"query param {name}={value} not present (got {got!r})" if explain else ""
    return True, m.why


def _grpc_request(lower: dict[str, str]) -> bool:
    """A gRPC call: ``content-type: application/grpc`` (or ``application/grpc+proto``, ...)."""
    return lower.get("content-type", "").startswith("application/grpc")


#: The trailers-only answer a Gateway gives a gRPC call that no GRPCRoute rule matches
#: (gRPC code 12, as conformance grpcroute-exact-method-matching expects).
_GRPC_UNIMPLEMENTED = (("content-type", "application/grpc"), ("grpc-status", "12"),
                       ("grpc-message", "unknown service or method"))


def _host_rank(route: dict, listener_host: str | None, host: str) -> tuple[int, int] | None:
    """(non-wildcard chars, chars) of the best route hostname matching ``host``; None = no match."""
    names = (route.get("spec") or {}).get("hostnames") or []
    if not names:
        names = [listener_host] if listener_host else []
        if not names:
            return (0, 0)
    best = None
    for name in names:
        eff = intersect(listener_host, name)
        if eff and gateway_host_matches(eff, host):
            rank = (0 if eff.startswith("*") else len(eff), len(eff))
            best = max(best or rank, rank)
    return best


def route_http(gateways: list[dict], routes: list[dict], services: list[dict], reference_grants: list[dict],
               namespaces: list[dict], *, gateway: str, port: int, scheme: str = "http", host: str | None = None,
               path: str = "/", method: str = "GET", headers: dict[str, str] | None = None,
               query: dict[str, str] | None = None, rng: random.Random, gateway_classes: list[dict] | None = None,
               controller_name: str = CONTROLLER_NAME, secrets: list[dict] = ()) -> RouteDecision:
    """Route one request arriving at Gateway ``gateway`` (``"namespace/name"``) on ``port``.

    ``path`` may carry a query string; ``query`` adds parameters. When ``gateway_classes``
    is given, a Gateway of another controller's class serves nothing here. This compiles
    the objects for every call; to route many requests, ``httpindex.compile_http`` once
    and call ``HTTPRouteIndex.route``.
    """
    from .httpindex import compile_http  # httpindex imports this module
    index = compile_http(gateways, routes, services, reference_grants, namespaces, gateway=gateway,
                         gateway_classes=gateway_classes, controller_name=controller_name, secrets=secrets)
    return route_compiled(index, port=port, scheme=scheme, host=host, path=path, method=method, headers=headers,
                          query=query, rng=rng)


def route_compiled(index: HTTPRouteIndex, *, port: int, scheme: str = "http", host: str | None = None,
                   path: str = "/", method: str = "GET", headers: dict[str, str] | None = None,
                   query: dict[str, str] | None = None, rng: random.Random) -> RouteDecision:
    """Route one request through a compiled Gateway (the match step of ``route_http``)."""
    got = match_request(index, port=port, scheme=scheme, host=host, path=path, method=method, headers=headers,
                        query=query)
    return got if isinstance(got, RouteDecision) else forward(got, rng)


def match_request(index: HTTPRouteIndex, *, port: int, scheme: str = "http", host: str | None = None,
                  path: str = "/", method: str = "GET", headers: dict[str, str] | None = None,
                  query: dict[str, str] | None = None) -> RouteDecision | tuple:
    """The deterministic part of ``route_compiled``: the listener, route, rule and match a
    request gets, as the arguments of :func:`forward` (or the decision, when the Gateway
    answers before any backendRef is drawn)."""
    gateway = index.gateway
    if index.error:
        return RouteDecision(None, gateway, error="connection refused", reason=index.error)
    hostname, (upath, qs) = request_host(host), split_query(path)
    params = dict(parse_qsl(qs, keep_blank_values=True)[::-1]) if qs else {}  # the first of a repeated name wins
    params.update(query or {})
    headers = dict(headers or {})
    lower = {k.lower(): v for k, v in headers.items()}
    proto = "HTTPS" if scheme == "https" else "HTTP"
    known = index.by_request.get((port, proto, hostname))
    if known is None:  # what depends only on port, protocol and Host, kept with the index
        if len(index.by_request) >= 1024:
            index.by_request.clear()
        known = index.by_request[(port, proto, hostname)] = _for_host(index, port, proto, hostname)
    on_port, fitting, chosen, ranked = known
    if not on_port:
        return RouteDecision(None, gateway, error="connection refused", reason=f"no programmed {proto} listener on port {port}")

    def listeners_seen() -> tuple[Considered, ...]:
        return tuple(Considered(f"listener {lr.state.name} ({lr.state.hostname or '*'})", lr in fitting,
                                "hostname fits" if lr in fitting else f"hostname does not match {hostname}")
                     for lr in on_port)
    if chosen is None:
        return RouteDecision(404, gateway, trace=listeners_seen, reason=f"no listener accepts host {hostname}: 404")
    listener = chosen.state

    def trace() -> tuple[Considered, ...]:
        return listeners_seen() + tuple(_explain_routes(chosen, hostname, upath, method, lower, params))
    elements = path_elements(upath)
    # A gRPC call goes to the GRPCRoutes that serve its host, when there are any; other
    # requests (and gRPC calls to a host with no GRPCRoute) to the HTTPRoutes.
    grpc = _grpc_request(lower) and any(e.kind == "GRPCRoute" for e, _ in ranked)
    kind = "GRPCRoute" if grpc else "HTTPRoute"
    hits = []
    for entry, hrank in ranked:
        if entry.kind == kind:
            hits += _hits(entry, hrank, upath, elements, method, lower, params)
    if not hits and grpc:
        return RouteDecision(200, gateway, listener.name, headers=_GRPC_UNIMPLEMENTED, trace=trace,
                             reason="no GRPCRoute rule matches the gRPC call: grpc-status 12 (UNIMPLEMENTED)")
    if not hits:
        return RouteDecision(404, gateway, listener.name, trace=trace, reason="no route rule matches: 404")
    _, entry, i, j, prefix = hits[0] if len(hits) == 1 else min(hits, key=lambda h: h[0])
    base = dict(gateway=gateway, listener=listener.name, route=entry.name, rule=i, match=j)
    order = ("service > method > headers" if grpc
             else "Exact > longest PathPrefix > method > headers > query params")
    why = (f"{kind} {entry.name} rules[{i}].matches[{j}] wins: most specific hostname, then {order}, "
           f"then oldest route, name, rule order")
    return entry, i, prefix, scheme, hostname, port, upath, qs, headers, trace, why, base, method


def _for_host(index: HTTPRouteIndex, port: int, proto: str, hostname: str) -> tuple:
    """(listeners on the port, those whose hostname fits, the most specific of them or None,
    its routes serving ``hostname`` with their hostname rank)."""
    on_port = index.programmed.get((port, proto), ())
    fitting = [lr for lr in on_port if not lr.state.hostname or gateway_host_matches(lr.state.hostname, hostname)]
    if not fitting:
        return on_port, fitting, None, ()
    chosen = fitting[0] if len(fitting) == 1 else max(fitting, key=lambda lr: listener_specificity(lr.state.hostname))
    ranked = tuple((e, r) for e in chosen.candidates(hostname)
                   if (r := _host_rank(e.route, chosen.state.hostname, hostname)) is not None)
    return on_port, fitting, chosen, ranked


def _hits(entry: RouteEntry, hrank: tuple[int, int], upath: str, elements: tuple[str, ...], method: str,
          lower: dict[str, str], params: dict[str, str], considered: list[Considered] | None = None) -> list[tuple]:
    """Try every match of every rule of one route: (precedence key, entry, rule, match, matched
    prefix) for each hit; with ``considered``, also note each match tried."""
    out = []
    explain = considered is not None
    for i, matches in enumerate(entry.matches):
        for j, m in enumerate(matches):
            ok, why = _match(m, upath, elements, method, lower, params, explain)
            if explain:
                considered.append(Considered(f"{entry.kind} {entry.name} rules[{i}].matches[{j}]", ok, why))
            if ok:
                # httproute_types.go precedence, smallest first; ``order`` (the route's place in
                # namespace/name order) only separates two copies of one route.
                sort_key = (-hrank[0], -hrank[1]) + m.key + (entry.created, entry.name, i, j, entry.order)
                out.append((sort_key, entry, i, j, m.prefix))
    return out


def _explain_routes(chosen: ListenerRoutes, hostname: str, upath: str, method: str, lower: dict[str, str],
                    params: dict[str, str]) -> list[Considered]:
    """The explanation's walk: every route with a parentRef to the Gateway, in name order."""
    considered: list[Considered] = []
    listener = chosen.state
    for entry in chosen.entries:
        if listener.name not in entry.listeners:
            considered.append(Considered(f"{entry.kind} {entry.name}", False, f"not attached to listener {listener.name}"))
            continue
        hrank = _host_rank(entry.route, listener.hostname, hostname)
        if hrank is None:
            considered.append(Considered(f"{entry.kind} {entry.name}", False, f"no hostname matches {hostname}"))
            continue
        _hits(entry, hrank, upath, path_elements(upath), method, lower, params, considered)
    return considered
