"""What an IPv6 or dual-stack cluster looks like and how traffic crosses it: node ranges and
addresses per family (node-ipam, kind), pod IPs per family (host-local with one range per
family), one EndpointSlice per address type (endpointslice reconciler), AAAA and ip6.arpa PTR
records (CoreDNS kubernetes plugin), kube-proxy's IPv6 rules (pkg/proxy/iptables, nftables,
ipvs proxiers for IPv6) and requests over IPv6.  Every row names its upstream rule."""
from __future__ import annotations

import ipaddress

import pytest

from k8snet import Cluster
from k8snet.dns import reverse_name
from k8snet.errors import UsageError

from ..cluster.objects import deployment, service

V4, V6, DUAL, DUAL6 = ("IPv4",), ("IPv6",), ("IPv4", "IPv6"), ("IPv6", "IPv4")

def _cluster(families, policy="PreferDualStack", **kw):
    """Three nodes, Deployment web (2 nginx pods) and Service web with ``policy``."""
    c = Cluster(nodes=3, ip_families=families, **kw)
    c.apply([deployment("web", replicas=2, image="nginx"), service("web", ipFamilyPolicy=policy)])
    return c


NODES = [
    # (rule, families, node-2's podCIDRs, node-2's InternalIPs)
    ("node-ipam: one /24 of --cluster-cidr per node (IPv4)", V4, ["10.244.1.0/24"], ["172.18.0.3"]),
    ("node-ipam: one /64 of kind's fd00:10:244::/56 per node (IPv6)", V6, ["fd00:10:244:1::/64"],
     ["fc00:f853:ccd:e793::3"]),
    ("node-ipam: a range per family, primary first (dual-stack)", DUAL, ["10.244.1.0/24", "fd00:10:244:1::/64"],
     ["172.18.0.3", "fc00:f853:ccd:e793::3"]),
    ("node-ipam: IPv6-primary dual-stack lists IPv6 first", DUAL6, ["fd00:10:244:1::/64", "10.244.1.0/24"],
     ["fc00:f853:ccd:e793::3", "172.18.0.3"]),
]


@pytest.mark.parametrize("rule,families,cidrs,ips", NODES, ids=[r[0] for r in NODES])
def test_nodes_and_pods_per_family(rule, families, cidrs, ips):
    c = _cluster(families)
    node = c.get("node", "node-2")
    assert node["spec"]["podCIDRs"] == cidrs and node["spec"]["podCIDR"] == cidrs[0]
    assert [a["address"] for a in node["status"]["addresses"] if a["type"] == "InternalIP"] == ips
    pod = next(p for p in c.list("pods") if p["spec"]["nodeName"] == "node-2")
    # host-local: one IP per range set, the gateway (.1 / ::1) left out; podIP = podIPs[0]
    got = [p["ip"] for p in pod["status"]["podIPs"]]
    assert got == [str(ipaddress.ip_network(cidr).network_address + 2) for cidr in cidrs]
    assert pod["status"]["podIP"] == got[0]
    assert [h["ip"] for h in pod["status"]["hostIPs"]] == ips  # kubelet getHostIPs


def test_ip_families_argument_is_checked():
    for bad in ((), ("IPv4", "IPv4"), ("ipv6",), ("IPv4", "IPv6", "IPv4"), 6):
        with pytest.raises(UsageError):
            Cluster(nodes=1, ip_families=bad)


SLICES = [
    # (rule, families, policy, the address types of web's slices)
    ("getAddressTypesForService: a single-stack Service has IPv4 slices only", DUAL, "SingleStack", ["IPv4"]),
    ("getAddressTypesForService: one slice per address type of a dual-stack Service", DUAL, "PreferDualStack",
     ["IPv4", "IPv6"]),
    ("getAddressTypesForService: IPv6-only cluster, IPv6 slices", V6, "SingleStack", ["IPv6"]),
]


