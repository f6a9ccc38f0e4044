"""How kube-proxy's rules grow with the number of Services, in its three modes.

For each size (Services of 4 endpoints each) we count, on node-1:

* **rules** — iptables: ``-A`` lines of ``iptables-save -t nat`` (beside the count kube-proxy
  would write, from ``figures_cluster.kube_proxy_nat_rule_count``); nftables: rule lines in the
  chains of ``nft list table ip kube-proxy``; IPVS: virtual plus real servers of ``ipvsadm -Ln``.
* **rules a packet meets** — a pod's connection to a ClusterIP walked with
  ``k8snet.proxy.trace``: the trace's steps, and the rules the walker *evaluated* (a rule that
  does not match still costs the kernel a comparison: iptables' KUBE-SERVICES is a list;
  nftables' ``vmap`` and IPVS's service table are hash lookups).  Mean over 20 seeded Services.

Sizes up to ``cluster_max`` are built as clusters from YAML (one ``Cluster`` per mode, read
through ``iptables_save``/``nft``/``ipvsadm``); larger ones feed generated Service and
EndpointSlice objects straight to one node's ``ProxyState`` (the same engine, without the
controllers, whose build time is the big-cluster figure's business).
"""
from __future__ import annotations

import random

from .figures_cluster import count_rules, kube_proxy_nat_rule_count
from .generate import cluster_yaml, proxy_objects
from .harness import emit

__all__ = ["nft_rule_count", "ipvs_entry_count", "run"]

MODES = ("iptables", "nftables", "ipvs")


def nft_rule_count(text: str) -> int:
    """Rule lines inside ``chain`` blocks of ``nft list table`` output."""
    n, in_chain = 0, False
    for line in text.splitlines():
        s = line.strip()
        if s.startswith("chain "):
            in_chain = True
        elif s == "}":
            in_chain = False
        elif in_chain and s and not s.startswith(("type ", "comment ")):
            n += 1
    return n


def ipvs_entry_count(text: str) -> int:
    """Virtual servers and real servers listed by ``ipvsadm -Ln``."""
    return sum(1 for line in text.splitlines()
               if line.startswith(("TCP ", "UDP ", "SCTP ")) or
               (line.startswith("  -> ") and not line.startswith("  -> RemoteAddress")))


class _Counted:
    """A ProxyState seen through a counter: every rule the packet walker fetches is counted."""

    def __init__(self, state):
        self._state, self.evaluated = state, 0

    def __getattr__(self, name):
        return getattr(self._state, name)

    def _count(self, rules):
        for r in rules:
            self.evaluated += 1
            yield r

    def iptables_tables(self):
        tables, outer = self._state.iptables_tables(), self

        class T:
            def chain(self, table, name):
                return outer._count(tables.chain(table, name))
        return T()

    def nft_table(self):
        table, outer = self._state.nft_table(), self

        class C:
            def __init__(self, chain):
                self.rules = outer._count(chain.rules)

        class T:
            def __getattr__(self, name):
                return getattr(table, name)

            def chain(self, name):
                return C(table.chain(name))
        return T()


def _walk(state, targets: list[tuple[str, int]], src_ip: str) -> tuple[float, float]:
    from k8snet.proxy import trace
    steps = evaluated = 0
    for k, (ip, port) in enumerate(targets):
        counted = _Counted(state)
        r = trace(counted, src_ip=src_ip, dst_ip=ip, dst_port=port, rng=random.Random(k))
        steps += len(r.steps)
        evaluated += counted.evaluated if state.config.mode != "ipvs" else len(r.steps)
    return steps / len(targets), evaluated / len(targets)


def _measure(mode: str, size: int, view: str, state, targets, src_ip: str, expected: int | None, source: str) -> None:
    rules = {"iptables": count_rules, "nftables": nft_rule_count, "ipvs": ipvs_entry_count}[mode](view)
    steps, evaluated = _walk(state, targets, src_ip)
    emit("scaling", mode=mode, services=size, rules=rules, expected=expected, steps=steps,
         evaluated=evaluated, source=source)


def _from_cluster(size: int) -> None:
    from k8snet import Cluster
    from .figures_cluster import ready_endpoints_per_port
    rng = random.Random(size)
    for mode in MODES:
        c = Cluster(2, proxy_mode=mode)
        c.apply(cluster_yaml(size, max(1, size // 100)))
        view = {"iptables": c.iptables_save, "nftables": c.nft, "ipvs": c.ipvsadm}[mode]("node-1")
        svcs = [s for s in c.store.items("Service") if s["metadata"]["namespace"].startswith("team-")]
        picks = [svcs[rng.randrange(len(svcs))] for _ in range(20)]
        targets = [(s["spec"]["clusterIP"], 80) for s in picks]
        src = next(p for p in c.store.items("Pod") if p["spec"]["nodeName"] == "node-1"
                   and p["metadata"]["namespace"].startswith("team-"))["status"]["podIP"]
        expected = kube_proxy_nat_rule_count(ready_endpoints_per_port(c)) if mode == "iptables" else None
        _measure(mode, size, view, c.kube_proxy.state("node-1"), targets, src, expected, "cluster")


def _from_objects(size: int) -> None:
    from k8snet.proxy import ProxyConfig, ProxyState
    svcs, slices = proxy_objects(size)
    node = {"metadata": {"name": "node-1", "labels": {}},
            "status": {"addresses": [{"type": "InternalIP", "address": "172.18.0.2"}]}}
    rng = random.Random(size)
    targets = [(svcs[rng.randrange(size)]["spec"]["clusterIP"], 80) for _ in range(20)]
    for mode in MODES:
        state = ProxyState(ProxyConfig("node-1", mode=mode), services=svcs, slices=slices, nodes=[node])
        view = state.render()
        expected = kube_proxy_nat_rule_count([len(s["endpoints"]) for s in slices]) if mode == "iptables" else None
        _measure(mode, size, view, state, targets, "10.244.0.2", expected, "engine")


def run(sizes: list[int], cluster_max: int) -> None:
    """Measure every size, small ones through whole clusters."""
    for size in sizes:
        (_from_cluster if size <= cluster_max else _from_objects)(size)
