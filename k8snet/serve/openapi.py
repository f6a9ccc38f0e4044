"""``/openapi/v3`` (and ``/openapi/v2``): the schema of the served API, generated from the
project's own knowledge of the kinds (:mod:`k8snet.apiserver.schema` for built-in kinds, the
CRD schemas of :mod:`k8snet.apiserver.validation.gateway` for Gateway API), not shipped from
upstream.

What reads it:

* ``kubectl apply``/``create`` (``--validate=strict``, the default) look for a ``PATCH``
  operation carrying the kind's ``x-kubernetes-group-version-kind`` and a ``fieldValidation``
  query parameter (cli-runtime ``query_param_verifier_v3.go``); finding it, kubectl leaves
  validation to the server, whose strict decoding answers ``unknown field "spec.x"``.
* ``kubectl explain svc.spec.ports`` walks ``components.schemas`` from the schema whose
  ``x-kubernetes-group-version-kind`` names the kind, following ``$ref``\\ s.

Layout as kube-apiserver serves it: ``GET /openapi/v3`` lists one document per group-version
(``{"paths": {"api/v1": {"serverRelativeURL": "/openapi/v3/api/v1?hash=..."}}}``), each a
complete OpenAPI 3.0 document.  Field descriptions are not modelled (``kubectl explain``
shows the fields and their types).
"""
from __future__ import annotations

import hashlib
import json

from aiohttp import web

from ..apiserver import schema as k8s_schema
from ..apiserver.validation import crd as _crd
from ..apiserver.validation import gateway as _gateway
from . import registry

__all__ = ["register", "index", "group_version_document"]

_META = {"ObjectMeta", "LabelSelector", "LabelSelectorRequirement"}
_APPS = {"Deployment", "DeploymentSpec", "DeploymentStrategy", "RollingUpdateDeployment", "ReplicaSet",
         "ReplicaSetSpec", "StatefulSet", "StatefulSetSpec", "StatefulSetUpdateStrategy", "DaemonSet", "DaemonSetSpec"}
_DISCOVERY = {"EndpointSlice", "Endpoint", "EndpointConditions", "EndpointPort"}
_NETWORKING = {"Ingress", "IngressSpec", "IngressRule", "HTTPIngressRuleValue", "HTTPIngressPath", "IngressBackend",
               "IngressServiceBackend", "ServiceBackendPort", "IngressTLS", "IngressClass", "IngressClassSpec",
               "IngressClassParametersReference", "NetworkPolicy", "NetworkPolicySpec", "NetworkPolicyIngressRule",
               "NetworkPolicyEgressRule", "NetworkPolicyPeer", "NetworkPolicyPort", "IPBlock"}
_INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"


def schema_name(struct: str) -> str:
    """The OpenAPI definition name of one of :data:`k8snet.apiserver.schema.STRUCTS`: its Go
    package is the group of the kind it belongs to (``DeploymentSpec`` -> apps), else core."""
    go = {"CoreEndpointPort": "EndpointPort"}.get(struct, struct)
    if struct in _META:
        return f"io.k8s.apimachinery.pkg.apis.meta.v1.{go}"
    for names, pkg in ((_APPS, "apps"), (_DISCOVERY, "discovery"), (_NETWORKING, "networking")):
        if struct in names:
            return f"io.k8s.api.{pkg}.v1.{go}"
    owners = [s for s in registry.SERVED if struct.startswith(s.kind) and s.group]
    if owners:
        owner = max(owners, key=lambda s: len(s.kind))
        return f"io.k8s.api.{owner.group.split('.')[0]}.{owner.version}.{go}"
    return f"io.k8s.api.core.v1.{go}"


def _ref(name: str) -> dict:
    return {"allOf": [{"$ref": f"#/components/schemas/{name}"}], "default": {}}


def _field(typ: str, used: set[str]) -> dict:
    scalars = {"str": {"type": "string"}, "i32": {"type": "integer", "format": "int32"},
               "i64": {"type": "integer", "format": "int64"}, "bool": {"type": "boolean"},
               "qty": {"type": "string"}, "any": {"type": "object"},
               "map": {"type": "object", "additionalProperties": {"type": "string", "default": ""}},
               "[]str": {"type": "array", "items": {"type": "string", "default": ""}}}
    if typ in scalars:
        return dict(scalars[typ])
    if typ.startswith("~"):  # a struct k8snet does not model (apiserver/schema.py): any object
        return dict(scalars["any"])
    if typ == "intstr":
        used.add("intstr")
        return {"allOf": [{"$ref": f"#/components/schemas/{_INT_OR_STRING}"}]}
    if typ.startswith("["):
        return {"type": "array", "items": _field(typ[1:-1], used)}
    used.add(typ)
    return _ref(schema_name(typ))


def _structs_schemas(kinds: list[str], gvks: dict[str, dict]) -> dict:
    out: dict[str, dict] = {}
    todo, seen = list(kinds), set()
    used_intstr = False
    while todo:
        struct = todo.pop()
        if struct in seen:
            continue
        seen.add(struct)
        used: set[str] = set()
        props = {name: _field(typ, used) for name, typ in k8s_schema.STRUCTS[struct].items()}
        if "intstr" in used:
            used_intstr = True
            used.discard("intstr")
        entry = {"type": "object", "description": "", "properties": props}
        if struct in gvks:
            entry["x-kubernetes-group-version-kind"] = [gvks[struct]]
        out[schema_name(struct)] = entry
        todo.extend(u for u in used if u not in seen)
    if used_intstr:
        out[_INT_OR_STRING] = {"type": "string", "format": "int-or-string"}
    return out