@pytest.mark.parametrize("rule,families,policy,types", SLICES, ids=[r[0] for r in SLICES])
def test_one_endpointslice_per_address_type(rule, families, policy, types):
    c = _cluster(families, policy)
    slices = [s for s in c.list("endpointslices") if s["metadata"]["name"].startswith("web-")]
    assert sorted(s["addressType"] for s in slices) == types
    for s in slices:  # getEndpointAddresses: only the pod IPs of the slice's family
        assert all((":" in ep["addresses"][0]) == (s["addressType"] == "IPv6") for ep in s["endpoints"])
        assert len(s["endpoints"]) == 2


def test_placeholder_per_address_type_and_downgrade_deletes_the_ipv6_slice():
    """reconcileByAddressType: a placeholder per type; Reconcile deletes the slices of a type
    the Service no longer has."""
    c = Cluster(nodes=2, ip_families=DUAL)
    c.apply({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "none"},
             "spec": {"ipFamilyPolicy": "RequireDualStack", "selector": {"app": "none"}, "ports": [{"port": 80}]}})
    slices = [s for s in c.list("endpointslices") if s["metadata"]["name"].startswith("none-")]
    assert sorted((s["addressType"], s["endpoints"]) for s in slices) == [("IPv4", []), ("IPv6", [])]
    c.apply({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "none"},
             "spec": {"ipFamilyPolicy": "SingleStack", "selector": {"app": "none"}, "ports": [{"port": 80}]}})
    slices = [s for s in c.list("endpointslices") if s["metadata"]["name"].startswith("none-")]
    assert [s["addressType"] for s in slices] == ["IPv4"]


def test_dns_aaaa_ptr_and_headless():
    c = _cluster(DUAL)
    c.apply({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "db"},
             "spec": {"clusterIP": "None", "ipFamilyPolicy": "RequireDualStack", "selector": {"app": "web"},
                      "ports": [{"port": 80}]}})
    v4, v6 = c.get("svc", "web")["spec"]["clusterIPs"]
    name = "web.default.svc.cluster.local."
    # kubernetes plugin: A for the IPv4 ClusterIP, AAAA for the IPv6 one
    assert c.resolve(name).answers == [(name, "A", v4)]
    assert c.resolve(name, qtype="AAAA").answers == [(name, "AAAA", v6)]
    # reverse: the IPv6 ClusterIP's nibble name under ip6.arpa. points back at the Service
    ptr = reverse_name(v6)
    assert ptr.endswith(".ip6.arpa.") and len(ptr.split(".")) == 32 + 3
    assert c.resolve(ptr, qtype="PTR").answers == [(ptr, "PTR", name)]
    # headless dual-stack: the endpoints of each family answer their own record type
    pods6 = sorted(ip["ip"] for p in c.list("pods") for ip in p["status"]["podIPs"] if ":" in ip["ip"])
    got = sorted(v for _, t, v in c.resolve("db.default.svc.cluster.local", qtype="AAAA").answers)
    assert got == pods6
    # kube-dns is single-stack (kubeadm): its name has no AAAA record on an IPv4-primary cluster
    r = c.resolve("kube-dns.kube-system.svc.cluster.local", qtype="AAAA")
    assert (r.rcode, r.answers) == ("NOERROR", [])
    # pods insecure: an IPv6 pod name with dashes (fd00-10-244-1--2) answers its AAAA
    r = c.resolve("fd00-10-244-1--2.default.pod.cluster.local", qtype="AAAA")
    assert r.answers == [("fd00-10-244-1--2.default.pod.cluster.local.", "AAAA", "fd00:10:244:1::2")]


def test_ipv6_cluster_resolv_conf_names_the_ipv6_dns_ip():
    c = _cluster(V6, "SingleStack")
    pod = c.list("pods")[0]["metadata"]["name"]
    assert "nameserver fd00:10:96::a\n" in c.resolv_conf(f"default/{pod}")


