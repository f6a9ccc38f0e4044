"""pkg/proxy/topology.go (v1.37): CategorizeEndpoints and topologyModeFromHints.

Rows carry the names of upstream's TestCategorizeEndpoints cases (pkg/proxy/topology_test.go)
where one exists, and name the rule of topologyModeFromHints / availableForTopology they check
otherwise (node hints: PreferSameTrafficDistribution, GA and locked on since v1.35).
"""
from __future__ import annotations

import pytest

from k8snet.proxy import EndpointInfo
from k8snet.proxy.changetracker import service_port_infos, slice_endpoints
from k8snet.proxy.topology import categorize_endpoints, topology_mode

from .objects import endpoint, endpoint_slice, service
from .test_changetracker import WEB

ZONE = "topology.kubernetes.io/zone"
NODE = "node-a"


def _ep(addr, *, zones=(), nodes=(), ready=True, serving=None, terminating=False, local=False):
    ip, port = addr.split(":")
    return EndpointInfo(ip, int(port), ready=ready, serving=ready if serving is None else serving,
                        terminating=terminating, is_local=local, zone_hints=tuple(zones), node_hints=tuple(nodes))


def _svc(itp=None, etp=None, node_port=False):
    port = {"name": "http", "port": 80}
    kw = {}
    if node_port:
        port["nodePort"] = 30001
        kw["type"] = "NodePort"
    if itp:
        kw["itp"] = itp
    if etp:
        kw["etp"] = etp
    return service_port_infos(service("web", "10.96.0.5", [port], **kw))[WEB]


FOUR = [_ep("10.1.2.3:80", zones=["zone-a"]), _ep("10.1.2.4:80", zones=["zone-b"]),
        _ep("10.1.2.5:80", zones=["zone-c"]), _ep("10.1.2.6:80", zones=["zone-a"])]
ALL4 = {"10.1.2.3:80", "10.1.2.4:80", "10.1.2.5:80", "10.1.2.6:80"}


