"""What request() keeps per version of the objects about the last stretch of a path must
follow the cluster.

``deliver.py`` keeps, per connection (pod, port, source), the pod's node, the NetworkPolicy
verdict, the listening container and the hops that say so; ``connect.py`` keeps what follows
from a kube-proxy trace that DNATs to a pod (the pod, the source it sees, the Service, the
hops). Each row sends requests (filling that memory), changes the cluster as a learner would
-- an API write, the clock alone, or a node or kube-proxy stopping (no write) -- and checks
that the next request shows the change, as the kubelet, the CNI and kube-proxy would.
"""
from __future__ import annotations

import pytest

from .scenarios import cluster_with, pods_of

SLOW = """
apiVersion: v1
kind: Pod
metadata: {name: slow, labels: {app: slow}, annotations: {k8snet.io/startup-seconds: "30"}}
spec:
  containers: [{name: web, image: "nginx:1.27", ports: [{containerPort: 80}]}]
"""
DENY_ALL = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "deny-all"},
            "spec": {"podSelector": {}, "policyTypes": ["Ingress"]}}
FROM_CLIENT = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "web-from-client"},
               "spec": {"podSelector": {"matchLabels": {"app": "web"}},
                        "ingress": [{"from": [{"podSelector": {"matchLabels": {"run": "client"}}}]}]}}


def _pod_url(c, name: str) -> str:
    return f"http://{c.get('pod', name)['status']['podIP']}/"


def _first_web(c) -> str:
    return pods_of(c, "web")[0]["metadata"]["name"]


def _clock_only(seconds: float):
    def run(c):
        version = c.store.version
        c.advance(seconds)
        assert c.store.version == version, "the row needs a change of the clock alone"
    return run


def _fail_node_of(name: str):
    return lambda c: c.fail_node(c.get("pod", name)["spec"]["nodeName"])


def _replace_web_pods(c):
    for pod in pods_of(c, "web"):
        c.delete(f"pod/{pod['metadata']['name']}")
    c.advance(60)


def _target_port(port: int):
    def run(c):
        svc = c.get("service", "web")
        svc["spec"]["ports"][0]["targetPort"] = port
        c.apply(svc)
        c.advance(5)
    return run


def _hop(r, component: str) -> str:
    return next((h.action for h in r.hops if h.component == component), "")


ROWS = [  # (rule, extra manifest, url (a function of the cluster), change, what the next request shows)
    pytest.param(SLOW, lambda c: _pod_url(c, "slow"), _clock_only(40),
                 lambda c, r: r.status == 200 and r.hops[-1].action == "web (container port 80) answers HTTP 200",
                 id="k8snet.io/startup-seconds (the app's own start-up time): the clock alone makes it listen"),
    pytest.param(None, lambda c: _pod_url(c, _first_web(c)), lambda c: _fail_node_of(_first_web(c))(c),
                 lambda c, r: r.error == "connection timed out" and r.hops[-1].action.endswith("is down: no reply"),
                 id="node powered off (no API write): the kubelet no longer answers for its pods"),
    pytest.param(None, lambda c: "http://web", lambda c: (c.apply(DENY_ALL), c.advance(1)),
                 lambda c, r: r.error == "connection timed out" and r.hops[-1].component == "NetworkPolicy",
                 id="network-policies.md Default deny all ingress traffic: the next connection is dropped"),
    pytest.param(None, lambda c: "http://web", lambda c: (c.apply(FROM_CLIENT), c.advance(1)),
                 lambda c, r: r.status == 200 and _hop(r, "NetworkPolicy").endswith(":80")
                 and "default/web-from-client" in next(h.detail for h in r.hops if h.component == "NetworkPolicy"),
                 id="network-policies.md isolation: a pod selected for ingress admits only what a policy allows, "
                    "and the hop names that policy"),
    pytest.param(None, lambda c: "http://web", lambda c: c.stop_kube_proxy("node-1"),
                 lambda c, r: r.status == 200 and _hop(r, "kube-proxy").endswith(
                     "(stale rules: kube-proxy is not running on node-1)"),
                 id="kube-proxy stopped (no API write): the rules it left still DNAT, stale"),
    pytest.param(None, lambda c: "http://web", _replace_web_pods,
                 lambda c, r: r.status == 200 and r.pod in {f"default/{p['metadata']['name']}" for p in pods_of(c, "web")},
                 id="EndpointSlice: the pods replaced, kube-proxy DNATs to the new endpoints"),
    pytest.param(None, lambda c: "http://web", _target_port(8080),
                 lambda c, r: r.error == "connection refused" and "its containers listen on 80/TCP" in r.hops[-1].action,
                 id="Service targetPort changed: the DNAT goes to the new port, where nothing listens"),
]


@pytest.mark.parametrize("extra,url,change,after", ROWS)
def test_next_request_sees_the_change(extra, url, change, after):
    c = cluster_with(nodes=3)
    if extra:
        c.apply(extra)
    c.advance(5)
    for _ in range(20):  # fill whatever the path remembers, for each endpoint kube-proxy may draw
        c.request(url(c), from_pod="client")
    change(c)
    for _ in range(6):
        r = c.request(url(c), from_pod="client")
        assert after(c, r), r.explain()


def test_the_container_hop_names_each_answer():
    """nginx answers 404 for a file it does not have: the container's hop of each request
    names the status that request got, whatever the requests before it got."""
    c = cluster_with()
    got = [c.request(url, from_pod="client") for url in ("http://web/", "http://web/missing", "http://web/")]
    assert [(r.status, r.hops[-1].action) for r in got] == [
        (200, "web (container port 80) answers HTTP 200"), (404, "web (container port 80) answers HTTP 404"),
        (200, "web (container port 80) answers HTTP 200")]


PUBLIC_DNS_ROWS = [  # (client, rule)
    pytest.param({"from_node": "node-1"}, id="a node's resolver (not cluster DNS) asks the public resolver"),
    pytest.param({"from_internet": True}, id="a client on the internet asks the public resolver"),
]


@pytest.mark.parametrize("client", PUBLIC_DNS_ROWS)
def test_public_answer_follows_a_host_moved(client):
    """The public resolver's answer (and the DNS hop that shows it) follows a host of the simulated
    internet declared again at another address, which is no API write (Cluster.add_external_host)."""
    c = cluster_with()
    c.add_external_host("api.example.com", "198.51.100.7")
    for _ in range(3):
        first = c.request("http://api.example.com/", **client)
        assert [h.action for h in first.hops if h.component == "DNS"] == ["api.example.com -> 198.51.100.7"]
    c.add_external_host("api.example.com", "198.51.100.8")
    after = c.request("http://api.example.com/", **client)
    assert [h.action for h in after.hops if h.component == "DNS"] == ["api.example.com -> 198.51.100.8"], after.explain()
