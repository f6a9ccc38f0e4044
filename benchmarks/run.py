"""The benchmark command: ``.venv/bin/python -m benchmarks [--quick] [--cap S] [--only F,...]``.

Runs every figure in its own subprocess (so each peak-memory figure is its own and a
runaway figure can be stopped), under a time cap, then prints the table and writes
``results.md``, ``scaling.svg`` and the README's Benchmarks section (``report.py``).
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from . import report
from .child import FIGURES
from .harness import machine

__all__ = ["SIZES", "run_figure", "main"]

ROOT = Path(__file__).resolve().parent.parent

#: Figure arguments at full size (the default) and with ``--quick``.
SIZES = {
    "full": {"import": {}, "notebooks": {}, "widgets": {},
             # 500 nodes do not fit 10.244.0.0/16 at a /24 each (256 do): the build gives each
             # node a /25 (figures_cluster.node_mask), as kube-controller-manager would be told to.
             "cluster": {"nodes": 500, "services": 5000, "namespaces": 50},
             "dns": {"services": 100, "seconds": 2.0}, "routing": {"rules": 2000},
             "netpol": {"pods": 1000, "policies": 300}, "rollout": {"repeat": 5},
             "scaling": {"sizes": [10, 100, 1000, 5000], "cluster_max": 100},
             "profile": {"nodes": 50, "services": 500, "namespaces": 10}, "serve": {"pods": 500}},
    "quick": {"import": {"repeat": 3}, "notebooks": {}, "widgets": {},
              "cluster": {"nodes": 20, "services": 200, "namespaces": 10},
              "dns": {"services": 100, "seconds": 0.5}, "routing": {"rules": 200},
              "netpol": {"pods": 200, "policies": 60}, "rollout": {"repeat": 2},
              "scaling": {"sizes": [10, 100, 1000], "cluster_max": 10},
              "profile": {"nodes": 10, "services": 100, "namespaces": 5}, "serve": {"pods": 100}},
}


def run_figure(name: str, kwargs: dict, cap: float) -> tuple[list[dict], str | None]:
    """(records the figure emitted, None or why it stopped early)."""
    if name == "netpol":
        kwargs = {**kwargs, "cap": cap}
    cmd = [sys.executable, "-m", "benchmarks.child", name, json.dumps(kwargs)]
    # A session of its own, so a figure over its cap is stopped with everything it started
    # (nbval's kernels, network-config-analyzer).
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                            start_new_session=True)
    try:
        out, err = proc.communicate(timeout=cap)
        problem = None
        if proc.returncode != 0:
            lines = err.strip().splitlines()
            problem = f"failed: {lines[-1] if lines else f'exit {proc.returncode}'}"
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        problem = f"exceeded {cap:.0f} s cap"
    records = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    return records, problem


def main(argv: list[str] | None = None) -> int:
    """Parse the options, run the figures, print and write the results."""
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes (a minute or so)")
    ap.add_argument("--cap", type=float, default=None, help="seconds per figure (default 300, quick 120)")
    ap.add_argument("--only", default="", help=f"comma-separated figures among {','.join(FIGURES)}; "
                    "the others keep their last results (benchmarks/results.json)")
    ap.add_argument("--no-profile", action="store_true", help="skip the cProfile of the build")
    ap.add_argument("--install-nca", action="store_true",
                    help="pip install network-config-analyzer into its own venv first")
    ap.add_argument("--no-write", action="store_true", help="print only; leave results.md and README alone")
    args = ap.parse_args(argv)
    mode = "quick" if args.quick else "full"
    cap = args.cap or (120.0 if args.quick else 300.0)
    if args.install_nca:
        from .figures_netpol import install_nca
        print("network-config-analyzer:", install_nca(), flush=True)
    wanted = [f for f in FIGURES if not args.only or f in args.only.split(",")]
    if args.no_profile:
        wanted = [f for f in wanted if f != "profile"]
    results: dict[str, dict] = {}
    started = time.perf_counter()
    for name in wanted:
        t0 = time.perf_counter()
        print(f"[{name}] running (cap {cap:.0f} s) ...", end="", flush=True)
        records, problem = run_figure(name, SIZES[mode][name], cap)
        results[name] = {"records": records, "problem": problem, "args": SIZES[mode][name]}
        print(f" {time.perf_counter() - t0:.1f} s" + (f" — {problem}" if problem else ""), flush=True)
    if args.only:
        # A partial run keeps the other figures of the last run of this mode.
        results = {**report.load_results(mode), **results}
    info = machine()
    rerun = wanted if args.only else None
    text = report.render(mode, results, info, cap, time.perf_counter() - started, rerun)
    print()
    print(report.summary_table(results, mode))
    print()
    print(report.machine_line(info))
    if not args.no_write:
        report.write(mode, text, results)
        print(f"\nwrote {report.RESULTS.relative_to(ROOT)}, {report.SVG.relative_to(ROOT)} and README.md#benchmarks")
    return 0
