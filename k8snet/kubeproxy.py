"""kube-proxy on every node: one ``proxy.ProxyState`` per node, fed by watch events.

As the real DaemonSet does, each node's kube-proxy watches Services, EndpointSlices and its
own Node, and programs that node's rules.  When kube-proxy stops on a node (it crashed, its
pod was deleted, the DaemonSet was removed: ``stop(node)``), the rules it wrote stay in the
kernel as they were: nobody flushes them.  Services that existed keep working on those stale
rules (to the endpoints they had then); a Service created afterwards has no rule on that node,
and endpoint changes (new pods, deleted pods, readiness) never reach it.  When kube-proxy
starts again (the DaemonSet recreates its pod: ``start(node)``) it resyncs every rule from the
API server, as its first full sync does (``syncProxyRules`` after ``setInitialized``).
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

    def __init__(self, store, *, mode: str, ipvs_scheduler: str, cluster_cidr: str, service_cidr: str):
        self.store, self.mode, self.scheduler = store, mode, ipvs_scheduler
        self.cluster_cidr, self.service_cidr = cluster_cidr, service_cidr
        self.states: dict[str, ProxyState] = {}
        self.running: dict[str, bool] = {}
        self.proxy_pod: dict[str, str] = {}  # node -> uid of the kube-proxy pod running there
        # While Cluster.traffic() runs the clock, EndpointSlice changes reach each node late
        # (propagation.py): (due, old, new) per node, applied when that node is next used.
        self.propagation = None
        self.pending: dict[str, list] = {}
        store.watch(self._on_event)

    def _new_state(self, node: dict) -> ProxyState:
        cfg = ProxyConfig(node["metadata"]["name"], cluster_cidr=self.cluster_cidr,
                          service_cidrs=(self.service_cidr,), mode=self.mode, ipvs_scheduler=self.scheduler)
        return ProxyState(cfg, services=list(self.store.items("Service")),
                          slices=list(self.store.items("EndpointSlice")), nodes=[node])

    def _on_event(self, verb: str, kind: str, old, new) -> None:
        # A node's state is built the first time something looks at that node (a view or a
        # packet), from the store as it is then, and kept current by events afterwards; in a
        # 500-node cluster only the nodes a lesson touches pay for their rules.
        if kind == "Node":
            name = (new or old)["metadata"]["name"]
            if new is None:
                self.states.pop(name, None)
                self.running.pop(name, None)
            else:
                self.running.setdefault(name, True)
                if name in self.states and self.running[name]:
                    self.states[name].update_node(new)
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
            for node, state in self.states.items():
                if self.running.get(node, True):
                    state.update_service(old, new)
        elif kind == "EndpointSlice":
            lag = self.propagation
            for node, state in self.states.items():
                if not self.running.get(node, True):
                    continue
                if lag is not None and lag.active:
                    from .propagation import KUBE_PROXY_DELAY
                    queue = self.pending.setdefault(node, [])
                    due = lag.now() + lag.draw(KUBE_PROXY_DELAY)
                    queue.append((max(due, queue[-1][0]) if queue else due, old, new))
                else:
                    state.update_endpoint_slice(old, new)

    def stop(self, node: str) -> None:
        """kube-proxy on ``node`` ends: its rules, as they are now, stay and stop following
        the API (built first if nobody had looked at that node yet)."""
        if not self.running.get(node, True):
            return
        self.state(node)
        self.running[node] = False

    def start(self, node: str) -> None:
        """kube-proxy on ``node`` starts: a full resync from the API server's objects now."""
        if self.running.get(node, True) and node in self.running:
            return
        self.running[node] = True
        self.states.pop(node, None)
        self.pending.pop(node, None)

    def fresh(self, node: str) -> ProxyState:
        """What ``node``'s kube-proxy would program from the API objects now (a throw-away
        state: for comparing with the rules a stopped kube-proxy left behind)."""
        return self._new_state(self.store.peek("Node", "", node))

    def catch_up(self, node: str, until: float | None) -> None:
        """Apply the EndpointSlice changes that reached ``node`` by ``until`` (None: all)."""
        queue = self.pending.get(node)
        while queue and (until is None or queue[0][0] <= until):
            _, old, new = queue.pop(0)
            self.states[node].update_endpoint_slice(old, new)

    def state(self, node: str) -> ProxyState:
        """``node``'s kube-proxy state (built on first use), with the changes that reached it."""
        if node in self.pending:
            lag = self.propagation
            self.catch_up(node, lag.now() if lag is not None and lag.active else None)
        if node not in self.states:
            obj = self.store.peek("Node", "", node)
            if obj is None:
                names = sorted(n["metadata"]["name"] for n in self.store.items("Node"))
                raise UsageError(f'node "{node}" not found: nodes are {", ".join(names)}')
            self.states[node] = self._new_state(obj)
        return self.states[node]

    def view(self, node: str, wanted: str | tuple[str, ...], render, *, what: str = "") -> str:
        """One node's rules as a tool prints them; ``wanted`` is the mode (or modes) whose
        kube-proxy writes what that tool shows, ``what`` names it in the error (default
        "<first wanted mode> rules")."""
        state = self.state(node)
        modes = (wanted,) if isinstance(wanted, str) else tuple(wanted)
        if self.mode not in modes:
            tool = {"iptables": "iptables_save()", "nftables": "nft()", "ipvs": "ipvsadm()"}[self.mode]
            raise UsageError(f"this cluster's kube-proxy runs in {self.mode} mode, so {node} has no "
                             f"{what or modes[0] + ' rules'} of kube-proxy to show: use {tool}, "
                             f"or Cluster(proxy_mode={modes[0]!r})")
        return render(state)  # a stopped kube-proxy's rules are still on the node, stale
