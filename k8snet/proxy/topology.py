"""Which endpoints a node uses for a Service port: upstream ``pkg/proxy/topology.go`` (v1.37).

``categorize_endpoints`` is ``CategorizeEndpoints``: the endpoints for ``Cluster`` traffic
policy (ready ones, narrowed by topology hints when ``topologyModeFromHints`` picks a mode;
falling back to serving-and-terminating ones when none is ready), the endpoints for
``Local`` policy (this node's ready ones, else this node's serving-terminating ones), their
union, and whether the Service has any usable endpoint anywhere.

``topology_mode`` is ``topologyModeFromHints``: ``PreferSameNode`` when every ready endpoint
has a node hint and one names this node (the PreferSameTrafficDistribution gate is GA and
locked on since v1.35); else ``PreferSameZone`` when every ready endpoint has a zone hint and
one names this node's zone; else ``""`` (no topology: every ready endpoint).
"""
from __future__ import annotations

from typing import Mapping, Sequence

from .types import EndpointInfo, ServicePortInfo

__all__ = ["categorize_endpoints", "topology_mode", "available_for_topology", "ZONE_LABEL",
           "PREFER_SAME_NODE", "PREFER_SAME_ZONE"]

#: ``v1.LabelTopologyZone``.
ZONE_LABEL = "topology.kubernetes.io/zone"
#: ``v1.ServiceTrafficDistributionPreferSameNode`` / ``...PreferSameZone``: the modes.
PREFER_SAME_NODE, PREFER_SAME_ZONE = "PreferSameNode", "PreferSameZone"


def topology_mode(endpoints: Sequence[EndpointInfo], node_name: str, zone: str) -> str:
    """``topologyModeFromHints``: ``"PreferSameNode"``, ``"PreferSameZone"`` or ``""``."""
    has_ready = for_node = for_zone = False
    all_node_hints = all_zone_hints = True
    for ep in endpoints:
        if not ep.ready:
            continue
        has_ready = True
        if not ep.node_hints:
            all_node_hints = False
        elif node_name in ep.node_hints:
            for_node = True
        if not ep.zone_hints:
            all_zone_hints = False
        elif zone in ep.zone_hints:
            for_zone = True
    if not has_ready:
        return ""
    if all_node_hints and for_node:
        return PREFER_SAME_NODE
    if all_zone_hints and for_zone:
        return PREFER_SAME_ZONE
    return ""


def available_for_topology(ep: EndpointInfo, mode: str, node_name: str, zone: str) -> bool:
    """``availableForTopology``: no fallback here; the fallback is in choosing the mode."""
    if mode == "":
        return True
    if mode == PREFER_SAME_NODE:
        return node_name in ep.node_hints
    if mode == PREFER_SAME_ZONE:
        return zone in ep.zone_hints
    return False


def categorize_endpoints(endpoints: Sequence[EndpointInfo], svc: ServicePortInfo,
                         node_labels: Mapping[str, str] | None = None, node_name: str = ""):
    """``(cluster_endpoints, local_endpoints, all_reachable, has_any_endpoints)``.

    ``cluster_endpoints`` is empty when the Service uses no ``Cluster`` policy, and
    ``local_endpoints`` when it uses no ``Local`` policy, exactly as upstream.  ``node_name``
    is kube-proxy's ``--hostname-override`` (the node hints it looks for); ``node_labels``
    its node's topology labels (the zone).
    """
    node_labels = node_labels or {}
    cluster: list[EndpointInfo] = []
    local: list[EndpointInfo] = []
    has_any = False
    mode = ""
    if not endpoints:
        return (), (), (), False
    if svc.uses_cluster_endpoints():
        zone = node_labels.get(ZONE_LABEL, "")
        mode = topology_mode(endpoints, node_name, zone)
        cluster = [ep for ep in endpoints if ep.ready and available_for_topology(ep, mode, node_name, zone)]
        if not cluster:
            # No ready endpoint anywhere (topology already fell back when none was ready
            # for it): use serving-and-terminating ones (KEP-1669).
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
