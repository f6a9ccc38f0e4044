"""The browser harness itself, proved on small notebooks each test writes into a temp folder.

What a per-notebook test relies on, checked end to end in JupyterLab + Chromium:
Run All runs every cell, a slider moved with the keyboard reaches the kernel, the kernel's
answer redraws an inline SVG in a ``widgets.HTML``, and a failing cell is reported with
its notebook and ``cells[i]`` index (and the cells after it as never run).
"""
from __future__ import annotations

import nbformat
import pytest

KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}

WIDGET_CELL = '''\
import ipywidgets as widgets

def picture(replicas):
    """An inline SVG whose text names the slider's value."""
    return ('<svg xmlns="http://www.w3.org/2000/svg" width="220" height="40">'
            f'<text x="8" y="25" class="replicas">replicas: {replicas}</text></svg>')

slider = widgets.IntSlider(value=1, min=0, max=5, description="replicas")
view = widgets.HTML(picture(slider.value))
slider.observe(lambda change: setattr(view, "value", picture(change["new"])), names="value")
widgets.VBox([slider, view])
'''


def write_notebook(path, cells) -> str:
    """Write a notebook of ``(kind, source)`` cells; returns its file name."""
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": KERNELSPEC})
    make = {"markdown": nbformat.v4.new_markdown_cell, "code": nbformat.v4.new_code_cell}
    nb.cells = [make[kind](source) for kind, source in cells]
    nbformat.write(nb, str(path))
    return path.name


def test_run_all_then_slider_redraws_inline_svg(make_lab, tmp_path):
    name = write_notebook(tmp_path / "slider.ipynb", [
        ("markdown", "# Harness check\nA slider and a picture that follows it."),
        ("code", WIDGET_CELL),
        ("code", "print('last cell ran')"),
        ("code", ""),   # Lab leaves an empty cell unrun; it must not count as "not run"
    ])
    lab = make_lab(tmp_path)
    nb = lab.open(name)
    nb.run_all()
    nb.assert_no_errors()
    assert "last cell ran" in nb.cell(2).inner_text()
    nb.assert_text(".widget-html svg text", "replicas: 1")
    nb.screenshot("harness-slider-before")

    with nb.expect_change(".widget-html svg"):
        nb.widget(".widget-slider").slide(+2)
    nb.assert_text(".widget-html svg text", "replicas: 3")
    nb.assert_text(".widget-slider .widget-readout", "3")   # the slider's own readout agrees

    before = nb.html(".widget-html svg")
    nb.widget(".widget-slider").slide(-1)
    nb.assert_changed(".widget-html svg", before)
    nb.assert_text(".widget-html svg text", "replicas: 2")
    nb.screenshot("harness-slider-after")


def test_failing_cell_is_reported_with_notebook_and_index(make_lab, tmp_path):
    name = write_notebook(tmp_path / "broken.ipynb", [
        ("markdown", "# A notebook with a mistake"),
        ("code", "x = 1"),
        ("code", "1 / 0"),
        ("code", "print('never reached')"),
    ])
    lab = make_lab(tmp_path)
    nb = lab.open(name)
    nb.run_all()
    problems = [(p.notebook, p.cell, p.kind, p.message) for p in nb.problems()]
    assert problems == [
        ("broken.ipynb", 2, "error", "ZeroDivisionError: division by zero"),
        ("broken.ipynb", 3, "not run", "the cell has no execution count"),
    ]
    with pytest.raises(AssertionError, match=r"broken.ipynb cells\[2\]: error: ZeroDivisionError"):
        nb.assert_no_errors()


def test_lab_server_serves_a_copy_of_the_repository(lab_server, repo_root):
    # Lab saves what it runs; the `lab` fixture must never touch the real notebooks.
    assert lab_server.root_dir != repo_root.resolve()
    listing = {item["name"] for item in lab_server.api("GET", "/api/contents/")["content"]}
    assert {"README.md", "notebooks", "exercises", "k8snet"} <= listing
    # The server hides dot-folders from /api/contents, so look at the copy itself.
    assert not (lab_server.root_dir / ".git").exists()
    assert not (lab_server.root_dir / ".venv").exists()
    status = lab_server.api("GET", "/api/status")
    assert status["kernels"] == 0
