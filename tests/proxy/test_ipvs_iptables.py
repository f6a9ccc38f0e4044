"""ipvs mode: the iptables rules and ipsets kube-proxy writes next to its IPVS virtual servers.

Each row names what it checks in pkg/proxy/ipvs/proxier.go (createAndLinkKubeChain,
writeIptablesRules, acceptIPVSTraffic, the iptablesJumpChain / ipsetWithIptablesChain tables,
the per-Service loop of syncProxyRules) or pkg/proxy/ipvs/ipset.go (set names and comments).
Most rows use one Service default/web:http, ClusterIP 10.96.0.5:80, seen from node-1
(172.18.0.2, pods in 10.244.1.0/24); the Cluster rows use a whole simulated cluster.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from k8snet import Cluster
from k8snet.errors import UsageError
from k8snet.proxy import ProxyConfig, ProxyState

from ..cluster.objects import deployment
from ..cluster.objects import service as cluster_service
from .objects import endpoint, endpoint_slice, make_state, node, service

LOCAL_AND_REMOTE = [endpoint("10.244.1.5", "node-1"), endpoint("10.244.2.7", "node-2")]
CLUSTER_IP_COMMENT = '"Kubernetes service cluster ip + port for masquerade purpose"'
GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "proxy"


def _state(eps=LOCAL_AND_REMOTE, *, protocol: str = "TCP", config: dict | None = None, **svc_kw) -> ProxyState:
    port = {"name": "http", "port": 80, "targetPort": 8080, "protocol": protocol}
    if svc_kw.get("type") in ("NodePort", "LoadBalancer"):
        port["nodePort"] = 30080
    svcs = [service("web", "10.96.0.5", [port], **svc_kw)]
    slices = [endpoint_slice("web", eps, [{"name": "http", "port": 8080, "protocol": protocol}])]
    cfg = ProxyConfig(node_name="node-1", mode="ipvs", **(config or {}))
    return ProxyState(cfg, services=svcs, slices=slices,
                      nodes=[node("node-1", "172.18.0.2"), node("node-2", "172.18.0.3")])


def _rules(state: ProxyState, table: str) -> list[str]:
    return [ln for ln in state.iptables_save(table).splitlines() if ln.startswith("-A ")]


def _members(listing: str, name: str) -> list[str]:
    """The ``Members:`` lines of set ``name`` in an ``ipset list`` listing."""
    block = listing.split(f"Name: {name}\n", 1)[1].split("\n\n", 1)[0]
    return block.split("Members:", 1)[1].split()


# --- which rules a Service produces ------------------------------------------------------
# (id, state kwargs, table, lines that must be there in this order, lines that must not be)
RULE_CASES = [
    pytest.param({}, "nat", [
        "-A KUBE-SERVICES -s 127.0.0.0/8 -j RETURN",
        f"-A KUBE-SERVICES ! -s 10.244.0.0/16 -m comment --comment {CLUSTER_IP_COMMENT} "
        "-m set --match-set KUBE-CLUSTER-IP dst,dst -j KUBE-MARK-MASQ",
        "-A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODE-PORT",
        "-A KUBE-SERVICES -m set --match-set KUBE-CLUSTER-IP dst,dst -j ACCEPT",
    ], ["-j KUBE-LOAD-BALANCER", "KUBE-NODE-PORT-TCP", "KUBE-EXTERNAL-IP"],
        id="ClusterIP: 'Dismiss connects to localhost', localDetector.IfNotLocal masquerade, acceptIPVSTraffic"),
    pytest.param({}, "nat", [
        '-A KUBE-POSTROUTING -m comment --comment "Kubernetes endpoints dst ip:port, source ip for solving '
        'hairpin purpose" -m set --match-set KUBE-LOOP-BACK dst,dst,src -j MASQUERADE',
        "-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN",
        "-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0",
        '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" '
        "-j MASQUERADE --random-fully",
    ], [], id="ipsetWithIptablesChain kubeLoopBackIPSet (local endpoint) before 'XOR proxier.masqueradeMark'"),
    pytest.param({"eps": [endpoint("10.244.2.7", "node-2")]}, "nat", [
        "-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN",
    ], ["KUBE-LOOP-BACK"], id="'Handle traffic that loops back': no local endpoint, no KUBE-LOOP-BACK rule"),
    pytest.param({"config": {"masquerade_all": True}}, "nat", [
        f"-A KUBE-SERVICES -m comment --comment {CLUSTER_IP_COMMENT} "
        "-m set --match-set KUBE-CLUSTER-IP dst,dst -j KUBE-MARK-MASQ",
    ], ["! -s"], id="proxier.masqueradeAll: every ClusterIP packet marked"),
    pytest.param({"config": {"cluster_cidr": ""}}, "nat", [
        f"-A KUBE-SERVICES -m comment --comment {CLUSTER_IP_COMMENT} "
        "-m set --match-set KUBE-CLUSTER-IP src,dst -j KUBE-MARK-MASQ",
    ], ["dst,dst -j KUBE-MARK-MASQ"], id="no local detector: 'Masquerade all OUTPUT traffic coming from a service ip'"),
    pytest.param({"type": "NodePort"}, "nat", [
        '-A KUBE-NODE-PORT -p tcp -m comment --comment "Kubernetes nodeport TCP port for masquerade purpose" '
        "-m set --match-set KUBE-NODE-PORT-TCP dst -j KUBE-MARK-MASQ",
    ], ["KUBE-NODE-PORT-UDP", "KUBE-NODE-PORT-LOCAL-TCP"], id="ipsetWithIptablesChain kubeNodePortSetTCP"),
    pytest.param({"type": "NodePort", "protocol": "UDP"}, "nat", [
        '-A KUBE-NODE-PORT -p udp -m comment --comment "Kubernetes nodeport UDP port for masquerade purpose" '
        "-m set --match-set KUBE-NODE-PORT-UDP dst -j KUBE-MARK-MASQ",
    ], ["KUBE-NODE-PORT-TCP"], id="ipsetWithIptablesChain kubeNodePortSetUDP"),
    pytest.param({"type": "NodePort", "etp": "Local"}, "nat", [
        '-A KUBE-NODE-PORT -p tcp -m comment --comment "Kubernetes nodeport TCP port with '
        'externalTrafficPolicy=local" -m set --match-set KUBE-NODE-PORT-LOCAL-TCP dst -j RETURN',
        '-A KUBE-NODE-PORT -p tcp -m comment --comment "Kubernetes nodeport TCP port for masquerade purpose" '
        "-m set --match-set KUBE-NODE-PORT-TCP dst -j KUBE-MARK-MASQ",
    ], [], id="'kubeNodePortLocalSetTCP must be prior to kubeNodePortSetTCP'"),
    pytest.param({"type": "LoadBalancer", "lb_ips": ("203.0.113.10",)}, "nat", [
        '-A KUBE-LOAD-BALANCER -j KUBE-MARK-MASQ',
        '-A KUBE-SERVICES -m comment --comment "Kubernetes service lb portal" '
        "-m set --match-set KUBE-LOAD-BALANCER dst,dst -j KUBE-LOAD-BALANCER",
        "-A KUBE-SERVICES -m set --match-set KUBE-LOAD-BALANCER dst,dst -j ACCEPT",
    ], ["KUBE-LOAD-BALANCER-LOCAL"], id="ipsetWithIptablesChain kubeLoadBalancerSet + acceptIPVSTraffic"),
    pytest.param({"type": "LoadBalancer", "etp": "Local", "lb_ips": ("203.0.113.10",), "hc_port": 32000}, "nat", [
        '-A KUBE-LOAD-BALANCER -m comment --comment "Kubernetes service load balancer ip + port with '
        'externalTrafficPolicy=local" -m set --match-set KUBE-LOAD-BALANCER-LOCAL dst,dst -j RETURN',
        '-A KUBE-LOAD-BALANCER -j KUBE-MARK-MASQ',
    ], [], id="ipsetWithIptablesChain kubeLoadBalancerLocalSet: Local traffic keeps its source"),
    pytest.param({"external_ips": ("198.51.100.7",)}, "nat", [
        '-A KUBE-SERVICES -m comment --comment "Kubernetes service external ip + port for masquerade and filter '
        'purpose" -m set --match-set KUBE-EXTERNAL-IP dst,dst -j KUBE-MARK-MASQ',
        '-A KUBE-SERVICES -m comment --comment "Kubernetes service external ip + port for masquerade and filter '
        'purpose" -m set --match-set KUBE-EXTERNAL-IP dst,dst -m physdev ! --physdev-is-in '
        "-m addrtype ! --src-type LOCAL -j ACCEPT",
        '-A KUBE-SERVICES -m comment --comment "Kubernetes service external ip + port for masquerade and filter '
        'purpose" -m set --match-set KUBE-EXTERNAL-IP dst,dst -m addrtype --dst-type LOCAL -j ACCEPT',
        "-A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODE-PORT",
    ], ["KUBE-EXTERNAL-IP-LOCAL"], id="'Build masquerade rules for packets to external IPs' + externalIPRules"),
    pytest.param({"type": "NodePort", "etp": "Local", "external_ips": ("198.51.100.7",)}, "nat", [
        '-A KUBE-SERVICES -m comment --comment "Kubernetes service external ip + port with '
        'externalTrafficPolicy=local" -m set --match-set KUBE-EXTERNAL-IP-LOCAL dst,dst -m physdev ! '
        "--physdev-is-in -m addrtype ! --src-type LOCAL -j ACCEPT",
    ], ["KUBE-EXTERNAL-IP dst,dst -j KUBE-MARK-MASQ", "KUBE-EXTERNAL-IP-LOCAL dst,dst -j KUBE-MARK-MASQ"],
        id="kubeExternalIPLocalSet: externalIPRules only, no masquerade"),
    pytest.param({}, "filter", [
        '-A INPUT -m comment --comment "kubernetes ipvs access filter" -j KUBE-IPVS-FILTER',
        '-A INPUT -m comment --comment "kube-proxy firewall rules" -j KUBE-PROXY-FIREWALL',
        '-A INPUT -m comment --comment "kubernetes health check rules" -j KUBE-NODE-PORT',
        '-A FORWARD -m comment --comment "kube-proxy firewall rules" -j KUBE-PROXY-FIREWALL',
        '-A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD',
        '-A OUTPUT -m comment --comment "kubernetes ipvs access filter" -j KUBE-IPVS-OUT-FILTER',
    ], ["KUBE-EXTERNAL-SERVICES", "KUBE-FIREWALL "],
        id="iptablesJumpChain via EnsureRule(Prepend): reverse order per built-in chain"),
    pytest.param({}, "filter", [
        "-A KUBE-IPVS-FILTER -m set --match-set KUBE-LOAD-BALANCER dst,dst -j RETURN",
        "-A KUBE-IPVS-FILTER -m set --match-set KUBE-CLUSTER-IP dst,dst -j RETURN",
        "-A KUBE-IPVS-FILTER -m set --match-set KUBE-EXTERNAL-IP dst,dst -j RETURN",
        "-A KUBE-IPVS-FILTER -m set --match-set KUBE-EXTERNAL-IP-LOCAL dst,dst -j RETURN",
        "-A KUBE-IPVS-FILTER -m set --match-set KUBE-HEALTH-CHECK-NODE-PORT dst -j RETURN",
        "-A KUBE-IPVS-FILTER -m conntrack --ctstate NEW -m set --match-set KUBE-IPVS-IPS dst "
        "-j REJECT --reject-with icmp-port-unreachable",
    ], [], id="KUBE-IPVS-FILTER: 'prevent access to ports on the host through VIP addresses' (issue 72236)"),
    pytest.param({}, "filter", [
        '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT',
        '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" '
        "-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
        '-A KUBE-NODE-PORT -m comment --comment "Kubernetes health check node port" '
        "-m set --match-set KUBE-HEALTH-CHECK-NODE-PORT dst -j ACCEPT",
        "-A KUBE-SOURCE-RANGES-FIREWALL -j DROP",
    ], ["ctstate INVALID", "KUBE-IPVS-OUT-FILTER -s"],
        id="KUBE-FORWARD, 'accept traffic towards health check node port', 'drop packets filtered by "
           "KUBE-SOURCE-RANGES-FIREWALL'"),
    pytest.param({"type": "LoadBalancer", "lb_ips": ("203.0.113.10",), "source_ranges": ("192.0.2.0/24",)},
                 "filter", [
        "-A KUBE-IPVS-OUT-FILTER -s 203.0.113.10/32 -m ipvs --vproto 6 --vaddr 203.0.113.10 --vport 80 -j DROP",
        '-A KUBE-PROXY-FIREWALL -m comment --comment "Kubernetes service load balancer ip + port for load '
        'balancer with sourceRange" -m set --match-set KUBE-LOAD-BALANCER-FW dst,dst -j KUBE-SOURCE-RANGES-FIREWALL',
        '-A KUBE-SOURCE-RANGES-FIREWALL -m comment --comment "Kubernetes service load balancer ip + port + source '
        'cidr for packet filter purpose" -m set --match-set KUBE-LOAD-BALANCER-SOURCE-CIDR dst,dst,src -j RETURN',
        "-A KUBE-SOURCE-RANGES-FIREWALL -j DROP",
    ], ["KUBE-LOAD-BALANCER-SOURCE-IP"], id="'disable LB access from node' (issue 119656): node IP not in sourceRanges"),
    pytest.param({"type": "LoadBalancer", "lb_ips": ("203.0.113.10",), "source_ranges": ("172.18.0.0/16",)},
                 "filter", [
        '-A KUBE-SOURCE-RANGES-FIREWALL -m comment --comment "Kubernetes service load balancer ip + port + source '
        'IP for packet filter purpose" -m set --match-set KUBE-LOAD-BALANCER-SOURCE-IP dst,dst,src -j RETURN',
    ], ["-m ipvs"], id="allowFromNode: sourceRanges cover the node, kubeLoadBalancerSourceIPSet instead of a DROP"),
]


@pytest.mark.parametrize("kwargs, table, present, absent", RULE_CASES)
def test_service_rules(kwargs, table, present, absent):
    rules = _rules(_state(**kwargs), table)
    positions = [rules.index(line) for line in present]  # ValueError names a missing line
    assert positions == sorted(positions), "rules out of order"
    text = "\n".join(rules)
    for fragment in absent:
        assert fragment not in text


# --- what each Service puts in the ipsets --------------------------------------------------
# (id, state kwargs, {set: its members on node-1})
IPSET_CASES = [
    pytest.param({}, {"KUBE-CLUSTER-IP": ["10.96.0.5,tcp:80"], "KUBE-IPVS-IPS": ["10.96.0.5"],
                      "KUBE-LOOP-BACK": ["10.244.1.5,tcp:8080,10.244.1.5"], "KUBE-NODE-PORT-TCP": []},
                 id="'Capture the clusterIP.' + loopback entry ip,proto:port,ip for the local endpoint"),
    pytest.param({"type": "NodePort"}, {"KUBE-NODE-PORT-TCP": ["30080"], "KUBE-NODE-PORT-UDP": [],
                                        "KUBE-NODE-PORT-LOCAL-TCP": []},
                 id="NodePort TCP: bitmap:port entry, 'No need to provide ip info'"),
    pytest.param({"type": "NodePort", "protocol": "UDP"},
                 {"KUBE-NODE-PORT-UDP": ["30080"], "KUBE-NODE-PORT-TCP": [], "KUBE-CLUSTER-IP": ["10.96.0.5,udp:80"],
                  "KUBE-LOOP-BACK": ["10.244.1.5,udp:8080,10.244.1.5"]}, id="NodePort UDP"),
    pytest.param({"type": "LoadBalancer", "etp": "Local", "lb_ips": ("203.0.113.10",), "hc_port": 32000},
                 {"KUBE-LOAD-BALANCER": ["203.0.113.10,tcp:80"], "KUBE-LOAD-BALANCER-LOCAL": ["203.0.113.10,tcp:80"],
                  "KUBE-NODE-PORT-TCP": ["30080"], "KUBE-NODE-PORT-LOCAL-TCP": ["30080"],
                  "KUBE-HEALTH-CHECK-NODE-PORT": ["32000"], "KUBE-IPVS-IPS": ["10.96.0.5", "203.0.113.10"]},
                 id="externalTrafficPolicy=Local: the *-LOCAL sets and KUBE-HEALTH-CHECK-NODE-PORT"),
    pytest.param({"external_ips": ("198.51.100.7", "172.18.0.2")},
                 {"KUBE-EXTERNAL-IP": ["172.18.0.2,tcp:80", "198.51.100.7,tcp:80"],
                  "KUBE-IPVS-IPS": ["10.96.0.5", "198.51.100.7"]},
                 id="'Capture externalIPs.'; 'must not add the address to the dummy device if it exist on another "
                    "interface'"),
    pytest.param({"type": "LoadBalancer", "lb_ips": ("203.0.113.10",), "source_ranges": ("192.0.2.7/24",)},
                 {"KUBE-LOAD-BALANCER-FW": ["203.0.113.10,tcp:80"],
                  "KUBE-LOAD-BALANCER-SOURCE-CIDR": ["203.0.113.10,tcp:80,192.0.2.0/24"],
                  "KUBE-LOAD-BALANCER-SOURCE-IP": []},
                 id="loadBalancerSourceRanges: kubeLoadBalancerFWSet and 'enumerate all white list source cidr'"),
]


@pytest.mark.parametrize("kwargs, expected", IPSET_CASES)
def test_service_ipset_members(kwargs, expected):
    listing = _state(**kwargs).ipset_list()
    for name, members in expected.items():
        assert _members(listing, name) == members, name


def test_session_affinity_changes_ipvs_only():
    """sessionAffinity ClientIP is the virtual server's persistent flag: no iptables or ipset effect."""
    plain, sticky = _state(), _state(affinity_seconds=600)
    for table in ("nat", "filter"):
        assert plain.iptables_save(table) == sticky.iptables_save(table)
    assert plain.ipset_list() == sticky.ipset_list()
    assert "TCP  10.96.0.5:80 rr persistent 600" in sticky.ipvsadm()


