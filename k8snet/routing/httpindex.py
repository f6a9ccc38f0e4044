"""The compile step of Gateway routing: one Gateway's listeners and routes, indexed.

A Gateway implementation does not re-read every HTTPRoute for each request: Envoy
Gateway, for one, translates the Gateway and its routes into Envoy configuration (virtual
hosts per listener hostname, routes in precedence order) whenever an object changes, and
Envoy then serves requests from that configuration. ``compile_http`` is that translation:

* the listeners, validated once (``evaluate_listeners``);
* for each listener, every HTTPRoute and GRPCRoute with a parentRef to this Gateway in ``namespace/name``
  order, with whether it attached to that listener (``attach``, ``route_problem``); the
  explanation of a decision walks this list;
* for each listener, the attached routes by the hostname they serve there (the
  intersection of listener and route hostnames, ``hostnames.intersect``): exact names in
  one dict, wildcards by their suffix in another, routes without hostnames apart; so a
  request only looks at the routes that can serve its Host;
* every backendRef resolved to its Service (``resolve_backend``).

The match step is ``httpmatch``: ``HTTPRouteIndex.route`` decides one request.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from .hostnames import intersect
from .httproute import (CONTROLLER_NAME, BackendResolution, attach, gateway_is_ours, nn, parent_gateway,
                        resolve_backend, route_problem)
from .grpcroute import compile_grpc_match
from .decision import RouteDecision, draw, draws_in_filters, forward, rule_filters, to_backend
from .httpmatch import CompiledMatch, compile_match, match_request, route_compiled
from .listeners import ListenerState, evaluate_listeners

__all__ = ["RouteEntry", "ListenerRoutes", "HTTPRouteIndex", "compile_http"]


@dataclass(frozen=True, slots=True, eq=False)  # one entry per route: compared by identity
class RouteEntry:
    """One HTTPRoute or GRPCRoute (``kind``) with a parentRef to the Gateway, prepared for matching.

    ``rules`` pairs each rule with its matches (a rule without ``matches`` has one empty
    match, i.e. PathPrefix ``/``), and ``matches[i]`` holds them compiled (``compile_match``);
    ``backends[i][k]`` resolves ``rules[i]``'s k-th backendRef.
    ``listeners`` names the listeners it attached to (none when it has an unsupported value);
    ``order`` is its place in ``namespace/name`` order.
    """

    route: dict
    name: str
    order: int
    created: str
    listeners: frozenset[str]
    rules: tuple[tuple[dict, tuple[dict, ...]], ...]
    matches: tuple[tuple[CompiledMatch, ...], ...]
    backends: tuple[tuple[BackendResolution, ...], ...]
    kind: str = "HTTPRoute"


@dataclass(frozen=True, slots=True)
class ListenerRoutes:
    """The routes of one listener: all of them in name order, and the attached ones by host."""

    state: ListenerState
    entries: tuple[RouteEntry, ...]
    any_host: tuple[RouteEntry, ...]
    by_host: dict[str, tuple[RouteEntry, ...]]
    by_suffix: dict[str, tuple[RouteEntry, ...]]

    def candidates(self, host: str) -> list[RouteEntry]:
        """The attached routes that may serve ``host``: every route whose hostname matches
        it is among them (``httpmatch`` still checks each, and ranks them)."""
        found = list(self.any_host)
        found += self.by_host.get(host, ())
        # "*.example.com" matches "a.b.example.com": look up every suffix after a dot that
        # leaves at least one character in front (gateway_host_matches).
        dot = host.find(".", 1)
        while dot != -1:
            found += self.by_suffix.get(host[dot:], ())
            dot = host.find(".", dot + 1)
        return list(dict.fromkeys(found))  # a route with several fitting hostnames, once


@dataclass(frozen=True, slots=True)
class HTTPRouteIndex:
    """One Gateway compiled for routing; ``error`` is set when it serves nothing here.

    ``listeners`` has one entry per listener, in spec order; ``programmed`` the programmed
    ones by (port, protocol), the listeners a connection on that port can reach.
    ``by_request`` remembers, per (port, protocol, Host), the listener chosen and the routes
    that serve that Host (filled by ``httpmatch.route_compiled``); ``by_match``, per request
    (port, scheme, Host, path, method, headers, query), its match and what follows from it
    without a draw (filled by :meth:`route`). The index itself is built again when the
    objects change, and with it this memory."""

    gateway: str
    error: str | None
    listeners: tuple[ListenerRoutes, ...] = ()
    programmed: dict[tuple[int, str], tuple[ListenerRoutes, ...]] | None = None
    by_request: dict[tuple[int, str, str], tuple] = field(default_factory=dict, compare=False, repr=False)
    by_match: dict[tuple, "_Plan"] = field(default_factory=dict, compare=False, repr=False)

    def route(self, *, port: int, rng: random.Random, scheme: str = "http", host: str | None = None,
              path: str = "/", method: str = "GET", headers: dict[str, str] | None = None,
              query: dict[str, str] | None = None) -> RouteDecision:
        """Decide one request (arguments as for ``httpmatch.route_http``); a request seen
        before reuses its match, so only the weighted draw is new (``decision.py``)."""
        try:
            key = (port, scheme, host, path, method, tuple((headers or {}).items()), tuple((query or {}).items()))
            plan = self.by_match.get(key)
        except TypeError:  # an unhashable header value: decide it afresh
            return route_compiled(self, port=port, rng=rng, scheme=scheme, host=host, path=path, method=method,
                                  headers=headers, query=query)
        if plan is None:
            if len(self.by_match) >= 1024:
                self.by_match.clear()
            plan = self.by_match[key] = _Plan(match_request(self, port=port, scheme=scheme, host=host, path=path,
                                                            method=method, headers=headers, query=query))
        return plan.decide(rng)


class _Plan:
    """One request's match (``httpmatch.match_request``), its rule's filters when they draw
    nothing, and the decision for each backendRef drawn so far: the same draws from ``rng``,
    in the same order, as ``route_compiled`` makes."""

    __slots__ = ("matched", "fixed", "filtered", "decisions")

    def __init__(self, matched):
        self.matched, self.filtered, self.decisions = matched, None, {}
        self.fixed = isinstance(matched, RouteDecision) or not draws_in_filters(matched)

    def decide(self, rng: random.Random) -> RouteDecision:
        if isinstance(self.matched, RouteDecision):
            return self.matched
        if not self.fixed:  # a RequestMirror may draw: its filters run for each request
            return forward(self.matched, rng)
        if self.filtered is None:
            self.filtered = rule_filters(self.matched, rng)  # draws nothing (``fixed``)
        if isinstance(self.filtered, RouteDecision):
            return self.filtered
        chosen = draw(self.filtered[-1], rng)
        got = self.decisions.get(chosen)
        if got is None:
            got = self.decisions[chosen] = to_backend(self.matched, self.filtered, chosen)
        return got


def _entry(route: dict, order: int, refs: list[dict], gw: dict, states: list[ListenerState],
           namespaces: list[dict], services: dict[str, dict], grants: list[dict]) -> RouteEntry:
    attached: set[str] = set()
    if not route_problem(route):
        for ref in refs:
            attached.update(attach(route, ref, gw, namespaces, states).listeners)
    rules = tuple((rule, tuple(rule.get("matches") or [{}]))
                  for rule in (route.get("spec") or {}).get("rules") or [{}])
    # resolve_backend looks the Service up by namespace/name in the list it is given;
    # handing it the one candidate from the index gives the same answer without a scan.
    route_ns = (route.get("metadata") or {}).get("namespace", "default")
    backends = tuple(tuple(resolve_backend(route, b, _only(services, b, route_ns), grants)
                           for b in rule.get("backendRefs") or []) for rule, _ in rules)
    compile_one = compile_grpc_match if route.get("kind") == "GRPCRoute" else compile_match
    return RouteEntry(route, nn(route), order, (route.get("metadata") or {}).get("creationTimestamp") or "",
                      frozenset(attached), rules, tuple(tuple(compile_one(m) for m in ms) for _, ms in rules),
                      backends, route.get("kind", "HTTPRoute"))


def _only(services: dict[str, dict], ref: dict, route_ns: str) -> list[dict]:
    svc = services.get(f"{ref.get('namespace', route_ns)}/{ref.get('name', '')}")
    return [svc] if svc is not None else []


def _listener_routes(state: ListenerState, entries: list[RouteEntry]) -> ListenerRoutes:
    any_host: list[RouteEntry] = []
    by_host: dict[str, list[RouteEntry]] = {}
    by_suffix: dict[str, list[RouteEntry]] = {}
    for e in entries:
        if state.name not in e.listeners:
            continue
        names = (e.route.get("spec") or {}).get("hostnames") or []
        if not names:
            any_host.append(e)  # serves every host the listener accepts
        for name in names:
            served = intersect(state.hostname, name)
            if served is None:
                continue
            if served == state.hostname:
                any_host.append(e)  # the listener's own hostname, which fits every request it gets
            elif served.startswith("*."):
                by_suffix.setdefault(served[1:], []).append(e)
            else:
                by_host.setdefault(served, []).append(e)
    return ListenerRoutes(state, tuple(entries), tuple(any_host),
                          {h: tuple(v) for h, v in by_host.items()}, {h: tuple(v) for h, v in by_suffix.items()})


def compile_http(gateways: list[dict], routes: list[dict], services: list[dict], reference_grants: list[dict],
                 namespaces: list[dict], *, gateway: str, gateway_classes: list[dict] | None = None,
                 controller_name: str = CONTROLLER_NAME, secrets: list[dict] = ()) -> HTTPRouteIndex:
    """Compile Gateway ``gateway`` (``"namespace/name"``) and the routes attached to it.

    Arguments as for ``httpmatch.route_http``, without the request. Build it again when
    any of the objects change.
    """
    gw = next((g for g in gateways if nn(g) == gateway), None)
    if gw is None or (gateway_classes is not None and not gateway_is_ours(gw, gateway_classes, controller_name)):
        return HTTPRouteIndex(gateway, f"Gateway {gateway} is not served by {controller_name}")
    states = evaluate_listeners(gw, secrets=secrets, reference_grants=reference_grants)
    by_nn: dict[str, dict] = {}
    for svc in services:
        by_nn.setdefault(nn(svc), svc)  # the first of duplicates, as a scan of the list finds it
    entries = []
    for route in sorted(routes, key=nn):
        refs = [r for r in (route.get("spec") or {}).get("parentRefs") or [] if parent_gateway(route, r, [gw]) is gw]
        if refs:
            entries.append(_entry(route, len(entries), refs, gw, states, namespaces, by_nn, list(reference_grants)))
    listeners = tuple(_listener_routes(s, entries) for s in states)
    programmed: dict[tuple[int, str], list[ListenerRoutes]] = {}
    for lr in listeners:
        if lr.state.programmed:
            programmed.setdefault((lr.state.port, lr.state.protocol), []).append(lr)
    return HTTPRouteIndex(gateway, None, listeners, {k: tuple(v) for k, v in programmed.items()})
