"""EndpointSlice validation rows, each naming its rule in ``pkg/apis/discovery/validation/
validation.go`` (v1.37): addresses by type, nodeName, deprecatedTopology, hints (forZones and
forNodes), hostname, ports and the list limits."""
from __future__ import annotations

import pytest

from .objects import errors_of, meta

DNS1123_SUBDOMAIN = ("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
                     "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for "
                     "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")
LABEL_VALUE = ("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and "
               "must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', "
               "regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")


def _slice(address_type="IPv4", endpoints=None, ports=None):
    return {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "addressType": address_type,
            "metadata": meta("web-abc12", labels={"kubernetes.io/service-name": "web"}),
            "endpoints": endpoints if endpoints is not None else [{"addresses": ["10.244.1.5"]}],
            "ports": ports if ports is not None else [{"name": "http", "port": 8080}]}


def _ep(**extra):
    return {"addresses": ["10.244.1.5"], **extra}


def _zones(*names):
    return {"forZones": [{"name": n} for n in names]}


def _nodes(*names):
    return {"forNodes": [{"name": n} for n in names]}


ROWS = [
    ("valid-with-hints", _slice(endpoints=[_ep(zone="zone-a", nodeName="node-1",
                                               hints={**_zones("zone-a"), **_nodes("node-1")})]), [],
     "ValidateEndpointSlice"),
    ("ipv6-in-ipv4-slice", _slice(endpoints=[{"addresses": ["fd00::5"]}]),
     ['endpoints[0].addresses[0]: Invalid value: "fd00::5": must be a valid IPv4 address'],
     "validateEndpoints: IsValidIPv4Address"),
    ("ipv4-in-ipv6-slice", _slice("IPv6", endpoints=[{"addresses": ["10.0.0.1"]}]),
     ['endpoints[0].addresses[0]: Invalid value: "10.0.0.1": must be a valid IPv6 address'],
     "validateEndpoints: IsValidIPv6Address"),
    ("link-local", _slice(endpoints=[{"addresses": ["169.254.169.254"]}]),
     ['endpoints[0].addresses[0]: Invalid value: "169.254.169.254": may not be in the link-local range '
      "(169.254.0.0/16, fe80::/10)"], "ValidateEndpointIP"),
    ("too-many-addresses", _slice(endpoints=[{"addresses": [f"10.244.0.{i}" for i in range(1, 102)]}]),
     ["endpoints[0].addresses: Too many: 101: must have at most 100 items"], "validateEndpoints: maxAddresses"),
    ("too-many-endpoints", _slice(endpoints=[_ep() for _ in range(1001)]),
     ["endpoints: Too many: 1001: must have at most 1000 items"], "validateEndpoints: maxEndpoints"),
    ("node-name", _slice(endpoints=[_ep(nodeName="Node_1")]),
     [f'endpoints[0].nodeName: Invalid value: "Node_1": {DNS1123_SUBDOMAIN}'], "validateEndpoints: ValidateNodeName"),
    ("empty-node-name", _slice(endpoints=[_ep(nodeName="")]),
     [f'endpoints[0].nodeName: Invalid value: "": {DNS1123_SUBDOMAIN}'],
     "validateEndpoints: NodeName != nil is checked, the empty name too"),
    ("topology-too-many", _slice(endpoints=[_ep(deprecatedTopology={f"k{i}": "v" for i in range(17)})]),
     ["endpoints[0].deprecatedTopology: Too many: 17: must have at most 16 items"],
     "validateEndpoints: maxTopologyLabels"),
    ("topology-label-value", _slice(endpoints=[_ep(deprecatedTopology={"rack": "r 1"})]),
     [f'endpoints[0].deprecatedTopology: Invalid value: "r 1": {LABEL_VALUE}'], "ValidateLabels"),
    ("topology-zone-key", _slice(endpoints=[_ep(deprecatedTopology={"topology.kubernetes.io/zone": "a"})]),
     ["endpoints[0].deprecatedTopology[topology.kubernetes.io/zone]: Internal error: reserved key was not removed "
      "in conversion"], "validateEndpoints: the zone key is reserved"),
    ("hostname", _slice(endpoints=[_ep(hostname="web.0")]),
     ['endpoints[0].hostname: Invalid value: "web.0": must not contain dots'], "ValidateDNS1123Label (IsDNS1123Label names a dot)"),
    ("zone-hints-too-many", _slice(endpoints=[_ep(hints={**_zones(*[f"z{i}" for i in range(9)]),
                                                         **_nodes("Bad_Node")})]),
     ["endpoints[0].hints.forZones: Too many: 9: must have at most 8 items"],
     "validateHints: maxZoneHints ends the check"),
    ("zone-hint-duplicate-and-bad", _slice(endpoints=[_ep(hints=_zones("a", "a", "b c"))]),
     ['endpoints[0].hints.forZones[1].name: Duplicate value: "a"',
      f'endpoints[0].hints.forZones[2].name: Invalid value: "b c": {LABEL_VALUE}'],
     "validateHints: zone names are unique label values"),
    ("node-hints-too-many", _slice(endpoints=[_ep(hints=_nodes(*[f"n{i}" for i in range(9)]))]),
     ["endpoints[0].hints.forNodes: Too many: 9: must have at most 8 items"], "validateHints: maxNodeHints"),
    ("node-hint-duplicate-and-bad", _slice(endpoints=[_ep(hints=_nodes("n1", "n1", "N_2"))]),
     ['endpoints[0].hints.forNodes[1].name: Duplicate value: "n1"',
      f'endpoints[0].hints.forNodes[2].name: Invalid value: "N_2": {DNS1123_SUBDOMAIN}'],
     "validateHints: node names are unique node names"),
    ("ports-over-100-allowed", _slice(ports=[{"name": f"p{i}", "port": 1000 + i} for i in range(150)]), [],
     "validatePorts: maxPorts is 20000"),
    ("fqdn-one-label", _slice("FQDN", endpoints=[{"addresses": ["db"]}]),
     ['endpoints[0].addresses[0]: Invalid value: "db": should be a domain with at least two segments separated '
      "by dots"], "IsFullyQualifiedDomainName"),
]


@pytest.mark.parametrize("obj,want,rule", [r[1:] for r in ROWS], ids=[r[0] for r in ROWS])
def test_validate_endpoint_slice(obj, want, rule):
    assert errors_of(obj) == want, rule
