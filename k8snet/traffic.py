"""``Cluster.traffic``: a steady stream of requests while something happens.

A client sends ``rate`` requests a second for ``duration`` seconds of simulated time, each
through the whole path of ``Cluster.request`` (DNS, kube-proxy, the Ingress controller or
Gateway, the pod).  Meanwhile ``during`` runs: a callable, a kubectl command line, or a list
of ``(seconds after the start, action)``.  Between requests the clock runs, so rollouts,
readiness probes and graceful shutdowns progress, and EndpointSlice changes reach kube-proxy
and the L7 proxies after their propagation delay (``propagation.py``).

Each request takes ``request_time`` seconds; when the pod that serves it is killed in that
time (an app that exits on SIGTERM, or SIGKILL), the connection is reset — unless the app
drains (nginx), which lets in-flight requests finish.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable

from .controllers.termination import Termination
from .errors import UsageError

__all__ = ["Sample", "Traffic", "run", "MAX_REQUESTS", "RESET"]

MAX_REQUESTS = 100_000
MAX_RATE = 1000
MAX_DURATION = 3600
RESET = "connection reset by peer"


_CAUSES = (("whose app exited", "a stale endpoint: the pod is gone, the change had not arrived"),
           ("still starting", "a new pod's app was not listening yet (Ready before it listens)"),
           ("stopped listening at the stop signal", "a terminating pod's app had stopped listening"),
           ("killed (SIGKILL)", "a pod killed at the end of its grace period"),
           ("exited", "the pod's app exited during the request"),
           ("has no endpoints", "the Service had no endpoint"),
           ("has no ready endpoints", "the backend had no ready endpoint"),
           ("no upstream", "every upstream the proxy tried failed"))


@dataclass(frozen=True, slots=True)
class Sample:
    """One request: when it was sent (seconds after the start) and what came back."""

    t: float
    status: int | None
    error: str | None
    pod: str | None        # the pod that answered ("ns/name")
    where: str             # the component that failed ("" when ok): pod, kube-proxy, Ingress controller...
    why: str               # what that component did

    @property
    def cause(self) -> str:
        """The failure in a few words ("" when ok): which of the usual rollout races it was."""
        if self.ok:
            return ""
        for needle, cause in _CAUSES:
            if needle in self.why:
                return cause
        return self.why.split(":", 1)[0] if self.why else self.outcome

    @property
    def ok(self) -> bool:
        """An answer below 500 (a 404 is the app's answer, not a lost request)."""
        return self.error is None and self.status is not None and self.status < 500

    @property
    def outcome(self) -> str:
        """``"200"``, ``"502"``, ``"connection refused"``..."""
        return self.error if self.error else str(self.status)


@dataclass(frozen=True, slots=True)
class Traffic:
    """The requests of one ``Cluster.traffic()`` run, in order, and what happened meanwhile."""

    url: str
    client: str
    rate: float
    duration: float
    samples: tuple[Sample, ...]
    events: tuple[tuple[float, str], ...]  # (seconds after the start, the action)

    @property
    def errors(self) -> list[Sample]:
        """The requests that failed (an error, or a 5xx answer)."""
        return [s for s in self.samples if not s.ok]

    @property
    def ok_count(self) -> int:
        """How many requests got an answer below 500."""
        return sum(1 for s in self.samples if s.ok)

    def by_cause(self) -> Counter:
        """Failed requests counted by (outcome, the component where it happened, cause)."""
        return Counter((s.outcome, s.where, s.cause) for s in self.errors)

    def timeline(self, bucket: float = 1.0) -> list[tuple[float, int, int]]:
        """``(start of the bucket, ok, failed)`` per ``bucket`` seconds, for a chart."""
        if bucket <= 0:
            raise UsageError(f"timeline(bucket={bucket!r}): give a positive number of seconds")
        n = max(1, math.ceil(self.duration / bucket - 1e-9))
        ok, bad = [0] * n, [0] * n
        for s in self.samples:
            i = min(n - 1, int(s.t / bucket + 1e-9))
            (ok if s.ok else bad)[i] += 1
        return [(round(i * bucket, 6), ok[i], bad[i]) for i in range(n)]

    def summary(self) -> str:
        """What happened, in a few lines: counts, then each kind of failure with where it came from."""
        lines = [f"{len(self.samples)} requests to {self.url} from {self.client} over {self.duration:g}s: "
                 f"{self.ok_count} ok, {len(self.errors)} failed"]
        for t, action in self.events:
            lines.append(f"  at {t:6.2f}s  {action}")
        first: dict[tuple, Sample] = {}
        for s in self.errors:
            first.setdefault((s.outcome, s.where, s.cause), s)
        for key, n in sorted(self.by_cause().items(), key=lambda kv: (-kv[1], kv[0])):
            s = first[key]
            lines.append(f"  {n:5d} x {key[0]} at the {key[1]} ({s.t:.2f}s to {self._last(key):.2f}s): {key[2]}")
            lines.append(f"          e.g. {s.why}")
        return "\n".join(lines)

    def _last(self, key: tuple) -> float:
        return max(s.t for s in self.errors if (s.outcome, s.where, s.cause) == key)

    def __str__(self) -> str:
        return self.summary()

    def __repr__(self) -> str:
        return (f"<Traffic {self.url} from {self.client}: {len(self.samples)} requests, {self.ok_count} ok, "
                f"{len(self.errors)} failed>")

    def _repr_html_(self) -> str:
        from .widgets.rollout import timeline_svg
        return timeline_svg(self) + "<pre>" + _html_escape(self.summary()) + "</pre>"


def _html_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _number(name: str, value: Any, low: float, high: float, *, low_ok: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        raise UsageError(f"traffic({name}={value!r}): give a number")
    if value < low or (value == low and not low_ok) or value > high:
        bound = f">= {low:g}" if low_ok else f"> {low:g}"
        raise UsageError(f"traffic({name}={value!r}): must be {bound} and <= {high:g}")
    return float(value)


def _actions(during, at: float, duration: float) -> list[tuple[float, Any]]:
    if during is None:
        return []
    items = during if isinstance(during, list) else [(at, during)]
    out = []
    for item in items:
        if not (isinstance(item, tuple) and len(item) == 2):
            raise UsageError(f"traffic(during=[...]): give (seconds, action) pairs, not {item!r}")
        when, action = item
        when = _number("at", when, 0, duration, low_ok=True)
        if not (callable(action) or isinstance(action, str)):
            raise UsageError(f"traffic(during={action!r}): give a callable (it gets the cluster) or a kubectl "
                             "command line such as 'rollout restart deployment/web'")
        out.append((when, action))
    return sorted(out, key=lambda a: a[0])


def _describe(action) -> str:
    if isinstance(action, str):
        return "kubectl " + action.removeprefix("kubectl ").strip()
    return getattr(action, "__name__", "an action")


def run(cluster, url: str, *, from_pod=None, from_node=None, from_internet: bool = False, rate: float = 10,
        duration: float = 20, during=None, at: float = 1.0, request_time: float = 0.05, method: str = "GET",
        headers: dict | None = None) -> Traffic:
    """Send ``rate`` requests a second for ``duration`` seconds while ``during`` happens."""
    rate = _number("rate", rate, 0, MAX_RATE)
    duration = _number("duration", duration, 0, MAX_DURATION)
    request_time = _number("request_time", request_time, 0, 60, low_ok=True)
    count = int(math.floor(rate * duration + 1e-9))
    if count < 1:
        raise UsageError(f"traffic(rate={rate:g}, duration={duration:g}): that is less than one request")
    if count > MAX_REQUESTS:
        raise UsageError(f"traffic(rate={rate:g}, duration={duration:g}): {count} requests; at most "
                         f"{MAX_REQUESTS} per run")
    actions = _actions(during, at, duration)
    from .datapath import _client
    client = _client(cluster, from_pod, from_node, from_internet)  # checks the origin once, up front
    start, lag = cluster.now, cluster.propagation
    nodes = sorted(n["metadata"]["name"] for n in cluster.store.items("Node"))
    for n in nodes[:100]:  # every node's rules exist before the clock runs (they lag from now on)
        cluster.kube_proxy.state(n)
    samples, events, served = [], [], []
    lag.start(cluster.store)
    try:
        for i in range(count):
            t = start + i / rate
            while actions and start + actions[0][0] <= t:
                when, action = actions.pop(0)
                _run_action(cluster, start + when, action, events, start)
            cluster.advance(max(0.0, t - cluster.now))
            r = cluster.request(url, from_pod=from_pod, from_node=from_node, from_internet=from_internet,
                                method=method, headers=headers)
            samples.append(_sample(r, round(t - start, 6)))
            l7 = next((h.component for h in r.hops if h.component in ("Ingress controller", "Gateway")), None)
            served.append((_uid(cluster, r.pod), l7))
        while actions:
            when, action = actions.pop(0)
            _run_action(cluster, start + when, action, events, start)
        cluster.advance(max(0.0, start + duration - cluster.now))
    finally:
        lag.stop()
        for n in list(cluster.kube_proxy.pending):
            if n in cluster.kube_proxy.states:
                cluster.kube_proxy.catch_up(n, None)
        cluster.kube_proxy.pending.clear()
    samples = _resets(cluster, samples, served, start, request_time)
    return Traffic(url=url, client=client.ref, rate=rate, duration=duration, samples=tuple(samples),
                   events=tuple(events))


def _run_action(cluster, when: float, action, events: list, start: float) -> None:
    cluster.advance(max(0.0, when - cluster.now))
    events.append((round(when - start, 6), _describe(action)))
    if isinstance(action, str):
        from .kubectl.commands import execute  # what Cluster.kubectl runs, under the lock traffic() holds
        out = execute(cluster, action)
        # kubectl's exit status says whether the command failed, also after lines that
        # succeeded (`node/x cordoned`, then `error: unable to drain node ...`); drain's
        # `error when evicting ... (will retry after 5s)` is a retry and exits 0.
        if out.exit_code != 0:
            raise UsageError(f"traffic(during={action!r}): kubectl exited {out.exit_code}: {out.strip()}")
    else:
        action(cluster)


def _uid(cluster, ref: str | None) -> str | None:
    if not ref:
        return None
    ns, _, name = ref.partition("/")
    pod = cluster.store.peek("Pod", ns, name)
    return pod["metadata"].get("uid") if pod else None


def _sample(r, t: float) -> Sample:
    failed = next((h for h in reversed(r.hops) if not h.ok), None)
    where = failed.component if failed is not None else ""
    why = failed.action if failed is not None else ""
    if r.error is None and r.status is not None and r.status >= 500 and failed is None:
        where, why = "container", f"the app answered {r.status}"
    return Sample(t, r.status, r.error, r.pod, where, why)


def _resets(cluster, samples: list[Sample], served: list, start: float, request_time: float) -> list[Sample]:
    """A request still in flight when its pod's app is killed gets its connection reset."""
    if request_time <= 0:
        return samples
    terms = cluster.controllers.terminations
    out = []
    for s, (uid, l7) in zip(samples, served):
        term = terms.get(uid) if uid else None
        cut = term.hard_stop() if term is not None else None
        if s.ok and cut is not None and start + s.t < cut < start + s.t + request_time:
            if term.reaction == "drain" and not term.killed:
                term = Termination(term.started, term.grace, term.hook, term.signal, term.stop_listening, cut,
                                   term.reaction, True, cut)
            what = (f"{s.pod}'s app exited {cut - start - s.t:.2f}s into the request "
                    f"({'SIGKILL' if term.killed else term.reaction + ' on SIGTERM'})")
            if l7 == "Ingress controller":  # nginx: "upstream prematurely closed connection"
                s = Sample(s.t, 502, None, s.pod, l7, "upstream prematurely closed connection: " + what)
            elif l7 == "Gateway":  # Envoy: "upstream connect error or disconnect/reset before headers"
                s = Sample(s.t, 503, None, s.pod, l7, "upstream reset before headers: " + what)
            else:
                s = Sample(s.t, None, RESET, s.pod, "pod", what)
        out.append(s)
    return out

