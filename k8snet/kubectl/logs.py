"""``kubectl logs``: which pods and containers it asks for, and how it prints what comes back.

The client side follows kubectl's ``pkg/cmd/logs/logs.go``: ``deploy/NAME`` (any workload)
picks one pod with ``polymorphichelpers.AttachablePodForObject`` (sorted by
``podutils.ByLogging``) and says ``Found N pods, using pod/X`` when there was a choice; a pod
with several containers and no ``-c`` uses the ``kubectl.kubernetes.io/default-container``
annotation or the first container and says ``Defaulted container "a" out of: a, b``; ``-l``
reads every matching pod with a default ``--tail`` of 10; ``--prefix`` adds
``[pod/NAME/CONTAINER]``; ``--since``/``--since-time`` become ``sinceSeconds`` (rounded to the
second) / ``sinceTime`` (Go's RFC 3339 parse, gotime.py), and the kubelet keeps the lines
written at or after ``max(now - sinceSeconds, sinceTime)`` (kuberuntime/logs ``NewLogOptions``,
``ReadLogs``), which :func:`since_lines` does for both kubectls.  The server side (what each pod's log holds, the errors) is
``k8snet.podlogs.pod_log``, which the served API's ``pods/log`` uses too.
"""
from __future__ import annotations

import math

from .. import clock, labels, podlogs
from ..apiserver import resources
from ..errors import FieldError, K8sNetError, UsageError, ValidationError
from . import gotime
from .flags import parse_duration

__all__ = ["logs", "DEFAULT_CONTAINER_ANNOTATION", "pick_pod", "default_container", "since_lines",
           "check_log_options"]

DEFAULT_CONTAINER_ANNOTATION = "kubectl.kubernetes.io/default-container"


def _by_logging(pod: dict) -> tuple:
    """``podutils.ByLogging``: assigned before unassigned, Running before Unknown before
    Pending, ready before not ready, more restarts first, older first."""
    st = pod.get("status") or {}
    phase = {"Running": 0, "Unknown": 1, "Pending": 2}.get(st.get("phase", ""), 3)
    ready = any(c["type"] == "Ready" and c["status"] == "True" for c in st.get("conditions") or [])
    restarts = sum(cs.get("restartCount", 0) for cs in st.get("containerStatuses") or [])
    return (not pod["spec"].get("nodeName"), phase, not ready, -restarts,
            pod["metadata"].get("creationTimestamp", ""), pod["metadata"]["name"])


def pick_pod(cluster, ref: str, namespace: str) -> tuple[dict, str]:
    """(pod, notice) for ``POD``, ``pod/POD`` or ``TYPE/NAME`` of a workload or Service."""
    if "/" not in ref:
        ref = "pod/" + ref
    kind, _, name = ref.partition("/")
    res = resources.lookup(kind)
    obj = cluster.store.get(res.kind, namespace, name)
    if obj is None and res.kind == "Pod":
        # kubectl logs reads a pod through the builder's visitor, which words it so.
        raise K8sNetError(f'error: error from server (NotFound): pods "{name}" not found in namespace "{namespace}"')
    if obj is None:
        raise K8sNetError(f'Error from server (NotFound): {res.qualified} "{name}" not found')
    if res.kind == "Pod":
        return obj, ""
    if res.kind == "Service":
        sel = labels.from_map(obj["spec"].get("selector"))
    else:
        sel = labels.from_label_selector(obj["spec"].get("selector"))
    pods = [p for p in cluster.store.list("Pod", namespace) if sel.matches(p["metadata"].get("labels"))]
    if not pods:
        raise K8sNetError("error: timed out waiting for the condition")
    pods.sort(key=_by_logging)
    notice = f"Found {len(pods)} pods, using pod/{pods[0]['metadata']['name']}\n" if len(pods) > 1 else ""
    return pods[0], notice


def default_container(pod: dict) -> tuple[str, str]:
    """(container name, notice) kubectl uses when no ``-c`` is given."""
    containers = [c["name"] for c in pod["spec"]["containers"]]
    wanted = ((pod["metadata"].get("annotations") or {}).get(DEFAULT_CONTAINER_ANNOTATION))
    if wanted in containers:
        return wanted, ""
    if len(containers) == 1:
        return containers[0], ""
    return containers[0], f'Defaulted container "{containers[0]}" out of: {", ".join(containers)}\n'


def check_log_options(pod_name: str, since_seconds: int | None) -> None:
    """ValidatePodLogOptions (the API server's 422): sinceSeconds must be at least 1."""
    if since_seconds is not None and since_seconds < 1:
        raise ValidationError("PodLogOptions", pod_name, [FieldError.invalid("sinceSeconds", since_seconds,
                                                                             "must be greater than 0")])


