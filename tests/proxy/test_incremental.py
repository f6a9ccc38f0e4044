"""Partial syncs: a change re-renders only the Services it touches, and the result equals a
full rebuild (iptables/proxier.go syncProxyRules skips unchanged SVC/SEP chains unless
doFullSync; nftables skipServiceUpdate)."""
from __future__ import annotations

import copy

import pytest

from k8snet.proxy import ServicePortName

from .objects import base_objects, endpoint, endpoint_slice, make_state, service

WEB = ServicePortName("default", "web", "http", "TCP")


def _web_slice(slices):
    return next(s for s in slices if s["metadata"]["name"].startswith("web-"))


@pytest.mark.parametrize("mode", ["iptables", "nftables", "ipvs"])
def test_one_slice_change_rerenders_one_service(mode):
    """update_endpoint_slice → only default/web:http is rendered again."""
    services, slices, nodes = base_objects()
    state = make_state(mode=mode, services=services, slices=slices, nodes=nodes)
    before = state.render(now=0)
    backend = {"iptables": "iptables", "nftables": "nftables", "ipvs": "ipvs"}[mode]
    rendered = state.render_count[backend]
    old = _web_slice(slices)
    new = copy.deepcopy(old)
    new["endpoints"].append(endpoint("10.244.1.20", "node-1"))
    assert state.update_endpoint_slice(old, new) == {WEB}
    after = state.render(now=0)
    assert state.render_count[backend] == rendered + 1
    assert after != before
    new_slices = [new if s is old else s for s in slices]
    full = make_state(mode=mode, services=services, slices=new_slices, nodes=nodes).render(now=0)
    assert after == full


def test_only_the_changed_service_text_changes():
    """iptables: every changed line belongs to default/web (its KUBE-SVC/KUBE-SEP chains)."""
    services, slices, nodes = base_objects()
    state = make_state(services=services, slices=slices, nodes=nodes)
    before = set(state.iptables_save("nat").splitlines())
    old = _web_slice(slices)
    new = copy.deepcopy(old)
    new["endpoints"].pop()  # 10.244.2.8 goes away
    state.update_endpoint_slice(old, new)
    after = set(state.iptables_save("nat").splitlines())
    changed = before ^ after
    assert changed
    assert all("default/web:http" in line or line.startswith(":KUBE-SEP-") for line in changed), changed


def test_unrelated_update_renders_nothing():
    """An update that changes nothing kube-proxy uses produces no change and no re-render."""
    services, slices, nodes = base_objects()
    state = make_state(services=services, slices=slices, nodes=nodes)
    state.iptables_save("nat")
    n = state.render_count["iptables"]
    svc = services[2]
    relabeled = copy.deepcopy(svc)
    relabeled["metadata"]["labels"] = {"team": "a"}
    assert state.update_service(svc, relabeled) == set()
    state.iptables_save("nat")
    assert state.render_count["iptables"] == n


def test_node_label_change_forces_full_resync():
    """Node label changes set needFullSync upstream (topology may change)."""
    services, slices, nodes = base_objects()
    state = make_state(services=services, slices=slices, nodes=nodes)
    state.iptables_save("nat")
    n = state.render_count["iptables"]
    relabeled = copy.deepcopy(nodes[0])
    relabeled["metadata"]["labels"]["topology.kubernetes.io/zone"] = "z1"
    assert state.update_node(relabeled)
    state.iptables_save("nat")
    assert state.render_count["iptables"] == n + len(state.service_port_map())


# --- event sequences: the incremental state always equals a fresh build ------------------
def _slice_of(slices, prefix):
    return next(s for s in slices if s["metadata"]["name"].startswith(prefix + "-"))


def _add_service(services, slices, nodes):
    svc = service("extra", "10.96.77.77", [{"name": "http", "port": 80}])
    sl = endpoint_slice("extra", [endpoint("10.244.1.30", "node-1")], [{"name": "http", "port": 80}])
    return [("svc", None, svc), ("slice", None, sl)], services + [svc], slices + [sl], nodes


def _delete_service(services, slices, nodes):
    web, sl = services[2], _web_slice(slices)
    return ([("svc", web, None), ("slice", sl, None)],
            [s for s in services if s is not web], [s for s in slices if s is not sl], nodes)


def _rename_port(services, slices, nodes):
    old = services[2]
    new = copy.deepcopy(old)
    new["spec"]["ports"][0]["name"] = "web"
    return [("svc", old, new)], [new if s is old else s for s in services], slices, nodes


def _endpoint_terminates(services, slices, nodes):
    old = _web_slice(slices)
    new = copy.deepcopy(old)
    new["endpoints"][0]["conditions"] = {"ready": False, "serving": True, "terminating": True}
    return [("slice", old, new)], services, [new if s is old else s for s in slices], nodes


