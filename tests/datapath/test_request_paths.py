"""``Cluster.request`` on paths that work: one row per way into a Service.

Each row names the upstream rule (Services docs = kubernetes.io/docs/concepts/services-networking/service/,
DNS docs = .../dns-pod-service/, kube-proxy = pkg/proxy/iptables/proxier.go syncProxyRules) and
checks the contract's ``Response`` fields: status, error, body, headers, backend, pod, hops.
"""
from __future__ import annotations

import pytest

from .scenarios import cluster_with, node_ip, pods_of

NODE_PORT = "request/kinds.yaml"


def _components(r) -> list[str]:
    return [h.component for h in r.hops]


@pytest.mark.parametrize("url,client,backend,pod_prefix,body_has", [
    pytest.param("http://web", "client", "default/web:80", "default/web-", "Welcome to nginx!",
                 id="short-name: DNS docs 'Namespaces of Services' (search list default.svc.cluster.local)"),
    pytest.param("http://web.default.svc.cluster.local", "client", "default/web:80", "default/web-",
                 "Welcome to nginx!", id="fqdn: DNS docs 'A/AAAA records' <svc>.<ns>.svc.<zone>"),
    pytest.param("http://api.prod", "client", "prod/api:80", "prod/api-", "api in prod",
                 id="cross-namespace: DNS docs 'Namespaces of Services' (<svc>.<ns>)"),
    pytest.param("http://api.prod.svc:80/x", "client", "prod/api:80", "prod/api-", "api in prod",
                 id="cross-namespace-svc-suffix: search list svc.cluster.local"),
])
def test_from_a_pod_through_the_cluster_ip(url, client, backend, pod_prefix, body_has):
    c = cluster_with("request/prod-api.yaml")
    r = c.request(url, from_pod=client)
    assert (r.status, r.error, r.backend) == (200, None, backend), r.explain()
    assert r.pod.startswith(pod_prefix) and body_has in r.body
    assert _components(r)[:3] == ["client", "DNS", "kube-proxy"]
    assert "DNAT" in r.hops[2].action


def test_nginx_headers_come_back():
    """The answering container's headers reach the client unchanged (nginx sets Server)."""
    r = cluster_with().request("http://web", from_pod="client")
    assert r.headers["Server"].startswith("nginx/") and r.headers["Content-Type"] == "text/html"


def test_short_name_of_another_namespace_does_not_resolve():
    """DNS docs: a short name is searched in the client's own namespace first — api lives in prod."""
    r = cluster_with("request/prod-api.yaml").request("http://api", from_pod="client")
    assert (r.status, r.error) == (None, "could not resolve host")


@pytest.mark.parametrize("node", ["node-1", "node-2", "node-3"])
def test_node_port_answers_on_every_node(node):
    """Services docs 'type: NodePort': every node proxies the nodePort, whether or not it hosts
    an endpoint (proxier.go: KUBE-NODEPORTS on every node)."""
    c = cluster_with(NODE_PORT, nodes=3)
    r = c.request(f"http://{node_ip(c, node)}:30080", from_internet=True)
    assert (r.status, r.backend) == (200, "default/nodeport:80"), r.explain()
    assert r.pod.startswith("default/web-") and "NodePort" in _components(r)


@pytest.mark.parametrize("service_port,node,status,error,client_address", [
    pytest.param(30081, "node-1", 200, None, "node-ip:node-1",
                 id="Cluster, node without endpoint: forwarded, source SNATed to the entry node"),
    pytest.param(30081, "node-2", 200, None, "node-ip:node-2",
                 id="Cluster, node with the endpoint: still masqueraded (KUBE-MARK-MASQ on KUBE-EXT)"),
    pytest.param(30082, "node-1", None, "connection timed out", None,
                 id="Local, node without a local endpoint: dropped (proxier.go 'has no local endpoints')"),
    pytest.param(30082, "node-2", 200, None, "203.0.113.10",
                 id="Local, node with the endpoint: client source IP preserved"),
])
def test_external_traffic_policy(service_port, node, status, error, client_address):
    """Services docs 'External traffic policy' and 'Preserving the client source IP'
    (tasks/access-application-cluster/create-external-load-balancer): echoserver prints client_address."""
    c = cluster_with("request/echo-nodeport.yaml", web=False)
    assert pods_of(c, "echo")[0]["spec"]["nodeName"] == "node-2"  # the scheduler's choice, fixed by the seed
    r = c.request(f"http://{node_ip(c, node)}:{service_port}", from_internet=True)
    assert (r.status, r.error) == (status, error), r.explain()
    if client_address:
        want = node_ip(c, client_address.split(":")[1]) if client_address.startswith("node-ip:") else client_address
        assert f"client_address={want}\n" in r.body


