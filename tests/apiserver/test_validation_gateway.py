"""Gateway API rows: the gateway-api v1.6.1 standard CRDs (config/crd/standard/
gateway.networking.k8s.io_*.yaml, version v1; ReferenceGrant v1 and v1beta1), as
apiextensions-apiserver reports them."""
from __future__ import annotations

import pytest

from .objects import errors_of, gateway, httproute, meta

BLOCKED = ('<nil>: Invalid value: "null": some validation rules were not checked because the object was '
           "invalid; correct the existing errors to complete validation")
L0 = "spec.listeners[0]"
R0 = "spec.rules[0]"
HOSTNAME_RE = r"^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"


def _https(**tls):
    return {"name": "https", "port": 443, "protocol": "HTTPS", "tls": tls}


GATEWAY_ROWS = [
    ("valid", gateway(), [], "gateways CRD"),
    ("listener-names-unique", gateway(listeners=[{"name": "web", "port": 80, "protocol": "HTTP"},
                                                 {"name": "web", "port": 8080, "protocol": "HTTP"}]),
     ['spec.listeners: Invalid value: "array": Listener name must be unique within the Gateway'],
     "listeners x-kubernetes-validations"),
    ("listener-combination-unique", gateway(listeners=[{"name": "a", "port": 80, "protocol": "HTTP"},
                                                       {"name": "b", "port": 80, "protocol": "HTTP"}]),
     ['spec.listeners: Invalid value: "array": Combination of port, protocol and hostname must be unique for each listener'],
     "listeners x-kubernetes-validations"),
    ("same-port-other-hostnames-ok", gateway(listeners=[
        {"name": "a", "port": 80, "protocol": "HTTP", "hostname": "a.example.com"},
        {"name": "b", "port": 80, "protocol": "HTTP", "hostname": "b.example.com"}]), [], "listeners CEL"),
    ("port-range", gateway(listeners=[{"name": "web", "port": 70000, "protocol": "HTTP"}]),
     [f"{L0}.port: Invalid value: 70000: {L0}.port in body should be less than or equal to 65535"],
     "listeners[].port maximum"),
    ("port-wrong-type", gateway(listeners=[{"name": "web", "port": "80", "protocol": "HTTP"}]),
     [f'{L0}.port: Invalid value: "string": {L0}.port in body must be of type integer: "string"', BLOCKED],
     "structural schema type; hasBlockingErr skips CEL"),
    ("protocol-required", gateway(listeners=[{"name": "web", "port": 80}]),
     [f"{L0}.protocol: Required value", BLOCKED], "listeners[] required"),
    ("protocol-pattern", gateway(listeners=[{"name": "web", "port": 80, "protocol": "HTTP 2"}]),
     [f'{L0}.protocol: Invalid value: "HTTP 2": {L0}.protocol in body should match '
      r"'^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$|[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/[A-Za-z0-9]+$'"],
     "listeners[].protocol pattern (a pattern, not an enum)"),
    ("hostname-pattern", gateway(listeners=[{"name": "web", "port": 80, "protocol": "HTTP", "hostname": "Shop.example.com"}]),
     [f'{L0}.hostname: Invalid value: "Shop.example.com": {L0}.hostname in body should match \'{HOSTNAME_RE}\''],
     "listeners[].hostname pattern"),
    ("tls-on-http", gateway(listeners=[{"name": "web", "port": 80, "protocol": "HTTP", "tls": {"certificateRefs": [{"name": "c"}]}}]),
     ["spec.listeners: Invalid value: \"array\": tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']"],
     "listeners CEL"),
    ("https-without-certificates", gateway(listeners=[_https()]),
     [f'{L0}.tls: Invalid value: "object": certificateRefs or options must be specified when mode is Terminate'],
     "listeners[].tls CEL"),
    ("https-passthrough", gateway(listeners=[_https(mode="Passthrough")]),
     ['spec.listeners: Invalid value: "array": tls mode must be Terminate for protocol HTTPS'], "listeners CEL"),
    ("tls-listener-needs-mode", gateway(listeners=[{"name": "tls", "port": 443, "protocol": "TLS",
                                                    "hostname": "db.example.com"}]),
     ['spec.listeners: Invalid value: "array": tls mode must be set for protocol TLS'], "listeners CEL (v1.5)"),
    ("hostname-address-without-value", gateway(addresses=[{"type": "Hostname"}]), [],
     "addresses[] CEL: Hostname value must be empty or valid (v1.6)"),
    ("hostname-address-pattern", gateway(addresses=[{"type": "Hostname", "value": "Bad_Host"}]),
     ['spec.addresses[0]: Invalid value: "object": Hostname value must be empty or contain only valid characters '
      f"(matching {HOSTNAME_RE})"], "addresses[] CEL (v1.6 message)"),
    ("class-name-required", gateway(gatewayClassName=None), ["spec.gatewayClassName: Required value", BLOCKED],
     "spec required"),
    ("allowed-routes-from", gateway(listeners=[{"name": "web", "port": 80, "protocol": "HTTP",
                                                "allowedRoutes": {"namespaces": {"from": "Any"}}}]),
     [f'{L0}.allowedRoutes.namespaces.from: Unsupported value: "Any": supported values: "All", "Selector", "Same"', BLOCKED],
     "allowedRoutes.namespaces.from enum"),
    ("name-invalid", {**gateway(), "metadata": meta("Main_GW")},
     ['metadata.name: Invalid value: "Main_GW": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric '
      "characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used "
      "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"],
     "customResourceStrategy.Validate: NameIsDNSSubdomain"),
]


