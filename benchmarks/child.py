"""One figure, run in its own process: ``python -m benchmarks.child NAME 'JSON-ARGS'``.

Results go to stdout as JSON lines (``harness.emit``); the parent enforces the time cap
and reads peak memory from the figure's own ``emit`` calls.
"""
from __future__ import annotations

import json
import sys

__all__ = ["FIGURES", "main"]


def _figures():
    from . import (figures_cluster, figures_engines, figures_netpol, figures_rollout, figures_scaling, figures_serve,
                   profile)
    return {"import": figures_engines.run_import, "notebooks": figures_engines.run_notebooks,
            "widgets": figures_engines.run_widgets, "dns": figures_engines.run_dns,
            "routing": figures_engines.run_routing, "cluster": figures_cluster.run,
            "netpol": figures_netpol.run, "scaling": figures_scaling.run, "profile": profile.run,
            "serve": figures_serve.run, "rollout": figures_rollout.run}


#: The figures, in the order the table lists them.
FIGURES = ("import", "notebooks", "widgets", "cluster", "dns", "routing", "netpol", "rollout", "serve", "scaling",
           "profile")


def main(argv: list[str]) -> int:
    """Run figure ``argv[0]`` with keyword arguments ``json.loads(argv[1])``."""
    name, kwargs = argv[0], json.loads(argv[1]) if len(argv) > 1 else {}
    _figures()[name](**kwargs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
