"""The objects kubectl's generators build: ``create deployment``, ``run``, ``expose``.

Shapes follow kubectl's own generators (staging/src/k8s.io/kubectl/pkg/cmd/create/
create_deployment.go, run/run.go, expose/expose.go): ``create deployment`` labels
everything ``app=<name>`` and names the container after the image; ``run`` labels the pod
``run=<name>``; ``expose`` copies the selector of what it exposes and, without ``--port``,
takes the container ports.
"""
from __future__ import annotations

import re

from ..errors import UsageError

__all__ = ["create_deployment", "create_namespace", "run_pod", "expose", "container_name"]


def container_name(image: str) -> str:
    """kubectl's sanitized container name for an image: ``hashicorp/http-echo:1.0`` -> ``http-echo``."""
    base = image.rsplit("/", 1)[-1].split("@", 1)[0].split(":", 1)[0]
    return re.sub(r"[^a-z0-9-]", "-", base.lower()).strip("-") or "container"


def _ports(flags) -> list[dict]:
    if "--port" not in flags:
        return []
    try:
        return [{"containerPort": int(flags["--port"])}]
    except ValueError:
        raise UsageError(f'error: invalid argument "{flags["--port"]}" for "--port" flag: '
                         f'strconv.ParseInt: parsing "{flags["--port"]}": invalid syntax') from None


def create_deployment(name: str, flags, after: list[str], namespace: str) -> dict:
    if "--image" not in flags:
        raise UsageError('error: required flag(s) "image" not set')
    images = str(flags["--image"]).split(",")
    lbls = {"app": name}
    containers = []
    for img in images:
        c = {"image": img, "name": container_name(img), "resources": {}}
        if after:
            c["command"] = list(after)
        if _ports(flags):
            c["ports"] = _ports(flags)
        containers.append(c)
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"labels": dict(lbls), "name": name, "namespace": namespace},
            "spec": {"replicas": int(flags.get("--replicas", 1)), "selector": {"matchLabels": dict(lbls)},
                     "strategy": {}, "template": {"metadata": {"labels": dict(lbls)},
                                                  "spec": {"containers": containers}}},
            "status": {}}


def create_namespace(name: str) -> dict:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}, "spec": {}, "status": {}}


def run_pod(name: str, flags, after: list[str], namespace: str) -> dict:
    if "--image" not in flags:
        raise UsageError('error: required flag(s) "image" not set')
    lbls = {"run": name}
    if flags.get("--labels"):
        lbls = dict(kv.split("=", 1) for kv in str(flags["--labels"]).split(","))
    c = {"image": str(flags["--image"]), "name": name, "resources": {}}
    if after:
        c["command" if flags.get("--command") else "args"] = list(after)
    if _ports(flags):
        c["ports"] = _ports(flags)
    if flags.get("--env"):
        k, _, v = str(flags["--env"]).partition("=")
        c["env"] = [{"name": k, "value": v}]
    restart = str(flags.get("--restart", "Always"))
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"labels": lbls, "name": name, "namespace": namespace},
            "spec": {"containers": [c], "dnsPolicy": "ClusterFirst", "restartPolicy": restart}, "status": {}}


def _selector_of(obj: dict) -> dict:
    kind = obj["kind"]
    if kind == "Pod":
        sel = obj["metadata"].get("labels") or {}
    elif kind == "Service":
        sel = obj["spec"].get("selector") or {}
    else:
        s = obj["spec"].get("selector") or {}
        if s.get("matchExpressions"):
            raise UsageError(f"error: cannot expose a {kind} with matchExpressions in its selector")
        sel = s.get("matchLabels") or {}
    if not sel:
        raise UsageError(f"error: couldn't retrieve selectors via --selector flag or introspection: "
                         f"the {kind.lower()} has no labels to select")
    return dict(sel)


def _introspect_ports(obj: dict) -> list[dict]:
    if obj["kind"] == "Service":
        return [{"port": p["port"], "protocol": p.get("protocol", "TCP")} for p in obj["spec"].get("ports") or []]
    spec = obj["spec"] if obj["kind"] == "Pod" else (obj["spec"].get("template") or {}).get("spec") or {}
    return [{"port": p["containerPort"], "protocol": p.get("protocol", "TCP")}
            for c in spec.get("containers") or [] for p in c.get("ports") or []]


def expose(obj: dict, flags) -> dict:
    """The Service ``kubectl expose`` creates for a pod, deployment, replicaset or service."""
    name = str(flags.get("--name", obj["metadata"]["name"]))
    protocol = str(flags.get("--protocol", "TCP"))
    if "--port" in flags:
        ports = [{"port": int(flags["--port"]), "protocol": protocol}]
    else:
        ports = _introspect_ports(obj)
        if not ports:
            raise UsageError("error: couldn't find port via --port flag or introspection")
    for i, p in enumerate(ports):
        tp = flags.get("--target-port")
        if tp is not None:
            p["targetPort"] = int(tp) if str(tp).isdigit() else str(tp)
        else:
            p["targetPort"] = p["port"]
        if len(ports) > 1:
            p["name"] = f"port-{i + 1}"
    spec = {"ports": ports, "selector": _selector_of(obj)}
    if flags.get("--type"):
        spec["type"] = str(flags["--type"])
    svc = {"apiVersion": "v1", "kind": "Service",
           "metadata": {"name": name, "namespace": obj["metadata"].get("namespace", "default")},
           "spec": spec, "status": {"loadBalancer": {}}}
    if obj["metadata"].get("labels"):
        svc["metadata"]["labels"] = dict(obj["metadata"]["labels"])
    return svc
