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


_GO_INT = re.compile(r"[+-]?(0[xX][0-9a-fA-F_]+|0[oO]?[0-7_]*|0[bB][01_]+|[1-9][0-9_]*)")


def go_parse_int(text: str, bits: int = 64, *, base: int = 0) -> tuple[int | None, str]:
    """strconv.ParseInt(text, 0, bits) as pflag's int flags call it: (value, "") or (None, why);
    ``base=10`` as klog's Level.Set calls it (digits only, an optional sign)."""
    text = str(text)
    if base == 10 and not re.fullmatch(r"[+-]?[0-9]+", text):
        return None, f'strconv.ParseInt: parsing "{text}": invalid syntax'
    if base == 10:
        value = int(text)
    elif not _GO_INT.fullmatch(text) or "__" in text or text.endswith("_"):
        return None, f'strconv.ParseInt: parsing "{text}": invalid syntax'
    else:
        digits = text.lstrip("+-").replace("_", "")
        radix = 16 if digits[:2].lower() == "0x" else 2 if digits[:2].lower() == "0b" else 8 if digits[:1] == "0" else 10
        body = digits[2:] if radix in (16, 2) or digits[:2].lower() == "0o" else digits
        value = int(body or "0", radix) * (-1 if text.startswith("-") else 1)
    if not -(2 ** (bits - 1)) <= value < 2 ** (bits - 1):
        return None, f'strconv.ParseInt: parsing "{text}": value out of range'
    return value, ""


def int_flag(flags, name: str, command: str, *, shown: str | None = None, bits: int = 64, default=None):
    """An integer flag parsed as pflag parses it; a bad value is refused in cobra's words:
    ``error: invalid argument "x" for "--replicas" flag: strconv.ParseInt: parsing "x": invalid
    syntax`` and the ``See 'kubectl scale --help' for usage.`` line."""
    if name not in flags:
        return default
    value, why = go_parse_int(flags[name], bits)
    if value is None:
        raise UsageError(f'error: invalid argument "{flags[name]}" for "{shown or name}" flag: {why}\n'
                         f"See 'kubectl {command} --help' for usage.")
    return value


def _ports(flags, command: str) -> list[dict]:
    if "--port" not in flags:
        return []
    if command == "run":  # run.go keeps --port a string and checks it itself
        if not re.fullmatch(r"[+-]?[0-9]+", str(flags["--port"])):
            raise UsageError("error: --port must be a number")
        return [{"containerPort": int(flags["--port"])}]
    return [{"containerPort": int_flag(flags, "--port", command, bits=32)}]


def create_deployment(name: str, flags, after: list[str], namespace: str) -> dict:
    if "--image" not in flags:
        raise UsageError('error: required flag(s) "image" not set')
    images = list(flags["--image"])  # a StringSlice: --image=a,b --image=c is three containers
    if len(images) > 1 and after:  # create_deployment.go Validate
        raise UsageError("error: cannot specify multiple --image options and command")
    lbls = {"app": name}
    containers = []
    for img in images:
        c = {"image": img, "name": container_name(img), "resources": {}}
        if after:
            c["command"] = list(after)
        if _ports(flags, "create deployment"):
            c["ports"] = _ports(flags, "create deployment")
        containers.append(c)
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"labels": dict(lbls), "name": name, "namespace": namespace},
            "spec": {"replicas": int_flag(flags, "--replicas", "create deployment", shown="-r, --replicas",
                                          bits=32, default=1), "selector": {"matchLabels": dict(lbls)},
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
    if flags.get("--image-pull-policy"):
        c["imagePullPolicy"] = str(flags["--image-pull-policy"])
    if flags.get("--privileged"):
        c["securityContext"] = {"privileged": True}
    if after:
        c["command" if flags.get("--command") else "args"] = list(after)
    if _ports(flags, "run"):
        c["ports"] = _ports(flags, "run")
    if flags.get("--env"):  # a StringArray: each --env is one NAME=value, commas and all
        c["env"] = [{"name": k, "value": v} for k, _, v in (e.partition("=") for e in flags["--env"])]
    restart = str(flags.get("--restart", "Always"))
    meta = {"labels": lbls, "name": name, "namespace": namespace}
    if flags.get("--annotations"):  # run.go: each --annotations is one key=value
        meta = {"annotations": dict(a.partition("=")[::2] for a in flags["--annotations"]), **meta}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta,
            "spec": {"containers": [c], "dnsPolicy": "ClusterFirst", "restartPolicy": restart}, "status": {}}


