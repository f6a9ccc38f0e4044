"""Decoding rows: strict field validation (``unknown field``) and JSON type errors, as the API
server reports them (k8s.io/apimachinery runtime/serializer/json, sigs.k8s.io/json), and a
check of k8snet's field tables against the Kubernetes 1.37 OpenAPI schema."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from k8snet.apiserver import schema

from .objects import gateway, httproute, ingress, netpol, pod, service, workload

UNKNOWN_ROWS = [
    ("service-ok", service(), [], "every field known"),
    ("deploy-replica", workload(replica=3), ["spec.replica"], "strict decoding: spec.replica (typo of replicas)"),
    ("service-targetport-case", service(ports=[{"port": 80, "targetport": 8080}]), ["spec.ports[0].targetport"],
     "field names are case-sensitive"),
    ("service-selector-under-metadata", {**service(), "metadata": {"name": "web", "selector": {"app": "web"}}},
     ["metadata.selector"], "ObjectMeta has no selector"),
    ("pod-container-typo", pod(containers=[{"name": "web", "image": "nginx", "port": [{"containerPort": 80}]}]),
     ["spec.containers[0].port"], "Container.ports, not port"),
    ("deploy-template-labels-misplaced", workload(template={"labels": {"app": "web"}, "spec": {"containers": []}}),
     ["spec.template.labels"], "PodTemplateSpec has metadata and spec only"),
    ("ingress-service-port-int", ingress(rules=[{"http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": {
        "serviceName": "web", "servicePort": 80}}]}}]),
     ["spec.rules[0].http.paths[0].backend.serviceName", "spec.rules[0].http.paths[0].backend.servicePort"],
     "the extensions/v1beta1 backend fields are gone from networking.k8s.io/v1"),
    ("netpol-sorted", netpol(zeta=1, alpha=2), ["spec.alpha", "spec.zeta"], "kubectl sends sorted JSON keys"),
    ("route-backend-ref", httproute(rules=[{"backendRef": [{"name": "web", "port": 80}]}]), ["spec.rules[0].backendRef"],
     "HTTPRoute CRD schema, strict"),
    ("gateway-listener-typo", gateway(listeners=[{"name": "web", "port": 80, "protocol": "HTTP", "allowedRoute": {}}]),
     ["spec.listeners[0].allowedRoute"], "Gateway CRD schema, strict"),
]


@pytest.mark.parametrize("obj,want,rule", [r[1:] for r in UNKNOWN_ROWS], ids=[r[0] for r in UNKNOWN_ROWS])
def test_unknown_fields(obj, want, rule):
    assert schema.unknown_fields(obj) == want, rule


DECODE_ROWS = [
    ("strict", workload(replica=3),
     'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replica"'),
    ("strict-two", service(ports=[{"port": 80, "targetport": 8080}], typ="NodePort"),
     'Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field '
     '"spec.ports[0].targetport", unknown field "spec.typ"'),
    ("port-as-string", service(ports=[{"port": "eighty"}]),
     'Service in version "v1" cannot be handled as a Service: json: cannot unmarshal string into Go struct field '
     "ServicePort.spec.ports.port of type int32"),
    ("label-number", {**pod(), "metadata": {"name": "web", "labels": {"version": 2}}},
     'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal number into Go struct field '
     "ObjectMeta.metadata.labels of type string"),
    ("ports-as-map", service(ports={"http": 80}),
     'Service in version "v1" cannot be handled as a Service: json: cannot unmarshal object into Go struct field '
     "ServiceSpec.spec.ports of type []v1.ServicePort"),
    ("selector-as-string", workload(selector="app=web"),
     'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct '
     "field DeploymentSpec.spec.selector of type v1.LabelSelector"),
    ("replicas-as-float", workload(replicas=1.5),
     'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal number 1.5 into Go struct '
     "field DeploymentSpec.spec.replicas of type int32"),
    ("type-error-wins", service(ports=[{"port": "80"}], typ="x"),
     'Service in version "v1" cannot be handled as a Service: json: cannot unmarshal string into Go struct field '
     "ServicePort.spec.ports.port of type int32"),
    # The rows below follow encoding/json's UnmarshalTypeError (Go struct field <Struct>.<path> of
    # type <Go type>) over the v1.37 types, for the shapes the fuzz of the public surface meets.
    ("dns-option-value-number", pod(dnsConfig={"options": [{"name": "ndots", "value": 2}]}),
     'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal number into Go struct field '
     "PodDNSConfigOption.spec.dnsConfig.options.value of type string"),
    ("dns-options-object", pod(dnsConfig={"options": {"ndots": "2"}}),
     'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal object into Go struct field '
     "PodDNSConfig.spec.dnsConfig.options of type []v1.PodDNSConfigOption"),
    ("tolerations-object", pod(tolerations={"key": "a"}),
     'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal object into Go struct field '
     "PodSpec.spec.tolerations of type []v1.Toleration"),
    ("metadata-list", {**service(), "metadata": ["web"]},
     'Service in version "v1" cannot be handled as a Service: json: cannot unmarshal array into Go struct field '
     "Service.metadata of type v1.ObjectMeta"),
    ("name-number", {**service(), "metadata": {"name": 7}},
     'Service in version "v1" cannot be handled as a Service: json: cannot unmarshal number into Go struct field '
     "ObjectMeta.metadata.name of type string"),
    ("annotations-list", {**service(), "metadata": {"name": "web", "annotations": [["a", "b"]]}},
     'Service in version "v1" cannot be handled as a Service: json: cannot unmarshal array into Go struct field '
     "ObjectMeta.metadata.annotations of type map[string]string"),
    ("daemonset-update-strategy-string", workload("DaemonSet", updateStrategy="OnDelete"),
     'DaemonSet in version "v1" cannot be handled as a DaemonSet: json: cannot unmarshal string into Go struct '
     "field DaemonSetSpec.spec.updateStrategy of type v1.DaemonSetUpdateStrategy"),
    ("endpointslice-hints-string", {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                                    "metadata": {"name": "s"}, "addressType": "IPv4",
                                    "endpoints": [{"addresses": ["10.0.0.1"], "hints": {"forZones": "a"}}]},
     'EndpointSlice in version "v1" cannot be handled as a EndpointSlice: json: cannot unmarshal string into Go '
     "struct field EndpointHints.endpoints.hints.forZones of type []v1.ForZone"),
    ("status-string", {**service(), "status": "up"},
     'Service in version "v1" cannot be handled as a Service: json: cannot unmarshal string into Go struct field '
     "Service.status of type v1.ServiceStatus"),
    ("clean", service(), None),
]


@pytest.mark.parametrize("obj,want", [r[1:] for r in DECODE_ROWS], ids=[r[0] for r in DECODE_ROWS])
def test_decode_error(obj, want):
    """The first type error, else every unknown field (k8s.io/apimachinery serializer/json, strict mode)."""
    assert schema.decode_error(obj) == want


# -- the field tables agree with Kubernetes 1.37 -------------------------------------------
_SCHEMA_DIR = None
try:
    import kubernetes_validate
    _SCHEMA_DIR = Path(kubernetes_validate.__file__).parent / "kubernetes-json-schema" / "v1.37.0-local-strict"
except ImportError:  # pragma: no cover - a test dependency
    pass

_PACKAGES = ("io.k8s.api.core.v1.", "io.k8s.api.apps.v1.", "io.k8s.api.networking.v1.", "io.k8s.api.discovery.v1.",
             "io.k8s.api.policy.v1.", "io.k8s.api.coordination.v1.",
             "io.k8s.apimachinery.pkg.apis.meta.v1.")
_GO_NAMES = {"CoreEndpointPort": ["io.k8s.api.core.v1.EndpointPort"], "EndpointPort": ["io.k8s.api.discovery.v1.EndpointPort"],
             "Endpoint": ["io.k8s.api.discovery.v1.Endpoint"]}


def _definitions() -> dict:
    return json.loads((_SCHEMA_DIR / "_definitions.json").read_text())["$defs"]


def _openapi_type(prop: dict) -> str:
    if "$ref" in prop:
        name = prop["$ref"].rsplit(".", 1)[-1]
        return {"IntOrString": "intstr", "Quantity": "qty", "Time": "str", "MicroTime": "str"}.get(name, name)
    t = prop.get("type")
    t = [x for x in t if x != "null"][0] if isinstance(t, list) else t
    if t == "array":
        inner = _openapi_type(prop["items"])
        return "[]str" if inner == "str" else f"[{inner}]"
    if t == "object":
        return "map" if _openapi_type(prop.get("additionalProperties", {})) == "str" else "any"
    if t == "integer":
        return {"int32": "i32", "int64": "i64"}.get(prop.get("format"), "i64")
    return {"string": "str", "boolean": "bool"}.get(t, "any")


@pytest.mark.skipif(_SCHEMA_DIR is None or not _SCHEMA_DIR.exists(), reason="kubernetes-validate schemas not installed")
@pytest.mark.parametrize("struct", sorted(schema.STRUCTS))
def test_struct_matches_kubernetes_1_37(struct):
    """Each declared struct has exactly v1.37's JSON fields, with the same types (``any`` may
    stand for any field k8snet does not model)."""
    defs = _definitions()
    keys = _GO_NAMES.get(struct) or [p + struct for p in _PACKAGES if p + struct in defs]
    assert keys, f"{struct} is not a Kubernetes 1.37 type"
    props = defs[keys[0]]["properties"]
    mine = schema.STRUCTS[struct]
    assert sorted(mine) == sorted(props), struct
    for field, typ in mine.items():
        if typ.startswith(("~", "[~")):  # a struct k8snet does not model: only its name is checked
            assert typ.replace("~", "") == _openapi_type(props[field]).replace("any", "ResourceList"), f"{struct}.{field}"
        elif typ != "any":
            # CoreEndpointPort is k8snet's key for core/v1 EndpointPort (discovery has one too).
            assert typ.replace("CoreEndpointPort", "EndpointPort") == _openapi_type(props[field]), f"{struct}.{field}"
