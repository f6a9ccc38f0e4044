"""The big-cluster figures: build from YAML, the iptables view, one pod deleted.

Run in a subprocess by ``run.py`` (so peak memory is this figure's own); each measurement
is emitted as soon as it exists, so a figure stopped by its time cap still reports how far
it got.  The expected rule count is computed from the *inputs* (ready endpoints per Service
port), following kube-proxy's ``syncProxyRules``, not read back from the simulator.
"""
from __future__ import annotations

import time

from .generate import cluster_yaml
from .harness import emit, peak_rss_mib

__all__ = ["kube_proxy_nat_rule_count", "count_rules", "build", "run"]

#: nat rules kube-proxy's iptables mode writes whatever the Services: the PREROUTING,
#: OUTPUT and POSTROUTING jumps (iptables.EnsureChain/EnsureRule in syncProxyRules), one
#: KUBE-MARK-MASQ rule, three KUBE-POSTROUTING rules, and the last KUBE-SERVICES rule that
#: jumps to KUBE-NODEPORTS (pkg/proxy/iptables/proxier.go, syncProxyRules).
FIXED_NAT_RULES = 3 + 1 + 3 + 1


def kube_proxy_nat_rule_count(endpoints_per_port: list[int]) -> int:
    """nat rules kube-proxy (iptables mode, --detect-local-mode=ClusterCIDR) writes for
    ClusterIP-only Service ports with these numbers of ready endpoints.

    pkg/proxy/iptables/proxier.go, syncProxyRules: per port with endpoints, one KUBE-SERVICES
    rule to its KUBE-SVC chain; in KUBE-SVC one ``! -s <clusterCIDR> -j KUBE-MARK-MASQ`` rule
    plus one jump per endpoint (writeServiceToEndpointRules); per endpoint a KUBE-SEP chain
    of two rules (hairpin ``-s <pod> -j KUBE-MARK-MASQ`` and the DNAT).  A port without
    endpoints has no nat rule (it gets a REJECT in filter KUBE-SERVICES instead)."""
    return FIXED_NAT_RULES + sum(2 + 3 * e for e in endpoints_per_port if e)


def count_rules(save_text: str) -> int:
    """``-A`` lines in ``iptables-save`` output (what sync_proxy_rules_iptables_total counts)."""
    return sum(1 for line in save_text.splitlines() if line.startswith("-A "))


def ready_endpoints_per_port(cluster) -> list[int]:
    """Ready endpoints of every ClusterIP Service port, counted from the EndpointSlices."""
    from collections import defaultdict
    ready: dict[tuple, set] = defaultdict(set)
    for sl in cluster.store.items("EndpointSlice"):
        svc = (sl["metadata"].get("labels") or {}).get("kubernetes.io/service-name")
        for p in sl.get("ports") or []:
            key = (sl["metadata"]["namespace"], svc, p.get("name") or "", p.get("protocol", "TCP"))
            for ep in sl.get("endpoints") or []:
                if (ep.get("conditions") or {}).get("ready", True):
                    ready[key].update(ep["addresses"])
    out = []
    for svc in cluster.store.items("Service"):
        if svc["spec"].get("type") == "ExternalName" or svc["spec"].get("clusterIP") in (None, "None"):
            continue
        for p in svc["spec"]["ports"]:
            out.append(len(ready.get((svc["metadata"]["namespace"], svc["metadata"]["name"],
                                      p.get("name") or "", p.get("protocol", "TCP")), ())))
    return out


def _chunks(docs: list[str], n: int) -> list[str]:
    size = max(1, -(-len(docs) // n))
    return ["---\n".join(docs[i:i + size]) for i in range(0, len(docs), size)]


def node_mask(nodes: int) -> int:
    """The node range size the build uses: /24 up to 256 nodes, then /25 (up to 512)."""
    return 24 if nodes <= 256 else 25


def build(nodes: int, services: int, namespaces: int, replicas: int = 4, *, progress: bool = True):
    """A ``Cluster(nodes)`` with the generated YAML applied; emits progress per tenth.

    10.244.0.0/16 holds 256 node ranges of /24; a larger cluster gets /25s, as an admin sets
    kube-controller-manager's --node-cidr-mask-size=25 for it."""
    from k8snet import Cluster
    docs = cluster_yaml(services, namespaces, replicas).split("---\n")
    t0 = time.perf_counter()
    c = Cluster(nodes, node_cidr_mask_size=node_mask(nodes))
    parts = _chunks(docs, 10)
    for k, text in enumerate(parts, 1):
        c.apply(text)
        if progress:
            emit("build_progress", done=k, of=len(parts), seconds=time.perf_counter() - t0,
                 pods=c.store.count("Pod"), peak_rss_mib=peak_rss_mib())
    return c, time.perf_counter() - t0


def run(nodes: int, services: int, namespaces: int, replicas: int = 4) -> None:
    """Build, then the iptables view, then one pod deleted (incremental update)."""
    c, seconds = build(nodes, services, namespaces, replicas)
    emit("build", seconds=seconds, peak_rss_mib=peak_rss_mib(), pods=c.store.count("Pod"),
         services=c.store.count("Service"), slices=c.store.count("EndpointSlice"), nodes=c.store.count("Node"))

    node = "node-1"
    t0 = time.perf_counter()
    nat = c.iptables_save(node)
    flt = c.iptables_save(node, "filter")
    view_s = time.perf_counter() - t0
    expected = kube_proxy_nat_rule_count(ready_endpoints_per_port(c))
    emit("iptables_view", seconds=view_s, nat_rules=count_rules(nat), filter_rules=count_rules(flt),
         expected_nat_rules=expected, services=c.store.count("Service"), bytes=len(nat) + len(flt))

    victim = next(p for p in c.store.items("Pod", "team-0")
                  if p["metadata"]["labels"].get("app") == "app-0" and not p["metadata"].get("deletionTimestamp"))
    state = c.kube_proxy.state(node)
    before_renders = state.render_count["iptables"]
    ip = victim["status"]["podIP"]
    t0 = time.perf_counter()
    c.delete(f"pod/{victim['metadata']['name']}", "team-0")
    state.iptables_tables()  # the re-sync of this node's rules (partial: changed Services only)
    delete_s = time.perf_counter() - t0
    after = c.iptables_save(node)
    gone = f"--to-destination {ip}:80" not in after
    emit("pod_delete", seconds=delete_s, service_ports_rerendered=state.render_count["iptables"] - before_renders,
         endpoint_left_rules=gone, nat_rules_after=count_rules(after))
