"""iptables mode: which rules a Service produces, as `iptables-save` prints them.

Each row names the branch of pkg/proxy/iptables/proxier.go syncProxyRules it checks.
Service default/web:http, ClusterIP 10.96.0.5:80, on node-1 (172.18.0.2).
"""
from __future__ import annotations

import pytest

from k8snet.proxy import ProxyConfig, ProxyState
from k8snet.proxy.iptables import service_external_chain_name as ext
from k8snet.proxy.iptables import service_firewall_chain_name as fw
from k8snet.proxy.iptables import service_local_chain_name as svl
from k8snet.proxy.iptables import service_port_chain_name as svc_chain
from k8snet.proxy.iptables import service_port_endpoint_chain_name as sep

from .objects import endpoint, endpoint_slice, node, service

N = "default/web:http"
SVC, SVL, EXT, FW = svc_chain(N, "tcp"), svl(N, "tcp"), ext(N, "tcp"), fw(N, "tcp")
SEP1 = sep(N, "tcp", "10.244.1.5:8080")  # on node-1 (local)
SEP2 = sep(N, "tcp", "10.244.2.7:8080")  # on node-2

LOCAL_AND_REMOTE = [endpoint("10.244.1.5", "node-1"), endpoint("10.244.2.7", "node-2")]
REMOTE_ONLY = [endpoint("10.244.2.7", "node-2")]


def _state(eps, **svc_kw) -> ProxyState:
    port = {"name": "http", "port": 80, "targetPort": 8080}
    if svc_kw.get("type") in ("NodePort", "LoadBalancer"):
        port["nodePort"] = 30080
    svcs = [service("web", "10.96.0.5", [port], **svc_kw)]
    slices = [endpoint_slice("web", eps, [{"name": "http", "port": 8080}])]
    return ProxyState(ProxyConfig(node_name="node-1"), services=svcs, slices=slices,
                      nodes=[node("node-1", "172.18.0.2"), node("node-2", "172.18.0.3")])


