"""How long an EndpointSlice change takes to reach the data planes that act on it.

In a real cluster nothing reads the API server synchronously: kube-proxy on each node and the
Ingress controller / Gateway watch EndpointSlices and reprogram themselves a moment later.

* kube-proxy: the watch event arrives within ~0.1 s, then ``syncProxyRules`` runs no more
  often than ``minSyncPeriod`` (1 s by default in every mode): a change reaches a node's rules
  after a delay drawn uniformly from ``KUBE_PROXY_DELAY`` (per node and per change).
* ingress-nginx syncs its Lua upstream lists once a second, Envoy gets an xDS push: a change
  reaches the Ingress controller and the Gateway after a delay drawn from ``L7_DELAY``.

The draws come from the cluster seed, so the same calls give the same delays.

**When the delays apply.** Between calls on a cluster the simulated clock stands still, and
every change is already everywhere (the cluster as you see it a few seconds after a command).
The delays apply while the clock runs under ``Cluster.traffic()``: that is where a request can
reach a pod through a rule that still names it after the pod stopped listening.
"""
from __future__ import annotations

import random
from typing import Callable

__all__ = ["Propagation", "KUBE_PROXY_DELAY", "L7_DELAY"]

#: (min, max) seconds for an EndpointSlice change to reach one node's kube-proxy rules.
KUBE_PROXY_DELAY = (0.1, 1.1)
#: (min, max) seconds for it to reach the Ingress controller's and the Gateway's upstreams.
L7_DELAY = (0.5, 1.5)


class Propagation:
    """Delayed views of the EndpointSlices, for kube-proxy (per node) and the L7 proxies."""

    def __init__(self, seed: int, now: Callable[[], float]):
        self.rng = random.Random(f"{seed}/propagation")
        self.now = now
        self.active = False
        self.slices: dict[tuple[str, str], dict] = {}  # what the L7 proxies know
        self.pending: list[tuple[float, tuple[str, str], dict | None]] = []
        self.version = 0  # bumped whenever the L7 view changes

    def draw(self, bounds: tuple[float, float]) -> float:
        lo, hi = bounds
        return lo + (hi - lo) * self.rng.random()

    def start(self, store) -> None:
        """The clock starts running: from now on changes arrive late."""
        self.active = True
        self.slices = {(s["metadata"]["namespace"], s["metadata"]["name"]): s for s in store.items("EndpointSlice")}
        self.pending = []
        self.version += 1

    def stop(self) -> None:
        """The clock stops: everything has arrived."""
        self.active = False
        self.pending = []
        self.slices = {}
        self.version += 1

    def on_slice(self, old: dict | None, new: dict | None) -> None:
        """An EndpointSlice was written: the L7 proxies learn it later."""
        if not self.active:
            return
        meta = (new or old)["metadata"]
        due = self.now() + self.draw(L7_DELAY)
        if self.pending:
            due = max(due, self.pending[-1][0])  # one watch stream: changes arrive in order
        self.pending.append((due, (meta["namespace"], meta["name"]), new))

    def l7_slices(self, namespace: str) -> list[dict]:
        """The EndpointSlices of ``namespace`` as the Ingress controller / Gateway know them now."""
        now = self.now()
        while self.pending and self.pending[0][0] <= now:
            _, key, obj = self.pending.pop(0)
            if obj is None:
                self.slices.pop(key, None)
            else:
                self.slices[key] = obj
            self.version += 1
        return [s for (ns, _), s in sorted(self.slices.items()) if ns == namespace]
