"""Container logs, as the kubelet keeps them (``/var/log/pods/NS_NAME_UID/CONTAINER/N.log``).

Each container instance has its own log: a new pod (new UID) or a restarted container
(a new ``restartCount``) starts with an empty one, as the kubelet starts a new log file.
A log holds what the image prints when it starts (see ``workloads.py`` for the images
modelled) and one line per request its app answered, written when ``deliver.deliver``
hands the request to the app.  Times come from the simulated clock, so the same seed and
the same calls give the same log, byte for byte.

The line formats follow the images:

* nginx: docker-entrypoint.sh's notices, nginx's ``[notice]`` start-up lines, then the
  ``main`` access-log format of the image's ``/etc/nginx/nginx.conf`` (the ``combined``
  format plus ``"$http_x_forwarded_for"``), with the client address the pod saw.
* hashicorp/http-echo: ``[INFO] server is listening on :5678`` then its ``httpLog`` line
  (``handlers.go``: date, Host, RemoteAddr, request line, status, length, agent, duration).
* agnhost netexec: ``log.Printf("GET /hostname")`` and friends (``netexec.go``).
* echoserver (nginx + lua): the certificate notices, then ``combined`` access lines.
* coredns: the server block, the reload plugin's configuration hash and the version line.
  kubeadm's Corefile has no ``log`` plugin, so queries are not logged.
* anything else: one honest line saying what the simulator models, then one line per request.
"""
from __future__ import annotations

import contextvars
import hashlib
import random
from collections import deque
from dataclasses import dataclass

from . import bootstrap, clock, workloads

__all__ = ["LogLine", "container_log", "served", "of", "pod_log", "new_lines", "LogError", "CLIENT_AGENT",
           "MAX_LINES", "timestamp"]

#: The User-Agent of the program making a request from inside the simulation (``kubectl
#: exec ... -- curl``).  The request model carries only the headers a lesson sets, so the
#: agent travels beside it, for the access log only.
CLIENT_AGENT: contextvars.ContextVar[str] = contextvars.ContextVar("k8snet_client_agent", default="")

#: Lines kept per container instance: the kubelet rotates logs at 10Mi (containerLogMaxSize);
#: a bounded buffer keeps long benchmarks from growing without end.
MAX_LINES = 10_000

#: kubeadm's CoreDNS ConfigMap (kube-system/coredns), whose SHA512 the reload plugin prints as
#: CoreDNS starts.
KUBEADM_COREFILE = bootstrap.COREDNS_COREFILE

CURL_AGENT = "curl/8.11.1"
WGET_AGENT = "Wget"


@dataclass(frozen=True, slots=True)
class LogLine:
    """One line of a container's log: when it was written, to which stream, and the text."""

    time: float
    text: str
    stream: str = "stdout"


class _Logs:
    """The kubelet's log files of one cluster: (uid, container, restartCount) -> lines."""

    def __init__(self, seed):
        self.files: dict[tuple[str, str, int], deque] = {}
        self.rng = random.Random(f"{seed}/logs")
        self.version = 0  # bumped on every write, so followers know when to look again
        self.written: dict[tuple[str, str, int], int] = {}  # lines ever written per file


def of(cluster) -> _Logs:
    """The log files of ``cluster`` (made on first use)."""
    logs = cluster.__dict__.get("_pod_logs")
    if logs is None:
        logs = cluster.__dict__["_pod_logs"] = _Logs(getattr(cluster, "seed", 0))
    return logs


def _restarts(pod: dict, container: str) -> int:
    for cs in (pod.get("status") or {}).get("containerStatuses") or []:
        if cs["name"] == container:
            return cs.get("restartCount", 0)
    return 0


