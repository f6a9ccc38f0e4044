"""API-server validation: every ``FieldError`` the API server would answer a create or update
with, worded and ordered as Kubernetes v1.37 words them (gateway-api v1.6.1 for its CRDs).

    >>> from k8snet.apiserver.defaults import default
    >>> from k8snet.apiserver.validation import validate
    >>> svc = {"apiVersion": "v1", "kind": "Service",
    ...        "metadata": {"name": "my_svc", "namespace": "default"},
    ...        "spec": {"ports": [{"port": 80}]}}
    >>> for e in validate(default(svc)):
    ...     print(e)  # doctest: +ELLIPSIS
    metadata.name: Invalid value: "my_svc": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')

Run it on the *defaulted* object (as the API server does), with ``metadata.namespace`` set
for namespaced kinds.  ``old`` is the stored object on update; immutable fields are then
checked too.  Allocation errors (a nodePort outside 30000-32767 or already taken, a clusterIP
outside the service CIDR) belong to the allocators, which upstream runs in the Service REST
storage; see ``apiserver.portallocator`` and ``apiserver.ipallocator``.

One module per API group: :mod:`.core` (+ :mod:`.pod`, :mod:`.service`), :mod:`.apps`,
:mod:`.discovery`, :mod:`.networking`, :mod:`.gateway` (schemas) with :mod:`.crd` (the
CRD machinery); name/label/port helpers in :mod:`.common`.
"""
from __future__ import annotations

from typing import Callable, Mapping

from ...errors import FieldError
from ..resources import RESOURCES
from . import apps, core, discovery, networking, pod, service
from .common import name_is_dns_subdomain, validate_object_meta

__all__ = ["validate", "VALIDATORS", "UPDATE_VALIDATORS", "validate_object_meta_update", "CRD_GROUPS",
           "CRD_KINDS", "crd_schema"]

#: Create-time validators by kind.
VALIDATORS: dict[str, Callable[[Mapping], list[FieldError]]] = {
    "Namespace": core.validate_namespace,
    "Node": core.validate_node,
    "Pod": pod.validate_pod,
    "Service": service.validate_service,
    "Endpoints": core.validate_endpoints,
    "ConfigMap": core.validate_config_map,
    "Secret": core.validate_secret,
    "ServiceAccount": core.validate_service_account,
    "Deployment": apps.validate_deployment,
    "ReplicaSet": apps.validate_replica_set,
    "StatefulSet": apps.validate_stateful_set,
    "DaemonSet": apps.validate_daemon_set,
    "EndpointSlice": discovery.validate_endpoint_slice,
    "Ingress": networking.validate_ingress,
    "IngressClass": networking.validate_ingress_class,
    "NetworkPolicy": networking.validate_network_policy,
    "PodDisruptionBudget": apps.validate_pod_disruption_budget,
}

#: Update-time validators by kind (they include the create checks on the new object).
UPDATE_VALIDATORS: dict[str, Callable[[Mapping, Mapping], list[FieldError]]] = {
    "Pod": pod.validate_pod_update,
    "Service": service.validate_service_update,
    "Secret": core.validate_secret_update,
    "Deployment": apps.validate_apps_update,
    "ReplicaSet": apps.validate_apps_update,
    "StatefulSet": apps.validate_apps_update,
    "DaemonSet": apps.validate_apps_update,
    "EndpointSlice": discovery.validate_endpoint_slice_update,
    "Ingress": networking.validate_ingress,
    "IngressClass": networking.validate_ingress_class_update,
}

_CLUSTER_SCOPED_CRDS = {"GatewayClass"}
#: The API groups served from CustomResourceDefinitions (Gateway API's, the addons' such as
#: MetalLB's): the API server serves them once their CRDs are installed.
CRD_GROUPS = frozenset({"gateway.networking.k8s.io", "metallb.io"})
#: Their kinds, whose schemas are ``gateway.SCHEMAS``: known from the API group, so that the
#: schemas are built only when such an object is first defaulted, decoded or validated.
CRD_KINDS = frozenset(r.kind for r in RESOURCES if r.group in CRD_GROUPS)


def crd_schema(kind: str):
    """The CRD schema (a ``crd.Schema``, root ``spec``) of a kind in ``CRD_KINDS``."""
    from .gateway import SCHEMAS
    return SCHEMAS[kind]


def validate_object_meta_update(new: Mapping, old: Mapping) -> list[FieldError]:
    """ValidateObjectMetaUpdate: name, namespace and uid cannot change."""
    nm, om = new.get("metadata") or {}, old.get("metadata") or {}
    errs = []
    for f in ("name", "namespace", "uid"):
        if f in om and nm.get(f, om[f]) != om[f]:
            errs.append(FieldError.invalid(f"metadata.{f}", nm.get(f), "field is immutable"))
    return errs


def _validate_custom_resource(obj: Mapping, old: Mapping | None) -> list[FieldError]:
    """customResourceStrategy.Validate: metadata (names are DNS-1123 subdomains), schema, CEL."""
    kind = obj.get("kind")
    errs = validate_object_meta(obj.get("metadata"), kind not in _CLUSTER_SCOPED_CRDS, name_is_dns_subdomain)
    from .crd import validate_schema
    return errs + validate_schema(crd_schema(kind), obj, old)


def validate(obj: Mapping, old: Mapping | None = None) -> list[FieldError]:
    """All the errors the API server finds in ``obj`` (``old``: the stored object, on update).

    Kinds k8snet does not validate return no errors (the caller decides whether it serves
    them at all)."""
    kind = obj.get("kind", "")
    if kind in CRD_KINDS:
        meta = validate_object_meta_update(obj, old) if old is not None else []
        return meta + _validate_custom_resource(obj, old)
    if old is not None and kind in UPDATE_VALIDATORS:
        return validate_object_meta_update(obj, old) + UPDATE_VALIDATORS[kind](obj, old)
    if old is not None and kind in VALIDATORS:
        return validate_object_meta_update(obj, old) + VALIDATORS[kind](obj)
    fn = VALIDATORS.get(kind)
    return fn(obj) if fn else []