CASES = [
    ("no endpoints → REJECT in filter KUBE-SERVICES, nothing in nat",
     [], {}, "filter",
     [f'-A KUBE-SERVICES -d 10.96.0.5/32 -p tcp -m comment --comment "{N} has no endpoints" -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable'],
     [SVC]),
    ("no endpoints, NodePort → REJECT in KUBE-EXTERNAL-SERVICES (addrtype LOCAL)",
     [], {"type": "NodePort"}, "filter",
     [f'-A KUBE-EXTERNAL-SERVICES -p tcp -m comment --comment "{N} has no endpoints" -m addrtype --dst-type LOCAL -m tcp --dport 30080 -j REJECT --reject-with icmp-port-unreachable'],
     []),
    ("ClusterIP capture + masquerade off-cluster sources (LocalTrafficDetector ClusterCIDR)",
     LOCAL_AND_REMOTE, {}, "nat",
     [f'-A KUBE-SERVICES -d 10.96.0.5/32 -p tcp -m comment --comment "{N} cluster IP" -m tcp --dport 80 -j {SVC}',
      f'-A {SVC} ! -s 10.244.0.0/16 -d 10.96.0.5/32 -p tcp -m comment --comment "{N} cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ',
      f'-A {SVC} -m comment --comment "{N} -> 10.244.1.5:8080" -m statistic --mode random --probability 0.50000000000 -j {SEP1}',
      f'-A {SVC} -m comment --comment "{N} -> 10.244.2.7:8080" -j {SEP2}',
      f'-A {SEP1} -s 10.244.1.5/32 -m comment --comment "{N}" -j KUBE-MARK-MASQ',
      f'-A {SEP1} -p tcp -m comment --comment "{N}" -m tcp -j DNAT --to-destination 10.244.1.5:8080'],
     [EXT, SVL]),
    ("NodePort, ETP Cluster → KUBE-NODEPORTS → KUBE-EXT (always masquerade) → KUBE-SVC",
     LOCAL_AND_REMOTE, {"type": "NodePort"}, "nat",
     [f'-A KUBE-NODEPORTS -p tcp -m comment --comment "{N}" -m tcp --dport 30080 -j {EXT}',
      f'-A KUBE-NODEPORTS -d 127.0.0.0/8 -p tcp -m comment --comment "{N}" -m tcp --dport 30080 -m nfacct --nfacct-name localhost_nps_accepted_pkts -j {EXT}',
      f'-A {EXT} -m comment --comment "masquerade traffic for {N} external destinations" -j KUBE-MARK-MASQ',
      f'-A {EXT} -j {SVC}',
      '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS'],
     [SVL]),
    ("NodePort, ETP Local with a local endpoint → KUBE-EXT short-circuits, then KUBE-SVL",
     LOCAL_AND_REMOTE, {"type": "NodePort", "etp": "Local"}, "nat",
     [f'-A {EXT} -s 10.244.0.0/16 -m comment --comment "pod traffic for {N} external destinations" -j {SVC}',
      f'-A {EXT} -m comment --comment "masquerade LOCAL traffic for {N} external destinations" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ',
      f'-A {EXT} -m comment --comment "route LOCAL traffic for {N} external destinations" -m addrtype --src-type LOCAL -j {SVC}',
      f'-A {EXT} -j {SVL}',
      f'-A {SVL} -m comment --comment "{N} -> 10.244.1.5:8080" -j {SEP1}'],
     [f'masquerade traffic for {N} external destinations']),
    ("NodePort, ETP Local, no local endpoint → no KUBE-SVL; DROP in KUBE-EXTERNAL-SERVICES",
     REMOTE_ONLY, {"type": "NodePort", "etp": "Local"}, "filter",
     [f'-A KUBE-EXTERNAL-SERVICES -p tcp -m comment --comment "{N} has no local endpoints" -m addrtype --dst-type LOCAL -m tcp --dport 30080 -j DROP'],
     []),
    ("ITP Local with a local endpoint → clusterIP jumps to KUBE-SVL",
     LOCAL_AND_REMOTE, {"itp": "Local"}, "nat",
     [f'-A KUBE-SERVICES -d 10.96.0.5/32 -p tcp -m comment --comment "{N} cluster IP" -m tcp --dport 80 -j {SVL}',
      f'-A {SVL} ! -s 10.244.0.0/16 -d 10.96.0.5/32 -p tcp -m comment --comment "{N} cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ'],
     [f":{SVC} ", SEP2]),
    ("ITP Local, no local endpoint → DROP in filter KUBE-SERVICES",
     REMOTE_ONLY, {"itp": "Local"}, "filter",
     [f'-A KUBE-SERVICES -d 10.96.0.5/32 -p tcp -m comment --comment "{N} has no local endpoints" -m tcp --dport 80 -j DROP'],
     []),
    ("LoadBalancer IP → KUBE-EXT; health check node port ACCEPT in filter",
     LOCAL_AND_REMOTE, {"type": "LoadBalancer", "etp": "Local", "lb_ips": ("203.0.113.10",), "hc_port": 32000}, "nat",
     [f'-A KUBE-SERVICES -d 203.0.113.10/32 -p tcp -m comment --comment "{N} loadbalancer IP" -m tcp --dport 80 -j {EXT}'],
     []),
    ("LoadBalancer health check node port accepted in filter KUBE-NODEPORTS",
     LOCAL_AND_REMOTE, {"type": "LoadBalancer", "etp": "Local", "lb_ips": ("203.0.113.10",), "hc_port": 32000}, "filter",
     [f'-A KUBE-NODEPORTS -p tcp -m comment --comment "{N} health check node port" -m tcp --dport 32000 -j ACCEPT'],
     []),
    ("loadBalancerSourceRanges → KUBE-FW chain and KUBE-PROXY-FIREWALL DROP",
     LOCAL_AND_REMOTE, {"type": "LoadBalancer", "lb_ips": ("203.0.113.10",), "source_ranges": ("198.51.100.0/24",)}, "nat",
     [f'-A KUBE-SERVICES -d 203.0.113.10/32 -p tcp -m comment --comment "{N} loadbalancer IP" -m tcp --dport 80 -j {FW}',
      f'-A {FW} -s 198.51.100.0/24 -m comment --comment "{N} loadbalancer IP" -j {EXT}',
      f'-A {FW} -m comment --comment "other traffic to {N} will be dropped by KUBE-PROXY-FIREWALL"'],
     []),
    ("externalIPs → KUBE-EXT",
     LOCAL_AND_REMOTE, {"external_ips": ("192.0.2.50",)}, "nat",
     [f'-A KUBE-SERVICES -d 192.0.2.50/32 -p tcp -m comment --comment "{N} external IP" -m tcp --dport 80 -j {EXT}'],
     []),
    ("ClientIP affinity → -m recent rcheck in KUBE-SVC, --set in KUBE-SEP",
     LOCAL_AND_REMOTE, {"affinity_seconds": 600}, "nat",
     [f'-A {SVC} -m comment --comment "{N} -> 10.244.1.5:8080" -m recent --rcheck --seconds 600 --reap --name {SEP1} --mask 255.255.255.255 --rsource -j {SEP1}',
      f'-A {SEP1} -p tcp -m comment --comment "{N}" -m recent --set --name {SEP1} --mask 255.255.255.255 --rsource -m tcp -j DNAT --to-destination 10.244.1.5:8080'],
     []),
]


