"""The server's life: ports opened and freed, one server per cluster, loopback only, the
browser refused, the shell command, and the clock that follows wall time only while served."""
from __future__ import annotations

import socket
import threading
import time

import pytest

from k8snet import Cluster
from k8snet.serve import ServeError

from .conftest import free_node_port


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(10)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _nodeport_cluster() -> tuple[Cluster, int]:
    c = Cluster(seed=3)
    port = free_node_port()
    c.apply({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "np"},
             "spec": {"type": "NodePort", "selector": {"app": "x"}, "ports": [{"port": 80, "nodePort": port}]}})
    return c, port


def _own_sockets() -> set[tuple[str, int]]:
    """(protocol, port) of the listening TCP and bound UDP sockets *this process* holds: the
    sockets in /proc/net/{tcp,tcp6,udp,udp6} whose inode is one of our file descriptors.
    Another process on the machine may take a port the moment we free it; it never shows here."""
    import os
    ours = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            link = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:  # closed meanwhile
            continue
        if link.startswith("socket:["):
            ours.add(link[len("socket:["):-1])
    held = set()
    for table in ("tcp", "tcp6", "udp", "udp6"):
        try:
            with open(f"/proc/net/{table}") as f:
                rows = f.read().splitlines()[1:]
        except FileNotFoundError:
            continue
        for row in rows:
            fields = row.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if inode in ours and (table.startswith("udp") or state == "0A"):  # 0A: TCP_LISTEN
                held.add((table.rstrip("6"), int(local.rsplit(":", 1)[1], 16)))
    return held


@pytest.mark.skipif(not __import__("os").path.isdir("/proc/self/fd"), reason="reads Linux's /proc")
def test_two_servers_then_stop_frees_every_port():
    """Each server listens on its own API port, DNS port (UDP and TCP) and NodePorts; stop()
    closes every one of them (checked on this process's own sockets, so a port some other
    process takes right after is no failure)."""
    (a, np_a), (b, np_b) = _nodeport_cluster(), _nodeport_cluster()
    sa, sb = a.serve(), b.serve()
    mine = {srv: {("tcp", srv.port), ("tcp", srv.dns_port), ("udp", srv.dns_port), ("tcp", np)}
            for srv, np in ((sa, np_a), (sb, np_b))}
    assert len({p for ports in mine.values() for _, p in ports}) == 6  # no port shared
    assert mine[sa] | mine[sb] <= _own_sockets()
    assert all(_listening(p) for ports in mine.values() for proto, p in ports if proto == "tcp")
    sa.stop()
    assert not mine[sa] & _own_sockets() and mine[sb] <= _own_sockets()  # one server's stop is its own
    sb.stop()
    assert not (mine[sa] | mine[sb]) & _own_sockets()
    sa.stop()  # idempotent


def test_nodeport_listeners_follow_services():
    c, port = _nodeport_cluster()
    with c.serve() as server:
        assert server.nodeports == {port: "default/np"}
        c.delete("svc/np")
        for _ in range(600):  # the loop closes it right after the store's change
            if not server.nodeports:
                break
            time.sleep(0.05)
        assert server.nodeports == {}


@pytest.mark.parametrize("call, message", [
    (lambda c: (c.serve(), c.serve()), "this cluster is already served at https://127.0.0.1:"),
    (lambda c: c.serve(host="0.0.0.0"), "served on loopback only"),
])
def test_misuse_gives_a_clear_error(call, message):
    c = Cluster(seed=1)
    try:
        with pytest.raises(ServeError, match=message.replace(".", r"\.")):
            call(c)
    finally:
        from k8snet.serve import _SERVING
        s = _SERVING.get(c)
        if s is not None:
            s.stop()


def test_a_port_in_use_is_a_clear_error():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        with pytest.raises(ServeError, match="cannot serve on 127.0.0.1:"):
            Cluster(seed=1).serve(port=busy.getsockname()[1])


def test_in_a_browser_serve_says_what_it_needs(monkeypatch):
    monkeypatch.setattr("sys.platform", "emscripten")  # Pyodide's sys.platform
    with pytest.raises(ServeError, match="local JupyterLab or on Binder"):
        Cluster(seed=1).serve()


def test_the_clock_follows_wall_time_only_while_served():
    c = Cluster(seed=1)
    c.advance(5)
    with c.serve():
        deadline = time.monotonic() + 120
        while c.now < 6 and time.monotonic() < deadline:  # the loop moves it a few times a second
            time.sleep(0.1)
        assert c.now >= 6
        at = c.now
        c.advance(100)  # advance() still jumps
        assert c.now >= at + 100
    stopped = c.now
    time.sleep(0.5)
    assert c.now == stopped  # no longer served: time stands still again


def test_python_m_k8snet_serve_prints_the_export_line_and_stops_cleanly(tmp_path):
    import argparse
    import io
    from k8snet.__main__ import run_serve
    path = tmp_path / "kubeconfig"
    stop, out = threading.Event(), io.StringIO()
    args = argparse.Namespace(filename=[], port=0, kubeconfig=str(path), nodes=1, seed=0)
    result = {}
    t = threading.Thread(target=lambda: result.setdefault("code", run_serve(args, stop, out)))
    t.start()
    deadline = time.monotonic() + 120
    while "export KUBECONFIG" not in out.getvalue() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert f"export KUBECONFIG={path}\n" in out.getvalue()
    assert path.stat().st_mode & 0o777 == 0o600  # it holds the token
    stop.set()
    t.join(timeout=120)
    assert result == {"code": 0}
