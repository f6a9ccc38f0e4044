"""The real kubectl's ``logs``, ``exec`` and ``port-forward`` against a served cluster.

Rules: ``pods/log`` (PodLogOptions: container, tailLines, timestamps, follow; LogLocation's
``container X is not valid``), ``pods/exec`` over WebSocket ``v5.channel.k8s.io`` (client-go
remotecommand: stdout/stderr channels, the error channel's Status with NonZeroExitCode, exit
code), ``pods/portforward`` as SPDY/3.1 tunneled in a WebSocket (client-go portforward
tunneling dialer): bytes through the local port reach the pod's app, which logs them.
Timeouts are generous; nothing here measures time.
"""
from __future__ import annotations

import os
import re
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from .conftest import free_port

CLIENT = """
apiVersion: v1
kind: Pod
metadata: {name: client}
spec: {containers: [{name: client, image: busybox, command: [sleep, infinity]}]}
"""


@pytest.fixture(scope="module")
def client(served, kubectl):
    served.cluster.apply(CLIENT)  # the notebook's side; the terminal sees it
    for _ in range(120):
        if kubectl("get pod client -o jsonpath={.status.phase}")[1] == "Running":
            return "client"
        time.sleep(0.5)
    pytest.fail("the client pod did not start")


def _web_pod(kubectl) -> str:
    return kubectl("get pods -l app=web -o jsonpath={.items[0].metadata.name}")[1]


EXEC_ROWS = [  # (rule, command, exit code, stdout pattern, stderr pattern)
    ("remotecommand: stdout channel, Success status", "exec client -- hostname", 0, r"client\n", r""),
    ("the pod's data path: Service name through cluster DNS", "exec client -- wget -qO- http://web", 0,
     r"(?s)<!DOCTYPE html>.*Welcome to nginx!.*", r""),
    ("NonZeroExitCode status -> kubectl exits with the code", "exec client -- wget -qO- http://nope", 1, r"",
     r"wget: bad address 'nope'\ncommand terminated with exit code 1\n"),
    ("InternalError status: the image has no such program", "exec client -- curl http://web", 1, r"",
     r'error: Internal error occurred: error executing command in container: .*exec: "curl": executable file '
     r"not found in \$PATH: unknown\n"),
    ("sh -c runs a pipeline", "exec client -- sh -c 'wget -qO- http://web | grep -c nginx; exit 4'", 4, r"6\n",
     r"command terminated with exit code 4\n"),
    ("kubectl checks -c itself", "exec client -c nope -- hostname", 1, r"",
     r"error: container nope is not valid for pod client out of: client\n"),
]


@pytest.mark.parametrize("rule,command,code,stdout,stderr", EXEC_ROWS, ids=[r[0] for r in EXEC_ROWS])
def test_exec(client, kubectl, rule, command, code, stdout, stderr):
    got_code, out, err = kubectl(command)
    assert got_code == code, (out, err)
    assert re.fullmatch(stdout, out), out
    assert re.fullmatch(stderr, err), err


def test_exec_sh_reads_commands_from_stdin(client, kubectl):
    code, out, err = kubectl("exec -i client -- sh", stdin="hostname; echo hi\nnope\nexit 5\necho never\n")
    assert (code, out) == (5, "client\nhi\n")
    assert err == "sh: nope: not found\ncommand terminated with exit code 5\n"


def test_exec_it_opens_a_busybox_shell(client, kubectl):
    import pty
    import select
    pid, fd = pty.fork()
    if pid == 0:  # the child: the real kubectl on a terminal
        os.environ.update(kubectl.env)
        os.execv(kubectl.bin, [kubectl.bin, "exec", "-it", "client", "--", "sh"])
    seen = b""

    def read_until(token: bytes, timeout: float = 60) -> None:
        nonlocal seen
        end = time.monotonic() + timeout
        while token not in seen and time.monotonic() < end:
            if select.select([fd], [], [], 0.5)[0]:
                try:
                    seen += os.read(fd, 4096)
                except OSError:
                    return
    read_until(b"/ # ")
    os.write(fd, b"hostname\r")
    read_until(b"client\r\n/ # ")
    os.write(fd, b"exit 3\r")
    read_until(b"exit code 3")
    _, status = os.waitpid(pid, 0)
    assert b"/ # hostname\r\nclient\r\n/ # " in seen
    assert os.waitstatus_to_exitcode(status) == 3


