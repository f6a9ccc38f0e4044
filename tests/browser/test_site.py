"""What only the static site (JupyterLite, Python in the page) has to get right: pictures drawn
by viz.js whose labels fit their boxes in the fonts Chromium really has, a clear page for a
browser without WebAssembly, a note (and a working course) without JSPI, and the chapter whose
DNS server cannot open sockets taking its in-process path.  The chapters' own tests
(test_chapters.py) run on the site too, through the ``lab`` fixture's ``[site]`` case."""
from __future__ import annotations


import pytest

from .chapter_helpers import cell_index, output
from .conftest import BROWSER_TARGETS, REPO_ROOT
from .jlab_browser import Lab

# For every node and cluster box of every picture on the page (inline SVG of a widget, or a
# cell output's <img>, whose SVG is put inline for the measure): the widest text line against
# its shape.  Graphviz sized the box from Helvetica's metrics; the browser draws the label with
# the first font of the stack it has.  A label wider than its box is clipped (or overflows).
LABELS_OVERFLOWING = """async () => {
  const sources = [];
  for (const svg of document.querySelectorAll('.widget-html svg')) sources.push(svg);
  for (const img of document.querySelectorAll('.jp-RenderedSVG img, .jp-OutputArea-output img')) {
    const text = await (await fetch(img.src)).text();
    const holder = document.createElement('div');
    holder.style.cssText = 'position:absolute;left:0;top:0;visibility:hidden';
    holder.innerHTML = text;
    document.body.appendChild(holder);
    const svg = holder.querySelector('svg');
    if (svg) sources.push(svg);
  }
  const bad = [];
  let checked = 0;
  for (const svg of sources) {
    for (const g of svg.querySelectorAll('g.node, g.cluster')) {
      const shape = g.querySelector('polygon, path, ellipse');
      if (!shape) continue;
      const box = shape.getBBox();
      for (const t of g.querySelectorAll('text')) {
        const tb = t.getBBox();
        checked += 1;
        if (tb.width > 0 && (tb.x < box.x - 0.5 || tb.x + tb.width > box.x + box.width + 0.5)) {
          bad.push(`${t.textContent}: text ${tb.x.toFixed(1)}..${(tb.x + tb.width).toFixed(1)} ` +
                   `outside box ${box.x.toFixed(1)}..${(box.x + box.width).toFixed(1)}`);
        }
      }
    }
  }
  return {pictures: sources.length, checked, bad, fonts: getComputedStyle(document.body).fontFamily};
}"""

PICTURE_CHAPTERS = [
    # (chapter, why): the chapters whose pictures have the longest labels and cluster titles.
    ("notebooks/00_start_here.ipynb", "cluster.graph(): node boxes and the per-node cluster titles"),
    ("notebooks/09_networkpolicy.ipynb", "the policy matrix graph: namespace boxes around pods"),
    ("notebooks/10_internet_to_container.ipynb", "request_graph(): one box per hop with its details"),
]


@pytest.fixture
def site_lab(site_server, playwright_driver, chromium_path):
    """A fresh Chromium on the static site (only loopback reachable)."""
    made = []

    def factory(init_script: str | None = None, extra_args=(), worker_prefix: str | None = None) -> Lab:
        lab = Lab(site_server, playwright_driver, chromium_path, extra_args=extra_args)
        if init_script:
            lab.context.add_init_script(init_script)
        if worker_prefix:  # init scripts reach pages only; the kernel runs in a Web Worker
            def prefix_worker(route):
                response = route.fetch()
                route.fulfill(response=response, body=worker_prefix + response.text())
            lab.context.route("**/*.worker.*.js", prefix_worker)
        made.append(lab)
        return lab

    yield factory
    for lab in made:
        assert not lab.outside_requests, f"requests to other hosts: {lab.outside_requests[:5]}"
        lab.close()


@pytest.mark.parametrize("chapter, why", PICTURE_CHAPTERS)
def test_site_picture_labels_fit_their_boxes(site_lab, chapter, why):
    """viz.js measures with Helvetica metrics; the SVG's font stack (k8snet_viz.FONT_STACK)
    names metric-compatible fonts, so no label is wider than its box in Chromium."""
    nb = site_lab().open(chapter)
    nb.run_all()
    nb.assert_no_errors()
    result = nb.page.evaluate(LABELS_OVERFLOWING)
    assert result["pictures"] >= 1 and result["checked"] >= 5, f"{chapter} ({why}): no pictures measured: {result}"
    assert not result["bad"], f"{chapter} ({why}): labels wider than their boxes:\n" + "\n".join(result["bad"])


