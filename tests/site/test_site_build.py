"""The static site's build pieces (tools/site): wheels, the generated Pyodide lock, the
kernel settings, and the viz.js stand-in for ``dot``.  The whole build runs in
tests/browser/test_site.py (it needs the registries and Chromium)."""
from __future__ import annotations

import base64
import importlib.util
import marshal
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


def test_terminal_packages_are_served_but_loaded_on_import():
    """build.ON_DEMAND: IPython's lock entry loses prompt_toolkit and wcwidth (its terminal's),
    which stay served with their own dependencies, so an ``import`` still loads them."""
    ipython = wheels.Wheel(Path("ipython.whl"), "ipython", "9", ["IPython"],
                           ["decorator", "prompt-toolkit", "pygments", "wcwidth"])
    terminal = wheels.Wheel(Path("prompt_toolkit.whl"), "prompt_toolkit", "3", ["prompt_toolkit"], ["wcwidth"])
    build.load_on_demand([ipython, terminal])
    assert ipython.depends == ["decorator", "pygments"]
    assert terminal.depends == ["wcwidth"]


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


# ------------------------------------------------------------------ bytecode --
# tools/site/pyc.py runs inside Pyodide at build time; here CPython runs the same code (its
# own magic number), which is enough to check the archives' layout and that Python's own
# importers load them (PEP 552 unchecked hash-based pycs; zipimport; SourcelessFileLoader).

from tools.site import bytecode, pyc  # noqa: E402


def _wheel(tmp_path, files: dict[str, bytes], name="demo") -> Path:
    return wheels.write_wheel(tmp_path / "in", name, "1", files)


def _record_matches(path: Path) -> None:
    """Every file of the archive has a RECORD row with its own hash and size (PEP 376)."""
    with zipfile.ZipFile(path) as zf:
        record = next(n for n in zf.namelist() if n.endswith(".dist-info/RECORD"))
        rows = {r.split(",")[0]: r.split(",")[1:] for r in zf.read(record).decode().splitlines()}
        files = [n for n in zf.namelist() if not n.endswith("/")]
        assert sorted(rows) == sorted(files)
        for arc in files:
            if arc != record:
                data = zf.read(arc)
                want = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
                assert rows[arc] == [f"sha256={want}", str(len(data))], arc


@pytest.mark.parametrize("layout, expected", [
    # zipimport looks for mod.pyc beside mod.py (Lib/zipimport.py, _zip_searchorder)
    ("beside", {"demo/__init__.py", "demo/__init__.pyc", "demo/core.py", "demo/core.pyc"}),
    # an unpacked package: importlib.util.cache_from_source's __pycache__/<name>.<tag>.pyc
    ("pycache", {"demo/__init__.py", "demo/core.py",
                 f"demo/__pycache__/__init__.{sys.implementation.cache_tag}.pyc",
                 f"demo/__pycache__/core.{sys.implementation.cache_tag}.pyc"}),
    # bytecode instead of sources: FileFinder's SourcelessFileLoader / zipimport's .pyc entry
    ("sourceless", {"demo/__init__.pyc", "demo/core.pyc"}),
])
def test_bytecode_layouts_and_record(tmp_path, layout, expected):
    src = _wheel(tmp_path, {"demo/__init__.py": b"from .core import x\n", "demo/core.py": b"x = 41 + 1\n"})
    dst = tmp_path / "out.whl"
    assert pyc.add_bytecode(str(src), str(dst), layout, "/lib/python3.14/site-packages/") == 2
    with zipfile.ZipFile(dst) as zf:
        assert {n for n in zf.namelist() if not n.startswith("demo-1.dist-info")} == expected
    _record_matches(dst)


def test_bytecode_is_unchecked_hash_based(tmp_path):
    """PEP 552: flags 0b01 (hash-based, not checked): the importer never reads the source's
    mtime, which an unpacked wheel sets to the unpacking time."""
    data = pyc.bytecode(b"x = 1\n", "/x.py")
    assert data[:4] == importlib.util.MAGIC_NUMBER
    assert int.from_bytes(data[4:8], "little") == 0b01
    assert data[8:16] == importlib.util.source_hash(b"x = 1\n")
    assert pyc.bytecode(b"def (:\n", "/bad.py") is None  # does not compile: the source stays