@pytest.mark.parametrize("client,status,error", [
    pytest.param("client-2", 200, None, id="client on the endpoint's node: served locally"),
    pytest.param("client", None, "connection timed out", id="client on another node: no local endpoint, dropped"),
])
def test_internal_traffic_policy_local(client, status, error):
    """Services docs 'Internal traffic policy': Local only uses endpoints on the client's node."""
    c = cluster_with("request/echo-nodeport.yaml", web=False)
    r = c.request("http://echo-internal-local", from_pod=client)
    assert (r.status, r.error) == (status, error), r.explain()


def test_load_balancer_on_a_cloud_from_the_internet():
    """Services docs 'type: LoadBalancer': the cloud writes status.loadBalancer.ingress; traffic
    to it goes LB -> node -> kube-proxy -> pod."""
    c = cluster_with(NODE_PORT, cloud="gcp")
    ip = c.get("svc", "web-lb")["status"]["loadBalancer"]["ingress"][0]["ip"]
    r = c.request(f"http://{ip}", from_internet=True)
    assert (r.status, r.backend) == (200, "default/web-lb:80"), r.explain()
    assert _components(r)[:3] == ["client", "cloud load balancer", "kube-proxy"]
    assert c.request(f"http://{c.get('svc', 'web-lb')['spec']['clusterIP']}", from_internet=True).error \
        == "connection timed out"  # a ClusterIP is not reachable from outside


def test_load_balancer_pending_without_a_cloud():
    """Services docs 'type: LoadBalancer': with no cloud provider EXTERNAL-IP stays <pending> and
    there is no external address, but its NodePort works."""
    c = cluster_with(NODE_PORT)
    svc = c.get("svc", "web-lb")
    assert not (svc.get("status") or {}).get("loadBalancer", {}).get("ingress")
    line = next(ln for ln in c.kubectl("get svc web-lb").splitlines() if ln.startswith("web-lb"))
    assert "<pending>" in line
    r = c.request(f"http://{node_ip(c, 'node-1')}:{svc['spec']['ports'][0]['nodePort']}", from_internet=True)
    assert r.status == 200


def test_external_name_is_a_cname_not_a_proxy():
    """Services docs 'type: ExternalName': DNS returns a CNAME; no proxying, no kube-proxy rule."""
    c = cluster_with(NODE_PORT)
    c.add_external_host("api.example.com", "93.184.215.14")
    r = c.request("http://ext", from_pod="client")
    assert (r.status, r.backend, r.pod) == (200, None, None), r.explain()
    assert "CNAME api.example.com." in r.hops[1].action and "kube-proxy" not in _components(r)
    assert "<h1>api.example.com</h1>" in r.body


def test_headless_connects_straight_to_a_pod_ip():
    """Services docs 'Headless Services': DNS returns pod IPs; no ClusterIP, no kube-proxy."""
    c = cluster_with(NODE_PORT)
    r = c.request("http://web-headless", from_pod="client")
    pod_ips = {p["status"]["podIP"] for p in c.list("pod") if p["metadata"]["name"].startswith("web-")}
    assert r.status == 200 and r.hops[1].action.split(" -> ")[1] in pod_ips, r.explain()
    assert "kube-proxy" not in _components(r) and "pod network" in _components(r)


def test_service_without_selector_uses_manual_endpoints():
    """Services docs 'Services without selectors': an EndpointSlice you write (label
    kubernetes.io/service-name) is what kube-proxy uses."""
    c = cluster_with("diagnose/no-selector.yaml")
    ip = next(p["status"]["podIP"] for p in c.list("pod") if p["metadata"]["name"].startswith("web-"))
    c.apply({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
             "metadata": {"name": "legacy-1", "labels": {"kubernetes.io/service-name": "legacy"}},
             "addressType": "IPv4", "ports": [{"name": "http", "port": 80, "protocol": "TCP"}],
             "endpoints": [{"addresses": [ip]}]})
    r = c.request("http://legacy", from_pod="client")
    assert (r.status, r.backend) == (200, "default/legacy:80"), r.explain()
    assert f"DNAT to {ip}:80" in r.hops[2].action


def test_request_is_deterministic(golden):
    """Same seed, same calls: byte-identical hops (contract: 'seed')."""
    texts = []
    for _ in range(2):
        c = cluster_with("request/echo-nodeport.yaml", web=False)
        texts.append(c.request(f"http://{node_ip(c, 'node-1')}:30081", from_internet=True).explain() + "\n")
    assert texts[0] == texts[1]
    golden("datapath", "nodeport-cluster-policy.explain.txt", texts[0])
