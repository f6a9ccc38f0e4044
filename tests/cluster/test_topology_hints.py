"""EndpointSlice hints as the EndpointSlice controller writes them (Kubernetes v1.37).

Rows name upstream: staging/src/k8s.io/endpointslice/topologycache/topologycache_test.go
(TestAddHints, TestSetNodes), trafficdist/trafficdist_test.go (preferCloseHeuristic),
reconciler.go reconcileByAddressType (annotation before trafficDistribution) and utils
hintsEnabled, endpointslice_controller.go updateNode (only Ready and the zone label matter).
"""
from __future__ import annotations

import copy

import pytest

from k8snet import Cluster
from k8snet.controllers.topologyhints import SliceInfo, TopologyCache, hints_enabled, reconcile_hints

from .objects import deployment, manifest, service

ZONE = "topology.kubernetes.io/zone"


def _ep(ip, zone=None, ready=True, node=None):
    ep = {"addresses": [ip], "conditions": {"ready": ready}}
    if node:
        ep["nodeName"] = node
    if zone:
        ep["zone"] = zone
    return ep


def _hints(eps):
    return [(ep["addresses"][0], [z["name"] for z in (ep.get("hints") or {}).get("forZones", [])],
             [n["name"] for n in (ep.get("hints") or {}).get("forNodes", [])]) for ep in eps]


@pytest.mark.parametrize("name,ratios,eps,want_zones,want_events,want_alloc", [
    ("empty", None, [], [], [("Warning", "TopologyAwareHintsDisabled",
                              "Insufficient Node information: allocatable CPU or zone not specified on one or more "
                              "nodes, addressType: IPv4")], None),
    ("slice to create with 2 endpoints, zone ratios require 3", {"zone-a": 0.3, "zone-b": 0.4, "zone-c": 0.3},
     [_ep("10.1.2.3", "zone-a"), _ep("10.1.2.4", "zone-b")], [[], []],
     [("Warning", "TopologyAwareHintsDisabled",
       "Insufficient number of endpoints (2 endpoints, 3 zones), addressType: IPv4")], None),
    ("slice to create with 2 endpoints, zone ratios only require 2", {"zone-a": 0.45, "zone-b": 0.55},
     [_ep("10.1.2.3", "zone-a"), _ep("10.1.2.4", "zone-b")], [["zone-a"], ["zone-b"]],
     [("Normal", "TopologyAwareHintsEnabled", "Topology Aware Hints has been enabled, addressType: IPv4")],
     {"zone-a": 1, "zone-b": 1}),
    ("slice to create with 2 ready, 1 unready, 1 unknown endpoints, zone ratios only require 2",
     {"zone-a": 0.45, "zone-b": 0.55},
     [_ep("10.1.2.3", "zone-a"), _ep("10.1.2.4", "zone-b"), _ep("10.1.2.5", "zone-b", ready=False),
      {"addresses": ["10.1.2.6"], "conditions": {}, "zone": "zone-b"}],
     [["zone-a"], ["zone-b"], [], []],
     [("Normal", "TopologyAwareHintsEnabled", "Topology Aware Hints has been enabled, addressType: IPv4")],
     {"zone-a": 1, "zone-b": 1}),
    ("slices to create and update within 3 zone threshold", {"zone-a": 0.35, "zone-b": 0.35, "zone-c": 0.30},
     [_ep("10.1.2.3", "zone-a"), _ep("10.1.2.4", "zone-b"), _ep("10.1.3.3", "zone-c"), _ep("10.1.3.4", "zone-c"),
      _ep("10.1.3.5", "zone-a"), _ep("10.2.2.3", "zone-a"), _ep("10.2.2.4", "zone-a"), _ep("10.2.3.3", "zone-b"),
      _ep("10.2.3.4", "zone-c"), _ep("10.2.3.5", "zone-a")],
     [["zone-b"], ["zone-b"], ["zone-c"], ["zone-c"], ["zone-a"], ["zone-a"], ["zone-a"], ["zone-b"], ["zone-c"],
      ["zone-a"]],
     [("Normal", "TopologyAwareHintsEnabled", "Topology Aware Hints has been enabled, addressType: IPv4")],
     {"zone-a": 4, "zone-b": 3, "zone-c": 3}),
    ("endpoint without a zone: hints removed (NoZoneSpecified)", {"zone-a": 0.5, "zone-b": 0.5},
     [_ep("10.1.2.3", "zone-a"), _ep("10.1.2.4")], [[], []],
     [("Warning", "TopologyAwareHintsDisabled",
       "One or more endpoints do not have a zone specified, addressType: IPv4")], None),
    ("one zone takes too much: minimum allocations exceed the overload threshold",
     {"zone-a": 0.1, "zone-b": 0.1, "zone-c": 0.8},
     [_ep("10.1.2.3", "zone-a"), _ep("10.1.2.4", "zone-b"), _ep("10.1.2.5", "zone-c")], [[], [], []],
     [("Warning", "TopologyAwareHintsDisabled", "Unable to allocate minimum required endpoints to each zone without "
       "exceeding overload threshold (3 endpoints, 3 zones), addressType: IPv4")], None),
])
def test_add_hints(name, ratios, eps, want_zones, want_events, want_alloc):
    """topologycache.go AddHints (rows of TestAddHints, plus getAllocations' refusals)."""
    cache = TopologyCache()
    cache.cpu_ratios_by_zone = ratios
    events = cache.add_hints(SliceInfo("ns/svc", "IPv4", to_create=[{"endpoints": eps}]))
    assert [z for _, z, _ in _hints(eps)] == want_zones
    assert [(e.type, e.reason, e.message) for e in events] == want_events
    assert cache.endpoints_by_service.get("ns/svc", {}).get("IPv4") == want_alloc


