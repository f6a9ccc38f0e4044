"""BackendTLSPolicy: which Service ports a Gateway must reach over TLS, and the policy's status.

``apis/v1/backendtlspolicy_types.go`` (v1.6.1, standard channel, Extended) and
``policy_types.go`` (PolicyAncestorStatus); conformance backendtlspolicy,
backendtlspolicy-invalid-ca-certificate-ref, backendtlspolicy-invalid-kind,
backendtlspolicy-conflict-resolution:

* A policy targets Services of its own namespace (``targetRefs``: group ``""``, kind
  ``Service``, optionally one port by ``sectionName`` = the port's name). When two policies
  select the same Service and sectionName, the older one (then ``namespace/name``) wins; the
  other is ``Accepted=False/Conflicted``.
* ``validation.caCertificateRefs`` must name ConfigMaps (``InvalidKind`` otherwise) that exist
  and hold ``ca.crt`` (``InvalidCACertificateRef``); ``wellKnownCACertificates: System`` uses the
  Gateway's system trust store. With no usable CA the policy is
  ``Accepted=False/NoValidCACertificate``.
* Status is written per ancestor: each of our Gateways whose attached routes send traffic to a
  targeted Service (``status.ancestors[]``: ``ancestorRef``, ``controllerName``, conditions).
* Effect (``policy_for``): the Gateway then speaks TLS to that Service's endpoints, with SNI
  ``validation.hostname``; a backend that does not answer TLS there fails the handshake, and a
  policy that is not Accepted makes the Gateway refuse the backend (5xx). The backend's own
  certificate is not modelled, so hostname/SAN mismatches are not detected
  (BackendTLSPolicySANValidation is not claimed).
"""
from __future__ import annotations

from dataclasses import dataclass

from .httproute import attach, gateway_is_ours, nn, parent_gateway
from .listeners import evaluate_listeners
from .types import GATEWAY_GROUP, condition

__all__ = ["TLSPolicyState", "evaluate_policies", "policy_for", "backend_tls_policy_status"]


@dataclass(frozen=True, slots=True)
class TLSPolicyState:
    """One BackendTLSPolicy after evaluation: Accepted and ResolvedRefs with their reasons."""

    name: str  # namespace/name
    accepted_reason: str
    resolved_reason: str
    message: str
    hostname: str
    ca: str = ""  # what the backend's certificate is checked against

    @property
    def accepted(self) -> bool:
        """True when the Gateway applies the policy."""
        return self.accepted_reason == "Accepted"


def _created(p: dict) -> tuple[str, str]:
    return ((p.get("metadata") or {}).get("creationTimestamp", ""), nn(p))


def _targets(policy: dict) -> list[tuple[str, str, str]]:
    ns = (policy.get("metadata") or {}).get("namespace", "default")
    return [(ns, t.get("name", ""), t.get("sectionName", "")) for t in (policy.get("spec") or {}).get("targetRefs") or []
            if t.get("group", "") == "" and t.get("kind") == "Service"]


def _ca_problem(policy: dict, configmaps: list[dict]) -> tuple[str, str] | None:
    """(ResolvedRefs reason, message) of the first bad caCertificateRef, or None."""
    ns = (policy.get("metadata") or {}).get("namespace", "default")
    for ref in ((policy.get("spec") or {}).get("validation") or {}).get("caCertificateRefs") or []:
        if (ref.get("group", ""), ref.get("kind")) != ("", "ConfigMap"):
            return "InvalidKind", f"caCertificateRef {ref.get('group') or 'core'}/{ref.get('kind')} is not a ConfigMap"
        cm = next((c for c in configmaps if nn(c) == f"{ns}/{ref.get('name')}"), None)
        if cm is None or "ca.crt" not in (cm.get("data") or {}):
            return "InvalidCACertificateRef", f"ConfigMap {ns}/{ref.get('name')} does not exist or has no ca.crt"
    return None


