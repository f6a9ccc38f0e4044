"""Ingress, IngressClass, NetworkPolicy (pkg/apis/networking/validation/validation.go),
EndpointSlice (pkg/apis/discovery/validation/validation.go) and the other core kinds
(Namespace, Endpoints, ConfigMap, Secret in pkg/apis/core/validation/validation.go); 1.33."""
from __future__ import annotations

import pytest

from .objects import errors_of, ingress, meta, netpol, path_rule
from .test_validation_service import DNS1035, DNS1123_LABEL
from .test_validation_workloads import DNS1123_SUB

P0 = "spec.rules[0].http.paths[0]"
SVC = {"service": {"name": "web", "port": {"number": 80}}}
WILDCARD = ("a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must "
            "consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character "
            "(e.g. '*.example.com', regex used for validation is "
            "'\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")

INGRESS_ROWS = [
    ("valid", ingress(), [], "ValidateIngressCreate"),
    ("pathtype-required", ingress(rules=path_rule({"path": "/", "backend": SVC})),
     [f"{P0}.pathType: Required value: pathType must be specified"],
     "validateHTTPIngressPath: networking.k8s.io/v1 has no pathType default"),
    ("pathtype-unknown", ingress(rules=path_rule({"path": "/", "pathType": "Regex", "backend": SVC})),
     [f'{P0}.pathType: Unsupported value: "Regex": supported values: "Exact", "ImplementationSpecific", "Prefix"'],
     "validateHTTPIngressPath: supportedPathTypes"),
    ("path-not-absolute", ingress(rules=path_rule({"path": "api", "pathType": "Prefix", "backend": SVC})),
     [f'{P0}.path: Invalid value: "api": must be an absolute path'], "validateHTTPIngressPath"),
    ("path-double-slash", ingress(rules=path_rule({"path": "/api//v1", "pathType": "Exact", "backend": SVC})),
     [f"{P0}.path: Invalid value: \"/api//v1\": must not contain '//'"], "invalidPathSequences"),
    ("path-dot-dot-suffix", ingress(rules=path_rule({"path": "/api/..", "pathType": "Prefix", "backend": SVC})),
     [f"{P0}.path: Invalid value: \"/api/..\": cannot end with '/..'"], "invalidPathSuffixes"),
    ("impl-specific-relative", ingress(rules=path_rule({"path": "api", "pathType": "ImplementationSpecific", "backend": SVC})),
     [f'{P0}.path: Invalid value: "api": must be an absolute path'], "validateHTTPIngressPath: ImplementationSpecific"),
    ("host-is-ip", ingress(rules=[{"host": "192.168.1.10", "http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": SVC}]}}]),
     ['spec.rules[0].host: Invalid value: "192.168.1.10": must be a DNS name, not an IP address'], "validateIngressRules"),
    ("host-uppercase", ingress(rules=[{"host": "Shop.example.com"}]),
     [f'spec.rules[0].host: Invalid value: "Shop.example.com": {DNS1123_SUB}'], "validateIngressRules: IsDNS1123Subdomain"),
    ("host-wildcard-ok", ingress(rules=[{"host": "*.example.com"}]), [], "validateIngressRules: IsWildcardDNS1123Subdomain"),
    ("host-wildcard-middle", ingress(rules=[{"host": "shop.*.com"}]),
     [f'spec.rules[0].host: Invalid value: "shop.*.com": {WILDCARD}'], "IsWildcardDNS1123Subdomain"),
    ("paths-required", ingress(rules=[{"host": "a.example.com", "http": {"paths": []}}]),
     ["spec.rules[0].http.paths: Required value"], "validateHTTPIngressRuleValue"),
    ("backend-required", ingress(rules=path_rule({"path": "/", "pathType": "Prefix", "backend": {}})),
     [f'{P0}.backend: Invalid value: "": resource or service backend is required'], "validateIngressBackend"),
    ("port-name-and-number", ingress(rules=path_rule({"path": "/", "pathType": "Prefix", "backend": {
        "service": {"name": "web", "port": {"name": "http", "number": 80}}}})),
     [f'{P0}.backend: Invalid value: "": cannot set both port name & port number'], "validateIngressBackend"),
    ("port-missing", ingress(rules=path_rule({"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "web"}}})),
     [f"{P0}.backend: Required value: port name or number is required"], "validateIngressBackend"),
    ("port-number-range", ingress(rules=path_rule({"path": "/", "pathType": "Prefix", "backend": {
        "service": {"name": "web", "port": {"number": 0x10000}}}})),
     [f"{P0}.backend.service.port.number: Invalid value: 65536: must be between 1 and 65535, inclusive"],
     "validateIngressBackend: IsValidPortNum"),
    ("service-name-dns1035", ingress(rules=path_rule({"path": "/", "pathType": "Prefix", "backend": {
        "service": {"name": "web_v2", "port": {"number": 80}}}})),
     [f'{P0}.backend.service.name: Invalid value: "web_v2": {DNS1035}'],
     "validateIngressBackend: ValidateServiceName (RelaxedServiceNameValidation off in 1.33)"),
    ("no-rules-no-default", ingress(rules=None),
     ["spec: Invalid value: null: either `defaultBackend` or `rules` must be specified"],
     "ValidateIngressSpec"),
    ("class-name-invalid", ingress(ingressClassName="Nginx"),
     [f'spec.ingressClassName: Invalid value: "Nginx": {DNS1123_SUB}'], "ValidateIngressSpec: ValidateIngressClassName"),
    ("tls-host-invalid", ingress(tls=[{"hosts": ["shop_example.com"], "secretName": "tls"}]),
     [f'spec.tls[0].hosts[0]: Invalid value: "shop_example.com": {DNS1123_SUB}'], "validateIngressTLS"),
]


@pytest.mark.parametrize("obj,want,rule", [r[1:] for r in INGRESS_ROWS], ids=[r[0] for r in INGRESS_ROWS])
def test_validate_ingress(obj, want, rule):
    if obj["spec"].get("rules", 0) is None:
        del obj["spec"]["rules"]
    assert errors_of(obj) == want, rule


def _port(**p):
    return netpol(ingress=[{"ports": [p]}])


def _peer(**p):
    return netpol(ingress=[{"from": [p]}])


NP0 = "spec.ingress[0].ports[0]"
F0 = "spec.ingress[0].from[0]"
NETPOL_ROWS = [
    ("valid", netpol(ingress=[{"from": [{"podSelector": {"matchLabels": {"app": "web"}}}], "ports": [{"port": 5432}]}]),
     [], "ValidateNetworkPolicy"),
    ("port-zero", _port(port=0), [f"{NP0}.port: Invalid value: 0: must be between 1 and 65535, inclusive"],
     "ValidateNetworkPolicyPort"),
    ("protocol-icmp", _port(protocol="ICMP", port=80),
     [f'{NP0}.protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"'],
     "ValidateNetworkPolicyPort: upstream lists the protocols unsorted"),
    ("endport-below-port", _port(port=8080, endPort=8000),
     [f"{NP0}.endPort: Invalid value: 8000: must be greater than or equal to `port`"], "ValidateNetworkPolicyPort"),
    ("endport-without-port", _port(endPort=8000),
     [f"{NP0}.endPort: Invalid value: 8000: may not be specified when `port` is not specified"], "ValidateNetworkPolicyPort"),
    ("endport-named-port", _port(port="http", endPort=8000),
     [f"{NP0}.endPort: Invalid value: 8000: may not be specified when `port` is non-numeric"], "ValidateNetworkPolicyPort"),
    ("cidr-invalid", _peer(ipBlock={"cidr": "10.0.0.0/40"}),
     [f'{F0}.ipBlock.cidr: Invalid value: "10.0.0.0/40": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'],
     "ValidateIPBlock"),
    ("except-outside", _peer(ipBlock={"cidr": "10.0.0.0/16", "except": ["192.168.0.0/24"]}),
     [f'{F0}.ipBlock.except[0]: Invalid value: "192.168.0.0/24": must be a strict subset of `cidr`'], "ValidateIPBlock"),
    ("except-equal", _peer(ipBlock={"cidr": "10.0.0.0/16", "except": ["10.0.0.0/16"]}),
     [f'{F0}.ipBlock.except[0]: Invalid value: "10.0.0.0/16": must be a strict subset of `cidr`'], "ValidateIPBlock"),
    ("except-inside-ok", _peer(ipBlock={"cidr": "10.0.0.0/16", "except": ["10.0.5.0/24"]}), [], "ValidateIPBlock"),
    ("peer-empty", _peer(), [f"{F0}: Required value: must specify a peer"], "ValidateNetworkPolicyPeer"),
    ("peer-ipblock-and-pods", _peer(ipBlock={"cidr": "10.0.0.0/8"}, podSelector={}),
     [f"{F0}: Forbidden: may not specify both ipBlock and another peer"], "ValidateNetworkPolicyPeer"),
    ("policy-type-unknown", netpol(policyTypes=["Ingress", "Sideways"]),
     ['spec.policyTypes[1]: Unsupported value: "Sideways": supported values: "Ingress", "Egress"'],
     "ValidateNetworkPolicySpec"),
    ("policy-types-three", netpol(policyTypes=["Ingress", "Egress", "Ingress"]),
     ['spec.policyTypes: Invalid value: ["Ingress","Egress","Ingress"]: '
      "may not specify more than two policyTypes"], "ValidateNetworkPolicySpec"),
]


@pytest.mark.parametrize("obj,want,rule", [r[1:] for r in NETPOL_ROWS], ids=[r[0] for r in NETPOL_ROWS])
def test_validate_network_policy(obj, want, rule):
    assert errors_of(obj) == want, rule


def _slice(address_type="IPv4", endpoints=None, ports=None):
    return {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "addressType": address_type,
            "metadata": meta("web-abc12", labels={"kubernetes.io/service-name": "web"}),
            "endpoints": endpoints if endpoints is not None else [{"addresses": ["10.244.1.5"]}],
            "ports": ports if ports is not None else [{"name": "http", "port": 8080}]}


def _endpoints(subsets):
    return {"apiVersion": "v1", "kind": "Endpoints", "metadata": meta("web"), "subsets": subsets}


OTHER_ROWS = [
    ("slice-valid", _slice(), [], "ValidateEndpointSlice"),
    ("slice-address-type", _slice("IP"),
     ['addressType: Unsupported value: "IP": supported values: "FQDN", "IPv4", "IPv6"'], "validateAddressType"),
    ("slice-bad-ipv4", _slice(endpoints=[{"addresses": ["10.244.1.300"]}]),
     ['endpoints[0].addresses[0]: Invalid value: "10.244.1.300": must be a valid IPv4 address',
      'endpoints[0].addresses[0]: Invalid value: "10.244.1.300": must be a valid IP address'],
     "validateEndpoints: IsValidIPv4Address + ValidateNonSpecialIP"),
    ("slice-loopback", _slice(endpoints=[{"addresses": ["127.0.0.1"]}]),
     ['endpoints[0].addresses[0]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)'],
     "ValidateNonSpecialIP"),
    ("slice-no-addresses", _slice(endpoints=[{"addresses": []}]),
     ["endpoints[0].addresses: Required value: must contain at least 1 address"], "validateEndpoints"),
    ("slice-duplicate-port-name", _slice(ports=[{"name": "http", "port": 80}, {"name": "http", "port": 81}]),
     ['ports[1].name: Duplicate value: "http"'], "validatePorts"),
    ("slice-port-protocol", _slice(ports=[{"port": 80, "protocol": "HTTP"}]),
     ['ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"'],
     "validatePorts: supportedPortProtocols"),
    ("endpoints-no-addresses", _endpoints([{"ports": [{"port": 80}]}]),
     ["subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`"], "validateEndpointSubsets"),
    ("endpoints-bad-ip", _endpoints([{"addresses": [{"ip": "10.0.0"}], "ports": [{"port": 80}]}]),
     ['subsets[0].addresses[0].ip: Invalid value: "10.0.0": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
      'subsets[0].addresses[0].ip: Invalid value: "10.0.0": must be a valid IP address'], "validateEndpointAddress"),
    ("endpoints-two-unnamed-ports", _endpoints([{"addresses": [{"ip": "10.244.0.5"}], "ports": [{"port": 80}, {"port": 443}]}]),
     ["subsets[0].ports[0].name: Required value", "subsets[0].ports[1].name: Required value"], "validateEndpointPort"),
    ("namespace-invalid", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "Team_A"}},
     [f'metadata.name: Invalid value: "Team_A": {DNS1123_LABEL}'], "ValidateNamespace: NameIsDNSLabel"),
    ("namespace-with-namespace", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a", "namespace": "b"}},
     ["metadata.namespace: Forbidden: not allowed on this type"], "ValidateObjectMetaAccessor: cluster-scoped"),
    ("configmap-bad-key", {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta("cfg"), "data": {"app config": "x"}},
     ['data[app config]: Invalid value: "app config": a valid config key must consist of alphanumeric characters, '
      "'-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"],
     "ValidateConfigMap: IsConfigMapKey"),
    ("tls-secret-keys", {"apiVersion": "v1", "kind": "Secret", "metadata": meta("tls"), "type": "kubernetes.io/tls",
                         "data": {"tls.crt": "Y2VydA=="}},
     ["data[tls.key]: Required value"], "ValidateSecret: SecretTypeTLS"),
]


@pytest.mark.parametrize("obj,want,rule", [r[1:] for r in OTHER_ROWS], ids=[r[0] for r in OTHER_ROWS])
def test_validate_other_kinds(obj, want, rule):
    assert errors_of(obj) == want, rule


def _ic(controller):
    return {"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass", "metadata": {"name": "nginx"},
            "spec": {"controller": controller}}


@pytest.mark.parametrize("controller,want", [
    ("k8s.io/ingress-nginx", []),
    ("nginx", ['spec.controller: Invalid value: "nginx": must be a domain-prefixed path (such as "acme.io/foo")']),
    ("K8s.io/x", [f'spec.controller: Invalid value: "K8s.io": {DNS1123_SUB}']),
], ids=["valid", "no-domain", "bad-domain"])
def test_validate_ingress_class(controller, want):
    """validateIngressClassSpec -> IsDomainPrefixedPath (util/validation/validation.go)."""
    assert errors_of(_ic(controller)) == want


def test_ingress_class_controller_immutable():
    """validateIngressClassSpecUpdate: ValidateImmutableField(controller)."""
    assert errors_of(_ic("example.com/b"), _ic("example.com/a")) == [
        'spec.controller: Invalid value: "example.com/b": field is immutable']
