"""``/api/v1/namespaces/NS/pods/NAME/portforward``: ``kubectl port-forward``.

kubectl v1.37 opens a WebSocket with the subprotocol ``SPDY/3.1+portforward.k8s.io`` and
speaks SPDY/3.1 inside its binary messages (KEP-4006; client-go
tools/portforward/tunneling_connection.go).  For each local connection it opens two SPDY
streams with the headers ``streamtype`` (``error`` or ``data``), ``port`` and
``requestid``; the server accepts each with SYN_REPLY, copies bytes between the data stream
and the pod's port, and writes a message to the error stream when it cannot connect (the
kubelet's portforward ``httpStreamHandler``).

Inside the pod, the kubelet connects to ``localhost:PORT`` in the pod's network namespace, so
the app sees the client ``127.0.0.1``.  Here the bytes of a data stream are parsed as HTTP by
aiohttp's own request handler (a transport that writes SPDY DATA frames) and each request
goes through the simulated path, from inside the pod to ``127.0.0.1:PORT``: the app answers
(nginx's welcome page) and logs it.  Anything not HTTP gets aiohttp's 400.
"""
from __future__ import annotations

import asyncio

from aiohttp import WSMsgType, web

from .. import status as st
from . import spdy

__all__ = ["pod_portforward", "PROTOCOL"]

PROTOCOL = "SPDY/3.1+portforward.k8s.io"
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "upgrade", "proxy-connection", "te", "trailer",
               "content-length"}


class _StreamTransport(asyncio.Transport):
    """What aiohttp's HTTP handler writes to: DATA frames on one SPDY stream."""

    def __init__(self, session: "_Session", stream_id: int):
        super().__init__()
        self.session, self.stream_id, self._closing = session, stream_id, False

    def write(self, data) -> None:
        if data and not self._closing:
            self.session.send(spdy.data(self.stream_id, bytes(data)))

    def writelines(self, chunks) -> None:
        self.write(b"".join(bytes(c) for c in chunks))

    def is_closing(self) -> bool:
        return self._closing

    def close(self) -> None:
        if not self._closing:
            self._closing = True
            self.session.finish(self.stream_id)

    def abort(self) -> None:
        self.close()

    def get_extra_info(self, name, default=None):
        return {"peername": ("127.0.0.1", 0), "sockname": ("127.0.0.1", 0)}.get(name, default)

    def can_write_eof(self) -> bool:
        return False

    def pause_reading(self) -> None:  # flow control is not modelled (see spdy.py)
        pass

    def resume_reading(self) -> None:
        pass

    def set_write_buffer_limits(self, high=None, low=None) -> None:
        pass

    def get_write_buffer_size(self) -> int:
        return 0


