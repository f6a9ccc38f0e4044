"""Gateway API kinds (``gateway.networking.k8s.io``): the CRD schemas of the standard channel,
**gateway-api v1.6.1** (``config/crd/standard/*.yaml``, version ``v1``; ReferenceGrant is
served as ``v1`` and ``v1beta1`` with one schema), for the fields k8snet models, with their
defaults, patterns, limits and CEL rules.

What changed since v1.3 and is modelled here: redirect ``statusCode`` takes 301, 302, 303,
307 and 308 (v1.4); the ``CORS`` filter joined the standard channel (v1.5) with its
"cannot be repeated" rule; ``spec.rules`` needs at least one item and a rule may carry a
``name`` (v1.4); a ``TLS`` listener must set ``tls.mode``; an address of type Hostname may
omit its value; ReferenceGrant ``spec`` is required (v1.6).

The rules are transcribed from the CRDs' ``x-kubernetes-validations`` (messages verbatim,
typos included) and the ``+kubebuilder`` markers in ``apis/v1``; there is no webhook.
Note that a listener ``protocol`` is a pattern, not an enum (implementations may add their
own, e.g. ``example.com/fancy``), and the GatewayClass ``controllerName`` is immutable.
"""
from __future__ import annotations

import re
from typing import Mapping

from ...routing.types import REDIRECT_STATUS_CODES
from .crd import Rule, Schema

__all__ = ["SCHEMAS"]

_DNS_LABELS = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*"
GROUP = r"^$|^" + _DNS_LABELS + "$"
KIND = r"^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$"
NAMESPACE = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"
SECTION_NAME = "^" + _DNS_LABELS + "$"
HOSTNAME = r"^(\*\.)?" + _DNS_LABELS + "$"
PRECISE_HOSTNAME = "^" + _DNS_LABELS + "$"
HEADER_NAME = r"^[A-Za-z0-9!#$%&'*+\-.^_\x60|~]+$"
CONTROLLER = "^" + _DNS_LABELS + r"\/[A-Za-z0-9\/\-._~%!$&'()*+,;=:]+$"
PROTOCOL = r"^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$|" + _DNS_LABELS + r"\/[A-Za-z0-9]+$"
ADDRESS_TYPE = r"^Hostname|IPAddress|NamedAddress|" + _DNS_LABELS + r"\/[A-Za-z0-9\/\-._~%!$&'()*+,;=:]+$"
DURATION = r"^([0-9]{1,5}(h|m|s|ms)){1,4}$"


def _s(**kw) -> Schema:
    return Schema("string", **kw)


def _i(**kw) -> Schema:
    return Schema("integer", **kw)


def _o(props: dict, **kw) -> Schema:
    return Schema("object", props=props, **kw)


def _a(items: Schema, **kw) -> Schema:
    return Schema("array", items=items, **kw)


_STRING_MAP = Schema("object", values=_s())
_PORT = _i(minimum=1, maximum=65535)
_NS = _s(pattern=NAMESPACE, min_length=1, max_length=63)
_NAME = _s(min_length=1, max_length=253)
_LABEL_SELECTOR = _o({"matchLabels": _STRING_MAP, "matchExpressions": _a(_o(
    {"key": _s(), "operator": _s(), "values": _a(_s())}, required=("key", "operator")))})


def _has(d: Mapping, key: str) -> bool:
    return isinstance(d, dict) and key in d


def _count(items, pred) -> int:
    return sum(1 for x in items if pred(x))


# -- shared pieces ------------------------------------------------------------------------
def _backend_ref(weight: bool) -> Schema:
    props = {"group": _s(pattern=GROUP, max_length=253, default=""),
             "kind": _s(pattern=KIND, min_length=1, max_length=63, default="Service"),
             "name": _NAME, "namespace": _NS, "port": _PORT}
    if weight:
        props["weight"] = _i(minimum=0, maximum=1000000, default=1)
    rule = Rule("Must have port for Service reference",
                lambda b: _has(b, "port") if b.get("group", "") == "" and b.get("kind") == "Service" else True)
    return _o(props, required=("name",), rules=(rule,))


