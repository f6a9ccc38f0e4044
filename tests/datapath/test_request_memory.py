"""What request() remembers about a load balancer and the path behind it must follow the cluster.

The data plane keeps, per version of the objects, what a cloud provider reads from a
Service (its port, loadBalancerSourceRanges, the internal annotation, the nodes it may
target), the IP index, the listeners of each pod and the NetworkPolicy verdicts. Each row
sends requests (filling that memory), changes the cluster as a learner would (an API write,
or a node powered off, which is no write), and checks the next request sees the change, as
the cloud provider's next reconcile and kube-proxy's next sync would
(k8s.io/cloud-provider servicecontroller, servicehelper.GetLoadBalancerSourceRanges).
"""
from __future__ import annotations

import ipaddress
import re

import pytest

from .scenarios import cluster_with


def _patch(kind: str, name: str, change):
    def run(c):
        obj = c.get(kind, name)
        change(obj)
        c.apply(obj)
        c.advance(5)
    return run


def _fail_every_node(c):
    for node in c.list("node", None):
        c.fail_node(node["metadata"]["name"])


def _exclude_every_node(c):
    for node in c.list("node", None):
        c.kubectl(f"label node {node['metadata']['name']} node.kubernetes.io/exclude-from-external-load-balancers=")


DENY_ALL = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "deny-all"},
            "spec": {"podSelector": {}, "policyTypes": ["Ingress"]}}

ROWS = [  # (rule, change, a text the failing hop's action must contain)
    pytest.param(_patch("service", "web", lambda s: s["spec"].update(loadBalancerSourceRanges=["10.0.0.0/8"])),
                 "admits 80/TCP only from 10.0.0.0/8",
                 id="servicehelper GetLoadBalancerSourceRanges: the VPC firewall admits only the new ranges"),
    pytest.param(_patch("service", "web", lambda s: s["metadata"].setdefault("annotations", {}).update(
                     {"networking.gke.io/load-balancer-type": "Internal"})),
                 "internal load balancer",
                 id="GCE internal load balancer annotation: the address is private, not reachable from the internet"),
    pytest.param(_patch("service", "web", lambda s: s["spec"]["ports"][0].update(port=8080)),
                 "has no TCP listener on port 80",
                 id="Service port changed: the load balancer listens on the new port only"),
    pytest.param(_exclude_every_node, "no healthy node behind the load balancer",
                 id="well_known_labels.go exclude-from-external-load-balancers: no node left as a target"),
    pytest.param(_fail_every_node, "no healthy node behind the load balancer",
                 id="nodes powered off (no API write): the load balancer's health checks fail at once"),
]


@pytest.mark.parametrize("change,says", ROWS)
def test_load_balancer_follows_the_cluster(change, says):
    c = cluster_with(cloud="gcp", nodes=3)
    _patch("service", "web", lambda s: s["spec"].update(type="LoadBalancer"))(c)
    ip = c.get("service", "web")["status"]["loadBalancer"]["ingress"][0]["ip"]
    for _ in range(3):
        first = c.request(f"http://{ip}/", from_internet=True)
        assert first.status == 200, first.explain()
    change(c)
    ip = c.get("service", "web")["status"]["loadBalancer"]["ingress"][0]["ip"]  # internal: a new, private one
    after = c.request(f"http://{ip}/", from_internet=True)
    assert after.error == "connection timed out" and says in after.hops[-1].action, after.explain()


def test_network_policy_verdict_follows_a_new_policy():
    """NetworkPolicy: a deny-all ingress policy applied between two requests drops the second
    (network-policies.md "Default deny all ingress traffic")."""
    c = cluster_with()
    for _ in range(3):
        assert c.request("http://web", from_pod="client").status == 200
    c.apply(DENY_ALL)
    after = c.request("http://web", from_pod="client")
    assert after.error == "connection timed out" and after.hops[-1].component == "NetworkPolicy", after.explain()



def _client_node(c, response) -> str:
    """The node whose pod range holds the address the request was sent from."""
    ip = ipaddress.ip_address(re.search(r"\(([0-9.]+)\) sends", response.hops[0].action).group(1))
    return next(n["metadata"]["name"] for n in c.list("node", None) if ip in ipaddress.ip_network(n["spec"]["podCIDR"]))


def test_throw_away_client_moves_off_a_tainted_node():
    """A client pod with no origin runs where the scheduler's filters let it (kubectl run): a
    NoSchedule taint added between two requests moves the next one to another node
    (taint-and-toleration.md "NoSchedule"), although the choice is kept between writes."""
    c = cluster_with(nodes=3)
    first = [c.request("http://web") for _ in range(2)][-1]
    node = _client_node(c, first)
    c.kubectl(f"taint node {node} dedicated=other:NoSchedule")
    after = c.request("http://web")
    assert after.status == 200 and _client_node(c, after) not in (node, "node-1"), after.explain()