def _big_slice(old, n):
    new = copy.deepcopy(old)
    new["endpoints"] = [endpoint(f"10.244.{i // 250 + 3}.{i % 250 + 1}", "node-2") for i in range(n)]
    return new


def _grow_past_threshold(services, slices, nodes):
    old = _web_slice(slices)
    new = _big_slice(old, 1001)
    return [("slice", old, new)], services, [new if s is old else s for s in slices], nodes


def _shrink_below_threshold(services, slices, nodes):
    # Start large (the state is built from these), then drop back under the threshold.
    old = _web_slice(slices)
    big = _big_slice(old, 1001)
    slices[slices.index(old)] = big
    small = _big_slice(old, 3)
    return [("slice", big, small)], services, [small if s is big else s for s in slices], nodes


def _zone_label(services, slices, nodes):
    # web's endpoints carry zone hints; node-1 entering zone z1 narrows it to its zone's.
    for ep, zone in zip(_web_slice(slices)["endpoints"], ("z1", "z2", "z2")):
        ep["hints"] = {"forZones": [{"name": zone}]}
    new = copy.deepcopy(nodes[0])
    new["metadata"]["labels"]["topology.kubernetes.io/zone"] = "z1"
    return [("node", nodes[0], new)], services, slices, [new] + nodes[1:]


SEQUENCES = [
    ("add-service", _add_service,
     "servicechangetracker.go Update: a new Service's ports enter the ServicePortMap"),
    ("delete-service", _delete_service,
     "servicechangetracker.go Update(old, nil): the ports leave the map, their chains go"),
    ("rename-port", _rename_port,
     "serviceport.go ServicePortName: a renamed port is a new ServicePortName"),
    ("endpoint-terminates", _endpoint_terminates,
     "topology.go CategorizeEndpoints: a terminating endpoint drops out of the ready set"),
    ("grow-past-large-cluster-threshold", _grow_past_threshold,
     "iptables/proxier.go largeClusterEndpointsThreshold: >1000 endpoints drops SEP comments"),
    ("shrink-below-large-cluster-threshold", _shrink_below_threshold,
     "iptables/proxier.go largeClusterEndpointsThreshold: back to ≤1000 restores the comments"),
    ("node-zone-label", _zone_label,
     "proxier.go OnNodeUpdate needFullSync + topology.go canUseTopology: zone hints apply"),
]


@pytest.mark.parametrize("mode", ["iptables", "nftables", "ipvs"])
@pytest.mark.parametrize("sequence,rule", [s[1:] for s in SEQUENCES], ids=[s[0] for s in SEQUENCES])
def test_event_sequence_matches_full_rebuild(sequence, rule, mode):
    """Partial syncs (pkg/proxy/iptables/proxier.go syncProxyRules) print what a full one does."""
    services, slices, nodes = base_objects()
    events, services2, slices2, nodes2 = sequence(services, slices, nodes)
    state = make_state(mode=mode, services=services, slices=slices, nodes=nodes)
    before = state.render(now=0)
    apply = {"svc": state.update_service, "slice": state.update_endpoint_slice,
             "node": lambda old, new: state.update_node(new)}
    for kind, old, new in events:
        apply[kind](old, new)
    full = make_state(mode=mode, services=services2, slices=slices2, nodes=nodes2)
    assert state.render(now=0) == full.render(now=0), rule
    assert state.render(now=0) != before, rule
    if mode == "iptables":
        assert state.iptables_save("filter") == full.iptables_save("filter"), rule
        assert state.service_port_map() == full.service_port_map(), rule
        assert state.endpoints_map() == full.endpoints_map(), rule


def test_only_changed_service_is_rerendered_among_many():
    """proxier.go syncProxyRules partial sync: 200 Services, one slice changes → one render."""
    services = [service(f"s{i}", f"10.96.{i // 200}.{i % 200 + 1}", [{"name": "http", "port": 80}])
                for i in range(200)]
    slices = [endpoint_slice(f"s{i}", [endpoint(f"10.244.1.{i % 250 + 1}", "node-1")],
                             [{"name": "http", "port": 80}]) for i in range(200)]
    state = make_state(services=services, slices=slices)
    state.iptables_save("nat")
    n = state.render_count["iptables"]
    new = copy.deepcopy(slices[150])
    new["endpoints"].append(endpoint("10.244.2.99", "node-2"))
    state.update_endpoint_slice(slices[150], new)
    text = state.iptables_save("nat")
    assert state.render_count["iptables"] == n + 1
    assert text == make_state(services=services, slices=slices[:150] + [new] + slices[151:]).iptables_save("nat")
