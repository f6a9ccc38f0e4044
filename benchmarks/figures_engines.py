"""Figures that do not need the big cluster: import time, notebooks, widgets, DNS, routing.

Each ``run_*`` function runs in its own subprocess and reports with ``harness.emit``.
"""
from __future__ import annotations

import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

from .harness import emit, rate, time_callable

__all__ = ["run_import", "run_notebooks", "run_widgets", "run_dns", "run_routing"]

ROOT = Path(__file__).resolve().parent.parent


def run_import(repeat: int = 7) -> None:
    """``import k8snet`` in a fresh interpreter (median of ``repeat``), and whether the heavy
    optional modules (ipywidgets, graphviz) stayed unloaded; then ``from k8snet import Cluster``
    and, in the same interpreter, ``Cluster()`` with a Service and its first request (what a
    notebook's first cells do), each the median of ``repeat`` fresh interpreters, with the
    1-minute load average (the machine's cores are shared)."""
    import os
    probe = ("import sys, time; t=time.perf_counter(); import k8snet; d=time.perf_counter()-t; "
             "heavy=[m for m in ('ipywidgets','graphviz','yaml','dns') if m in sys.modules]; "
             "print(d, ','.join(heavy))")
    wall, inner, heavy = [], [], ""
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT)
        wall.append(time.perf_counter() - t0)
        d, _, heavy = out.stdout.strip().partition(" ")
        inner.append(float(d))
    probe2 = ("import sys, time; t=time.perf_counter(); from k8snet import Cluster; a=time.perf_counter(); "
              "heavy=','.join(m for m in ('ipywidgets','graphviz') if m in sys.modules); c=Cluster(seed=1); "
              "c.apply({'apiVersion': 'v1', 'kind': 'Pod', 'metadata': {'name': 'web', 'labels': {'app': 'web'}}, "
              "'spec': {'containers': [{'name': 'web', 'image': 'nginx'}]}}); "
              "c.apply({'apiVersion': 'v1', 'kind': 'Service', 'metadata': {'name': 'web'}, "
              "'spec': {'selector': {'app': 'web'}, 'ports': [{'port': 80}]}}); "
              "assert c.request('http://web').status == 200; print(a-t, time.perf_counter()-a, heavy)")
    cluster_import, first_request = [], []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", probe2], capture_output=True, text=True, check=True, cwd=ROOT)
        d2, d3, *rest = out.stdout.split()
        cluster_import.append(float(d2))
        first_request.append(float(d3))
        heavy2 = rest[0] if rest else ""
    emit("import", seconds=statistics.median(wall), import_only=statistics.median(inner),
         heavy_loaded=heavy or "none", cluster_import=statistics.median(cluster_import),
         cluster_heavy_loaded=heavy2 or "none", first_request=statistics.median(first_request),
         load_average=os.getloadavg()[0])


def notebooks() -> list[Path]:
    """Every tutorial and exercise notebook of the course."""
    return sorted([*ROOT.glob("notebooks/*.ipynb"), *ROOT.glob("exercises/*.ipynb")])


def run_notebooks() -> None:
    """Every notebook under nbval, as ``./course test`` runs them (one pytest process)."""
    nbs = notebooks()
    if not nbs:
        emit("notebooks", status="n/a (no notebooks yet)")
        return
    t0 = time.perf_counter()
    # The same flags as `./course test` (strict nbval, in this interpreter's environment).
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "--nbval", "--nbval-current-env",
                           "-p", "no:cacheprovider",
                           "--nbval-sanitize-with", str(ROOT / "tests" / "nbval_sanitize.cfg"),
                           *map(str, nbs)], capture_output=True, text=True, cwd=ROOT)
    tail = [line for line in proc.stdout.strip().splitlines() if line.strip()][-1:]
    emit("notebooks", seconds=time.perf_counter() - t0, count=len(nbs), passed=proc.returncode == 0,
         summary=tail[0].strip("= ") if tail else f"exit {proc.returncode}")


