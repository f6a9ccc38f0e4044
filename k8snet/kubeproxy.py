"""kube-proxy on every node: one ``proxy.ProxyState`` per node, fed by watch events.

As the real DaemonSet does, each node's kube-proxy watches Services, EndpointSlices and its
own Node, and programs that node's rules.  When kube-proxy stops on a node (it crashed, its
pod was deleted, the DaemonSet was removed: ``stop(node)``), the rules it wrote stay in the
kernel as they were: nobody flushes them.  Services that existed keep working on those stale
rules (to the endpoints they had then); a Service created afterwards has no rule on that node,
and endpoint changes (new pods, deleted pods, readiness) never reach it.  When kube-proxy
starts again (the DaemonSet recreates its pod: ``start(node)``) it resyncs every rule from the
API server, as its first full sync does (``syncProxyRules`` after ``setInitialized``).

On a dual-stack cluster each node's kube-proxy runs one proxier per IP family
(``metaproxier.NewMetaProxier`` over the IPv4 and the IPv6 proxier): ``state(node)`` is the
primary family's, ``state(node, "IPv6")`` the other's, each fed the same events and keeping
only its family's ClusterIPs and EndpointSlices.
"""
from __future__ import annotations

from .errors import UsageError
from .proxy import ProxyConfig, ProxyState

__all__ = ["KubeProxies", "METRICS_PORT", "metrics_answer"]

#: kube-proxy's metrics server: --metrics-bind-address defaults to 127.0.0.1:10249
#: (KubeProxyConfiguration.metricsBindAddress, which kubeadm leaves unset), so only the node
#: itself (or a hostNetwork pod) reaches it, on its loopback address.
METRICS_PORT = 10249


def metrics_answer(mode: str, path: str) -> tuple[int, str]:
    """What kube-proxy's metrics server answers: ``/proxyMode`` is the mode, written
    without a newline (cmd/kube-proxy/app/server.go ``serveMetrics``); an unknown path gets
    Go's ServeMux 404."""
    if path.split("?", 1)[0] == "/proxyMode":
        return 200, mode
    return 404, "404 page not found\n"


