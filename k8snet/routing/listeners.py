"""Gateway listeners: which are valid, conflicted, and which Route kinds they take.

gateway_types.go "Distinct Listeners": listeners sharing a port must differ in protocol
compatibility and, for HTTP/HTTPS/TLS, in hostname. Two HTTP listeners on one port with the
same hostname are ``Conflicted=True/HostnameConflict``; HTTP and HTTPS (or TCP and anything
over TCP) on one port are ``ProtocolConflict``; so are two TLS listeners on one port, one
``Passthrough`` and one ``Terminate`` (this implementation does not claim the experimental
``TLSRouteModeMixed``; conformance tlsroute-listener-mixed-termination-not-supported). A UDP
listener shares a port number with a TCP-based one without conflict (another transport).

Which route kinds each protocol takes (``supportedKinds``, in this order): HTTP and HTTPS
take HTTPRoute and GRPCRoute; TLS (either mode) takes TLSRoute (conformance
tlsroute-listener-passthrough-supported-kinds: a TCPRoute in ``allowedRoutes.kinds`` there is
``ResolvedRefs=False/InvalidRouteKinds``); TCP takes TCPRoute; UDP takes UDPRoute. Other
protocols get ``Accepted=False/UnsupportedProtocol``.
"""
from __future__ import annotations

from dataclasses import dataclass

from .referencegrant import find_reference_grant
from .types import GATEWAY_GROUP, ListenerReason

__all__ = ["ListenerState", "evaluate_listeners", "SUPPORTED_PROTOCOLS", "ROUTE_KINDS", "KINDS_BY_PROTOCOL",
           "tls_mode", "transport"]

SUPPORTED_PROTOCOLS = ("HTTP", "HTTPS", "TLS", "TCP", "UDP")
#: The route kinds an HTTP or HTTPS listener of this implementation takes, in the order
#: ``status.listeners[].supportedKinds`` lists them.
ROUTE_KINDS = ("HTTPRoute", "GRPCRoute")
#: The route kinds a listener of each protocol takes.
KINDS_BY_PROTOCOL = {"HTTP": ROUTE_KINDS, "HTTPS": ROUTE_KINDS, "TLS": ("TLSRoute",), "TCP": ("TCPRoute",),
                     "UDP": ("UDPRoute",)}


def tls_mode(listener: dict) -> str | None:
    """``Terminate`` or ``Passthrough`` for a TLS or HTTPS listener (the CRD defaults
    ``tls.mode`` to Terminate), None for the others."""
    if listener.get("protocol") not in ("HTTPS", "TLS"):
        return None
    return (listener.get("tls") or {}).get("mode") or "Terminate"


def transport(protocol: str | None) -> str:
    """The transport a listener protocol runs over: UDP for UDP, TCP for the others."""
    return "UDP" if protocol == "UDP" else "TCP"


@dataclass(frozen=True, slots=True)
class ListenerState:
    """One listener after validation; ``usable`` means routes can attach and traffic flows."""

    name: str
    port: int
    protocol: str
    hostname: str | None
    accepted: bool
    accepted_reason: str
    conflicted_reason: str | None
    resolved_refs_reason: str
    supported_kinds: tuple[tuple[str, str], ...]
    message: str
    tls_mode: str | None = None

    @property
    def resolved(self) -> bool:
        """True when every reference of the listener (kinds, certificates) resolved."""
        return self.resolved_refs_reason == ListenerReason.RESOLVED_REFS

    @property
    def usable(self) -> bool:
        """Accepted and not conflicted: routes may attach to it."""
        return self.accepted and self.conflicted_reason is None

    @property
    def programmed(self) -> bool:
        """Usable and all references resolved: the data plane serves it."""
        return self.usable and self.resolved


