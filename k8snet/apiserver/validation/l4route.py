"""TLSRoute, TCPRoute and UDPRoute (``gateway.networking.k8s.io/v1``): the CRD schemas of
**gateway-api v1.6.1** ``config/crd/standard/gateway.networking.k8s.io_{tls,tcp,udp}routes.yaml``.

TLSRoute joined the standard channel as ``v1`` in v1.5, TCPRoute and UDPRoute in v1.6 (the
``v1alpha2``/``v1alpha3`` versions stay in the CRDs with ``served: false``; only the experimental
channel still serves them: ``config/crd/{standard,experimental}`` of v1.5.1 and v1.6.1). They share parentRefs and backendRefs with HTTPRoute (:mod:`.gateway`), but have no
matches and no filters: exactly one rule (``minItems``/``maxItems`` 1) with 1 to 16
backendRefs (``apis/v1/tcproute_types.go``, ``udproute_types.go``, ``tlsroute_types.go``).
A TLSRoute must name 1 to 1024 SNI ``hostnames`` (required since v1), checked by the three
CEL rules of the CRD (messages verbatim).
"""
from __future__ import annotations

import ipaddress
import re

from .crd import Rule, Schema
from .gateway import _PARENT_REFS, HOSTNAME, SECTION_NAME, _a, _backend_ref, _o, _s

__all__ = ["TLSROUTE", "TCPROUTE", "UDPROUTE"]

_RFC1123 = re.compile(r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)$")


def _is_ip(h) -> bool:
    try:
        ipaddress.ip_address(h)
        return True
    except ValueError:
        return False


def _strings(hs) -> list[str]:
    return [h for h in hs if isinstance(h, str)]


_RULES = _a(_o({"name": _s(pattern=SECTION_NAME, min_length=1, max_length=253),
                "backendRefs": _a(_backend_ref(weight=True), min_items=1, max_items=16)},
               required=("backendRefs",)), min_items=1, max_items=1)

TCPROUTE = _o({"spec": _o({"parentRefs": _PARENT_REFS, "rules": _RULES}, required=("rules",))}, required=("spec",))
UDPROUTE = _o({"spec": _o({"parentRefs": _PARENT_REFS, "rules": _RULES}, required=("rules",))}, required=("spec",))

_TLS_HOSTNAMES = _a(_s(pattern=HOSTNAME, min_length=1, max_length=253), min_items=1, max_items=1024, rules=(
    Rule("Hostnames cannot contain an IP", lambda hs: not any(_is_ip(h) for h in _strings(hs))),
    Rule("Hostnames must be valid based on RFC-1123",
         lambda hs: all(_RFC1123.search(h) for h in _strings(hs) if "*" not in h)),
    Rule("Wildcards on hostnames must be the first label, and the rest of hostname must be valid based on RFC-1123",
         lambda hs: all(h.startswith("*.") and _RFC1123.search(h[2:]) for h in _strings(hs) if "*" in h)),
))
TLSROUTE = _o({"spec": _o({"parentRefs": _PARENT_REFS, "hostnames": _TLS_HOSTNAMES, "rules": _RULES},
                          required=("hostnames", "rules"))}, required=("spec",))
