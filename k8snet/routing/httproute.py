"""HTTPRoute attachment to Gateway listeners, backend resolution and route status.

Rules (httproute_types.go, shared_types.go ParentReference/RouteParentStatus,
gateway_types.go AllowedRoutes; conformance tests named in tests/routing):

* A parentRef (group/kind default ``gateway.networking.k8s.io``/``Gateway``, namespace
  default the route's) selects the listeners of one Gateway, narrowed by ``sectionName``
  and ``port``. None left: ``Accepted=False/NoMatchingParent``.
* A listener takes the route when its ``allowedRoutes.kinds`` include HTTPRoute and
  ``allowedRoutes.namespaces.from`` allows the route's namespace (``Same`` by default,
  ``All``, or ``Selector`` on the namespace's labels); otherwise ``NotAllowedByListeners``.
* When both listener and route have hostnames, at least one must intersect, or
  ``NoMatchingListenerHostname``.
* backendRefs (group ``""``, kind ``Service`` by default) resolve to Services;
  another kind is ``ResolvedRefs=False/InvalidKind``, a missing Service
  ``BackendNotFound``, another namespace without a ReferenceGrant ``RefNotPermitted``.
* Values this implementation does not know (path/header match types, filter types,
  redirect status codes) make the route ``Accepted=False/UnsupportedValue``.
"""
from __future__ import annotations

from dataclasses import dataclass

from .. import labels
from .hostnames import intersect
from .listeners import ListenerState, evaluate_listeners
from .referencegrant import find_reference_grant
from .types import (GATEWAY_GROUP, REDIRECT_STATUS_CODES, FilterType, HeaderMatchType, PathMatchType, QueryParamMatchType,
                    RouteConditionType, RouteReason, condition)

__all__ = ["CONTROLLER_NAME", "Attachment", "BackendResolution", "gateway_is_ours", "parent_gateway", "attach",
           "resolve_backend", "route_problem", "route_status", "nn"]

#: The controllerName of k8snet's Gateway API implementation.
CONTROLLER_NAME = "k8snet.io/gateway-controller"


def _values(enum) -> set[str]:
    return {m.value for m in enum}


def nn(obj: dict) -> str:
    """``namespace/name`` of an object."""
    m = obj.get("metadata") or {}
    return f"{m.get('namespace', 'default')}/{m.get('name', '')}"


def gateway_is_ours(gateway: dict, gateway_classes: list[dict], controller_name: str) -> bool:
    """Is the Gateway's class handled by ``controller_name``?"""
    name = (gateway.get("spec") or {}).get("gatewayClassName")
    return any((c.get("metadata") or {}).get("name") == name
               and (c.get("spec") or {}).get("controllerName") == controller_name for c in gateway_classes)


@dataclass(frozen=True, slots=True)
class Attachment:
    """The result of attaching one parentRef: the listeners taken, or why none."""

    listeners: tuple[str, ...]
    reason: str
    message: str

    @property
    def accepted(self) -> bool:
        """True when at least one listener took the route."""
        return bool(self.listeners)


def _parent_ref_defaults(route: dict, ref: dict) -> dict:
    out = {"group": ref.get("group", GATEWAY_GROUP), "kind": ref.get("kind", "Gateway")}
    out.update({k: v for k, v in ref.items() if k not in ("group", "kind")})
    return out


#: The key ``listenerset.effective_gateway`` adds to a Gateway: its accepted ListenerSets.
LISTENER_SETS_KEY = "_k8snetListenerSets"


def parent_gateway(route: dict, ref: dict, gateways: list[dict]) -> dict | None:
    """The Gateway a parentRef names (directly, or through one of its accepted ListenerSets),
    or None (another kind, or missing)."""
    ref = _parent_ref_defaults(route, ref)
    ns = ref.get("namespace") or (route.get("metadata") or {}).get("namespace", "default")
    if (ref["group"], ref["kind"]) == (GATEWAY_GROUP, "ListenerSet"):
        return next((g for g in gateways if f"{ns}/{ref.get('name')}" in g.get(LISTENER_SETS_KEY, ())), None)
    if (ref["group"], ref["kind"]) != (GATEWAY_GROUP, "Gateway"):
        return None
    return next((g for g in gateways if nn(g) == f"{ns}/{ref.get('name')}"), None)


