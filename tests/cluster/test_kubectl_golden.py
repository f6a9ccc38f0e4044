"""kubectl output for the base scenario (tests/manifests/cluster/base.yaml), as golden files.

Each row is one command line; its output is compared with tests/golden/cluster/<id>.txt
(kubectl's printers: get.go/printers, describe.go, the warning handler; regenerate with
K8SNET_REGOLD=1 and review the diff against a real cluster's output).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from k8snet import Cluster

BASE = Path(__file__).resolve().parent.parent / "manifests" / "cluster" / "base.yaml"


def base_cluster() -> Cluster:
    """The base scenario, 2 minutes after it was applied, on a control plane and two workers."""
    c = Cluster(3, seed=7)
    c.apply(str(BASE))
    c.advance(120)
    return c


@pytest.fixture(scope="module")
def base() -> Cluster:
    return base_cluster()


READ_ONLY = [
    ("get-nodes", "get nodes"),
    ("get-nodes-wide", "get nodes -o wide"),
    ("get-pods-wide", "get pods -o wide"),
    ("get-pods-show-labels", "get pods --show-labels"),
    ("get-pods-all-namespaces", "get pods -A"),
    ("get-pods-namespace", "get pods -n shop -o wide"),
    ("get-pods-selector", "get pods -l 'app in (web,db)'"),
    ("get-deploy", "get deploy -A"),
    ("get-deploy-wide", "get deployments -o wide"),
    ("get-rs", "get rs -A"),
    ("get-sts-wide", "get sts -o wide"),
    ("get-svc", "get svc"),
    ("get-svc-all-wide", "get svc -A -o wide"),
    ("get-endpoints", "get endpoints -A"),
    ("get-endpointslices", "get endpointslices"),
    ("get-svc-yaml", "get svc web -o yaml"),
    ("get-slice-json", "get endpointslices -l kubernetes.io/service-name=db -o json"),
    ("get-jsonpath-nodeport", "get svc web -o jsonpath={.spec.ports[0].nodePort}"),
    ("get-jsonpath-pod-ips", "get pods -l app=web -o jsonpath='{range .items[*]}{.metadata.name}{\"\\t\"}{.status.podIP}{\"\\n\"}{end}'"),
    ("describe-svc-web", "describe svc web"),
    ("describe-svc-db", "describe service db"),
    ("describe-svc-payments", "describe svc payments"),
    ("exec-curl-web", "exec client -- curl -s http://web"),
    ("exec-curl-api", "exec client -- curl -s http://api.shop"),
    ("exec-wget-api", "exec toolbox -- wget -qO- http://api.shop.svc.cluster.local"),
    ("exec-nslookup-db-0", "exec toolbox -- nslookup db-0.db"),
    ("exec-nslookup-db-0-fqdn", "exec toolbox -- nslookup db-0.db.default.svc.cluster.local"),
    ("exec-curl-missing", "exec toolbox -- curl http://web"),
    ("exec-resolv-conf", "exec client -- cat /etc/resolv.conf"),
    ("exec-env", "exec client -- env"),
]


@pytest.mark.parametrize("command", [pytest.param(cmd, id=name) for name, cmd in READ_ONLY])
def test_read_only_commands(base, golden, command, request):
    name = request.node.callspec.id
    golden("cluster", f"{name}.txt", f"$ kubectl {command}\n" + base.kubectl(command))


SESSION = [
    "scale deployment web --replicas=4",
    "get deploy web",
    "label pod client role=debug",
    "get pods -l role=debug --show-labels",
    "expose deployment web --name=web-internal --port=8080 --target-port=80",
    "get svc web-internal",
    "create deployment hello --image=hashicorp/http-echo --port=5678 -- /http-echo -text=hello",
    "expose deployment hello --port=80 --target-port=5678",
    "run tmp --image=busybox --restart=Never -- sleep 3600",
    "get pods -o wide",
    "exec tmp -- wget -qO- http://hello",
    "rollout status deployment/hello",
    "delete svc web-internal",
    "delete pod tmp",
    "get svc",
]


def test_session_transcript(golden):
    # Commands that change the cluster, in order, as a learner would type them.
    c = base_cluster()
    out = []
    for command in SESSION:
        out.append(f"$ kubectl {command}\n{c.kubectl(command)}")
        c.advance(10)
    golden("cluster", "session.txt", "".join(out))
