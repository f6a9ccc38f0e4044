"""Turn the figures' records into the printed table, ``results.md``, ``scaling.svg`` and the
README's Benchmarks section.

``results.md`` keeps one section per run mode (full, quick) between markers, so a quick run
does not erase the last full run.  The README gets the table of the run just made.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from .svgchart import line_chart

__all__ = ["RESULTS", "SVG", "RAW", "summary_table", "machine_line", "render", "write", "load_results"]

HERE = Path(__file__).resolve().parent
RESULTS, SVG, README = HERE / "results.md", HERE / "scaling.svg", HERE.parent / "README.md"
RAW = HERE / "results.json"


def _rec(results: dict, figure: str, key: str) -> dict | None:
    recs = [r for r in (results.get(figure) or {}).get("records", []) if r["key"] == key]
    return recs[-1] if recs else None


def _problem(results: dict, figure: str) -> str | None:
    return (results.get(figure) or {}).get("problem")


def _ms(s: float) -> str:
    return f"{s * 1000:.2f} ms" if s < 1 else f"{s:.2f} s"


def _verdict(ok: bool | None) -> str:
    return "" if ok is None else ("meets" if ok else "**misses**")


def _missing(results: dict, figure: str, what: str = "not run") -> tuple[str, str]:
    if figure not in results:
        return "not run", ""
    p = _problem(results, figure)
    return (p or what), ("**misses**" if p and "cap" in p else "")


def _rows(results: dict, mode: str) -> list[tuple[str, str, str, str]]:
    rows = []
    r = _rec(results, "import", "import")
    rows.append(("`import k8snet` (fresh interpreter)", "≤ 0.3 s",
                 *((f"{r['seconds']:.3f} s wall ({r['import_only'] * 1000:.1f} ms in the import; "
                    f"`from k8snet import Cluster` {r['cluster_import'] * 1000:.0f} ms"
                    + (f", then `Cluster()` + a Service's first request {r['first_request'] * 1000:.0f} ms; "
                       f"1-min load average {r['load_average']:.2f}" if "first_request" in r else "")
                    + f"); ipywidgets/graphviz loaded: {r['cluster_heavy_loaded']}",
                    _verdict(r["seconds"] <= 0.3)) if r else
                   _missing(results, "import"))))
    r = _rec(results, "notebooks", "notebooks")
    rows.append(("every notebook under nbval", "≤ 90 s total",
                 *((r["status"], "") if r and "status" in r else
                   (f"{r['seconds']:.1f} s for {r['count']} notebook{'s' if r['count'] != 1 else ''} (pytest: {r.get('summary', 'pass' if r['passed'] else 'FAIL')})",
                    _verdict(r["seconds"] <= 90 and r["passed"])) if r else _missing(results, "notebooks"))))
    r = _rec(results, "widgets", "widgets")
    rows.append(("each widget interaction", "≤ 50 ms",
                 *((r["status"], "") if r and "status" in r else
                   (f"slowest of {r['interactions']} interactions: {_ms(r['seconds'])} ({r['worst']}); not timed "
                    f"(need a course cluster): {', '.join(r['skipped']) or 'none'}", _verdict(r["seconds"] <= 0.05)) if r else
                   _missing(results, "widgets"))))
    a = (results.get("cluster") or {}).get("args") or {}
    size = f"{a.get('nodes')} nodes, {a.get('services', 0) * 4:,} pods, {a.get('services', 0):,} Services"
    if (a.get("nodes") or 0) > 256:
        size += " (a /25 pod range per node: `node_cidr_mask_size=25`; 10.244.0.0/16 holds 256 of /24)"
    r, prog = _rec(results, "cluster", "build"), _rec(results, "cluster", "build_progress")
    if r:
        cell = (f"{r['seconds']:.1f} s, peak RSS {r['peak_rss_mib']:.0f} MiB",
                _verdict(r["seconds"] <= 15 and r["peak_rss_mib"] <= 1024))
    elif prog:
        cell = (f"{_problem(results, 'cluster')}: {prog['done']}/{prog['of']} of the YAML applied "
                f"({prog['pods']:,} pods) after {prog['seconds']:.0f} s, peak RSS {prog['peak_rss_mib']:.0f} MiB",
                "**misses**")
    else:
        cell = _missing(results, "cluster")
    rows.append((f"build from YAML: {size}", "≤ 15 s, ≤ 1 GiB", *cell))
    r = _rec(results, "cluster", "pod_delete")
    rows.append(("one pod deleted → EndpointSlices and node-1's rules updated", "≤ 10 ms",
                 *((f"{_ms(r['seconds'])} ({r['service_ports_rerendered']} Service ports re-rendered; "
                    f"endpoint gone from rules: {r['endpoint_left_rules']})", _verdict(r["seconds"] <= 0.01)) if r
                   else ("not reached (build did not finish)", "") if "cluster" in results else ("not run", ""))))
    r = _rec(results, "cluster", "iptables_view")
    rows.append(("iptables view of every Service (nat + filter)", "≤ 2 s",
                 *((f"{_ms(r['seconds'])}; {r['nat_rules']:,} nat rules (kube-proxy would write "
                    f"{r['expected_nat_rules']:,}), {r['filter_rules']} filter", _verdict(r["seconds"] <= 2)) if r
                   else ("not reached (build did not finish)", "") if "cluster" in results else ("not run", ""))))
    for key, label, target, lo in (("dns_inprocess", "DNS lookups in-process (`Cluster.resolve`, FQDN)",
                                    "≥ 100,000/s", 100_000),
                                   ("dns_inprocess_search", "DNS lookups in-process, short name from a pod",
                                    "", None),
                                   ("dns_server", "real DNS server, UDP on loopback (one client)", "≥ 5,000/s", 5000)):
        r = _rec(results, "dns", key)
        rows.append((label, target, *((f"{r['rate']:,.0f}/s" + (f" ({r['lost']} lost)" if r.get("lost") else ""),
                                       _verdict(r["rate"] >= lo) if lo else "") if r else _missing(results, "dns"))))
    for key, label in (("routing_ingress", "Ingress rules"), ("routing_httproute", "HTTPRoutes")):
        r = _rec(results, "routing", key)
        rows.append((f"HTTP routing decision among {r['rules'] if r else '?':,} {label}" if r else
                     f"HTTP routing decision ({label})", "≤ 20 µs median",
                     *((f"{r['median'] * 1e6:,.0f} µs median"
                        + (f" (index built once per change of the objects, not timed: {r['compile'] * 1e3:,.0f} ms)"
                           if "compile" in r else ""), _verdict(r["median"] <= 20e-6)) if r
                       else _missing(results, "routing"))))
    r = _rec(results, "rollout", "rollout_traffic")
    rows.append((f"rolling update of {r['replicas']} replicas under {r['requests']:,} requests (`Cluster.traffic`)" if r
                 else "rolling update of 10 replicas under 1,000 requests", "≤ 1 s",
                 *((f"{_ms(r['seconds'])} ({r['errors']} requests lost: readiness probe and preStop sleep)",
                    _verdict(r["seconds"] <= 1)) if r else _missing(results, "rollout"))))
    r = _rec(results, "rollout", "rollout_widget")
    rows.append(("rollout widget redraw after a control change", "≤ 50 ms",
                 *((f"new setting (simulated then drawn): slowest {_ms(r['seconds'])}, median {_ms(r['median_new'])}; "
                    f"a setting seen before: {_ms(r['redraw'])}", _verdict(r["seconds"] <= 0.05)) if r
                   else _missing(results, "rollout"))))
    r, n = _rec(results, "netpol", "netpol"), _rec(results, "netpol", "nca")
    rows.append((f"NetworkPolicy matrix, {r['pods']:,} pods × {r['policies']} policies" if r
                 else "NetworkPolicy matrix", "≤ 5 s",
                 *((f"{_ms(r['seconds'])} ({r['allowed']:,} of {r['pairs']:,} pairs allowed on TCP/80)",
                    _verdict(r["seconds"] <= 5)) if r else _missing(results, "netpol"))))
    if n is not None:
        cell = (n["status"] if "status" in n else
                f"{n['version']}: {n['seconds']:.1f} s ({n['ratio']:,.0f}× ours); same verdict on "
                f"{n['agree']:,} of {n['pairs']:,} pairs" + (f"; differ: ours only {n['only_ours']}, nca only "
                                                            f"{n['only_theirs']}" if n["disagreements"] else ""))
        rows.append(("… same input through network-config-analyzer", "same verdicts", cell,
                     _verdict(n.get("disagreements") == 0) if "status" not in n else ""))
    rows += _serve_rows(results)
    return rows


def _serve_rows(results: dict) -> list[tuple[str, str, str, str]]:
    """The served cluster's figures (benchmarks/figures_serve.py)."""
    def cell(key, fmt, ok):
        r = _rec(results, "serve", key)
        if r is None:
            return _missing(results, "serve")
        if "status" in r:
            return r["status"], ""
        return fmt(r), _verdict(ok(r))
    return [
        ("`kubectl get pods`, served cluster (server time)", "≤ 20 ms median",
         *cell("serve_get", lambda r: f"{_ms(r['median'])} median for {r['pods']} pods ({r['n']} requests)",
               lambda r: r["median"] <= 0.02)),
        ("10 `kubectl get pods` processes at once", "all answered",
         *cell("serve_concurrent", lambda r: f"{r['answered']} of {r['processes']} in {r['seconds']:.1f} s",
               lambda r: r["answered"] == r["processes"])),
        ("watch event after a change", "≤ 50 ms",
         *cell("serve_watch", lambda r: f"{_ms(r['median'])} median, {_ms(r['maximum'])} max ({r['n']} events)",
               lambda r: r["median"] is not None and r["median"] <= 0.05)),
        ("NodePort HTTP request (server time)", "≤ 10 ms",
         *cell("serve_nodeport", lambda r: f"{_ms(r['median'])} median ({r['n']} requests)",
               lambda r: r["median"] <= 0.01)),
    ]