def _owner(route: dict, ref: dict) -> str:
    """Which listeners a parentRef may select: ``""`` (the Gateway's own) or a ListenerSet's."""
    if ref.get("kind", "Gateway") != "ListenerSet":
        return ""
    return f"{ref.get('namespace') or (route.get('metadata') or {}).get('namespace', 'default')}/{ref.get('name')}"


def _namespace_allowed(listener: dict, gateway: dict, route: dict, namespaces: list[dict]) -> bool:
    from .listeners import NAMESPACE_KEY
    allowed = ((listener.get("allowedRoutes") or {}).get("namespaces") or {})
    source = allowed.get("from", "Same")
    route_ns = (route.get("metadata") or {}).get("namespace", "default")
    if source == "Same" and listener.get(NAMESPACE_KEY):  # a ListenerSet's listener: the set's namespace
        return route_ns == listener[NAMESPACE_KEY]
    if source == "All":
        return True
    if source == "Selector":
        ns = next((n for n in namespaces if (n.get("metadata") or {}).get("name") == route_ns), None)
        ns_labels = dict((ns or {}).get("metadata", {}).get("labels") or {})
        ns_labels.setdefault("kubernetes.io/metadata.name", route_ns)  # set by the API server since 1.22
        return labels.matches(allowed.get("selector") or {}, ns_labels)
    return route_ns == (gateway.get("metadata") or {}).get("namespace", "default")


def attach(route: dict, ref: dict, gateway: dict, namespaces: list[dict], states: list[ListenerState] | None = None) -> Attachment:
    """Attach one parentRef of ``route`` to ``gateway`` (see the module docstring)."""
    states = states if states is not None else evaluate_listeners(gateway)
    specs = {l.get("name"): l for l in (gateway.get("spec") or {}).get("listeners") or []}
    owner = _owner(route, ref)
    cands = [s for s in states if s.owner == owner and (not ref.get("sectionName") or s.section == ref["sectionName"])
             and (ref.get("port") is None or s.port == ref["port"])]
    if not cands:
        what = f"ListenerSet {owner}" if owner else f"Gateway {nn(gateway)}"
        return Attachment((), RouteReason.NO_MATCHING_PARENT,
                          f"no listener of {what} matches sectionName/port of the parentRef")
    route_hosts = (route.get("spec") or {}).get("hostnames") or []
    taken, host_miss = [], False
    for s in cands:
        if not s.usable or (GATEWAY_GROUP, route.get("kind", "HTTPRoute")) not in s.supported_kinds:
            continue
        if not _namespace_allowed(specs[s.name], gateway, route, namespaces):
            continue
        if route_hosts and s.hostname and not any(intersect(s.hostname, h) for h in route_hosts):
            host_miss = True
            continue
        taken.append(s.name)
    if taken:
        return Attachment(tuple(taken), RouteReason.ACCEPTED, "Route is accepted")
    if host_miss:
        return Attachment((), RouteReason.NO_MATCHING_LISTENER_HOSTNAME,
                          "no hostname of the route intersects the listener hostnames")
    return Attachment((), RouteReason.NOT_ALLOWED_BY_LISTENERS,
                      "the listeners' allowedRoutes do not allow this route (kind or namespace)")


@dataclass(frozen=True, slots=True)
class BackendResolution:
    """One backendRef: the Service port it reaches, or the reason it is invalid."""

    namespace: str
    name: str
    port: int | None
    reason: str
    message: str

    @property
    def valid(self) -> bool:
        """True when requests may go to this backend."""
        return self.reason == RouteReason.RESOLVED_REFS

    def __str__(self) -> str:
        return f"{self.namespace}/{self.name}:{self.port}"


