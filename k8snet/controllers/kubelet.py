"""The kubelet of each node, reduced to what networking lessons see.

* Pod IPs come from the node's ``podCIDR`` the way the host-local IPAM plugin hands them out:
  the first usable address after the gateway (``.1``), then the next free one after the last
  handed out — so a recreated pod gets a *new* IP even on the same node.
* Containers start at once (images are "already present on machine").  Without a readiness
  probe a started container is ready; with one, the pod turns Ready when the probe first
  succeeds, ``initialDelaySeconds`` after the start.  Probes really connect: a probe on a port
  the app does not listen on (or an app bound to 127.0.0.1) keeps failing.
* ``k8snet.io/crash-loop`` makes the container exit: CrashLoopBackOff, with restarts at
  the kubelet's back-off (10 s doubling to 5 min).
"""
from __future__ import annotations

import hashlib
import ipaddress

from .. import clock
from ..workloads import App, HTTPRequest, answer, app_for

__all__ = ["IPAM", "Exhausted", "waiting_status", "start_pod", "probe_succeeds", "probe_result", "ready_conditions", "normalize_image", "CRASH_BACKOFF", "gate_failures",
           "node_internal_ips"]

CRASH_BACKOFF = (10, 20, 40, 80, 160, 300)


class Exhausted(Exception):
    """host-local has no free address left in the node's range (its own wording)."""


class IPAM:
    """host-local IPAM for one node's pod CIDR (or, on a dual-stack node, its CIDRs: the CNI
    config then lists one range set per family and host-local hands out one IP from each)."""

    def __init__(self, cidr: str, *more: str):
        self.net = ipaddress.ip_network(cidr)
        self.first = int(self.net.network_address) + 2  # .1 is the bridge/gateway
        # host-local's lastIP: the broadcast address is left out for IPv4 only.
        self.last = int(self.net.broadcast_address) - (1 if self.net.version == 4 else 0)
        self.used: set[int] = set()
        self.last_reserved = self.first - 1
        self.others = [IPAM(c) for c in more]

    def allocate(self) -> str:
        """One IP from the (first) range: the next free one after the last handed out."""
        size = self.last - self.first + 1
        for i in range(1, size + 1):
            cand = self.first + (self.last_reserved - self.first + i) % size
            if cand not in self.used:
                self.used.add(cand)
                self.last_reserved = cand
                return str(ipaddress.ip_address(cand))
        raise Exhausted(f"failed to allocate for range 0: no IP addresses available in range set: "
                        f"{self.net.network_address + 1}-{ipaddress.ip_address(self.last)}")

    def allocate_all(self) -> list[str]:
        """One IP per range, in the node's podCIDRs order (primary family first); nothing
        stays taken when one range is full."""
        ips = [self.allocate()]
        try:
            for other in self.others:
                ips.append(other.allocate())
        except Exhausted:
            for ip in ips:
                self.release(ip)
            raise
        return ips

    def release(self, ip: str | None) -> None:
        if ip:
            addr = ipaddress.ip_address(ip)
            if addr.version == self.net.version:
                self.used.discard(int(addr))
            for other in self.others:
                other.release(ip)


def normalize_image(image: str) -> str:
    """containerd's normalized name: ``nginx`` → ``docker.io/library/nginx:latest``."""
    ref = image
    name, _, tag = ref.partition("@")[0].rpartition(":") if ":" in ref.split("/")[-1] else (ref, "", "")
    if not _:
        name, tag = ref, "latest"
    first = name.split("/")[0]
    if "." not in first and ":" not in first and first != "localhost":
        name = ("docker.io/library/" + name) if "/" not in name else ("docker.io/" + name)
    return f"{name}:{tag}"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _resolve_probe_port(port, container: dict) -> int | None:
    if isinstance(port, int):
        return port
    for p in container.get("ports") or []:
        if p.get("name") == port:
            return p["containerPort"]
    return int(port) if str(port).isdigit() else None


