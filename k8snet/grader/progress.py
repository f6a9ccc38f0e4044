"""The learner's progress, kept in a small JSON file so it lasts across kernel restarts and days.

``check()``, ``hint()`` and ``solution()`` call :func:`record`; the progress view
(``k8snet.widgets.progress``) reads :func:`load`.  The format is documented in
``docs/progress.md``.  Where the file lives (:func:`path`):

1. ``$K8SNET_PROGRESS`` when set (a file path; tests point it into a temporary folder);
2. in JupyterLite (Pyodide), ``/drive/k8snet-progress.json``: ``/drive`` is the site's
   contents drive, which the browser keeps in its own storage (IndexedDB) with the notebooks —
   the Pyodide home folder is in memory and would be lost on reload (used, with a warning, when the
   browser gives the kernel no drive);
3. on Binder (``BINDER_SERVICE_HOST`` / ``BINDER_LAUNCH_HOST`` set), in the repository folder
   (``$REPO_DIR``, else the home folder, which holds the repository there), so the file sits
   beside the notebooks where the learner can download it before the session ends;
4. otherwise ``~/.k8snet/progress.json``.

Recording never fails a check: a read-only folder or an unreadable file gives one clear warning
and the course goes on (a corrupt file is set aside as ``progress.json.corrupt`` and a fresh one
started).
"""
from __future__ import annotations

import csv
import io
import json
import os
import sys
import warnings
from datetime import datetime, timezone
from pathlib import Path

__all__ = ["FORMAT", "VERSION", "path", "load", "record", "reset", "status", "rows", "export_json", "export_csv",
           "CSV_FIELDS"]

FORMAT, VERSION = "k8snet-progress", 1
#: the columns of the CSV export, one row per question
CSV_FIELDS = ("exercise", "question", "status", "attempts", "hints_used", "solution_viewed",
              "first_attempt", "last_attempt", "correct_at")
_warned: set[str] = set()


def path() -> Path:
    """Where the progress file lives (see the module docstring for the order of the rules)."""
    env = os.environ.get("K8SNET_PROGRESS", "").strip()
    if env:
        return Path(env).expanduser()
    if sys.platform == "emscripten":
        if Path("/drive").is_dir():
            return Path("/drive/k8snet-progress.json")
        _warn_once("memfs", "k8snet: this browser gives the kernel no access to the site's files (a private "
                            "window?), so progress lasts only until the page is reloaded; export it from "
                            "show_progress() to keep it.")
    if os.environ.get("BINDER_SERVICE_HOST") or os.environ.get("BINDER_LAUNCH_HOST"):
        return Path(os.environ.get("REPO_DIR") or Path.home()) / ".k8snet" / "progress.json"
    return Path.home() / ".k8snet" / "progress.json"


def _warn_once(key: str, text: str) -> None:
    if key not in _warned:
        _warned.add(key)
        warnings.warn(text, RuntimeWarning, stacklevel=3)


def _empty() -> dict:
    return {"format": FORMAT, "version": VERSION, "exercises": {}}


def load() -> dict:
    """The stored progress (an empty record when there is none or it cannot be read)."""
    p = path()
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        return _empty()
    except OSError as e:
        _warn_once(f"read:{p}", f"k8snet: cannot read the progress file {p} ({e.strerror}); "
                                f"progress is not remembered this session.")
        return _empty()
    try:
        data = json.loads(text)
        if not (isinstance(data, dict) and data.get("format") == FORMAT
                and isinstance(data.get("exercises"), dict)
                and all(isinstance(v, dict) and all(isinstance(r, dict) for r in v.values())
                        for v in data["exercises"].values())):
            raise ValueError("not a k8snet progress file")
    except ValueError:
        _set_aside(p)
        return _empty()
    return data