def resolve_backend(route: dict, ref: dict, services: list[dict], grants: list[dict]) -> BackendResolution:
    """Resolve one backendRef of ``route`` against Services and ReferenceGrants."""
    route_ns = (route.get("metadata") or {}).get("namespace", "default")
    ns, name, port = ref.get("namespace", route_ns), ref.get("name", ""), ref.get("port")
    group, kind = ref.get("group", ""), ref.get("kind", "Service")
    if (group, kind) != ("", "Service"):
        return BackendResolution(ns, name, port, RouteReason.INVALID_KIND, f"backendRef kind {group or 'core'}/{kind} is not supported")
    if ns != route_ns and not find_reference_grant(
            grants, from_group=GATEWAY_GROUP, from_kind=route.get("kind", "HTTPRoute"), from_namespace=route_ns,
            to_group="", to_kind="Service", to_namespace=ns, to_name=name):
        return BackendResolution(ns, name, port, RouteReason.REF_NOT_PERMITTED,
                                 f"backendRef Service {ns}/{name} is in another namespace and no ReferenceGrant allows it")
    svc = next((s for s in services if nn(s) == f"{ns}/{name}"), None)
    if svc is None:
        return BackendResolution(ns, name, port, RouteReason.BACKEND_NOT_FOUND, f"Service {ns}/{name} not found")
    if port not in [p.get("port") for p in (svc.get("spec") or {}).get("ports") or []]:
        # Not named by the spec; most implementations report it as BackendNotFound.
        return BackendResolution(ns, name, port, RouteReason.BACKEND_NOT_FOUND, f"Service {ns}/{name} has no port {port}")
    return BackendResolution(ns, name, port, RouteReason.RESOLVED_REFS, "resolved")


def route_problem(route: dict) -> str | None:
    """A value this implementation does not support (-> UnsupportedValue), or None."""
    if route.get("kind") == "GRPCRoute":
        from .grpcroute import grpc_route_problem  # grpcroute builds on httpmatch, which imports this module
        return grpc_route_problem(route)
    for i, rule in enumerate((route.get("spec") or {}).get("rules") or []):
        for m in rule.get("matches") or []:
            if (m.get("path") or {}).get("type", "PathPrefix") not in _values(PathMatchType):
                return f"rules[{i}]: unsupported path match type {m['path'].get('type')}"
            for h in m.get("headers") or []:
                if h.get("type", "Exact") not in _values(HeaderMatchType):
                    return f"rules[{i}]: unsupported header match type {h.get('type')}"
            for q in m.get("queryParams") or []:
                if q.get("type", "Exact") not in _values(QueryParamMatchType):
                    return f"rules[{i}]: unsupported query param match type {q.get('type')}"
        filters = list(rule.get("filters") or []) + [f for b in rule.get("backendRefs") or [] for f in b.get("filters") or []]
        for f in filters:
            if f.get("type") not in _values(FilterType):
                return f"rules[{i}]: unsupported filter type {f.get('type')}"
            code = (f.get("requestRedirect") or {}).get("statusCode")
            if code is not None and code not in REDIRECT_STATUS_CODES:
                return f"rules[{i}]: unsupported redirect statusCode {code}"
    return None


def route_status(route: dict, gateways: list[dict], gateway_classes: list[dict], services: list[dict],
                 reference_grants: list[dict], namespaces: list[dict], *,
                 controller_name: str = CONTROLLER_NAME, secrets: list[dict] = (),
                 now: str = "2025-01-01T00:00:00Z") -> dict:
    """``status`` of an HTTPRoute or GRPCRoute for the parents this controller manages
    (``{"parents": [...]}``)."""
    gen = (route.get("metadata") or {}).get("generation", 1)
    parents = []
    problem = route_problem(route)
    resolutions = [resolve_backend(route, b, services, reference_grants)
                   for r in (route.get("spec") or {}).get("rules") or [] for b in r.get("backendRefs") or []]
    bad = next((r for r in resolutions if not r.valid), None)
    for ref in (route.get("spec") or {}).get("parentRefs") or []:
        gw = parent_gateway(route, ref, gateways)
        if gw is None or not gateway_is_ours(gw, gateway_classes, controller_name):
            continue  # another controller (or nobody) reports this parent
        att = attach(route, ref, gw, namespaces, evaluate_listeners(gw, secrets=secrets, reference_grants=reference_grants))
        if problem and att.accepted:
            att = Attachment((), RouteReason.UNSUPPORTED_VALUE, problem)
        conds = [condition(RouteConditionType.ACCEPTED, att.accepted, att.reason, att.message, generation=gen, now=now),
                 condition(RouteConditionType.RESOLVED_REFS, bad is None, bad.reason if bad else RouteReason.RESOLVED_REFS,
                           bad.message if bad else "all backendRefs resolved", generation=gen, now=now)]
        parents.append({"parentRef": _parent_ref_defaults(route, ref), "controllerName": controller_name,
                        "conditions": conds})
    return {"parents": parents}