class KubeProxies:
    """The kube-proxy of every node of one cluster."""

    def __init__(self, store, *, mode: str, ipvs_scheduler: str, cluster_cidr: str = "10.244.0.0/16",
                 service_cidr: str = "10.96.0.0/12", families=None):
        self.store, self.mode, self.scheduler = store, mode, ipvs_scheduler
        #: (family, --cluster-cidr, --service-cluster-ip-range) per family, primary first.
        self.families = tuple((f.name, f.pod_cidr, f.service_cidr) for f in families) if families \
            else (("IPv4", cluster_cidr, service_cidr),)
        self.cluster_cidr, self.service_cidr = self.families[0][1], self.families[0][2]
        self.states: dict[str, ProxyState] = {}
        #: The secondary family's proxier per node (dual-stack clusters only).
        self.secondary: dict[str, ProxyState] = {}
        self.running: dict[str, bool] = {}
        self.proxy_pod: dict[str, str] = {}  # node -> uid of the kube-proxy pod running there
        # While Cluster.traffic() runs the clock, EndpointSlice changes reach each node late
        # (propagation.py): (due, old, new) per node, applied when that node is next used.
        self.propagation = None
        self.pending: dict[str, list] = {}
        store.watch(self._on_event, kinds=("Node", "Pod", "Service", "EndpointSlice"))

    def _new_state(self, node: dict, index: int = 0) -> ProxyState:
        family, cluster_cidr, service_cidr = self.families[index]
        cfg = ProxyConfig(node["metadata"]["name"], cluster_cidr=cluster_cidr,
                          service_cidrs=(service_cidr,), mode=self.mode, ipvs_scheduler=self.scheduler,
                          family=family, localhost_nodeports=family == "IPv4")
        return ProxyState(cfg, services=list(self.store.items("Service")),
                          slices=list(self.store.items("EndpointSlice")), nodes=[node])

    def _proxiers(self):
        """(node, state) for every proxier built so far, primary and secondary."""
        yield from self.states.items()
        yield from self.secondary.items()

    def _on_event(self, verb: str, kind: str, old, new) -> None:
        # A node's state is built the first time something looks at that node (a view or a
        # packet), from the store as it is then, and kept current by events afterwards; in a
        # 500-node cluster only the nodes a lesson touches pay for their rules.
        if kind == "Node":
            name = (new or old)["metadata"]["name"]
            if new is None:
                self.states.pop(name, None)
                self.secondary.pop(name, None)
                self.running.pop(name, None)
            else:
                self.running.setdefault(name, True)
                for states in (self.states, self.secondary):
                    if name in states and self.running[name]:
                        states[name].update_node(new)
        elif kind == "Pod" and ((new or old)["metadata"].get("labels") or {}).get("k8s-app") == "kube-proxy":
            # The kube-proxy pod of a node: when it goes (deleted, or its DaemonSet removed) the
            # process on the node ends and its rules stay behind; a new one (the DaemonSet
            # replaced it) starts kube-proxy again: deleting the pod is how a stuck one is restarted.
            node, uid = (new or old)["spec"].get("nodeName"), (new or old)["metadata"].get("uid")
            if node and new is not None and not new["metadata"].get("deletionTimestamp"):
                if self.proxy_pod.get(node) != uid:
                    self.proxy_pod[node] = uid
                    self.start(node)
            elif node and self.proxy_pod.get(node) == uid:  # the running one was deleted
                self.proxy_pod.pop(node)
                self.stop(node)
        elif kind == "Service":
            for node, state in self._proxiers():
                if self.running.get(node, True):
                    state.update_service(old, new)
        elif kind == "EndpointSlice":
            lag = self.propagation
            for node, state in list(self.states.items()):
                if not self.running.get(node, True):
                    continue
                if lag is not None and lag.active:
                    from .propagation import KUBE_PROXY_DELAY
                    queue = self.pending.setdefault(node, [])
                    due = lag.now() + lag.draw(KUBE_PROXY_DELAY)
                    queue.append((max(due, queue[-1][0]) if queue else due, old, new))
                else:
                    state.update_endpoint_slice(old, new)
                    if node in self.secondary:
                        self.secondary[node].update_endpoint_slice(old, new)

    def stop(self, node: str) -> None:
        """kube-proxy on ``node`` ends: its rules, as they are now, stay and stop following
        the API (built first if nobody had looked at that node yet)."""
        if not self.running.get(node, True):
            return
        for family, _, _ in self.families:
            self.state(node, family)
        self.running[node] = False

    def start(self, node: str) -> None:
        """kube-proxy on ``node`` starts: a full resync from the API server's objects now."""
        if self.running.get(node, True) and node in self.running:
            return
        self.running[node] = True
        self.states.pop(node, None)
        self.secondary.pop(node, None)
        self.pending.pop(node, None)

    def fresh(self, node: str, family: str | None = None) -> ProxyState:
        """What ``node``'s kube-proxy would program from the API objects now (a throw-away
        state: for comparing with the rules a stopped kube-proxy left behind)."""
        return self._new_state(self.store.peek("Node", "", node), self._family_index(family))

    def _family_index(self, family: str | None) -> int:
        if family is None:  # the primary family (asked on every request)
            return 0
        names = [f[0] for f in self.families]
        if family not in names:
            hint = ("ip6tables_save(node) or nft(node, family='ip6')" if family == "IPv4"
                    else "Cluster(ip_families=('IPv4', 'IPv6')) for a dual-stack cluster")
            raise UsageError(f"this cluster has no {family} family (its IP families: {', '.join(names)}), so "
                             f"kube-proxy runs no {family} proxier: use {hint}")
        return names.index(family)

    def catch_up(self, node: str, until: float | None) -> None:
        """Apply the EndpointSlice changes that reached ``node`` by ``until`` (None: all)."""
        queue = self.pending.get(node)
        while queue and (until is None or queue[0][0] <= until):
            _, old, new = queue.pop(0)
            self.states[node].update_endpoint_slice(old, new)
            if node in self.secondary:
                self.secondary[node].update_endpoint_slice(old, new)

    def state(self, node: str, family: str | None = None) -> ProxyState:
        """``node``'s kube-proxy state (built on first use), with the changes that reached it:
        the proxier of ``family`` (default: the primary family)."""
        index = self._family_index(family)
        if node in self.pending:
            lag = self.propagation
            self.catch_up(node, lag.now() if lag is not None and lag.active else None)
        if node not in self.states:
            obj = self.store.peek("Node", "", node)
            if obj is None:
                names = sorted(n["metadata"]["name"] for n in self.store.items("Node"))
                raise UsageError(f'node "{node}" not found: nodes are {", ".join(names)}')
            self.states[node] = self._new_state(obj)
        if index == 0:
            return self.states[node]
        if node not in self.secondary:
            if not self.running.get(node, True):
                raise UsageError(f"kube-proxy is not running on {node}: nobody looked at its {family} rules before "
                                 "it stopped")
            self.secondary[node] = self._new_state(self.store.peek("Node", "", node), index)
        return self.secondary[node]

    def ipvsadm(self, node: str) -> str:
        """``ipvsadm -Ln`` on ``node``: one IPVS table holds the virtual servers of both
        proxiers of a dual-stack node."""
        first = self.state(node)
        others = tuple((self.state(node, f[0]).ipvs_services(), self.state(node, f[0]).runtime.ipvs)
                       for f in self.families[1:])
        from .proxy import ipvs
        return ipvs.ipvsadm_ln(first.ipvs_services(), first.runtime.ipvs, others)

    def view(self, node: str, wanted: str | tuple[str, ...], render, *, what: str = "",
             family: str | None = None) -> str:
        """One node's rules as a tool prints them; ``wanted`` is the mode (or modes) whose
        kube-proxy writes what that tool shows, ``what`` names it in the error (default
        "<first wanted mode> rules"); ``family`` picks the proxier (default: primary)."""
        state = self.state(node, family)
        modes = (wanted,) if isinstance(wanted, str) else tuple(wanted)
        if self.mode not in modes:
            tool = {"iptables": "iptables_save()", "nftables": "nft()", "ipvs": "ipvsadm()"}[self.mode]
            raise UsageError(f"this cluster's kube-proxy runs in {self.mode} mode, so {node} has no "
                             f"{what or modes[0] + ' rules'} of kube-proxy to show: use {tool}, "
                             f"or Cluster(proxy_mode={modes[0]!r})")
        return render(state)  # a stopped kube-proxy's rules are still on the node, stale