def _interactions(view) -> list[tuple[str, dict]]:
    """What a learner can do with a view: its starting values, then each option of each
    control that has options (a dropdown, toggle buttons), one change at a time."""
    controls = view.controls()
    base = {k: c.value for k, c in controls.items() if hasattr(c, "value")}
    out = [("initial", base)]
    for k, c in controls.items():
        for opt in list(getattr(c, "options", None) or ())[:6]:
            value = opt[1] if isinstance(opt, tuple) else opt
            if value != base.get(k):
                out.append((f"{k}={value}", {**base, k: value}))
    return out


def run_widgets() -> None:
    """Each interaction of every ``k8snet.widgets`` view that builds without arguments:
    ``render(**values)`` is exactly what a control change runs (``View.widget``'s refresh).
    Views that need a learner's cluster are listed as not timed."""
    import importlib
    import importlib.util
    import inspect
    import pkgutil
    if importlib.util.find_spec("k8snet.widgets") is None:
        emit("widgets", status="n/a (no k8snet.widgets yet)")
        return
    import k8snet.widgets as pkg
    from k8snet.widgets.base import View
    timed, skipped, worst = 0, [], ("", 0.0)
    for mod in sorted(m.name for m in pkgutil.iter_modules(pkg.__path__)):
        module = importlib.import_module(f"k8snet.widgets.{mod}")
        for name, cls in sorted(vars(module).items()):
            if not (inspect.isclass(cls) and issubclass(cls, View) and cls is not View
                    and cls.__module__ == module.__name__):
                continue
            try:
                view = cls()
            except TypeError:
                skipped.append(name)
                continue
            for label, values in _interactions(view):
                t = time_callable(lambda: view.render(**values), repeat=5)
                timed += 1
                worst = max(worst, (f"{name} {label}", t.median), key=lambda x: x[1])
    # Views built on a chapter's own cluster: run that notebook's code in-process (magics
    # included) and time every view it created, on the cluster the learner has at that point.
    course_timed, course_worst, not_timed = _course_views()
    timed += course_timed
    worst = max(worst, course_worst, key=lambda x: x[1])
    skipped = [n for n in skipped if n in not_timed]
    if not timed:
        emit("widgets", status="n/a (no view builds without a cluster)", skipped=skipped)
        return
    emit("widgets", seconds=worst[1], worst=worst[0], interactions=timed, skipped=skipped)


COURSE_NOTEBOOKS = ("01_pods_and_ips", "06_dns", "07_ingress", "08_gateway_api", "09_networkpolicy",
                    "10_internet_to_container", "11_troubleshooting")


def _course_views():
    """(interactions timed, (slowest label, seconds), view classes never met) for the views the
    chapter notebooks build, each timed on its chapter's cluster."""
    import contextlib
    import io
    import json
    from pathlib import Path

    from IPython.core.interactiveshell import InteractiveShell

    from k8snet.widgets.base import View
    made: list = []
    original = View.widget

    def recording(self, *a, **k):  # every view a notebook displays passes through widget()
        made.append(self)
        return original(self, *a, **k)

    View.widget = recording
    shell = InteractiveShell.instance()
    timed, worst, seen = 0, ("", 0.0), set()
    root = Path(__file__).resolve().parent.parent / "notebooks"
    try:
        for nb in COURSE_NOTEBOOKS:
            made.clear()
            shell.reset(new_session=True)
            cells = json.loads((root / f"{nb}.ipynb").read_text())["cells"]
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                for c in cells:
                    if c["cell_type"] == "code":
                        shell.run_cell("".join(c["source"]), silent=True)
            import gc  # views displayed inline are referenced only by their widgets
            found = made + [o for o in gc.get_objects() if isinstance(o, View) and o not in made]
            for view in found:
                name = type(view).__name__
                seen.add(name)
                for label, values in _interactions(view):
                    t = time_callable(lambda: view.render(**values), repeat=3)
                    timed += 1
                    worst = max(worst, (f"{name} {label} ({nb})", t.median), key=lambda x: x[1])
                for label, action in _actions(view):
                    t = time_callable(action, repeat=1, warmup=0)
                    timed += 1
                    worst = max(worst, (f"{name} {label} ({nb})", t.median), key=lambda x: x[1])
    finally:
        View.widget = original
    wanted = {"DNSLookupView", "CanaryView", "IngressRouteView", "PolicyToggles", "HopStepper", "PodIPsView",
              "TroubleshootLab"}
    return timed, worst, wanted - seen


