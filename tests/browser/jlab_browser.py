"""Drive JupyterLab in headless Chromium the way a learner does: open, Run All, click.

    lab = Lab(server, playwright, chromium_path)
    nb = lab.open("notebooks/01_pods.ipynb")
    nb.run_all()                 # Run -> Run All Cells, waits until every cell is done
    nb.assert_no_errors()        # error outputs, widgets that failed, cells that never ran
    with nb.expect_change(".widget-html"):
        nb.widget(".widget-dropdown").select("web")
    nb.screenshot("01-after")    # tests/browser/screenshots/01-after.png

Clicks go through the page (menus, widgets); the state checks read Lab's own models through
``window.jupyterapp`` (the server runs with ``expose_app_in_browser``), which is sturdier than
scraping prompts. Every wait is bounded and fails with a message naming what it waited for.
"""
from __future__ import annotations

import re
import tempfile
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from contextlib import contextmanager
from typing import Iterator

from .jlab_server import LabServer

SCREENSHOT_DIR = Path(__file__).resolve().parent / "screenshots"

# Debian's chromium, headless, with nothing phoning home (the machines have no internet).
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]

# The notebook panel whose document has `path`, or null. Shared by the page scripts below.
FIND_PANEL = """
const findPanel = (path) => {
  const app = window.jupyterapp;
  if (!app) return null;
  for (const w of app.shell.widgets('main')) {
    if (w.context && w.context.path === path && w.content && w.content.widgets) return w;
  }
  return null;
};
"""

# Everything the checks need about each cell, read from Lab's models.
CELL_STATE = FIND_PANEL + """
return ((path) => {
  const panel = findPanel(path);
  if (!panel) return null;
  const cells = panel.content.widgets.map((cell, index) => {
    const m = cell.model;
    if (m.type !== 'code') return {index, type: m.type};
    const outputs = m.outputs.toJSON();
    const nodes = Array.from(cell.node.querySelectorAll('.jp-OutputArea-output'));
    return {
      index, type: 'code',
      empty: m.sharedModel.getSource().trim() === '',
      count: m.executionCount,
      running: (m.executionState === 'running') ||
               (cell.node.querySelector('.jp-InputPrompt')?.textContent || '').includes('*'),
      errors: outputs.filter(o => o.output_type === 'error')
                     .map(o => ({ename: o.ename, evalue: o.evalue})),
      widget_errors: nodes.map(n => n.textContent || '')
                          .filter(t => /Error displaying widget|Error rendering/.test(t))
                          .map(t => t.trim().slice(0, 300)),
    };
  });
  const ctx = panel.sessionContext;
  return {
    id: panel.id,
    ready: panel.context.isReady && ctx.isReady,
    kernel: ctx.session && ctx.session.kernel ? ctx.session.kernel.status : null,
    cells,
  };
})(arguments_path);
"""


def _script(body: str) -> str:
    """Wrap a body that uses ``arguments_path`` as a function Playwright can call."""
    return f"(arguments_path) => {{ {body} }}"


@dataclass(frozen=True, slots=True)
class NotebookProblem:
    """One thing wrong after Run All: where (notebook, ``cells[i]`` index) and what."""

    notebook: str
    cell: int
    kind: str        # "error", "widget" or "not run"
    message: str

    def __str__(self) -> str:
        return f"{self.notebook} cells[{self.cell}]: {self.kind}: {self.message}"


# The kernels of the static site live in the page: their state, read from Lab's models.
PAGE_SESSIONS = """() => {
  const app = window.jupyterapp;
  if (!app) return [];
  const out = [];
  for (const w of app.shell.widgets('main')) {
    const ctx = w.sessionContext;
    if (!w.context || !ctx || !ctx.session) continue;
    const k = ctx.session.kernel;
    out.push({path: w.context.path, id: ctx.session.id,
              kernel: k ? {id: k.id, execution_state: k.status} : null});
  }
  return out;
}"""

# Only loopback answers: every other host goes to a proxy that is not there (the static site
# must not need any other host; ``Lab.outside_requests`` lists what was tried).
OFFLINE_ARGS = ["--proxy-server=http://127.0.0.1:9"]  # loopback always bypasses a proxy