@pytest.mark.parametrize("obj,want,rule", [r[1:] for r in GATEWAY_ROWS], ids=[r[0] for r in GATEWAY_ROWS])
def test_validate_gateway(obj, want, rule):
    obj["spec"] = {k: v for k, v in obj["spec"].items() if v is not None}
    assert errors_of(obj) == want, rule


def _match(**m):
    return httproute(rules=[{"matches": [m], "backendRefs": [{"name": "web", "port": 80}]}])


def _filters(*filters, backends=True):
    rule = {"filters": list(filters)}
    if backends:
        rule["backendRefs"] = [{"name": "web", "port": 80}]
    return httproute(rules=[rule])


ROUTE_ROWS = [
    ("valid", httproute(), [], "httproutes CRD"),
    ("path-not-absolute", _match(path={"type": "PathPrefix", "value": "api"}),
     [f"{R0}.matches[0].path: Invalid value: \"object\": value must be an absolute path and start with '/' "
      "when type one of ['Exact', 'PathPrefix']"], "matches[].path CEL"),
    ("path-double-slash", _match(path={"type": "Exact", "value": "/a//b"}),
     [f"{R0}.matches[0].path: Invalid value: \"object\": must not contain '//' when type one of ['Exact', 'PathPrefix']"],
     "matches[].path CEL"),
    ("path-type-enum", _match(path={"type": "Prefix", "value": "/"}),
     [f'{R0}.matches[0].path.type: Unsupported value: "Prefix": supported values: "Exact", "PathPrefix", "RegularExpression"',
      BLOCKED], "matches[].path.type enum (Ingress says Prefix, Gateway API says PathPrefix)"),
    ("header-name", _match(headers=[{"name": "X Env", "value": "canary"}]),
     [f'{R0}.matches[0].headers[0].name: Invalid value: "X Env": {R0}.matches[0].headers[0].name in body should match '
      r"'^[A-Za-z0-9!#$%&'*+\-.^_\x60|~]+$'"], "headers[].name pattern"),
    ("weight-too-big", httproute(rules=[{"backendRefs": [{"name": "web", "port": 80, "weight": 2000000}]}]),
     [f"{R0}.backendRefs[0].weight: Invalid value: 2000000: {R0}.backendRefs[0].weight in body should be less than "
      "or equal to 1000000"], "backendRefs[].weight maximum"),
    ("weight-negative", httproute(rules=[{"backendRefs": [{"name": "web", "port": 80, "weight": -1}]}]),
     [f"{R0}.backendRefs[0].weight: Invalid value: -1: {R0}.backendRefs[0].weight in body should be greater than "
      "or equal to 0"], "backendRefs[].weight minimum"),
    ("service-needs-port", httproute(rules=[{"backendRefs": [{"name": "web"}]}]),
     [f'{R0}.backendRefs[0]: Invalid value: "object": Must have port for Service reference'], "backendRefs[] CEL"),
    ("hostname-pattern", httproute(hostnames=["*.Example.com"]),
     [f'spec.hostnames[0]: Invalid value: "*.Example.com": spec.hostnames[0] in body should match \'{HOSTNAME_RE}\''],
     "hostnames[] pattern"),
    ("redirect-with-backends", _filters({"type": "RequestRedirect", "requestRedirect": {"scheme": "https"}}),
     [f'{R0}: Invalid value: "object": RequestRedirect filter must not be used together with backendRefs'], "rules[] CEL"),
    ("redirect-ok", _filters({"type": "RequestRedirect", "requestRedirect": {"scheme": "https", "statusCode": 301}},
                             backends=False), [], "rules[] CEL"),
    *[(f"redirect-status-code-{code}", _filters({"type": "RequestRedirect", "requestRedirect": {"statusCode": code}},
                                                backends=False), [],
       "httproute_types.go HTTPRequestRedirectFilter.StatusCode Enum=301;302;303;307;308 (v1.6)")
      for code in (301, 302, 303, 307, 308)],
    ("redirect-status-code-404", _filters({"type": "RequestRedirect", "requestRedirect": {"statusCode": 404}},
                                          backends=False),
     [f'{R0}.filters[0].requestRedirect.statusCode: Unsupported value: 404: supported values: '
      '"301", "302", "303", "307", "308"', BLOCKED], "requestRedirect.statusCode enum (v1.6)"),
    ("rules-empty", httproute(rules=[]),
     ["spec.rules: Invalid value: 0: spec.rules in body should have at least 1 items"],
     "httproutes CRD v1.6 spec.rules minItems: 1 (Invalid is not a blocking error: CEL still runs)"),
    ("rule-name-ok", httproute(rules=[{"name": "checkout", "backendRefs": [{"name": "web", "port": 80}]}]), [],
     "HTTPRouteRule.Name (SectionName, v1.4)"),
    ("rule-name-pattern", httproute(rules=[{"name": "Checkout", "backendRefs": [{"name": "web", "port": 80}]}]),
     [f'{R0}.name: Invalid value: "Checkout": {R0}.name in body should match '
      r"'^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$'"],
     "HTTPRouteRule.Name pattern"),
    ("cors-ok", _filters({"type": "CORS", "cors": {"allowOrigins": ["https://shop.example"], "allowMethods": ["GET"]}}),
     [], "HTTPCORSFilter: standard channel since v1.5"),
    ("cors-repeated", _filters(*[{"type": "CORS", "cors": {"allowOrigins": ["*"]}}] * 2),
     [f'{R0}.filters: Invalid value: "array": CORS filter cannot be repeated'], "filters CEL (v1.6)"),
    ("cors-star-and-origin", _filters({"type": "CORS", "cors": {"allowOrigins": ["*", "https://a.example"]}}),
     [f'{R0}.filters[0].cors.allowOrigins: Invalid value: "array": AllowOrigins cannot contain \'*\' alongside '
      "other origins"], "cors.allowOrigins CEL"),
    ("cors-field-missing", _filters({"type": "CORS"}),
     [f'{R0}.filters[0]: Invalid value: "object": filter.cors must be specified for CORS filter.type'],
     "filters[] CEL"),
    ("backend-filters-rule-once", httproute(rules=[{"backendRefs": [{"name": "web", "port": 80, "filters": [
        {"type": "RequestRedirect", "requestRedirect": {"scheme": "https"}},
        {"type": "URLRewrite", "urlRewrite": {"hostname": "a.example.com"}}]}]}]),
     [f'{R0}.backendRefs[0].filters: Invalid value: "array": May specify either httpRouteFilterRequestRedirect or '
      "httpRouteFilterRequestRewrite, but not both"],
     "backendRefs[].filters CEL: v1.6 lists the rule once (v1.3 listed it twice)"),
    ("filter-field-missing", _filters({"type": "RequestRedirect"}, backends=False),
     [f'{R0}.filters[0]: Invalid value: "object": filter.requestRedirect must be specified for RequestRedirect filter.type'],
     "filters[] CEL"),
    ("filter-repeated", _filters(*[{"type": "RequestHeaderModifier", "requestHeaderModifier": {"set": [{"name": "X-A", "value": "1"}]}}] * 2),
     [f'{R0}.filters: Invalid value: "array": RequestHeaderModifier filter cannot be repeated'], "filters CEL"),
    ("redirect-and-rewrite", _filters({"type": "RequestRedirect", "requestRedirect": {"scheme": "https"}},
                                      {"type": "URLRewrite", "urlRewrite": {"hostname": "a.example.com"}}, backends=False),
     [f'{R0}.filters: Invalid value: "array": May specify either httpRouteFilterRequestRedirect or '
      "httpRouteFilterRequestRewrite, but not both"], "filters CEL"),
    ("replace-prefix-needs-prefix-match", httproute(rules=[{
        "matches": [{"path": {"type": "Exact", "value": "/old"}}],
        "filters": [{"type": "URLRewrite", "urlRewrite": {"path": {"type": "ReplacePrefixMatch", "replacePrefixMatch": "/new"}}}],
        "backendRefs": [{"name": "web", "port": 80}]}]),
     [f'{R0}: Invalid value: "object": When using URLRewrite filter with path.replacePrefixMatch, exactly one '
      "PathPrefix match must be specified"], "rules[] CEL"),
    ("parent-refs-same-gateway", httproute(parentRefs=[{"name": "gw"}, {"name": "gw"}]),
     ['spec.parentRefs: Invalid value: "array": sectionName must be unique when parentRefs includes 2 or more '
      "references to the same parent"], "parentRefs CEL"),
    ("parent-refs-one-section", httproute(parentRefs=[{"name": "gw"}, {"name": "gw", "sectionName": "https"}]),
     ['spec.parentRefs: Invalid value: "array": sectionName must be specified when parentRefs includes 2 or more '
      "references to the same parent"], "parentRefs CEL"),
    ("timeouts", httproute(rules=[{"backendRefs": [{"name": "web", "port": 80}],
                                   "timeouts": {"request": "10s", "backendRequest": "20s"}}]),
     [f'{R0}.timeouts: Invalid value: "object": backendRequest timeout cannot be longer than request timeout'],
     "rules[].timeouts CEL"),
]