def evaluate_policies(policies: list[dict], configmaps: list[dict]) -> dict[str, TLSPolicyState]:
    """Every policy's state, by ``namespace/name``."""
    winner: dict[tuple[str, str, str], str] = {}
    for p in sorted(policies, key=_created):
        for t in _targets(p):
            winner.setdefault(t, nn(p))
    out = {}
    for p in policies:
        name = nn(p)
        validation = (p.get("spec") or {}).get("validation") or {}
        problem = _ca_problem(p, configmaps)
        lost = next((winner[t] for t in _targets(p) if winner[t] != name), None)
        if lost:
            state = ("Conflicted", "ResolvedRefs", f"{lost} is older and targets the same Service port")
        elif problem:
            state = ("NoValidCACertificate", problem[0], problem[1])
        elif not _targets(p):
            state = ("Invalid", "ResolvedRefs", "targetRefs name no core Service")
        else:
            state = ("Accepted", "ResolvedRefs", "policy is accepted")
        refs = [r.get("name", "") for r in validation.get("caCertificateRefs") or []]
        ca = f"ConfigMap {', '.join(refs)}" if refs else f"the {validation.get('wellKnownCACertificates', '')} trust store"
        out[name] = TLSPolicyState(name, *state, validation.get("hostname", ""), ca)
    return out


def policy_for(policies: list[dict], states: dict[str, TLSPolicyState], service: dict,
               port: int) -> TLSPolicyState | None:
    """The policy that governs the Gateway's hop to ``service``'s ``port`` (the one whose
    target names that Service and, when it has a sectionName, that port's name), or None."""
    svc_ns, svc_name = (service.get("metadata") or {}).get("namespace", "default"), service["metadata"]["name"]
    port_name = next((p.get("name", "") for p in (service.get("spec") or {}).get("ports") or [] if p.get("port") == port), "")
    best = None
    for p in sorted(policies, key=_created):
        for ns, name, section in _targets(p):
            if (ns, name) == (svc_ns, svc_name) and section in ("", port_name):
                state = states[nn(p)]
                if state.accepted_reason != "Conflicted" and (best is None or (section and not best[1])):
                    best = (state, section)
    return best[0] if best else None


def _ancestors(policy: dict, gateways: list[dict], routes: list[dict], namespaces: list[dict],
               gateway_classes: list[dict], controller_name: str) -> list[dict]:
    targets = {(ns, name) for ns, name, _ in _targets(policy)}
    found = []
    for route in routes:
        route_ns = (route.get("metadata") or {}).get("namespace", "default")
        refs = [(b.get("namespace", route_ns), b.get("name")) for r in (route.get("spec") or {}).get("rules") or []
                for b in r.get("backendRefs") or [] if b.get("group", "") == "" and b.get("kind", "Service") == "Service"]
        if not targets & set(refs):
            continue
        for ref in (route.get("spec") or {}).get("parentRefs") or []:
            gw = parent_gateway(route, ref, gateways)
            if gw is None or not gateway_is_ours(gw, gateway_classes, controller_name) or gw in found:
                continue
            if attach(route, ref, gw, namespaces, evaluate_listeners(gw)).accepted:
                found.append(gw)
    return sorted(found, key=nn)


def backend_tls_policy_status(policy: dict, states: dict[str, TLSPolicyState], gateways: list[dict],
                              routes: list[dict], namespaces: list[dict], gateway_classes: list[dict], *,
                              controller_name: str, now: str) -> list[dict]:
    """``status.ancestors`` entries this controller writes for ``policy``."""
    state = states[nn(policy)]
    gen = (policy.get("metadata") or {}).get("generation", 1)
    out = []
    for gw in _ancestors(policy, gateways, routes, namespaces, gateway_classes, controller_name):
        out.append({"ancestorRef": {"group": GATEWAY_GROUP, "kind": "Gateway", "name": gw["metadata"]["name"],
                                    "namespace": gw["metadata"]["namespace"]},
                    "controllerName": controller_name,
                    "conditions": [condition("Accepted", state.accepted, state.accepted_reason,
                                             "Policy is accepted" if state.accepted else state.message,
                                             generation=gen, now=now),
                                   condition("ResolvedRefs", state.resolved_reason == "ResolvedRefs",
                                             state.resolved_reason, "All references resolved"
                                             if state.resolved_reason == "ResolvedRefs" else state.message,
                                             generation=gen, now=now)]})
    return out
