"""The kinds the simulated API server serves, with the names kubectl knows them by.

One row per kind: its group/version, whether it lives in a namespace, the plural resource
name (``kubectl get services``), the short names (``svc``) and the singular.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import UsageError

__all__ = ["Resource", "RESOURCES", "lookup", "by_kind"]


@dataclass(frozen=True, slots=True)
class Resource:
    """One API resource: ``kind`` Service, ``plural`` services, ``api_version`` v1."""

    kind: str
    api_version: str
    plural: str
    namespaced: bool
    short: tuple[str, ...] = ()
    #: Older versions still served (a CRD's ``served: true`` versions other than the preferred one);
    #: an object sent in one of them is stored and returned in ``api_version``.
    also_served: tuple[str, ...] = ()

    @property
    def versions(self) -> tuple[str, ...]:
        """Every ``apiVersion`` the server accepts for this kind, preferred first."""
        return (self.api_version, *(f"{self.group}/{v}" for v in self.also_served))

    @property
    def group(self) -> str:
        return self.api_version.rpartition("/")[0]

    @property
    def qualified(self) -> str:
        """``deployments.apps`` as kubectl writes it in messages; ``services`` for core."""
        return f"{self.plural}.{self.group}" if self.group else self.plural

    @property
    def ref_name(self) -> str:
        """``deployment.apps`` as in ``deployment.apps/web created``."""
        singular = self.kind.lower()
        return f"{singular}.{self.group}" if self.group else singular


RESOURCES: tuple[Resource, ...] = (
    Resource("Namespace", "v1", "namespaces", False, ("ns",)),
    Resource("Node", "v1", "nodes", False, ("no",)),
    Resource("Pod", "v1", "pods", True, ("po",)),
    Resource("Service", "v1", "services", True, ("svc",)),
    Resource("Endpoints", "v1", "endpoints", True, ("ep",)),
    Resource("ConfigMap", "v1", "configmaps", True, ("cm",)),
    Resource("Secret", "v1", "secrets", True, ()),
    Resource("ServiceAccount", "v1", "serviceaccounts", True, ("sa",)),
    Resource("Event", "v1", "events", True, ("ev",)),
    Resource("Deployment", "apps/v1", "deployments", True, ("deploy",)),
    Resource("ReplicaSet", "apps/v1", "replicasets", True, ("rs",)),
    Resource("StatefulSet", "apps/v1", "statefulsets", True, ("sts",)),
    Resource("DaemonSet", "apps/v1", "daemonsets", True, ("ds",)),
    Resource("EndpointSlice", "discovery.k8s.io/v1", "endpointslices", True, ()),
    Resource("Ingress", "networking.k8s.io/v1", "ingresses", True, ("ing",)),
    Resource("IngressClass", "networking.k8s.io/v1", "ingressclasses", False, ()),
    Resource("NetworkPolicy", "networking.k8s.io/v1", "networkpolicies", True, ("netpol",)),
    Resource("PodDisruptionBudget", "policy/v1", "poddisruptionbudgets", True, ("pdb",)),
    Resource("Lease", "coordination.k8s.io/v1", "leases", True, ()),
    # gateway-api v1.6.1 config/crd/standard: the v1beta1 versions are still served (storage
    # v1, except ReferenceGrant: v1 since v1.5 but still stored as v1beta1).
    Resource("GatewayClass", "gateway.networking.k8s.io/v1", "gatewayclasses", False, ("gc",), ("v1beta1",)),
    Resource("Gateway", "gateway.networking.k8s.io/v1", "gateways", True, ("gtw",), ("v1beta1",)),
    Resource("HTTPRoute", "gateway.networking.k8s.io/v1", "httproutes", True, (), ("v1beta1",)),
    Resource("GRPCRoute", "gateway.networking.k8s.io/v1", "grpcroutes", True, ()),
    Resource("ReferenceGrant", "gateway.networking.k8s.io/v1", "referencegrants", True, ("refgrant",), ("v1beta1",)),
    # Standard channel, v1 only (alpha versions in the CRDs with served: false): BackendTLSPolicy
    # since v1.4, TLSRoute and ListenerSet since v1.5, TCPRoute and UDPRoute since v1.6.
    Resource("TLSRoute", "gateway.networking.k8s.io/v1", "tlsroutes", True, ()),
    Resource("TCPRoute", "gateway.networking.k8s.io/v1", "tcproutes", True, ()),
    Resource("UDPRoute", "gateway.networking.k8s.io/v1", "udproutes", True, ()),
    Resource("ListenerSet", "gateway.networking.k8s.io/v1", "listenersets", True, ("lset",)),
    Resource("BackendTLSPolicy", "gateway.networking.k8s.io/v1", "backendtlspolicies", True, ("btlspolicy",)),
    # metallb v0.16.1 config/crd/bases (the ``metallb`` addon installs them).
    Resource("IPAddressPool", "metallb.io/v1beta1", "ipaddresspools", True, ()),
    Resource("L2Advertisement", "metallb.io/v1beta1", "l2advertisements", True, ()),
    Resource("CustomResourceDefinition", "apiextensions.k8s.io/v1", "customresourcedefinitions", False, ("crd", "crds")),
)

_BY_KIND = {r.kind: r for r in RESOURCES}
_BY_NAME: dict[str, Resource] = {}
for _r in RESOURCES:
    for _n in (_r.kind.lower(), _r.plural, *_r.short, _r.qualified, _r.ref_name):
        _BY_NAME[_n] = _r


def lookup(name: str) -> Resource:
    """The resource for a name as typed after ``kubectl get``: svc, services, Service, deploy.apps."""
    r = _BY_NAME.get(name.lower())
    if r is None:
        raise UsageError(f'error: the server doesn\'t have a resource type "{name}"')
    return r


def by_kind(kind: str) -> Resource | None:
    """The resource for an object's ``kind`` field, or None when the server does not serve it."""
    return _BY_KIND.get(kind)
