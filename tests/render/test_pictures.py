"""What the pictures say, row by row: each row is a scenario, a picture, and a fact about
the DOT source that the upstream rule in the row demands."""
from __future__ import annotations

import re

import pytest

from k8snet import Cluster
from k8snet.render.graphviz import PALETTE, RED

from . import scenarios


def statement(source: str, node_id: str) -> str:
    """The DOT statement that declares ``node_id`` (fails the test when there is none)."""
    m = re.search(rf'^\t+"?{re.escape(node_id)}"? \[.*?\]$', source, re.M | re.S)
    assert m, f"no node {node_id!r} in:\n{source}"
    return m.group(0)


def edge(source: str, tail: str, head: str) -> str:
    m = re.search(rf'^\t+"?{re.escape(tail)}"? -> "?{re.escape(head)}"?(?: \[.*?\])?$', source, re.M | re.S)
    assert m, f"no edge {tail} -> {head} in:\n{source}"
    return m.group(0)


def lb_cluster(cloud):
    c = Cluster(2, cloud=cloud, seed=2)
    c.apply({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "shop"},
             "spec": {"type": "LoadBalancer", "selector": {"app": "shop"}, "ports": [{"port": 80}]}})
    return c


def ingress_cluster(addons, backend="web"):
    c = Cluster(1, addons=addons, seed=2)
    c.apply({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "site"},
             "spec": {"rules": [{"host": "site.example.com", "http": {"paths": [
                 {"path": "/", "pathType": "Prefix",
                  "backend": {"service": {"name": backend, "port": {"number": 80}}}}]}}]}})
    return c


def node_down_with_terminating_pod():
    c = scenarios.base()
    c.fail_node("node-2")
    c.advance(60)
    c.delete("pod/web-canary")  # node-2's kubelet is gone: nothing finishes the deletion
    return c


def gateway_cluster():
    c = Cluster(1, cloud="gcp", addons=["gateway"], seed=3)
    c.apply([{"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway", "metadata": {"name": "gw"},
              "spec": {"gatewayClassName": "k8snet", "listeners": [{"name": "http", "protocol": "HTTP", "port": 80}]}},
             {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": {"name": "shop"},
              "spec": {"parentRefs": [{"name": "gw"}], "hostnames": ["shop.example.com"],
                       "rules": [{"matches": [{"path": {"type": "PathPrefix", "value": "/cart"}}],
                                  "backendRefs": [{"name": "cart", "port": 8080}]}]}}])
    return c


def _lb_ip(c):
    return c.get("svc", "shop")["status"]["loadBalancer"]["ingress"][0]["ip"]