def test_ipset_list_format_and_references():
    """ipset list of KUBE-CLUSTER-IP: hash:ip,port created by createSet (no 'comment' option);
    References counts the rules that match the set (masquerade, ACCEPT, KUBE-IPVS-FILTER)."""
    listing = _state().ipset_list()
    block = listing.split("\n\n")[1]
    lines = block.splitlines()
    assert lines[:3] == ["Name: KUBE-CLUSTER-IP", "Type: hash:ip,port", "Revision: 6"]
    assert re.fullmatch(r"Header: family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0x[0-9a-f]{8}",
                        lines[3])
    assert lines[4].startswith("Size in memory: ")
    assert lines[5:] == ["References: 3", "Number of entries: 1", "Members:", "10.96.0.5,tcp:80"]
    bitmap = listing.split("Name: KUBE-NODE-PORT-TCP\n", 1)[1].split("\n\n", 1)[0]
    assert bitmap.splitlines()[:2] == ["Type: bitmap:port", "Revision: 3"]
    assert "Header: range 0-65535" in bitmap
    names = re.findall(r"^Name: (\S+)$", listing, re.MULTILINE)
    assert len(names) == 17 and names[0] == "KUBE-LOOP-BACK" and names[-1] == "KUBE-IPVS-IPS"


# --- whole clusters --------------------------------------------------------------------------
FRESH_NAT = """\
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:KUBE-LOAD-BALANCER - [0:0]
:KUBE-MARK-MASQ - [0:0]
:KUBE-NODE-PORT - [0:0]
:KUBE-POSTROUTING - [0:0]
:KUBE-SERVICES - [0:0]
-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING
-A KUBE-LOAD-BALANCER -j KUBE-MARK-MASQ
-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000
-A KUBE-POSTROUTING -m comment --comment "Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose" \
-m set --match-set KUBE-LOOP-BACK dst,dst,src -j MASQUERADE
-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully
-A KUBE-SERVICES -s 127.0.0.0/8 -j RETURN
-A KUBE-SERVICES ! -s 10.244.0.0/16 -m comment --comment "Kubernetes service cluster ip + port for masquerade \
purpose" -m set --match-set KUBE-CLUSTER-IP dst,dst -j KUBE-MARK-MASQ
-A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODE-PORT
-A KUBE-SERVICES -m set --match-set KUBE-CLUSTER-IP dst,dst -j ACCEPT
COMMIT
"""