class Lab:
    """A fresh headless Chromium (new user-data folder) on a :class:`LabServer` (or on the
    static site's :class:`~tests.browser.site_server.SiteServer`)."""

    def __init__(self, server: LabServer, playwright, chromium_path: str, extra_args=()) -> None:
        self.server = server
        self._profile = tempfile.TemporaryDirectory(prefix="k8snet-chromium-")
        self.context = playwright.chromium.launch_persistent_context(
            self._profile.name, executable_path=chromium_path, headless=True,
            args=[*CHROMIUM_ARGS, *OFFLINE_ARGS, *extra_args], viewport={"width": 1400, "height": 900},
        )
        self.outside_requests: list[str] = []
        self.context.on("request", self._note_request)
        self.page = self.context.pages[0] if self.context.pages else self.context.new_page()
        self.page.set_default_timeout(30_000)
        self.page_errors: list[str] = []
        self.page.on("pageerror", lambda exc: self.page_errors.append(str(exc)))
        self.opened: list[str] = []

    def _note_request(self, request) -> None:
        host = urllib.parse.urlsplit(request.url).hostname
        if request.url.startswith(("http:", "https:", "ws:", "wss:")) and host not in ("127.0.0.1", "localhost"):
            self.outside_requests.append(request.url)

    def sessions(self) -> list[dict]:
        """The open notebooks' kernels: ``[{path, id, kernel: {id, execution_state}}]``."""
        if getattr(self.server, "in_page_kernel", False):
            return self.page.evaluate(PAGE_SESSIONS)
        return self.server.sessions()

    def open(self, path: str, timeout: float = 60.0) -> "Notebook":
        """Load Lab with the notebook at ``path`` (relative to the server's root) open."""
        quoted = urllib.parse.quote(path)
        self.page.goto(self.server.url(f"/lab/tree/{quoted}?reset"), wait_until="domcontentloaded")
        nb = Notebook(self, path)
        nb._wait(lambda s: s is not None and s["ready"], timeout,
                 f"the notebook {path} to open in JupyterLab")
        self.opened.append(path)
        return nb

    def accept_dialogs(self) -> int:
        """Click the accept button of every open Lab dialog (e.g. "Select Kernel")."""
        clicked = 0
        buttons = self.page.locator(".jp-Dialog .jp-Dialog-button.jp-mod-accept")
        while buttons.count() and clicked < 5:
            try:
                buttons.first.click(timeout=2_000)
            except Exception:  # the dialog closed on its own meanwhile
                break
            clicked += 1
        return clicked

    def screenshot(self, name: str) -> Path:
        """Save the page as ``tests/browser/screenshots/<name>.png``; returns the path."""
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOT_DIR / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}.png"
        self.page.screenshot(path=str(path))
        return path

    def close(self) -> None:
        """Close the browser and delete its user-data folder."""
        try:
            self.context.close()
        finally:
            self._profile.cleanup()


