"""How the kubelet stops a pod: ``preStop`` hooks, the stop signal, the grace period, SIGKILL.

When a pod gets a ``deletionTimestamp`` (pod strategy ``CheckGracefulDelete`` sets it to now
plus ``deletionGracePeriodSeconds``), the kubelet's ``killPod`` stops every container
(``kuberuntime_container.go`` ``killContainer``):

1. it runs the container's ``preStop`` hook, if any (``exec``, ``httpGet`` or ``sleep``), for at
   most the grace period;
2. it asks the runtime to stop the container with what is left of the grace period, and never
   less than 2 s (``minimumGracePeriodInSeconds``): the runtime sends the image's STOPSIGNAL
   (SIGTERM; SIGQUIT for nginx, which means *graceful* shutdown to nginx) and SIGKILL when the
   time is up;
3. once every container has exited, the kubelet asks the API server to remove the pod.

What an app does on the signal is the app's business (``workloads.py``): most images stop
accepting connections and exit at once; nginx stops accepting and lets in-flight requests
finish; an app that ignores SIGTERM serves on until SIGKILL.  The annotation
``k8snet.io/on-sigterm: exit | drain | ignore`` overrides the image's reaction, and
``k8snet.io/startup-seconds: "N"`` makes an app listen only N seconds after it starts.

`plan` is pure and gives the times; ``KubeletTermination`` (a mixin of the Manager) acts
on them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..workloads import ANNOTATION_PREFIX, app_for

__all__ = ["Termination", "plan", "prestop_seconds", "on_sigterm", "startup_seconds", "refusal",
           "KubeletTermination", "MINIMUM_GRACE_PERIOD", "DEFAULT_GRACE_PERIOD"]

#: kuberuntime_container.go minimumGracePeriodInSeconds: the stop signal always gets 2 s.
MINIMUM_GRACE_PERIOD = 2
#: v1.DefaultTerminationGracePeriodSeconds.
DEFAULT_GRACE_PERIOD = 30
SIGTERM_REACTIONS = ("exit", "drain", "ignore")


@dataclass(frozen=True, slots=True)
class Termination:
    """When each step of one pod's shutdown happens (simulated seconds)."""

    started: float         # the kubelet begins killPod (the DELETE's time)
    grace: float           # deletionGracePeriodSeconds
    hook: str              # the preStop hook, as text ("" when none)
    signal: float          # the stop signal is sent (after the preStop hook)
    stop_listening: float  # the app closes its listening socket
    exit: float            # the last container has exited: the pod is removed
    reaction: str          # exit | drain | ignore
    killed: bool           # SIGKILL ended it (the grace period ran out)
    kill: float = 0.0      # when SIGKILL would come (the end of the grace period)

    def hard_stop(self) -> float:
        """When open connections are cut: at the exit, except that a draining app lets
        in-flight requests finish until SIGKILL."""
        return self.kill if self.reaction == "drain" and not self.killed else self.exit


_SLEEP = re.compile(r"(?:^|[;&|\s])sleep\s+(\d+(?:\.\d+)?)\s*(?:$|[;&|])")


def prestop_seconds(container: dict) -> tuple[str, float]:
    """(the preStop hook as text, how long it runs): ``sleep`` takes its seconds; an ``exec``
    of ``sleep N`` (directly or in a shell) takes N; any other hook returns at once."""
    hook = ((container.get("lifecycle") or {}).get("preStop")) or {}
    if "sleep" in hook:
        secs = (hook["sleep"] or {}).get("seconds", 0)
        return f"sleep {secs}s", float(secs)
    if "exec" in hook:
        cmd = [str(w) for w in (hook["exec"] or {}).get("command") or []]
        text = " ".join(cmd)
        if cmd[:1] and cmd[0].rsplit("/", 1)[-1] == "sleep" and len(cmd) > 1:
            try:
                return f"exec {cmd}", float(cmd[1])
            except ValueError:
                return f"exec {cmd}", 0.0
        m = _SLEEP.search(text)
        return f"exec {cmd}", float(m.group(1)) if m else 0.0
    if "httpGet" in hook:
        return f"httpGet {(hook['httpGet'] or {}).get('path', '/')}", 0.0
    if "tcpSocket" in hook:  # deprecated, accepted and never run (kubelet: "TCPSocket is not supported")
        return "tcpSocket", 0.0
    return "", 0.0


