"""Partial syncs: a change re-renders only the Services it touches, and the result equals a
full rebuild (iptables/proxier.go syncProxyRules skips unchanged SVC/SEP chains unless
doFullSync; nftables skipServiceUpdate)."""
from __future__ import annotations

import copy

import pytest

from k8snet.proxy import ServicePortName

from .objects import base_objects, endpoint, make_state

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
