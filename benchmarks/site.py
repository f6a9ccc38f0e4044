"""``python -m benchmarks.site``: the static JupyterLite site (``./course site``) in headless Chromium.

Figures and targets (issue 16):

* first chapter usable from a cold load (fresh browser profile: nothing cached) — the page
  opened, the kernel ready, the first code cell run: ≤ 8 s; then the same again in the same
  browser (a second visit: HTTP cache with GitHub Pages' headers, and the service worker);
* Run All of each chapter (kernel already ready): ≤ 5 s;
* every widget interaction (a control changed → its view redrawn, a kernel round trip): ≤ 100 ms;
* site size on disk: ≤ 50 MB.

Times are taken inside the page (``performance.now()``; a redraw is seen by a MutationObserver
on the view's HTML areas), so Playwright's own round trips are not counted.  Results: ``benchmarks/site-results.md`` and ``.json``.
Run ``./course site`` first (or pass ``--site DIR``); every non-loopback request is refused.
"""
from __future__ import annotations

import argparse
import gzip
import json
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import find_chromium  # noqa: E402
from tests.browser.jlab_browser import Lab  # noqa: E402
from tests.browser.site_server import SiteServer  # noqa: E402

FIRST = "notebooks/00_start_here.ipynb"

# Resolves when the notebook's kernel is idle and its first code cell has run.
FIRST_CELL = """async (path) => {
  const t0 = performance.timeOrigin;
  const sleep = (ms) => new Promise(r => setTimeout(r, ms));
  const panel = () => { const app = window.jupyterapp; if (!app) return null;
    for (const w of app.shell.widgets('main')) if (w.context && w.context.path === path) return w; return null; };
  let p; while (!(p = panel()) || !p.sessionContext.session || !p.sessionContext.session.kernel) await sleep(10);
  const ui = performance.now();
  while (p.sessionContext.session.kernel.status !== 'idle') await sleep(10);
  const ready = performance.now();
  const nb = p.content;
  const index = nb.widgets.findIndex(c => c.model.type === 'code');
  nb.activeCellIndex = index;
  await window.jupyterapp.commands.execute('notebook:run-cell');
  const cell = nb.widgets[index];
  while (cell.model.executionCount === null || p.sessionContext.session.kernel.status !== 'idle') await sleep(10);
  return {ui_ms: ui, kernel_ms: ready, first_cell_ms: performance.now()};
}"""

# Run All with the kernel idle; resolves when every code cell has run and the kernel is idle.
RUN_ALL = """async (path) => {
  const sleep = (ms) => new Promise(r => setTimeout(r, ms));
  const app = window.jupyterapp;
  let p = null; for (const w of app.shell.widgets('main')) if (w.context && w.context.path === path) p = w;
  const k = () => p.sessionContext.session.kernel;
  while (!k() || k().status !== 'idle') await sleep(10);
  app.shell.activateById(p.id);
  const code = p.content.widgets.filter(c => c.model.type === 'code' && c.model.sharedModel.getSource().trim());
  const t0 = performance.now();
  app.commands.execute('notebook:run-all-cells');
  while (code.some(c => c.model.executionCount === null) ) await sleep(10);
  while (k().status !== 'idle') await sleep(10);
  const errors = code.filter(c => c.model.outputs.toJSON().some(o => o.output_type === 'error')).length;
  return {ms: performance.now() - t0, cells: code.length, errors};
}"""