@pytest.mark.parametrize("title,eps,svc_kw,table,present,absent", CASES, ids=[c[0] for c in CASES])
def test_service_rules(title, eps, svc_kw, table, present, absent):
    """pkg/proxy/iptables/proxier.go syncProxyRules, one branch per row (see title)."""
    text = _state(eps, **svc_kw).iptables_save(table, now=0)
    lines = text.splitlines()
    for want in present:
        assert want in lines, f"missing in {table}:\n{want}\n--- got ---\n{text}"
    for unwanted in absent:
        assert unwanted not in text


def test_large_cluster_mode_drops_endpoint_comments():
    """proxier.go appendServiceCommentLocked: over 1000 endpoints, SEP/SVC→SEP rules lose comments."""
    eps = [endpoint(f"10.244.{i // 250}.{i % 250 + 1}", "node-2") for i in range(1001)]
    text = _state(eps).iptables_save("nat")
    first = sep(N, "tcp", "10.244.0.1:8080")
    assert f"-A {first} -s 10.244.0.1/32 -j KUBE-MARK-MASQ" in text.splitlines()
    assert f'-A {first} -s 10.244.0.1/32 -m comment' not in text


def test_header_uses_simulated_time():
    """iptables-save header/footer: ctime() of the (simulated) time, never the wall clock."""
    text = _state(LOCAL_AND_REMOTE).iptables_save("nat", now=86400 * 31 + 3661)
    assert text.startswith("# Generated by iptables-save v1.8.9 (nf_tables) on Sat Feb  1 01:01:01 2025\n*nat\n")
    assert text.endswith("COMMIT\n# Completed on Sat Feb  1 01:01:01 2025\n")


@pytest.mark.parametrize("node_name", ["node-1", "node-2"])
@pytest.mark.parametrize("table", ["nat", "filter"])
def test_block_assembly_equals_plain_listing(table, node_name):
    """iptables-save prints chains then rules grouped by chain (iptables/iptables-save.c,
    do_output): the per-Service block assembly prints exactly the plain listing of all rules."""
    from k8snet.proxy.iptables_save import render_table
    from .objects import make_state
    tables = make_state(node_name).iptables_tables()
    chains, rules = ((tables.nat_chains, tables.nat_rules) if table == "nat"
                     else (tables.filter_chains, tables.filter_rules))
    assert tables.save(table, 3600) == render_table(table, chains, rules, 3600)
    for rule in rules:
        assert rule in tables.chain(table, rule.chain)