class Notebook:
    """One open notebook in a :class:`Lab` page."""

    def __init__(self, lab: Lab, path: str) -> None:
        self.lab = lab
        self.page = lab.page
        self.path = path

    # ---------------------------------------------------------------- state --

    def state(self) -> dict | None:
        """Lab's view of this notebook: ``{id, ready, kernel, cells: [...]}``, or None."""
        return self.page.evaluate(_script(CELL_STATE), self.path)

    def _wait(self, done, timeout: float, what: str, interval: float = 0.25):
        deadline = time.monotonic() + timeout
        state = None
        while time.monotonic() < deadline:
            self.lab.accept_dialogs()
            state = self.state()
            if done(state):
                return state
            time.sleep(interval)
        shot = self.lab.screenshot(f"TIMEOUT-{Path(self.path).stem}")
        raise AssertionError(
            f"waited {timeout:.0f} s for {what}; it did not happen.\n"
            f"Last state: {_summary(state)}\nScreenshot: {shot}\n"
            f"Page errors: {self.lab.page_errors[-5:]}\n"
            f"Server log:\n{self.lab.server.log_tail(15)}"
        )

    def wait_kernel_idle(self, timeout: float = 60.0, stable: float = 1.0) -> None:
        """Wait until the server reports this notebook's kernel idle, the same kernel, for ``stable`` s."""
        deadline = time.monotonic() + timeout
        seen, since = None, None
        while time.monotonic() < deadline:
            self.lab.accept_dialogs()
            sessions = [s for s in self.lab.sessions() if s.get("path") == self.path]
            kernel = sessions[0].get("kernel") if sessions else None
            key = (kernel or {}).get("id")
            if kernel and kernel.get("execution_state") == "idle":
                if key != seen:
                    seen, since = key, time.monotonic()
                elif time.monotonic() - since >= stable:
                    return
            else:
                seen, since = None, None
            time.sleep(0.2)
        raise AssertionError(
            f"the kernel of {self.path} was not idle within {timeout:.0f} s "
            f"(sessions: {self.lab.sessions()})"
        )

    # ------------------------------------------------------------- running --

    def run_all(self, timeout: float = 180.0, attempts: int = 3) -> None:
        """Clear outputs, then Run -> Run All Cells from the menu; wait until all cells are done.

        A click that starts nothing (lost while the kernel was still settling) is retried.
        Returns when no cell is queued or running and the kernel is idle; cells after an error
        never run, as in Lab, and :meth:`problems` reports them.
        """
        self.wait_kernel_idle()
        self.page.evaluate(_script(FIND_PANEL + """
            const panel = findPanel(arguments_path);
            window.jupyterapp.shell.activateById(panel.id);
            return window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs');
        """), self.path)
        started = lambda s: any(c.get("count") is not None or c.get("running") for c in s["cells"])
        for attempt in range(1, attempts + 1):
            self.lab.accept_dialogs()
            self.page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
            self.page.locator(".lm-Menu-item", has_text=re.compile(r"^Run All Cells")).first.click()
            try:
                self._wait(started, 10.0, "Run All Cells to start a cell")
                break
            except AssertionError:
                if attempt == attempts:
                    raise
                self.page.keyboard.press("Escape")   # close a menu left open
                self.wait_kernel_idle()
        self.wait_done(timeout)

    def wait_done(self, timeout: float = 180.0, stable: float = 1.0) -> None:
        """Wait until no cell is queued or running and the kernel stays idle for ``stable`` s."""
        quiet = lambda s: s["kernel"] == "idle" and not any(c.get("running") for c in s["cells"])
        deadline = time.monotonic() + timeout
        while True:
            self._wait(quiet, max(deadline - time.monotonic(), 1.0),
                       f"all cells of {self.path} to finish")
            time.sleep(stable)
            if quiet(self.state()):
                return

    # ------------------------------------------------------------- checking --

    def problems(self) -> list[NotebookProblem]:
        """Error outputs, widgets that failed to render, and code cells that never ran."""
        found: list[NotebookProblem] = []
        for c in self.state()["cells"]:
            if c["type"] != "code":
                continue
            for e in c["errors"]:
                found.append(NotebookProblem(self.path, c["index"], "error", f"{e['ename']}: {e['evalue']}"))
            for text in c["widget_errors"]:
                found.append(NotebookProblem(self.path, c["index"], "widget", text))
            if not c["empty"] and c["count"] is None and not c["errors"]:
                found.append(NotebookProblem(self.path, c["index"], "not run", "the cell has no execution count"))
        return found

    def assert_no_errors(self) -> None:
        """Fail, listing every problem with its ``cells[i]`` index, if :meth:`problems` finds any."""
        found = self.problems()
        if found:
            shot = self.lab.screenshot(f"ERRORS-{Path(self.path).stem}")
            raise AssertionError(
                f"{len(found)} problem(s) after Run All:\n" + "\n".join(f"  {p}" for p in found)
                + f"\nScreenshot: {shot}\nPage errors: {self.lab.page_errors[-5:]}"
            )

    # ------------------------------------------------------------- the page --

    def locator(self, selector: str):
        """A Playwright locator for ``selector`` inside this notebook's panel."""
        panel_id = self.state()["id"]
        return self.page.locator(f"[id='{panel_id}']").locator(selector)

    def cell(self, index: int):
        """A locator for the notebook's ``cells[index]`` (markdown cells count too)."""
        return self.locator(".jp-Cell").nth(index)

    def widget(self, selector: str, index: int = 0, timeout: float = 10.0) -> "Widget":
        """The ``index``-th element matching ``selector`` (e.g. ``.widget-dropdown``), once visible."""
        loc = self.locator(selector).nth(index)
        try:
            loc.wait_for(state="visible", timeout=timeout * 1000)
        except Exception as exc:
            raise AssertionError(
                f"no visible {selector!r} (#{index}) in {self.path} within {timeout:.0f} s"
            ) from exc
        return Widget(self, loc, selector)

    def text(self, selector: str, index: int = 0) -> str:
        """The text of the ``index``-th element matching ``selector`` (SVG text too), stripped."""
        return (self.locator(selector).nth(index).text_content() or "").strip()

    def html(self, selector: str, index: int = 0) -> str:
        """The inner HTML of the ``index``-th element matching ``selector``."""
        return self.locator(selector).nth(index).inner_html()

    def assert_changed(self, selector: str, before: str, index: int = 0, timeout: float = 10.0) -> str:
        """Wait until the inner HTML of ``selector`` differs from ``before``; returns the new HTML.

        It returns at the first change: to wait for a final value use :meth:`assert_text`.
        """
        deadline = time.monotonic() + timeout
        now = before
        while time.monotonic() < deadline:
            now = self.html(selector, index)
            if now != before:
                return now
            time.sleep(0.1)
        raise AssertionError(
            f"{selector!r} in {self.path} did not change within {timeout:.0f} s; "
            f"it still reads: {now[:300]!r}"
        )

    def assert_text(self, selector: str, expected: str, index: int = 0, timeout: float = 10.0) -> None:
        """Wait until :meth:`text` of ``selector`` equals ``expected`` (kernel round trips take time)."""
        deadline = time.monotonic() + timeout
        now = None
        while time.monotonic() < deadline:
            now = self.text(selector, index)
            if now == expected:
                return
            time.sleep(0.1)
        raise AssertionError(
            f"{selector!r} in {self.path} reads {now!r}, not {expected!r}, after {timeout:.0f} s"
        )

    @contextmanager
    def expect_change(self, selector: str, index: int = 0, timeout: float = 10.0) -> Iterator[None]:
        """``with nb.expect_change(sel): <interact>`` fails unless ``sel``'s HTML changes."""
        before = self.html(selector, index)
        yield
        self.assert_changed(selector, before, index, timeout)

    def screenshot(self, name: str) -> Path:
        """Save the page as ``tests/browser/screenshots/<name>.png``."""
        return self.lab.screenshot(name)