def _set_aside(p: Path) -> None:
    kept = p.with_name(p.name + ".corrupt")
    try:
        os.replace(p, kept)
        where = f"kept it as {kept}"
    except OSError:
        where = "left it in place"
    _warn_once(f"corrupt:{p}", f"k8snet: the progress file {p} was unreadable; {where} and started a fresh one.")


def _save(data: dict) -> None:
    p = path()
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        tmp = p.with_name(p.name + ".tmp")
        tmp.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        os.replace(tmp, p)  # atomic: a crash mid-write never leaves half a file
    except OSError as e:
        _warn_once(f"write:{p}", f"k8snet: cannot write the progress file {p} ({e.strerror or e}); your answers "
                                 "are still checked, but progress is not remembered. Set K8SNET_PROGRESS to a "
                                 "writable file to keep it.")


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def record(exercise: str, question: str, event: str, **data) -> None:
    """Note a check (``outcome=``), a hint (``level=``) or a solution view. Never raises."""
    try:
        store = load()
        q = store["exercises"].setdefault(exercise, {}).setdefault(question, {})
        now = _now()
        if event == "check":
            q["attempts"] = int(q.get("attempts", 0)) + 1
            q.setdefault("first_attempt", now)
            q["last_attempt"] = now
            q["last_outcome"] = data.get("outcome")
            if data.get("outcome") == "correct" and not q.get("correct"):
                q["correct"], q["correct_at"] = True, now
        elif event == "hint":
            q["hints"] = sorted(set(q.get("hints", [])) | {int(data["level"])})
        elif event == "solution":
            q["solution_viewed"] = True
        _save(store)
    except Exception as e:  # progress is a convenience: it must never break a check
        _warn_once("record", f"k8snet: progress not recorded ({type(e).__name__}).")


def reset(exercise: str | None = None) -> None:
    """Forget the progress of one exercise (its key, e.g. ``ex01_pods_and_ips``), or of all."""
    store = load()
    if exercise is None:
        store = _empty()
    else:
        store["exercises"].pop(exercise, None)
    _save(store)


def status(rec: dict | None) -> str:
    """``done``, ``tried`` or ``not started`` for one question's record."""
    if not rec:
        return "not started"
    if rec.get("correct"):
        return "done"
    return "tried" if rec.get("attempts") or rec.get("hints") or rec.get("solution_viewed") else "not started"


def _catalogue() -> dict[str, tuple[str, list[str]]]:
    """Every exercise's key -> (title, question names), from the grader modules."""
    import importlib
    import pkgutil

    from .. import grader
    out = {}
    for m in sorted(m.name for m in pkgutil.iter_modules(grader.__path__) if m.name.startswith("ex")):
        ex = importlib.import_module(f"{grader.__name__}.{m}").exercise
        out[ex.key] = (ex.title, list(ex.problems))
    return out


def rows(data: dict | None = None) -> list[dict]:
    """One dict per question of every exercise (the CSV columns), stored progress filled in."""
    data = load() if data is None else data
    out = []
    for key, (_title, names) in _catalogue().items():
        saved = data.get("exercises", {}).get(key, {})
        for name in names:
            rec = saved.get(name) or {}
            out.append({"exercise": key, "question": name, "status": status(rec),
                        "attempts": int(rec.get("attempts", 0)), "hints_used": len(rec.get("hints", [])),
                        "solution_viewed": bool(rec.get("solution_viewed")),
                        "first_attempt": rec.get("first_attempt", ""), "last_attempt": rec.get("last_attempt", ""),
                        "correct_at": rec.get("correct_at", "")})
    return out


def export_json(data: dict | None = None) -> str:
    """The progress file's content, for an instructor (the format of docs/progress.md)."""
    return json.dumps(load() if data is None else data, indent=1, sort_keys=True) + "\n"


def export_csv(data: dict | None = None) -> str:
    """One line per question of every exercise: the columns of ``CSV_FIELDS``."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_FIELDS, lineterminator="\n")
    w.writeheader()
    w.writerows(rows(data))
    return buf.getvalue()
