"""GatewayClass and Gateway status, as k8snet's Gateway controller writes them.

gatewayclass_types.go: a GatewayClass whose ``controllerName`` is ours gets
``Accepted=True/Accepted`` and ``supportedFeatures`` (:mod:`.features`); classes of other
controllers are left alone.
gateway_types.go: a Gateway of one of our classes gets ``Accepted`` (``Accepted``, or
``ListenersNotValid`` True when some listeners are invalid and False when all are) and
``Programmed`` (``Programmed``, ``Invalid``, or ``AddressNotAssigned`` while no address
is known), its ``addresses``, and per listener ``Accepted``, ``Programmed``,
``ResolvedRefs``, ``Conflicted``, ``supportedKinds`` and ``attachedRoutes`` (the number of
Accepted routes attached to that listener, conformance httproute-hostname-intersection).
"""
from __future__ import annotations

import ipaddress

from .features import supported_features
from .httproute import CONTROLLER_NAME, attach, gateway_is_ours, parent_gateway, route_problem
from .listeners import evaluate_listeners
from .types import (GatewayClassConditionType, GatewayClassReason, GatewayConditionType, GatewayReason,
                    ListenerConditionType, ListenerReason, condition)

__all__ = ["gatewayclass_status", "gateway_status", "attached_routes", "listener_status"]


def gatewayclass_status(gateway_class: dict, *, controller_name: str = CONTROLLER_NAME,
                        now: str = "2025-01-01T00:00:00Z") -> dict | None:
    """The ``status`` we write on a GatewayClass, or None when it is not ours."""
    if (gateway_class.get("spec") or {}).get("controllerName") != controller_name:
        return None
    gen = (gateway_class.get("metadata") or {}).get("generation", 1)
    return {"conditions": [condition(GatewayClassConditionType.ACCEPTED, True, GatewayClassReason.ACCEPTED,
                                     "GatewayClass is accepted", generation=gen, now=now)],
            "supportedFeatures": supported_features()}


def attached_routes(gateway: dict, routes: list[dict], namespaces: list[dict], states) -> dict[str, int]:
    """How many Accepted routes attached to each listener (conformance
    httproute-hostname-intersection, tcproute-multiple-routes-attachment)."""
    attached = {s.name: 0 for s in states}
    for route in routes:
        if route_problem(route):
            continue
        for ref in (route.get("spec") or {}).get("parentRefs") or []:
            if parent_gateway(route, ref, [gateway]) is gateway:
                for name in attach(route, ref, gateway, namespaces, states).listeners:
                    attached[name] += 1
    return attached


def listener_status(s, attached: int, gen: int, now: str) -> dict:
    """``status.listeners[]`` (a Gateway's or a ListenerSet's) for one evaluated listener."""
    c = [condition(ListenerConditionType.ACCEPTED, s.accepted, s.accepted_reason,
                   s.message if not s.accepted else "Listener is accepted", generation=gen, now=now),
         condition(ListenerConditionType.PROGRAMMED, s.programmed,
                   ListenerReason.PROGRAMMED if s.programmed else
                   (s.conflicted_reason or ListenerReason.INVALID) if s.owner else ListenerReason.INVALID,
                   "Listener is programmed" if s.programmed else s.message, generation=gen, now=now),
         condition(ListenerConditionType.RESOLVED_REFS, s.resolved, s.resolved_refs_reason,
                   "All references resolved" if s.resolved else s.message, generation=gen, now=now),
         condition(ListenerConditionType.CONFLICTED, s.conflicted_reason is not None,
                   s.conflicted_reason or ListenerReason.NO_CONFLICTS,
                   s.message if s.conflicted_reason else "No conflicts", generation=gen, now=now)]
    return {"name": s.section or s.name, "supportedKinds": [{"group": g, "kind": k} for g, k in s.supported_kinds],
            "attachedRoutes": attached, "conditions": c}


def _address(value: str) -> dict:
    try:
        ipaddress.ip_address(value)
        return {"type": "IPAddress", "value": value}
    except ValueError:
        return {"type": "Hostname", "value": value}


def gateway_status(gateway: dict, gateway_classes: list[dict], routes: list[dict], namespaces: list[dict], *,
                   controller_name: str = CONTROLLER_NAME, addresses: tuple[str, ...] = (),
                   secrets: list[dict] = (), reference_grants: list[dict] = (),
                   now: str = "2025-01-01T00:00:00Z") -> dict | None:
    """The ``status`` of a Gateway of ours (None when another controller owns its class).

    ``addresses`` are the IPs or hostnames the caller provisioned (the LoadBalancer's)."""
    if not gateway_is_ours(gateway, gateway_classes, controller_name):
        return None
    gen = (gateway.get("metadata") or {}).get("generation", 1)
    states = evaluate_listeners(gateway, secrets=secrets, reference_grants=reference_grants)
    attached = attached_routes(gateway, routes, namespaces, states)
    listeners = [listener_status(s, attached[s.name], gen, now) for s in states if not s.owner]
    sets = {s.owner for s in states if s.owner and s.usable}  # ListenerSets with a listener accepted
    states = [s for s in states if not s.owner]  # a ListenerSet's listeners are reported on the set
    usable = [s for s in states if s.usable]
    if len(usable) == len(states):
        accepted, areason, amsg = True, GatewayReason.ACCEPTED, "Gateway is accepted"
    else:
        bad = ", ".join(s.name for s in states if not s.usable)
        accepted, areason = bool(usable), GatewayReason.LISTENERS_NOT_VALID
        amsg = f"invalid or conflicted listeners: {bad}"
    if not accepted:
        programmed, preason, pmsg = False, GatewayReason.INVALID, "Gateway is not accepted"
    elif not addresses:
        programmed, preason, pmsg = False, GatewayReason.ADDRESS_NOT_ASSIGNED, "no address assigned to the Gateway yet"
    else:
        programmed, preason, pmsg = True, GatewayReason.PROGRAMMED, "Gateway is programmed"
    from .httproute import LISTENER_SETS_KEY
    extra = {"attachedListenerSets": len(sets)} if LISTENER_SETS_KEY in gateway else {}
    return {"addresses": [_address(a) for a in addresses], **extra,
            "conditions": [condition(GatewayConditionType.ACCEPTED, accepted, areason, amsg, generation=gen, now=now),
                           condition(GatewayConditionType.PROGRAMMED, programmed, preason, pmsg, generation=gen, now=now)],
            "listeners": listeners}