def _hinted(ip, zone, hint, ready=True):
    ep = _ep(ip, zone, ready)
    ep["hints"] = {"forZones": [{"name": hint}]}
    return ep


UNCHANGED = [
    # (name, ratios, unchanged slices' endpoints, slice to create's endpoints, want: unchanged kept?,
    #  want hints of the created endpoints)
    ("unchanged slice with valid hints is kept; the new slice is hinted around it (getHintsByZone)",
     {"zone-a": 0.5, "zone-b": 0.5},
     [_hinted("10.1.2.3", "zone-a", "zone-a"), _hinted("10.1.2.4", "zone-b", "zone-b")],
     [_ep("10.1.3.3", "zone-a"), _ep("10.1.3.4", "zone-b")], True, [["zone-a"], ["zone-b"]]),
    ("unchanged slice whose hints are valid though not same-zone is kept as it is",
     {"zone-a": 0.5, "zone-b": 0.5},
     [_hinted("10.1.2.3", "zone-a", "zone-b"), _hinted("10.1.2.4", "zone-a", "zone-a")],
     [_ep("10.1.3.3", "zone-b"), _ep("10.1.3.4", "zone-b")], True, [["zone-a"], ["zone-b"]]),
    ("unchanged slice hinting a zone that gets no allocation is rewritten (getHintsByZone: nil)",
     {"zone-a": 0.5, "zone-b": 0.5},
     [_hinted("10.1.2.3", "zone-a", "zone-c"), _hinted("10.1.2.4", "zone-b", "zone-b")],
     [_ep("10.1.3.3", "zone-a"), _ep("10.1.3.4", "zone-b")], False, [["zone-a"], ["zone-b"]]),
    ("unchanged slice with a ready endpoint without hints is rewritten",
     {"zone-a": 0.5, "zone-b": 0.5},
     [_ep("10.1.2.3", "zone-a"), _hinted("10.1.2.4", "zone-b", "zone-b")],
     [_ep("10.1.3.3", "zone-a"), _ep("10.1.3.4", "zone-b")], False, [["zone-a"], ["zone-b"]]),
    ("unchanged slice over a zone's maximum is rewritten",
     {"zone-a": 0.5, "zone-b": 0.5},
     [_hinted("10.1.2.3", "zone-a", "zone-a"), _hinted("10.1.2.4", "zone-b", "zone-a"),
      _hinted("10.1.2.5", "zone-b", "zone-a"), _hinted("10.1.2.6", "zone-b", "zone-a")],
     [], False, []),
]


