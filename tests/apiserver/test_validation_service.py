"""Service validation rows: each names the upstream function it ports
(pkg/apis/core/validation/validation.go, Kubernetes 1.33, unless said otherwise)."""
from __future__ import annotations

import pytest

from .objects import errors_of, service, with_changes

DNS1035 = ("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
           "alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', "
           "regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')")
DNS1123_LABEL = ("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "
                 "must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used "
                 "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')")
DNS1123_SUB = ("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
               "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for "
               "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")
LABEL_VALUE = ("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
               "and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or "
               "'12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")
TWO_PORTS = [{"name": "http", "port": 80}, {"port": 443}]

ROWS = [
    # (id, object, want_errors, upstream rule)
    ("valid-clusterip", service(), [], "ValidateService"),
    ("name-underscore", service("my_svc"), [f'metadata.name: Invalid value: "my_svc": {DNS1035}'],
     "ValidateService -> ValidateObjectMeta(ValidateServiceName = NameIsDNS1035Label)"),
    ("name-leading-digit", service("1web"), [f'metadata.name: Invalid value: "1web": {DNS1035}'],
     "NameIsDNS1035Label: must start with a letter"),
    ("name-too-long", service("a" * 64),
     [f'metadata.name: Invalid value: "{"a" * 64}": must be no more than 63 characters'],
     "IsDNS1035Label: MaxLenError(63)"),
    ("ports-required", service(ports=[]), ["spec.ports: Required value"],
     "ValidateService: len(Ports)==0 && !headless && type != ExternalName"),
    ("headless-without-ports-ok", service(ports=[], clusterIP="None"), [], "ValidateService: headless may omit ports"),
    ("externalname-without-ports-ok", service(type="ExternalName", externalName="db.example.com", ports=[]), [],
     "ValidateService: ExternalName may omit ports"),
    ("port-out-of-range", service(ports=[{"port": 70000, "targetPort": 8080}]),
     ["spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive"],
     "validateServicePort: IsValidPortNum"),
    ("second-port-needs-name", service(ports=TWO_PORTS), ["spec.ports[1].name: Required value"],
     "validateServicePort: requireName when len(Ports) > 1"),
    ("both-ports-unnamed", service(ports=[{"port": 80}, {"port": 443}]),
     ["spec.ports[0].name: Required value", "spec.ports[1].name: Required value"], "validateServicePort: requireName"),
    ("duplicate-port-name", service(ports=[{"name": "http", "port": 80}, {"name": "http", "port": 8080}]),
     ['spec.ports[1].name: Duplicate value: "http"'], "validateServicePort: allNames"),
    ("port-name-uppercase", service(ports=[{"name": "HTTP", "port": 80}]),
     [f'spec.ports[0].name: Invalid value: "HTTP": {DNS1123_LABEL}'],
     "validateServicePort: Service port names are DNS-1123 labels (ValidateDNS1123Label)"),
    ("protocol-http", service(ports=[{"port": 80, "protocol": "HTTP"}]),
     ['spec.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"'],
     "validateServicePort: supportedPortProtocols"),
    ("protocol-lowercase", service(ports=[{"port": 53, "protocol": "udp"}]),
     ['spec.ports[0].protocol: Unsupported value: "udp": supported values: "SCTP", "TCP", "UDP"'],
     "validateServicePort: protocols are case-sensitive"),
    ("unknown-type", service(type="Internal"),
     ['spec.type: Unsupported value: "Internal": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"'],
     "ValidateService: supportedServiceType"),
    ("externalname-missing", service(type="ExternalName"), ["spec.externalName: Required value"],
     "ValidateService: ExternalName needs externalName"),
    ("externalname-invalid", service(type="ExternalName", externalName="my_db.example.com"),
     [f'spec.externalName: Invalid value: "my_db.example.com": {DNS1123_SUB}'],
     "ValidateService: ValidateDNS1123Subdomain(externalName)"),
    ("externalname-trailing-dot-ok", service(type="ExternalName", externalName="db.example.com."), [],
     "ValidateService: the CNAME may end in a dot"),
    ("externalname-with-clusterip", service(type="ExternalName", externalName="db.example.com", clusterIP="10.96.0.5"),
     ["spec.clusterIPs: Forbidden: may not be set for ExternalName services"],
     "ValidateService: ExternalName has no clusterIPs"),
    ("headless-nodeport", service(type="NodePort", clusterIP="None"),
     ['spec.clusterIPs[0]: Invalid value: "None": may not be set to \'None\' for NodePort services'],
     "ValidateService: headless NodePort"),
    ("headless-loadbalancer", service(type="LoadBalancer", clusterIP="None"),
     ['spec.clusterIPs[0]: Invalid value: "None": may not be set to \'None\' for LoadBalancer services'],
     "ValidateService: headless LoadBalancer"),
    ("nodeport-on-clusterip", service(ports=[{"port": 80, "nodePort": 30080}]),
     ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"],
     "ValidateService: NodePort != 0 on ClusterIP"),
    ("nodeport-in-range-ok", service(type="NodePort", ports=[{"port": 80, "nodePort": 30080}]), [],
     "ValidateService (the range is the allocator's business)"),
    ("nodeport-80-not-validation", service(type="NodePort", ports=[{"port": 80, "nodePort": 80}]), [],
     "portallocator: 'provided port is not in the valid range' is not a validation.go error"),
    ("duplicate-nodeport", service(type="NodePort", ports=[{"name": "a", "port": 80, "nodePort": 30080},
                                                           {"name": "b", "port": 81, "nodePort": 30080}]),
     ["spec.ports[1].nodePort: Duplicate value: 30080"], "ValidateService: duplicate (protocol, nodePort)"),
    ("same-nodeport-other-protocol-ok", service(type="NodePort", ports=[
        {"name": "dns", "port": 53, "protocol": "UDP", "nodePort": 30053},
        {"name": "dns-tcp", "port": 53, "protocol": "TCP", "nodePort": 30053}]), [],
     "ValidateService: nodePort keys include the protocol"),
    ("duplicate-port", service(ports=[{"name": "a", "port": 80}, {"name": "b", "port": 80, "targetPort": 81}]),
     ['spec.ports[1]: Duplicate value: {"Name":"","Protocol":"TCP","AppProtocol":null,"Port":80,"TargetPort":0,'
      '"NodePort":0}'],
     "ValidateService: duplicate (protocol, port) printed with %#v"),
    ("session-affinity-unknown", service(sessionAffinity="Sticky"),
     ['spec.sessionAffinity: Unsupported value: "Sticky": supported values: "ClientIP", "None"'],
     "ValidateService: supportedSessionAffinityType"),
    ("affinity-timeout-zero", service(sessionAffinity="ClientIP", sessionAffinityConfig={"clientIP": {"timeoutSeconds": 0}}),
     ["spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 0: must be greater than 0 and less than 86400"],
     "validateClientIPAffinityConfig -> validateAffinityTimeout"),
    ("affinity-timeout-too-long", service(sessionAffinity="ClientIP", sessionAffinityConfig={"clientIP": {"timeoutSeconds": 86401}}),
     ["spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 86401: must be greater than 0 and less than 86400"],
     "validateAffinityTimeout: MaxClientIPServiceAffinitySeconds"),
    ("target-port-range", service(ports=[{"port": 80, "targetPort": 70000}]),
     ["spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive"],
     "ValidatePortNumOrName: number"),
    ("named-target-port-underscore", service(ports=[{"port": 80, "targetPort": "http_web"}]),
     ['spec.ports[0].targetPort: Invalid value: "http_web": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)'],
     "ValidatePortNumOrName -> IsValidPortName (IANA_SVC_NAME)"),
    ("named-target-port-digits", service(ports=[{"port": 80, "targetPort": "8080"}]),
     ['spec.ports[0].targetPort: Invalid value: "8080": must contain at least one letter (a-z)'],
     "IsValidPortName: a quoted number is a name, and needs a letter"),
    ("named-target-port-too-long", service(ports=[{"port": 80, "targetPort": "web-metrics-port"}]),
     ['spec.ports[0].targetPort: Invalid value: "web-metrics-port": must be no more than 15 characters'],
     "IsValidPortName: 15 characters"),
    ("named-target-port-hyphens", service(ports=[{"port": 80, "targetPort": "-web--x"}]),
     ['spec.ports[0].targetPort: Invalid value: "-web--x": must not contain consecutive hyphens',
      'spec.ports[0].targetPort: Invalid value: "-web--x": must not begin or end with a hyphen'],
     "IsValidPortName: every message"),
    ("etp-on-clusterip", service(externalTrafficPolicy="Local"),
     ['spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services'],
     "validateServiceExternalTrafficPolicy"),
    ("etp-unknown", service(type="NodePort", externalTrafficPolicy="Global"),
     ['spec.externalTrafficPolicy: Unsupported value: "Global": supported values: "Cluster", "Local"'],
     "validateServiceExternalTrafficPolicy: validExternalTrafficPolicies"),
    ("itp-unknown", service(internalTrafficPolicy="Node"),
     ['spec.internalTrafficPolicy: Unsupported value: "Node": supported values: "Cluster", "Local"'],
     "validateServiceInternalTrafficFieldsValue"),
    ("clusterip-not-an-ip", service(clusterIP="10.96.0.300"),
     ['spec.clusterIPs[0]: Invalid value: "10.96.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'],
     "ValidateServiceClusterIPsRelatedFields -> IsValidIP"),
    ("selector-bad-value", service(selector={"app": "web app"}),
     [f'spec.selector: Invalid value: "web app": {LABEL_VALUE}'], "ValidateService -> ValidateLabels(selector)"),
    ("selector-bad-key", service(selector={"app/tier/x": "web"}),
     ['spec.selector: Invalid value: "app/tier/x": a valid label key must consist of alphanumeric characters, '
      "'-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  "
      "or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional "
      "DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"], "ValidateLabels -> IsQualifiedName = validate/content.IsLabelKey (v1.34+: 'a valid label key')"),
    ("alloc-lb-nodeports-on-clusterip", service(allocateLoadBalancerNodePorts=False),
     ["spec.allocateLoadBalancerNodePorts: Forbidden: may only be used when `type` is 'LoadBalancer'"],
     "ValidateService: allocateLoadBalancerNodePorts"),
    ("source-ranges-bad-cidr", service(type="LoadBalancer", loadBalancerSourceRanges=["10.0.0.0/33"]),
     ['spec.LoadBalancerSourceRanges[0]: Invalid value: "10.0.0.0/33": must be a valid CIDR value, '
      "(e.g. 10.9.8.0/24 or 2001:db8::/64)"], "ValidateService: LoadBalancerSourceRanges (capital L upstream)"),
    ("external-ip-loopback", service(externalIPs=["127.0.0.1"]),
     ['spec.externalIPs[0]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)'],
     "ValidateService -> ValidateNonSpecialIP"),
    ("all-errors-collected", service("my_svc", type="Internal", ports=[{"port": 80, "protocol": "HTTP"}]),
     [f'metadata.name: Invalid value: "my_svc": {DNS1035}',
      'spec.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
      'spec.type: Unsupported value: "Internal": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"'],
     "field.ErrorList: every error, in ValidateService's order"),
]


