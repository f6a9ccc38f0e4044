"""The learner's progress over every exercise: per chapter done / tried / not started and hints.

``render(...)`` is the logic (HTML from the stored progress, testable without a browser);
``widget()`` adds the buttons: Refresh, Export JSON, Export CSV (files for an instructor, plus
download links) and Reset (after ticking a confirmation box).  Open it from any exercise
notebook with ``show_progress()`` (``k8snet.grader.show_progress``).
"""
from __future__ import annotations

import base64
import html
from pathlib import Path

from ..grader import progress
from .base import View, table_html

__all__ = ["ProgressView", "chapter_rows"]


def chapter_rows(data: dict | None = None) -> list[dict]:
    """Per exercise: its key, title, question count, done / tried / not started, hints used."""
    per = {}
    titles = {key: title for key, (title, _) in progress._catalogue().items()}
    for r in progress.rows(data):
        c = per.setdefault(r["exercise"], {"exercise": r["exercise"], "title": titles[r["exercise"]],
                                           "questions": 0, "done": 0, "tried": 0, "not started": 0, "hints": 0})
        c["questions"] += 1
        c[r["status"]] += 1
        c["hints"] += r["hints_used"]
    return list(per.values())


def _link(text: str, name: str, mime: str) -> str:
    data = base64.b64encode(text.encode()).decode()
    return f'<a download="{name}" href="data:{mime};base64,{data}">{html.escape(name)}</a>'


class ProgressView(View):
    """Progress per exercise, with export and reset."""

    outputs = ("main", "message")

    def controls(self) -> dict:
        import ipywidgets as w
        self._message = ""
        refresh = w.Button(description="Refresh")
        export = w.Button(description="Export JSON + CSV")
        confirm = w.Checkbox(value=False, description="yes, forget all my progress", indent=False)
        reset = w.Button(description="Reset", button_style="danger")

        def do_export(_):
            self._message = self.export(Path.cwd())

        def do_reset(_):
            if confirm.value:
                progress.reset()
                confirm.value = False
                self._message = "Progress reset: every question is 'not started' again."
            else:
                self._message = "Tick 'yes, forget all my progress' first, then press Reset."
        export.on_click(do_export)
        reset.on_click(do_reset)
        return {"refresh": refresh, "export": export, "confirm": confirm, "reset": reset}

    @staticmethod
    def export(folder: Path) -> str:
        """Write k8snet-progress.json and .csv into ``folder``; HTML saying where (with download links)."""
        js, cs = progress.export_json(), progress.export_csv()
        written = []
        for name, text in (("k8snet-progress.json", js), ("k8snet-progress.csv", cs)):
            try:
                (folder / name).write_text(text, encoding="utf-8")
                written.append(str(folder / name))
            except OSError:
                pass
        where = f"Written: {', '.join(html.escape(w) for w in written)}. " if written else ""
        return (f"{where}Download: {_link(js, 'k8snet-progress.json', 'application/json')} · "
                f"{_link(cs, 'k8snet-progress.csv', 'text/csv')}")

    def render(self, confirm: bool = False, data: dict | None = None, **_) -> dict[str, str]:
        rows = chapter_rows(data)
        done = sum(r["done"] for r in rows)
        total = sum(r["questions"] for r in rows)
        table = table_html(["exercise", "done", "tried", "not started", "hints used"],
                           [[r["title"], f'{r["done"]} of {r["questions"]}', r["tried"], r["not started"], r["hints"]]
                            for r in rows])
        head = (f"<b>{done} of {total} questions done</b> · saved in <code>{html.escape(str(progress.path()))}"
                "</code>")
        return {"main": f"<div>{head}</div>{table}", "message": getattr(self, "_message", "")}