@pytest.mark.parametrize("name,labels,svc,eps,cluster,local,reachable", [
    ("normal endpoint filtering", {ZONE: "zone-a"}, _svc(), FOUR,
     {"10.1.2.3:80", "10.1.2.6:80"}, None, None),
    ("empty node labels", {}, _svc(), [_ep("10.1.2.3:80", zones=["zone-a"])], {"10.1.2.3:80"}, None, None),
    ("empty zone label", {ZONE: ""}, _svc(), [_ep("10.1.2.3:80", zones=["zone-a"])], {"10.1.2.3:80"}, None, None),
    ("node in different zone, no endpoint filtering", {ZONE: "zone-b"}, _svc(),
     [_ep("10.1.2.3:80", zones=["zone-a"])], {"10.1.2.3:80"}, None, None),
    ("unready endpoint", {ZONE: "zone-a"}, _svc(),
     FOUR[:3] + [_ep("10.1.2.6:80", zones=["zone-a"], ready=False)], {"10.1.2.3:80"}, None, None),
    ("only unready endpoints in same zone (should not filter)", {ZONE: "zone-a"}, _svc(),
     [_ep("10.1.2.3:80", zones=["zone-a"], ready=False), FOUR[1], FOUR[2],
      _ep("10.1.2.6:80", zones=["zone-a"], ready=False)], {"10.1.2.4:80", "10.1.2.5:80"}, None, None),
    ("missing hints, no filtering applied", {ZONE: "zone-a"}, _svc(),
     FOUR[:2] + [_ep("10.1.2.5:80"), FOUR[3]], ALL4, None, None),
    ("multiple hints per endpoint, filtering includes any endpoint with zone included", {ZONE: "zone-c"}, _svc(),
     [_ep("10.1.2.3:80", zones=["zone-a", "zone-b", "zone-c"]), _ep("10.1.2.4:80", zones=["zone-b", "zone-c"]),
      _ep("10.1.2.5:80", zones=["zone-b", "zone-d"]), _ep("10.1.2.6:80", zones=["zone-c"])],
     {"10.1.2.3:80", "10.1.2.4:80", "10.1.2.6:80"}, None, None),
    ("internalTrafficPolicy: Local, topology ignored for Local endpoints", {ZONE: "zone-a"},
     _svc(itp="Local", node_port=True),
     [_ep("10.1.2.3:80", zones=["zone-a"], local=True), _ep("10.1.2.4:80", zones=["zone-b"], local=True),
      FOUR[2], FOUR[3]],
     {"10.1.2.3:80", "10.1.2.6:80"}, {"10.1.2.3:80", "10.1.2.4:80"}, {"10.1.2.3:80", "10.1.2.4:80", "10.1.2.6:80"}),
    ("internalTrafficPolicy: Local, but all endpoints are remote", {}, _svc(itp="Local"),
     [_ep("10.0.0.0:80"), _ep("10.0.0.1:80")], None, set(), set()),
    ("internalTrafficPolicy: Local, some endpoints are local", {}, _svc(itp="Local"),
     [_ep("10.0.0.0:80", local=True), _ep("10.0.0.1:80")], None, {"10.0.0.0:80"}, {"10.0.0.0:80"}),
    ("no cluster endpoints for iTP:Local internal-only service", {}, _svc(itp="Local"),
     [_ep("10.0.0.0:80"), _ep("10.0.0.1:80", local=True)], None, {"10.0.0.1:80"}, {"10.0.0.1:80"}),
    ("PreferSameNode: every ready endpoint has a node hint, one for this node", {ZONE: "zone-a"}, _svc(),
     [_ep("10.0.0.0:80", zones=["zone-a"], nodes=[NODE]), _ep("10.0.0.1:80", zones=["zone-a"], nodes=["node-b"]),
      _ep("10.0.0.2:80", zones=["zone-b"], nodes=["node-c"])], {"10.0.0.0:80"}, None, None),
    ("PreferSameNode: no hint for this node, falls back to the zone hints", {ZONE: "zone-a"}, _svc(),
     [_ep("10.0.0.1:80", zones=["zone-a"], nodes=["node-b"]), _ep("10.0.0.2:80", zones=["zone-b"], nodes=["node-c"])],
     {"10.0.0.1:80"}, None, None),
    ("PreferSameNode: one endpoint without a node hint, node hints ignored", {ZONE: "zone-b"}, _svc(),
     [_ep("10.0.0.0:80", zones=["zone-a"], nodes=[NODE]), _ep("10.0.0.2:80", zones=["zone-b"])],
     {"10.0.0.2:80"}, None, None),
    ("PreferSameNode: no node or zone hint applies, every ready endpoint", {ZONE: "zone-c"}, _svc(),
     [_ep("10.0.0.1:80", zones=["zone-a"], nodes=["node-b"]), _ep("10.0.0.2:80", zones=["zone-b"], nodes=["node-c"])],
     {"10.0.0.1:80", "10.0.0.2:80"}, None, None),
    ("Cluster traffic policy, all endpoints are terminating (serving-terminating fallback)", {}, _svc(),
     [_ep("10.0.0.0:80", ready=False, serving=True, terminating=True, local=True),
      _ep("10.0.0.1:80", ready=False, serving=True, terminating=True)], {"10.0.0.0:80", "10.0.0.1:80"}, None, None),
    ("iTP: Local, eTP: Local, all endpoints remote", {}, _svc(itp="Local", etp="Local", node_port=True),
     [_ep("10.0.0.0:80"), _ep("10.0.0.1:80")], {"10.0.0.0:80", "10.0.0.1:80"}, set(), {"10.0.0.0:80", "10.0.0.1:80"}),
], ids=lambda v: v if isinstance(v, str) and " " in v else "")
def test_categorize_endpoints(name, labels, svc, eps, cluster, local, reachable):
    """topology.go CategorizeEndpoints: None means 'the Service never uses this policy'."""
    got_cluster, got_local, got_all, has_any = categorize_endpoints(tuple(eps), svc, labels, NODE)
    assert {str(e) for e in got_cluster} == (cluster or set())
    assert {str(e) for e in got_local} == (local or set())
    if cluster is None:
        assert svc.internal_policy_local and not svc.externally_accessible() or not got_cluster
    want_all = reachable if reachable is not None else (cluster if local is None else local)
    assert {str(e) for e in got_all} == want_all
    assert has_any == bool(eps and any(e.ready or (e.serving and e.terminating) for e in eps))


@pytest.mark.parametrize("eps,zone,want", [
    ([], "zone-a", ""),
    ([_ep("10.0.0.0:80", zones=["zone-a"], nodes=[NODE], ready=False)], "zone-a", ""),
    ([_ep("10.0.0.0:80", zones=["zone-a"], nodes=[NODE])], "zone-a", "PreferSameNode"),
    ([_ep("10.0.0.0:80", zones=["zone-a"], nodes=["node-b"])], "zone-a", "PreferSameZone"),
    ([_ep("10.0.0.0:80", zones=["zone-a"])], "zone-b", ""),
    ([_ep("10.0.0.0:80", zones=["zone-a"]), _ep("10.0.0.1:80", zones=["zone-a"], ready=False)], "zone-a",
     "PreferSameZone"),
], ids=["no endpoints", "no ready endpoint: no hints to consider", "node hint for this node",
        "node hints but none for this node: zone", "zone hints but none for this zone",
        "unready endpoints without hints do not count"])
def test_topology_mode_from_hints(eps, zone, want):
    """topology.go topologyModeFromHints."""
    assert topology_mode(eps, NODE, zone) == want


def test_slice_hints_reach_the_endpoint_info():
    """endpointslicecache.go: ZoneHints from hints.forZones, NodeHints from hints.forNodes."""
    ep = endpoint("10.244.1.5", "node-b")
    ep["hints"] = {"forZones": [{"name": "zone-a"}], "forNodes": [{"name": "node-b"}]}
    sl = endpoint_slice("web", [ep], [{"name": "http", "port": 8080}])
    (info,) = slice_endpoints(sl, "node-a")[WEB]
    assert (info.zone_hints, info.node_hints, info.is_local) == (("zone-a",), ("node-b",), False)