#: Chromium without WebAssembly, for real: V8's JIT-less mode (``--jitless``: no executable
#: memory) does not expose ``WebAssembly`` at all, as in browsers locked down by policy.
NO_WASM_ARGS = ["--js-flags=--jitless"]
#: Chromium 156 has no switch that turns JSPI off (its V8 flag went when it shipped in 137;
#: --disable-features / --disable-blink-features=WebAssemblyJSPromiseIntegration leave it
#: on).  So the API is removed where it is looked for: in the page (tools/site/check.js) and
#: at the start of the kernel's Web Worker, before Pyodide loads and detects it.
NO_JSPI = "if (globalThis.WebAssembly) { delete WebAssembly.Suspending; delete WebAssembly.promising; }\n"

# Asks the notebook's kernel (in the page's worker) to run ``code``; resolves with its stdout.
KERNEL_PRINT = """async ([path, code]) => {
  let panel = null;
  for (const w of window.jupyterapp.shell.widgets('main')) if (w.context && w.context.path === path) panel = w;
  const future = panel.sessionContext.session.kernel.requestExecute({code, store_history: false});
  let out = '';
  future.onIOPub = (msg) => { if (msg.header.msg_type === 'stream') out += msg.content.text; };
  await future.done;
  return out;
}"""


def test_site_without_webassembly_says_which_browser_to_use(site_lab, site_server):
    """A Chromium without WebAssembly (started with --js-flags=--jitless): the page names the
    browsers to use instead of loading a kernel that could never start."""
    lab = site_lab(extra_args=NO_WASM_ARGS)
    assert lab.page.evaluate("() => typeof WebAssembly") == "undefined", "the browser still has WebAssembly"
    lab.page.goto(site_server.url("/lab/tree/notebooks/00_start_here.ipynb"), wait_until="commit")
    alert = lab.page.locator("#k8snet-browser-check")
    alert.wait_for(state="visible", timeout=15_000)
    text = alert.inner_text()
    assert "WebAssembly" in text and "Chrome" in text and "Chromium 137" in text, text
    assert lab.page.evaluate("() => window.jupyterapp === undefined"), "JupyterLab loaded anyway"


def test_site_without_jspi_runs_the_chapter_and_says_so(site_lab):
    """No JSPI in the page nor in the kernel's worker: a note names the browsers to use, the
    kernel really cannot wait (pyodide.ffi.can_run_sync() is False), and the chapter runs
    with every picture drawn (a placeholder drawn before viz.js loaded fills in)."""
    lab = site_lab(init_script=NO_JSPI, worker_prefix=NO_JSPI)
    path = "notebooks/00_start_here.ipynb"
    nb = lab.open(path)
    note = lab.page.locator("#k8snet-browser-check")
    note.wait_for(state="visible", timeout=15_000)
    assert "JSPI" in note.inner_text() and "Chromium 137" in note.inner_text()
    nb.run_all()
    nb.assert_no_errors()
    printed = lab.page.evaluate(KERNEL_PRINT, [path, "from pyodide.ffi import can_run_sync; print(can_run_sync())"])
    assert printed.strip() == "False", f"the kernel's worker still has JSPI: {printed!r}"
    pictures = nb.locator(".jp-OutputArea-output svg, .jp-OutputArea-output img")
    pictures.first.wait_for(state="attached", timeout=15_000)
    # a placeholder (browser_display in k8snet/render/display.py) fills in once viz.js loads
    lab.page.wait_for_function("() => !document.body.innerText.includes('Graphviz is still loading')",
                               timeout=15_000)


# Restarts the notebook's kernel (Kernel -> Restart Kernel) and waits until it is idle again.
RESTART_KERNEL = """async (path) => {
  let panel = null;
  for (const w of window.jupyterapp.shell.widgets('main')) if (w.context && w.context.path === path) panel = w;
  await panel.sessionContext.session.kernel.restart();
  const sleep = (ms) => new Promise(r => setTimeout(r, ms));
  while (panel.sessionContext.session.kernel.status !== 'idle') await sleep(50);
}"""
PREPARED = "import js; print(getattr(js, 'k8snetPrewarmUsed', False))"


