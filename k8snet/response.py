"""What ``Cluster.request`` returns: the answer, and every hop the request took.

``Response`` mirrors what ``curl`` shows (status, body, headers, or an error such as
``connection refused``) and adds what a packet capture on every node would show:
``.hops``, one per component, each saying what it did.
"""
from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Hop", "Response"]


@dataclass(frozen=True, slots=True)
class Hop:
    """One component on the path and what it did (``ok=False`` where the request failed)."""

    component: str  # client, DNS, node, cloud load balancer, kube-proxy, Ingress controller, ...
    action: str
    detail: str = ""
    ok: bool = True

    def __str__(self) -> str:
        mark = "" if self.ok else "✗ "
        return f"{mark}{self.component}: {self.action}"


@dataclass(frozen=True)
class Response:
    """The result of one HTTP request through the simulated cluster."""

    url: str
    status: int | None = None
    error: str | None = None
    body: str = ""
    headers: dict = field(default_factory=dict)
    backend: str | None = None
    pod: str | None = None
    hops: tuple[Hop, ...] = ()

    @property
    def ok(self) -> bool:
        """True when an HTTP answer came back with a 2xx/3xx status."""
        return self.status is not None and self.status < 400

    def explain(self) -> str:
        """The hops, one per line, with their details indented."""
        lines = []
        for i, h in enumerate(self.hops, 1):
            lines.append(f"{i:>2}. {h}")
            if h.detail:
                lines.extend("      " + d for d in h.detail.splitlines())
        outcome = f"HTTP {self.status}" if self.status is not None else f"error: {self.error}"
        lines.append(f"=> {outcome}" + (f" from {self.pod}" if self.pod else ""))
        return "\n".join(lines)

    def graph(self):
        """The path this request took, as a ``graphviz.Digraph``."""
        from .render.graphviz import request_graph
        return request_graph(self)

    def __str__(self) -> str:
        if self.error:
            return f"GET {self.url}: {self.error}"
        return f"GET {self.url}: HTTP {self.status} from {self.pod or 'outside the cluster'}"