def _path_modifier() -> Schema:
    t = ("ReplaceFullPath", "ReplacePrefixMatch")
    return _o({"type": _s(enum=t), "replaceFullPath": _s(max_length=1024),
               "replacePrefixMatch": _s(max_length=1024)}, required=("type",), rules=(
        Rule("replaceFullPath must be specified when type is set to 'ReplaceFullPath'",
             lambda p: _has(p, "replaceFullPath") if p.get("type") == "ReplaceFullPath" else True),
        Rule("type must be 'ReplaceFullPath' when replaceFullPath is set",
             lambda p: p.get("type") == "ReplaceFullPath" if _has(p, "replaceFullPath") else True),
        Rule("replacePrefixMatch must be specified when type is set to 'ReplacePrefixMatch'",
             lambda p: _has(p, "replacePrefixMatch") if p.get("type") == "ReplacePrefixMatch" else True),
        Rule("type must be 'ReplacePrefixMatch' when replacePrefixMatch is set",
             lambda p: p.get("type") == "ReplacePrefixMatch" if _has(p, "replacePrefixMatch") else True)))


_HEADER = _o({"name": _s(pattern=HEADER_NAME, min_length=1, max_length=256),
              "value": _s(min_length=1, max_length=4096)}, required=("name", "value"))
_HEADER_MODIFIER = _o({"add": _a(_HEADER, max_items=16), "set": _a(_HEADER, max_items=16),
                       "remove": _a(_s(), max_items=16)})
_FILTER_FIELDS = {"CORS": "cors", "RequestHeaderModifier": "requestHeaderModifier", "ResponseHeaderModifier": "responseHeaderModifier",
                  "RequestMirror": "requestMirror", "RequestRedirect": "requestRedirect",
                  "URLRewrite": "urlRewrite", "ExtensionRef": "extensionRef"}

#: HTTPRouteFilter.type enum, in the CRD's order (CORS appended in v1.5).
_FILTER_TYPES = ("RequestHeaderModifier", "ResponseHeaderModifier", "RequestMirror", "RequestRedirect",
                 "URLRewrite", "ExtensionRef", "CORS")
_CORS_ORIGIN = r"(^\*$)|(^(http(s)?):\/\/(((\*\.)?([a-zA-Z0-9\-]+\.)*[a-zA-Z0-9-]+|\*)(:([0-9]{1,5}))?)$)"
_CORS_HEADER = _s(pattern=HEADER_NAME, min_length=1, max_length=256)


def _no_star_with_others(msg: str) -> Rule:
    return Rule(msg, lambda xs: not ("*" in xs and len(xs) > 1))


#: HTTPCORSFilter (GEP-1767, standard since v1.5).
_CORS = _o({
    "allowOrigins": _a(_s(pattern=_CORS_ORIGIN, min_length=1, max_length=253), max_items=64,
                       rules=(_no_star_with_others("AllowOrigins cannot contain '*' alongside other origins"),)),
    "allowCredentials": Schema("boolean"),
    "allowMethods": _a(_s(enum=("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH", "*")),
                       max_items=9,
                       rules=(_no_star_with_others("AllowMethods cannot contain '*' alongside other methods"),)),
    "allowHeaders": _a(_CORS_HEADER, max_items=64,
                       rules=(_no_star_with_others("AllowHeaders cannot contain '*' alongside other methods"),)),
    "exposeHeaders": _a(_CORS_HEADER, max_items=64),
    "maxAge": _i(minimum=1, default=5),
})


def _filter_rules() -> tuple[Rule, ...]:
    rules = []
    for t, f in _FILTER_FIELDS.items():
        rules.append(Rule(f"filter.{f} must be nil if the filter.type is not {t}",
                          lambda x, t=t, f=f: not (_has(x, f) and x.get("type") != t)))
        rules.append(Rule(f"filter.{f} must be specified for {t} filter.type",
                          lambda x, t=t, f=f: not (not _has(x, f) and x.get("type") == t)))
    return tuple(rules)