def test_site_kernel_adopts_the_python_started_with_the_page(site_lab):
    """tools/site/prewarm.py: the page starts the kernel's Web Worker before JupyterLab has
    started; the notebook's kernel takes that worker (the Pyodide kernel's initWorker) and the
    Python prepared in it (its initRuntime's loadPyodide).  A restarted kernel gets a worker of
    its own and loads Python as usual."""
    lab = site_lab()
    path = "notebooks/00_start_here.ipynb"
    nb = lab.open(path)
    nb.wait_kernel_idle()
    taken = lab.page.evaluate("() => window.k8snetPrewarm && window.k8snetPrewarm.taken")
    assert isinstance(taken, (int, float)) and taken > 0, f"the kernel did not take the page's worker: {taken!r}"
    assert lab.page.evaluate(KERNEL_PRINT, [path, PREPARED]).strip() == "True"
    lab.page.evaluate(RESTART_KERNEL, path)
    assert lab.page.evaluate(KERNEL_PRINT, [path, PREPARED]).strip() == "False"
    assert lab.page.evaluate(KERNEL_PRINT, [path, "import k8snet; print(k8snet.__name__)"]).strip() == "k8snet"


#: Every chapter and exercise, found by glob: a new notebook is run on the site without anyone
#: adding it here.  Defined only with ``./course test --site`` (K8SNET_BROWSER_TARGETS includes site):
#: the chapters' own tests run on the site there too, and this adds ~15 s per notebook.
EVERY_NOTEBOOK = [p.relative_to(REPO_ROOT).as_posix()
                  for folder in ("notebooks", "exercises") for p in sorted((REPO_ROOT / folder).glob("*.ipynb"))]


if "site" in BROWSER_TARGETS:  # collected only then: a plain ./course test lists no skipped rows
    @pytest.mark.parametrize("path", EVERY_NOTEBOOK)
    def test_site_every_notebook_runs_all_without_errors(site_lab, path):
        nb = site_lab().open(path)
        nb.run_all()
        nb.assert_no_errors()


def test_site_dns_chapter_answers_through_the_wire_handler(site_lab):
    """Chapter 06's real-dig cell: no sockets in the page, so it says why and answers the same
    two queries through the server's wire handler (the records a dig would print)."""
    nb = site_lab().open("notebooks/06_dns.ipynb")
    nb.run_all()
    nb.assert_no_errors()
    text = output(nb, cell_index(nb, "server = k8snet.dns.serve(cluster, port=0)")).inner_text()
    assert "no sockets" in text, text
    assert "web.default.svc.cluster.local. 30 IN A 10." in text, text
    assert "_http._tcp.web.default.svc.cluster.local. 30 IN SRV 0 100 80 web.default.svc.cluster.local." in text, text


# Watches the notebook kernel's connection (the client's side of JupyterLite's mock socket):
# what the page sends and each message it gets, in order.
WATCH_KERNEL = """(path) => {
  let panel = null;
  for (const w of window.jupyterapp.shell.widgets('main')) if (w.context && w.context.path === path) panel = w;
  const ws = panel.sessionContext.session.kernel._ws;
  const seen = window.k8snetSeen = [];
  const send = ws.send.bind(ws);
  ws.send = (data) => { seen.push('sent'); return send(data); };
  ws.addEventListener('message', (event) => {
    // the v1 kernel websocket protocol: offsets, then channel, header, parent, metadata, content
    const view = new DataView(event.data), part = (i) => JSON.parse(new TextDecoder().decode(
      new Uint8Array(event.data, Number(view.getBigUint64(8 * (i + 1), true)),
                     Number(view.getBigUint64(8 * (i + 2), true)) - Number(view.getBigUint64(8 * (i + 1), true)))));
    const header = part(1), content = part(4);
    seen.push(header.msg_type + ':' + (content.execution_state || (content.data && content.data.method) || ''));
  });
}"""
# Picks `value` in the dropdown labelled `label`; resolves once a timer queued right after the
# change has run, with what the kernel connection had seen by then, then waits for the redraw.
PICK = """async ([label, value]) => {
  const dropdown = Array.from(document.querySelectorAll('.widget-dropdown'))
    .find(d => d.querySelector('label').textContent.trim() === label);
  const select = dropdown.querySelector('select');
  window.k8snetSeen.length = 0;
  select.value = value;
  select.dispatchEvent(new Event('change', {bubbles: true}));
  await new Promise(r => setTimeout(r, 0));
  const beforeTimer = window.k8snetSeen.slice();
  const sleep = (ms) => new Promise(r => setTimeout(r, ms));
  while (!window.k8snetSeen.includes('status:idle')) await sleep(20);
  return {beforeTimer, all: window.k8snetSeen.slice(), shown: select.value};
}"""


