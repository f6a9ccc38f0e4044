"""Loading data-plane scenarios: ``manifests/base.yaml`` (service/web, pod/client), by default
``manifests/web.yaml`` (deployment/web), plus scenario files, applied to a fresh ``Cluster`` as ``kubectl apply -f`` would."""
from __future__ import annotations

from pathlib import Path

from k8snet import Cluster

MANIFESTS = Path(__file__).resolve().parent / "manifests"


def cluster_with(*files: str, base: bool = True, web: bool = True, **options) -> Cluster:
    """A cluster (2 nodes, seed 1 unless ``options`` say otherwise) with base.yaml, web.yaml
    (unless ``web=False``) and ``files`` (paths relative to ``manifests/``) applied in order."""
    options.setdefault("nodes", 2)
    options.setdefault("seed", 1)
    c = Cluster(**options)
    for name in (("base.yaml",) if base else ()) + (("web.yaml",) if web else ()) + files:
        c.apply(str(MANIFESTS / name))
    return c


def pods_of(cluster: Cluster, app: str, namespace: str = "default") -> list[dict]:
    """The live pods labelled ``app=<app>``, by name."""
    return [p for p in cluster.list("pod", namespace) if (p["metadata"].get("labels") or {}).get("app") == app
            and not p["metadata"].get("deletionTimestamp")]


def node_ip(cluster: Cluster, node: str) -> str:
    """A node's InternalIP."""
    return next(a["address"] for a in cluster.get("node", node)["status"]["addresses"] if a["type"] == "InternalIP")
