"""A served cluster: the API server's loop in a background thread, the NodePort listeners,
the DNS server, and the clock following wall time.

The loop thread owns every socket it opens; :meth:`Server.stop` closes them all and joins
the thread, so the ports are free when it returns.
"""
from __future__ import annotations

import asyncio
import threading
from concurrent.futures import Future

from aiohttp import web

from ..controllers import nodelease
from .app import make_app
from .cacher import WatchCache
from .context import Context
from .kubeconfig import write_kubeconfig
from .nodeports import NodePorts
from .tls import make_certificates

__all__ = ["Server", "TICK"]

#: How often the loop moves a served cluster's clock to wall time (seconds).
TICK = 0.2


class Server:
    """A running server for one cluster: ``url``, ``kubeconfig``, ``dns_port``, ``stop()``."""

    def __init__(self, cluster, host: str = "127.0.0.1", port: int = 0, *, kubeconfig: str | None = None):
        self.cluster = cluster
        self.ctx = Context(cluster)
        self.host = host
        self._loop = asyncio.new_event_loop()
        self.ctx.loop = self._loop
        self._thread = threading.Thread(target=self._loop.run_forever, name=f"k8snet-serve-{id(self):x}",
                                        daemon=True)
        self._thread.start()
        self._runner: web.AppRunner | None = None
        self._dns = None
        self._ticker: asyncio.Task | None = None
        try:
            self.certificates = make_certificates()
            self.port = self._run(self._start(host, port))
            self.url = f"https://{host}:{self.port}"
            self.ctx.url = self.url
            from ..dns import serve as dns_serve
            self._dns = dns_serve(_Locked(cluster), host=host, port=0)
            self.dns_port = self.ctx.dns_port = self._dns.port
            self.kubeconfig = write_kubeconfig(self.url, self.ctx.token, self.certificates.ca_pem, kubeconfig)
        except BaseException:
            self._shutdown()
            raise

    def _run(self, coro):
        fut: Future = asyncio.run_coroutine_threadsafe(coro, self._loop)
        return fut.result(timeout=60)

    async def _start(self, host: str, port: int) -> int:
        self.ctx.parts["watch-cache"] = WatchCache(self.cluster.store, self._loop)
        # handler_cancellation: a watch whose client went away stops at once.
        self._runner = web.AppRunner(make_app(self.ctx), handle_signals=False, access_log=None,
                                     shutdown_timeout=1.0, handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port, ssl_context=self.certificates.ssl_context())
        try:
            await site.start()
        except OSError as e:
            from . import ServeError
            raise ServeError(f"cannot serve on {host}:{port}: {e.strerror or e} (is another server running? "
                             f"port=0 picks a free port)") from None
        bound = site._server.sockets[0].getsockname()[1]  # the port the OS picked for port=0
        nodeports = NodePorts(self.ctx, host)
        self.ctx.parts["nodeports"] = nodeports
        await nodeports.start()
        self._ticker = asyncio.get_running_loop().create_task(self._tick())
        return bound

    async def _tick(self) -> None:
        # The clock follows wall time: move it (firing timers: readiness, rollouts,
        # evictions) a few times a second, so watches see progress with nobody asking.
        while True:
            await asyncio.sleep(TICK)
            with self.cluster.lock:
                self.cluster.catch_up()
                nodelease.renew(self.cluster)  # the kubelets' heartbeats (kubectl describe node reads them)

    async def _stop(self) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
        nodeports = self.ctx.parts.get("nodeports")
        if nodeports is not None:
            await nodeports.stop()
        cache = self.ctx.parts.get("watch-cache")
        if cache is not None:
            with self.cluster.lock:
                cache.close()
        if self._runner is not None:
            await self._runner.cleanup()
        # Whatever still runs (a watch stream, a stream subresource) ends with the server.
        rest = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for t in rest:
            t.cancel()
        await asyncio.gather(*rest, return_exceptions=True)

    def _shutdown(self) -> None:
        if self._loop.is_running():
            try:
                self._run(self._stop())
            finally:
                self._loop.call_soon_threadsafe(self._loop.stop)
                self._thread.join(timeout=30)
        if not self._loop.is_running() and not self._loop.is_closed():
            self._loop.close()
        if self._dns is not None:
            self._dns.stop()
            self._dns = None

    def stop(self) -> None:
        """Stop serving: close the API server, the NodePorts and the DNS server (every port is
        free when this returns); the clock stops following wall time.  Idempotent."""
        if self._loop.is_closed():
            return
        self._shutdown()
        with self.cluster.lock:
            self.cluster.clock.stop_following()
        from . import _release
        _release(self.cluster, self)

    @property
    def nodeports(self) -> dict[int, str]:
        """The NodePorts listening (port -> ``namespace/service``) and any that could not."""
        np = self.ctx.parts.get("nodeports")
        return dict(np.listening) if np else {}

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "stopped" if self._loop.is_closed() else "serving"
        return f"<k8snet Server {self.url} dns=:{self.dns_port} {state}>"

    def _repr_html_(self) -> str:
        return (f"<p>Serving the cluster at <code>{self.url}</code> (DNS on port {self.dns_port}). "
                f"In a terminal:</p><pre>export KUBECONFIG={self.kubeconfig}</pre>")


class _Locked:
    """The cluster as the DNS server's threads see it: each query under the cluster's lock."""

    def __init__(self, cluster):
        self._cluster = cluster

    def resolve(self, *args, **kwargs):
        return self._cluster.resolve(*args, **kwargs)  # Cluster.resolve takes the lock itself
