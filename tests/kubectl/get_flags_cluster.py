"""The cluster the get-flag rows run on (tests/kubectl/test_get_flags.py), and the real
kubectl's run of them against it (tests/serve/test_kubectl_rows_real.py)."""
from __future__ import annotations

from k8snet import Cluster
from tests.serve.conftest import WEB


def build(node_port: int = 30080) -> Cluster:
    """web (2 pods, a NodePort Service: tests/serve/conftest.WEB), api (3 pods), a client pod
    labelled role=client,tier=a, 30 s after they were made."""
    cluster = Cluster(seed=7)
    cluster.apply(WEB.replace("NODEPORT", str(node_port)))
    cluster.kubectl("create deployment api --image=nginx --replicas=3")
    cluster.kubectl("run client --image=busybox -l role=client,tier=a -- sleep 3600")
    cluster.advance(30)
    return cluster
