"""What every part of the served API shares: the cluster, its lock, the loop, the token.

Handlers (and :mod:`k8snet.serve.streams`) receive one :class:`Context`.  The rules:

* Touch the cluster only through :meth:`Context.call` (or inside ``with ctx.lock``): it
  takes the cluster's lock — the same one every public ``Cluster`` method takes, so the
  notebook kernel and concurrent kubectl processes never interleave — and first moves the
  clock to wall time (a served cluster's time follows the wall).
* Turn a k8snet error into the API server's answer with :func:`status_for` (a
  ``ValidationError`` becomes a 422 ``Invalid`` Status, a ``NotFoundError`` a 404, ...) or
  raise :class:`~k8snet.serve.status.StatusError`; the app's error middleware answers either
  as a Status object, never with a traceback.
* ``ctx.loop`` is the server's asyncio loop (it runs in its own thread); from another thread
  use ``ctx.loop.call_soon_threadsafe``.
"""
from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass, field
from typing import Any, Callable, TypeVar

from ..errors import K8sNetError
from . import status as st

__all__ = ["Context", "status_for"]

T = TypeVar("T")


@dataclass
class Context:
    """The shared state of one running server."""

    cluster: Any
    #: The bearer token every request must carry (written into the kubeconfig).
    token: str = field(default_factory=lambda: secrets.token_hex(16))
    #: The server's asyncio loop, set when it starts.
    loop: asyncio.AbstractEventLoop | None = None
    #: ``https://...`` or ``http://host:port`` of the API server, set when it listens.
    url: str = ""
    #: The DNS server's port (``kubectl cluster-info`` names CoreDNS).
    dns_port: int = 0
    #: Parts (the watch cache, NodePort listeners) keep their state here by name.
    parts: dict[str, Any] = field(default_factory=dict)

    @property
    def lock(self):
        """The cluster's lock (an RLock shared with every public Cluster method)."""
        return self.cluster.lock

    def call(self, fn: Callable[..., T], *args, **kwargs) -> T:
        """Run ``fn(*args, **kwargs)`` under the cluster's lock, the clock first caught up
        with wall time.  k8snet errors propagate (the middleware turns them into Status)."""
        with self.cluster.lock:
            self.cluster.catch_up()
            return fn(*args, **kwargs)


def status_for(e: Exception, group: str = "") -> dict:
    """The Status object the API server answers for ``e`` (see :mod:`.status`)."""
    if isinstance(e, st.StatusError):
        return e.status
    if isinstance(e, K8sNetError):
        return st.from_exception(e, group)
    return st.status("InternalError", f"an error on the server ({type(e).__name__}) has prevented the request "
                                      f"from succeeding")