def summary_table(results: dict, mode: str) -> str:
    """The main table, as Markdown (readable as plain text too)."""
    lines = ["| figure | target | measured | |", "|---|---|---|---|"]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in _rows(results, mode)]
    return "\n".join(lines)


def machine_line(info: dict) -> str:
    """One line naming the machine."""
    return (f"Machine: {info['cpu']}, {info['cores']} cores, {info['ram']} RAM, {info['os']}, "
            f"{info['python']}")


def _scaling(results: dict) -> tuple[str, list]:
    recs = [r for r in (results.get("scaling") or {}).get("records", []) if r["key"] == "scaling"]
    if not recs:
        return "", []
    lines = ["| Services | mode | rules written | kube-proxy would write | trace steps | rules evaluated "
             "per packet | built from |", "|---:|---|---:|---:|---:|---:|---|"]
    for r in recs:
        exp = f"{r['expected']:,}" if r["expected"] is not None else "—"
        lines.append(f"| {r['services']:,} | {r['mode']} | {r['rules']:,} | {exp} | {r['steps']:.1f} | "
                     f"{r['evaluated']:.1f} | {'cluster (YAML)' if r['source'] == 'cluster' else 'ProxyState'} |")
    series_r: dict[str, list] = {}
    series_e: dict[str, list] = {}
    for r in recs:
        series_r.setdefault(r["mode"], []).append((r["services"], r["rules"]))
        series_e.setdefault(r["mode"], []).append((r["services"], r["evaluated"]))
    panels = [("Rules kube-proxy writes (node-1)", "rules / IPVS entries", series_r),
              ("Rules one packet is checked against", "rules evaluated", series_e)]
    return "\n".join(lines), panels


