"""Same seed, same calls -> byte-identical output (contract: ``seed``; ARCHITECTURE.md §5).

Generated names (pod and EndpointSlice suffixes, UIDs), allocated IPs and ports, scheduling
choices and load balancing all come from the seed; nothing reads the wall clock.
"""
from __future__ import annotations

import pytest

from k8snet import Cluster

from .objects import deployment, service
from .test_kubectl_golden import BASE


def _story(seed: int) -> tuple[Cluster, list[str]]:
    c = Cluster(3, seed=seed)
    c.apply(str(BASE))
    c.apply([deployment("shop", replicas=4, probe_delay=5), service("shop", type="LoadBalancer")])
    c.advance(30)
    c.apply(deployment("shop", replicas=4, probe_delay=5, image="nginx:1.28"))
    c.advance(20)
    c.fail_node("node-3")
    c.advance(400)
    answers = [f"{r.pod} {r.status}" for r in (c.request("http://shop", from_pod="default/client") for _ in range(10))]
    return c, answers


@pytest.mark.parametrize("command", ["get pods -A -o wide", "get all,endpointslices,endpoints -A -o yaml",
                                     "get nodes -o json", "describe svc shop"])
def test_same_seed_same_output(command):
    (a, ra), (b, rb) = _story(11), _story(11)
    assert a.kubectl(command) == b.kubectl(command)
    assert ra == rb


def test_same_seed_same_kube_proxy_rules():
    (a, _), (b, _) = _story(11), _story(11)
    assert a.iptables_save("node-1") == b.iptables_save("node-1")


def test_a_different_seed_changes_generated_names():
    # The seed is really used: pod-name suffixes differ (the template hash does not).
    names = lambda c: sorted(p["metadata"]["name"] for p in c.list("Pod") if p["metadata"]["name"].startswith("web-"))
    a, b = Cluster(seed=1), Cluster(seed=2)
    for c in (a, b):
        c.apply(deployment(replicas=3))
    assert names(a) != names(b)
    assert {n.rsplit("-", 1)[0] for n in names(a)} == {n.rsplit("-", 1)[0] for n in names(b)}
