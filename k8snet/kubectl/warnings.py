"""Warnings the API server sends (HTTP ``Warning`` headers) that kubectl prints to
stderr as ``Warning: <text>``, before the command's own output line.

Wording is upstream's: kubernetes ``pkg/api/service/warnings.go`` (GetWarningsForService),
``pkg/registry/core/endpoint`` (the v1 Endpoints deprecation, since 1.33) and
``pkg/api/networking`` (the ingress-class annotation).
"""
from __future__ import annotations

from typing import Mapping

__all__ = ["ENDPOINTS_DEPRECATED", "INGRESS_CLASS_ANNOTATION_DEPRECATED", "kubectl_warning",
           "service_warnings", "ingress_warnings", "pod_spec_warnings", "warnings_for"]

#: Sent for every request on v1 Endpoints since Kubernetes 1.33.
ENDPOINTS_DEPRECATED = "v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"

#: Sent when an Ingress uses the ``kubernetes.io/ingress.class`` annotation.
INGRESS_CLASS_ANNOTATION_DEPRECATED = (
    "annotation \"kubernetes.io/ingress.class\" is deprecated, please use 'spec.ingressClassName' instead")

_TOPOLOGY_HINTS = "service.kubernetes.io/topology-aware-hints"
_TOPOLOGY_MODE = "service.kubernetes.io/topology-mode"


def kubectl_warning(text: str) -> str:
    """How kubectl prints one server warning (client-go warning handler): ``Warning: <text>``."""
    return f"Warning: {text}"


def service_warnings(service: Mapping) -> list[str]:
    """GetWarningsForService for a created/updated Service (IP-canonical-form warnings omitted)."""
    meta, spec = service.get("metadata") or {}, service.get("spec") or {}
    warnings = []
    if _TOPOLOGY_HINTS in (meta.get("annotations") or {}):
        warnings.append(f"annotation {_TOPOLOGY_HINTS} is deprecated, please use {_TOPOLOGY_MODE} instead")
    svc_type = spec.get("type", "ClusterIP")
    headless = svc_type == "ClusterIP" and spec.get("clusterIP") == "None"
    external_ips = spec.get("externalIPs") or []
    if headless:
        if spec.get("loadBalancerIP"):
            warnings.append("spec.loadBalancerIP is ignored for headless services")
        if external_ips:
            warnings.append("spec.externalIPs is ignored for headless services")
        if spec.get("sessionAffinity", "None") != "None":
            warnings.append("spec.SessionAffinity is ignored for headless services")
    if external_ips and not headless and svc_type != "ExternalName":
        warnings.append("spec.externalIPs is deprecated and may no longer be implemented in some clusters")
    if svc_type == "ExternalName" and external_ips:
        warnings.append('spec.externalIPs is ignored when spec.type is "ExternalName"')
    if svc_type != "ExternalName" and spec.get("externalName"):
        warnings.append('spec.externalName is ignored when spec.type is not "ExternalName"')
    if spec.get("trafficDistribution") == "PreferClose":
        warnings.append('spec.trafficDistribution: "PreferClose" is deprecated; use "PreferSameZone"')
    return warnings


def ingress_warnings(ingress: Mapping) -> list[str]:
    """Warnings for a created/updated Ingress."""
    annotations = (ingress.get("metadata") or {}).get("annotations") or {}
    return [INGRESS_CLASS_ANNOTATION_DEPRECATED] if "kubernetes.io/ingress.class" in annotations else []


_POD_TEMPLATE_PATHS = {"Pod": "spec", "Deployment": "spec.template.spec", "ReplicaSet": "spec.template.spec",
                       "StatefulSet": "spec.template.spec", "DaemonSet": "spec.template.spec",
                       "Job": "spec.template.spec"}


def pod_spec_warnings(obj: Mapping) -> list[str]:
    """GetWarningsForPod / GetWarningsForPodTemplate (pkg/api/pod/warnings.go) as the object
    was sent, before defaulting: a negative terminationGracePeriodSeconds is treated as 1."""
    path = _POD_TEMPLATE_PATHS.get(str(obj.get("kind")))
    if path is None:
        return []
    spec: Mapping = obj
    for part in path.split("."):
        spec = spec.get(part) or {} if isinstance(spec, Mapping) else {}
    grace = spec.get("terminationGracePeriodSeconds") if isinstance(spec, Mapping) else None
    if isinstance(grace, int) and not isinstance(grace, bool) and grace < 0:
        return [f"{path}.terminationGracePeriodSeconds: must be >= 0; negative values are invalid and will "
                "be treated as 1"]
    return []


def warnings_for(obj: Mapping) -> list[str]:
    """The server warnings for writing ``obj`` (any kind): Endpoints, Service, Ingress."""
    kind = obj.get("kind")
    if kind == "Endpoints" and obj.get("apiVersion") == "v1":
        return [ENDPOINTS_DEPRECATED]
    if kind == "Service":
        return service_warnings(obj)
    if kind == "Ingress":
        return ingress_warnings(obj)
    return pod_spec_warnings(obj)