def _profile(results: dict) -> str:
    r = _rec(results, "profile", "profile")
    if r is None:
        return _problem(results, "profile") or "Not profiled in this run (`--no-profile`)."
    lines = [f"cProfile of the build at {r['nodes']} nodes, {r['pods']:,} pods, {r['services']:,} Services, "
             f"{r['namespaces']} namespaces: {r['seconds']:.1f} s under the profiler. The package's functions "
             "with the most cumulative time (plumbing such as `Cluster.apply` and `Manager.run` left out):", "",
             "| function | calls | cumulative | own | why it grows |", "|---|---:|---:|---:|---|"]
    for row in r["rows"]:
        lines.append(f"| `k8snet/{row['function']}` (line {row['line']}) | {row['calls']:,} | "
                     f"{row['cumulative']:.2f} s | {row['own']:.2f} s | {row['why']} |")
    return "\n".join(lines)


def _section(mode: str, results: dict, info: dict, cap: float, elapsed: float, rerun: list | None) -> str:
    cmd = ".venv/bin/python -m benchmarks" + (" --quick" if mode == "quick" else "")
    took = (f"the run took {elapsed:.0f} s" if rerun is None else
            f"{', '.join(rerun)} re-run ({elapsed:.0f} s), the other figures from the previous run")
    out = [f"## {'Full run (default sizes)' if mode == 'full' else 'Quick run (`--quick`)'}", "",
           f"`{cmd}` — {machine_line(info)}. Time cap per figure {cap:.0f} s; {took}.", "",
           summary_table(results, mode), ""]
    progress = [r for r in (results.get("cluster") or {}).get("records", []) if r["key"] == "build_progress"]
    if progress:
        out += ["### Cluster build, tenth by tenth", "", "The YAML is applied in ten parts (whole documents, "
                "namespaces first) so a capped build still shows how the time grows:", "",
                "| applied | pods | seconds | peak RSS |", "|---:|---:|---:|---:|"]
        out += [f"| {p['done']}/{p['of']} | {p['pods']:,} | {p['seconds']:.1f} | {p['peak_rss_mib']:.0f} MiB |"
                for p in progress] + [""]
    table, _ = _scaling(results)
    if table:
        out += ["### kube-proxy's rules as Services grow", "",
                "Each Service has 4 endpoints; counts on node-1. iptables: `-A` lines of `iptables-save -t nat`; "
                "nftables: rule lines of `nft list table ip kube-proxy`; IPVS: virtual + real servers of "
                "`ipvsadm -Ln`. A packet from a pod to a ClusterIP is walked with `k8snet.proxy.trace` "
                "(mean over 20 Services): *trace steps* are the rules that acted on it, *rules evaluated* also "
                "counts the rules it was compared with and did not match.", "", table, "",
                "![rule counts and per-packet rules, by mode](scaling.svg)", ""]
    if mode == "full" or "profile" in results:
        out += ["### Known bottlenecks", "", _profile(results), ""]
    return "\n".join(out)