@pytest.mark.parametrize("name,ratios,unchanged,create,kept,want_created", UNCHANGED, ids=[r[0] for r in UNCHANGED])
def test_add_hints_keeps_valid_unchanged_slices(name, ratios, unchanged, create, kept, want_created):
    """topologycache sliceinfo.go getAllocatedHintsByZone / utils.go getHintsByZone (TestAddHints
    rows with Unchanged slices): a stored slice is rewritten only when its hints are invalid."""
    cache = TopologyCache()
    cache.cpu_ratios_by_zone = ratios
    stored = {"metadata": {"name": "svc-abc"}, "endpoints": copy.deepcopy(unchanged)}
    si = SliceInfo("ns/svc", "IPv4", to_create=[{"endpoints": create}], unchanged=[stored])
    cache.add_hints(si)
    assert (si.unchanged == [stored]) is kept and stored["endpoints"] == unchanged  # never changed in place
    assert len(si.to_update) == (0 if kept else 1)
    assert [z for _, z, _ in _hints(create)] == want_created
    if not kept:  # the copy is hinted afresh, same zone first
        assert all(ep.get("hints") for ep in si.to_update[0]["endpoints"])


TD_UNCHANGED = [
    # (name, trafficDistribution, stored endpoint, rewritten?)
    ("PreferSameZone: right zone hint: unchanged", "PreferSameZone", _hinted("10.0.0.1", "zone-a", "zone-a"), False),
    ("PreferSameZone: wrong zone hint: rewritten (needsUpdate)", "PreferSameZone",
     _hinted("10.0.0.1", "zone-a", "zone-b"), True),
    ("PreferSameZone: missing hint: rewritten", "PreferSameZone", _ep("10.0.0.1", "zone-a"), True),
    ("PreferSameZone: not-ready endpoint's stale hint is left alone", "PreferSameZone",
     _hinted("10.0.0.1", "zone-a", "zone-b", ready=False), False),
    ("no trafficDistribution: any hint is rewritten away (defaultHeuristic.needsUpdate)", None,
     _hinted("10.0.0.1", "zone-a", "zone-a"), True),
    ("no trafficDistribution, no hints: unchanged", None, _ep("10.0.0.1", "zone-a"), False),
]


@pytest.mark.parametrize("name,td,ep,rewritten", TD_UNCHANGED, ids=[r[0] for r in TD_UNCHANGED])
def test_traffic_distribution_keeps_unchanged_slices(name, td, ep, rewritten):
    """trafficdist.go ReconcileHints: unchanged slices move to slicesToUpdate only when needsUpdate."""
    stored = {"metadata": {"name": "svc-abc"}, "endpoints": [ep]}
    si = SliceInfo("ns/svc", "IPv4", unchanged=[stored])
    reconcile_hints(_svc(td), si, TopologyCache())
    assert (len(si.to_update), len(si.unchanged)) == ((1, 0) if rewritten else (0, 1))


def _node(name, zone=None, cpu="4", ready="True", control_plane=False):
    labels = {"kubernetes.io/hostname": name}
    if zone is not None:
        labels[ZONE] = zone
    if control_plane:
        labels["node-role.kubernetes.io/control-plane"] = ""
    return {"metadata": {"name": name, "labels": labels},
            "status": {"allocatable": {"cpu": cpu}, "conditions": [{"type": "Ready", "status": ready}]}}


@pytest.mark.parametrize("name,nodes,want", [
    ("empty", [], None),
    ("single node", [_node("a", "zone-a", "1000m")], None),
    ("single zone", [_node("a", "zone-a", "1000m"), _node("b", "zone-a", "1000m")], None),
    ("multiple zones", [_node("a", "zone-a", "1000m"), _node("b", "zone-b", "2000m")],
     {"zone-a": 1 / 3, "zone-b": 2 / 3}),
    ("control-plane nodes are excluded (hasExcludedLabels)",
     [_node("cp", None, control_plane=True), _node("a", "zone-a"), _node("b", "zone-b")],
     {"zone-a": 0.5, "zone-b": 0.5}),
    ("not-ready nodes are ignored", [_node("a", "zone-a"), _node("b", "zone-b"), _node("c", "zone-c", ready="False")],
     {"zone-a": 0.5, "zone-b": 0.5}),
    ("a node without a zone: insufficient node info", [_node("a", "zone-a"), _node("b", "zone-b"), _node("c")], None),
])
def test_set_nodes(name, nodes, want):
    """topologycache.go SetNodes (TestSetNodes)."""
    cache = TopologyCache()
    cache.set_nodes(nodes)
    assert cache.cpu_ratios_by_zone == (None if want is None else pytest.approx(want))


