"""Wire values and result records shared by the routing engines.

The enums carry the exact strings the API uses (``PathMatchType.EXACT == "Exact"``), as
networking.k8s.io/v1 (Ingress) and gateway.networking.k8s.io/v1 (``apis/v1/*_types.go`` of
gateway-api v1.6.1: the standard channel's condition types and reasons, without the
experimental ones and the deprecated ``Detached``/``Ready``) define them, so a value read
from YAML can be compared to them directly.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

__all__ = [
    "IngressPathType", "PathMatchType", "HeaderMatchType", "QueryParamMatchType",
    "PathModifierType", "FilterType", "GatewayClassConditionType", "GatewayClassReason",
    "GatewayConditionType", "GatewayReason", "ListenerConditionType", "ListenerReason",
    "RouteConditionType", "RouteReason", "Considered", "GATEWAY_GROUP", "ROUTE_KINDS_ALL", "REDIRECT_STATUS_CODES", "condition",
    "explain_lines",
]

#: The API group of Gateway API kinds (``v1.GroupName``).
GATEWAY_GROUP = "gateway.networking.k8s.io"

#: Every route kind of the v1.6 standard channel (all implemented here).
ROUTE_KINDS_ALL = ("HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute")

#: ``HTTPRequestRedirectFilter.statusCode``: ``+kubebuilder:validation:Enum=301;302;303;307;308``
#: (apis/v1/httproute_types.go, v1.6; 303/307/308 are Extended, 301/302 Core).
REDIRECT_STATUS_CODES = (301, 302, 303, 307, 308)


class _WireEnum(str, Enum):
    """A string enum whose value is the wire string; ``from_text`` reads it back."""

    @classmethod
    def from_text(cls, text: str):
        """The member whose wire value is ``text`` (ValueError if none)."""
        return cls(text)

    def to_text(self) -> str:
        """The wire value, as written in YAML."""
        return self.value

    def __str__(self) -> str:
        return self.value


class IngressPathType(_WireEnum):
    """networking.k8s.io/v1 ``HTTPIngressPath.pathType``."""

    EXACT = "Exact"
    PREFIX = "Prefix"
    IMPLEMENTATION_SPECIFIC = "ImplementationSpecific"


class PathMatchType(_WireEnum):
    """``HTTPPathMatch.type`` (httproute_types.go PathMatchType)."""

    EXACT = "Exact"
    PATH_PREFIX = "PathPrefix"
    REGULAR_EXPRESSION = "RegularExpression"


class HeaderMatchType(_WireEnum):
    """``HTTPHeaderMatch.type``; Exact is the default."""

    EXACT = "Exact"
    REGULAR_EXPRESSION = "RegularExpression"


class QueryParamMatchType(_WireEnum):
    """``HTTPQueryParamMatch.type``; Exact is the default."""

    EXACT = "Exact"
    REGULAR_EXPRESSION = "RegularExpression"


class PathModifierType(_WireEnum):
    """``HTTPPathModifier.type`` used by RequestRedirect and URLRewrite."""

    REPLACE_FULL_PATH = "ReplaceFullPath"
    REPLACE_PREFIX_MATCH = "ReplacePrefixMatch"


class FilterType(_WireEnum):
    """``HTTPRouteFilter.type`` values k8snet implements, with their support level in an
    HTTPRouteRule (httproute_types.go, v1.6; every filter is Extended inside a backendRef).

    The API also has ExtensionRef (Implementation-specific); a route using a type not listed
    here is ``Accepted=False/UnsupportedValue``. Inside RequestRedirect, ``hostname`` and
    ``statusCode`` are Core and ``scheme``, ``path`` and ``port`` Extended; of the status
    codes, 301 and 302 are Core and 303, 307 and 308 are Extended features
    (SupportHTTPRoute303RedirectStatusCode, ...307..., ...308...).
    """

    REQUEST_HEADER_MODIFIER = "RequestHeaderModifier"    # Core
    RESPONSE_HEADER_MODIFIER = "ResponseHeaderModifier"  # Extended
    REQUEST_MIRROR = "RequestMirror"                     # Extended (routing/httpmatch.py, l7.py)
    REQUEST_REDIRECT = "RequestRedirect"                 # Core
    URL_REWRITE = "URLRewrite"                           # Extended (path and hostname rewrite)
    CORS = "CORS"                                        # Extended (routing/cors.py)


class GatewayClassConditionType(_WireEnum):
    """gatewayclass_types.go condition types."""

    ACCEPTED = "Accepted"


class GatewayClassReason(_WireEnum):
    """gatewayclass_types.go reasons."""

    ACCEPTED = "Accepted"
    INVALID_PARAMETERS = "InvalidParameters"
    PENDING = "Pending"
    UNSUPPORTED = "Unsupported"
    UNSUPPORTED_VERSION = "UnsupportedVersion"


class GatewayConditionType(_WireEnum):
    """gateway_types.go GatewayConditionType."""

    ACCEPTED = "Accepted"
    PROGRAMMED = "Programmed"


class GatewayReason(_WireEnum):
    """gateway_types.go GatewayConditionReason."""

    ACCEPTED = "Accepted"
    PROGRAMMED = "Programmed"
    INVALID = "Invalid"
    LISTENERS_NOT_VALID = "ListenersNotValid"
    ADDRESS_NOT_ASSIGNED = "AddressNotAssigned"
    ADDRESS_NOT_USABLE = "AddressNotUsable"
    UNSUPPORTED_ADDRESS = "UnsupportedAddress"
    NO_RESOURCES = "NoResources"
    INVALID_PARAMETERS = "InvalidParameters"
    PENDING = "Pending"


class ListenerConditionType(_WireEnum):
    """gateway_types.go ListenerConditionType."""

    ACCEPTED = "Accepted"
    PROGRAMMED = "Programmed"
    RESOLVED_REFS = "ResolvedRefs"
    CONFLICTED = "Conflicted"


class ListenerReason(_WireEnum):
    """gateway_types.go ListenerConditionReason."""

    ACCEPTED = "Accepted"
    PROGRAMMED = "Programmed"
    INVALID = "Invalid"
    RESOLVED_REFS = "ResolvedRefs"
    NO_CONFLICTS = "NoConflicts"
    HOSTNAME_CONFLICT = "HostnameConflict"
    PROTOCOL_CONFLICT = "ProtocolConflict"
    UNSUPPORTED_PROTOCOL = "UnsupportedProtocol"
    INVALID_ROUTE_KINDS = "InvalidRouteKinds"
    INVALID_CERTIFICATE_REF = "InvalidCertificateRef"
    REF_NOT_PERMITTED = "RefNotPermitted"
    PORT_UNAVAILABLE = "PortUnavailable"
    #: listenerset_types.go ListenerEntryReasonTooManyListeners: an implementation MAY reject a
    #: ListenerSet's listener with it; v1.6.1 defines no limit for the merged list, k8snet sets none.
    TOO_MANY_LISTENERS = "TooManyListeners"
    UNSUPPORTED_VALUE = "UnsupportedValue"
    PENDING = "Pending"
    NO_VALID_CA_CERTIFICATE = "NoValidCACertificate"
    INVALID_CA_CERTIFICATE_REF = "InvalidCACertificateRef"
    INVALID_CA_CERTIFICATE_KIND = "InvalidCACertificateKind"


class RouteConditionType(_WireEnum):
    """shared_types.go RouteConditionType."""

    ACCEPTED = "Accepted"
    RESOLVED_REFS = "ResolvedRefs"
    PARTIALLY_INVALID = "PartiallyInvalid"


class RouteReason(_WireEnum):
    """shared_types.go RouteConditionReason."""

    ACCEPTED = "Accepted"
    NOT_ALLOWED_BY_LISTENERS = "NotAllowedByListeners"
    NO_MATCHING_LISTENER_HOSTNAME = "NoMatchingListenerHostname"
    NO_MATCHING_PARENT = "NoMatchingParent"
    UNSUPPORTED_VALUE = "UnsupportedValue"
    PENDING = "Pending"
    INCOMPATIBLE_FILTERS = "IncompatibleFilters"
    RESOLVED_REFS = "ResolvedRefs"
    REF_NOT_PERMITTED = "RefNotPermitted"
    INVALID_KIND = "InvalidKind"
    BACKEND_NOT_FOUND = "BackendNotFound"
    UNSUPPORTED_PROTOCOL = "UnsupportedProtocol"


@dataclass(frozen=True, slots=True)
class Considered:
    """One candidate the engine looked at: what it was, whether it matched, and why."""

    subject: str
    matched: bool
    why: str

    def __str__(self) -> str:
        return f"{'MATCH' if self.matched else 'no   '} {self.subject}: {self.why}"


def condition(type_: str, ok: bool, reason: str, message: str, *, generation: int,
              now: str) -> dict:
    """A metav1.Condition as the API server stores it (``status`` is ``"True"``/``"False"``)."""
    return {"type": str(type_), "status": "True" if ok else "False",
            "observedGeneration": generation, "lastTransitionTime": now,
            "reason": str(reason), "message": message}


def explain_lines(considered: tuple[Considered, ...], verdict: str) -> str:
    """Multi-line text: every candidate, then the verdict."""
    return "\n".join([str(c) for c in considered] + [verdict])


