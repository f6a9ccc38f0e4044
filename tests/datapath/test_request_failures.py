"""``Cluster.request`` when it fails: the error curl prints, and the hop that explains it.

Rules: kube-proxy pkg/proxy/iptables/proxier.go (REJECT for Services without endpoints,
"has no endpoints"), the Services and Probes docs, NetworkPolicy docs (dropped packets), the
node lifecycle controller (pkg/controller/nodelifecycle: NotReady after the grace period,
eviction after tolerationSeconds 300).
"""
from __future__ import annotations

import pytest

from .scenarios import cluster_with, pods_of

D = "diagnose/"


_WEB_NEW = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web-new"},
            "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 80}]}}


def _stop_then_replace_coredns(c):
    c.stop_kube_proxy("node-1")
    for p in c.list("pod", namespace="kube-system"):
        if p["metadata"]["name"].startswith("coredns-"):
            c.delete(f"pod/{p['metadata']['name']}", namespace="kube-system")
    c.advance(60)  # the old pods finish terminating; the ReplicaSet's new ones are Ready


def _failed(r):
    return next(h for h in r.hops if not h.ok)


@pytest.mark.parametrize("files,web,setup,url,error,component,words", [
    pytest.param((D + "selector-typo.yaml",), True, None, "http://frontend", "connection refused", "kube-proxy",
                 "has no endpoints", id="no-endpoints: kube-proxy REJECT (icmp-port-unreachable)"),
    pytest.param((D + "targetport-mismatch.yaml",), True, None, "http://web", "connection refused", "pod",
                 "listen on 80/TCP", id="targetPort-not-listening: the pod resets the connection"),
    pytest.param((D + "loopback.yaml",), False, None, "http://web", "connection refused", "pod", "127.0.0.1 only",
                 id="app-on-127.0.0.1: refused from outside the pod"),
    pytest.param((D + "probe-wrong-port.yaml",), False, lambda c: c.advance(20), "http://web", "connection refused",
                 "kube-proxy", "has no endpoints", id="no-pod-ready: no ready endpoint, REJECT"),
    pytest.param((D + "crash-loop.yaml",), False, lambda c: c.advance(30), "http://web", "connection refused",
                 "kube-proxy", "has no endpoints", id="crash-loop: never ready, REJECT"),
    pytest.param((D + "deny-all.yaml",), True, None, "http://web", "connection timed out", "NetworkPolicy",
                 "default/web-deny-all", id="networkpolicy-drop: no reply, the hop names the policy"),
    pytest.param((), True, None, "http://nosuch", "could not resolve host", "DNS", "NXDOMAIN",
                 id="unknown-name: NXDOMAIN after the whole search list"),
    # A stopped kube-proxy leaves its rules in place (nobody flushes them) and stops following the API:
    pytest.param((), True, lambda c: (c.stop_kube_proxy("node-1"), c.apply(_WEB_NEW)), "http://web-new",
                 "connection timed out", "kube-proxy", "not running on node-1, and the rules it left behind predate",
                 id="kube-proxy-stopped: a Service created since has no rule on the node"),
    pytest.param((), True, _stop_then_replace_coredns, "http://web", "could not resolve host", "DNS",
                 "10.96.0.10 to CoreDNS pods that are gone",
                 id="kube-proxy-stopped: stale kube-dns rules point at replaced CoreDNS pods"),
])
def test_failures(files, web, setup, url, error, component, words):
    c = cluster_with(*files, web=web)
    if setup:
        setup(c)
    assert c.get("pod", "client")["spec"]["nodeName"] == "node-1"
    r = c.request(url.format(web=c.get("svc", "web")["spec"]["clusterIP"]), from_pod="client")
    assert (r.status, r.error, r.pod) == (None, error, None), r.explain()
    hop = _failed(r)
    assert hop.component == component and words in hop.action + hop.detail, r.explain()
    assert r.hops[-1] is hop


def test_loopback_app_works_from_inside_its_pod():
    """An app bound to 127.0.0.1 answers `kubectl exec POD -- curl localhost`, but not on the pod
    IP, not even from inside the pod (the socket is bound to the loopback address only)."""
    c = cluster_with(D + "loopback.yaml", web=False)
    pod = pods_of(c, "web")[0]
    me = pod["metadata"]["name"]
    assert c.request("http://localhost", from_pod=me).status == 200
    assert c.request("http://127.0.0.1:80/", from_pod=me).pod == f"default/{me}"
    assert c.request(f"http://{pod['status']['podIP']}", from_pod=me).error == "connection refused"
    assert c.request("http://localhost", from_pod="client").error == "connection refused"


@pytest.mark.parametrize("change, url, want", [
    # Nothing changed since kube-proxy stopped: the rules it left still translate web.
    pytest.param(None, "http://web", 200, id="existing-service-works-on-stale-rules"),
    # pkg/proxy: rules are only written by syncProxyRules, which no longer runs on that node.
    pytest.param(lambda c: c.apply(_WEB_NEW), "http://web-new", "connection timed out", id="new-service-not-applied"),
    # A restarted kube-proxy (its DaemonSet recreates the pod) resyncs every rule.
    pytest.param(lambda c: (c.apply(_WEB_NEW), c.start_kube_proxy("node-1")), "http://web-new", 200,
                 id="restart-resyncs"),
])
def test_kube_proxy_stopped_leaves_its_rules(change, url, want):
    c = cluster_with()
    c.stop_kube_proxy("node-1")
    if change:
        change(c)
    r = c.request(url, from_pod="client")
    assert (r.status if isinstance(want, int) else r.error) == want, r.explain()
    assert "default/web:http cluster IP" in c.iptables_save("node-1")  # the rules are still on the node


