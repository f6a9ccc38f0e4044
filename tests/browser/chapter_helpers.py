"""Small page helpers for the chapter tests: find a cell by its source, read widget tables,
check that a picture really rendered, wait for a kernel round trip, screenshot one cell.

They sit on top of :mod:`jlab_browser` (which opens, runs and checks notebooks) and add what
the chapter tests need to talk about *one* cell: the notebooks change, so tests name a cell
by a snippet of its source (``"PodIPsView(playground).widget()"``), never by a number.
"""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Callable, TypeVar

from .jlab_browser import FIND_PANEL, SCREENSHOT_DIR, Notebook, _script

T = TypeVar("T")

# Rows of an HTML table as lists of cell texts; header rows (<th>) included.
TABLE_ROWS = "t => Array.from(t.rows).map(r => Array.from(r.cells).map(c => c.textContent.trim()))"
# Rows whose inline style gives them a background: how the views highlight "the one that matched".
HIGHLIGHTED_ROWS = ("t => Array.from(t.rows).filter(r => (r.getAttribute('style') || '').includes('background'))"
                    ".map(r => Array.from(r.cells).map(c => c.textContent.trim()))")
# An <img>'s decoded size (0 x 0 when the browser could not decode the picture).
IMG_NATURAL = "i => [i.complete, i.naturalWidth, i.naturalHeight]"


def cell_index(nb: Notebook, needle: str) -> int:
    """The index of the one cell of ``nb`` whose source contains ``needle`` (read from the served file)."""
    path = Path(nb.lab.server.root_dir) / nb.path
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    hits = [i for i, c in enumerate(cells) if needle in "".join(c.get("source", ""))]
    assert len(hits) == 1, f"{nb.path}: expected one cell containing {needle!r}, found cells {hits}"
    return hits[0]


def output(nb: Notebook, index: int):
    """A locator for the output area of ``cells[index]``."""
    return nb.cell(index).locator(".jp-OutputArea")


def wait_for(check: Callable[[], T], what: str, timeout: float = 15.0, interval: float = 0.1,
             show: Callable[[], object] | None = None) -> T:
    """Poll ``check()`` until it returns something truthy; fail naming ``what`` after ``timeout`` s.

    Widget clicks and text boxes answer after a kernel round trip, so every read after an
    interaction goes through here.  The failure message holds the last value seen, or what
    ``show()`` returns (e.g. the table the check looked at).
    """
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        try:
            last = check()
        except AssertionError as exc:   # a check may explain itself
            last = exc
        else:
            if last:
                return last
        time.sleep(interval)
    if show is not None:
        last = show()
    raise AssertionError(f"waited {timeout:.0f} s for {what}; last seen: {str(last)[:800]}")


def table_rows(scope, header: str) -> list[list[str]]:
    """The rows (header row included) of the table under ``scope`` with a ``<th>`` reading ``header``."""
    table = scope.locator("table", has=scope.page.locator("th", has_text=header))
    if table.count() != 1:
        raise AssertionError(f"expected one table with the header {header!r}, found {table.count()}")
    return table.evaluate(TABLE_ROWS)


def highlighted_rows(scope, header: str) -> list[list[str]]:
    """The highlighted rows of the table with the header ``header``."""
    table = scope.locator("table", has=scope.page.locator("th", has_text=header))
    return table.first.evaluate(HIGHLIGHTED_ROWS)


def as_records(rows: list[list[str]]) -> list[dict[str, str]]:
    """A table's rows as dicts keyed by its header row."""
    header, *body = rows
    return [dict(zip(header, r)) for r in body]


def assert_picture(nb: Notebook, index: int, selector: str) -> tuple[float, float]:
    """Assert ``cells[index]`` shows a visible, nonzero-size ``selector`` (``img`` or ``svg``).

    An ``<img>`` must also be decoded (naturalWidth > 0): a broken SVG still gets a box.
    Returns its (width, height) on the page.
    """
    pic = output(nb, index).locator(selector).first
    where = f"{nb.path} cells[{index}]"
    try:
        pic.wait_for(state="visible", timeout=10_000)
    except Exception as exc:
        raise AssertionError(f"{where}: no visible {selector!r} picture") from exc
    pic.scroll_into_view_if_needed()
    box = pic.bounding_box()
    assert box and box["width"] > 20 and box["height"] > 20, f"{where}: {selector!r} has size {box}"
    if selector.split()[-1].startswith("img"):
        complete, width, height = pic.evaluate(IMG_NATURAL)
        assert complete and width > 0 and height > 0, f"{where}: the <img> did not decode ({width}x{height})"
    return box["width"], box["height"]


def shoot_cell(nb: Notebook, index: int, name: str) -> Path:
    """Screenshot ``cells[index]`` (its whole height, even past the window) as ``<name>.png``."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    cell, page = nb.cell(index), nb.page
    # The notebook scrolls inside its own panel, which clips anything taller than the window:
    # make the window tall enough for the whole cell, then put it back.
    size = page.viewport_size
    height = (cell.bounding_box() or {}).get("height", 0)
    if height + 200 > size["height"]:
        page.set_viewport_size({"width": size["width"], "height": min(int(height) + 200, 6000)})
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    try:
        cell.scroll_into_view_if_needed()
        cell.screenshot(path=str(path))
    finally:
        if page.viewport_size != size:
            page.set_viewport_size(size)
    return path


def wait_until(read: Callable[[], T], ok: Callable[[T], bool], what: str, timeout: float = 15.0) -> T:
    """Poll ``read()`` until ``ok(value)``; returns that value, or fails naming ``what`` and the
    last value read (e.g. the table as it stood)."""
    seen: list = []

    def check():
        seen[:] = [read()]
        return ok(seen[0])

    wait_for(check, what, timeout, show=lambda: seen[0] if seen else "(nothing read)")
    return seen[0]


def assert_page_clean(nb: Notebook) -> None:
    """Fail if the page raised an uncaught JavaScript error (a widget's front end that broke)."""
    errors = nb.lab.page_errors
    assert not errors, f"{nb.path}: the page raised {len(errors)} JavaScript error(s): {errors[:3]}"


WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
# Per widget output in Lab's cell models: the cell's index, and whether the matching output
# node on the page holds a drawn widget view (model outputs and output nodes share order).
WIDGET_OUTPUTS = FIND_PANEL + f"""
return findPanel(arguments_path).content.widgets.flatMap((cell, index) => {{
  if (cell.model.type !== 'code') return [];
  const nodes = Array.from(cell.node.querySelectorAll('.jp-OutputArea-child .jp-OutputArea-output'));
  return cell.model.outputs.toJSON().flatMap((o, k) => (o.data && o.data['{WIDGET_MIME}']) ? [{{
    index,
    drawn: !!(nodes[k] && nodes[k].querySelector('.jupyter-widgets') && nodes[k].getBoundingClientRect().height > 0),
    text: ((nodes[k] && nodes[k].textContent) || '').trim().slice(0, 120),
  }}] : []);
}});"""


def assert_widgets_rendered(nb: Notebook, timeout: float = 15.0) -> int:
    """Every widget output of ``nb`` shows a drawn view (not "Loading widget..."); returns how many."""
    script = _script(WIDGET_OUTPUTS)
    outs = wait_until(lambda: nb.page.evaluate(script, nb.path), lambda o: bool(o) and all(x["drawn"] for x in o),
                      f"{nb.path}: every widget output to draw its view", timeout)
    return len(outs)