def test_site_widget_change_reaches_the_kernel_at_once_without_echo(site_lab):
    """tools/site/messaging.py: a control's change is handed to the kernel before the page's next
    timer (mock-socket's 4 ms setTimeout made a microtask); tools/site/sitecustomize.py: the
    site's kernel sends no echo_update (ipywidgets' JUPYTER_WIDGETS_ECHO=0), the kernel still
    takes the value, redraws the view, and a value the kernel sets still reaches the page."""
    lab = site_lab()
    path = "notebooks/08_gateway_api.ipynb"
    nb = lab.open(path)
    nb.run_all()
    nb.assert_no_errors()
    lab.page.evaluate(WATCH_KERNEL, path)
    seen = lab.page.evaluate(PICK, ["requests", "20"])
    # the change went out and the kernel took it (its busy status) before a 0 ms timer ran
    assert seen["beforeTimer"][:2] == ["sent", "status:busy"], seen
    assert "comm_msg:update" in seen["all"] and not any("echo_update" in m for m in seen["all"]), seen
    assert seen["shown"] == "20"
    printed = lab.page.evaluate(KERNEL_PRINT, [path, (
        "import os, ipywidgets.widgets.widget as w\n"
        "print(canary._controls['n'].value, os.environ['JUPYTER_WIDGETS_ECHO'], w.JUPYTER_WIDGETS_ECHO)")])
    assert printed.strip() == "20 0 False", printed
    assert "20 requests to http://store.example.com/" in nb.locator(".widget-html").first.inner_text()
    # the kernel's own change reaches the page (an ordinary update, as without echo in ipywidgets 7)
    lab.page.evaluate(KERNEL_PRINT, [path, "canary._controls['n'].value = 500"])
    lab.page.wait_for_function("""() => Array.from(document.querySelectorAll('.widget-dropdown'))
        .some(d => d.querySelector('label').textContent.trim() === 'requests' && d.querySelector('select').value === '500')""",
                               timeout=15_000)


# Asks the notebook's kernel to complete `code` at its end; resolves with the matches.
KERNEL_COMPLETE = """async ([path, code]) => {
  let panel = null;
  for (const w of window.jupyterapp.shell.widgets('main')) if (w.context && w.context.path === path) panel = w;
  const reply = await panel.sessionContext.session.kernel.requestComplete({code, cursor_pos: code.length});
  return reply.content.matches;
}"""
# Asks the notebook's kernel to inspect the name `code` ends with; resolves with its text/plain.
KERNEL_INSPECT = """async ([path, code]) => {
  let panel = null;
  for (const w of window.jupyterapp.shell.widgets('main')) if (w.context && w.context.path === path) panel = w;
  const reply = await panel.sessionContext.session.kernel.requestInspect({code, cursor_pos: code.length, detail_level: 0});
  return reply.content.found ? reply.content.data['text/plain'] : null;
}"""


@pytest.mark.parametrize("code, expected", [
    # jedi infers from the standard library's type stubs (typeshed stdlib/2and3 and stdlib/3,
    # which the site keeps; tools/site/bytecode.py DROP leaves out only what jedi never reads)
    ("'abc'.up", "upper"),
    ("import json\njson.lo", "loads"),
    ("import collections\ncollections.Ord", "OrderedDict"),
    ("import os\nos.path.jo", "join"),
    # the course's own objects, from the running kernel's namespace
    ("Cluster.app", "apply"),
])
def test_site_kernel_completes_with_jedi(site_lab, code, expected):
    lab = site_lab()
    path = "notebooks/00_start_here.ipynb"
    lab.open(path).wait_kernel_idle()
    lab.page.evaluate(KERNEL_PRINT, [path, "from k8snet import Cluster"])
    matches = lab.page.evaluate(KERNEL_COMPLETE, [path, code])
    assert any(m.rsplit(".", 1)[-1] == expected for m in matches), matches


def test_site_kernel_inspects_and_loads_the_terminal_only_on_import(site_lab):
    """Shift+Tab inspection answers; IPython's terminal packages (prompt_toolkit, wcwidth) are
    not loaded with the kernel (tools/site/build.py ON_DEMAND) and load when a cell imports them."""
    lab = site_lab()
    path = "notebooks/00_start_here.ipynb"
    lab.open(path).wait_kernel_idle()
    lab.page.evaluate(KERNEL_PRINT, [path, "from k8snet import Cluster"])
    text = lab.page.evaluate(KERNEL_INSPECT, [path, "Cluster"])
    assert text and "Cluster" in text, text
    loaded = "import sys; print(sorted(m for m in ('prompt_toolkit', 'wcwidth') if m in sys.modules))"
    assert lab.page.evaluate(KERNEL_PRINT, [path, loaded]).strip() == "[]"
    printed = lab.page.evaluate(KERNEL_PRINT, [path, "import prompt_toolkit, wcwidth\nprint(prompt_toolkit.__version__)"])
    assert printed.strip().startswith("3."), printed