#: HTTPRequestMirrorFilter (GRPCRoute uses the same one).
_MIRROR = _o({"backendRef": _backend_ref(weight=False), "percent": _i(minimum=0, maximum=100),
              "fraction": _o({"numerator": _i(minimum=0), "denominator": _i(minimum=1, default=100)},
                             required=("numerator",), rules=(Rule(
                                 "numerator must be less than or equal to denominator",
                                 lambda f: f.get("numerator", 0) <= f.get("denominator", 100)),))},
             required=("backendRef",), rules=(Rule(
                 "Only one of percent or fraction may be specified in HTTPRequestMirrorFilter",
                 lambda m: not (_has(m, "percent") and _has(m, "fraction"))),))


def _filters() -> Schema:
    redirect = _o({"scheme": _s(enum=("http", "https")),
                   "hostname": _s(pattern=PRECISE_HOSTNAME, min_length=1, max_length=253),
                   "path": _path_modifier(), "port": _PORT,
                   "statusCode": _i(enum=REDIRECT_STATUS_CODES, default=302)})
    rewrite = _o({"hostname": _s(pattern=PRECISE_HOSTNAME, min_length=1, max_length=253),
                  "path": _path_modifier()})
    ext = _o({"group": _s(pattern=GROUP, max_length=253), "kind": _s(pattern=KIND, min_length=1, max_length=63),
              "name": _NAME}, required=("group", "kind", "name"))
    item = _o({"type": _s(enum=_FILTER_TYPES), "cors": _CORS, "requestHeaderModifier": _HEADER_MODIFIER,
               "responseHeaderModifier": _HEADER_MODIFIER, "requestMirror": _MIRROR,
               "requestRedirect": redirect, "urlRewrite": rewrite, "extensionRef": ext},
              required=("type",), rules=_filter_rules())
    both = Rule("May specify either httpRouteFilterRequestRedirect or httpRouteFilterRequestRewrite, but not both",
                lambda fs: not (any(f.get("type") == "RequestRedirect" for f in fs)
                                and any(f.get("type") == "URLRewrite" for f in fs)))
    rules = [both]
    for t in ("CORS", "RequestHeaderModifier", "ResponseHeaderModifier", "RequestRedirect", "URLRewrite"):
        rules.append(Rule(f"{t} filter cannot be repeated",
                          lambda fs, t=t: _count(fs, lambda f: f.get("type") == t) <= 1))
    return _a(item, max_items=16, rules=tuple(rules))


# -- HTTPRoute ------------------------------------------------------------------------------
_PATH_TYPES = ("Exact", "PathPrefix")
_PATH_CHARS = r"^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$"


def _path_rule(msg: str, pred) -> Rule:
    return Rule(msg, lambda p: pred(p.get("value", "")) if p.get("type") in _PATH_TYPES else True)


_PATH_MATCH = _o({"type": _s(enum=("Exact", "PathPrefix", "RegularExpression"), default="PathPrefix"),
                  "value": _s(max_length=1024, default="/")},
                 default={"type": "PathPrefix", "value": "/"}, rules=(
    _path_rule("value must be an absolute path and start with '/' when type one of ['Exact', 'PathPrefix']",
               lambda v: v.startswith("/")),
    *(_path_rule(f"must not contain '{s}' when type one of ['Exact', 'PathPrefix']", lambda v, s=s: s not in v)
      for s in ("//", "/./", "/../", "%2f", "%2F", "#")),
    *(_path_rule(f"must not end with '{s}' when type one of ['Exact', 'PathPrefix']", lambda v, s=s: not v.endswith(s))
      for s in ("/..", "/.")),
    Rule("type must be one of ['Exact', 'PathPrefix', 'RegularExpression']",
         lambda p: p.get("type") in ("Exact", "PathPrefix", "RegularExpression")),
    _path_rule("must only contain valid characters (matching ^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$) "
               "for types ['Exact', 'PathPrefix']", lambda v: re.search(_PATH_CHARS, v) is not None)))

_KV_MATCH = {"name": _s(pattern=HEADER_NAME, min_length=1, max_length=256),
             "type": _s(enum=("Exact", "RegularExpression"), default="Exact")}
_MATCH = _o({"path": _PATH_MATCH,
             "headers": _a(_o({**_KV_MATCH, "value": _s(min_length=1, max_length=4096)}, required=("name", "value")),
                           max_items=16),
             "queryParams": _a(_o({**_KV_MATCH, "value": _s(min_length=1, max_length=1024)}, required=("name", "value")),
                               max_items=16),
             "method": _s(enum=("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"))})