@pytest.mark.parametrize("obj,want,rule", [r[1:] for r in ROWS], ids=[r[0] for r in ROWS])
def test_validate_service(obj, want, rule):
    assert errors_of(obj) == want, rule


OLD = service(clusterIP="10.96.0.10")
UPDATE_ROWS = [
    ("clusterip-unchanged", OLD, with_changes(OLD, ports=[{"port": 81}]), [], "ValidateServiceUpdate"),
    ("clusterip-changed", OLD, with_changes(OLD, clusterIP="10.96.0.20"),
     ['spec.clusterIPs[0]: Invalid value: ["10.96.0.20"]: may not change once set'],
     "validateUpgradeDowngradeClusterIPs"),
    ("clusterip-to-headless", OLD, with_changes(OLD, clusterIP="None"),
     ['spec.clusterIPs[0]: Invalid value: ["None"]: may not change once set'],
     "validateUpgradeDowngradeClusterIPs: headless is a ClusterIP too"),
    ("to-externalname-ok", OLD, with_changes(OLD, type="ExternalName", externalName="db.example.com", clusterIP=None), [],
     "validateUpgradeDowngradeClusterIPs: ExternalName bails out"),
]


@pytest.mark.parametrize("old,new,want,rule", [r[1:] for r in UPDATE_ROWS], ids=[r[0] for r in UPDATE_ROWS])
def test_validate_service_update(old, new, want, rule):
    new = {**new, "spec": {k: v for k, v in new["spec"].items() if v is not None}}
    assert errors_of(new, old) == want, rule
