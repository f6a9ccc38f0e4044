"""dnsPolicy end to end: the resolv.conf the kubelet writes (the rows of kubelet
pkg/kubelet/network/dns/dns_test.go TestGetPodDNSCustom, with its own values), the server each
lookup reaches, the managed /etc/hosts (kubelet_pods.go managedHostsFileContent), per-pod names
(kubernetes/dns docs/specification.md 2.4.1; EndpointSlice controller podToEndpoint) and a
client that keeps answers (virtual-ips.md, "Why not use round-robin DNS?")."""
from __future__ import annotations

import pytest

from k8snet import Cluster
from k8snet.dns import pod_resolv_conf
from k8snet.dnsclients import CachingClient
from k8snet.grader.ex15_dns_policies import VIP_SCENARIO

HOST = "nameserver 8.8.8.8\nsearch host.domain\n"
CLUSTER_SEARCH = ("testNS.svc.kubernetes.io", "svc.kubernetes.io", "kubernetes.io")
CUSTOM = {"nameservers": ["10.0.0.11"], "searches": ["my.domain"],
          "options": [{"name": "ndots", "value": "3"}, {"name": "debug"}]}

# (dns_test.go desc, hostNetwork, dnsPolicy, dnsConfig, servers, searches, options)
CUSTOM_ROWS = [
    ("DNSNone without DNSConfig should have empty DNS settings", False, "None", None, (), (), ()),
    ("DNSNone with DNSConfig should have a merged DNS settings", False, "None",
     {"nameservers": ["203.0.113.1"], "searches": ["my.domain", "second.domain"],
      "options": [{"name": "ndots", "value": "3"}, {"name": "debug"}]},
     ("203.0.113.1",), ("my.domain", "second.domain"), ("ndots:3", "debug")),
    ("DNSClusterFirst with DNSConfig should have a merged DNS settings", False, "ClusterFirst", CUSTOM,
     ("10.0.0.10", "10.0.0.11"), CLUSTER_SEARCH + ("host.domain", "my.domain"), ("ndots:3", "debug")),
    ("DNSClusterFirstWithHostNet with DNSConfig should have a merged DNS settings", True,
     "ClusterFirstWithHostNet", CUSTOM,
     ("10.0.0.10", "10.0.0.11"), CLUSTER_SEARCH + ("host.domain", "my.domain"), ("ndots:3", "debug")),
    ("DNSDefault with DNSConfig should have a merged DNS settings", False, "Default", CUSTOM,
     ("8.8.8.8", "10.0.0.11"), ("host.domain", "my.domain"), ("ndots:3", "debug")),
    # TestGetPodDNSType: ClusterFirst on the host network -> podDNSHost
    ("TestGetPodDNSType: ClusterFirst + hostNetwork is DNSDefault", True, "ClusterFirst", None,
     ("8.8.8.8",), ("host.domain",), ()),
]


@pytest.mark.parametrize("row", CUSTOM_ROWS, ids=[r[0] for r in CUSTOM_ROWS])
def test_get_pod_dns_custom(row):
    _, host_net, policy, config, servers, searches, options = row
    spec = {"dnsPolicy": policy, "hostNetwork": host_net, **({"dnsConfig": config} if config else {})}
    conf = pod_resolv_conf({"metadata": {"name": "test_pod", "namespace": "testNS"}, "spec": spec},
                           cluster_domain="kubernetes.io", cluster_dns=("10.0.0.10",), node_resolv_conf=HOST)
    assert conf.nameservers == servers and conf.searches == searches
    assert set(conf.options) == set(options)  # dnsConfigsAreEqual: "Options order may be changed"


PODS = """apiVersion: v1
kind: Pod
metadata: {name: cf}
spec:
  containers: [{name: c, image: busybox:1.36}]
---
apiVersion: v1
kind: Pod
metadata: {name: hn}
spec:
  hostNetwork: true
  containers: [{name: c, image: busybox:1.36}]
---
apiVersion: v1
kind: Pod
metadata: {name: hncf}
spec:
  hostNetwork: true
  dnsPolicy: ClusterFirstWithHostNet
  containers: [{name: c, image: busybox:1.36}]
---
apiVersion: v1
kind: Service
metadata: {name: peers}
spec:
  clusterIP: None
  selector: {app: peer}
  ports: [{port: 80}]
---
apiVersion: v1
kind: Pod
metadata: {name: peer-1, labels: {app: peer}}
spec:
  hostname: one
  subdomain: peers
  hostAliases: [{ip: 10.1.2.3, hostnames: [foo.remote, bar.remote]}]
  containers: [{name: c, image: busybox:1.36}]
"""


@pytest.fixture(scope="module")
def cluster():
    c = Cluster(nodes=2, seed=4)
    c.add_external_host("example.com", "93.184.216.34")
    c.apply(PODS)
    c.advance(5)
    return c