def _actions(view) -> list:
    """Button clicks that change the cluster, as the view's buttons run them (then a redraw)."""
    name = type(view).__name__
    out = []
    if name == "PodIPsView":
        pods = view.pod_names()
        if pods:
            out.append(("click 'delete pod'", lambda: (view.delete_pod(pods[0]), view.render())))
    if name == "PolicyToggles":
        labels = list(view.policies) if hasattr(view, "policies") else []
        if labels:
            out.append((f"tick {labels[0]}", lambda: view.render(**{labels[0]: True})))
    return out


def _dns_cluster(services: int):
    from k8snet import Cluster
    from .generate import cluster_yaml
    c = Cluster(2)
    c.apply(cluster_yaml(services, 4, replicas=2))
    return c


def run_dns(services: int = 100, seconds: float = 2.0) -> None:
    """In-process ``Cluster.resolve`` (absolute names, and short names from a pod through its
    search list), then the real server over UDP on loopback, one client, query after query."""
    import dns.message
    from k8snet.dns import serve
    c = _dns_cluster(services)
    names = [f"app-{i}.team-{i % 4}.svc.cluster.local" for i in range(services)]
    emit("dns_inprocess", rate=rate(lambda i: c.resolve(names[i % services]), seconds), services=services)
    client = next(p for p in c.store.items("Pod", "team-0"))
    ref = f"team-0/{client['metadata']['name']}"
    short = [f"app-{i}" for i in range(0, services, 4)]
    emit("dns_inprocess_search", rate=rate(lambda i: c.resolve(short[i % len(short)], from_pod=ref), seconds))
    server = serve(c, host="127.0.0.1", port=0)
    try:
        wires = [dns.message.make_query(n, "A", id=i % 65536).to_wire() for i, n in enumerate(names)]
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.settimeout(2.0)
        addr = ("127.0.0.1", server.port)
        lost = 0

        def ask(i: int) -> None:
            nonlocal lost
            sock.sendto(wires[i % len(wires)], addr)
            try:
                sock.recv(4096)
            except socket.timeout:
                lost += 1
        qps = rate(ask, seconds, batch=50)
        sock.close()
        emit("dns_server", rate=qps, lost=lost)
    finally:
        server.stop()


def run_routing(rules: int = 2000, samples: int = 300) -> None:
    """One routing decision among ``rules`` Ingress rules and among ``rules`` HTTPRoutes:
    median of ``samples`` decisions for seeded random hosts that exist.

    A decision is (host, path, ...) -> chosen rule and backend, for objects that did not
    change since the last request. Like ingress-nginx and Envoy, which render their
    configuration once per change of the objects, the engine compiles an index once
    (``compile_ingress``/``compile_http``); that build is timed apart (``compile``), not
    counted in the per-decision median."""
    from k8snet.routing import compile_http, compile_ingress
    from .generate import httproute_objects, ingress_objects
    rng = random.Random(0)
    ings, classes = ingress_objects(rules)
    picks = [rng.randrange(rules) for _ in range(samples)]

    def timed(fn) -> list[float]:
        out = []
        for i in picks:
            t0 = time.perf_counter()
            fn(i)
            out.append(time.perf_counter() - t0)
        return out
    t0 = time.perf_counter()
    ing_index = compile_ingress(ings, classes)
    ing_compile = time.perf_counter() - t0
    ing = timed(lambda i: ing_index.route(host=f"h{i}.example.com", path=f"/api{i % 5}/x"))
    d = httproute_objects(rules)
    t0 = time.perf_counter()
    gw_index = compile_http(d["gateways"], d["routes"], d["services"], [], d["namespaces"], gateway="default/gw",
                            gateway_classes=d["gateway_classes"])
    gw_compile = time.perf_counter() - t0
    lb = random.Random(1)
    gw = timed(lambda i: gw_index.route(port=80, host=f"r{i}.example.com", path=f"/v{i % 3}/x", rng=lb))
    emit("routing_ingress", median=statistics.median(ing), rules=rules, compile=ing_compile)
    emit("routing_httproute", median=statistics.median(gw), rules=rules, compile=gw_compile)
