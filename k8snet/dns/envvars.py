"""The Service environment variables the kubelet gives a container (pkg/kubelet/envvars).

Before DNS, pods found Services through Docker-link-style variables, and they still get
them.  For each Service the kubelet picks (``getServiceEnvVarMap`` in kubelet_pods.go):

* the ``kubernetes`` Service of namespace ``default`` ("master services"), always;
* every other Service of the pod's own namespace, unless ``spec.enableServiceLinks`` is
  false (it defaults to true);
* never a Service without a ClusterIP (headless ``None``, ExternalName):
  ``IsServiceIPSet``;
* only Services the kubelet already knew when it started the container: variables are
  not updated later, so a Service created after the pod is missing until the pod is
  recreated.  We compare ``creationTimestamp`` with the pod's ``status.startTime``
  (falling back to its own ``creationTimestamp``).

``FromServices`` then writes, for Service ``my-web`` (name upper-cased, ``-``/``.`` -> ``_``,
a leading digit gets ``_``) with ClusterIP 10.96.0.15 and port ``http`` 80/TCP::

    MY_WEB_SERVICE_HOST=10.96.0.15
    MY_WEB_SERVICE_PORT=80                  (first port)
    MY_WEB_SERVICE_PORT_HTTP=80             (every named port)
    MY_WEB_PORT=tcp://10.96.0.15:80         (first port)
    MY_WEB_PORT_80_TCP=tcp://10.96.0.15:80  (then _PROTO, _PORT, _ADDR, for every port)
    MY_WEB_PORT_80_TCP_PROTO=tcp
    MY_WEB_PORT_80_TCP_PORT=80
    MY_WEB_PORT_80_TCP_ADDR=10.96.0.15

Order: the kubelet hands the runtime a Go map, so the real order changes from container
to container.  ``service_env`` returns the lines sorted by name, as ``env | sort``
prints them, so the output is the same on every run.
"""
from __future__ import annotations

import re
from typing import Iterable, Mapping

from .. import clock

__all__ = ["service_env", "service_env_map", "from_services", "make_env_variable_name",
           "MASTER_SERVICE_NAMESPACE"]

#: kubelet --master-service-namespace (deprecated flag, default "default").
MASTER_SERVICE_NAMESPACE = "default"
_MASTER_SERVICES = ("kubernetes",)


def make_env_variable_name(name: str) -> str:
    """makeEnvVariableName: upper case, ``.`` and ``-`` to ``_``, ``_`` before a digit."""
    env = name.replace(".", "_").replace("-", "_").upper()
    return "_" + env if re.match(r"[0-9]", env) else env


def _ip_set(service: Mapping) -> bool:
    # v1helper.IsServiceIPSet: ClusterIP is neither "None" nor empty.
    ip = (service.get("spec") or {}).get("clusterIP") or ""
    return ip not in ("", "None")


def from_services(services: Iterable[Mapping]) -> list[tuple[str, str]]:
    """envvars.FromServices: ``(name, value)`` pairs in the order the kubelet builds them."""
    result: list[tuple[str, str]] = []
    for svc in services:
        if not _ip_set(svc):
            continue
        spec = svc["spec"]
        prefix = make_env_variable_name(svc["metadata"]["name"])
        ip, ports = spec["clusterIP"], spec.get("ports") or []
        if not ports:
            continue  # a ClusterIP Service always has a port; nothing to write without one
        result.append((f"{prefix}_SERVICE_HOST", ip))
        result.append((f"{prefix}_SERVICE_PORT", str(ports[0]["port"])))
        for p in ports:  # "All named ports (only the first may be unnamed)"
            if p.get("name"):
                result.append((f"{prefix}_SERVICE_PORT_{make_env_variable_name(p['name'])}", str(p["port"])))
        for i, p in enumerate(ports):  # makeLinkVariables: "Docker-compatible vars"
            protocol = (p.get("protocol") or "TCP")
            url = f"{protocol.lower()}://{ip}:{p['port']}"
            if i == 0:
                result.append((f"{prefix}_PORT", url))
            port_prefix = f"{prefix}_PORT_{p['port']}_{protocol.upper()}"
            result += [(port_prefix, url), (f"{port_prefix}_PROTO", protocol.lower()),
                       (f"{port_prefix}_PORT", str(p["port"])), (f"{port_prefix}_ADDR", ip)]
    return result


def _started(pod: Mapping) -> float | None:
    stamp = (pod.get("status") or {}).get("startTime") or (pod.get("metadata") or {}).get("creationTimestamp")
    return clock.parse_rfc3339(stamp) if stamp else None


def _existed_before(service: Mapping, started: float | None) -> bool:
    created = (service.get("metadata") or {}).get("creationTimestamp")
    return started is None or not created or clock.parse_rfc3339(created) <= started


def service_env_map(pod: Mapping, services: Iterable[Mapping],
                    master_namespace: str = MASTER_SERVICE_NAMESPACE) -> dict[str, str]:
    """getServiceEnvVarMap: the Service variables for ``pod`` (a Pod dict)."""
    namespace = (pod.get("metadata") or {}).get("namespace", "default")
    links = (pod.get("spec") or {}).get("enableServiceLinks")
    links = True if links is None else bool(links)
    started = _started(pod)
    chosen: dict[str, Mapping] = {}
    # The kubelet walks its lister in Go map order; we walk Services sorted by namespace,
    # so a pod-namespace Service named "kubernetes" replaces default/kubernetes (in Go that
    # happens on some runs only).
    for svc in sorted(services, key=lambda s: (s["metadata"].get("namespace", ""), s["metadata"]["name"])):
        if not _ip_set(svc) or not _existed_before(svc, started):
            continue
        name, ns = svc["metadata"]["name"], svc["metadata"].get("namespace", "default")
        if ns == master_namespace and name in _MASTER_SERVICES:
            chosen.setdefault(name, svc)
        elif ns == namespace and links:
            chosen[name] = svc
    return dict(from_services(chosen[k] for k in sorted(chosen)))


def service_env(pod: Mapping, services: Iterable[Mapping],
                master_namespace: str = MASTER_SERVICE_NAMESPACE) -> list[str]:
    """``NAME=value`` lines for the Service variables of ``pod``, sorted by name."""
    env = service_env_map(pod, services, master_namespace)
    return [f"{k}={env[k]}" for k in sorted(env)]