def probe_result(pod: dict, container: dict, probe: dict, *, starting: bool = False) -> tuple[bool, str]:
    """Run one readiness probe against the app, as the kubelet would from the node:
    (success, the failure text the kubelet puts in its ``Unhealthy`` event).  ``starting``:
    the app does not listen yet (``k8snet.io/startup-seconds``)."""
    app: App = app_for(pod, container)
    ip = pod["status"].get("podIP", "")
    if "exec" in probe:  # a command in the container: succeeds unless the lesson says it fails
        return (not (app.crash or app.ready_fails or starting)), ""
    action = probe.get("httpGet") or probe.get("tcpSocket") or probe.get("grpc") or {}
    port = _resolve_probe_port(action.get("port"), container)
    path = action.get("path", "/")
    refused = f"dial tcp {ip}:{port}: connect: connection refused"
    if port is None or app.crash or starting or not app.listens(port, "TCP"):
        # prober/http.go and tcp.go: the dial error, wrapped in the GET for HTTP probes.
        return False, (f'Get "http://{ip}:{port}{path}": {refused}' if "httpGet" in probe else refused)
    if "httpGet" in probe:
        if app.ready_fails:
            return False, "HTTP probe failed with statuscode: 503"
        req = HTTPRequest(method="GET", path=path, port=port, host=ip, client_ip=pod["status"].get("hostIP", ""))
        status = answer(app, pod, req).status
        return (200 <= status < 400), f"HTTP probe failed with statuscode: {status}"
    if app.ready_fails:
        return False, refused
    return True, ""


def probe_succeeds(pod: dict, container: dict, probe: dict) -> bool:
    """Does one readiness probe succeed? (see :func:`probe_result`)"""
    return probe_result(pod, container, probe)[0]


KUBELET_CONDITIONS = ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled")


def gate_failures(pod: dict) -> list[str]:
    """status.GeneratePodReadyCondition: why the pod's readiness gates keep it from Ready
    (a gate is met when the pod has a condition of its type with status True)."""
    have = {c.get("type"): c for c in (pod.get("status") or {}).get("conditions") or []}
    out = []
    for gate in pod["spec"].get("readinessGates") or []:
        c = have.get(gate.get("conditionType"))
        if c is None:
            out.append(f'corresponding condition of pod readiness gate "{gate.get("conditionType")}" does not exist.')
        elif c.get("status") != "True":
            out.append(f'the status of pod readiness gate "{gate.get("conditionType")}" is not "True", but {c.get("status")}')
    return out


def ready_conditions(pod: dict, ready: bool, now_ts: str) -> list[dict]:
    """The pod's conditions in the order the kubelet writes them (1.29+); ``ready``: every
    container is ready.  Ready also needs every readiness gate met; conditions the kubelet
    does not own (a readiness gate's, set by another controller) are kept."""
    old = {c["type"]: c for c in pod["status"].get("conditions") or []}

    def c(type_, status, reason=None, message=None):
        prev = old.get(type_)
        cond = {"type": type_, "status": status, "lastProbeTime": None,
                "lastTransitionTime": prev["lastTransitionTime"] if prev and prev["status"] == status else now_ts}
        if reason:
            cond["reason"] = reason
        if message:
            cond["message"] = message
        return cond

    not_ready = [ct["name"] for ct in pod["spec"]["containers"]]
    msg = f"containers with unready status: [{' '.join(not_ready)}]"
    gates = gate_failures(pod) if ready else []
    if not ready:
        ready_c = c("Ready", "False", "ContainersNotReady", msg)
    elif gates:
        ready_c = c("Ready", "False", "ReadinessGatesNotReady", ", ".join(gates))
    else:
        ready_c = c("Ready", "True")
    others = [dict(v) for k, v in old.items() if k not in KUBELET_CONDITIONS]
    return [c("PodReadyToStartContainers", "True"), c("Initialized", "True"), ready_c,
            c("ContainersReady", "True") if ready else c("ContainersReady", "False", "ContainersNotReady", msg),
            c("PodScheduled", "True")] + others


