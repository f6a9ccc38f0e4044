"""k8snet.render.zones: traffic per zone, measured through each node's kube-proxy rules and drawn.

Rules: pkg/proxy/topology.go CategorizeEndpoints (a node without a zone label ignores zone hints),
trafficdist.go (PreferSameZone hints each endpoint for its own zone)."""
from __future__ import annotations

import pytest

from k8snet import Cluster
from k8snet.render.zones import zone_traffic

from ..cluster.objects import deployment, manifest, service

# the WEB of tests/cluster/test_topology_hints.py, with trafficDistribution: PreferSameZone
WEB = manifest(deployment(replicas=3, container="web", image="nginx"), service(trafficDistribution="PreferSameZone"))


def _cluster():
    c = Cluster(nodes=4, zones=[None, "zone-a", "zone-b", "zone-b"], seed=14)
    c.apply(WEB)
    return c


@pytest.mark.parametrize("node,zones", [
    ("node-1", {"zone-a", "zone-b"}),   # no zone label: every endpoint
    ("node-2", {"zone-a"}),
    ("node-3", {"zone-b"}),
], ids=["no zone label: all", "zone-a stays in zone-a", "zone-b stays in zone-b"])
def test_counts_follow_the_hints(node, zones):
    c = _cluster()
    counts = zone_traffic(c, "web", requests=30)
    pods = {f'default/{p["metadata"]["name"]}': p["spec"]["nodeName"] for p in c.list("pods")}
    node_zone = {n["metadata"]["name"]: n["metadata"]["labels"].get("topology.kubernetes.io/zone")
                 for n in c.list("nodes")}
    assert sum(counts[node].values()) == 30
    assert {node_zone[pods[p]] for p in counts[node]} == zones


def test_graph_has_a_box_per_zone():
    pytest.importorskip("graphviz")
    from k8snet.render.zones import zone_traffic_graph
    c = _cluster()
    g = zone_traffic_graph(c, zone_traffic(c, "web", requests=10))
    assert repr(g) == "<Digraph: traffic per zone, 4 client nodes, 3 pods>"
    for box in ('label="zone zone-a"', 'label="zone zone-b"', 'label="no zone label"'):
        assert box in g.source
