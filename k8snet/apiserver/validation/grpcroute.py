"""GRPCRoute (``gateway.networking.k8s.io/v1``, standard channel since gateway-api v1.1): the
CRD schema of **gateway-api v1.6.1** (``config/crd/standard/gateway.networking.k8s.io_grpcroutes.yaml``)
for the fields k8snet models, with their defaults, limits and CEL rules (messages verbatim).

It shares parentRefs, hostnames, header names, header modifiers, mirrors and backendRefs with
HTTPRoute (:mod:`.gateway`); what differs is the match (``method``: a gRPC service and/or method,
``Exact`` by default), the filter types (no redirect or rewrite) and the rules, which have no
default and no minimum.
"""
from __future__ import annotations

import re

from .crd import Rule, Schema
from .gateway import (_HEADER_MODIFIER, _MIRROR, _NAME, _PARENT_REFS, GROUP, HEADER_NAME, HOSTNAME, KIND,
                      SECTION_NAME, _a, _backend_ref, _count, _has, _o, _s)

__all__ = ["GRPCROUTE", "GRPC_SERVICE", "GRPC_METHOD"]

#: GRPCMethodMatch CEL: the characters of a service and of a method (Exact matches only), as
#: the CRD writes them (RE2 takes ``(?i)`` after ``^``; Python wants it first: ``_SERVICE_RE``).
GRPC_SERVICE = r"^(?i)\.?[a-z_][a-z_0-9]*(\.[a-z_][a-z_0-9]*)*$"
GRPC_METHOD = r"^[A-Za-z_][A-Za-z_0-9]*$"
_SERVICE_RE = re.compile(r"^\.?[a-z_][a-z_0-9]*(\.[a-z_][a-z_0-9]*)*$", re.IGNORECASE)
_METHOD_RE = re.compile(GRPC_METHOD)
#: GRPCRouteFilter.type enum, in the CRD's order.
_FILTER_FIELDS = {"ResponseHeaderModifier": "responseHeaderModifier", "RequestHeaderModifier": "requestHeaderModifier",
                  "RequestMirror": "requestMirror", "ExtensionRef": "extensionRef"}
# The CEL rules of a filter item come in the CRD in this order (not the enum's).
_RULE_ORDER = ("RequestHeaderModifier", "ResponseHeaderModifier", "RequestMirror", "ExtensionRef")


def _exact(m) -> bool:
    return m.get("type", "Exact") == "Exact"


def _matches(pattern: re.Pattern, value) -> bool:
    return isinstance(value, str) and pattern.search(value) is not None


_METHOD = _o({"type": _s(enum=("Exact", "RegularExpression"), default="Exact"),
              "service": _s(max_length=1024), "method": _s(max_length=1024)}, rules=(
    Rule("One or both of 'service' or 'method' must be specified",
         lambda m: _has(m, "service") or _has(m, "method") if _has(m, "type") else True),
    Rule(f"service must only contain valid characters (matching {GRPC_SERVICE})",
         lambda m: _matches(_SERVICE_RE, m["service"]) if _exact(m) and _has(m, "service") else True),
    Rule(f"method must only contain valid characters (matching {GRPC_METHOD})",
         lambda m: _matches(_METHOD_RE, m["method"]) if _exact(m) and _has(m, "method") else True),
))
_HEADER = _o({"name": _s(pattern=HEADER_NAME, min_length=1, max_length=256),
              "type": _s(enum=("Exact", "RegularExpression"), default="Exact"),
              "value": _s(min_length=1, max_length=4096)}, required=("name", "value"))
_MATCH = _o({"method": _METHOD, "headers": _a(_HEADER, max_items=16)})


def _filter_rules() -> tuple[Rule, ...]:
    rules = []
    for t in _RULE_ORDER:
        f = _FILTER_FIELDS[t]
        rules.append(Rule(f"filter.{f} must be nil if the filter.type is not {t}",
                          lambda x, t=t, f=f: not (_has(x, f) and x.get("type") != t)))
        rules.append(Rule(f"filter.{f} must be specified for {t} filter.type",
                          lambda x, t=t, f=f: not (not _has(x, f) and x.get("type") == t)))
    return tuple(rules)


def _filters() -> Schema:
    ext = _o({"group": _s(pattern=GROUP, max_length=253), "kind": _s(pattern=KIND, min_length=1, max_length=63),
              "name": _NAME}, required=("group", "kind", "name"))
    item = _o({"type": _s(enum=tuple(_FILTER_FIELDS)), "requestHeaderModifier": _HEADER_MODIFIER,
               "responseHeaderModifier": _HEADER_MODIFIER, "requestMirror": _MIRROR, "extensionRef": ext},
              required=("type",), rules=_filter_rules())
    return _a(item, max_items=16, rules=tuple(
        Rule(f"{t} filter cannot be repeated", lambda fs, t=t: _count(fs, lambda f: f.get("type") == t) <= 1)
        for t in ("RequestHeaderModifier", "ResponseHeaderModifier")))


_BACKEND_REF = _backend_ref(weight=True)
_BACKEND_REF = Schema("object", props={**_BACKEND_REF.props, "filters": _filters()},
                      required=_BACKEND_REF.required, rules=_BACKEND_REF.rules)
_RULE = _o({"name": _s(pattern=SECTION_NAME, min_length=1, max_length=253),
            "matches": _a(_MATCH, max_items=64), "filters": _filters(),
            "backendRefs": _a(_BACKEND_REF, max_items=16)})

GRPCROUTE = _o({"spec": _o({
    "parentRefs": _PARENT_REFS,
    "hostnames": _a(_s(pattern=HOSTNAME, min_length=1, max_length=253), max_items=16),
    "rules": _a(_RULE, max_items=16, rules=(
        Rule("While 16 rules and 64 matches per rule are allowed, the total number of matches across all rules in a route must be less than 128",
             lambda rs: sum(len(r.get("matches") or []) for r in rs[:16]) <= 128),)),
})}, required=("spec",))