# Every control of every widget view: other options of each dropdown, then each button,
# toggle button and checkbox once; the time from the change until one of the view's HTML areas
# changed (a MutationObserver on the areas: the moment the page's DOM has the new HTML).  A
# control that changes nothing within 3 s (e.g. a button whose answer is unchanged) is left
# out: there is no redraw to time.  ``only``: a substring of the control's label (its
# description) to time only those; ``repeat``: how many times to go through each control's
# changes (with ``repeat`` > 1 a dropdown also goes back to its first value each time).
INTERACT = """async ([limit, only, repeat]) => {
  const sleep = (ms) => new Promise(r => setTimeout(r, ms));
  const times = [], detail = [];
  const timed = async (areas, what, act) => {
    let changedAt = null;
    const observer = new MutationObserver(() => { if (changedAt === null) changedAt = performance.now(); });
    areas.forEach(a => observer.observe(a, {childList: true, subtree: true, characterData: true, attributes: true}));
    const t0 = performance.now();
    act();
    while (changedAt === null && performance.now() - t0 < 3000) await sleep(5);
    observer.disconnect();
    if (changedAt !== null) { times.push(changedAt - t0); detail.push({...what, ms: changedAt - t0}); }
    await sleep(150);  // let a later update land before the next change
  };
  // A control's label: its widget's text without the zero-width spaces ipywidgets pads with.
  const label = (el) => {
    const w = el.closest('.widget-dropdown, .widget-checkbox');
    const text = w ? (w.classList.contains('widget-dropdown') ? w.querySelector('label') : w).textContent : el.textContent;
    return (text || '').replace(/\u200b/g, '').trim() || el.title || '';
  };
  for (const box of document.querySelectorAll('.jp-OutputArea-output .widget-vbox')) {
    if (box.parentElement.closest('.widget-vbox')) continue;  // the outermost view only
    const areas = Array.from(box.querySelectorAll('.widget-html'));
    if (!areas.length) continue;
    for (const select of box.querySelectorAll('.widget-dropdown select')) {
      if (!label(select).includes(only)) continue;
      const options = Array.from(select.options).map(o => o.value);
      const first = select.value, chosen = options.filter(v => v !== first).slice(0, limit);
      for (let r = 0; r < repeat; r++) {  // a repeat goes back to the first value too
        for (const value of (repeat > 1 ? [...chosen, first] : chosen)) {
          await timed(areas, {control: label(select), value}, () => {
            select.value = value; select.dispatchEvent(new Event('change', {bubbles: true})); });
        }
      }
    }
    for (const el of box.querySelectorAll('button.jupyter-button, .widget-checkbox input')) {
      if (!label(el).includes(only)) continue;
      for (let r = 0; r < repeat; r++) await timed(areas, {control: label(el)}, () => el.click());
    }
  }
  return {times, detail};
}"""


def cold_load(server: SiteServer, playwright, chromium: str) -> dict:
    """A fresh browser profile opens the first chapter (nothing cached); then the same
    browser opens it again (``warm``: what the HTTP cache and the service worker keep)."""
    lab = Lab(server, playwright, chromium)
    try:
        result = _first_cell(lab, server)
        time.sleep(1.0)  # let the service worker store what it fetched
        result["warm"] = _first_cell(lab, server)
        result["outside_requests"] = len(lab.outside_requests)
        return result
    finally:
        lab.close()


def _first_cell(lab: Lab, server: SiteServer) -> dict:
    start = time.monotonic()
    lab.page.goto(server.url(f"/lab/tree/{FIRST}"), wait_until="commit")
    result = lab.page.evaluate(FIRST_CELL, FIRST)
    result["wall_s"] = time.monotonic() - start
    return result


def chapter(server: SiteServer, playwright, chromium: str, path: str, per_select: int,
            only: str = "", repeat: int = 1) -> dict:
    lab = Lab(server, playwright, chromium)
    try:
        nb = lab.open(path)
        nb.wait_kernel_idle(timeout=120, stable=0.5)
        run = lab.page.evaluate(RUN_ALL, path)
        time.sleep(0.5)
        timed = lab.page.evaluate(INTERACT, [per_select, only, repeat])
        run["interactions_ms"], run["interactions"] = timed["times"], timed["detail"]
        run["outside_requests"] = len(lab.outside_requests)
        return run
    finally:
        lab.close()


