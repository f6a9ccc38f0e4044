"""The rollout figures: a rolling update under load, and the rollout widget's redraws.

* ``rollout_traffic``: a Deployment of 10 replicas (readiness probe, preStop sleep) restarted
  while ``Cluster.traffic`` spreads 1,000 requests over 20 simulated seconds; wall time of
  the whole run (target ≤ 1 s).
* ``rollout_widget``: ``RolloutView.render`` after a control change — a new setting (its
  simulation not yet run: the cache is cleared) and a setting seen before (a redraw of the
  remembered run); target ≤ 50 ms.
"""
from __future__ import annotations

import statistics
import time

from .harness import emit

__all__ = ["run"]

SETTINGS = ({}, {"probe": True}, {"probe": True, "prestop": 5}, {"strategy": "Recreate", "probe": True},
            {"replicas": 1, "max_surge": "0", "max_unavailable": "1", "probe": True, "prestop": 5})


def _rollout_once() -> tuple[float, int, int]:
    from k8snet import Cluster
    from k8snet.widgets.rollout import _manifest
    c = Cluster(nodes=3, seed=1)
    c.apply(_manifest(10, "RollingUpdate", "25%", "25%", True, 5, 30))
    c.advance(10)
    t0 = time.perf_counter()
    t = c.traffic("http://web", rate=50, duration=20, at=1, during="rollout restart deployment/web")
    return time.perf_counter() - t0, len(t.samples), len(t.errors)


def run(repeat: int = 5) -> None:
    _rollout_once()  # warm: imports and first-use caches
    runs = [_rollout_once() for _ in range(repeat)]
    emit("rollout_traffic", seconds=statistics.median(r[0] for r in runs), requests=runs[0][1],
         errors=runs[0][2], replicas=10)
    from k8snet.widgets.rollout import RolloutView, simulate
    view = RolloutView()
    view.render()  # warm
    fresh, cached = [], []
    for values in SETTINGS:
        simulate.cache_clear()
        t0 = time.perf_counter()
        view.render(**values)
        fresh.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        view.render(**values)
        cached.append(time.perf_counter() - t0)
    emit("rollout_widget", seconds=max(fresh), median_new=statistics.median(fresh), redraw=max(cached),
         settings=len(SETTINGS))