@pytest.mark.parametrize("obj,want,rule", [r[1:] for r in ROUTE_ROWS], ids=[r[0] for r in ROUTE_ROWS])
def test_validate_httproute(obj, want, rule):
    assert errors_of(obj) == want, rule


def _gc(controller):
    return {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "GatewayClass", "metadata": {"name": "k8snet"},
            "spec": {"controllerName": controller}}


def _grant(version="v1", **spec):
    return {"apiVersion": f"gateway.networking.k8s.io/{version}", "kind": "ReferenceGrant", "metadata": meta("g"),
            "spec": spec}


_GRANT = {"from": [{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "namespace": "web"}],
          "to": [{"group": "", "kind": "Service"}]}


OTHER_ROWS = [
    ("class-valid", _gc("k8snet.io/gateway-controller"), None, [], "gatewayclasses CRD"),
    ("class-controller-pattern", _gc("k8snet"), None,
     ['spec.controllerName: Invalid value: "k8snet": spec.controllerName in body should match '
      r"'^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/[A-Za-z0-9\/\-._~%!$&'()*+,;=:]+$'"],
     "controllerName pattern"),
    ("class-controller-immutable", _gc("example.com/other"), _gc("k8snet.io/gateway-controller"),
     ['spec.controllerName: Invalid value: "string": Value is immutable'], "controllerName transition rule"),
    ("grant-valid", _grant(**_GRANT), None, [], "referencegrants CRD v1 (v1.5+)"),
    ("grant-v1beta1-valid", _grant("v1beta1", **_GRANT), None, [], "referencegrants CRD: v1beta1 still served (v1.6)"),
    ("grant-spec-required", {k: v for k, v in _grant(**_GRANT).items() if k != "spec"}, None,
     ["spec: Required value", BLOCKED], "referencegrants CRD v1.6: spec required (#4845)"),
    ("grant-from-namespace", _grant(**{"from": [{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute"}],
                                       "to": [{"group": "", "kind": "Service"}]}), None,
     ["spec.from[0].namespace: Required value", BLOCKED], "from[] required"),
]


@pytest.mark.parametrize("obj,old,want,rule", [r[1:] for r in OTHER_ROWS], ids=[r[0] for r in OTHER_ROWS])
def test_validate_gatewayclass_and_grants(obj, old, want, rule):
    assert errors_of(obj, old) == want, rule


def _grpc(*matches, filters=None, **spec):
    rule = {"backendRefs": [{"name": "echo", "port": 8080}]}
    if matches:
        rule["matches"] = list(matches)
    if filters is not None:
        rule["filters"] = filters
    return {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "GRPCRoute", "metadata": meta("g"),
            "spec": {"parentRefs": [{"name": "gw"}], "rules": [rule], **spec}}


M0 = "spec.rules[0].matches[0].method"
GRPC_ROWS = [
    ("valid", _grpc({"method": {"service": "helloworld.Greeter", "method": "SayHello"}}), [], "grpcroutes CRD v1.6.1"),
    ("no-matches-ok", _grpc(), [], "GRPCRouteRule.Matches optional: every gRPC request"),
    ("method-only", _grpc({"method": {"method": "SayHello"}}), [], "GRPCMethodMatch: Exact with only a method"),
    ("service-or-method", _grpc({"method": {"type": "Exact"}}),
     [f'{M0}: Invalid value: "object": One or both of \'service\' or \'method\' must be specified'],
     "GRPCMethodMatch CEL"),
    ("service-characters", _grpc({"method": {"service": "hello-world.Greeter"}}),
     [f'{M0}: Invalid value: "object": service must only contain valid characters (matching '
      r"^(?i)\.?[a-z_][a-z_0-9]*(\.[a-z_][a-z_0-9]*)*$)"], "GRPCMethodMatch CEL (Exact)"),
    ("method-characters", _grpc({"method": {"method": "Say.Hello"}}),
     [f'{M0}: Invalid value: "object": method must only contain valid characters (matching ^[A-Za-z_][A-Za-z_0-9]*$)'],
     "GRPCMethodMatch CEL (Exact)"),
    ("regex-skips-character-rules", _grpc({"method": {"type": "RegularExpression", "service": "hello.*"}}), [],
     "the character rules apply to Exact only"),
    ("method-type-enum", _grpc({"method": {"type": "Prefix", "method": "Say"}}),
     [f'{M0}.type: Unsupported value: "Prefix": supported values: "Exact", "RegularExpression"', BLOCKED],
     "GRPCMethodMatch.type enum"),
    ("no-redirect-filter", _grpc(filters=[{"type": "RequestRedirect", "requestRedirect": {"statusCode": 301}}]),
     ['spec.rules[0].filters[0].type: Unsupported value: "RequestRedirect": supported values: '
      '"ResponseHeaderModifier", "RequestHeaderModifier", "RequestMirror", "ExtensionRef"', BLOCKED],
     "GRPCRouteFilter.type enum: no RequestRedirect or URLRewrite for gRPC"),
    ("filter-repeated", _grpc(filters=[{"type": "RequestHeaderModifier",
                                        "requestHeaderModifier": {"set": [{"name": "x-a", "value": "1"}]}}] * 2),
     ['spec.rules[0].filters: Invalid value: "array": RequestHeaderModifier filter cannot be repeated'],
     "GRPCRoute filters CEL"),
    ("header-name", _grpc({"headers": [{"name": "bad header", "value": "x"}]}),
     ['spec.rules[0].matches[0].headers[0].name: Invalid value: "bad header": spec.rules[0].matches[0].headers[0].name '
      r"in body should match '^[A-Za-z0-9!#$%&'*+\-.^_\x60|~]+$'"], "GRPCHeaderMatch.name pattern"),
]


@pytest.mark.parametrize("obj,want,rule", [r[1:] for r in GRPC_ROWS], ids=[r[0] for r in GRPC_ROWS])
def test_validate_grpcroute(obj, want, rule):
    assert errors_of(obj) == want, rule