FRESH_FILTER_CHAINS = """\
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:KUBE-FORWARD - [0:0]
:KUBE-IPVS-FILTER - [0:0]
:KUBE-IPVS-OUT-FILTER - [0:0]
:KUBE-NODE-PORT - [0:0]
:KUBE-PROXY-FIREWALL - [0:0]
:KUBE-SOURCE-RANGES-FIREWALL - [0:0]
"""


def test_fresh_cluster_nat_table():
    """createAndLinkKubeChain + writeIptablesRules on a fresh cluster (kubernetes, kube-dns)."""
    text = Cluster(proxy_mode="ipvs").iptables_save("node-1")
    head, body = text.split("*nat\n", 1)
    assert head.startswith("# Generated by iptables-save v1.8.9 (nf_tables) on ")
    assert body.split("# Completed")[0] == FRESH_NAT


def test_fresh_cluster_filter_table():
    """iptablesChains (filter): six chains, none of iptables mode's (KUBE-SERVICES, KUBE-EXTERNAL-SERVICES)."""
    text = Cluster(proxy_mode="ipvs").iptables_save("node-1", "filter")
    body = text.split("*filter\n", 1)[1]
    assert body.startswith(FRESH_FILTER_CHAINS)
    assert len([ln for ln in body.splitlines() if ln.startswith("-A ")]) == 16


