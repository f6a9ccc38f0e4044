"""``kubectl logs`` and what each modelled image writes to its log.

Rules: kubectl pkg/cmd/logs/logs.go (``--tail`` defaults to 10 with ``-l``, ``--prefix``
``[pod/NAME/CONTAINER]``, ``Defaulted container``), polymorphichelpers
AttachablePodForObject (``Found N pods, using pod/X``), pkg/registry/core/pod/strategy.go
LogLocation (``container X is not valid for pod Y``), the kubelet's
validateContainerLogStatus (``is waiting to start``) and kuberuntime/logs
(``RFC3339NanoFixed`` timestamps); the images' own log formats (nginx's ``main``
log_format in the official image, hashicorp/http-echo handlers.go ``httpLog``, agnhost
netexec ``log.Printf("GET /hostname")``).
"""
from __future__ import annotations

import re

import pytest

from k8snet import Cluster

from ..cluster.objects import deployment, manifest, service

# the web Deployment the browser terminal test serves too (tests/browser/test_terminal.py)
APPS = manifest(deployment(replicas=2, container="nginx", ports=[]), service(), """
apiVersion: v1
kind: Pod
metadata: {name: echo, labels: {app: echo}}
spec: {containers: [{name: echo, image: hashicorp/http-echo, args: ["-text=hi"]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: net, labels: {app: net}}
spec: {containers: [{name: agnhost, image: registry.k8s.io/e2e-test-images/agnhost:2.53, args: [netexec]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: two}
spec:
  containers:
  - {name: app, image: registry.example/shop:1, ports: [{containerPort: 8080}]}
  - {name: sidecar, image: busybox, command: [sleep, infinity]}
---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec: {containers: [{name: client, image: curlimages/curl, command: [sleep, infinity]}]}
""")


@pytest.fixture(scope="module")
def cluster():
    c = Cluster(seed=3)
    c.apply(APPS)
    c.advance(20)
    client_ip = c.get("pod", "client")["status"]["podIP"]
    c.kubectl("exec client -- curl -s http://web/")
    c.kubectl("exec client -- curl -s http://web/missing")
    echo_ip = c.get("pod", "echo")["status"]["podIP"]
    c.kubectl(f"exec client -- curl -s http://{echo_ip}:5678/")
    net_ip = c.get("pod", "net")["status"]["podIP"]
    c.kubectl(f"exec client -- wget -qO- http://{net_ip}:8080/hostname")
    c.client_ip = client_ip
    return c


def _pod_named(c, prefix):
    return next(p["metadata"]["name"] for p in c.list("pod") if p["metadata"]["name"].startswith(prefix))


MORE = "(more lines)"  # the lines after this one are not checked

ROWS = [  # (rule, command, regular expression every printed line must match, in order)
    ("nginx main log_format: access line with the client IP the pod saw",
     "logs -l app=web --tail=1",
     [r'CLIENT - - \[01/Jan/2025:00:00:20 \+0000\] "GET /(missing)? HTTP/1.1" (200 615|404 \d+) "-" "curl/8.11.1" "-"'] * 2),
    ("nginx start-up: docker-entrypoint.sh first, nginx notices after",
     "logs deploy/web --tail=-1",
     [r"Found 2 pods, using pod/web-\w+-\w+",
      r"/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration", MORE]),
    ("http-echo httpLog: date, host, remote addr, request, status, length, agent, duration",
     "logs echo --tail 1",
     [r'2025/01/01 00:00:20 10\.244\.\d+\.\d+:5678 CLIENT:\d+ "GET / HTTP/1.1" 200 3 "curl/8.11.1" [\d.]+µs']),
    ("http-echo start-up: [INFO] server is listening on",
     "logs echo --tail=-1",
     [r"2025/01/01 00:00:\d\d \[INFO\] server is listening on :5678", MORE]),
    ("agnhost netexec logs the handler it ran",
     "logs net --tail 1",
     [r"2025/01/01 00:00:20 GET /hostname"]),
    ("kuberuntime logs: --timestamps prefixes RFC3339NanoFixed",
     "logs net --tail 1 --timestamps",
     [r"2025-01-01T00:00:20\.000000000Z 2025/01/01 00:00:20 GET /hostname"]),
    ("logs.go: a pod with two containers and no -c: the first, and a notice",
     "logs two",
     [r'Defaulted container "app" out of: app, sidecar', r"k8snet: image registry.example/shop:1 is not modelled.*"]),
    ("busybox sleeping prints nothing", "logs two -c sidecar", []),
    ("logsforobject.go: kubectl checks -c against the pod's containers itself",
     "logs two -c nope", [r"error: container nope is not valid for pod two out of: app, sidecar"]),
    ("pods/log on a missing pod is NotFound",
     "logs ghost", [r'error: error from server \(NotFound\): pods "ghost" not found in namespace "default"']),
    ("--previous with no earlier instance",
     "logs echo -p", [r'Error from server \(BadRequest\): previous terminated container "echo" in pod "echo" not found']),
]