def run_service(pod: dict, flags) -> dict:
    """run.go createService (``kubectl run --expose --port``): a Service named as the pod,
    selecting the pod's labels, one TCP port with the same targetPort; its own labels only
    those given with --labels (no type: the API server defaults ClusterIP)."""
    port = int(str(flags["--port"]))  # Validate has checked it is a number
    meta = {"name": pod["metadata"]["name"], "namespace": pod["metadata"]["namespace"]}
    if flags.get("--labels"):
        meta = {"labels": dict(pod["metadata"]["labels"]), **meta}
    return {"apiVersion": "v1", "kind": "Service", "metadata": meta,
            "spec": {"ports": [{"port": port, "protocol": "TCP", "targetPort": port}],
                     "selector": dict(pod["metadata"]["labels"])},
            "status": {"loadBalancer": {}}}


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
        # expose.go keeps --port a string and converts each with strconv.Atoi.
        if not re.fullmatch(r"[+-]?[0-9]+", str(flags["--port"])):
            raise UsageError(f'error: strconv.Atoi: parsing "{flags["--port"]}": invalid syntax')
        ports = [{"port": int(flags["--port"]), "protocol": protocol}]
    else:
        ports = _introspect_ports(obj)
        if not ports:
            raise UsageError("error: couldn't find port via --port flag or introspection")
    for i, p in enumerate(ports):
        tp = flags.get("--target-port")
        if tp is not None:
            # intstr.Parse: a number (sign allowed) is an int, anything else a port name.
            p["targetPort"] = int(tp) if re.fullmatch(r"[+-]?[0-9]+", str(tp)) else str(tp)
        else:
            p["targetPort"] = p["port"]
        if len(ports) > 1:
            p["name"] = f"port-{i + 1}"
    selector = _parse_labels(str(flags["--selector"])) if flags.get("--selector") else _selector_of(obj)
    spec = {"ports": ports, "selector": selector}
    if flags.get("--type"):
        spec["type"] = str(flags["--type"])
    # expose.go createService: the other fields as given
    affinity = str(flags.get("--session-affinity") or "")
    if affinity and affinity not in ("ClientIP", "None"):
        raise UsageError(f"error: unknown session affinity: {affinity}")
    if affinity:
        spec["sessionAffinity"] = affinity
    if flags.get("--cluster-ip"):
        spec["clusterIP"] = str(flags["--cluster-ip"])
    if flags.get("--external-ip"):  # one address: the flag is a string, not a list
        spec["externalIPs"] = [str(flags["--external-ip"])]
    if flags.get("--load-balancer-ip") and spec.get("type") == "LoadBalancer":
        spec["loadBalancerIP"] = str(flags["--load-balancer-ip"])
    svc = {"apiVersion": "v1", "kind": "Service",
           "metadata": {"name": name, "namespace": obj["metadata"].get("namespace", "default")},
           "spec": spec, "status": {"loadBalancer": {}}}
    if flags.get("--labels"):
        svc["metadata"]["labels"] = _parse_labels(str(flags["--labels"]))
    elif obj["metadata"].get("labels"):
        svc["metadata"]["labels"] = dict(obj["metadata"]["labels"])
    return svc


def _parse_labels(text: str) -> dict:
    """generate.ParseLabels: ``k=v,k2=v2`` (a later key wins), or ``unexpected label spec``."""
    out = {}
    for part in text.split(","):
        key, eq, value = part.partition("=")
        if not eq or "=" in value:
            raise UsageError(f"error: unexpected label spec: {part}")
        out[key] = value
    return out