def _replace_prefix(f: Mapping, kind: str) -> bool:
    path = (f.get(kind) or {}).get("path") if _has(f, kind) else None
    return isinstance(path, dict) and path.get("type") == "ReplacePrefixMatch" and _has(path, "replacePrefixMatch")


def _one_prefix_match(rule: Mapping) -> bool:
    m = rule.get("matches") or []
    return len(m) == 1 and _has(m[0], "path") and m[0]["path"].get("type") == "PathPrefix"


def _prefix_rule(msg: str, kind: str, in_backends: bool) -> Rule:
    def check(r: Mapping) -> bool:
        if in_backends:
            hit = _count(r.get("backendRefs") or [],
                         lambda b: _count(b.get("filters") or [], lambda f: _replace_prefix(f, kind)) == 1) == 1
        else:
            hit = _count(r.get("filters") or [], lambda f: _replace_prefix(f, kind)) == 1
        return _one_prefix_match(r) if hit else True
    return Rule(msg, check)


def _duration(text: str) -> float:
    return sum(int(n) * {"h": 3600, "m": 60, "s": 1, "ms": 0.001}[u] for n, u in re.findall(r"([0-9]+)(ms|h|m|s)", text))


_BACKEND_REF = _backend_ref(weight=True)
_BACKEND_REF = Schema("object", props={**_BACKEND_REF.props, "filters": _filters()},
                      required=_BACKEND_REF.required, rules=_BACKEND_REF.rules)
_RULE = _o({
    "name": _s(pattern=SECTION_NAME, min_length=1, max_length=253),
    "matches": _a(_MATCH, max_items=64, default=[{"path": {"type": "PathPrefix", "value": "/"}}]),
    "filters": _filters(),
    "backendRefs": _a(_BACKEND_REF, max_items=16),
    "timeouts": _o({"request": _s(pattern=DURATION), "backendRequest": _s(pattern=DURATION)}, rules=(Rule(
        "backendRequest timeout cannot be longer than request timeout",
        lambda t: not (_has(t, "request") and _has(t, "backendRequest") and _duration(t["request"]) != 0
                       and _duration(t["backendRequest"]) > _duration(t["request"]))),)),
}, rules=(
    Rule("RequestRedirect filter must not be used together with backendRefs",
         lambda r: all(not _has(f, "requestRedirect") for f in r.get("filters") or []) if r.get("backendRefs") else True),
    _prefix_rule("When using RequestRedirect filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified", "requestRedirect", False),
    _prefix_rule("When using URLRewrite filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified", "urlRewrite", False),
    _prefix_rule("Within backendRefs, when using RequestRedirect filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified", "requestRedirect", True),
    _prefix_rule("Within backendRefs, When using URLRewrite filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified", "urlRewrite", True),
))


def _same_parent(a: Mapping, b: Mapping) -> bool:
    return all(a.get(k, "") == b.get(k, "") for k in ("group", "kind", "name", "namespace"))


_PARENT_REF = _o({"group": _s(pattern=GROUP, max_length=253, default="gateway.networking.k8s.io"),
                  "kind": _s(pattern=KIND, min_length=1, max_length=63, default="Gateway"),
                  "name": _NAME, "namespace": _NS, "port": _PORT,
                  "sectionName": _s(pattern=SECTION_NAME, min_length=1, max_length=253)}, required=("name",))
_PARENT_REFS = _a(_PARENT_REF, max_items=32, rules=(
    Rule("sectionName must be specified when parentRefs includes 2 or more references to the same parent",
         lambda ps: all((p1.get("sectionName", "") == "") == (p2.get("sectionName", "") == "")
                        for p1 in ps for p2 in ps if _same_parent(p1, p2))),
    Rule("sectionName must be unique when parentRefs includes 2 or more references to the same parent",
         lambda ps: all(_count(ps, lambda p2: _same_parent(p1, p2)
                               and p1.get("sectionName", "") == p2.get("sectionName", "")) == 1 for p1 in ps)),
))