# (id, pod, name, server asked, rcode, rule)
REACH = [
    ("clusterfirst-cluster-name", "cf", "kubernetes", "10.96.0.10", "NOERROR", "dns.go podDNSCluster"),
    ("hostnet-falls-back", "hn", "kubernetes.default.svc.cluster.local", "192.168.49.1", "NXDOMAIN",
     "dns.go getPodDNSType: 'Fallback to DNSDefault for pod on hostnetwork'"),
    ("hostnet-internet", "hn", "example.com", "192.168.49.1", "NOERROR", "the node's resolver knows the internet"),
    ("clusterfirstwithhostnet", "hncf", "kubernetes", "10.96.0.10", "NOERROR", "dns.go DNSClusterFirstWithHostNet"),
    ("per-pod-name", "cf", "one.peers", "10.96.0.10", "NOERROR", "specification 2.4.1: <hostname>.<service>"),
]


@pytest.mark.parametrize("row", REACH, ids=[r[0] for r in REACH])
def test_what_each_lookup_reaches(cluster, row):
    _, pod, name, server, rcode, _rule = row
    r = cluster.resolve(name, from_pod=f"default/{pod}")
    assert (r.server, r.rcode) == (server, rcode)
    assert r.answered_by.startswith("kube-system/coredns-") == (server == "10.96.0.10")


def test_managed_hosts_file(cluster):
    """kubelet_pods.go managedHostsFileContent: the header, the fixed lines, '<ip>\\t<fqdn>\\t<hostname>'
    when the pod has a subdomain, then hostsEntriesFromHostAliases."""
    ip = cluster.get("pod", "peer-1")["status"]["podIP"]
    out = cluster.kubectl("exec peer-1 -- cat /etc/hosts")
    assert out.startswith("# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n")
    assert f"\n{ip}\tone.peers.default.svc.cluster.local\tone\n\n# Entries added by HostAliases.\n" in out
    assert out.endswith("10.1.2.3\tfoo.remote\n10.1.2.3\tbar.remote\n")


@pytest.mark.parametrize("pod, argv, want", [
    ("peer-1", "hostname", "one"), ("peer-1", "hostname -f", "one.peers.default.svc.cluster.local"),
    ("cf", "hostname -f", "cf"),
], ids=["spec-hostname", "fqdn-from-subdomain", "no-subdomain"])
def test_hostname(cluster, pod, argv, want):
    """GeneratePodHostNameAndDomain: spec.hostname (else the pod's name), domain from spec.subdomain."""
    assert cluster.kubectl(f"exec {pod} -- {argv}") == want + "\n"


def test_host_network_pod_sees_the_node(cluster):
    """A host-network pod shares the node's UTS namespace and gets the node's hosts file
    (nodeHostsFileContent, with managedHostsHeaderWithHostNetwork)."""
    node = cluster.get("pod", "hn")["spec"]["nodeName"]
    assert cluster.kubectl("exec hn -- hostname") == node + "\n"
    assert cluster.kubectl("exec hn -- cat /etc/hosts").startswith("# Kubernetes-managed hosts file (host network).\n")


VIP = VIP_SCENARIO  # Deployment db, Services db (ClusterIP) and db-hl (headless), pod client


def test_kept_answers_go_stale_only_for_pod_ips():
    """virtual-ips.md, 'Why not use round-robin DNS?': a kept ClusterIP keeps working after
    every pod is replaced; a kept pod IP fails until the client asks again (TTL 30)."""
    c = Cluster(nodes=3, seed=15)
    c.apply(VIP)
    c.advance(20)
    app = CachingClient(c, "default/client")
    first = {url: app.get(url) for url in ("http://db", "http://db-hl")}
    assert all(a.ok and not a.from_cache for a in first.values())
    c.kubectl("rollout restart deployment/db")
    c.advance(20)
    vip, hl = app.get("http://db"), app.get("http://db-hl")
    assert vip.ok and vip.from_cache
    assert not hl.ok and hl.from_cache and hl.address == first["http://db-hl"].address
    c.advance(15)  # past the kept answer's 30 s
    again = app.get("http://db-hl")
    assert again.ok and not again.from_cache and again.address != hl.address


def test_not_ready_pod_named_only_with_publish_not_ready_addresses():
    """EndpointSlice podToEndpoint: ready = publishNotReadyAddresses || (serving && !terminating);
    CoreDNS publishes <hostname>.<service> only for ready endpoints (specification 2.4.1)."""
    c = Cluster(nodes=2, seed=4)
    plain = "  hostAliases: [{ip: 10.1.2.3, hostnames: [foo.remote, bar.remote]}]\n  containers: [{name: c, image: busybox:1.36}]\n"
    assert plain in PODS
    c.apply(PODS.replace(plain, "  containers: [{name: c, image: nginx:1.27, "
                                "readinessProbe: {httpGet: {path: /nope, port: 80}}}]\n"))
    c.advance(10)
    assert c.resolve("one.peers", from_pod="default/cf").rcode == "NXDOMAIN"
    svc = c.get("service", "peers")
    svc["spec"]["publishNotReadyAddresses"] = True
    c.apply(svc)
    ip = c.get("pod", "peer-1")["status"]["podIP"]
    assert c.resolve("one.peers", from_pod="default/cf").answers == [("one.peers.default.svc.cluster.local.", "A", ip)]
    conditions = [e["conditions"] for s in c.list("endpointslice") for e in s.get("endpoints") or []
                  if (e.get("targetRef") or {}).get("name") == "peer-1"]
    assert conditions == [{"ready": True, "serving": False, "terminating": False}]
