"""TLSRoute, TCPRoute, UDPRoute, ListenerSet and BackendTLSPolicy rows: the gateway-api v1.6.1
standard CRDs (config/crd/standard/gateway.networking.k8s.io_{tlsroutes,tcproutes,udproutes,
listenersets,backendtlspolicies}.yaml, version v1), messages as apiextensions-apiserver words them."""
from __future__ import annotations

import pytest

from .objects import errors_of, meta

G = "gateway.networking.k8s.io/v1"
BLOCKED = ('<nil>: Invalid value: "null": some validation rules were not checked because the object was '
           "invalid; correct the existing errors to complete validation")
BACKENDS = [{"backendRefs": [{"name": "db", "port": 5432}]}]


def _obj(kind: str, **spec) -> dict:
    return {"apiVersion": G, "kind": kind, "metadata": meta("x"), "spec": spec}


def _tls(**spec) -> dict:
    base = {"parentRefs": [{"name": "gw"}], "hostnames": ["app.example.com"], "rules": BACKENDS}
    return _obj("TLSRoute", **{**base, **spec})


def _btls(**validation) -> dict:
    return _obj("BackendTLSPolicy", targetRefs=[{"group": "", "kind": "Service", "name": "web"}],
                validation={"hostname": "web.example.com", **validation})


ROWS = [
    ("tcproute valid", _obj("TCPRoute", parentRefs=[{"name": "gw"}], rules=BACKENDS), [], "tcproutes CRD"),
    ("udproute valid", _obj("UDPRoute", rules=BACKENDS), [], "udproutes CRD"),
    ("tcproute rules required", _obj("TCPRoute", parentRefs=[{"name": "gw"}]), ["spec.rules: Required value", BLOCKED],
     "TCPRouteSpec rules +required"),
    ("tcproute one rule", _obj("TCPRoute", rules=BACKENDS * 2),
     ["spec.rules: Too many: 2: must have at most 1 item", BLOCKED], "TCPRouteSpec rules MaxItems=1"),
    ("udproute backendRefs min 1", _obj("UDPRoute", rules=[{"backendRefs": []}]),
     ["spec.rules[0].backendRefs: Invalid value: 0: spec.rules[0].backendRefs in body should have at least 1 items"],
     "UDPRouteRule backendRefs MinItems=1"),
    ("tcproute Service backendRef needs port", _obj("TCPRoute", rules=[{"backendRefs": [{"name": "db"}]}]),
     ['spec.rules[0].backendRefs[0]: Invalid value: "object": Must have port for Service reference'],
     "BackendRef CEL"),
    ("tlsroute valid", _tls(), [], "tlsroutes CRD"),
    ("tlsroute hostnames required", _obj("TLSRoute", rules=BACKENDS), ["spec.hostnames: Required value", BLOCKED],
     "TLSRouteSpec hostnames +required (v1)"),
    ("tlsroute hostname IP", _tls(hostnames=["192.0.2.1"]),
     ['spec.hostnames: Invalid value: "array": Hostnames cannot contain an IP'], "hostnames CEL isIP"),
    ("tlsroute wildcard not first", _tls(hostnames=["a.*.example.com"]),
     ["spec.hostnames[0]: Invalid value: \"a.*.example.com\": spec.hostnames[0] in body should match "
      "'^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$'",
      'spec.hostnames: Invalid value: "array": Wildcards on hostnames must be the first label, and the rest of '
      "hostname must be valid based on RFC-1123"],
     "hostnames items pattern (not blocking) and the wildcard CEL rule"),
    ("listenerset valid", _obj("ListenerSet", parentRef={"name": "gw"},
                               listeners=[{"name": "http", "port": 80, "protocol": "HTTP"}]), [], "listenersets CRD"),
    ("listenerset parentRef required", _obj("ListenerSet", listeners=[{"name": "http", "port": 80, "protocol": "HTTP"}]),
     ["spec.parentRef: Required value", BLOCKED], "ListenerSetSpec parentRef +required"),
    ("listenerset TCP hostname", _obj("ListenerSet", parentRef={"name": "gw"},
                                      listeners=[{"name": "t", "port": 5432, "protocol": "TCP", "hostname": "a.example.com"}]),
     ["spec.listeners: Invalid value: \"array\": hostname must not be specified for protocols ['TCP', 'UDP']"],
     "listeners CEL (the Gateway's rules)"),
    ("backendtlspolicy valid", _btls(wellKnownCACertificates="System"), [], "backendtlspolicies CRD"),
    ("backendtlspolicy no CA", _btls(),
     ['spec.validation: Invalid value: "object": must specify either CACertificateRefs or WellKnownCACertificates'],
     "validation CEL"),
    ("backendtlspolicy both CAs", _btls(wellKnownCACertificates="System",
                                        caCertificateRefs=[{"group": "", "kind": "ConfigMap", "name": "ca"}]),
     ['spec.validation: Invalid value: "object": must not contain both CACertificateRefs and WellKnownCACertificates'],
     "validation CEL"),
    ("backendtlspolicy SAN hostname missing", _btls(wellKnownCACertificates="System", subjectAltNames=[{"type": "Hostname"}]),
     ['spec.validation.subjectAltNames[0]: Invalid value: "object": SubjectAltName element must contain Hostname, '
      'if Type is set to Hostname'], "subjectAltNames CEL"),
    ("backendtlspolicy targetRefs need sectionName", _obj(
        "BackendTLSPolicy", validation={"hostname": "h.example.com", "wellKnownCACertificates": "System"},
        targetRefs=[{"group": "", "kind": "Service", "name": "web"},
                    {"group": "", "kind": "Service", "name": "web", "sectionName": "https"}]),
     ['spec.targetRefs: Invalid value: "array": sectionName must be specified when targetRefs includes 2 or more '
      'references to the same target'], "targetRefs CEL"),
]


@pytest.mark.parametrize("obj,want,rule", [r[1:] for r in ROWS], ids=[r[0] for r in ROWS])
def test_validate(obj, want, rule):
    assert errors_of(obj) == want