def _crd_schema(s: _crd.Schema) -> dict:
    out: dict = {"type": s.type}
    if s.props:
        out["properties"] = {k: _crd_schema(v) for k, v in s.props.items()}
    if s.items is not None:
        out["items"] = _crd_schema(s.items)
    if s.values is not None:
        out["additionalProperties"] = _crd_schema(s.values)
    if s.required:
        out["required"] = list(s.required)
    if s.enum:
        out["enum"] = list(s.enum)
    for attr, key in (("pattern", "pattern"), ("minimum", "minimum"), ("maximum", "maximum"),
                      ("min_length", "minLength"), ("max_length", "maxLength"), ("min_items", "minItems"),
                      ("max_items", "maxItems")):
        if getattr(s, attr) is not None:
            out[key] = getattr(s, attr)
    if s.default is not _crd.MISSING:
        out["default"] = s.default
    return out


def _parameters() -> list[dict]:
    q = lambda name: {"name": name, "in": "query", "schema": {"type": "string", "uniqueItems": True}}
    return [q("dryRun"), q("fieldManager"), q("fieldValidation"), {"name": "force", "in": "query",
                                                                   "schema": {"type": "boolean"}}]


def group_version_document(group: str, version: str, crd_groups: set[str]) -> dict | None:
    """The OpenAPI 3.0 document of one group-version, or None when it is not served."""
    served = [s for s in registry.resources_of(group, version, crd_groups)]
    if not served:
        return None
    gvk = lambda s: {"group": s.group, "version": s.version, "kind": s.kind}
    prefix = f"/apis/{group}/{version}" if group else f"/api/{version}"
    paths: dict[str, dict] = {}
    schemas: dict[str, dict] = {}
    struct_kinds, gvks = [], {}
    for s in served:
        name_path = (f"{prefix}/namespaces/{{namespace}}/{s.plural}/{{name}}" if s.namespaced
                     else f"{prefix}/{s.plural}/{{name}}")
        if s.kind in k8s_schema.STRUCTS and s.group != "events.k8s.io":
            ref_name = schema_name(s.kind)
            struct_kinds.append(s.kind)
            gvks[s.kind] = gvk(s)
        elif s.kind in _gateway.SCHEMAS:
            ref_name = f"io.k8s.networking.gateway.{version}.{s.kind}"
            body = _crd_schema(_gateway.SCHEMAS[s.kind])
            body.setdefault("properties", {})
            body["properties"].update({"apiVersion": {"type": "string"}, "kind": {"type": "string"},
                                       "metadata": _ref(schema_name("ObjectMeta"))})
            body["x-kubernetes-group-version-kind"] = [gvk(s)]
            schemas[ref_name] = body
            struct_kinds.append("ObjectMeta")
        else:
            ref_name = f"io.k8s.api.{(s.group or 'core').split('.')[0]}.{version}.{s.kind}"
            schemas[ref_name] = {"type": "object", "x-kubernetes-group-version-kind": [gvk(s)]}
        content = {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref_name}"}}}
        op = lambda action: {"x-kubernetes-action": action, "x-kubernetes-group-version-kind": gvk(s),
                             "responses": {"200": {"description": "OK", "content": content}}}
        item = {"get": op("get")}
        if "patch" in s.verbs:
            item["patch"] = dict(op("patch"), parameters=_parameters())
            item["put"] = dict(op("put"), parameters=_parameters())
            item["delete"] = op("delete")
        paths[name_path] = item
    schemas.update(_structs_schemas(struct_kinds, gvks))
    return {"openapi": "3.0.0", "info": {"title": "Kubernetes", "version": "v1.37.0"}, "paths": paths,
            "components": {"schemas": schemas}}


def _key(group: str, version: str) -> str:
    return f"apis/{group}/{version}" if group else f"api/{version}"


def index(crd_groups: set[str]) -> dict:
    """``/openapi/v3``: where each group-version's document is, with a content hash."""
    paths = {}
    for group, versions in registry.groups(crd_groups):
        for v in versions:
            doc = group_version_document(group, v, crd_groups)
            digest = hashlib.sha512(json.dumps(doc, sort_keys=True).encode()).hexdigest()[:128].upper()
            paths[_key(group, v)] = {"serverRelativeURL": f"/openapi/v3/{_key(group, v)}?hash={digest}"}
    return {"paths": paths}


def register(app, ctx) -> None:
    """Add the ``/openapi/v3`` routes."""
    from .handlers import NOT_FOUND, respond
    from . import status as st

    async def v3_index(request):
        return respond(200, ctx.call(index, ctx.cluster.api.crd_groups))

    async def v3_document(request):
        parts = request.match_info["path"].strip("/").split("/")
        if parts[:1] == ["api"] and len(parts) == 2:
            group, version = "", parts[1]
        elif parts[:1] == ["apis"] and len(parts) == 3:
            group, version = parts[1], parts[2]
        else:
            raise st.StatusError(st.status("NotFound", NOT_FOUND, {}))
        doc = ctx.call(group_version_document, group, version, ctx.cluster.api.crd_groups)
        if doc is None:
            raise st.StatusError(st.status("NotFound", NOT_FOUND, {}))
        return web.Response(body=json.dumps(doc, separators=(",", ":")).encode(),
                            headers={"Content-Type": "application/json",
                                     "Cache-Control": "public, immutable" if "hash" in request.query else "no-cache"})

    app.router.add_get("/openapi/v3", v3_index)
    app.router.add_get("/openapi/v3/{path:.*}", v3_document)
