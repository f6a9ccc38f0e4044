"""What images listen on and answer (k8snet/workloads.py), seen through ``request()``.

Each row: a pod (image, args, declared ports, k8snet.io annotations), the port asked for,
and what curl would see.  The images behave as their upstream projects document them:
nginx's default server (welcome page on 80), hashicorp/http-echo (``-text``, ``-listen``,
default :5678), gateway-api's echo-basic (JSON about the request, port 3000).
"""
from __future__ import annotations

import json

import pytest

from k8snet import Cluster

from .objects import is_ready, pod


def _serve(target: dict, port: int, path: str = "/", advance: float = 0):
    c = Cluster(seed=1)
    c.apply([pod("client", image="curlimages/curl", labels={"app": "client"}), target])
    c.advance(advance)
    ip = c.get("pod", target["metadata"]["name"])["status"]["podIP"]
    return c, c.request(f"http://{ip}:{port}{path}", from_pod="default/client")


@pytest.mark.parametrize("target, port, path, status, error, body_check", [
    pytest.param(pod("p", image="nginx:1.27"), 80, "/", 200, None, lambda b: "<title>Welcome to nginx!</title>" in b,
                 id="nginx-welcome-page"),
    pytest.param(pod("p", image="nginx"), 80, "/missing", 404, None, lambda b: "404 Not Found" in b,
                 id="nginx-other-path-404"),
    pytest.param(pod("p", image="nginx", ports=[{"containerPort": 8080}]), 8080, "/", None, "connection refused",
                 lambda b: True, id="nginx-containerPort-is-informational"),
    pytest.param(pod("p", image="hashicorp/http-echo", args=["-text=hello"]), 5678, "/", 200, None,
                 lambda b: b == "hello\n", id="http-echo-default-5678"),
    pytest.param(pod("p", image="hashicorp/http-echo:1.0", args=["-listen=:8080", "-text", "v2"]), 8080, "/any", 200,
                 None, lambda b: b == "v2\n", id="http-echo-listen-flag"),
    pytest.param(pod("p", image="hashicorp/http-echo", args=["-listen=:8080", "-text=x"]), 5678, "/", None,
                 "connection refused", lambda b: True, id="http-echo-not-on-5678-with-listen"),
    pytest.param(pod("p", image="registry.k8s.io/gateway-api/conformance/echo-basic:v20231214-v1.0.0-140-gf544a46e"),
                 3000, "/hello", 200, None,
                 lambda b: (json.loads(b)["pod"], json.loads(b)["namespace"], json.loads(b)["path"])
                 == ("p", "default", "/hello"), id="echo-basic-json"),
    pytest.param(pod("p", image="busybox", args=["sleep", "3600"], ports=[{"containerPort": 80}]), 80, "/", None,
                 "connection refused", lambda b: True, id="busybox-serves-nothing"),
    pytest.param(pod("p", image="example/shop:1.0", ports=[{"containerPort": 8080}]), 8080, "/", 200, None,
                 lambda b: b == "p\n", id="other-image-answers-pod-name"),
    pytest.param(pod("p", image="example/shop:1.0", ports=[{"containerPort": 8080}]), 9090, "/", None,
                 "connection refused", lambda b: True, id="other-image-undeclared-port"),
    pytest.param(pod("p", image="example/shop", ports=[{"containerPort": 8080}],
                     annotations={"k8snet.io/listen-address": "127.0.0.1"}), 8080, "/", None, "connection refused",
                 lambda b: True, id="annotation-listen-address-loopback"),
    pytest.param(pod("p", image="example/shop", ports=[{"containerPort": 80}],
                     annotations={"k8snet.io/listen-ports": "8080"}), 8080, "/", 200, None, lambda b: b == "p\n",
                 id="annotation-listen-ports-real-port"),
    pytest.param(pod("p", image="example/shop", ports=[{"containerPort": 80}],
                     annotations={"k8snet.io/listen-ports": "8080"}), 80, "/", None, "connection refused",
                 lambda b: True, id="annotation-listen-ports-declared-port-closed"),
])
def test_image_behaviour(target, port, path, status, error, body_check):
    _, r = _serve(target, port, path)
    assert (r.status, r.error) == (status, error)
    assert body_check(r.body or "")
    if status is not None:
        assert r.pod == "default/p"


def test_readiness_fail_annotation_keeps_pod_unready():
    probe = {"httpGet": {"path": "/", "port": 80}, "initialDelaySeconds": 1}
    c, _ = _serve(pod("p", image="nginx", probe=probe, annotations={"k8snet.io/readiness": "fail"}), 80, advance=60)
    p = c.get("pod", "p")
    assert p["status"]["phase"] == "Running" and not is_ready(p)


def test_probe_on_a_port_nothing_listens_on_keeps_pod_unready():
    # Probes really connect: nginx listens on 80, so a probe on 8080 fails for ever.
    probe = {"tcpSocket": {"port": 8080}, "initialDelaySeconds": 1}
    c, _ = _serve(pod("p", image="nginx", probe=probe), 80, advance=60)
    assert not is_ready(c.get("pod", "p"))


def test_crash_loop_annotation():
    c, r = _serve(pod("p", image="example/shop", ports=[{"containerPort": 80}],
                      annotations={"k8snet.io/crash-loop": "true"}), 80, advance=35)
    assert r.error == "connection refused"
    line = c.kubectl("get pod p").splitlines()[1].split()
    assert line[1:3] == ["0/1", "CrashLoopBackOff"] and int(line[3]) >= 1