def waiting_status(pod: dict, node: dict, now: float) -> dict:
    """The status of a pod whose sandbox is not up yet: Pending, every container waiting in
    ``ContainerCreating``, no pod IP."""
    now_ts = clock.rfc3339(now)
    host_ips = node_internal_ips(node)
    statuses = [{"image": normalize_image(ct["image"]), "imageID": "", "lastState": {}, "name": ct["name"],
                 "ready": False, "restartCount": 0, "started": False,
                 "state": {"waiting": {"reason": "ContainerCreating"}}} for ct in pod["spec"]["containers"]]
    status = {"phase": "Pending", "hostIP": host_ips[0], "hostIPs": [{"ip": h} for h in host_ips],
              "qosClass": pod["status"].get("qosClass", "BestEffort"), "startTime": now_ts,
              "containerStatuses": statuses}
    conditions = ready_conditions({**pod, "status": status}, False, now_ts)
    conditions[0] = {**conditions[0], "status": "False"}  # PodReadyToStartContainers: no sandbox
    status["conditions"] = conditions
    return status


def node_internal_ips(node: dict) -> list[str]:
    """The node's InternalIPs, one per family on a dual-stack node (primary first): what the
    kubelet reports as the pod's ``hostIPs`` (kubelet_pods.go getHostIPs)."""
    return [a["address"] for a in node["status"]["addresses"] if a["type"] == "InternalIP"]


def start_pod(pod: dict, node: dict, ip: str | list[str], now: float) -> tuple[dict, list[tuple[str, float]]]:
    """The pod's status once its sandbox and containers started, and the timers it needs
    (``("probe", at)`` or ``("restart", at)``).  ``ip`` is the pod's IP, or its IPs (one per
    family, primary first) on a dual-stack node: ``podIP`` is the first, ``podIPs`` all."""
    now_ts = clock.rfc3339(now)
    host_ips = node_internal_ips(node)
    ips = [ip] if isinstance(ip, str) else list(ip)
    statuses, timers, all_ready = [], [], True
    for ct in pod["spec"]["containers"]:
        app = app_for(pod, ct)
        image = normalize_image(ct["image"])
        cs = {"containerID": "containerd://" + _digest(pod["metadata"].get("uid", "") + ct["name"]),
              "image": image, "imageID": image.rsplit(":", 1)[0] + "@sha256:" + _digest(image),
              "lastState": {}, "name": ct["name"], "ready": False, "restartCount": 0, "started": True,
              "state": {"running": {"startedAt": now_ts}}}
        if app.crash:
            cs.update(started=False, state={"waiting": {"reason": "CrashLoopBackOff",
                                                        "message": f"back-off 10s restarting failed container={ct['name']} pod={pod['metadata']['name']}_{pod['metadata']['namespace']}({pod['metadata'].get('uid', '')})"}},
                      lastState={"terminated": {"exitCode": 1, "reason": "Error", "startedAt": now_ts,
                                                "finishedAt": now_ts, "containerID": cs["containerID"]}})
            timers.append(("restart", now + CRASH_BACKOFF[0]))
            all_ready = False
        elif ct.get("readinessProbe"):
            timers.append(("probe", now + ct["readinessProbe"].get("initialDelaySeconds", 0)))
            all_ready = False
        else:
            cs["ready"] = True
        statuses.append(cs)
    status = {"phase": "Running", "hostIP": host_ips[0], "hostIPs": [{"ip": h} for h in host_ips],
              "podIP": ips[0], "podIPs": [{"ip": i} for i in ips], "qosClass": pod["status"].get("qosClass", "BestEffort"),
              "startTime": now_ts, "containerStatuses": statuses}
    pod = {**pod, "status": status}
    status["conditions"] = ready_conditions(pod, all_ready, now_ts)
    gate_delay = (pod["metadata"].get("annotations") or {}).get("k8snet.io/readiness-gate-seconds")
    if pod["spec"].get("readinessGates") and gate_delay is not None:
        try:  # a simulated controller (think: a cloud load balancer's target health) sets the gates
            timers.append(("gate", now + max(0.0, float(gate_delay))))
        except ValueError:
            pass
    return status, timers