def site_size(site: Path) -> tuple[int, int, int]:
    files = [p for p in site.rglob("*") if p.is_file()]
    raw = sum(p.stat().st_size for p in files)
    gz = sum(len(gzip.compress(p.read_bytes(), 6)) for p in files)
    return raw, gz, len(files)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.site", description=__doc__.splitlines()[0])
    ap.add_argument("--site", type=Path, default=ROOT / "site")
    ap.add_argument("--cold-runs", type=int, default=3)
    ap.add_argument("--per-select", type=int, default=2, help="options tried per dropdown")
    ap.add_argument("--chapters", default="", help="substring filter on chapter file names")
    ap.add_argument("--controls", default="", help="time only widget controls whose label contains this")
    ap.add_argument("--repeat", type=int, default=1, help="times each control's changes are made")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "site-results",
                    help="where the results go (.json and .md are added; default benchmarks/site-results)")
    args = ap.parse_args(argv)
    if not (args.site / "jupyter-lite.json").exists():
        print(f"no site in {args.site}: run ./course site first", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright
    chromium = find_chromium()
    server = SiteServer(args.site).start()
    pw = sync_playwright().start()
    import os
    out: dict = {"machine": f"{platform.processor() or platform.machine()}, Linux {platform.release()}",
                 "load_before": os.getloadavg()[0]}
    try:
        out["cold"] = [cold_load(server, pw, chromium) for _ in range(args.cold_runs)]
        for c in out["cold"]:  # --cold-runs 0: widgets only
            print(f"cold load: UI {c['ui_ms']:.0f} ms, kernel ready {c['kernel_ms']:.0f} ms, "
                  f"first cell {c['first_cell_ms']:.0f} ms; warm: first cell {c['warm']['first_cell_ms']:.0f} ms",
                  flush=True)
        out["chapters"] = {}
        for nb in sorted((args.site / "files" / "notebooks").glob("*.ipynb")):
            if args.chapters not in nb.name:
                continue
            r = chapter(server, pw, chromium, f"notebooks/{nb.name}", args.per_select, args.controls, args.repeat)
            out["chapters"][nb.name] = r
            ia = r["interactions_ms"]
            print(f"{nb.name}: Run All {r['ms']:.0f} ms ({r['cells']} cells, {r['errors']} errors); "
                  f"{len(ia)} interactions, slowest {max(ia, default=0):.0f} ms", flush=True)
            for d in r["interactions"]:
                print(f"    {d['control']}{' -> ' + d['value'] if 'value' in d else ''}: {d['ms']:.0f} ms", flush=True)
    finally:
        pw.stop()
        server.close()
    out["load_after"] = os.getloadavg()[0]
    raw, gz, n = site_size(args.site)
    out["size"] = {"bytes": raw, "gzip_bytes": gz, "files": n}
    out_json, out_md = args.out.with_suffix(".json"), args.out.with_suffix(".md")
    out_json.write_text(json.dumps(out, indent=1) + "\n")
    write_markdown(out, out_md)
    print(out_md.read_text())
    return 0


def verdict(ok: bool) -> str:
    return "meets" if ok else "MISSES"


def write_markdown(out: dict, path: Path) -> None:
    cold = out["cold"]
    firsts = [c["first_cell_ms"] / 1000 for c in cold]
    kernels = [c["kernel_ms"] / 1000 for c in cold]
    uis = [c["ui_ms"] / 1000 for c in cold]
    runs = {k: v["ms"] / 1000 for k, v in out["chapters"].items()}
    inter = [t for v in out["chapters"].values() for t in v["interactions_ms"]]
    slow_ch = max(runs, key=runs.get) if runs else "-"
    slow_i = max(inter, default=0.0)
    size = out["size"]
    outside = sum(c["outside_requests"] for c in cold) + sum(v["outside_requests"] for v in out["chapters"].values())
    warms = [c["warm"]["first_cell_ms"] / 1000 for c in cold if "warm" in c]
    rows = [
        ("first chapter usable, cold load (kernel ready + first cell run)", "≤ 8 s",
         f"{statistics.median(firsts):.1f} s median of {len(firsts)} (runs: {', '.join(f'{x:.1f}' for x in firsts)}); "
         f"Lab UI at {statistics.median(uis):.1f} s, kernel ready at {statistics.median(kernels):.1f} s"
         if firsts else "not measured (--cold-runs 0)", verdict(max(firsts) <= 8) if firsts else ""),
        ("the same, second visit in the same browser (warm)", "-",
         f"{statistics.median(warms):.1f} s median (runs: {', '.join(f'{x:.1f}' for x in warms)})" if warms else "-",
         ""),
        ("Run All of each chapter (kernel ready)", "≤ 5 s",
         f"slowest {runs.get(slow_ch, 0):.1f} s ({slow_ch}); "
         + ", ".join(f"{k[:2]} {v:.1f}" for k, v in runs.items()), verdict(max(runs.values(), default=0) <= 5)),
        ("each widget interaction (dropdown, button, toggle or checkbox → view redrawn)", "≤ 100 ms",
         f"slowest of {len(inter)}: {slow_i:.0f} ms; median {statistics.median(inter) if inter else 0:.0f} ms",
         verdict(slow_i <= 100)),
        ("site size", "≤ 50 MB", f"{size['bytes'] / 1e6:.1f} MB in {size['files']} files "
         f"({size['gzip_bytes'] / 1e6:.1f} MB gzipped)", verdict(size["bytes"] <= 50e6)),
        ("requests to hosts other than 127.0.0.1", "none", str(outside), verdict(outside == 0)),
    ]
    lines = ["# The static site in headless Chromium (`python -m benchmarks.site`)", "",
             f"Machine: {out['machine']}, 2 cores; Debian chromium, headless; site served from "
             "127.0.0.1 by a plain static server; a fresh browser profile per run (cold: nothing cached). "
             f"Load average (1 min) {out.get('load_before', 0):.1f} before, {out.get('load_after', 0):.1f} after: "
             "the machine is shared, and with a load above 2 every figure is inflated.", "",
             "| figure | target | measured | |", "|---|---|---|---|"]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    path.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    raise SystemExit(main())
