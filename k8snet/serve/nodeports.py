"""NodePorts reachable from the machine: while served, every NodePort (and LoadBalancer)
Service's TCP ``nodePort`` listens on ``127.0.0.1:<nodePort>``, and each HTTP request is
sent through the simulated path — to the first node's InternalIP on that port, so
kube-proxy's rules, NetworkPolicy and the application answer, as ``curl <node-ip>:<nodePort>``
does on a real cluster.

Listeners follow the Services: the store tells :meth:`NodePorts.on_write` about every
Service write, and the loop opens or closes listeners to match.  A nodePort already taken on
this machine is reported in ``failed`` instead of stopping the server.

When no HTTP answer comes (``connection refused``, a NetworkPolicy drop), the listener answers
``502 Bad Gateway`` with curl's words in the body: a real socket cannot be made to time out
on demand here.
"""
from __future__ import annotations

import asyncio
import logging

from aiohttp import web

__all__ = ["NodePorts", "wanted_ports"]

log = logging.getLogger("k8snet.serve")
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "upgrade", "proxy-connection", "te", "trailer",
               "content-length"}


def wanted_ports(services) -> dict[int, str]:
    """nodePort -> ``namespace/name`` of the Services that open one (TCP ports only)."""
    out = {}
    for svc in services:
        spec = svc.get("spec") or {}
        if spec.get("type") not in ("NodePort", "LoadBalancer"):
            continue
        for p in spec.get("ports") or []:
            if p.get("nodePort") and p.get("protocol", "TCP") == "TCP":
                out[p["nodePort"]] = f'{svc["metadata"]["namespace"]}/{svc["metadata"]["name"]}'
    return out


class NodePorts:
    """The NodePort listeners of one served cluster."""

    def __init__(self, ctx, host: str):
        self.ctx, self.host = ctx, host
        self.listening: dict[int, str] = {}
        self.failed: dict[int, str] = {}
        self._servers: dict[int, asyncio.AbstractServer] = {}
        self._lowlevel = web.Server(self._handle, access_log=None)
        self._pending = False
        self._lock = asyncio.Lock()

    async def start(self) -> None:
        with self.ctx.lock:
            self.ctx.cluster.store.watch(self.on_write)
        await self.sync()

    def on_write(self, verb, kind, old, new) -> None:
        """The store's watcher: a Service changed, resync the listeners (on the loop)."""
        if kind == "Service" and not self._pending:
            self._pending = True
            self.ctx.loop.call_soon_threadsafe(lambda: asyncio.ensure_future(self.sync()))

    async def sync(self) -> None:
        """Open the listeners Services ask for, close the ones no Service asks for."""
        async with self._lock:
            self._pending = False
            with self.ctx.lock:
                wanted = wanted_ports(self.ctx.cluster.store.items("Service"))
            for port in sorted(set(self._servers) - set(wanted)):
                server = self._servers.pop(port)
                server.close()
                await server.wait_closed()
                self.listening.pop(port, None)
            for port in sorted(set(wanted) - set(self._servers)):
                try:
                    self._servers[port] = await self.ctx.loop.create_server(self._lowlevel, self.host, port)
                except OSError as e:
                    self.failed[port] = f"{wanted[port]}: {e.strerror or e}"
                    log.warning("k8snet serve: NodePort %s (%s) cannot listen: %s", port, wanted[port], e)
                    continue
                self.failed.pop(port, None)
            self.listening = {p: wanted[p] for p in self._servers}

    async def stop(self) -> None:
        """Close every listener."""
        with self.ctx.lock:
            self.ctx.cluster.store.unwatch(self.on_write)
        async with self._lock:
            for server in self._servers.values():
                server.close()
            for server in self._servers.values():
                await server.wait_closed()
            self._servers.clear()
            self.listening.clear()
        await self._lowlevel.shutdown(1.0)

    def _forward(self, port: int, method: str, path: str, headers: dict):
        cluster = self.ctx.cluster
        node = next(iter(sorted(cluster.store.items("Node"), key=lambda n: n["metadata"]["name"])), None)
        if node is None:
            return None
        ip = next((a["address"] for a in node["status"].get("addresses", []) if a.get("type") == "InternalIP"), None)
        return cluster.request(f"http://{ip}:{port}{path}", from_node=node["metadata"]["name"], method=method,
                               headers=headers)

    async def _handle(self, request: web.BaseRequest) -> web.Response:
        port = request.transport.get_extra_info("sockname")[1] if request.transport else 0
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP_BY_HOP}
        try:
            resp = self.ctx.call(self._forward, port, request.method, request.path_qs, headers)
        except Exception as e:  # a request the simulator cannot model: say so, no traceback
            return web.Response(status=502, text=f"k8snet: {e}\n")
        if resp is None or resp.status is None:
            error = resp.error if resp is not None else "no node"
            return web.Response(status=502, text=f"k8snet: no HTTP answer through the cluster: {error}\n",
                                headers={"X-K8snet-Error": str(error)})
        out_headers = {k: str(v) for k, v in resp.headers.items() if k.lower() not in _HOP_BY_HOP}
        body = resp.body if isinstance(resp.body, (bytes, bytearray)) else str(resp.body).encode()
        return web.Response(status=resp.status, body=body, headers=out_headers)
