"""What a Gateway does once a request matched a rule: the rule's filters, one backendRef
drawn by weight, and the :class:`RouteDecision` the data plane carries out.

``httpmatch`` finds the rule (``match_request``); this module finishes the request
(``forward``). The two steps are apart because only the second draws from ``rng``: the
index (``httpindex.HTTPRouteIndex.route``) keeps the first step's result for a request it
has seen before (same port, scheme, Host, path, method, headers and query), and, when the
rule's filters draw nothing, the filters' result and the decision for each backendRef, so
a repeated request costs one draw (httproute_types.go HTTPBackendRef.weight: "proportional
to the sum of all weights in this rule").
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable

from . import cors
from .filters import HeaderModifier, mirror_drawn, redirect, rewrite
from .httproute import BackendResolution
from .types import Considered, explain_lines

__all__ = ["RouteDecision", "forward", "rule_filters", "draw", "to_backend", "draws_in_filters"]


@dataclass(frozen=True)  # no slots: ``considered`` is a cached_property, kept in the instance dict
class RouteDecision:
    """What the Gateway did with one request.

    ``status`` is set when the Gateway answered itself (404 no route, 500 invalid backend,
    3xx redirect with ``headers`` holding ``Location``); otherwise ``backend`` is the
    Service port to proxy to and ``host``/``path``/``request_headers`` what it receives.
    ``response_header_modifier`` and ``response_headers`` (CORS) are applied by the data plane
    to the backend's answer; ``mirrors`` are the copies it sends and whose answers it drops.
    ``error`` is curl's wording when no listener takes the connection.
    ``trace`` computes ``considered`` on first use (not part of the decision itself).
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
    reason: str = ""
    #: CORS headers the data plane adds to the backend's answer (routing/cors.py).
    response_headers: tuple[tuple[str, str], ...] = ()
    #: RequestMirror filters drawn for this request: (route, mirror backendRef) to copy it to.
    mirrors: tuple[tuple[dict, dict], ...] = ()
    trace: Callable[[], tuple[Considered, ...]] | None = field(default=None, repr=False, compare=False)

    @cached_property
    def considered(self) -> tuple[Considered, ...]:
        """Every listener, route and match looked at, in order, with why it (did not) match."""
        return self.trace() if self.trace is not None else ()

    def explain(self) -> str:
        """Every listener, route, rule and match considered, then the verdict."""
        return explain_lines(self.considered, self.reason)



def forward(matched: tuple, rng: random.Random) -> RouteDecision:
    """The winning rule's filters, then one backendRef drawn by weight (``matched`` comes
    from :func:`match_request`)."""
    got = rule_filters(matched, rng)
    return got if isinstance(got, RouteDecision) else to_backend(matched, got, draw(got[-1], rng))


def draws_in_filters(matched: tuple) -> bool:
    """Whether the rule's filters draw from ``rng`` (a RequestMirror with a percentage)."""
    entry, i = matched[0], matched[1]
    return any(f.get("type") == "RequestMirror" for f in entry.rules[i][0].get("filters") or [])


def rule_filters(matched: tuple, rng: random.Random) -> RouteDecision | tuple:
    """The rule's filters: the decision when they answer (CORS preflight, redirect, no usable
    backendRef), else (host, path, headers, response modifier, CORS headers, mirrors, weights)."""
    entry, i, prefix, scheme, hostname, port, upath, qs, headers, trace, why, base, method = matched
    rule = entry.rules[i][0]
    host, new_path, resp, cors_headers, mirrors = hostname, upath, None, (), []
    for f in rule.get("filters") or []:
        t = f.get("type")
        if t == "CORS":
            if cors.is_preflight(method, headers):  # the Gateway answers it itself
                got = cors.preflight(f["cors"], headers)
                return RouteDecision(200, headers=got, trace=trace, reason=f"{why}; CORS preflight answered by the "
                                     "Gateway" + ("" if got else " (origin not allowed: no CORS headers)"),
                                     **base)
            cors_headers = cors.response_headers(f["cors"], headers)
        elif t == "RequestMirror":
            if mirror_drawn(f["requestMirror"], rng):
                mirrors.append((entry.route, f["requestMirror"]["backendRef"]))
        elif t == "RequestRedirect":
            code, location = redirect(f["requestRedirect"], scheme=scheme, host=hostname, listener_port=port,
                                      path=upath, query=qs, matched_prefix=prefix)
            return RouteDecision(code, headers=(("Location", location),), trace=trace,
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
        return RouteDecision(500, trace=trace,
                             reason=f"{why}; {'no backendRefs' if not refs else 'every backendRef has weight 0'}: 500", **base)
    return host, new_path, headers, resp, cors_headers, tuple(mirrors), tuple(weights)


def draw(weights: tuple[int, ...], rng: random.Random) -> int:
    """The backendRef a request goes to: one draw, in proportion to the weights."""
    pick, chosen = rng.random() * sum(weights), None
    for k, w in enumerate(weights):  # walk the cumulative weights until the draw falls inside one
        if w > 0:
            chosen, pick = k, pick - w
            if pick < 0:
                break
    return chosen


def to_backend(matched: tuple, filtered: tuple, chosen: int) -> RouteDecision:
    """The decision for the ``chosen`` backendRef (its own filters run after the rule's)."""
    entry, i, prefix, scheme, hostname, port, upath, qs, _, trace, why, base, method = matched
    host, new_path, headers, resp, cors_headers, mirrors, weights = filtered
    refs = entry.rules[i][0].get("backendRefs") or []
    res = entry.backends[i][chosen]
    if not res.valid:
        return RouteDecision(500, backend=res, trace=trace,
                             reason=f"{why}; backendRef {res} is invalid ({res.reason}: {res.message}): 500", **base)
    for f in refs[chosen].get("filters") or []:  # HTTPBackendRef.filters run after the rule's
        if f.get("type") == "RequestHeaderModifier":
            headers = HeaderModifier.from_filter(f.get("requestHeaderModifier")).apply(headers)
        elif f.get("type") == "ResponseHeaderModifier":
            resp = HeaderModifier.from_filter(f.get("responseHeaderModifier"))
        elif f.get("type") == "URLRewrite":
            host, new_path = rewrite(f["urlRewrite"], host=host, path=new_path, matched_prefix=prefix)
    return RouteDecision(None, backend=res, host=host, path=new_path + (f"?{qs}" if qs else ""),
                         request_headers=tuple(headers.items()), response_header_modifier=resp, trace=trace,
                         response_headers=cors_headers, mirrors=mirrors,
                         reason=f"{why}; backendRef {chosen} ({res}) drawn by weight {weights[chosen]}/{sum(weights)}", **base)
