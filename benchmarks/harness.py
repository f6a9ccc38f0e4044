"""Timing tools and the machine description: what every figure uses.

* ``time_callable(fn, repeat)`` -> ``Timing`` (median, min, max in seconds) — also the harness
  for widget interactions once ``k8snet.widgets`` exists: pass the callback a click runs.
* ``rate(fn, seconds)`` -> calls per second over a wall-clock window.
* ``peak_rss_mib()`` — this process's peak resident memory (``ru_maxrss``), which is why
  each figure runs in its own subprocess (see ``run.py``).
* ``machine()`` — CPU model, cores, RAM and Python version, printed beside every result.

Timings use ``time.perf_counter``; they live here and in ``results.md``, never in tests.
"""
from __future__ import annotations

import os
import platform
import resource
import statistics
import sys
import time
from dataclasses import dataclass
from typing import Callable

__all__ = ["Timing", "time_callable", "rate", "peak_rss_mib", "machine", "emit"]


@dataclass(frozen=True, slots=True)
class Timing:
    """Seconds per call over ``n`` calls."""

    median: float
    minimum: float
    maximum: float
    n: int


def time_callable(fn: Callable[[], object], repeat: int = 20, warmup: int = 1) -> Timing:
    """Call ``fn`` ``warmup`` times untimed, then ``repeat`` times timed, one by one."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return Timing(statistics.median(samples), min(samples), max(samples), len(samples))


def rate(fn: Callable[[int], object], seconds: float = 1.0, batch: int = 100) -> float:
    """Calls per second: ``fn(i)`` in batches of ``batch`` until ``seconds`` have passed."""
    n, i = 0, 0
    t0 = time.perf_counter()
    while True:
        for _ in range(batch):
            fn(i)
            i += 1
        n += batch
        elapsed = time.perf_counter() - t0
        if elapsed >= seconds:
            return n / elapsed


def peak_rss_mib() -> float:
    """Peak resident set size of this process so far, MiB (Linux reports ru_maxrss in KiB)."""
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kib / 1024 if sys.platform != "darwin" else kib / 1024 / 1024


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gib() -> float | None:
    try:
        with open("/proc/meminfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return None


def machine() -> dict[str, str]:
    """The machine a run measured: CPU model, cores, RAM, OS and Python."""
    ram = _ram_gib()
    return {"cpu": _cpu_model(), "cores": str(os.cpu_count() or "?"),
            "ram": f"{ram:.1f} GiB" if ram is not None else "unknown",
            "os": f"{platform.system()} {platform.release()}",
            "python": f"{platform.python_implementation()} {platform.python_version()}"}


def emit(key: str, **fields) -> None:
    """Report one measurement from a figure's subprocess: a JSON line on stdout, flushed at
    once so the parent keeps it even if the figure later exceeds its time cap."""
    import json
    print(json.dumps({"key": key, **fields}), flush=True)
