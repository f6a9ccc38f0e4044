"""k8snet's benchmarks: how fast and how big the simulator runs, beside the course's targets.

    .venv/bin/python -m benchmarks            # full sizes (500 nodes, 20,000 pods, ...)
    .venv/bin/python -m benchmarks --quick    # small sizes, a minute or so

Prints a table and the machine it ran on, writes ``benchmarks/results.md``,
``benchmarks/scaling.svg`` and the README's Benchmarks section.  Each figure runs in its
own subprocess under a time cap (``--cap``); a figure over its cap is reported as such.
Modules: ``run`` (the command), ``child`` (one figure in a subprocess), ``report``
(tables and files), ``harness`` (timing, memory, machine), ``generate`` (inputs),
``figures_*`` (the measurements), ``profile`` (cProfile hotspots), ``svgchart``.
"""
