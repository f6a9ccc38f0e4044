"""The Service registry's admission (``pkg/registry/core/service/storage/storage.go``,
Kubernetes v1.37): defaulting, then ``BeginCreate``/``BeginUpdate`` allocates (``alloc.py``:
IP families, ClusterIPs, NodePorts -- its errors come alone), then the strategy validates the
allocated object; on update ``dropTypeDependentFields`` runs first.  ``APIServer._admit``
hands every Service here.
"""
from __future__ import annotations

from ..errors import K8sNetError, ValidationError
from .defaults import default
from .validation import validate

__all__ = ["admit_service", "drop_type_dependent_fields", "needs_node_ports"]


def needs_node_ports(spec: dict) -> bool:
    """Whether a Service of this spec has node ports (NodePort, or LoadBalancer allocating them)."""
    t = spec.get("type")
    return t == "NodePort" or (t == "LoadBalancer" and spec.get("allocateLoadBalancerNodePorts", True))


def admit_service(api, svc: dict, old: dict | None) -> dict:
    """The Service registry's order: defaulting, then BeginCreate/BeginUpdate allocates
    (alloc.go: IP families, ClusterIPs, NodePorts -- its errors come alone), then the
    strategy validates the allocated object.  A refused Service gives everything back.
    ``api`` is the ``APIServer`` whose allocators and addon webhooks it uses."""
    spec = svc.get("spec") if isinstance(svc.get("spec"), dict) else {}
    # ipFamilies/ipFamilyPolicy are the allocator's to fill in (initIPFamilyFields), from
    # what the user gave; default() alone would fill them for a single-stack cluster.
    given = {k: spec[k] for k in ("ipFamilies", "ipFamilyPolicy") if k in spec}
    svc = default(svc)
    spec = svc["spec"]
    if spec.get("type") != "ExternalName":
        for k in ("ipFamilies", "ipFamilyPolicy"):
            spec.pop(k, None)
        spec.update(given)
    if old is None:  # mutating admission webhooks an addon registered (aws-load-balancer-controller)
        for mutate in api.service_create_webhooks:
            mutate(svc)
    snap = api.alloc.begin()
    try:
        if old is None:
            api.alloc.allocate_create(svc)
        else:
            drop_type_dependent_fields(spec, old.get("spec") or {})
            api.alloc.allocate_update(svc, old)
        errors = validate(svc, old)
        if errors:
            raise ValidationError("Service", svc["metadata"].get("name", ""), errors)
    except K8sNetError:
        api.alloc.revert(snap)
        raise
    return svc


def drop_type_dependent_fields(spec: dict, old_spec: dict) -> None:
    """storage.go dropTypeDependentFields: leaving NodePort/LoadBalancer drops the node
    ports the server allocated (when the update did not change them)."""
    if not needs_node_ports(spec) and needs_node_ports(old_spec):
        old_np = {(p.get("port"), p.get("protocol")): p.get("nodePort") for p in old_spec.get("ports") or []}
        for p in spec.get("ports") or []:
            if p.get("nodePort") and p["nodePort"] == old_np.get((p.get("port"), p.get("protocol"))):
                del p["nodePort"]
    if spec.get("externalTrafficPolicy") == "Local" and spec.get("type") != "LoadBalancer":
        spec.pop("healthCheckNodePort", None)
    # storage.go dropTypeDependentFields: leaving an externally-accessible type (NodePort,
    # LoadBalancer, or externalIPs) drops the defaulted externalTrafficPolicy when the
    # update did not change it, so `type: NodePort` -> `ClusterIP` applies cleanly.
    accessible = lambda s: s.get("type") in ("NodePort", "LoadBalancer") or bool(s.get("externalIPs"))
    if accessible(old_spec) and not accessible(spec) \
            and spec.get("externalTrafficPolicy") == old_spec.get("externalTrafficPolicy"):
        spec.pop("externalTrafficPolicy", None)
    # ... and leaving LoadBalancer drops allocateLoadBalancerNodePorts/loadBalancerClass
    # when the update left them as they were.
    if old_spec.get("type") == "LoadBalancer" and spec.get("type") != "LoadBalancer":
        for f in ("allocateLoadBalancerNodePorts", "loadBalancerClass"):
            if f in spec and spec.get(f) == old_spec.get(f):
                spec.pop(f)