RULES = [
    # (rule, mode, view, what must be in it)
    ("iptables proxier (IPv6): ip6tables-save header", "iptables", "ip6tables",
     "# Generated by ip6tables-save v1.8.9 (nf_tables)"),
    ("iptables proxier: a ClusterIP is a /128 host match in ip6tables", "iptables", "ip6tables",
     "-A KUBE-SERVICES -d {v6}/128 -p tcp -m comment --comment \"default/web cluster IP\" -m tcp --dport 80"),
    ("LocalTrafficDetector ClusterCIDR: masquerade what is not from fd00:10:244::/56", "iptables", "ip6tables",
     "! -s fd00:10:244::/56 -d {v6}/128"),
    ("iptables proxier: localhost NodePorts never work for IPv6 (! -d ::1/128)", "iptables", "ip6tables",
     "-A KUBE-SERVICES ! -d ::1/128 -m comment --comment \"kubernetes service nodeports; NOTE: this must be the "
     "last rule in this chain\" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS"),
    ("BaseEndpointInfo.String: net.JoinHostPort brackets the IPv6 endpoint", "iptables", "ip6tables",
     "-j DNAT --to-destination [fd00:10:244:"),
    ("the IPv4 proxier keeps only the IPv4 ClusterIP", "iptables", "iptables", "-d {v4}/32"),
    ("nftables proxier (IPv6): table ip6 kube-proxy", "nftables", "nft6", "table ip6 kube-proxy {{"),
    ("nftables proxier (IPv6): ipv6_addr sets and ip6 daddr matches", "nftables", "nft6",
     "ip6 daddr . meta l4proto . th dport vmap @service-ips"),
    ("ipvs: ipvsadm brackets IPv6 virtual servers, both families in one table", "ipvs", "ipvsadm",
     "TCP  [{v6}]:80 rr"),
]


@pytest.mark.parametrize("rule,mode,view,want", RULES, ids=[r[0] for r in RULES])
def test_kube_proxy_rules_per_family(rule, mode, view, want):
    c = _cluster(DUAL, proxy_mode=mode)
    v4, v6 = c.get("svc", "web")["spec"]["clusterIPs"]
    text = {"ip6tables": lambda: c.ip6tables_save("node-2"), "iptables": lambda: c.iptables_save("node-2"),
            "nft6": lambda: c.nft("node-2", family="ip6"), "ipvsadm": lambda: c.ipvsadm("node-2")}[view]()
    assert want.format(v4=v4, v6=v6) in text
    if view == "ip6tables":
        assert v4 not in text and "127.0.0.0/8" not in text
    if view == "iptables":
        assert v6 not in text


def test_ipvsadm_lists_both_families():
    c = _cluster(DUAL, proxy_mode="ipvs")
    v4, v6 = c.get("svc", "web")["spec"]["clusterIPs"]
    text = c.ipvsadm("node-2")
    assert f"TCP  {v4}:80 rr" in text and f"TCP  [{v6}]:80 rr" in text


def test_views_of_a_family_the_cluster_lacks_say_so():
    c = _cluster(V4, "SingleStack")
    with pytest.raises(UsageError, match="IPv6"):
        c.ip6tables_save("node-2")
    c6 = _cluster(V6, "SingleStack", proxy_mode="nftables")
    with pytest.raises(UsageError, match="IPv4"):
        c6.nft("node-2")
    assert c6.nft("node-2", family="ip6").startswith("table ip6 kube-proxy")


REQUESTS = [
    # (rule, families, url template, from, answered over IPv6?)
    ("curl http://[IPv6 ClusterIP]: the IPv6 proxier DNATs to an IPv6 pod IP", DUAL, "http://[{v6}]/", "pod", True),
    ("getaddrinfo (RFC 6724): IPv4 before ULA IPv6, a dual-stack client dials the A record", DUAL, "http://web/",
     "pod", False),
    ("IPv6-only: the name resolves to its AAAA record", V6, "http://web/", "pod", True),
    ("the node reaches the IPv6 ClusterIP from its IPv6 address", DUAL, "http://[{v6}]/", "node", True),
]