def _svc(td=None, annotations=None):
    spec = {"selector": {"app": "web"}}
    if td:
        spec["trafficDistribution"] = td
    return {"metadata": {"name": "svc", "namespace": "ns", "annotations": annotations or {}}, "spec": spec}


EPS = [_ep("10.0.0.1", "zone-a", node="n1"), _ep("10.0.0.2", "zone-b", node="n2"),
       _ep("10.0.0.3", "zone-b", ready=False, node="n3"), _ep("10.0.0.4", node="n4")]


@pytest.mark.parametrize("name,svc,want", [
    ("PreferSameZone: every ready endpoint gets its own zone", _svc("PreferSameZone"),
     [("10.0.0.1", ["zone-a"], []), ("10.0.0.2", ["zone-b"], []), ("10.0.0.3", [], []), ("10.0.0.4", [], [])]),
    ("PreferClose: the older name of PreferSameZone", _svc("PreferClose"),
     [("10.0.0.1", ["zone-a"], []), ("10.0.0.2", ["zone-b"], []), ("10.0.0.3", [], []), ("10.0.0.4", [], [])]),
    ("PreferSameNode: its own zone and its own node", _svc("PreferSameNode"),
     [("10.0.0.1", ["zone-a"], ["n1"]), ("10.0.0.2", ["zone-b"], ["n2"]), ("10.0.0.3", [], []),
      ("10.0.0.4", [], ["n4"])]),
    ("no trafficDistribution: hints removed (defaultHeuristic)", _svc(),
     [("10.0.0.1", [], []), ("10.0.0.2", [], []), ("10.0.0.3", [], []), ("10.0.0.4", [], [])]),
    ("topology-mode Auto wins over trafficDistribution (reconcileByAddressType)",
     _svc("PreferSameNode", {"service.kubernetes.io/topology-mode": "Auto"}),
     [("10.0.0.1", [], []), ("10.0.0.2", [], []), ("10.0.0.3", [], []), ("10.0.0.4", [], [])]),
    ("topology-mode Disabled: trafficDistribution applies", _svc("PreferSameZone",
                                                                 {"service.kubernetes.io/topology-mode": "Disabled"}),
     [("10.0.0.1", ["zone-a"], []), ("10.0.0.2", ["zone-b"], []), ("10.0.0.3", [], []), ("10.0.0.4", [], [])]),
])
def test_traffic_distribution_hints(name, svc, want):
    """trafficdist.go preferCloseHeuristic.update; reconciler.go: the annotation first (its
    cache here has no node information, so Auto writes no hint at all)."""
    eps = copy.deepcopy(EPS)
    for ep in eps:
        ep["hints"] = {"forZones": [{"name": "stale"}]} if not ep["conditions"]["ready"] else {}
        if not ep["hints"]:
            del ep["hints"]
    reconcile_hints(svc, SliceInfo("ns/svc", "IPv4", to_create=[{"endpoints": eps}]), TopologyCache())
    got = _hints(eps)
    if "PreferS" in name or "PreferClose" in name or "Disabled" in name:
        # an endpoint that is not ready keeps whatever it had (update() skips it)
        assert got[2] == ("10.0.0.3", ["stale"], [])
        got[2] = ("10.0.0.3", [], [])
    assert got == want


@pytest.mark.parametrize("annotations,want", [
    ({"service.kubernetes.io/topology-mode": "Auto"}, True),
    ({"service.kubernetes.io/topology-mode": "auto"}, True),
    ({"service.kubernetes.io/topology-mode": "aUto"}, False),
    ({"service.kubernetes.io/topology-aware-hints": "Auto"}, True),
    ({"service.kubernetes.io/topology-aware-hints": "disabled", "service.kubernetes.io/topology-mode": "Auto"}, False),
    ({}, False),
], ids=["Auto", "auto", "aUto (wrong capitalization)", "deprecated annotation",
        "deprecated annotation has precedence", "none"])
def test_hints_enabled(annotations, want):
    """reconciler utils hintsEnabled."""
    assert hints_enabled(annotations) is want


WEB = manifest(deployment(replicas=3, container="web", image="nginx"), service())


