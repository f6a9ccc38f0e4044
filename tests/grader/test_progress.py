"""Progress that lasts: the file check()/hint()/solution() write, where it lives, what happens when
it cannot be written or read, export (JSON, CSV) and reset; the progress view's logic.
Every test points K8SNET_PROGRESS into tmp_path: the real home is never touched."""
from __future__ import annotations

import csv
import io
import json
import os
import warnings

import pytest

from k8snet.grader import ex01_pods_and_ips as ex01, ex11_troubleshooting as ex11, progress
from k8snet.widgets.progress import ProgressView, chapter_rows


@pytest.fixture
def store(tmp_path, monkeypatch):
    path = tmp_path / "p" / "progress.json"
    monkeypatch.setenv("K8SNET_PROGRESS", str(path))
    progress._warned.clear()
    return path


def test_check_hint_and_solution_are_recorded(store):
    ex01.q4.check("a")
    ex01.q4.check("b")
    ex01.q4.hint(1)
    ex01.q2.solution()
    data = json.loads(store.read_text())
    assert data["format"] == "k8snet-progress" and data["version"] == 1
    q4 = data["exercises"]["ex01_pods_and_ips"]["q4"]
    assert q4["attempts"] == 2 and q4["correct"] is True and q4["last_outcome"] == "correct" and q4["hints"] == [1]
    assert data["exercises"]["ex01_pods_and_ips"]["q2"] == {"solution_viewed": True}


def test_a_blank_is_not_recorded(store):
    from k8snet.grader import ____
    ex01.q4.check(____)
    ex01.q4.check("app: ____")
    assert not store.exists()


def test_progress_lasts_across_a_new_question_object(store):
    ex01.q6.check("c")
    fresh = type(ex01.q6)()
    assert fresh.outcome is None
    assert "q6: correct" in ex01.exercise.progress().message


@pytest.mark.parametrize("env,platform,drive,want", [
    ({"K8SNET_PROGRESS": "/x/p.json"}, "linux", False, "/x/p.json"),
    ({}, "emscripten", True, "/drive/k8snet-progress.json"),
    ({}, "emscripten", False, "HOME/.k8snet/progress.json"),
    ({"BINDER_SERVICE_HOST": "10.0.0.1", "REPO_DIR": "/srv/repo"}, "linux", False, "/srv/repo/.k8snet/progress.json"),
    ({}, "linux", False, "HOME/.k8snet/progress.json"),
], ids=["env var", "JupyterLite drive", "JupyterLite without drive", "Binder repository", "home"])
def test_where_the_file_lives(monkeypatch, tmp_path, env, platform, drive, want):
    for k in ("K8SNET_PROGRESS", "BINDER_SERVICE_HOST", "BINDER_LAUNCH_HOST", "REPO_DIR"):
        monkeypatch.delenv(k, raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr(progress.sys, "platform", platform)
    monkeypatch.setattr(progress.Path, "is_dir", lambda self: drive if str(self) == "/drive" else os.path.isdir(self))
    progress._warned.clear()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert str(progress.path()) == want.replace("HOME", str(tmp_path))
    assert bool(caught) == (platform == "emscripten" and not drive)


def test_read_only_folder_warns_once_and_the_check_still_works(tmp_path, monkeypatch):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    monkeypatch.setenv("K8SNET_PROGRESS", str(ro / "sub" / "progress.json"))
    progress._warned.clear()
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fb1, fb2 = ex01.q4.check("b"), ex01.q4.check("b")
        if os.geteuid() == 0:  # root writes anyway; nothing to warn about
            return
        assert fb1 and fb2
        texts = [str(w.message) for w in caught if "progress file" in str(w.message)]
        assert len(texts) == 1 and "cannot write" in texts[0] and "K8SNET_PROGRESS" in texts[0]
    finally:
        ro.chmod(0o700)


@pytest.mark.parametrize("content", ["{not json", '{"format": "other"}', "[]", '{"format": "k8snet-progress", '
                                     '"exercises": {"ex01": [1]}}'], ids=["broken", "foreign", "list", "bad shape"])
def test_corrupt_file_is_set_aside_with_a_warning(store, content):
    store.parent.mkdir(parents=True)
    store.write_text(content)
    with pytest.warns(RuntimeWarning, match="unreadable"):
        fb = ex01.q4.check("b")
    assert fb
    assert (store.parent / "progress.json.corrupt").read_text() == content
    assert json.loads(store.read_text())["exercises"]["ex01_pods_and_ips"]["q4"]["correct"] is True


def test_export_csv_and_json_and_reset(store):
    ex01.q4.check("a")
    ex11.q6.hint(2)
    rows = list(csv.DictReader(io.StringIO(progress.export_csv())))
    assert tuple(rows[0]) == progress.CSV_FIELDS
    by = {(r["exercise"], r["question"]): r for r in rows}
    assert by[("ex01_pods_and_ips", "q4")]["status"] == "tried" and by[("ex01_pods_and_ips", "q4")]["attempts"] == "1"
    assert by[("ex11_troubleshooting", "q6")]["hints_used"] == "1"
    assert by[("ex01_pods_and_ips", "q1")]["status"] == "not started"
    assert json.loads(progress.export_json())["exercises"]["ex01_pods_and_ips"]["q4"]["attempts"] == 1
    progress.reset("ex01_pods_and_ips")
    assert "ex01_pods_and_ips" not in progress.load()["exercises"] and "ex11_troubleshooting" in progress.load()["exercises"]
    progress.reset()
    assert progress.load()["exercises"] == {}


def test_view_counts_per_chapter_and_exports_files(store, tmp_path):
    ex01.q4.check("b")
    ex01.q6.check("a")
    ex01.q1.hint(1)
    row = next(r for r in chapter_rows() if r["exercise"] == "ex01_pods_and_ips")
    assert (row["done"], row["tried"], row["not started"], row["hints"]) == (1, 2, 3, 1)
    html = ProgressView().render()["main"]
    assert "Exercise 01" in html and "1 of 6" in html and str(store) in html
    msg = ProgressView.export(tmp_path)
    assert (tmp_path / "k8snet-progress.csv").exists() and 'download="k8snet-progress.json"' in msg


def test_widget_reset_needs_the_confirmation(store):
    ex01.q4.check("b")
    view = ProgressView()
    box = view.widget()
    view._controls["reset"].click()
    assert "Tick" in view._areas["message"].value and progress.load()["exercises"]
    view._controls["confirm"].value = True
    view._controls["reset"].click()
    assert progress.load()["exercises"] == {} and box is not None


def test_author_assertions_do_not_record(store):
    ex01.q4.assert_check_passed()
    ex01.q4.assert_check_failed("a", "deleted pod is gone")
    assert not store.exists() or "ex01_pods_and_ips" not in progress.load()["exercises"]