def test_fresh_cluster_kube_dns_ipsets():
    """kube-dns in the ipsets of node-1: its three ports in KUBE-CLUSTER-IP, its pod on node-1 in KUBE-LOOP-BACK."""
    c = Cluster(proxy_mode="ipvs")
    listing = c.ipset("node-1")
    dns_pod = next(p["status"]["podIP"] for p in c.list("Pod", "kube-system")
                   if p["metadata"]["name"].startswith("coredns") and p["spec"]["nodeName"] == "node-1")
    assert _members(listing, "KUBE-CLUSTER-IP") == ["10.96.0.1,tcp:443", "10.96.0.10,tcp:53",
                                                    "10.96.0.10,tcp:9153", "10.96.0.10,udp:53"]
    assert _members(listing, "KUBE-LOOP-BACK") == [f"{dns_pod},tcp:53,{dns_pod}", f"{dns_pod},tcp:9153,{dns_pod}",
                                                   f"{dns_pod},udp:53,{dns_pod}"]
    assert _members(listing, "KUBE-IPVS-IPS") == ["10.96.0.1", "10.96.0.10"]


def test_cluster_pod_cidr_moves_masquerade_rule():
    """--detect-local-mode=ClusterCIDR follows kubeadm's --pod-network-cidr."""
    nat = Cluster(proxy_mode="ipvs", pod_cidr="192.168.0.0/16").iptables_save("node-1")
    assert (f"-A KUBE-SERVICES ! -s 192.168.0.0/16 -m comment --comment {CLUSTER_IP_COMMENT} "
            "-m set --match-set KUBE-CLUSTER-IP dst,dst -j KUBE-MARK-MASQ") in nat.splitlines()
    assert "10.244.0.0/16" not in nat


