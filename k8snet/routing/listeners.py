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
           "tls_mode", "transport", "conflict", "OWNER_KEY", "SECTION_KEY", "NAMESPACE_KEY", "RANK_KEY"]

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
    #: ``""`` for the Gateway's own listeners; ``namespace/name`` of the ListenerSet that
    #: brought it (routing/listenerset.py), whose ``section`` is the name in that set.
    owner: str = ""
    section: str = ""

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
    gw_ns = listener.get(NAMESPACE_KEY) or (gateway.get("metadata") or {}).get("namespace", "default")
    from_kind = "ListenerSet" if listener.get(OWNER_KEY) else "Gateway"
    refs = (listener.get("tls") or {}).get("certificateRefs") or []
    if not refs:
        return f"{listener.get('protocol')} listener in Terminate mode needs tls.certificateRefs"
    for ref in refs:
        ns = ref.get("namespace", gw_ns)
        if ref.get("group", "") != "" or ref.get("kind", "Secret") != "Secret":
            return f"certificateRef {ref.get('kind')} is not a core Secret"
        if ns != gw_ns and not find_reference_grant(
                grants, from_group=GATEWAY_GROUP, from_kind=from_kind, from_namespace=gw_ns,
                to_group="", to_kind="Secret", to_namespace=ns, to_name=ref.get("name", "")):
            return f"REF:Secret {ns}/{ref.get('name')} is in another namespace and no ReferenceGrant allows it"
        found = [s for s in secrets if (s.get("metadata") or {}).get("name") == ref.get("name")
                 and (s.get("metadata") or {}).get("namespace", "default") == ns]
        if not found or found[0].get("type") != "kubernetes.io/tls":
            return f"Secret {ns}/{ref.get('name')} does not exist or is not of type kubernetes.io/tls"
    return None


#: Keys ``listenerset.effective_gateway`` adds to the listeners a ListenerSet merges into its
#: Gateway: the set (``namespace/name``), the name in the set, the set's namespace, and its
#: precedence (0: the Gateway's own; then the sets, oldest first).
OWNER_KEY, SECTION_KEY, NAMESPACE_KEY, RANK_KEY = "_k8snetOwner", "_k8snetSection", "_k8snetNamespace", "_k8snetRank"


def conflict(a: dict, b: dict) -> str | None:
    """Why listeners ``a`` and ``b`` are not distinct (gateway_types.go), or None."""
    proto = a.get("protocol")
    if b.get("port") != a.get("port") or transport(b.get("protocol")) != transport(proto):
        return None
    if b.get("protocol") != proto or tls_mode(b) != tls_mode(a):
        return ListenerReason.PROTOCOL_CONFLICT
    if (b.get("hostname") or "") == (a.get("hostname") or ""):
        return ListenerReason.HOSTNAME_CONFLICT
    return None


def evaluate_listeners(gateway: dict, *, secrets: list[dict] = (), reference_grants: list[dict] = ()) -> list[ListenerState]:
    """Validate every listener of ``gateway`` (in spec order). Listeners of one rank conflict
    both ways; a ListenerSet's listener also loses to any listener of an earlier rank (the
    Gateway's own, then older sets: listenerset_types.go, conformance listenerset-*-conflict)."""
    listeners = (gateway.get("spec") or {}).get("listeners") or []
    out: list[ListenerState] = []
    kept: list[dict] = []  # listeners taken so far, in precedence order (for ListenerSets' ones)
    for l in listeners:
        proto, port, host = l.get("protocol"), l.get("port"), l.get("hostname")
        found = None
        # The Gateway's own listeners conflict both ways; a ListenerSet's listener loses to any
        # listener taken before it (the Gateway's, then older sets', then earlier in its set).
        others = [o for o in listeners if o.get(RANK_KEY, 0) == 0] if not l.get(RANK_KEY) else kept
        for other in others:
            if other is l:
                continue
            why = conflict(l, other)
            if why == ListenerReason.HOSTNAME_CONFLICT or (why and not found):
                found = why
        conflict_reason = found
        if not found and proto in SUPPORTED_PROTOCOLS:
            kept.append(l)
        kinds, kinds_ok = _kinds(l)
        message = "Listener is valid"
        if proto not in SUPPORTED_PROTOCOLS:
            accepted, areason, kinds = False, ListenerReason.UNSUPPORTED_PROTOCOL, ()
            message = f"protocol {proto} is not supported; supported: {', '.join(SUPPORTED_PROTOCOLS)}"
        elif conflict_reason:
            accepted, areason = False, conflict_reason
            message = f"listener conflicts with another listener on port {port} ({conflict_reason})"
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
                                 str(conflict_reason) if conflict_reason else None, str(rreason), kinds, message,
                                 tls_mode(l), l.get(OWNER_KEY, ""), l.get(SECTION_KEY, l.get("name", ""))))
    return out
