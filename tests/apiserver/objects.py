"""Small builders for the API objects the apiserver tests feed in, as a learner writes them.

Each builder returns a fresh dict; keyword arguments replace or add ``spec`` fields.
"""
from __future__ import annotations

import copy

from k8snet.apiserver.defaults import default
from k8snet.apiserver.validation import validate


def errors_of(obj: dict, old: dict | None = None) -> list[str]:
    """What the API server answers: validate the defaulted object, as the server does."""
    new = default(obj)
    return [str(e) for e in validate(new, default(old) if old is not None else None)]


def meta(name: str, namespace: str | None = "default", **extra) -> dict:
    m = {"name": name, **extra}
    if namespace is not None:
        m["namespace"] = namespace
    return m


def service(name: str = "web", **spec) -> dict:
    base = {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 8080}]}
    base.update(spec)
    return {"apiVersion": "v1", "kind": "Service", "metadata": meta(name), "spec": base}


def container(name: str = "web", image: str = "nginx:1.27", **extra) -> dict:
    return {"name": name, "image": image, **extra}


def pod(name: str = "web", containers: list | None = None, **spec) -> dict:
    base = {"containers": containers if containers is not None else [container(ports=[{"containerPort": 80}])]}
    base.update(spec)
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta(name, labels={"app": "web"}), "spec": base}


def template(labels: dict | None = None, containers: list | None = None) -> dict:
    return {"metadata": {"labels": {"app": "web"} if labels is None else labels},
            "spec": {"containers": containers if containers is not None else [container()]}}


def workload(kind: str = "Deployment", name: str = "web", **spec) -> dict:
    base = {"selector": {"matchLabels": {"app": "web"}}, "template": template()}
    if kind == "StatefulSet":
        base["serviceName"] = "web"
    base.update(spec)
    return {"apiVersion": "apps/v1", "kind": kind, "metadata": meta(name), "spec": base}


def ingress(name: str = "web", **spec) -> dict:
    base = {"rules": [{"host": "shop.example.com", "http": {"paths": [
        {"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}]}
    base.update(spec)
    return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": meta(name), "spec": base}


def path_rule(path: dict) -> list:
    """Ingress rules with one path (for pathType/path/backend rows)."""
    return [{"host": "shop.example.com", "http": {"paths": [path]}}]


def netpol(name: str = "allow", **spec) -> dict:
    base = {"podSelector": {"matchLabels": {"app": "db"}}}
    base.update(spec)
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": meta(name), "spec": base}


def gateway(name: str = "gw", listeners: list | None = None, **spec) -> dict:
    base = {"gatewayClassName": "k8snet",
            "listeners": listeners if listeners is not None else [{"name": "http", "port": 80, "protocol": "HTTP"}]}
    base.update(spec)
    return {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway", "metadata": meta(name), "spec": base}


def httproute(name: str = "web", rules: list | None = None, **spec) -> dict:
    base = {"parentRefs": [{"name": "gw"}],
            "rules": rules if rules is not None else [{"backendRefs": [{"name": "web", "port": 80}]}]}
    base.update(spec)
    return {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": meta(name), "spec": base}


def with_changes(obj: dict, **changes) -> dict:
    """A copy of ``obj`` with ``spec`` keys replaced (for update rows)."""
    out = copy.deepcopy(obj)
    out["spec"].update(changes)
    return out