def test_cluster_gcp_load_balancer():
    """A LoadBalancer Service on cloud="gcp": its VIP in KUBE-LOAD-BALANCER, NodePort in KUBE-NODE-PORT-TCP."""
    c = Cluster(proxy_mode="ipvs", cloud="gcp")
    c.apply([deployment("web", replicas=2), cluster_service("web", type="LoadBalancer")])
    c.advance(30)
    svc = c.get("svc", "web")
    vip, node_port = svc["status"]["loadBalancer"]["ingress"][0]["ip"], svc["spec"]["ports"][0]["nodePort"]
    listing = c.ipset("node-1")
    assert _members(listing, "KUBE-LOAD-BALANCER") == [f"{vip},tcp:80"]
    assert _members(listing, "KUBE-NODE-PORT-TCP") == [str(node_port)]
    assert vip in _members(listing, "KUBE-IPVS-IPS")
    nat = c.iptables_save("node-1").splitlines()
    assert ('-A KUBE-SERVICES -m comment --comment "Kubernetes service lb portal" '
            "-m set --match-set KUBE-LOAD-BALANCER dst,dst -j KUBE-LOAD-BALANCER") in nat


@pytest.mark.parametrize("mode, call, words", [
    pytest.param("nftables", lambda c: c.iptables_save("node-1"), ["nftables mode", "no iptables rules", "nft()"],
                 id="iptables_save in nftables mode"),
    pytest.param("iptables", lambda c: c.ipset("node-1"),
                 ["iptables mode", "no ipsets", "iptables_save()", "proxy_mode='ipvs'"], id="ipset in iptables mode"),
    pytest.param("nftables", lambda c: c.ipset("node-1"), ["nftables mode", "no ipsets", "nft()"],
                 id="ipset in nftables mode"),
])
def test_views_refused_in_other_modes(mode, call, words):
    with pytest.raises(UsageError) as err:
        call(Cluster(proxy_mode=mode))
    for word in words:
        assert word in str(err.value)


