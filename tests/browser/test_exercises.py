"""The exercise notebooks in a real browser: Run All works, a multiple-choice widget says what to do
when nothing is chosen and grades a choice, and the progress widget shows, exports and resets
what the checks recorded.

Rules: the grading framework's promises (k8snet/grader/core.py: a blank is *incomplete*, never
a guess; question text as HTML without raw backticks) and docs/progress.md (what the progress
view shows, export, reset with confirmation).
"""
from __future__ import annotations

from .chapter_helpers import assert_page_clean, cell_index, wait_until
from .test_chapters import open_and_run, widget_cell


def test_ex06_radio_buttons_say_choose_then_grade(lab):
    nb = open_and_run(lab, "exercises/ex06_dns.ipynb")
    index, view = widget_cell(nb, "q1.widget()")
    where = f"{nb.path} cells[{index}]"
    assert view.locator("code").count() >= 1, f"{where}: the question shows no code spans"
    assert "`" not in view.locator(".widget-html").first.inner_text(), f"{where}: raw backticks in the question"
    feedback = view.locator(".widget-html").last
    view.get_by_role("button", name="Check").click()
    wait_until(lambda: feedback.inner_text(), lambda t: "choose one of the options" in t,
               f"{where}: Check with nothing chosen says to choose")
    assert "____" not in feedback.inner_text()
    view.get_by_text("(a) web", exact=True).click()
    view.get_by_role("button", name="Check").click()
    wait_until(lambda: feedback.inner_text(), lambda t: t.startswith("Incorrect") and "web.shop" in t,
               f"{where}: option (a) is graded with its why-not")
    view.get_by_text("(b) web.default", exact=True).click()
    view.get_by_role("button", name="Check").click()
    wait_until(lambda: feedback.inner_text(), lambda t: t.startswith("Correct"), f"{where}: option (b) is correct")
    assert_page_clean(nb)


def run_in_cell(nb, index: int, source: str) -> None:
    """Replace ``cells[index]``'s source as a learner types it, and run it (Shift+Enter)."""
    editor = nb.cell(index).locator(".cm-content").first
    editor.click()
    nb.page.keyboard.press("Control+A")
    editor.fill(source)
    nb.page.keyboard.press("Shift+Enter")


def test_progress_widget_shows_exports_and_resets(lab):
    nb = lab.open("exercises/ex01_pods_and_ips.ipynb")
    nb.run_all()
    nb.assert_no_errors()
    index = cell_index(nb, "# show_progress()")
    run_in_cell(nb, index, "from k8snet.grader import progress\nprogress.reset()\n"
                           "q4.check('b'); q6.check('a'); q1.hint(1)\nshow_progress()")
    view = nb.cell(index).locator(".widget-vbox").first
    view.wait_for(state="visible", timeout=30_000)
    row = view.locator("tr", has_text="Exercise 01")
    wait_until(lambda: [c.inner_text().strip() for c in row.locator("td").all()],
               lambda cells: cells[1:] == ["1 of 6", "2", "3", "1"],
               "the Exercise 01 row: 1 done of 6, 2 tried (one only asked for a hint), 3 not started, 1 hint")
    message = view.locator(".widget-html").last
    view.get_by_role("button", name="Export JSON + CSV").click()
    wait_until(lambda: message.inner_html(), lambda h: 'download="k8snet-progress.csv"' in h,
               "Export offers the CSV for download")
    view.get_by_role("button", name="Reset").click()
    wait_until(lambda: message.inner_text(), lambda t: "Tick" in t, "Reset without the confirmation asks for it")
    view.locator(".widget-checkbox input").click()
    view.get_by_role("button", name="Reset").click()
    wait_until(lambda: [c.inner_text().strip() for c in row.locator("td").all()],
               lambda cells: cells[1:] == ["0 of 6", "0", "6", "0"], "after Reset, Exercise 01 is not started")
