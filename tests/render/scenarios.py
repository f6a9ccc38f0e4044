"""Clusters and requests the picture tests draw (see base.yaml for the base scenario)."""
from __future__ import annotations

from pathlib import Path

from k8snet import Cluster

HERE = Path(__file__).resolve().parent

#: A ClusterIP Service whose selector matches no pod: no endpoints.
NO_ENDPOINTS = """
apiVersion: v1
kind: Service
metadata: {name: api}
spec:
  selector: {app: api}
  ports: [{port: 8080}]
"""

#: Selects the web pods and allows no ingress: they are isolated for ingress.
DENY_WEB = """
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-web}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress]
"""


def base(seed: int = 1, **options) -> Cluster:
    """The base cluster, 30 simulated seconds after applying base.yaml (probes have run)."""
    cluster = Cluster(2, addons=["ingress-nginx"], seed=seed, **options)
    cluster.apply(HERE / "base.yaml")
    cluster.advance(30)
    return cluster


def success(cluster: Cluster):
    """GET http://web from a throw-away pod: DNS, ClusterIP, kube-proxy DNAT, a ready pod."""
    return cluster.request("http://web")


def refused(cluster: Cluster):
    """GET http://api:8080: the Service has no endpoints, kube-proxy REJECTs."""
    cluster.apply(NO_ENDPOINTS)
    return cluster.request("http://api:8080/")


def timed_out(cluster: Cluster):
    """GET http://web with every web pod isolated for ingress: the CNI drops the SYN."""
    cluster.apply(DENY_WEB)
    return cluster.request("http://web")


REQUESTS = {"success-clusterip": success, "refused-no-endpoints": refused, "timeout-networkpolicy": timed_out}