def served(cluster, pod: dict, container: dict, app: workloads.App, req: workloads.HTTPRequest,
           ans: workloads.HTTPAnswer) -> None:
    """The app in ``container`` answered ``req`` with ``ans``: write its access-log line."""
    kind = app.kind
    if kind in ("coredns", "none", "ingress-nginx", "gateway"):
        return
    logs = of(cluster)
    meta = pod["metadata"]
    key = (meta.get("uid", ""), container["name"], _restarts(pod, container["name"]))
    lines = logs.files.get(key)
    if lines is None:
        lines = logs.files[key] = deque(maxlen=MAX_LINES)
    now = cluster.now
    if kind in ("nginx", "echoserver", "http-echo"):  # the formats with the client's User-Agent
        agent = next((v for k, v in req.headers if k.lower() == "user-agent"), "") or CLIENT_AGENT.get()
    if kind == "echo-basic":  # echo-basic.go's line: no size, no request line (a canary logs hundreds)
        port = logs.rng.randrange(32768, 61000)
        _append(logs, key, lines, now, f"Echoing back request made to {req.path} to client ({req.client_ip}:{port})")
        return
    if kind != "agnhost":  # the formats with the answer's size
        size = 0 if req.method == "HEAD" else len(ans.body.encode())
    request_line = f"{req.method} {req.path} HTTP/1.1"
    if kind in ("nginx", "echoserver"):
        forwarded = next((v for k, v in req.headers if k.lower() == "x-forwarded-for"), "-")
        referer = next((v for k, v in req.headers if k.lower() == "referer"), "-")
        text = (f'{req.client_ip} - - [{_nginx_time(now)}] "{request_line}" {ans.status} {size} '
                f'"{referer}" "{agent or "-"}"')
        if kind == "nginx":
            text += f' "{forwarded}"'
    elif kind == "http-echo":
        port = logs.rng.randrange(32768, 61000)  # the client's ephemeral port (ip_local_port_range)
        micros = 10 + logs.rng.randrange(0, 90) / 10
        text = (f'{_go_log_time(now)} {req.host} {req.client_ip}:{port} "{request_line}" '
                f'{ans.status} {size} "{agent}" {micros}µs')
    elif kind == "agnhost":
        path = req.path.split("?", 1)[0]
        text = f"{_go_log_time(now)} GET {path}" if path in ("/hostname", "/clientip", "/echo") else ""
        if path == "/echo":
            text = f"{_go_log_time(now)} GET {req.path}"
        if not text:
            return
    else:
        text = f"{req.client_ip} {request_line} -> {ans.status} ({size} bytes)"
    _append(logs, key, lines, now, text)


def _append(logs: _Logs, key: tuple, lines: deque, now: float, text: str) -> None:
    lines.append(LogLine(now, text))
    logs.version += 1
    logs.written[key] = logs.written.get(key, 0) + 1


def container_log(cluster, pod: dict, container: dict, *, previous: bool = False) -> list[LogLine]:
    """The lines of ``container``'s current instance (or the one before, with ``previous``),
    start-up lines first.  A crash-looping container shows its last run's output, as the
    kubelet serves the log of the last exited instance while the next one waits."""
    restarts = _restarts(pod, container["name"])
    if previous:
        restarts -= 1
    status = next((cs for cs in (pod.get("status") or {}).get("containerStatuses") or []
                   if cs["name"] == container["name"]), {})
    state = status.get("state") or {}
    started = ((state.get("running") or {}).get("startedAt")
               or ((status.get("lastState") or {}).get("terminated") or {}).get("startedAt"))
    start = clock.parse_rfc3339(started) if started else cluster.now
    app = workloads.app_for(pod, container)
    lines = [LogLine(start, text, stream) for stream, text in _startup(cluster, pod, container, app)]
    key = (pod["metadata"].get("uid", ""), container["name"], restarts)
    lines += list(of(cluster).files.get(key, ()))
    return lines


