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
3. Filters of the winning rule run (then the chosen backendRef's own filters).
   A RequestRedirect answers itself. Otherwise one backendRef is drawn with ``rng`` in
   proportion to ``weight`` (default 1); an invalid one, all weights 0, or no backendRefs
   give 500. Nothing matched: 404.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl

from .filters import HeaderModifier, redirect, rewrite
from .hostnames import gateway_host_matches, intersect, listener_specificity, request_host
from .httproute import (CONTROLLER_NAME, BackendResolution, attach, gateway_is_ours, nn, parent_gateway,
                        resolve_backend, route_problem)
from .listeners import evaluate_listeners
from .paths import prefix_matches, split_query
from .types import Considered, explain_lines

__all__ = ["RouteDecision", "route_http"]


@dataclass(frozen=True, slots=True)
class RouteDecision:
    """What the Gateway did with one request.

    ``status`` is set when the Gateway answered itself (404 no route, 500 invalid backend,
    3xx redirect with ``headers`` holding ``Location``); otherwise ``backend`` is the
    Service port to proxy to and ``host``/``path``/``request_headers`` what it receives.
    ``response_header_modifier`` is applied by the data plane to the backend's answer.
    ``error`` is curl's wording when no listener takes the connection.
    """

    status: int | None
    gateway: str
    listener: str | None = None
    route: str | None = None
    rule: int | None = None
    match: int | None = None
    backend: BackendResolution | None = None
    host: str | None = None
    path: str | None = None
    request_headers: tuple[tuple[str, str], ...] = ()
    response_header_modifier: HeaderModifier | None = None
    headers: tuple[tuple[str, str], ...] = ()
    error: str | None = None
    considered: tuple[Considered, ...] = ()
    reason: str = ""

    def explain(self) -> str:
        """Every listener, route, rule and match considered, then the verdict."""
        return explain_lines(self.considered, self.reason)


def _match(m: dict, path: str, method: str, headers: dict[str, str], query: dict[str, str]) -> tuple[bool, str, tuple]:
    """Does one HTTPRouteMatch hit? Returns (hit, why, precedence key parts)."""
    p = m.get("path") or {"type": "PathPrefix", "value": "/"}
    ptype, value = p.get("type", "PathPrefix"), p.get("value", "/")
    if ptype == "Exact":
        ok, rank = path == value, (2, len(value))
    elif ptype == "PathPrefix":
        ok, rank = prefix_matches(value, path), (1, len(value))
    else:
        ok, rank = re.fullmatch(value, path) is not None, (0, len(value))
    if not ok:
        return False, f"path {ptype} {value} does not match {path}", ()
    if m.get("method") and m["method"] != method:
        return False, f"method {m['method']} != {method}", ()
    lower = {k.lower(): v for k, v in headers.items()}
    seen: set[str] = set()
    for h in m.get("headers") or []:
        name = h["name"].lower()
        if name in seen:  # "Subsequent entries with an equivalent header name MUST be ignored"
            continue
        seen.add(name)
        got = lower.get(name)
        hit = got is not None and (re.fullmatch(h["value"], got) is not None
                                   if h.get("type") == "RegularExpression" else got == h["value"])
        if not hit:
            return False, f"header {h['name']}: {h['value']} not present (got {got!r})", ()
    for q in m.get("queryParams") or []:
        got = query.get(q["name"])
        hit = got is not None and (re.fullmatch(q["value"], got) is not None
                                   if q.get("type") == "RegularExpression" else got == q["value"])
        if not hit:
            return False, f"query param {q['name']}={q['value']} not present (got {got!r})", ()
    why = f"path {ptype} {value}" + (f", method {m['method']}" if m.get("method") else "") \
        + f", {len(m.get('headers') or [])} header(s), {len(m.get('queryParams') or [])} query param(s)"
    return True, why, (rank, 1 if m.get("method") else 0, len(seen), len(m.get("queryParams") or []),
                       value if ptype == "PathPrefix" else None)


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
    is given, a Gateway of another controller's class serves nothing here.
    """
    considered: list[Considered] = []
    gw = next((g for g in gateways if nn(g) == gateway), None)
    if gw is None or (gateway_classes is not None and not gateway_is_ours(gw, gateway_classes, controller_name)):
        return RouteDecision(None, gateway, error="connection refused", reason=f"Gateway {gateway} is not served by {controller_name}")
    hostname, (upath, qs) = request_host(host), split_query(path)
    params = dict(parse_qsl(qs, keep_blank_values=True)[::-1])  # the first value of a repeated name wins
    params.update(query or {})
    headers = dict(headers or {})
    states = evaluate_listeners(gw, secrets=secrets, reference_grants=reference_grants)
    proto = "HTTPS" if scheme == "https" else "HTTP"
    on_port = [s for s in states if s.port == port and s.protocol == proto and s.programmed]
    if not on_port:
        return RouteDecision(None, gateway, error="connection refused", reason=f"no programmed {proto} listener on port {port}")
    fitting = [s for s in on_port if not s.hostname or gateway_host_matches(s.hostname, hostname)]
    for s in on_port:
        considered.append(Considered(f"listener {s.name} ({s.hostname or '*'})", s in fitting,
                                     "hostname fits" if s in fitting else f"hostname does not match {hostname}"))
    if not fitting:
        return RouteDecision(404, gateway, considered=tuple(considered), reason=f"no listener accepts host {hostname}: 404")
    listener = max(fitting, key=lambda s: listener_specificity(s.hostname))
    hits = []
    for route in sorted(routes, key=nn):
        refs = [r for r in (route.get("spec") or {}).get("parentRefs") or [] if parent_gateway(route, r, [gw]) is gw]
        if not refs:
            continue
        if route_problem(route) or not any(listener.name in attach(route, r, gw, namespaces, states).listeners for r in refs):
            considered.append(Considered(f"HTTPRoute {nn(route)}", False, f"not attached to listener {listener.name}"))
            continue
        hrank = _host_rank(route, listener.hostname, hostname)
        if hrank is None:
            considered.append(Considered(f"HTTPRoute {nn(route)}", False, f"no hostname matches {hostname}"))
            continue
        created = (route.get("metadata") or {}).get("creationTimestamp") or ""
        for i, rule in enumerate((route.get("spec") or {}).get("rules") or [{}]):
            for j, m in enumerate(rule.get("matches") or [{}]):
                ok, why, key = _match(m, upath, method, headers, params)
                considered.append(Considered(f"HTTPRoute {nn(route)} rules[{i}].matches[{j}]", ok, why))
                if ok:
                    (pk, plen), meth, nh, nq, prefix = key
                    sort_key = (-hrank[0], -hrank[1], -pk, -plen, -meth, -nh, -nq, created, nn(route), i, j)
                    hits.append((sort_key, route, i, j, rule, prefix))
    if not hits:
        return RouteDecision(404, gateway, listener.name, considered=tuple(considered), reason="no route rule matches: 404")
    hits.sort(key=lambda h: h[0])
    _, route, i, j, rule, prefix = hits[0]
    base = dict(gateway=gateway, listener=listener.name, route=nn(route), rule=i, match=j)
    why = (f"HTTPRoute {nn(route)} rules[{i}].matches[{j}] wins: most specific hostname, then Exact > longest "
           f"PathPrefix > method > headers > query params, then oldest route, name, rule order")
    return _forward(route, rule, prefix, services, reference_grants, scheme, hostname, port, upath, qs, headers,
                    rng, considered, why, base)


def _forward(route, rule, prefix, services, grants, scheme, hostname, port, upath, qs, headers, rng,
             considered, why, base) -> RouteDecision:
    host, new_path, resp = hostname, upath, None
    for f in rule.get("filters") or []:
        t = f.get("type")
        if t == "RequestRedirect":
            code, location = redirect(f["requestRedirect"], scheme=scheme, host=hostname, listener_port=port,
                                      path=upath, query=qs, matched_prefix=prefix)
            return RouteDecision(code, headers=(("Location", location),), considered=tuple(considered),
                                 reason=f"{why}; RequestRedirect: {code} to {location}", **base)
        if t == "URLRewrite":
            host, new_path = rewrite(f["urlRewrite"], host=host, path=new_path, matched_prefix=prefix)
        elif t == "RequestHeaderModifier":
            headers = HeaderModifier.from_filter(f.get("requestHeaderModifier")).apply(headers)
        elif t == "ResponseHeaderModifier":
            resp = HeaderModifier.from_filter(f.get("responseHeaderModifier"))
    refs = rule.get("backendRefs") or []
    weights = [b.get("weight", 1) for b in refs]
    if not refs or sum(weights) == 0:
        return RouteDecision(500, considered=tuple(considered),
                             reason=f"{why}; {'no backendRefs' if not refs else 'every backendRef has weight 0'}: 500", **base)
    pick, chosen = rng.random() * sum(weights), None
    for k, w in enumerate(weights):  # walk the cumulative weights until the draw falls inside one
        if w > 0:
            chosen, pick = k, pick - w
            if pick < 0:
                break
    res = resolve_backend(route, refs[chosen], services, grants)
    if not res.valid:
        return RouteDecision(500, backend=res, considered=tuple(considered),
                             reason=f"{why}; backendRef {res} is invalid ({res.reason}: {res.message}): 500", **base)
    for f in refs[chosen].get("filters") or []:  # HTTPBackendRef.filters run after the rule's
        if f.get("type") == "RequestHeaderModifier":
            headers = HeaderModifier.from_filter(f.get("requestHeaderModifier")).apply(headers)
        elif f.get("type") == "ResponseHeaderModifier":
            resp = HeaderModifier.from_filter(f.get("responseHeaderModifier"))
        elif f.get("type") == "URLRewrite":
            host, new_path = rewrite(f["urlRewrite"], host=host, path=new_path, matched_prefix=prefix)
    return RouteDecision(None, backend=res, host=host, path=new_path + (f"?{qs}" if qs else ""),
                         request_headers=tuple(headers.items()), response_header_modifier=resp,
                         considered=tuple(considered),
                         reason=f"{why}; backendRef {chosen} ({res}) drawn by weight {weights[chosen]}/{sum(weights)}", **base)