def on_sigterm(pod: dict, container: dict) -> str:
    """How the app reacts to the stop signal: the annotation, else the image's own way."""
    ann = (pod.get("metadata") or {}).get("annotations") or {}
    value = str(ann.get(ANNOTATION_PREFIX + "on-sigterm", "")).lower()
    if value in SIGTERM_REACTIONS:
        return value
    # nginx's image sets STOPSIGNAL SIGQUIT: graceful shutdown, in-flight requests finish.
    return "drain" if app_for(pod, container).kind == "nginx" else "exit"


def startup_seconds(pod: dict) -> float:
    """``k8snet.io/startup-seconds``: how long after the container starts the app listens."""
    ann = (pod.get("metadata") or {}).get("annotations")
    if not ann:  # asked for every connection a pod accepts: most pods have no annotations
        return 0.0
    try:
        return max(0.0, float(ann.get(ANNOTATION_PREFIX + "startup-seconds", 0)))
    except (TypeError, ValueError):
        return 0.0


def plan(pod: dict, started: float) -> Termination:
    """The kubelet's killPod for ``pod`` (its deletionGracePeriodSeconds) begun at ``started``.
    Containers stop in parallel; the pod's times are the latest container's."""
    grace = float(pod["metadata"].get("deletionGracePeriodSeconds",
                                      pod["spec"].get("terminationGracePeriodSeconds", DEFAULT_GRACE_PERIOD)))
    best = None
    for c in pod["spec"].get("containers") or []:
        hook, hook_time = prestop_seconds(c)
        hook_time = min(hook_time, grace)  # the hook is cut off when the grace period ends
        # killContainer: what is left after the hook, never under minimumGracePeriodInSeconds
        # (a 0 grace period is a force delete: no hook, no wait).
        left = max(grace - hook_time, MINIMUM_GRACE_PERIOD) if grace > 0 else 0.0
        signal = started + (hook_time if grace > 0 else 0.0)
        reaction = on_sigterm(pod, c)
        if reaction == "ignore" and grace > 0:
            stop, exit_, killed = signal + left, signal + left, True
        else:
            stop, exit_, killed = signal, signal, grace == 0
        t = Termination(started, grace, hook if grace > 0 else "", signal, stop, exit_, reaction, killed, signal + left)
        if best is None or t.exit > best.exit:
            best = t
    return best or Termination(started, grace, "", started, started, started, "exit", False)


def refusal(pod: dict, now: float, started_at: float | None, term: Termination | None) -> str | None:
    """Why the pod's app refuses a new connection at ``now`` (None: it accepts)."""
    if term is not None and now >= term.stop_listening:
        return (f"its app stopped listening at the stop signal ({term.reaction} on SIGTERM)"
                if not term.killed else "its app was killed (SIGKILL) at the end of the grace period")
    wait = startup_seconds(pod)
    if wait and started_at is not None and now < started_at + wait:
        return f"its app is still starting (it listens {wait:g}s after the container starts)"
    return None


