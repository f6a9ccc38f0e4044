"""``kubectl exec POD -- curl ...``: what current curl (8.x) prints, and its exit code.

Rows name curl's source: lib/strerror.c ``curl_easy_strerror`` ("Could not connect to server"
for CURLE_COULDNT_CONNECT since curl 8.7, "Could not resolve host" via lib/hostip.c), the
connect filter's "Failed to connect to %s port %u after %ld ms: %s", and lib/multi.c's
``multi_handle_timeout`` ("Connection timed out after %ld milliseconds" when the -m timer
fires while connecting).  ``Response.error`` keeps the contract's words.
"""
from __future__ import annotations

import pytest

from k8snet import Cluster

BASE = """
apiVersion: v1
kind: Pod
metadata: {name: client}
spec: {containers: [{name: c, image: curlimages/curl}]}
---
apiVersion: v1
kind: Service
metadata: {name: nothing}
spec: {selector: {app: none}, ports: [{port: 80}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-web}
spec: {podSelector: {matchLabels: {app: web}}, policyTypes: [Ingress]}
"""


@pytest.fixture(scope="module")
def cluster() -> Cluster:
    c = Cluster(seed=2)
    c.kubectl("create deployment web --image=nginx --replicas=1")
    c.kubectl("expose deployment web --port=80")
    c.apply(BASE)
    return c


@pytest.mark.parametrize("url, flags, printed, code, error", [
    # CURLE_COULDNT_RESOLVE_HOST (6): "Could not resolve host: %s" (lib/hostip.c).
    ("http://nosuch/", "", "curl: (6) Could not resolve host: nosuch\n", 6, "could not resolve host"),
    # CURLE_COULDNT_CONNECT (7): a REJECT (no endpoints) fails at once, "after 0 ms".
    ("http://nothing/", "", "curl: (7) Failed to connect to nothing port 80 after 0 ms: Could not connect to server\n",
     7, "connection refused"),
    # CURLE_OPERATION_TIMEDOUT (28), -m 3: multi_handle_timeout while CONNECTING.
    ("http://web/", "-m 3", "curl: (28) Connection timed out after 3001 milliseconds\n", 28, "connection timed out"),
    # No -m: the kernel's SYN retries run out first; curl reports the connect failure with 28.
    ("http://web/", "", "curl: (28) Failed to connect to web port 80 after 134054 ms: Could not connect to server\n",
     28, "connection timed out"),
])
def test_curl_words(cluster, url, flags, printed, code, error):
    out = cluster.kubectl(f"exec client -- curl -sS {flags} {url}".replace("  ", " "))
    assert out == printed + f"command terminated with exit code {code}\n"
    assert cluster.request(url, from_pod="default/client").error == error  # the contract's words


def test_kube_proxy_image_has_no_curl(cluster):
    # registry.k8s.io/kube-proxy is built on distroless-iptables: no shell, no curl; ask the
    # metrics server from the node instead (curl http://127.0.0.1:10249/proxyMode there).
    pod = next(p["metadata"]["name"] for p in cluster.list("pod", namespace="kube-system")
               if p["metadata"]["name"].startswith("kube-proxy-"))
    out = cluster.kubectl(f"-n kube-system exec {pod} -- curl -s http://127.0.0.1:10249/proxyMode")
    assert 'exec: "curl": executable file not found in $PATH' in out