def test_stopped_kube_proxy_leaves_its_rules_and_ipsets():
    # kube-proxy does not flush on exit (only --cleanup does): the node keeps what it had.
    c = Cluster(proxy_mode="ipvs")
    before = (c.iptables_save("node-1"), c.ipset("node-1"), c.ipvsadm("node-1"))
    c.stop_kube_proxy("node-1")
    c.apply({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "late"},
             "spec": {"selector": {"app": "x"}, "ports": [{"port": 80}]}})
    assert (c.iptables_save("node-1"), c.ipset("node-1"), c.ipvsadm("node-1")) == before
    assert c.get("svc", "late")["spec"]["clusterIP"] in c.ipset("node-2")


# --- full listings and iptables mode ----------------------------------------------------------
@pytest.mark.parametrize("node_name", ["node-1", "node-2"])
def test_base_scenario_listings(golden, node_name):
    """The base scenario (tests/proxy/objects.py) in ipvs mode: nat, filter and ipset list."""
    state = make_state(node_name=node_name, mode="ipvs")
    golden("proxy", f"{node_name}.ipvs-iptables-nat.txt", state.iptables_save("nat", now=3600.0))
    golden("proxy", f"{node_name}.ipvs-iptables-filter.txt", state.iptables_save("filter", now=3600.0))
    golden("proxy", f"{node_name}.ipset.txt", state.ipset_list())