def _startup(cluster, pod: dict, container: dict, app: workloads.App) -> list[tuple[str, str]]:
    """(stream, text) the image prints as it starts."""
    status = pod.get("status") or {}
    started = next((cs for cs in status.get("containerStatuses") or [] if cs["name"] == container["name"]), {})
    when = ((started.get("state") or {}).get("running") or {}).get("startedAt") or status.get("startTime")
    t = clock.parse_rfc3339(when) if when else cluster.now
    out: list[tuple[str, str]] = []
    if app.kind == "nginx":
        node = cluster.store.peek("Node", "", pod["spec"].get("nodeName") or "") or {}
        kernel = ((node.get("status") or {}).get("nodeInfo") or {}).get("kernelVersion", "6.8.0-86-generic")
        cpus = int(((node.get("status") or {}).get("capacity") or {}).get("cpu", "2"))
        entry = "/docker-entrypoint.sh: "
        out += [("stdout", entry + "/docker-entrypoint.d/ is not empty, will attempt to perform configuration"),
                ("stdout", entry + "Looking for shell scripts in /docker-entrypoint.d/"),
                ("stdout", entry + "Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh"),
                ("stdout", "10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf"),
                ("stdout", "10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf"),
                ("stdout", entry + "Sourcing /docker-entrypoint.d/15-local-resolvers.envsh"),
                ("stdout", entry + "Launching /docker-entrypoint.d/20-envsubst-on-templates.sh"),
                ("stdout", entry + "Launching /docker-entrypoint.d/30-tune-worker-processes.sh"),
                ("stdout", entry + "Configuration complete; ready for start up")]
        notice = f"{_go_log_time(t)} [notice] 1#1: "
        out += [("stderr", notice + 'using the "epoll" event method'), ("stderr", notice + "nginx/1.27.3"),
                ("stderr", notice + "built by gcc 12.2.0 (Debian 12.2.0-14) "),
                ("stderr", notice + f"OS: Linux {kernel}"),
                ("stderr", notice + "getrlimit(RLIMIT_NOFILE): 1048576:1048576"),
                ("stderr", notice + "start worker processes")]
        out += [("stderr", notice + f"start worker process {29 + i}") for i in range(cpus)]
    elif app.kind == "http-echo":
        port = app.ports[0][0] if app.ports else 5678
        out.append(("stderr", f"{_go_log_time(t)} [INFO] server is listening on :{port}"))
    elif app.kind == "agnhost":
        port = app.ports[0][0] if app.ports else 8080
        out += [("stderr", f"{_go_log_time(t)} Started HTTP server on port {port}"),
                ("stderr", f"{_go_log_time(t)} Started UDP server on port  8081")]
    elif app.kind == "echoserver":
        out += [("stdout", "Generating self-signed cert"), ("stderr", "Generating a 2048 bit RSA private key"),
                ("stderr", "writing new private key to '/certs/privateKey.key'"), ("stderr", "-----"),
                ("stdout", "Starting nginx")]
    elif app.kind == "echo-basic":
        out.append(("stdout", "Starting server, listening on port 3000 (http)"))
    elif app.kind == "coredns":
        digest = hashlib.sha512(KUBEADM_COREFILE.encode()).hexdigest()
        out += [("stdout", ".:53"), ("stdout", f"[INFO] plugin/reload: Running configuration SHA512 = {digest}"),
                ("stdout", "CoreDNS-" + container.get("image", ":v1.12.1").rsplit(":", 1)[-1].lstrip("v"))]
    elif app.kind == "generic":
        ports = ", ".join(f"{p}/{proto}" for p, proto in app.ports) or "no port"
        out.append(("stdout", f"k8snet: image {container.get('image', '')} is not modelled; it listens on "
                              f"{ports} and answers each HTTP request with its pod's name"))
    if app.crash:
        out.append(("stderr", "k8snet: this container exits as it starts (annotation k8snet.io/crash-loop: "
                              "\"true\"), so the kubelet restarts it with a back-off"))
    return out


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _nginx_time(t: float) -> str:
    """nginx's ``$time_local`` (``01/Jan/2025:00:00:10 +0000``; node clocks run in UTC)."""
    ts = clock.rfc3339(t)  # 2025-01-01T00:00:10Z
    date, time_ = ts[:10], ts[11:19]
    return f"{date[8:10]}/{_MONTHS[int(date[5:7]) - 1]}/{date[:4]}:{time_} +0000"


