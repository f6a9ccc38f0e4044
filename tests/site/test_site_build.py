"""The static site's build pieces (tools/site): wheels, the generated Pyodide lock, the
kernel settings, and the viz.js stand-in for ``dot``.  The whole build runs in
tests/browser/test_site.py (it needs the registries and Chromium)."""
from __future__ import annotations

import base64
import hashlib
import sys
import zipfile
from pathlib import Path

import pytest

from tools.site import build, wheels

sys.path.insert(0, str(Path(build.HERE)))  # k8snet_viz is a top-level package in the site
import k8snet_viz  # noqa: E402


@pytest.mark.parametrize("name, expected", [
    # PEP 503 "Normalized Names": runs of -, _ and . become one -, lower case (Pyodide's keys).
    ("Prompt_Toolkit", "prompt-toolkit"),
    ("pure.eval", "pure-eval"),
    ("PyYAML", "pyyaml"),
    ("k8snet--viz", "k8snet-viz"),
])
def test_canonical_names_follow_pep_503(name, expected):
    assert wheels.canonical(name) == expected


def test_written_wheel_has_a_record_that_matches_its_files(tmp_path):
    """PEP 427 / PEP 376 RECORD: every file listed with urlsafe-base64 sha256 (no padding)
    and size; RECORD itself listed without a hash."""
    files = {"pkg/__init__.py": b"x = 1\n", "pkg/data.yaml": b"a: 1\n"}
    path = wheels.write_wheel(tmp_path, "my-pkg", "1.2", files, requires=["graphviz"])
    assert path.name == "my_pkg-1.2-py3-none-any.whl"
    with zipfile.ZipFile(path) as zf:
        record = zf.read("my_pkg-1.2.dist-info/RECORD").decode().splitlines()
        rows = {line.split(",")[0]: line.split(",")[1:] for line in record}
        for arc in zf.namelist():
            digest, size = rows[arc]
            if arc.endswith("RECORD"):
                assert (digest, size) == ("", "")
                continue
            data = zf.read(arc)
            want = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            assert (digest, int(size)) == (f"sha256={want}", len(data)), arc
    assert wheels.wheel_info(path) == ("my-pkg", "1.2", ["pkg"], ["graphviz"])


def test_same_input_same_wheel_bytes(tmp_path):
    """Fixed timestamps: a rebuild serves the same bytes (and the same lock hash)."""
    a = wheels.write_wheel(tmp_path / "a", "p", "1", {"p/__init__.py": b""}).read_bytes()
    b = wheels.write_wheel(tmp_path / "b", "p", "1", {"p/__init__.py": b""}).read_bytes()
    assert a == b


def test_lock_lists_served_wheels_with_their_own_sha256(tmp_path):
    """pyodide-lock.json: the hash Pyodide checks is the served file's, never a copied one."""
    one = wheels.write_wheel(tmp_path, "one", "1", {"one/__init__.py": b"1"})
    two = wheels.write_wheel(tmp_path, "Two_Pkg", "2", {"two/__init__.py": b"2"})
    lock = wheels.make_lock({"info": {"python": "3.14.2"}, "packages": {"old": {}}}, [
        wheels.Wheel(one, "one", "1", ["one"], ["Two_Pkg"]),
        wheels.Wheel(two, "Two_Pkg", "2", ["two"]),
    ])
    assert lock["info"] == {"python": "3.14.2"}
    assert sorted(lock["packages"]) == ["one", "two-pkg"]
    assert lock["packages"]["one"]["depends"] == ["two-pkg"]
    for entry, path in ((lock["packages"]["one"], one), (lock["packages"]["two-pkg"], two)):
        assert entry["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert entry["file_name"] == path.name


def test_lock_refuses_a_dependency_the_site_does_not_serve(tmp_path):
    one = wheels.write_wheel(tmp_path, "one", "1", {"one/__init__.py": b"1"})
    with pytest.raises(SystemExit, match=r"one-1-py3-none-any.whl needs \['missing'\]"):
        wheels.make_lock({"info": {}}, [wheels.Wheel(one, "one", "1", ["one"], ["missing"])])


def test_lock_closure_follows_pyodide_dependencies():
    lock = {"packages": {"ipython": {"depends": ["prompt_toolkit"]},
                         "prompt-toolkit": {"depends": ["wcwidth"]}, "wcwidth": {"depends": []},
                         "numpy": {"depends": []}}}
    assert sorted(build.lock_closure(lock, ["ipython"])) == ["ipython", "prompt-toolkit", "wcwidth"]
    with pytest.raises(SystemExit, match="no package 'nope'"):
        build.lock_closure(lock, ["nope"])


def test_kernel_loads_pyodide_from_the_site_only():
    """An unset pyodideUrl makes the kernel fetch Pyodide from a CDN (and hang offline)."""
    settings = build.lite_config("314.0.6")["jupyter-config-data"]["litePluginSettings"][
        "@jupyterlite/pyodide-kernel-extension:kernel"]
    assert settings["pyodideUrl"] == "./static/pyodide/pyodide.mjs"
    assert settings["disablePyPIFallback"] is True
    assert "k8snet" in settings["loadPyodideOptions"]["packages"]


@pytest.mark.parametrize("cmd, flag, default, expected", [
    # graphviz.backend.dot_command.command(): ["dot", "-K<engine>", "-T<format>[:renderer]"]
    (["dot", "-Kneato", "-Tsvg"], "-K", "dot", "neato"),
    (["dot", "-Kdot", "-Tsvg:cairo"], "-T", "svg", "svg:cairo"),
    (["dot"], "-K", "dot", "dot"),
])
def test_viz_reads_engine_and_format_from_the_dot_command(cmd, flag, default, expected):
    assert k8snet_viz._option(cmd, flag, default) == expected


def test_viz_cannot_write_files():
    """graphviz's render() asks dot for an output file; the browser has no dot to write it."""
    with pytest.raises(OSError, match="can only pipe"):
        k8snet_viz.run_check(["dot", "-Kdot", "-Tsvg", "-O", "g.gv"])


def test_browser_svg_fonts_are_metric_compatible_with_helvetica():
    svg = '<text font-family="Helvetica,sans-Serif" font-size="10.00">web</text>'
    out = k8snet_viz.browser_fonts(svg)
    assert 'font-family="Helvetica,Arial,' in out and "'Liberation Sans'" in out
    assert "DejaVu" not in out
