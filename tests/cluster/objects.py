"""Builders and probes shared by the cluster tests (and by other areas' tests that need the
same web Deployment and Service: one builder rather than a YAML copy per test file).

Builders return manifests as a learner writes them (fresh dicts, nothing defaulted);
:func:`manifest` turns them into the YAML text ``Cluster.apply`` and kubectl take. The probes
read the cluster the way ``kubectl get`` would, so a test row can say "2 ready new pods, 1 old
pod" without reaching into controllers.
"""
from __future__ import annotations

import yaml

from k8snet import Cluster


def manifest(*objects: dict | str) -> str:
    """The objects as one multi-document YAML text (a ``str`` is taken as YAML already)."""
    return "---\n".join(o if isinstance(o, str) else yaml.safe_dump(o, sort_keys=False) for o in objects)


def deployment(name: str = "web", *, replicas: int | None = 3, image: str = "nginx:1.27", labels: dict | None = None,
               strategy: dict | None = None, probe_delay: int | None = None, ports: list | None = None,
               annotations: dict | None = None, namespace: str | None = None, container: str = "app") -> dict:
    """A Deployment of one container (``ports`` defaults to containerPort 80; ``[]`` declares none);
    ``probe_delay`` adds an HTTP readiness probe on port 80 with that ``initialDelaySeconds``
    (periodSeconds 5)."""
    lbls = labels or {"app": name}
    ct: dict = {"name": container, "image": image}
    if ports != []:
        ct["ports"] = ports if ports is not None else [{"containerPort": 80}]
    if probe_delay is not None:
        ct["readinessProbe"] = {"httpGet": {"path": "/", "port": 80}, "initialDelaySeconds": probe_delay,
                                "periodSeconds": 5}
    tmeta: dict = {"labels": dict(lbls)}
    if annotations:
        tmeta["annotations"] = dict(annotations)
    spec: dict = {"selector": {"matchLabels": dict(lbls)}, "template": {"metadata": tmeta, "spec": {"containers": [ct]}}}
    if replicas is not None:
        spec["replicas"] = replicas
    if strategy is not None:
        spec["strategy"] = strategy
    meta = {"name": name, **({"namespace": namespace} if namespace else {})}
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta, "spec": spec}


def service(name: str = "web", *, selector: dict | None = None, ports: list | None = None, **spec) -> dict:
    """A Service; ``selector=None`` selects ``app=<name>``; pass ``selector={}`` for none."""
    body: dict = {"ports": ports if ports is not None else [{"port": 80}]}
    sel = {"app": name} if selector is None else selector
    if sel:
        body["selector"] = sel
    body.update(spec)
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name}, "spec": body}


def pod(name: str, *, labels: dict | None = None, image: str = "nginx:1.27", ports: list | None = None,
        args: list | None = None, annotations: dict | None = None, probe: dict | None = None) -> dict:
    """A bare Pod with one container named ``app``."""
    ct: dict = {"name": "app", "image": image}
    if ports is not None:
        ct["ports"] = ports
    if args is not None:
        ct["args"] = args
    if probe is not None:
        ct["readinessProbe"] = probe
    meta: dict = {"name": name, "labels": labels or {"app": name}}
    if annotations:
        meta["annotations"] = annotations
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": {"containers": [ct]}}


def statefulset(name: str = "db", *, replicas: int = 3, service_name: str = "db", probe_delay: int | None = 5) -> dict:
    """A StatefulSet of nginx with a TCP readiness probe (OrderedReady, the default)."""
    ct: dict = {"name": "nginx", "image": "nginx:1.27", "ports": [{"name": "web", "containerPort": 80}]}
    if probe_delay is not None:
        ct["readinessProbe"] = {"tcpSocket": {"port": 80}, "initialDelaySeconds": probe_delay, "periodSeconds": 5}
    return {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": name},
            "spec": {"serviceName": service_name, "replicas": replicas, "selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": [ct]}}}}


def is_ready(pod_obj: dict) -> bool:
    """podutil.IsPodReady: the Ready condition is True."""
    return any(c["type"] == "Ready" and c["status"] == "True" for c in (pod_obj.get("status") or {}).get("conditions") or [])


def live_pods(cluster: Cluster, namespace: str = "default", prefix: str = "") -> list[dict]:
    """Pods not being deleted, whose name starts with ``prefix``."""
    return [p for p in cluster.list("Pod", namespace)
            if p["metadata"]["name"].startswith(prefix) and not p["metadata"].get("deletionTimestamp")]


def pods_by_hash(cluster: Cluster, prefix: str = "web-") -> dict[str, tuple[int, int]]:
    """{pod-template-hash: (ready, not ready)} of a Deployment's live pods."""
    out: dict[str, list[int]] = {}
    for p in live_pods(cluster, prefix=prefix):
        h = p["metadata"]["labels"]["pod-template-hash"]
        out.setdefault(h, [0, 0])[0 if is_ready(p) else 1] += 1
    return {h: (r, n) for h, (r, n) in out.items()}


def slices_of(cluster: Cluster, service: str, namespace: str = "default") -> list[dict]:
    """The EndpointSlices labelled ``kubernetes.io/service-name=<service>``."""
    return [s for s in cluster.list("EndpointSlice", namespace)
            if (s["metadata"].get("labels") or {}).get("kubernetes.io/service-name") == service]


def endpoints_of(cluster: Cluster, service: str, namespace: str = "default") -> dict[str, dict]:
    """{pod IP: endpoint conditions} over all of a Service's slices."""
    return {ep["addresses"][0]: ep.get("conditions") or {} for s in slices_of(cluster, service, namespace)
            for ep in s.get("endpoints") or []}