def _go_log_time(t: float) -> str:
    """Go's ``log`` package prefix and nginx's error-log time: ``2025/01/01 00:00:10``."""
    ts = clock.rfc3339(t)
    return f"{ts[:4]}/{ts[5:7]}/{ts[8:10]} {ts[11:19]}"


def timestamp(t: float) -> str:
    """The kubelet's ``--timestamps`` prefix: RFC 3339 with nine fraction digits
    (``types.RFC3339NanoFixed``, used by kuberuntime/logs ``timeFormatOut``)."""
    ts = clock.rfc3339(int(t))
    nanos = int(round((t - int(t)) * 1e9))
    return f"{ts[:-1]}.{nanos:09d}Z"


class LogError(Exception):
    """Why the API server or the kubelet refuses a log request: ``code`` and ``reason`` are
    the Status it answers with (400 BadRequest, 404 NotFound), ``message`` its words."""

    def __init__(self, code: int, reason: str, message: str):
        super().__init__(message)
        self.code, self.reason, self.message = code, reason, message


def pod_log(cluster, namespace: str, name: str, *, container: str | None = None, tail: int | None = None,
            timestamps: bool = False, previous: bool = False) -> list[str]:
    """The lines ``GET /api/v1/namespaces/NS/pods/NAME/log`` returns (each ending in ``\\n``).

    Follows the API server's ``LogLocation`` (pkg/registry/core/pod/strategy.go: the pod must
    exist, the container must be named when there are several and must be one of them) and
    the kubelet's ``validateContainerLogStatus`` (a container still waiting has no log yet)."""
    pod = cluster.store.get("Pod", namespace, name)
    if pod is None:
        raise LogError(404, "NotFound", f'pods "{name}" not found')
    containers = pod["spec"]["containers"]
    if not container:
        if len(containers) != 1:
            names = " ".join(c["name"] for c in containers)
            raise LogError(400, "BadRequest",
                           f"a container name must be specified for pod {name}, choose one of: [{names}]")
        container = containers[0]["name"]
    spec = next((c for c in containers if c["name"] == container), None)
    if spec is None:
        raise LogError(400, "BadRequest", f"container {container} is not valid for pod {name}")
    if not pod["spec"].get("nodeName"):
        return []  # LogLocation: no host yet, an empty location, so an empty log
    status = next((cs for cs in (pod.get("status") or {}).get("containerStatuses") or []
                   if cs["name"] == container), {})
    state, last = status.get("state") or {}, (status.get("lastState") or {}).get("terminated")
    if previous and not last:
        raise LogError(400, "BadRequest", f'previous terminated container "{container}" in pod "{name}" not found')
    if not previous and "running" not in state and not last:
        reason = (state.get("waiting") or {}).get("reason", "ContainerCreating")
        raise LogError(400, "BadRequest", f'container "{container}" in pod "{name}" is waiting to start: {reason}')
    lines = container_log(cluster, pod, spec, previous=previous)
    if tail is not None and tail >= 0:
        lines = lines[len(lines) - tail:] if tail else []
    return [(timestamp(x.time) + " " if timestamps else "") + x.text + "\n" for x in lines]


def new_lines(cluster, pod: dict, container: str, seen: int, *, timestamps: bool = False) -> tuple[list[str], int]:
    """For ``follow``: the lines written to ``container``'s current log since ``seen`` lines had
    been written, and the new count."""
    logs = of(cluster)
    key = (pod["metadata"].get("uid", ""), container, _restarts(pod, container))
    total = logs.written.get(key, 0)
    if total <= seen:
        return [], seen
    fresh = list(logs.files.get(key, ()))[-(total - seen):]
    return [(timestamp(x.time) + " " if timestamps else "") + x.text + "\n" for x in fresh], total


def written(cluster, pod: dict, container: str) -> int:
    """How many access lines ``container``'s current log has had written (see new_lines)."""
    key = (pod["metadata"].get("uid", ""), container, _restarts(pod, container))
    return of(cluster).written.get(key, 0)