class Widget:
    """An ipywidgets view on the page, with the interactions a learner performs."""

    def __init__(self, notebook: Notebook, locator, selector: str) -> None:
        self.notebook = notebook
        self.locator = locator
        self.selector = selector

    def select(self, option: str) -> None:
        """Choose ``option`` in a Dropdown/Select, or click the button/label with that text."""
        native = self.locator.locator("select")
        if native.count():
            native.first.select_option(label=option)
            return
        self.locator.get_by_text(option, exact=True).first.click()

    def slide(self, steps: int) -> None:
        """Move a slider by ``steps`` steps (negative: left) with the arrow keys, as a user can."""
        handle = self.locator.locator(".noUi-handle").first
        handle.focus()
        key = "ArrowRight" if steps > 0 else "ArrowLeft"
        for _ in range(abs(steps)):
            handle.press(key)

    def click(self) -> None:
        """Click the widget (a Button, a ToggleButton, a Checkbox)."""
        self.locator.click()

    def fill(self, text: str) -> None:
        """Type ``text`` into a Text/IntText widget and press Enter (which syncs it)."""
        box = self.locator.locator("input, textarea").first
        box.fill(text)
        box.press("Enter")

    def text(self) -> str:
        """The widget's visible text."""
        return self.locator.inner_text()


def _summary(state: dict | None) -> str:
    if not state:
        return "no notebook panel (Lab not loaded, or the path is wrong)"
    cells = ", ".join(
        f"[{c['index']}]{'*' if c.get('running') else c.get('count')}"
        for c in state["cells"] if c["type"] == "code"
    )
    return f"kernel={state['kernel']} ready={state['ready']} code cells: {cells}"