def _kinds(listener: dict) -> tuple[tuple[tuple[str, str], ...], bool]:
    kinds = ((listener.get("allowedRoutes") or {}).get("kinds"))
    supported = KINDS_BY_PROTOCOL.get(listener.get("protocol"), ())
    if not kinds:
        return tuple((GATEWAY_GROUP, k) for k in supported), True
    good, ok = [], True
    for k in kinds:
        group = k.get("group", GATEWAY_GROUP)
        if group == GATEWAY_GROUP and k.get("kind") in supported:
            good.append((group, k["kind"]))
        else:
            ok = False
    return tuple(dict.fromkeys(good)), ok


def _certificates(gateway: dict, listener: dict, secrets: list[dict], grants: list[dict]) -> str | None:
    gw_ns = (gateway.get("metadata") or {}).get("namespace", "default")
    refs = (listener.get("tls") or {}).get("certificateRefs") or []
    if not refs:
        return f"{listener.get('protocol')} listener in Terminate mode needs tls.certificateRefs"
    for ref in refs:
        ns = ref.get("namespace", gw_ns)
        if ref.get("group", "") != "" or ref.get("kind", "Secret") != "Secret":
            return f"certificateRef {ref.get('kind')} is not a core Secret"
        if ns != gw_ns and not find_reference_grant(
                grants, from_group=GATEWAY_GROUP, from_kind="Gateway", from_namespace=gw_ns,
                to_group="", to_kind="Secret", to_namespace=ns, to_name=ref.get("name", "")):
            return f"REF:Secret {ns}/{ref.get('name')} is in another namespace and no ReferenceGrant allows it"
        found = [s for s in secrets if (s.get("metadata") or {}).get("name") == ref.get("name")
                 and (s.get("metadata") or {}).get("namespace", "default") == ns]
        if not found or found[0].get("type") != "kubernetes.io/tls":
            return f"Secret {ns}/{ref.get('name')} does not exist or is not of type kubernetes.io/tls"
    return None


def evaluate_listeners(gateway: dict, *, secrets: list[dict] = (), reference_grants: list[dict] = ()) -> list[ListenerState]:
    """Validate every listener of ``gateway`` (in spec order)."""
    listeners = (gateway.get("spec") or {}).get("listeners") or []
    out: list[ListenerState] = []
    for l in listeners:
        proto, port, host = l.get("protocol"), l.get("port"), l.get("hostname")
        conflict = None
        for other in listeners:
            if other is l or other.get("port") != port or transport(other.get("protocol")) != transport(proto):
                continue
            if other.get("protocol") != proto or tls_mode(other) != tls_mode(l):
                conflict = conflict or ListenerReason.PROTOCOL_CONFLICT
            elif (other.get("hostname") or "") == (host or ""):
                conflict = ListenerReason.HOSTNAME_CONFLICT
        kinds, kinds_ok = _kinds(l)
        message = "Listener is valid"
        if proto not in SUPPORTED_PROTOCOLS:
            accepted, areason, kinds = False, ListenerReason.UNSUPPORTED_PROTOCOL, ()
            message = f"protocol {proto} is not supported; supported: {', '.join(SUPPORTED_PROTOCOLS)}"
        elif conflict:
            accepted, areason = False, conflict
            message = f"listener conflicts with another listener on port {port} ({conflict})"
        else:
            accepted, areason = True, ListenerReason.ACCEPTED
        rreason = ListenerReason.RESOLVED_REFS
        if not kinds_ok:
            rreason = ListenerReason.INVALID_ROUTE_KINDS
            message = (f"allowedRoutes.kinds has kinds a {proto} listener does not support; supported: "
                       + ", ".join(KINDS_BY_PROTOCOL.get(proto, ())))
        elif tls_mode(l) == "Terminate":
            problem = _certificates(gateway, l, list(secrets), list(reference_grants))
            if problem:
                ref = problem.startswith("REF:")
                rreason = ListenerReason.REF_NOT_PERMITTED if ref else ListenerReason.INVALID_CERTIFICATE_REF
                message = problem[4:] if ref else problem
        out.append(ListenerState(l.get("name", ""), port, proto, host, accepted, str(areason),
                                 str(conflict) if conflict else None, str(rreason), kinds, message, tls_mode(l)))
    return out
