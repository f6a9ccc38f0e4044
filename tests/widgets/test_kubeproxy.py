"""Chapter 05's LoadBalancingView: histograms of which pod answered, per mode and affinity."""
from __future__ import annotations

import pytest

from k8snet.widgets.kubeproxy import CLIENTS, MODES, LoadBalancingView, build_cluster, histogram_html, rules_excerpt, send

ONE, THREE, NAT = CLIENTS


@pytest.mark.parametrize("mode, affinity, clients, n, check", [
    # iptables mode: random choice, every pod gets some of 90 (Virtual IPs page, "iptables proxy mode").
    ("iptables", "None", ONE, 90, lambda c: len(c) == 3 and min(c.values()) > 10),
    ("nftables", "None", ONE, 90, lambda c: len(c) == 3 and min(c.values()) > 10),
    # IPVS rr: strict turns -> exactly equal shares from one client.
    ("ipvs (rr)", "None", ONE, 90, lambda c: sorted(c.values()) == [30, 30, 30]),
    # IPVS sh: source hashing -> one client always meets one pod.
    ("ipvs (sh)", "None", ONE, 30, lambda c: len(c) == 1),
    # sessionAffinity ClientIP: one source IP sticks (Virtual IPs page, "Session affinity").
    ("iptables", "ClientIP", ONE, 30, lambda c: len(c) == 1),
    ("nftables", "ClientIP", ONE, 30, lambda c: len(c) == 1),
    ("ipvs (rr)", "ClientIP", ONE, 30, lambda c: len(c) == 1),
    # The NAT gotcha: everyone behind one NAT address is one client to ClientIP affinity.
    ("iptables", "ClientIP", NAT, 30, lambda c: len(c) == 1),
    # Three client pods: at most three pods get traffic under affinity.
    ("iptables", "ClientIP", THREE, 30, lambda c: 1 <= len(c) <= 3 and sum(c.values()) == 30),
], ids=["iptables-spread", "nftables-spread", "ipvs-rr-equal", "ipvs-sh-sticks", "iptables-affinity",
        "nftables-affinity", "ipvs-affinity", "nat-gotcha", "three-clients-affinity"])
def test_histograms(mode, affinity, clients, n, check):
    c = send(build_cluster(mode, 3, affinity), n, clients)
    assert sum(c.values()) == n
    assert check(c), dict(c)


@pytest.mark.parametrize("replicas, want", [
    # proxier.go: probability 1/(n-i) for endpoint i, the last rule without one.
    (2, ["0.50000000000", None]),
    (3, ["0.33333333349", "0.50000000000", None]),
    (4, ["0.25000000000", "0.33333333349", "0.50000000000", None]),
], ids=["n2", "n3", "n4"])
def test_iptables_probabilities(replicas, want):
    lines = rules_excerpt(build_cluster("iptables", replicas)).splitlines()
    got = [line.split("--probability ")[1].split()[0] if "--probability" in line else None for line in lines]
    assert got == want


@pytest.mark.parametrize("mode, needle", [("nftables", "numgen random mod 3 vmap"), ("ipvs (rr)", " rr"),
                                          ("ipvs (lc)", " lc"), ("ipvs (sh)", " sh")],
                         ids=["nft-numgen", "ipvs-rr", "ipvs-lc", "ipvs-sh"])
def test_rules_excerpt_per_mode(mode, needle):
    assert needle in rules_excerpt(build_cluster(mode, 3))


def test_histogram_html_lists_idle_pods():
    out = histogram_html({"a": 3}, pods=["a", "b"])
    assert ">b<" in out and "0 (0%)" in out and "3 (100%)" in out


def test_render_deterministic_all_modes():
    v = LoadBalancingView()
    for mode in MODES:
        a = v.render(mode, 3, "None", ONE, 12)
        assert a == v.render(mode, 3, "None", ONE, 12)


def test_widget_wires_controls():
    v = LoadBalancingView()
    v.widget()
    v._controls["mode"].value = "ipvs (rr)"
    v._controls["n"].value = 12
    assert "4 (33%)" in v._areas["histogram"].value


def test_widget_clusters_do_not_take_over_the_magics():
    from k8snet import Cluster
    from k8snet.magics import current
    mine = Cluster(seed=11)
    LoadBalancingView().render("iptables", 2, "None", ONE, 6)
    assert current() is mine
