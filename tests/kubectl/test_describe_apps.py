"""Golden ``kubectl describe`` of the kinds described in ``describe_apps.py`` on the base
scenario (kubectl pkg/describe/describe.go: describeReplicaSet, describeStatefulSet,
describeDaemonSet, describeNamespace, describeConfigMap, describeIngressClassV1)."""
from __future__ import annotations

import pytest

from k8snet import Cluster

CASES = [
    ("namespace", "describe ns default"),                          # describeNamespace
    ("configmap", "describe cm cfg"),                              # describeConfigMap
    ("statefulset", "describe sts db"),                            # describeStatefulSet
    ("replicaset", "describe rs -l app=web"),                      # describeReplicaSet
    ("daemonset", "describe ds kube-proxy -n kube-system"),        # describeDaemonSet
    ("ingressclass-addon", "describe ingressclass nginx"),         # describeIngressClassV1
]


@pytest.fixture(scope="module")
def cluster(repo_root):
    c = Cluster(2, addons=["ingress-nginx"], seed=0)
    c.apply(str(repo_root / "tests" / "manifests" / "cluster" / "base.yaml"))
    c.apply({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"},
             "data": {"nginx.conf": "server {\n  listen 80;\n}", "mode": "blue"}})
    c.advance(30)
    return c


@pytest.mark.parametrize("name,line", CASES, ids=[c[0] for c in CASES])
def test_describe_golden(cluster, golden, name, line):
    golden("kubectl", f"describe-{name}.txt", cluster.kubectl(line))
