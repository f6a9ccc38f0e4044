"""``/api/v1/namespaces/NS/pods/NAME/exec``: run a program in a pod over a WebSocket.

kubectl v1.37 asks for the WebSocket subprotocols ``v5.channel.k8s.io`` and
``v4.channel.k8s.io`` (client-go tools/remotecommand/websocket.go) and falls back to SPDY
only when the upgrade itself fails.  Every binary message starts with its channel byte
(apimachinery httpstream/wsstream): 0 stdin, 1 stdout, 2 stderr, 3 error (a ``Status`` in
JSON: ``Success``, or ``NonZeroExitCode`` with the exit code as a cause), 4 resize
(``{"Width":..,"Height":..}``) and, in v5 only, 255 close (the client closed its stdin).

The programs are the emulated ``kubectl exec``'s (``k8snet.kubectl.execs``), run through that
pod's simulated data path; ``sh`` with a TTY is the small interactive shell of
:mod:`.shell`.
"""
from __future__ import annotations

import json

from aiohttp import WSMsgType, web

from ...kubectl import execs
from .. import status as st
from .shell import Shell, run_line

__all__ = ["pod_exec", "PROTOCOLS", "exit_status"]

#: Subprotocols served, best first (remotecommand.StreamProtocolV5Name, V4Name).
PROTOCOLS = ("v5.channel.k8s.io", "v4.channel.k8s.io")
STDIN, STDOUT, STDERR, ERROR, RESIZE, CLOSE = 0, 1, 2, 3, 4, 255
_SHELL_NAMES = ("sh", "bash", "ash")


def exit_status(argv: list[str], code: int) -> dict:
    """The error channel's Status for a program that exited with ``code`` (the kubelet's
    remotecommand ``writeStatus`` for protocol v4 and later)."""
    if code == 0:
        return {"metadata": {}, "status": "Success"}
    return {"metadata": {}, "status": "Failure",
            "message": f"command terminated with non-zero exit code: error executing command "
                       f"[{' '.join(argv)}], exit code {code}",
            "reason": "NonZeroExitCode",
            "details": {"causes": [{"reason": "ExitCode", "message": str(code)}]}}


def _start_failure(message: str) -> dict:
    """The Status when the runtime cannot start the program (``executable file not found``)."""
    detail = message.split("Internal error occurred: ", 2)[-1].rstrip("\n")
    return {"metadata": {}, "status": "Failure", "message": f"Internal error occurred: {detail}",
            "reason": "InternalError", "details": {"causes": [{"message": detail}]}, "code": 500}


def _target(cluster, ns: str, name: str, container: str | None) -> dict:
    pod = cluster.store.get("Pod", ns, name)
    if pod is None:
        raise st.StatusError(st.status("NotFound", f'pods "{name}" not found',
                                       {"name": name, "kind": "pods"}))
    names = [c["name"] for c in pod["spec"]["containers"]]
    if container and container not in names:
        raise st.StatusError(st.status("BadRequest", f"container {container} is not valid for pod {name}"))
    if not container and len(names) > 1:
        raise st.StatusError(st.status("BadRequest", f"a container name must be specified for pod {name}, "
                                                     f"choose one of: [{' '.join(names)}]"))
    cname = container or names[0]
    state = next((cs.get("state") or {} for cs in (pod.get("status") or {}).get("containerStatuses") or []
                  if cs["name"] == cname), {})
    if "running" not in state or not (pod.get("status") or {}).get("podIP"):
        raise st.StatusError(st.status("BadRequest", f'unable to upgrade connection: container not found ("{cname}")'))
    return pod


async def pod_exec(ctx, request: web.Request) -> web.StreamResponse:
    """Serve one exec request."""
    ns, name = request.match_info["namespace"], request.match_info["name"]
    q = request.query
    argv = q.getall("command", [])
    if not argv:
        raise st.StatusError(st.status("BadRequest", "you must specify at least 1 command"))
    tty = q.get("tty", "").lower() in ("true", "1")
    stdin = q.get("stdin", "").lower() in ("true", "1")
    cluster = ctx.cluster
    pod = ctx.call(_target, cluster, ns, name, q.get("container"))
    ws = web.WebSocketResponse(protocols=PROTOCOLS, autoping=True)
    if not ws.can_prepare(request).ok:
        raise st.StatusError(st.status("BadRequest", "Upgrade request required"))
    await ws.prepare(request)

    async def send(channel: int, data: bytes) -> None:
        if data:
            await ws.send_bytes(bytes([channel]) + data)

    def run(args: list[str]) -> tuple[str, int]:
        fresh = cluster.store.get("Pod", ns, name) or pod
        text, code = execs._program(cluster, fresh, args)
        return text, max(code, 0)  # -1: the exec itself failed; its Status is sent below

    def crlf(text: str) -> bytes:
        return (text.replace("\n", "\r\n") if tty else text).encode()

    try:
        prog = argv[0].rsplit("/", 1)[-1]
        if prog in _SHELL_NAMES and len(argv) == 1 and stdin:
            code = await _shell(ctx, ws, send, run, pod, tty)
            status = exit_status(argv, code)
        elif prog in _SHELL_NAMES and len(argv) >= 3 and argv[1] == "-c":
            chunks, code, _ = _line(ctx, run, argv[2])
            for stream, text in chunks:
                await send(STDOUT if tty else stream, crlf(text))
            status = exit_status(argv, code)
        else:
            text, code = ctx.call(run, argv)
            if text.startswith("error: Internal error occurred"):
                status = _start_failure(text)
            else:
                await send(STDERR if code and not tty else STDOUT, crlf(text))
                status = exit_status(argv, code)
        await send(ERROR, json.dumps(status, separators=(",", ":")).encode())
    except ConnectionResetError:
        pass
    await ws.close()
    return ws


async def _shell(ctx, ws, send, run, pod: dict, tty: bool) -> int:
    """An interactive shell (TTY) or a shell reading commands from stdin (no TTY)."""
    image = pod["spec"]["containers"][0].get("image", "")
    if tty:
        sh = Shell(image, run)
        await send(STDOUT, sh.start())
    else:
        sh, pending = None, b""
    code = 0
    async for msg in ws:
        if msg.type != WSMsgType.BINARY or not msg.data:
            if msg.type in (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED, WSMsgType.ERROR):
                break
            continue
        channel, data = msg.data[0], msg.data[1:]
        if channel == STDIN:
            if sh is not None:
                await send(STDOUT, ctx.call(sh.feed, data))
                if sh.exit_code is not None:
                    return sh.exit_code
            else:
                pending += data
                *lines, rest = pending.split(b"\n")
                pending = rest
                for line in lines:
                    chunks, code, exited = _line(ctx, run, line.decode(), code)
                    for stream, text in chunks:
                        await send(stream, text.encode())
                    if exited:
                        return code
        elif channel == CLOSE or (channel == STDIN and not data):
            if sh is None:
                if pending.strip():
                    chunks, code, _ = _line(ctx, run, pending.decode(), code)
                    for stream, text in chunks:
                        await send(stream, text.encode())
                return code
            return sh.status
        # RESIZE: the terminal's size changes nothing we print
    return code if sh is None else sh.status


def _line(ctx, run, line: str, status: int = 0) -> tuple[list[tuple[int, str]], int, bool]:
    """One line a non-interactive ``sh`` reads (BusyBox ash words its errors)."""
    try:
        return ctx.call(run_line, run, line, lambda message: f"sh: {message}\n", status)
    except ValueError:
        return [(STDERR, "sh: syntax error: unterminated quoted string\n")], 2, False