@pytest.mark.parametrize("how", ["delete the kube-proxy pod", "delete the DaemonSet"])
def test_kube_proxy_pod_gone(how):
    """Deleting the node's kube-proxy pod restarts it (the DaemonSet recreates it, a full resync);
    deleting the DaemonSet ends kube-proxy everywhere and its rules stay, stale."""
    c = cluster_with()
    pod = next(p["metadata"]["name"] for p in c.list("pod", namespace="kube-system")
               if p["metadata"]["name"].startswith("kube-proxy-") and p["spec"]["nodeName"] == "node-1")
    if how == "delete the kube-proxy pod":
        c.delete(f"pod/{pod}", namespace="kube-system")
    else:
        c.delete("daemonset/kube-proxy", namespace="kube-system")
    c.advance(60)
    c.apply(_WEB_NEW)
    assert c.request("http://web", from_pod="client").status == 200
    new = c.request("http://web-new", from_pod="client")
    assert (new.status if how == "delete the kube-proxy pod" else new.error) == (
        200 if how == "delete the kube-proxy pod" else "connection timed out"), new.explain()


def test_kube_proxy_stopped_only_breaks_its_own_node():
    """kube-proxy's rules are per node: a client on another node still reaches the Service."""
    c = cluster_with()
    c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "client-2"},
             "spec": {"nodeName": "node-2", "containers": [{"name": "c", "image": "busybox"}]}})
    c.stop_kube_proxy("node-1")
    assert c.request("http://web", from_pod="client-2").status == 200
    c.start_kube_proxy("node-1")
    assert c.request("http://web", from_pod="client").status == 200


def test_a_pod_that_is_not_ready_gets_no_traffic():
    """EndpointSlice conditions.ready=false: kube-proxy leaves the pod out (proxier.go uses
    ready endpoints only), while it is still Running."""
    c = cluster_with(D + "probe-path-404.yaml")
    c.advance(20)
    canary = c.get("pod", "web-canary")
    assert canary["status"]["phase"] == "Running" and not any(
        cd["type"] == "Ready" and cd["status"] == "True" for cd in canary["status"]["conditions"])
    answered = {c.request("http://web", from_pod="client").pod for _ in range(60)}
    assert len(answered) == 3 and "default/web-canary" not in answered


def test_pods_of_a_failed_node_are_unreachable_until_replaced():
    """Node lifecycle: a dead node's pods time out; after 50 s NotReady they leave the
    endpoints; after 300 s more they are evicted and recreated elsewhere with new IPs (on the
    other worker: the control plane's NoSchedule taint keeps them off node-1)."""
    c = cluster_with(nodes=3)
    victim = next(p for p in pods_of(c, "web") if p["spec"]["nodeName"] == "node-2")
    c.fail_node("node-2")
    r = c.request(f"http://{victim['status']['podIP']}", from_pod="client")
    assert r.error == "connection timed out" and "node-2" in _failed(r).action
    c.advance(60)  # NotReady: the endpoints on node-2 are no longer ready
    assert all(c.request("http://web", from_pod="client").status == 200 for _ in range(20))
    c.advance(300)  # evicted and replaced on node-3
    live = [p for p in pods_of(c, "web") if (p.get("status") or {}).get("podIP")]
    assert len(live) == 3 and {p["spec"]["nodeName"] for p in live} == {"node-3"}
    assert victim["status"]["podIP"] not in {p["status"]["podIP"] for p in live}
    assert {c.request("http://web", from_pod="client").status for _ in range(20)} == {200}


@pytest.mark.parametrize("mode,error", [
    pytest.param("iptables", "connection timed out", id="iptables: no rule matches, the packet goes nowhere"),
    pytest.param("nftables", "connection refused", id="nftables: cluster-ips-check rejects (proxier.go)"),
    pytest.param("ipvs", "connection refused", id="ipvs: KUBE-IPVS-FILTER rejects (kubernetes#72236)"),
])
def test_request_port_not_in_the_service(mode, error):
    """Only the Service's declared ports are proxied; another port of its ClusterIP fails."""
    r = cluster_with(proxy_mode=mode).request("http://web:8080", from_pod="client")
    assert (r.status, r.error) == (None, error), r.explain()
    assert "8080" in _failed(r).action


@pytest.mark.parametrize("mode, url, want", [
    # cmd/kube-proxy/app/server.go serveMetrics: /proxyMode answers the mode, no newline.
    ("iptables", "http://127.0.0.1:10249/proxyMode", (200, "iptables")),
    ("nftables", "http://localhost:10249/proxyMode", (200, "nftables")),
    ("ipvs", "http://127.0.0.1:10249/proxyMode", (200, "ipvs")),
    # Go's ServeMux for an unknown path.
    ("iptables", "http://127.0.0.1:10249/nosuch", (404, "404 page not found\n")),
    # metricsBindAddress defaults to 127.0.0.1:10249 (kubeadm leaves it unset): not on the node IP.
    ("iptables", "http://172.18.0.2:10249/proxyMode", "connection refused"),
])
def test_kube_proxy_metrics_server_says_its_mode(mode, url, want):
    from k8snet import Cluster
    r = Cluster(seed=0, proxy_mode=mode).request(url, from_node="node-1")
    assert ((r.status, r.body) if isinstance(want, tuple) else r.error) == want, r.explain()