class _Session:
    """One SPDY connection: its streams and where their bytes go."""

    def __init__(self, ctx, ws: web.WebSocketResponse, ns: str, pod: dict, ports: list[int]):
        self.ctx, self.ws, self.ns, self.pod, self.ports = ctx, ws, ns, pod, ports
        self.codec = spdy.HeaderCodec()
        self.reader = spdy.Reader(self.codec)
        self.streams: dict[int, dict] = {}  # stream id -> {type, port, requestid, proto}
        self.errors: dict[str, int] = {}  # requestid -> error stream id
        self._out: asyncio.Queue = asyncio.Queue()
        self.finished: set[int] = set()

    def send(self, frame: bytes) -> None:
        self._out.put_nowait(frame)

    async def pump(self) -> None:
        """Write queued frames to the WebSocket, one message each (as the tunnel's Write does)."""
        while True:
            frame = await self._out.get()
            if frame is None:
                return
            await self.ws.send_bytes(frame)

    def finish(self, stream_id: int) -> None:
        """Half-close our side of a stream (and of its request's error stream)."""
        if stream_id in self.finished:
            return
        self.finished.add(stream_id)
        self.send(spdy.data(stream_id, fin=True))
        info = self.streams.get(stream_id) or {}
        err = self.errors.get(info.get("requestid", ""))
        if info.get("type") == "data" and err is not None and err not in self.finished:
            self.finished.add(err)
            self.send(spdy.data(err, fin=True))

    def handle(self, frame: spdy.Frame) -> None:
        if frame.type == spdy.SYN_STREAM:
            self._open(frame)
        elif frame.type == spdy.DATA:
            info = self.streams.get(frame.stream_id)
            if info is None:
                return
            if info["type"] == "data" and frame.data:
                info["proto"].data_received(frame.data)
            if frame.fin and info["type"] == "data":
                self.finish(frame.stream_id)
                info["proto"].connection_lost(None)
        elif frame.type == spdy.PING:
            self.send(spdy.ping(frame.value))
        elif frame.type == spdy.RST_STREAM:
            info = self.streams.pop(frame.stream_id, None)
            if info and info.get("proto") is not None:
                info["proto"].connection_lost(None)

    def _open(self, frame: spdy.Frame) -> None:
        h = frame.headers
        kind, requestid = h.get("streamtype", ""), h.get("requestid", "")
        try:
            port = int(h.get("port", ""))
        except ValueError:
            self.send(spdy.rst_stream(frame.stream_id, spdy.REFUSED_STREAM))
            return
        self.send(spdy.syn_reply(self.codec, frame.stream_id))
        info = {"type": kind, "port": port, "requestid": requestid, "proto": None}
        self.streams[frame.stream_id] = info
        if kind == "error":
            self.errors[requestid] = frame.stream_id
        elif kind == "data":
            server = web.Server(self._handler(port, frame.stream_id), access_log=None)
            proto = server()
            proto.connection_made(_StreamTransport(self, frame.stream_id))
            info["proto"] = proto
        if frame.fin:  # the client sends nothing on this stream (the error stream)
            pass

    def _handler(self, port: int, stream_id: int):
        cluster, meta = self.ctx.cluster, self.pod["metadata"]
        ref = f"{self.ns}/{meta['name']}"

        def forward(method: str, path: str, headers: dict):
            return cluster.request(f"http://127.0.0.1:{port}{path}", from_pod=ref, method=method, headers=headers)

        async def handle(request: web.BaseRequest) -> web.StreamResponse:
            headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP_BY_HOP}
            resp = self.ctx.call(forward, request.method, request.path_qs, headers)
            if resp.status is None:
                info = self.streams.get(stream_id) or {}
                err = self.errors.get(info.get("requestid", ""))
                if err is not None:
                    self.send(spdy.data(err, (
                        f"error forwarding port {port} to pod {meta.get('uid', '')}, uid : failed to connect to "
                        f"localhost:{port} inside the pod's network namespace: dial tcp4 127.0.0.1:{port}: "
                        f"connect: {resp.error}").encode()))
                self.finish(stream_id)
                raise asyncio.CancelledError
            out = {k: str(v) for k, v in resp.headers.items() if k.lower() not in _HOP_BY_HOP}
            body = resp.body if isinstance(resp.body, (bytes, bytearray)) else str(resp.body or "").encode()
            return web.Response(status=resp.status, body=body, headers=out)

        return handle


def _target(cluster, ns: str, name: str) -> dict:
    pod = cluster.store.get("Pod", ns, name)
    if pod is None:
        raise st.StatusError(st.status("NotFound", f'pods "{name}" not found', {"name": name, "kind": "pods"}))
    if (pod.get("status") or {}).get("phase") != "Running":
        raise st.StatusError(st.status("BadRequest", f"pod {name} is not running"))
    return pod


async def pod_portforward(ctx, request: web.Request) -> web.StreamResponse:
    """Serve one port-forward connection."""
    ns, name = request.match_info["namespace"], request.match_info["name"]
    pod = ctx.call(_target, ctx.cluster, ns, name)
    ports = []
    for p in request.query.getall("ports", []):
        try:
            ports.append(int(p))
        except ValueError:
            raise st.StatusError(st.status("BadRequest", f'unable to parse "{p}" as a port: strconv.ParseUint: '
                                                         f'parsing "{p}": invalid syntax')) from None
    ws = web.WebSocketResponse(protocols=(PROTOCOL,), autoping=True)
    if not ws.can_prepare(request).ok:
        raise st.StatusError(st.status("BadRequest", "Upgrade request required"))
    await ws.prepare(request)
    session = _Session(ctx, ws, ns, pod, ports)
    pump = asyncio.ensure_future(session.pump())
    try:
        async for msg in ws:
            if msg.type == WSMsgType.BINARY:
                for frame in session.reader.feed(msg.data):
                    if frame.type == spdy.GOAWAY:
                        break
                    session.handle(frame)
            elif msg.type in (WSMsgType.CLOSE, WSMsgType.ERROR):
                break
    finally:
        session.send(None)
        try:
            await asyncio.wait_for(pump, 5)
        except (asyncio.TimeoutError, ConnectionResetError):
            pump.cancel()
        for info in session.streams.values():
            if info.get("proto") is not None:
                info["proto"].connection_lost(None)
    await ws.close()
    return ws