TOPOLOGY = [
    # (id, cluster, graph() keywords, check(source, cluster), upstream rule)
    ("not-ready endpoint is dashed", scenarios.base, {},
     lambda s, c: 'label="not ready"' in edge(s, "svc/default/web", "pod/default/web-canary")
     and "style=dashed" in edge(s, "svc/default/web", "pod/default/web-canary"),
     "discovery.k8s.io/v1 EndpointConditions.ready: a not-ready endpoint gets no new traffic"),
    ("not-ready pod has its own fill", scenarios.base, {},
     lambda s, c: PALETTE["pod_not_ready"][0] in statement(s, "pod/default/web-canary")
     and "0/1 ready" in statement(s, "pod/default/web-canary"),
     "pod-lifecycle docs, Pod conditions: Ready=False while the readiness probe fails"),
    ("NodePort answers on every node IP", scenarios.base, {},
     lambda s, c: all(f"{ip}:{c.get('svc', 'web')['spec']['ports'][0]['nodePort']}" in s
                      for ip in ("172.18.0.2", "172.18.0.3")),
     "Service docs, type NodePort: each node proxies that port on its addresses"),
    ("system namespaces hidden by default", scenarios.base, {},
     lambda s, c: "kube-dns" not in s and "svc/default/kubernetes" not in s and "coredns" not in s,
     "kubeadm: kube-system holds the cluster's own add-ons"),
    ("show_system adds them", scenarios.base, {"show_system": True},
     lambda s, c: "svc/kube-system/kube-dns" in s and "svc/default/kubernetes" in s and "ClusterIP 10.96.0.10" in s,
     "kubeadm: Service kube-dns at the tenth service IP; default/kubernetes at the first"),
    ("namespaces picks exactly those", scenarios.base, {"namespaces": ["kube-system"]},
     lambda s, c: "svc/kube-system/kube-dns" in s and "web" not in s,
     "(k8snet) graph(namespaces=...) narrows the picture"),
    ("LoadBalancer pending without a cloud", lambda: lb_cluster(None), {},
     lambda s, c: "&lt;pending&gt; (no cloud)" in statement(s, "lb/default/shop"),
     "Service docs, type LoadBalancer: EXTERNAL-IP <pending> until a cloud provisions one"),
    ("LoadBalancer address and its NodePort on a cloud", lambda: lb_cluster("gcp"), {},
     lambda s, c: f"{_lb_ip(c)} (gcp)" in statement(s, "lb/default/shop")
     and edge(s, "lb/default/shop", f"np/default/shop/{c.get('svc', 'shop')['spec']['ports'][0]['nodePort']}"),
     "Service docs, allocateLoadBalancerNodePorts (default true): a LoadBalancer is also a NodePort"),
    ("Ingress without a controller", lambda: ingress_cluster([]), {},
     lambda s, c: "no controller serves it" in statement(s, "ing/default/site")
     and "dashed" in statement(s, "ing/default/site"),
     "Ingress docs, Prerequisites: an Ingress has no effect without an Ingress controller"),
    ("Ingress controller with its hosts", lambda: ingress_cluster(["ingress-nginx"]), {},
     lambda s, c: "hosts: site.example.com" in statement(s, "ingress-controller")
     and "site.example.com/" in edge(s, "ingress-controller", "svc/default/web"),
     "ingress-nginx: one controller serves every Ingress of its IngressClass"),
    ("backend Service that does not exist", lambda: ingress_cluster(["ingress-nginx"], "nope"), {},
     lambda s, c: "does not exist" in statement(s, "svc/default/nope") and RED in statement(s, "svc/default/nope"),
     "ingress-nginx: a missing backend Service answers 503"),
    ("terminating pod dashed, NotReady node red", node_down_with_terminating_pod, {},
     lambda s, c: "dashed" in statement(s, "pod/default/web-canary") and "Terminating" in statement(s, "pod/default/web-canary")
     and "NotReady" in s and PALETTE["node_down"][1] in s,
     "pod-lifecycle docs, Termination of Pods: Terminating until the kubelet confirms; node Ready=Unknown"),
    ("Gateway with address and routes", gateway_cluster, {},
     lambda s, c: "address 34." in statement(s, "gw/default/gw")
     and "shop.example.com/cart" in edge(s, "gw/default/gw", "svc/default/cart"),
     "Gateway API: status.addresses; HTTPRoute parentRefs attach rules to the Gateway"),
]


@pytest.mark.parametrize("name,make,options,check,rule", TOPOLOGY, ids=[t[0] for t in TOPOLOGY])
def test_topology(name, make, options, check, rule):
    cluster = make()
    source = cluster.graph(**options).source
    assert check(source, cluster), f"{rule}\n{source}"


def _hop_ids(source):
    return re.findall(r"^\t+(hop\d+) \[", source, re.M)


REQUESTS = [
    # (id, scenario, check(source, response), upstream rule)
    ("one node per hop, in order", scenarios.success,
     lambda s, r: _hop_ids(s) == [f"hop{i}" for i in range(1, len(r.hops) + 1)],
     "(k8snet) Response.hops, numbered as explain() numbers them"),
    ("the chosen endpoint is on the edge and the pod is bold", scenarios.success,
     lambda s, r: f'endpoint {r.hops[2].action.split("DNAT to ")[1].split()[0]}' in s
     and "penwidth=2.8" in s and "✓ HTTP 200" in statement(s, "outcome"),
     "pkg/proxy/iptables/proxier.go: KUBE-SEP-… DNAT --to-destination the chosen endpoint"),
    ("refused: the REJECT rule is shown in red", scenarios.refused,
     lambda s, r: PALETTE["failed"][0] in statement(s, "hop3") and "REJECT" in statement(s, "hop3")
     and "connection refused" in statement(s, "outcome"),
     "pkg/proxy/iptables/proxier.go: 'has no endpoints' -j REJECT --reject-with icmp-port-unreachable"),
    ("timed out: the deciding policy is named", scenarios.timed_out,
     lambda s, r: "deny-web" in statement(s, f"hop{len(r.hops)}") and RED in statement(s, f"hop{len(r.hops)}")
     and "connection timed out" in statement(s, "outcome"),
     "network-policies docs: an isolated pod drops what no policy allows"),
]


@pytest.mark.parametrize("name,scenario,check,rule", REQUESTS, ids=[t[0] for t in REQUESTS])
def test_request(name, scenario, check, rule):
    response = scenario(scenarios.base())
    source = response.graph().source
    assert check(source, response), f"{rule}\n{source}"
