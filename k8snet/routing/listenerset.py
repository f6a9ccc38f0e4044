"""ListenerSet (``gateway.networking.k8s.io/v1``, standard since v1.5; GEP-1713,
``apis/v1/listenerset_types.go``): listeners added to a Gateway from another object, often by
another team.

* **Admission.** A Gateway takes ListenerSets only as its ``spec.allowedListeners.namespaces``
  says: ``None`` by default (the set is ``Accepted=False/NotAllowed``, conformance
  listenerset-default-not-allowed), ``Same`` namespace, ``All``, or a ``Selector`` on the set's
  namespace labels.
* **Merging** (``effective_gateway``). The admitted sets' listeners join the Gateway's,
  oldest set first (creation time, then ``namespace/name``); a set's listener that is not
  distinct from a listener of the Gateway or of an older set is ``Conflicted`` and not
  accepted, while the earlier one keeps working (conformance listenerset-protocol-conflict,
  -hostname-conflict). The merged listeners are served by the Gateway's data plane like its own.
* **Limits.** At most 64 listeners per Gateway and per ListenerSet (the CRDs' ``MaxItems``);
  the merged list has no limit: the spec lets an implementation reject listeners with
  ``TooManyListeners`` but gives no number, so k8snet rejects none.
* **Routes** attach to a set with a parentRef of kind ListenerSet (``sectionName`` = a listener
  of the set); a parentRef to the Gateway reaches only the Gateway's own listeners
  (conformance listenerset-http-routing).
* **Status** (``listenerset_status``): the set's ``Accepted``/``Programmed`` (``ListenersNotValid``
  when none of its listeners is usable) and each listener's conditions, ``supportedKinds`` and
  ``attachedRoutes``; the Gateway counts ``attachedListenerSets``.
"""
from __future__ import annotations

from .. import labels
from .gateway import attached_routes, listener_status
from .httproute import LISTENER_SETS_KEY, gateway_is_ours, nn
from .listeners import NAMESPACE_KEY, OWNER_KEY, RANK_KEY, SECTION_KEY, evaluate_listeners
from .types import GATEWAY_GROUP, condition

__all__ = ["effective_gateway", "effective_gateways", "admission", "listenerset_status"]


def _parent(ls: dict) -> tuple[str, str] | None:
    ref = (ls.get("spec") or {}).get("parentRef") or {}
    if (ref.get("group", GATEWAY_GROUP), ref.get("kind", "Gateway")) != (GATEWAY_GROUP, "Gateway"):
        return None
    return ref.get("namespace") or (ls.get("metadata") or {}).get("namespace", "default"), ref.get("name", "")


def admission(gateway: dict, ls: dict, namespaces: list[dict]) -> str | None:
    """Why ``gateway`` does not take ``ls`` (a message), or None when it does."""
    allowed = ((gateway.get("spec") or {}).get("allowedListeners") or {}).get("namespaces") or {}
    source = allowed.get("from", "None")
    ls_ns, gw_ns = (ls.get("metadata") or {}).get("namespace", "default"), gateway["metadata"]["namespace"]
    if source == "All" or (source == "Same" and ls_ns == gw_ns):
        return None
    if source == "Selector":
        ns = next((n for n in namespaces if (n.get("metadata") or {}).get("name") == ls_ns), None)
        ns_labels = dict(((ns or {}).get("metadata") or {}).get("labels") or {})
        ns_labels.setdefault("kubernetes.io/metadata.name", ls_ns)
        if labels.matches(allowed.get("selector") or {}, ns_labels):
            return None
    return f"Gateway {nn(gateway)} does not allow ListenerSets from namespace {ls_ns} (allowedListeners: {source})"


def _order(ls: dict) -> tuple[str, str]:
    return (ls.get("metadata") or {}).get("creationTimestamp", ""), nn(ls)


def effective_gateway(gateway: dict, listener_sets: list[dict], namespaces: list[dict]) -> dict:
    """``gateway`` with the listeners of the ListenerSets it admits appended (marked with their
    set, name and rank), or ``gateway`` itself when no set names it."""
    mine = sorted((ls for ls in listener_sets if _parent(ls) == (gateway["metadata"]["namespace"],
                                                                 gateway["metadata"]["name"])), key=_order)
    if not mine:
        return gateway
    admitted = [ls for ls in mine if admission(gateway, ls, namespaces) is None]
    listeners = list((gateway.get("spec") or {}).get("listeners") or [])
    for rank, ls in enumerate(admitted, 1):
        for l in (ls.get("spec") or {}).get("listeners") or []:
            listeners.append({**l, "name": f"{nn(ls)}/{l.get('name', '')}", OWNER_KEY: nn(ls),
                              SECTION_KEY: l.get("name", ""), NAMESPACE_KEY: ls["metadata"]["namespace"],
                              RANK_KEY: rank})
    return {**gateway, "spec": {**(gateway.get("spec") or {}), "listeners": listeners},
            LISTENER_SETS_KEY: tuple(nn(ls) for ls in admitted)}


def effective_gateways(gateways: list[dict], listener_sets: list[dict], namespaces: list[dict]) -> list[dict]:
    """Every Gateway with its admitted ListenerSets merged (see ``effective_gateway``)."""
    if not listener_sets:
        return list(gateways)
    return [effective_gateway(g, listener_sets, namespaces) for g in gateways]


def listenerset_status(ls: dict, gateways: list[dict], gateway_classes: list[dict], routes: list[dict],
                       namespaces: list[dict], *, controller_name: str, secrets: list[dict] = (),
                       grants: list[dict] = (), now: str) -> dict | None:
    """The ``status`` of a ListenerSet whose parent Gateway is ours (None otherwise);
    ``gateways`` are the effective ones."""
    parent = _parent(ls)
    gw = next((g for g in gateways if parent and nn(g) == f"{parent[0]}/{parent[1]}"), None)
    if gw is None or not gateway_is_ours(gw, gateway_classes, controller_name):
        return None
    gen = (ls.get("metadata") or {}).get("generation", 1)
    refused = admission(gw, ls, namespaces)
    if refused:
        return {"conditions": [condition("Accepted", False, "NotAllowed", refused, generation=gen, now=now),
                               condition("Programmed", False, "NotAllowed", refused, generation=gen, now=now)]}
    states = evaluate_listeners(gw, secrets=secrets, reference_grants=grants)
    attached = attached_routes(gw, routes, namespaces, states)
    own = [s for s in states if s.owner == nn(ls)]
    usable, programmed = any(s.usable for s in own), any(s.programmed for s in own)
    bad = ", ".join(s.section for s in own if not s.usable)
    return {"conditions": [
        condition("Accepted", usable, "Accepted" if usable else "ListenersNotValid",
                  "ListenerSet is accepted" + (f" (invalid or conflicted listeners: {bad})" if bad else "")
                  if usable else f"no listener is valid: {bad}", generation=gen, now=now),
        condition("Programmed", programmed, "Programmed" if programmed else "ListenersNotValid",
                  "ListenerSet is programmed" if programmed else f"no listener is programmed: {bad}",
                  generation=gen, now=now)],
        "listeners": [listener_status(s, attached[s.name], gen, now) for s in own]}