HTTPROUTE = _o({"spec": _o({
    "parentRefs": _PARENT_REFS,
    "hostnames": _a(_s(pattern=HOSTNAME, min_length=1, max_length=253), max_items=16),
    "rules": _a(_RULE, min_items=1, max_items=16, default=[{"matches": [{"path": {"type": "PathPrefix", "value": "/"}}]}], rules=(
        Rule("While 16 rules and 64 matches per rule are allowed, the total number of matches across all rules in a route must be less than 128",
             lambda rs: sum(len(r.get("matches") or []) for r in rs[:16]) <= 128),)),
})}, required=("spec",))


# -- Gateway -------------------------------------------------------------------------------
def _unique(items, key) -> bool:
    return all(_count(items, lambda b: key(a) == key(b)) == 1 for a in items)


_LISTENER = _o({
    "name": _s(pattern=SECTION_NAME, min_length=1, max_length=253),
    "hostname": _s(pattern=HOSTNAME, min_length=1, max_length=253),
    "port": _PORT,
    "protocol": _s(pattern=PROTOCOL, min_length=1, max_length=255),
    "tls": _o({"mode": _s(enum=("Terminate", "Passthrough"), default="Terminate"),
               "certificateRefs": _a(_o({"group": _s(pattern=GROUP, max_length=253, default=""),
                                         "kind": _s(pattern=KIND, min_length=1, max_length=63, default="Secret"),
                                         "name": _NAME, "namespace": _NS}, required=("name",)), max_items=64),
               "options": Schema("object", values=_s(min_length=0, max_length=4096))},
              rules=(Rule("certificateRefs or options must be specified when mode is Terminate",
                          lambda t: (len(t.get("certificateRefs") or []) > 0 or len(t.get("options") or {}) > 0)
                          if t.get("mode") == "Terminate" else True),)),
    "allowedRoutes": _o({
        "namespaces": _o({"from": _s(enum=("All", "Selector", "Same"), default="Same"), "selector": _LABEL_SELECTOR},
                         default={"from": "Same"}),
        "kinds": _a(_o({"group": _s(pattern=GROUP, max_length=253, default="gateway.networking.k8s.io"),
                        "kind": _s(pattern=KIND, min_length=1, max_length=63)}, required=("kind",)), max_items=8),
    }, default={"namespaces": {"from": "Same"}}),
}, required=("name", "port", "protocol"))

_LISTENERS = _a(_LISTENER, min_items=1, max_items=64, rules=(
    Rule("tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']",
         lambda ls: all(not _has(l, "tls") for l in ls if l.get("protocol") in ("HTTP", "TCP", "UDP"))),
    Rule("tls mode must be Terminate for protocol HTTPS",
         lambda ls: all(l["tls"].get("mode", "") in ("", "Terminate") for l in ls
                        if l.get("protocol") == "HTTPS" and _has(l, "tls"))),
    Rule("tls mode must be set for protocol TLS",
         lambda ls: all(_has(l, "tls") and l["tls"].get("mode", "") != "" for l in ls if l.get("protocol") == "TLS")),
    Rule("hostname must not be specified for protocols ['TCP', 'UDP']",
         lambda ls: all(l.get("hostname", "") == "" for l in ls if l.get("protocol") in ("TCP", "UDP"))),
    Rule("Listener name must be unique within the Gateway", lambda ls: _unique(ls, lambda l: l.get("name"))),
    Rule("Combination of port, protocol and hostname must be unique for each listener",
         lambda ls: _unique(ls, lambda l: (l.get("port"), l.get("protocol"), l.get("hostname", MISSING_HOST)))),
))
MISSING_HOST = object()  # "hostname absent" differs from every hostname, as in the CEL rule

_ADDRESS = _o({"type": _s(pattern=ADDRESS_TYPE, min_length=1, max_length=253, default="IPAddress"),
               "value": _s(max_length=253)}, rules=(Rule(
    r"Hostname value must be empty or contain only valid characters (matching ^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$)",
    lambda a: (not _has(a, "value") or re.search(HOSTNAME, a["value"]) is not None)
    if a.get("type") == "Hostname" else True),))