def _cluster(td=None, annotations=None, zones=(None, "zone-a", "zone-b", "zone-b"), proxy_mode="iptables"):
    c = Cluster(nodes=len(zones), zones=list(zones), proxy_mode=proxy_mode)
    c.apply(WEB)
    svc = c.get("svc", "web")
    if td:
        svc["spec"]["trafficDistribution"] = td
    if annotations:
        svc["metadata"]["annotations"] = annotations
    c.apply(svc)
    return c


def _slice_hints(c):
    (s,) = [s for s in c.list("endpointslices", "default")
            if s["metadata"]["labels"].get("kubernetes.io/service-name") == "web"]
    return sorted((ep["nodeName"], ep.get("zone"), tuple(z["name"] for z in (ep.get("hints") or {}).get("forZones", [])))
                  for ep in s["endpoints"])


@pytest.mark.parametrize("proxy_mode", ["iptables", "nftables", "ipvs"])
@pytest.mark.parametrize("td,node,want_nodes", [
    ("PreferSameZone", "node-2", {"node-2"}),
    ("PreferSameZone", "node-3", {"node-3", "node-4"}),
    ("PreferSameZone", "node-1", {"node-2", "node-3", "node-4"}),
    ("PreferSameNode", "node-3", {"node-3"}),
    (None, "node-2", {"node-2", "node-3", "node-4"}),
], ids=["same zone: the one endpoint of zone-a", "same zone: both of zone-b",
        "node without a zone label: every endpoint (topologyModeFromHints)", "same node: its own endpoint",
        "no trafficDistribution: every endpoint"])
def test_requests_stay_in_the_zone(proxy_mode, td, node, want_nodes):
    """Services docs 'Traffic distribution': each node's kube-proxy uses the endpoints hinted for it."""
    c = _cluster(td, proxy_mode=proxy_mode)
    ip = c.get("svc", "web")["spec"]["clusterIP"]
    pods = {p["metadata"]["namespace"] + "/" + p["metadata"]["name"]: p["spec"]["nodeName"]
            for p in c.list("pods", "default")}
    seen = {pods[c.request(f"http://{ip}", from_node=node).pod] for _ in range(40)}
    assert seen == want_nodes


def test_topology_mode_auto_hints_and_events():
    """topologycache: 3 endpoints, zone-a has 1/3 of the workers' CPU and zone-b 2/3: each
    endpoint keeps its own zone; the Service gets the TopologyAwareHintsEnabled event."""
    c = _cluster(annotations={"service.kubernetes.io/topology-mode": "Auto"})
    assert _slice_hints(c) == [("node-2", "zone-a", ("zone-a",)), ("node-3", "zone-b", ("zone-b",)),
                               ("node-4", "zone-b", ("zone-b",))]
    assert "TopologyAwareHintsEnabled  0s    endpoint-slice-controller  Topology Aware Hints has been enabled, " \
           "addressType: IPv4" in c.kubectl("describe svc web")


def test_topology_mode_auto_refuses_one_zone():
    """topologycache getAllocations: every worker in one zone -> no hints, a Warning event."""
    c = _cluster(annotations={"service.kubernetes.io/topology-mode": "Auto"}, zones=(None, "zone-a", "zone-a"))
    assert all(not h for _, _, h in _slice_hints(c))
    assert ("Warning  TopologyAwareHintsDisabled  0s    endpoint-slice-controller  Insufficient Node information: "
            "allocatable CPU or zone not specified on one or more nodes, addressType: IPv4") in c.kubectl("describe svc web")


def test_zone_label_change_reaches_slices_only_on_next_sync():
    """endpointslice_controller.go updateNode: a Node's new zone label only refreshes the
    topology cache; an endpoint's zone is rewritten when its Service is next synced (a pod change)."""
    c = _cluster("PreferSameZone", zones=(None, "zone-a", "zone-b", "zone-b"))
    c.kubectl("label node node-2 topology.kubernetes.io/zone=zone-c --overwrite")
    assert ("node-2", "zone-a", ("zone-a",)) in _slice_hints(c)
    c.kubectl("scale deployment web --replicas=4")
    assert ("node-2", "zone-c", ("zone-c",)) in _slice_hints(c)