def render(mode: str, results: dict, info: dict, cap: float, elapsed: float, rerun: list | None = None) -> str:
    """The results.md section of this run (``rerun``: the figures a ``--only`` run measured)."""
    return _section(mode, results, info, cap, elapsed, rerun)


def _replace_between(text: str, begin: str, end: str, body: str) -> str:
    block = f"{begin}\n{body}\n{end}"
    if begin in text and end in text:
        return re.sub(re.escape(begin) + r".*?" + re.escape(end), lambda _: block, text, flags=re.S)
    return text.rstrip("\n") + "\n\n" + block + "\n"


def load_results(mode: str) -> dict:
    """The raw records of the last run of ``mode`` (``results.json``), or {}."""
    if not RAW.exists():
        return {}
    return json.loads(RAW.read_text()).get(mode, {})


def write(mode: str, section: str, results: dict) -> None:
    """Write results.md (this mode's section), results.json (the raw records), scaling.svg,
    and the README's Benchmarks section."""
    raw = json.loads(RAW.read_text()) if RAW.exists() else {}
    raw[mode] = results
    RAW.write_text(json.dumps(raw, indent=1, sort_keys=True) + "\n")
    head = ("# Benchmarks\n\nGenerated by `.venv/bin/python -m benchmarks` (see `benchmarks/__init__.py`); "
            "do not edit by hand. Targets are for a 2-core machine.\n")
    text = RESULTS.read_text() if RESULTS.exists() else head
    text = _replace_between(text, f"<!-- begin {mode} -->", f"<!-- end {mode} -->", section)
    RESULTS.write_text(text)
    _, panels = _scaling(results)
    if panels:
        SVG.write_text(line_chart(panels, "Services (log scale)"))
    readme = README.read_text()
    body = ("## Benchmarks\n\n`.venv/bin/python -m benchmarks` measures the simulator against the course's targets "
            "(`--quick` for small sizes); full results, the rule-count chart and the known bottlenecks are in "
            f"[benchmarks/results.md](benchmarks/results.md). Latest {mode} run:\n\n"
            + section.split("\n", 2)[2].split("\n### ")[0].strip() + "\n")
    m = re.search(r"^## Benchmarks\n.*?(?=^## |\Z)", readme, flags=re.S | re.M)
    if m:
        README.write_text(readme[:m.start()] + body + ("\n" if m.end() < len(readme) else "") + readme[m.end():])