GATEWAY = _o({"spec": _o({
    "gatewayClassName": _s(min_length=1, max_length=253),
    "listeners": _LISTENERS,
    "addresses": _a(_ADDRESS, max_items=16, rules=tuple(
        Rule(f"{t} values must be unique",
             lambda addrs, t=t: all(_count(addrs, lambda b: b.get("type") == t and b.get("value") == a.get("value")) == 1
                                    for a in addrs if a.get("type") == t))
        for t in ("IPAddress", "Hostname"))),
    # v1.5 (GEP-1713): which namespaces' ListenerSets may attach; "None" unless set.
    "allowedListeners": _o({"namespaces": _o({"from": _s(enum=("All", "Selector", "Same", "None"), default="None"),
                                              "selector": _LABEL_SELECTOR}, default={"from": "None"})}),
    "infrastructure": _o({"labels": _STRING_MAP, "annotations": _STRING_MAP,
                          "parametersRef": _o({"group": _s(pattern=GROUP, max_length=253),
                                               "kind": _s(pattern=KIND, min_length=1, max_length=63),
                                               "name": _NAME}, required=("group", "kind", "name"))}),
}, required=("gatewayClassName", "listeners"))}, required=("spec",))

# -- GatewayClass, ReferenceGrant -----------------------------------------------------------
GATEWAYCLASS = _o({"spec": _o({
    "controllerName": _s(pattern=CONTROLLER, min_length=1, max_length=253,
                         rules=(Rule("Value is immutable", lambda new, old: new == old, transition=True),)),
    "description": _s(max_length=64),
    "parametersRef": _o({"group": _s(pattern=GROUP, max_length=253), "kind": _s(pattern=KIND, min_length=1, max_length=63),
                         "name": _NAME, "namespace": _NS}, required=("group", "kind", "name")),
}, required=("controllerName",))}, required=("spec",))

REFERENCEGRANT = _o({"spec": _o({
    "from": _a(_o({"group": _s(pattern=GROUP, max_length=253), "kind": _s(pattern=KIND, min_length=1, max_length=63),
                   "namespace": _NS}, required=("group", "kind", "namespace")), min_items=1, max_items=16),
    "to": _a(_o({"group": _s(pattern=GROUP, max_length=253), "kind": _s(pattern=KIND, min_length=1, max_length=63),
                 "name": _NAME}, required=("group", "kind")), min_items=1, max_items=16),
}, required=("from", "to"))}, required=("spec",))

from .grpcroute import GRPCROUTE  # noqa: E402  (built from the shared pieces above)
from .l4route import TCPROUTE, TLSROUTE, UDPROUTE  # noqa: E402
from .listenerset import BACKENDTLSPOLICY, LISTENERSET  # noqa: E402

#: The schema of each Gateway API kind the course uses (root: ``spec`` only).
SCHEMAS: dict[str, Schema] = {"GatewayClass": GATEWAYCLASS, "Gateway": GATEWAY, "HTTPRoute": HTTPROUTE,
                              "GRPCRoute": GRPCROUTE, "ReferenceGrant": REFERENCEGRANT, "TLSRoute": TLSROUTE,
                              "TCPRoute": TCPROUTE, "UDPRoute": UDPROUTE, "ListenerSet": LISTENERSET,
                              "BackendTLSPolicy": BACKENDTLSPOLICY}
# ``SCHEMAS`` is the one table of custom-resource schemas every stage reads (decoding,
# defaulting, validation, OpenAPI): the addons' CRDs (MetalLB's) join it.
from .metallb import SCHEMAS as _ADDON_SCHEMAS  # noqa: E402
SCHEMAS.update(_ADDON_SCHEMAS)

#: The ``status`` the CRDs default to before any controller writes one (Accepted/Programmed
#: ``Unknown``, reason ``Pending``, "Waiting for controller").
_PENDING = {"lastTransitionTime": "1970-01-01T00:00:00Z", "message": "Waiting for controller",
            "reason": "Pending", "status": "Unknown"}
STATUS_DEFAULTS = {"GatewayClass": {"conditions": [{**_PENDING, "type": "Accepted"}]},
                   "Gateway": {"conditions": [{**_PENDING, "type": "Accepted"}, {**_PENDING, "type": "Programmed"}]},
                   "ListenerSet": {"conditions": [{**_PENDING, "type": "Accepted"}, {**_PENDING, "type": "Programmed"}]}}
