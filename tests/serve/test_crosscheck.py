"""Every kubectl line of the course, run by the real kubectl against the served cluster,
prints what ``cluster.kubectl(...)`` prints.

The real kubectl v1.37's ``get``, ``describe`` and ``-o yaml|json|jsonpath|custom-columns``
are upstream's own client code (cli-runtime printers, kubectl ``pkg/describe``), so each
match checks the emulation against upstream.  See ``crosscheck.py`` for how a notebook is
replayed and what the comparison masks (``LEFT_OUT``).  The summary (lines compared, matched)
is printed with ``-s`` and written to ``$K8SNET_CROSSCHECK_REPORT`` when set.
"""
from __future__ import annotations

import difflib
import json
import os
import re
from pathlib import Path

import pytest

from .crosscheck import kubectl_lines, normalize, replay

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted(ROOT.glob("notebooks/[0-9]*.ipynb")) + sorted(ROOT.glob("exercises/ex*.ipynb"))
_RESULTS: dict[str, list] = {}


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_kubectl_lines_print_what_the_real_kubectl_prints(notebook, kubectl_bin, tmp_path):
    checks = replay(notebook, kubectl_bin, str(tmp_path))
    _RESULTS[notebook.name] = checks
    wrong = [c for c in checks if c.compared and not c.matched]
    report = "\n".join(f"$ kubectl {c.line}\n" + "\n".join(difflib.unified_diff(
        normalize(c.emulated).splitlines(), normalize(c.real).splitlines(), "cluster.kubectl", "kubectl",
        lineterm="")) for c in wrong)
    assert not wrong, report
    # Every line written in the notebook ran (f-string fields stand for anything).
    ran = [c.line for c in checks]
    for written in kubectl_lines(notebook):
        pattern = re.sub(r"\\\{[^}]*\\\}", ".+", re.escape(written))
        assert any(re.fullmatch(pattern, line) for line in ran) or "{" in written, f"never ran: {written}"


def test_summary():
    """Runs last: how many lines were compared and matched (needs the rows above)."""
    if not _RESULTS:
        pytest.skip("run with the notebook rows")
    rows = {name: {"lines": len(cs), "compared": sum(c.compared for c in cs), "matched": sum(c.matched for c in cs),
                   "written": len(kubectl_lines(next(p for p in NOTEBOOKS if p.name == name)))}
            for name, cs in _RESULTS.items()}
    total = {k: sum(r[k] for r in rows.values()) for k in ("lines", "compared", "matched")}
    print(f"\ncross-check: {total['matched']}/{total['compared']} kubectl lines matched "
          f"({total['lines']} run, in {len(rows)} notebooks)")
    if os.environ.get("K8SNET_CROSSCHECK_REPORT"):
        Path(os.environ["K8SNET_CROSSCHECK_REPORT"]).write_text(json.dumps(
            {"total": total, "notebooks": rows,
             "lines": [{"notebook": c.notebook, "line": c.line, "compared": c.compared, "matched": c.matched}
                       for cs in _RESULTS.values() for c in cs]}, indent=1))
    assert total["matched"] == total["compared"]