@pytest.mark.parametrize("rule,command,patterns", ROWS, ids=[r[0] for r in ROWS])
def test_logs(cluster, rule, command, patterns):
    lines = cluster.kubectl(command).splitlines()
    if patterns and patterns[-1] == MORE:
        patterns = patterns[:-1]
        lines = lines[:len(patterns)]
    assert len(lines) == len(patterns), lines
    for line, pattern in zip(lines, patterns):
        assert re.fullmatch(pattern.replace("CLIENT", re.escape(cluster.client_ip)), line), (pattern, line)


def test_selector_reads_ten_lines_per_pod_by_default(cluster):
    # logs.go: "Defaults to -1 with no selector, showing all log lines otherwise 10"
    assert len(cluster.kubectl("logs -l app=web").splitlines()) == 20


def test_waiting_container_has_no_log_yet():
    # validateContainerLogStatus: a container still waiting has no log file to read.
    from k8snet.controllers.kubelet import waiting_status
    c = Cluster(seed=1)
    c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
             "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
    pod = c.get("pod", "p")
    c.api.write({**pod, "status": waiting_status(pod, c.get("node", pod["spec"]["nodeName"]), c.now)})
    assert c.kubectl("logs p") == ('Error from server (BadRequest): container "c" in pod "p" is waiting to '
                                   'start: ContainerCreating\n')


def test_unscheduled_pod_has_an_empty_log():
    # LogLocation: a pod with no node yet has an empty location, and kubectl prints nothing.
    c = Cluster(seed=1)
    c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
             "spec": {"nodeSelector": {"disk": "ssd"}, "containers": [{"name": "c", "image": "nginx"}]}})
    assert c.kubectl("logs p") == ""


def test_crash_looping_container_shows_its_last_run():
    c = Cluster(seed=1)
    c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "annotations": {"k8snet.io/crash-loop": "true"}},
             "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
    c.advance(30)
    assert "exits as it starts" in c.kubectl("logs p").splitlines()[-1]


def test_recreated_pod_starts_a_fresh_log(cluster):
    # A new pod is a new UID: the kubelet writes a new /var/log/pods/NS_NAME_UID directory.
    before = {p["metadata"]["name"] for p in cluster.list("pod")}
    served = next(n for n in sorted(before) if n.startswith("web-") and '"GET' in cluster.kubectl(f"logs {n}"))
    cluster.delete(f"pod/{served}")
    cluster.advance(20)
    (fresh,) = {p["metadata"]["name"] for p in cluster.list("pod")} - before
    log = cluster.kubectl(f"logs {fresh}")
    assert "Configuration complete; ready for start up" in log and '"GET' not in log


def test_same_seed_same_log():
    def run():
        c = Cluster(seed=9)
        c.apply(APPS)
        c.advance(20)
        ip = c.get("pod", "echo")["status"]["podIP"]
        c.kubectl(f"exec client -- curl -s http://{ip}:5678/")
        return c.kubectl("logs echo --timestamps")
    assert run() == run()