@pytest.mark.parametrize("rule,families,url,origin,six", REQUESTS, ids=[r[0] for r in REQUESTS])
def test_requests_over_ipv6(rule, families, url, origin, six):
    c = _cluster(families, "PreferDualStack" if len(families) > 1 else "SingleStack")
    ips = c.get("svc", "web")["spec"]["clusterIPs"]
    v6 = next(ip for ip in ips if ":" in ip)
    client = next(p for p in c.list("pods") if p["spec"]["nodeName"] == "node-2")
    kw = {"from_pod": f"default/{client['metadata']['name']}"} if origin == "pod" else {"from_node": "node-2"}
    r = c.request(url.format(v6=v6), **kw)
    assert r.status == 200 and r.backend == "default/web:80"
    dnat = next(h for h in r.hops if h.component == "kube-proxy")
    assert ("DNAT to [fd00:10:244:" in dnat.action) == six


def test_ipv6_literal_from_an_ipv4_only_client_has_no_route():
    c = _cluster(V4, "SingleStack")
    r = c.request("http://[fd00:10:96::1]/")
    assert r.error == "network unreachable" and r.status is None


def test_ipvs_ipv6_sets_are_kube_6_and_inet6():
    """ipvs/ipset.go NewIPSet: the IPv6 proxier's sets are KUBE-6-..., family inet6; its
    ip6tables rules match those sets."""
    c = _cluster(DUAL, proxy_mode="ipvs")
    listing = c.ipset("node-2")
    assert "Name: KUBE-CLUSTER-IP\n" in listing and "Name: KUBE-6-CLUSTER-IP\n" in listing
    six = listing[listing.index("Name: KUBE-6-CLUSTER-IP"):].split("\n\n")[0]
    assert "family inet6 " in six
    v6 = c.get("svc", "web")["spec"]["clusterIPs"][1]
    assert f"{v6},tcp:80" in six
    rules = c.ip6tables_save("node-2")
    assert "--match-set KUBE-6-CLUSTER-IP dst,dst" in rules and "--match-set KUBE-CLUSTER-IP " not in rules


@pytest.mark.parametrize("mode", ["iptables", "nftables", "ipvs"])
def test_nodeport_answers_on_the_nodes_ipv6_address(mode):
    """Service docs, type NodePort: every node listens on the nodePort, on each of its
    addresses (a dual-stack Service: both families)."""
    c = Cluster(nodes=3, ip_families=DUAL, proxy_mode=mode)
    c.apply([deployment("web", replicas=2, image="nginx"),
             service("web", type="NodePort", ipFamilyPolicy="RequireDualStack")])
    port = c.get("svc", "web")["spec"]["ports"][0]["nodePort"]
    r = c.request(f"http://[fc00:f853:ccd:e793::3]:{port}/", from_internet=True)
    assert r.status == 200 and r.backend == "default/web:80"
    assert any(f"[fc00:f853:ccd:e793::3]:{port}" in h.action for h in r.hops)


POLICY_ROWS = [
    # (rule, ipBlock cidr, IPv4 request allowed?, IPv6 request allowed?)
    ("NetworkPolicy ipBlock matches the connection's source address: an IPv6 block admits IPv6 only",
     "fd00:10:244::/56", False, True),
    ("NetworkPolicy ipBlock: an IPv4 block admits IPv4 only", "10.244.0.0/16", True, False),
]


@pytest.mark.parametrize("rule,cidr,four,six", POLICY_ROWS, ids=[r[0] for r in POLICY_ROWS])
def test_ipblock_sees_the_family_the_connection_uses(rule, cidr, four, six):
    c = Cluster(nodes=3, ip_families=DUAL, seed=3)
    c.apply([deployment("web", replicas=1, image="nginx"),
             {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "client", "labels": {"app": "client"}},
              "spec": {"containers": [{"name": "c", "image": "nginx"}]}},
             {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "only"},
              "spec": {"podSelector": {"matchLabels": {"app": "web"}},
                       "ingress": [{"from": [{"ipBlock": {"cidr": cidr}}]}]}}])
    web = next(p for p in c.list("pods") if p["metadata"]["name"].startswith("web-"))
    v4, v6 = [x["ip"] for x in web["status"]["podIPs"]]
    assert (c.request(f"http://{v4}/", from_pod="default/client").status == 200) == four
    assert (c.request(f"http://[{v6}]/", from_pod="default/client").status == 200) == six