class KubeletTermination:
    """The kubelets' side of pod deletion, a mixin of the controller Manager: run :func:`plan`
    when a pod gets its deletionTimestamp, remove the pod when its last container exits."""

    def _init_termination(self) -> None:
        self.terminations: dict[str, Termination] = {}  # pod uid -> its shutdown
        self.started_at: dict[str, float] = {}  # pod uid -> when its containers started
        self.gone_ips: dict[str, tuple[str, Termination]] = {}  # IP of a removed pod -> (ref, shutdown)

    def _kill_pod(self, pod: dict) -> None:
        """killPod: the plan's first step is now; the pod goes when its last container exits.
        A later DELETE with a shorter grace period shortens what is left."""
        meta = pod["metadata"]
        uid = meta.get("uid", "")
        term = self.terminations.get(uid)
        if term is not None and meta.get("deletionGracePeriodSeconds", term.grace) < term.grace:
            term = None
        if term is None:
            if not (pod.get("status") or {}).get("podIP"):  # nothing started: nothing to stop
                term = Termination(self.now, 0.0, "", self.now, self.now, self.now, "exit", False)
            else:
                term = plan(pod, self.now)
            self.terminations[uid] = term
            if term.exit > self.now:
                self.after(term.exit, ("terminated", meta["namespace"], meta["name"], uid, term.exit))
        if term.exit <= self.now:
            self._remove_pod(pod)

    def _remove_pod(self, pod: dict) -> None:
        meta = pod["metadata"]
        self.store.remove("Pod", meta["namespace"], meta["name"])  # _forget_pod follows (watch event)

    def _forget_pod(self, pod: dict) -> None:
        """The pod is gone from the API (removed by its kubelet, or force-deleted): its IP goes
        back to the node's range, remembered as a gone pod's for stale endpoints."""
        meta, ip = pod["metadata"], (pod.get("status") or {}).get("podIP")
        node = pod["spec"].get("nodeName")
        if not ip or pod["spec"].get("hostNetwork") or node not in self.ipam:
            return
        # Every IP of the pod (one per family on a dual-stack node) goes back.
        ips = [p["ip"] for p in (pod.get("status") or {}).get("podIPs") or () if p.get("ip")] or [ip]
        for each in ips:
            self.ipam[node].release(each)
        uid = meta.get("uid", "")
        term = self.terminations.get(uid) or Termination(self.now, 0.0, "", self.now, self.now, self.now, "exit",
                                                          True, self.now)
        self.terminations[uid] = term
        for each in ips:
            self.gone_ips[each] = (f"{meta['namespace']}/{meta['name']}", term)

    def _timer_terminated(self, ns: str, name: str, uid: str, at: float) -> None:
        pod = self.store.peek("Pod", ns, name)
        term = self.terminations.get(uid)
        if pod is not None and pod["metadata"].get("uid") == uid and term is not None and term.exit == at:
            self.dirty["kubelet"].add((ns, name))

    def _timer_gate(self, ns: str, name: str, uid: str, attempt: int) -> None:
        """The controller behind ``k8snet.io/readiness-gate-seconds`` sets every readiness gate
        condition True; the kubelet then recomputes Ready (GeneratePodReadyCondition)."""
        from .. import clock
        from ..apiserver.store import clone
        from . import kubelet
        pod = self.store.peek("Pod", ns, name)
        if pod is None or pod["metadata"].get("uid") != uid or pod["metadata"].get("deletionTimestamp"):
            return
        p2 = clone(pod)
        now_ts = clock.rfc3339(self.now)
        conds = p2["status"].setdefault("conditions", [])
        for gate in p2["spec"].get("readinessGates") or []:
            kind = gate.get("conditionType")
            cur = next((c for c in conds if c.get("type") == kind), None)
            if cur is None:
                conds.append({"type": kind, "status": "True", "lastProbeTime": None, "lastTransitionTime": now_ts})
            elif cur.get("status") != "True":
                cur.update(status="True", lastTransitionTime=now_ts)
        ready = all(cs.get("ready") for cs in p2["status"].get("containerStatuses") or [])
        p2["status"]["conditions"] = kubelet.ready_conditions(p2, ready, now_ts)
        if p2 != pod:
            self.api.write(p2)

    def refusal(self, pod: dict) -> str | None:
        """Why ``pod``'s app refuses a new connection now (starting up, shutting down), or None."""
        uid = pod["metadata"].get("uid", "")
        return refusal(pod, self.now, self.started_at.get(uid), self.terminations.get(uid))