def test_sourceless_zip_imports_with_zipimport(tmp_path, monkeypatch):
    """The standard library's layout: only .pyc in a zip on sys.path, imported by zipimport."""
    src = tmp_path / "lib.zip"
    with zipfile.ZipFile(src, "w") as zf:
        zf.writestr("k8snet_pyc_probe/__init__.py", "from .inner import answer\n")
        zf.writestr("k8snet_pyc_probe/inner.py", "answer = 6 * 7\n")
    dst = tmp_path / "lib-pyc.zip"
    pyc.add_bytecode(str(src), str(dst), "sourceless", f"{dst}/")
    monkeypatch.syspath_prepend(str(dst))
    import k8snet_pyc_probe
    try:
        assert k8snet_pyc_probe.answer == 42
        assert k8snet_pyc_probe.__file__.endswith("__init__.pyc")
    finally:
        for name in ("k8snet_pyc_probe", "k8snet_pyc_probe.inner"):
            sys.modules.pop(name, None)


def test_pycache_bytecode_is_used_without_checking_the_source(tmp_path, monkeypatch):
    """Unpacked with sources (the course's own wheels): Python runs the bytecode even though
    the source file is newer (unchecked), so nothing is compiled at import."""
    src = _wheel(tmp_path, {"k8snet_pyc_probe2/__init__.py": b"value = 'compiled'\n"}, "probe2")
    dst = tmp_path / "out.whl"
    pyc.add_bytecode(str(src), str(dst), "pycache", f"{tmp_path}/site/")
    with zipfile.ZipFile(dst) as zf:
        zf.extractall(tmp_path / "site")
    (tmp_path / "site/k8snet_pyc_probe2/__init__.py").write_text("value = 'source'\n")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    import k8snet_pyc_probe2
    try:
        assert k8snet_pyc_probe2.value == "compiled"
    finally:
        sys.modules.pop("k8snet_pyc_probe2", None)


def test_bytecode_skip_drop_and_patch(tmp_path):
    src = _wheel(tmp_path, {"demo/__init__.py": b"import os\nfrom .big import table\n",
                            "demo/big.py": b"table = 1\n",
                            "demo/tk/__init__.py": b"x = 1\n",
                            "demo/stubs/a.pyi": b"x: int\n", "demo/stubs/b/c.pyi": b"y: int\n"})
    dst = tmp_path / "out.whl"
    n = pyc.add_bytecode(str(src), str(dst), "sourceless", "/", skip=["demo/tk"], drop=["demo/stubs"],
                         patch={"demo/__init__.py": [["from .big import table\n", "table = 2\n"]]})
    assert n == 2
    with zipfile.ZipFile(dst) as zf:
        names = set(zf.namelist())
        code = marshal.loads(zf.read("demo/__init__.pyc")[16:])
    assert "demo/tk/__init__.py" in names and "demo/tk/__init__.pyc" not in names  # skipped
    assert "demo/stubs/" in names and not any(n.startswith("demo/stubs/") and n != "demo/stubs/" for n in names)
    namespace: dict = {}
    exec(code, namespace)
    assert namespace["table"] == 2  # patched before compiling
    _record_matches(dst)


@pytest.mark.parametrize("patch, message", [
    ({"demo/__init__.py": [["absent line\n", "x"]]}, "expected 'absent line\\\\n' exactly once, found it 0 times"),
    ({"demo/missing.py": [["a", "b"]]}, r"no \['demo/missing.py'\] to patch"),
])
def test_bytecode_patch_must_match_exactly(tmp_path, patch, message):
    """A new upstream version whose line changed fails the build, not a silent no-op."""
    src = _wheel(tmp_path, {"demo/__init__.py": b"x = 1\n"})
    with pytest.raises(ValueError, match=message):
        pyc.add_bytecode(str(src), str(tmp_path / "o.whl"), "sourceless", "/", patch=patch)


