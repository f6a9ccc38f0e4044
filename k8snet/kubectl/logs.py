"""``kubectl logs``: which pods and containers it asks for, and how it prints what comes back.

The client side follows kubectl's ``pkg/cmd/logs/logs.go``: ``deploy/NAME`` (any workload)
picks one pod with ``polymorphichelpers.AttachablePodForObject`` (sorted by
``podutils.ByLogging``) and says ``Found N pods, using pod/X`` when there was a choice; a pod
with several containers and no ``-c`` uses the ``kubectl.kubernetes.io/default-container``
annotation or the first container and says ``Defaulted container "a" out of: a, b``; ``-l``
reads every matching pod with a default ``--tail`` of 10; ``--prefix`` adds
``[pod/NAME/CONTAINER]``.  The server side (what each pod's log holds, the errors) is
``k8snet.podlogs.pod_log``, which the served API's ``pods/log`` uses too.
"""
from __future__ import annotations

from .. import labels, podlogs
from ..apiserver import resources
from ..errors import K8sNetError, UsageError

__all__ = ["logs", "DEFAULT_CONTAINER_ANNOTATION", "pick_pod", "default_container"]

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


def logs(cluster, args, flags, after) -> str:
    """What ``kubectl logs ...`` prints (stderr notices first, then the log lines)."""
    ns = str(flags.get("--namespace", "default"))
    tail = flags.get("--tail")
    try:
        tail_n = int(tail) if tail is not None else None
    except ValueError:
        raise UsageError(f'error: invalid argument "{tail}" for "--tail" flag: strconv.ParseInt: parsing '
                         f'"{tail}": invalid syntax') from None
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
                lines = podlogs.pod_log(cluster, ns, pod["metadata"]["name"], container=c, tail=tail_n,
                                        timestamps=bool(flags.get("--timestamps")),
                                        previous=bool(flags.get("--previous")))
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