LOG_ROWS = [  # (rule, command, exit code, output pattern)
    ("tailLines and the nginx start-up notices", "logs {web} --tail=1", 0,
     r"2025/01/01 00:00:00 \[notice\] 1#1: start worker process \d+\n"),
    ("timestamps: RFC3339NanoFixed, on the wall clock while served", "logs {web} --tail=1 --timestamps", 0,
     r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000000000Z 2025/01/01 00:00:00 \[notice\] .*\n"),
    ("kubectl checks -c itself", "logs {web} -c nope", 1, r""),
    ("pods/log of a missing pod", "logs ghost", 1, r""),
]


@pytest.mark.parametrize("rule,command,code,pattern", LOG_ROWS, ids=[r[0] for r in LOG_ROWS])
def test_logs(served, kubectl, rule, command, code, pattern):
    got, out, err = kubectl(command.format(web=_web_pod(kubectl)))
    assert got == code, err
    assert re.fullmatch(pattern, out), out
    if code == 0:  # the emulation prints the same lines for the same request (its times simulated)
        emulated = served.cluster.kubectl(command.format(web=_web_pod(kubectl)))
        if "--timestamps" in command:  # served times are on the wall clock (clock.to_wall)
            emulated, out = (re.sub(r"(?m)^\S+Z ", "", text) for text in (emulated, out))
        assert emulated.endswith(out)


def test_logs_error_words(served, kubectl):
    web = _web_pod(kubectl)
    assert kubectl(f"logs {web} -c nope")[2] == f"error: container nope is not valid for pod {web} out of: nginx\n"
    assert kubectl("logs ghost")[2].rstrip("\n") == served.cluster.kubectl("logs ghost").rstrip("\n")


def test_logs_follow_streams_new_access_lines(client, served, kubectl):
    web = _web_pod(kubectl)
    ip = kubectl(f"get pod {web} -o jsonpath={{.status.podIP}}")[1]
    proc = subprocess.Popen([kubectl.bin, "logs", "-f", web, "--tail=0"], env=kubectl.env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(2)  # let the follower attach; it only sees lines written after it started
        assert kubectl(f"exec client -- wget -qO- http://{ip}/followed")[0] == 1  # nginx: 404
        line = proc.stdout.readline()
    finally:
        proc.kill()
        proc.wait(timeout=30)
    client_ip = kubectl("get pod client -o jsonpath={.status.podIP}")[1]
    assert re.fullmatch(rf'{re.escape(client_ip)} - - \[[^]]+\] "GET /followed HTTP/1.1" 404 \d+ "-" "Wget" "-"\n',
                        line), line


def test_port_forward_reaches_nginx_through_the_pod(served, kubectl):
    port = free_port()
    proc = subprocess.Popen([kubectl.bin, "port-forward", "svc/web", f"{port}:80"], env=kubectl.env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().startswith(f"Forwarding from 127.0.0.1:{port} -> 80")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=60) as r:
            body = r.read().decode()
            assert (r.status, r.headers["Server"]) == (200, "nginx/1.27.3")
        assert "<title>Welcome to nginx!</title>" in body
        with pytest.raises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/missing", timeout=60)
        assert e.value.code == 404
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    # kubelet port-forward connects to localhost inside the pod: nginx logs the client 127.0.0.1.
    logs = "".join(kubectl(f"logs {p} --tail=5")[1] for p in
                   kubectl("get pods -l app=web -o jsonpath={.items[*].metadata.name}")[1].split())
    assert re.search(r'127\.0\.0\.1 - - \[[^]]+\] "GET /missing HTTP/1.1" 404 \d+ "-" "Python-urllib/[\d.]+" "-"',
                     logs), logs


def test_exec_speaks_v4_to_an_older_client(served, client):
    # remotecommand.StreamProtocolV4Name: the same channels, no close channel; the server picks
    # the one subprotocol the client offers.
    import asyncio
    import ssl

    import aiohttp
    import yaml
    user = yaml.safe_load(Path(served.kubeconfig).read_text())["users"][0]["user"]

    async def run():
        tls = ssl.create_default_context()
        tls.check_hostname, tls.verify_mode = False, ssl.CERT_NONE
        async with aiohttp.ClientSession() as session:
            async with session.ws_connect(
                    served.url + "/api/v1/namespaces/default/pods/client/exec?command=hostname&stdout=true",
                    protocols=("v4.channel.k8s.io",), headers={"Authorization": f"Bearer {user['token']}"},
                    ssl=tls) as ws:
                return ws.protocol, [bytes(m.data) async for m in ws if m.type == aiohttp.WSMsgType.BINARY]

    # Its own thread and loop: a browser test in the same session may leave a loop running here.
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(1) as pool:
        protocol, messages = pool.submit(lambda: asyncio.run(run())).result(timeout=120)
    assert protocol == "v4.channel.k8s.io"
    assert messages == [b"\x01client\n", b'\x03{"metadata":{},"status":"Success"}']