def test_site_jobs_keep_the_course_sources_and_trim_third_party(tmp_path):
    stdlib = tmp_path / "python_stdlib.zip"
    with zipfile.ZipFile(stdlib, "w") as zf:
        zf.writestr("os.py", "")
    static = tmp_path / "static"
    static.mkdir()
    made = [wheels.Wheel(tmp_path / f"{n}.whl", n, "1", [n]) for n in ("k8snet", "k8snet-viz", "jedi", "ipython")]
    jobs = {Path(j["src"]).name: j for j in bytecode.site_jobs(static, stdlib, "3.14.2", made)}
    assert jobs["python_stdlib.zip"]["prefix"] == "/lib/python314.zip/"
    assert jobs["python_stdlib.zip"]["layout"] == "sourceless"
    with zipfile.ZipFile(static / "python_stdlib.zip") as zf:
        assert zf.read("sitecustomize.py") == (Path(build.HERE) / "sitecustomize.py").read_bytes()
    assert jobs["k8snet.whl"]["layout"] == jobs["k8snet-viz.whl"]["layout"] == "pycache"
    assert jobs["jedi.whl"]["layout"] == "sourceless" and jobs["jedi.whl"]["prefix"] == "/lib/python3.14/site-packages/"
    assert "jedi/third_party/django-stubs" in jobs["jedi.whl"]["drop"]
    assert "IPython/__init__.py" in jobs["ipython.whl"]["patch"]


# ---------------------------------------------------------- sitecustomize --

def _load_sitecustomize():
    spec = importlib.util.spec_from_file_location("k8snet_site_sitecustomize", Path(build.HERE) / "sitecustomize.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("path, claimed", [
    ("/drive", True), ("/drive/notebooks", True),
    ("/drivex", False), ("/lib/python3.14/site-packages", False), ("/home/pyodide", False),
])
def test_drive_path_hook_claims_only_the_browser_drive(path, claimed):
    site = _load_sitecustomize()
    if claimed:
        assert isinstance(site.drive_path_hook(path), site.DriveFinder)
    else:
        with pytest.raises(ImportError):
            site.drive_path_hook(path)


def test_drive_finder_leaves_installed_modules_to_the_rest_of_sys_path(tmp_path):
    """A module the rest of sys.path has is not looked for on the drive (no request to the
    page); a module only the drive has is found there."""
    site = _load_sitecustomize()
    (tmp_path / "json.py").write_text("shadow = True\n")
    (tmp_path / "k8snet_learner_helper.py").write_text("x = 1\n")
    from importlib._bootstrap_external import _get_supported_file_loaders
    finder = site.DriveFinder(str(tmp_path), *_get_supported_file_loaders())
    assert finder.find_spec("json") is None
    spec = finder.find_spec("k8snet_learner_helper")
    assert spec is not None and spec.origin == str(tmp_path / "k8snet_learner_helper.py")
    assert finder.find_spec("k8snet_nowhere_at_all") is None


def test_site_stages_every_notebook_by_glob(tmp_path):
    """The site's files are notebooks/ and exercises/ as they are: a new chapter is on the
    site without a list to update (and benchmarks/site.py times every staged chapter)."""
    build.stage_contents(tmp_path)
    for folder in ("notebooks", "exercises"):
        want = sorted(p.name for p in (build.ROOT / folder).glob("*.ipynb"))
        assert want and sorted(p.name for p in (tmp_path / folder).glob("*.ipynb")) == want


def test_drive_finder_never_looks_on_the_drive_for_standard_library_names(tmp_path):
    """Names of the standard library this build lacks (Windows' winreg, _winapi) are probed by
    IPython at every start; the drive is not asked for them (sys.stdlib_module_names)."""
    site = _load_sitecustomize()
    (tmp_path / "winreg.py").write_text("x = 1\n")
    from importlib._bootstrap_external import _get_supported_file_loaders
    finder = site.DriveFinder(str(tmp_path), *_get_supported_file_loaders())
    assert "winreg" in sys.stdlib_module_names
    assert finder.find_spec("winreg") is None


@pytest.mark.parametrize("environ, expected", [
    # ipywidgets 8 (widgets/widget.py envset): "0" turns the echo off; the site's one-client
    # kernel starts without it
    ({}, {"JUPYTER_WIDGETS_ECHO": "0"}),
    # a value set before Python started (Pyodide's loadPyodide env) wins
    ({"JUPYTER_WIDGETS_ECHO": "1"}, {"JUPYTER_WIDGETS_ECHO": "1"}),
])
def test_site_kernel_starts_without_widget_echo_unless_asked(environ, expected):
    site = _load_sitecustomize()
    site.set_environment(environ)
    assert environ == expected
