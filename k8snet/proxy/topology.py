"""Which endpoints a node uses for a Service port: upstream ``pkg/proxy/topology.go``.

``categorize_endpoints`` is ``CategorizeEndpoints``: the endpoints for ``Cluster`` traffic
policy (ready ones, narrowed by topology hints when every ready endpoint has a hint for this
node's zone; falling back to serving-and-terminating ones when none is ready), the endpoints
for ``Local`` policy (this node's ready ones, else this node's serving-terminating ones),
their union, and whether the Service has any usable endpoint anywhere.
"""
from __future__ import annotations

from typing import Mapping, Sequence

from .types import EndpointInfo, ServicePortInfo

__all__ = ["categorize_endpoints", "ZONE_LABEL"]

#: ``v1.LabelTopologyZone``.
ZONE_LABEL = "topology.kubernetes.io/zone"


def _can_use_topology(endpoints: Sequence[EndpointInfo], node_labels: Mapping[str, str]) -> bool:
    # canUseTopology: every ready endpoint carries zone hints, and one is for our zone.
    zone = node_labels.get(ZONE_LABEL)
    has_for_zone = False
    for ep in endpoints:
        if not ep.ready:
            continue
        if not ep.zone_hints:
            return False
        if zone is not None and zone in ep.zone_hints:
            has_for_zone = True
    return has_for_zone


def categorize_endpoints(endpoints: Sequence[EndpointInfo], svc: ServicePortInfo,
                         node_labels: Mapping[str, str] | None = None):
    """``(cluster_endpoints, local_endpoints, all_reachable, has_any_endpoints)``.

    ``cluster_endpoints`` is empty when the Service uses no ``Cluster`` policy, and
    ``local_endpoints`` when it uses no ``Local`` policy, exactly as upstream.
    """
    node_labels = node_labels or {}
    cluster: list[EndpointInfo] = []
    local: list[EndpointInfo] = []
    has_any = False
    if svc.uses_cluster_endpoints():
        use_topology = _can_use_topology(endpoints, node_labels)
        zone = node_labels.get(ZONE_LABEL)
        cluster = [ep for ep in endpoints
                   if ep.ready and (not use_topology or zone in ep.zone_hints)]
        if not cluster:
            # No ready endpoint anywhere: use serving-and-terminating ones (KEP-1669).
            cluster = [ep for ep in endpoints if ep.serving and ep.terminating]
        has_any = bool(cluster)
    if not svc.uses_local_endpoints():
        return tuple(cluster), (), tuple(cluster), has_any
    has_local_ready = has_local_terminating = False
    for ep in endpoints:
        if ep.ready:
            has_any = True
            has_local_ready = has_local_ready or ep.is_local
        elif ep.serving and ep.terminating:
            has_any = True
            has_local_terminating = has_local_terminating or ep.is_local
    if has_local_ready:
        local = [ep for ep in endpoints if ep.is_local and ep.ready]
    elif has_local_terminating:
        local = [ep for ep in endpoints if ep.is_local and ep.serving and ep.terminating]
    if not svc.uses_cluster_endpoints():
        return (), tuple(local), tuple(local), has_any
    union = {str(ep): ep for ep in list(cluster) + local}
    # Upstream builds the union from a map (random order); sort for determinism.
    return tuple(cluster), tuple(local), tuple(union[k] for k in sorted(union)), has_any