@pytest.mark.parametrize("zones,error", [
    (["zone-a"], "Cluster(): zones has 1 entries for 3 nodes: give one zone per node (None for a node without a "
                 "zone), or a dict node -> zone"),
    ({"node-9": "zone-a"}, "Cluster(): zones names node 'node-9', which is not one of the nodes "
                           "['node-1', 'node-2', 'node-3']"),
    ([None, "zone a", "zone-b"], 'Cluster(): zone "zone a" of node node-2 is invalid: a valid label must be an empty '
                                 "string or consist of alphanumeric characters, '-', '_' or '.', and must start and "
                                 "end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', "
                                 "regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"),
    ("zone-a", "Cluster(): zones must be a list with one zone per node, or a dict node -> zone; got string \"zone-a\""),
])
def test_cluster_zones_refused(zones, error):
    """Cluster(zones=): one per node or by name; each a label value (IsValidLabelValue)."""
    from k8snet.errors import UsageError
    with pytest.raises(UsageError) as e:
        Cluster(nodes=3, zones=zones)
    assert str(e.value) == error


def test_cluster_zones_label_nodes():
    """Cluster(zones=) writes topology.kubernetes.io/zone, which kubectl get -L shows as ZONE
    (get.go: the label key's last path segment, upper-cased)."""
    c = Cluster(nodes=3, zones={"node-2": "zone-a", "node-3": "zone-b"})
    assert c.kubectl("get nodes -L topology.kubernetes.io/zone").splitlines() == [
        "NAME     STATUS   ROLES           AGE   VERSION   ZONE",
        "node-1   Ready    control-plane   0s    v1.37.1   ",
        "node-2   Ready    <none>          0s    v1.37.1   zone-a",
        "node-3   Ready    <none>          0s    v1.37.1   zone-b"]


def _versions(c):
    return {s["metadata"]["name"]: (s["metadata"]["resourceVersion"], s["metadata"].get("generation"),
                                    [ep.get("hints") for ep in s["endpoints"]])
            for s in c.list("endpointslices", "default")
            if s["metadata"]["labels"].get("kubernetes.io/service-name") == "web"}


@pytest.mark.parametrize("td,annotations", [
    (None, {"service.kubernetes.io/topology-mode": "Auto"}),
    ("PreferSameZone", None),
    ("PreferSameNode", None),
], ids=["topology-mode Auto", "PreferSameZone", "PreferSameNode"])
def test_hints_do_not_churn(td, annotations):
    """reconciler.go: a sync that changes no endpoint writes no slice (unchanged slices keep their
    still-valid hints), so resourceVersion and generation stay -- through Service resyncs, a
    node's topology event (topologyQueue) and unrelated pods."""
    c = _cluster(td, annotations, zones=(None, "zone-a", "zone-b", "zone-b"))
    before = _versions(c)
    assert before and all(h for _, _, hints in before.values() for h in hints)
    c.kubectl("annotate svc web example.com/note=resync")
    c.kubectl("label node node-3 example.com/rack=r1")
    c.fail_node("node-1")  # the control plane: no endpoint, no capacity for hints
    c.kubectl("run other --image=nginx")
    c.advance(30)
    c.recover_node("node-1")
    c.advance(30)
    assert _versions(c) == before


def test_reconcile_keeps_valid_hints_it_would_not_choose():
    """getHintsByZone: an unchanged slice whose hints are valid stays as stored, even where a
    fresh allocation would hint differently (every endpoint its own zone); the old simulation
    recomputed them and rewrote the slice."""
    from k8snet.controllers import endpointslice
    c = _cluster(annotations={"service.kubernetes.io/topology-mode": "Auto"})
    svc = c.get("svc", "web")
    (stored,) = [s for s in c.list("endpointslices", "default")
                 if s["metadata"]["labels"].get("kubernetes.io/service-name") == "web"]
    swapped = copy.deepcopy(stored)  # zone-b's two endpoints: one hinted for zone-a is still valid?
    eps = sorted(swapped["endpoints"], key=lambda ep: ep["nodeName"])
    eps[1]["hints"] = {"forZones": [{"name": "zone-a"}]}
    eps[0]["hints"] = {"forZones": [{"name": "zone-b"}]}
    nodes = {n["metadata"]["name"]: n for n in c.list("nodes")}
    pods = [p for p in c.list("pods", "default")]
    changes = endpointslice.reconcile(svc, pods, [swapped], nodes=nodes, new_name=lambda p: p + "x",
                                      topology_cache=c.controllers.topology_cache)
    assert (changes.create, changes.update, changes.delete) == ([], [], [])