@pytest.mark.parametrize("table", ["nat", "filter"])
def test_iptables_mode_unchanged(table):
    """iptables mode still prints iptables mode's rules, byte for byte its golden listing."""
    expected = (GOLDEN / f"node-1.iptables-{table}.txt").read_text(encoding="utf-8")
    assert make_state(mode="iptables").iptables_save(table, now=3600.0) == expected


def test_ipsets_follow_endpoint_changes_incrementally():
    """A partial sync: an endpoint leaving re-renders that one Service port's entries only."""
    state = make_state(mode="ipvs")
    assert "10.244.1.5,tcp:8080,10.244.1.5" in _members(state.ipset_list(), "KUBE-LOOP-BACK")
    before = state.render_count["ipset"]
    port = [{"name": "http", "port": 8080}]
    old = endpoint_slice("web", [endpoint("10.244.1.5", "node-1"), endpoint("10.244.2.7", "node-2"),
                                 endpoint("10.244.2.8", "node-2")], port, suffix="7xq2k")
    new = endpoint_slice("web", [endpoint("10.244.2.7", "node-2"), endpoint("10.244.2.8", "node-2")],
                         port, suffix="7xq2k")
    state.update_endpoint_slice(old, new)
    listing = state.ipset_list()
    assert state.render_count["ipset"] == before + 1
    assert "10.244.1.5,tcp:8080,10.244.1.5" not in _members(listing, "KUBE-LOOP-BACK")
    assert "10.96.100.10,tcp:80" in _members(listing, "KUBE-CLUSTER-IP")
