"""The simulated clock's units and how kubectl prints times.

Simulated time is a float of seconds since ``EPOCH``.  Objects carry RFC 3339 timestamps,
and AGE columns print like kubectl's ``duration.HumanDuration``
(k8s.io/apimachinery/pkg/util/duration).

:class:`Clock` is the one owner of a cluster's time.  It only moves when told to
(``Cluster.advance``), so a cluster is deterministic — until it is served to real tools:
then :meth:`Clock.follow_wall` makes it follow wall time (``due()`` says how far), and the
server's loop moves the cluster there, as a real cluster's controllers see time pass.

Stored timestamps stay simulated (``2025-01-01T00:00:10Z`` ten seconds in), so an unserved
cluster prints the same bytes every run.  A served cluster's objects are seen by real kubectl,
which compares their times with *its* clock (``describe``'s ages, ``get events``): the server
shows them through :meth:`Clock.wall_offset` (:func:`to_wall` on the way out, :func:`from_wall`
on the way in), so a pod created a minute ago reads ``60s``, not ``703d``.
"""
from __future__ import annotations

import re
import time
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Callable

__all__ = ["EPOCH", "Clock", "rfc3339", "parse_rfc3339", "human_duration", "age", "to_wall", "from_wall",
           "TIME_FIELDS"]

#: The simulated clock's zero: every cluster starts at this instant.
EPOCH = datetime(2025, 1, 1, tzinfo=timezone.utc)


def rfc3339(t: float) -> str:
    """The timestamp the API server stores for simulated time ``t`` (whole seconds, UTC)."""
    return _rfc3339(int(t))


@lru_cache(maxsize=4096)  # every write stamps "now": most calls ask for the same second
def _rfc3339(seconds: int) -> str:
    return (EPOCH + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_rfc3339(text: str) -> float:
    """Simulated seconds for an RFC 3339 timestamp written by :func:`rfc3339`."""
    return _parse_rfc3339(text)


@lru_cache(maxsize=8192)  # every AGE cell parses a timestamp; a table has few distinct ones
def _parse_rfc3339(text: str) -> float:
    dt = datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    return (dt - EPOCH).total_seconds()


def human_duration(seconds: float) -> str:
    """kubectl's HumanDuration: ``45s``, ``2m10s``, ``17m``, ``5h3m``, ``3d4h``, ``400d``."""
    s = int(seconds)
    if s < -1:
        return "<invalid>"
    if s < 0:
        return "0s"
    if s < 120:
        return f"{s}s"
    minutes = s // 60
    if minutes < 10:
        rest = s % 60
        return f"{minutes}m" if rest == 0 else f"{minutes}m{rest}s"
    if minutes < 180:
        return f"{minutes}m"
    hours = s // 3600
    if hours < 8:
        rest = minutes % 60
        return f"{hours}h" if rest == 0 else f"{hours}h{rest}m"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        rest = hours % 24
        return f"{hours // 24}d" if rest == 0 else f"{hours // 24}d{rest}h"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        days = (hours // 24) % 365
        return f"{hours // 24 // 365}y" if days == 0 else f"{hours // 24 // 365}y{days}d"
    return f"{hours // 24 // 365}y"


def age(timestamp: str | None, now: float) -> str:
    """The AGE column for an object created at ``timestamp`` seen at simulated time ``now``."""
    if not timestamp:
        return "<unknown>"
    return human_duration(now - parse_rfc3339(timestamp))


class Clock:
    """A cluster's simulated time: ``now`` (seconds since :data:`EPOCH`), moved by ``set``.

    Not following the wall (the default), nothing but ``set`` moves it: same calls, same
    output.  Following the wall (while the cluster is served), :meth:`due` is where wall time
    says the clock should be: the time it had when it started following plus the wall seconds
    since; :meth:`jump` (``advance()`` while served) moves that target too, so a jump is
    kept and time goes on from there.
    """

    def __init__(self, monotonic: Callable[[], float] = time.monotonic,
                 wall: Callable[[], float] = time.time) -> None:
        self.now = 0.0
        self._monotonic = monotonic
        self._wall = wall
        self._origin: tuple[float, float] | None = None  # (simulated, wall) when following began
        self._offset: int | None = None  # wall seconds minus simulated ones, while following

    @property
    def follows_wall(self) -> bool:
        """True while the clock follows wall time (the cluster is served)."""
        return self._origin is not None

    def set(self, t: float) -> None:
        """Move the clock to ``t`` (the controller manager calls this as timers fire)."""
        self.now = t

    def follow_wall(self) -> None:
        """From now on, :meth:`due` follows wall time from the current simulated time, and
        :meth:`wall_offset` maps simulated timestamps to the wall clock's."""
        self._origin = (self.now, self._monotonic())
        self._offset = round(self._wall() - EPOCH.timestamp() - self.now)

    def stop_following(self) -> None:
        """Back to a clock only ``set`` moves (the server stopped)."""
        self._origin = None
        self._offset = None

    def jump(self, seconds: float) -> None:
        """``advance()`` while following: the wall-time target moves by ``seconds`` too, and
        everything already there grows ``seconds`` older on the wall clock (the offset shrinks)."""
        if self._origin is not None:
            self._origin = (self._origin[0] + seconds, self._origin[1])
            self._offset -= round(seconds)

    @property
    def wall_offset(self) -> int | None:
        """Seconds to add to a stored (simulated) timestamp to get the wall-clock time real
        tools compare it with; ``None`` while the clock does not follow the wall."""
        return self._offset

    def due(self) -> float:
        """Where the clock should be now: wall-time driven when following, else ``now``."""
        if self._origin is None:
            return self.now
        sim, wall = self._origin
        return max(self.now, sim + (self._monotonic() - wall))


#: The fields of the API objects that hold a point in time (metav1.Time / MicroTime): the
#: ones k8snet writes (metadata, conditions, container states, events, taints, leases, jobs).
TIME_FIELDS = frozenset({
    "creationTimestamp", "deletionTimestamp", "lastTransitionTime", "lastProbeTime", "lastHeartbeatTime",
    "lastUpdateTime", "startedAt", "finishedAt", "startTime", "firstTimestamp", "lastTimestamp", "eventTime",
    "timeAdded", "renewTime", "acquireTime", "time", "lastScheduleTime", "completionTime",
    "kubectl.kubernetes.io/restartedAt"})
_TIME_TEXT = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?Z")


def _shift(value, seconds: int):
    if isinstance(value, dict):
        return {k: (_shift_text(v, seconds) if k in TIME_FIELDS and isinstance(v, str) else _shift(v, seconds))
                for k, v in value.items()}
    if isinstance(value, list):
        return [_shift(v, seconds) for v in value]
    return value


def _shift_text(text: str, seconds: int) -> str:
    m = _TIME_TEXT.fullmatch(text)
    if m is None:
        return text
    dt = datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S") + timedelta(seconds=seconds)
    return dt.strftime("%Y-%m-%dT%H:%M:%S") + (m.group(2) or "") + "Z"


def to_wall(obj, offset: int | None):
    """``obj`` (JSON data) as a served cluster shows it: every time field moved by ``offset``
    seconds (:meth:`Clock.wall_offset`) onto the wall clock; ``obj`` itself when not served."""
    return obj if not offset else _shift(obj, offset)


def from_wall(obj, offset: int | None):
    """The inverse of :func:`to_wall`, for bodies real tools send (``kubectl rollout restart``
    stamps ``restartedAt`` with *its* clock)."""
    return obj if not offset else _shift(obj, -offset)
