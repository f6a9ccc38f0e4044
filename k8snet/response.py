"""What ``Cluster.request`` returns: the answer, and every hop the request took.

``Response`` mirrors what ``curl`` shows (status, body, headers, or an error such as
``connection refused``) and adds what a packet capture on every node would show:
``.hops``, one per component, each saying what it did.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

__all__ = ["Hop", "Response", "REFUSED", "TIMED_OUT"]

#: What curl says when nobody accepts the connection, or nobody answers (``Response.error``).
REFUSED, TIMED_OUT = "connection refused", "connection timed out"


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


# ``detail`` may be given as a zero-argument callable instead of a str: the text (every
# iptables rule a packet met, every HTTPRoute match a Gateway tried) is then built the
# first time someone reads ``.detail``, not on every request. A widget that sends 500
# requests and only counts the answers never formats it. Reading ``.detail`` (and so
# ``==``, ``hash`` and ``repr``, which read it) always gives the str, as if it had been
# passed directly. The dataclass keeps ``detail`` in a slot; the property below wraps
# that slot so the first read calls the function and stores its result in the slot.
_DETAIL_SLOT = Hop.detail


def _detail(hop: Hop) -> str:
    value = _DETAIL_SLOT.__get__(hop, Hop)
    if callable(value):  # still the deferred form: build it once and keep the text
        value = value()
        _DETAIL_SLOT.__set__(hop, value)
    return value


Hop.detail = property(_detail, _DETAIL_SLOT.__set__, doc="What the component did, in detail (a str).")


_set, _set_detail = object.__setattr__, _DETAIL_SLOT.__set__


def _hop_init(self, component: str, action: str, detail: str | Callable[[], str] = "", ok: bool = True) -> None:
    # The dataclass's own __init__ (a frozen one sets each field with object.__setattr__, and
    # ``detail`` through the property above); this one sets the slots directly. A request
    # makes nine hops, so it is a few per cent of a widget's 500 requests.
    _set(self, "component", component)
    _set(self, "action", action)
    _set_detail(self, detail)
    _set(self, "ok", ok)


_hop_init.__doc__ = Hop.__init__.__doc__
Hop.__init__ = _hop_init


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
    #: The request's method as sent (``request(method=...)``, upper-cased as curl -X sends it).
    method: str = "GET"

    @property
    def ok(self) -> bool:
        """True when an HTTP answer came back with a 2xx/3xx status, or (``connect()``) when
        the connection reached a pod that accepted it."""
        if self.stream:
            return self.error is None and self.pod is not None
        return self.status is not None and self.status < 400

    @property
    def stream(self) -> bool:
        """True for a raw TCP/TLS connection or UDP datagram (``connect()``), not HTTP."""
        return self.url.split("://", 1)[0] in ("tcp", "udp", "tls")

    def explain(self) -> str:
        """The hops, one per line, with their details indented."""
        lines = []
        for i, h in enumerate(self.hops, 1):
            lines.append(f"{i:>2}. {h}")
            if h.detail:
                lines.extend("      " + d for d in h.detail.splitlines())
        outcome = f"HTTP {self.status}" if self.status is not None else f"error: {self.error}" if self.error \
            else "connected"
        lines.append(f"=> {outcome}" + (f" from {self.pod}" if self.pod else ""))
        return "\n".join(lines)

    def graph(self):
        """The path this request took, as a ``graphviz.Digraph``."""
        from .render.requestpath import request_graph
        return request_graph(self)

    def __str__(self) -> str:
        if self.stream:
            return f"{self.url}: {self.error or 'connected to ' + str(self.pod)}"
        if self.error:
            return f"{self.method} {self.url}: {self.error}"
        return f"{self.method} {self.url}: HTTP {self.status} from {self.pod or 'outside the cluster'}"


_NO_HEADERS: dict = {}  # the default: each Response then gets a dict of its own, as default_factory=dict


def _response_init(self, url: str, status: int | None = None, error: str | None = None, body: str = "",
                   headers: dict = _NO_HEADERS, backend: str | None = None, pod: str | None = None,
                   hops: tuple[Hop, ...] = (), method: str = "GET") -> None:
    # The frozen dataclass's own __init__ sets each field with object.__setattr__; this one
    # fills the instance dict in one go (a widget makes 500 Responses per redraw).
    self.__dict__.update(url=url, status=status, error=error, body=body, headers={} if headers is _NO_HEADERS else headers,
                         backend=backend, pod=pod, hops=hops, method=method)


_response_init.__doc__ = Response.__init__.__doc__
Response.__init__ = _response_init
