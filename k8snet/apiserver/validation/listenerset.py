"""ListenerSet and BackendTLSPolicy (``gateway.networking.k8s.io/v1``): the CRD schemas of
**gateway-api v1.6.1** ``config/crd/standard/gateway.networking.k8s.io_listenersets.yaml`` and
``..._backendtlspolicies.yaml``, both in the standard channel as ``v1`` since v1.5/v1.4.

A ListenerSet (GEP-1713, ``apis/v1/listenerset_types.go``) adds listeners to a parent Gateway
(``spec.parentRef``, group/kind defaulting to the Gateway's); its ``listeners`` have the
Gateway listener's schema and CEL rules, messages included. A BackendTLSPolicy
(``apis/v1/backendtlspolicy_types.go``) tells a Gateway to speak TLS to the Services in its
``targetRefs``, validating their certificate against ``validation.hostname`` and either
``caCertificateRefs`` or ``wellKnownCACertificates``.
"""
from __future__ import annotations

from .crd import Rule, Schema
from .gateway import _LISTENERS, _NAME, _NS, GROUP, HOSTNAME, KIND, PRECISE_HOSTNAME, SECTION_NAME, _a, _has, _o, _s

__all__ = ["LISTENERSET", "BACKENDTLSPOLICY"]

LISTENERSET = _o({"spec": _o({
    "parentRef": _o({"group": _s(pattern=GROUP, max_length=253, default="gateway.networking.k8s.io"),
                     "kind": _s(pattern=KIND, min_length=1, max_length=63, default="Gateway"),
                     "name": _NAME, "namespace": _NS}, required=("name",)),
    "listeners": _LISTENERS,
}, required=("listeners", "parentRef"))}, required=("spec",))


def _same_target(a, b) -> bool:
    return all(a.get(k) == b.get(k) for k in ("group", "kind", "name"))


def _no_section(p) -> bool:
    return p.get("sectionName", "") == ""


_TARGET_REFS = _a(_o({"group": _s(pattern=GROUP, max_length=253), "kind": _s(pattern=KIND, min_length=1, max_length=63),
                      "name": _NAME, "sectionName": _s(pattern=SECTION_NAME, min_length=1, max_length=253)},
                     required=("group", "kind", "name")), min_items=1, max_items=16, rules=(
    Rule("sectionName must be specified when targetRefs includes 2 or more references to the same target",
         lambda ps: all(_no_section(p1) == _no_section(p2) for p1 in ps for p2 in ps if _same_target(p1, p2))),
    Rule("sectionName must be unique when targetRefs includes 2 or more references to the same target",
         lambda ps: all(sum(1 for p2 in ps if _same_target(p1, p2) and p1.get("sectionName", "") == p2.get("sectionName", ""))
                        == 1 for p1 in ps)),
))
_WELL_KNOWN = (r"^(System|([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/"
               r"([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]))$")
_SAN = _o({"type": _s(enum=("Hostname", "URI")),
           "hostname": _s(pattern=HOSTNAME, min_length=1, max_length=253),
           "uri": _s(pattern=r"^(([^:/?#]+):)(//([^/?#]*))([^?#]*)(\?([^#]*))?(#(.*))?", min_length=1, max_length=253)},
          required=("type",), rules=(
    Rule("SubjectAltName element must contain Hostname, if Type is set to Hostname",
         lambda s: not (s.get("type") == "Hostname" and s.get("hostname", "") == "")),
    Rule("SubjectAltName element must not contain Hostname, if Type is not set to Hostname",
         lambda s: not (s.get("type") != "Hostname" and s.get("hostname", "") != "")),
    Rule("SubjectAltName element must contain URI, if Type is set to URI",
         lambda s: not (s.get("type") == "URI" and s.get("uri", "") == "")),
    Rule("SubjectAltName element must not contain URI, if Type is not set to URI",
         lambda s: not (s.get("type") != "URI" and s.get("uri", "") != "")),
))


def _has_ca_refs(v) -> bool:
    return _has(v, "caCertificateRefs") and len(v["caCertificateRefs"] or []) > 0


def _has_well_known(v) -> bool:
    return v.get("wellKnownCACertificates", "") != ""


_VALIDATION = _o({
    "caCertificateRefs": _a(_o({"group": _s(pattern=GROUP, max_length=253),
                                "kind": _s(pattern=KIND, min_length=1, max_length=63), "name": _NAME},
                               required=("group", "kind", "name")), max_items=8),
    "wellKnownCACertificates": _s(pattern=_WELL_KNOWN, min_length=1, max_length=253),
    "hostname": _s(pattern=PRECISE_HOSTNAME, min_length=1, max_length=253),
    "subjectAltNames": _a(_SAN, max_items=5),
}, required=("hostname",), rules=(
    Rule("must not contain both CACertificateRefs and WellKnownCACertificates",
         lambda v: not (_has_ca_refs(v) and _has_well_known(v))),
    Rule("must specify either CACertificateRefs or WellKnownCACertificates",
         lambda v: _has_ca_refs(v) or _has_well_known(v)),
))

BACKENDTLSPOLICY = _o({"spec": _o({
    "targetRefs": _TARGET_REFS,
    "validation": _VALIDATION,
    "options": Schema("object", values=_s(min_length=0, max_length=4096)),
}, required=("targetRefs", "validation"))}, required=("spec",))