def since_lines(cluster, namespace: str, name: str, *, container: str | None, tail: int | None,
                timestamps: bool, previous: bool, since_seconds: int | None = None,
                since_time: float | None = None) -> list[str]:
    """podlogs.pod_log with the kubelet's since cutoff: the lines written at or after
    ``now - since_seconds`` or ``since_time`` (simulated seconds), whichever is later."""
    cutoffs = [t for t in ((cluster.now - since_seconds) if since_seconds else None, since_time) if t is not None]
    if not cutoffs:
        return podlogs.pod_log(cluster, namespace, name, container=container, tail=tail, timestamps=timestamps,
                               previous=previous)
    lines = podlogs.pod_log(cluster, namespace, name, container=container, tail=None, timestamps=True,
                            previous=previous)
    stamp = podlogs.timestamp(max(0.0, max(cutoffs)))
    width = len(stamp)  # RFC 3339 with nine fraction digits: fixed width, so text order is time order
    lines = [line for line in lines if line[:width] >= stamp]
    if not timestamps:
        lines = [line.split(" ", 1)[1] for line in lines]
    if tail is not None and tail >= 0:  # the newer lines are a suffix, so tail-then-since is since-then-tail
        lines = lines[len(lines) - tail:] if tail else []
    return lines


def _since(flags) -> tuple[int | None, float | None]:
    """logs.go ToLogOptions and Validate: (sinceSeconds, sinceTime in simulated seconds)."""
    since = flags.get("--since")
    seconds = parse_duration(str(since)) if since is not None else 0.0
    since_time = None
    if flags.get("--since-time"):
        try:
            when = gotime.parse_rfc3339(str(flags["--since-time"]))
        except gotime.TimeParseError as e:
            raise UsageError(f"error: {e}") from None
        since_time = (when - clock.EPOCH).total_seconds()
        if seconds:
            raise UsageError("error: at most one of `sinceTime` or `sinceSeconds` may be specified")
    # Duration.Round(time.Second): halves away from zero.
    rounded = int(math.floor(abs(seconds) + 0.5)) * (1 if seconds >= 0 else -1) if seconds else None
    if rounded is not None and rounded < 0:
        raise UsageError("error: --since must be greater than 0")
    return rounded, since_time


def logs(cluster, args, flags, after) -> str:
    """What ``kubectl logs ...`` prints (stderr notices first, then the log lines)."""
    ns = str(flags.get("--namespace", "default"))
    tail = flags.get("--tail")
    try:
        tail_n = int(tail) if tail is not None else None
    except ValueError:
        raise UsageError(f'error: invalid argument "{tail}" for "--tail" flag: strconv.ParseInt: parsing '
                         f'"{tail}": invalid syntax') from None
    since_seconds, since_time = _since(flags)
    if tail_n is not None and tail_n < -1:
        raise UsageError("error: --tail must be greater than or equal to -1")
    selector = flags.get("--selector")
    if selector and args:
        raise UsageError("error: only one of -l or POD/TYPE/NAME may be specified")
    if selector:
        sel = labels.parse(str(selector))
        pods = [p for p in cluster.store.list("Pod", ns) if sel.matches(p["metadata"].get("labels"))]
        if not pods:
            return "No resources found in " + ns + " namespace.\n"
        targets = [(p, "") for p in pods]
        if tail_n is None:
            tail_n = 10  # logs.go: "Defaults to -1 with no selector, showing all log lines otherwise 10"
    else:
        if not args:
            raise UsageError("error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\n"
                             "POD or TYPE/NAME is a required argument for the logs command\n"
                             "See 'kubectl logs -h' for help and examples")
        ref = args[0]
        container = args[1] if len(args) > 1 else None
        pod, notice = pick_pod(cluster, ref, ns)
        targets = [(pod, notice)]
        if container and "--container" not in flags:
            flags = {**flags, "--container": container}
    out, failed = [], False
    for pod, notice in targets:
        out.append(notice)
        if flags.get("--all-containers"):
            names = [c["name"] for c in pod["spec"]["containers"]]
        elif flags.get("--container"):
            names = [str(flags["--container"])]
        else:
            name, why = default_container(pod)
            out.append(why)
            names = [name]
        if flags.get("--container"):
            from .execs import check_container
            check_container(pod, names[0])
        for c in names:
            try:
                check_log_options(pod["metadata"]["name"], since_seconds)
                lines = since_lines(cluster, ns, pod["metadata"]["name"], container=c, tail=tail_n,
                                    timestamps=bool(flags.get("--timestamps")), previous=bool(flags.get("--previous")),
                                    since_seconds=since_seconds, since_time=since_time)
            except podlogs.LogError as e:
                out.append(f"Error from server ({e.reason}): {e.message}\n")
                failed = True
                if not flags.get("--ignore-errors"):
                    break
                continue
            prefix = f"[pod/{pod['metadata']['name']}/{c}] " if flags.get("--prefix") else ""
            out.extend(prefix + line for line in lines)
    from .output import Printed
    return Printed("".join(out), 1 if failed else 0)
