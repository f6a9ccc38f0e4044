"""GRPCRoute: matching gRPC requests by service and method (``apis/v1/grpcroute_types.go``).

A gRPC call is an HTTP/2 POST to ``/<service>/<method>`` with ``content-type:
application/grpc``. A ``GRPCMethodMatch`` names the service, the method, or both:

* ``Exact`` (the default): an omitted service matches every service, an omitted method every
  method (Core with both given; Implementation-specific with only the method);
* ``RegularExpression``: each given part is a regular expression over its path segment
  (Implementation-specific);
* a rule without ``matches`` matches every gRPC request.

Precedence among the matches that hit (grpcroute_types.go ``GRPCRouteRule``): the largest
number of characters in a matching non-wildcard hostname, then in a matching hostname, then
in the matching **service**, then in the **method**, then the most header matches; then the
oldest route, ``namespace/name``, the first rule. ``compile_grpc_match`` expresses one match
as a :class:`~.httpmatch.CompiledMatch` whose path is a regular expression, with that order
as its precedence key, so the HTTPRoute match step can rank both kinds.

The match step (``httpmatch.route_compiled``) sends a gRPC call (``content-type:
application/grpc``) to the GRPCRoutes serving its host and answers a call none of their rules
matches with gRPC status 12 (``UNIMPLEMENTED``), as conformance
``grpcroute-exact-method-matching`` expects.
"""
from __future__ import annotations

import re

from .httpmatch import CompiledMatch, _pattern

__all__ = ["compile_grpc_match", "grpc_route_problem", "GRPC_FILTERS"]

#: GRPCRouteFilter types this implementation runs in a rule: RequestHeaderModifier (Core),
#: ResponseHeaderModifier and RequestMirror (Extended: grpcroute_types.go
#: ``GRPCRouteFilterRequestMirror``, "Support in GRPCRouteRule: Extended"; the copy goes out as
#: HTTPRoute's does, Envoy's ``-shadow`` :authority suffix included -- v1.6.1 has no conformance
#: test or feature name for it).  ExtensionRef (Implementation-specific), and RequestMirror on a
#: backendRef, make the route ``Accepted=False/UnsupportedValue``.
GRPC_FILTERS = ("RequestHeaderModifier", "ResponseHeaderModifier", "RequestMirror")
GRPC_BACKEND_FILTERS = ("RequestHeaderModifier", "ResponseHeaderModifier")
_SEGMENT = "[^/]+"


def _part(value: str | None, regex: bool) -> str:
    if not value:
        return _SEGMENT
    return f"(?:{value})" if regex else re.escape(value)


def compile_grpc_match(m: dict) -> CompiledMatch:
    """Prepare one GRPCRouteMatch (``{}`` = every gRPC request)."""
    method = m.get("method")
    headers, seen = [], set()
    for h in m.get("headers") or []:
        name = h["name"].lower()
        if name not in seen:  # "only the first entry with an equivalent name MUST be considered"
            seen.add(name)
            regex = h.get("type") == "RegularExpression"
            headers.append((h["name"], name, h["value"], _pattern(h["value"]) if regex else None, regex))
    if method:
        regex = method.get("type") == "RegularExpression"
        service, meth = method.get("service") or "", method.get("method") or ""
        text = f"/{_part(service, regex)}/{_part(meth, regex)}"
        shown = f"{method.get('type', 'Exact')} {service or '*'}/{meth or '*'}"
    else:
        service = meth = ""
        text, shown = ".*", "any service and method"
    why = f"gRPC method {shown}, {len(headers)} header(s)"
    return CompiledMatch(f"gRPC method {shown}", text, None, _pattern(text), None, tuple(headers), (),
                         (-len(service), -len(meth), -len(headers), 0, 0), None, why)


def grpc_route_problem(route: dict) -> str | None:
    """A value this implementation does not support in a GRPCRoute (-> UnsupportedValue), or None."""
    for i, rule in enumerate((route.get("spec") or {}).get("rules") or []):
        for m in rule.get("matches") or []:
            if (m.get("method") or {}).get("type", "Exact") not in ("Exact", "RegularExpression"):
                return f"rules[{i}]: unsupported method match type {m['method'].get('type')}"
            for h in m.get("headers") or []:
                if h.get("type", "Exact") not in ("Exact", "RegularExpression"):
                    return f"rules[{i}]: unsupported header match type {h.get('type')}"
        filters = [(f, GRPC_FILTERS) for f in rule.get("filters") or []]
        filters += [(f, GRPC_BACKEND_FILTERS) for b in rule.get("backendRefs") or [] for f in b.get("filters") or []]
        for f, supported in filters:
            if f.get("type") not in supported:
                return f"rules[{i}]: unsupported filter type {f.get('type')}" + (
                    " on a backendRef" if f.get("type") in GRPC_FILTERS else "")
    return None
