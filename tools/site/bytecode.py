"""The build step that puts compiled bytecode into the site's Python archives.

The compiling itself runs in the site's own Pyodide under Node (tools/site/pycompile.mjs
with tools/site/pyc.py, which says why); this side decides the layout of each archive, adds
the site's ``sitecustomize`` to the standard library, and caches every result under
``build/site-cache/pyc/`` by the hash of what went in, so a rebuild compiles only what
changed (usually the k8snet wheel).
"""
from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: The course's own packages keep their sources beside the bytecode (tracebacks show lines,
#: ``??`` shows the code); third-party wheels get bytecode instead of sources.
KEEP_SOURCES = ("k8snet", "k8snet-viz")
#: Standard-library folders left as sources: they cannot run in a browser (no processes, no
#: terminal, no Tk) or are test suites, so their bytecode would only make the site bigger.
#: (``unittest`` and ``_pyrepl`` are not here: piplite imports ``unittest.mock`` and pdb,
#: which IPython imports, ``_pyrepl``.)
STDLIB_SKIP = ["multiprocessing", "idlelib", "tkinter", "turtledemo", "venv", "ensurepip",
               "test", "lib2to3", "pydoc_data", "wsgiref", "xmlrpc", "dbm", "curses", "sqlite3"]
#: Folders of third-party wheels the site leaves out.  Pyodide unpacks every file of every
#: wheel at each page load (~0.8 ms a file in the worker, measured under Node): jedi's 1,880
#: files took 1.2 s of it, and 1,126 of them are type stubs for Django and for PyPI packages the
#: course does not have (jedi skips a stub folder that is not there).  Of the standard
#: library's stubs, jedi reads only ``stdlib/2and3``, ``stdlib/3`` and ``stdlib/3.N`` on Python 3
#: (jedi/inference/gradual/typeshed.py, ``_get_typeshed_directories``): ``stdlib/2`` (195 files,
#: Python 2's) is never read; nor are the stubs of ``distutils`` and ``lib2to3`` (60 files),
#: modules Python 3.12 and 3.13 removed (PEP 632, PEP 594), so no Python here has them.
DROP = {"jedi": ["jedi/third_party/django-stubs", "jedi/third_party/typeshed/third_party",
                 "jedi/third_party/typeshed/stdlib/2", "jedi/third_party/typeshed/stdlib/3/distutils",
                 "jedi/third_party/typeshed/stdlib/2and3/lib2to3"]}
#: Source changes made before compiling (pyc.apply_patch: each old text must occur once).
PATCH = {
    # IPython's package imports IPython.terminal.embed for the one name ``embed`` (a terminal
    # IPython inside a program).  That pulls in prompt_toolkit, the terminal shell and its
    # debugger: ~170 modules, half of the kernel's import time at start (measured under Node:
    # 1.12 s -> 0.55 s for ``import piplite.piplite, pyodide_kernel``), for a terminal the
    # browser does not have.  ``IPython.embed`` still works: it is imported when first used.
    "ipython": {"IPython/__init__.py": [[
        "from .terminal.embed import embed\n",
        "def __getattr__(name):\n"
        "    # k8snet's site (tools/site/bytecode.py): the terminal is imported on first use.\n"
        "    if name == 'embed':\n"
        "        from .terminal.embed import embed\n"
        "        return embed\n"
        "    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')\n",
    ]]},
    # The kernel looks for imports in each cell (to load lock packages) by parsing the cell as
    # written: a cell with a %magic does not parse, and CPython's SyntaxError then tries to
    # read the line from a file named '<unknown>' in the working directory, the browser drive:
    # one synchronous request to the page per magic cell (25 in chapter 11's Run All).  Looking
    # in IPython's transformed cell (plain Python, magics as calls) finds the same imports.
    "pyodide-kernel": {"pyodide_kernel/kernel.py": [[
        "        # load packages from pyodide-lock\n"
        "        try:\n"
        "            await _load_packages_from_imports(lite_cell)\n"
        "        except Exception:\n"
        "            self.interpreter.showtraceback()\n"
        "            preprocessing_exc_tuple = sys.exc_info()\n"
        "\n"
        "        # run upstream transforms\n"
        "        try:\n"
        "            transformed_cell = self.interpreter.transform_cell(lite_cell)\n"
        "        except Exception:\n"
        "            transformed_cell = lite_cell\n"
        "            preprocessing_exc_tuple = sys.exc_info()\n",
        "        # run upstream transforms\n"
        "        try:\n"
        "            transformed_cell = self.interpreter.transform_cell(lite_cell)\n"
        "        except Exception:\n"
        "            transformed_cell = lite_cell\n"
        "            preprocessing_exc_tuple = sys.exc_info()\n"
        "\n"
        "        # load packages from pyodide-lock (k8snet's site: from the transformed cell, see\n"
        "        # tools/site/bytecode.py)\n"
        "        try:\n"
        "            await _load_packages_from_imports(transformed_cell)\n"
        "        except Exception:\n"
        "            self.interpreter.showtraceback()\n"
        "            preprocessing_exc_tuple = sys.exc_info()\n",
    ]]},
}


def stdlib_with_sitecustomize(src: Path, dst: Path) -> Path:
    """Pyodide's ``python_stdlib.zip`` plus tools/site/sitecustomize.py at its top."""
    shutil.copyfile(src, dst)
    with zipfile.ZipFile(dst, "a", zipfile.ZIP_DEFLATED) as zf:
        if "sitecustomize.py" in zf.namelist():
            raise SystemExit(f"{src}: already has a sitecustomize.py")
        info = zipfile.ZipInfo("sitecustomize.py", (1980, 1, 1, 0, 0, 0))
        info.external_attr = 0o644 << 16
        zf.writestr(info, (HERE / "sitecustomize.py").read_bytes(), zipfile.ZIP_DEFLATED)
    return dst


def _key(job: dict, pyodide_version: str) -> str:
    h = hashlib.sha256()
    for part in (Path(job["src"]).read_bytes(), (HERE / "pyc.py").read_bytes(),
                 (HERE / "pycompile.mjs").read_bytes(), job["layout"].encode(),
                 job["prefix"].encode(),
                 json.dumps([job.get("skip"), job.get("drop"), job.get("patch")]).encode(),
                 pyodide_version.encode()):
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()[:32]


def compile_archives(pyodide_dir: Path, pyodide_version: str, jobs: list[dict], cache: Path,
                     log=print) -> None:
    """Run every job (``src``, ``dst``, ``layout``, ``prefix``; see pyc.add_bytecode), from
    the cache where it can.  ``src`` and ``dst`` may be the same file."""
    cache.mkdir(parents=True, exist_ok=True)
    todo = []
    for job in jobs:
        cached = cache / f"{_key(job, pyodide_version)}.zip"
        if cached.exists():
            shutil.copyfile(cached, job["dst"])
        else:
            todo.append({**job, "src": str(job["src"]), "dst": str(cached), "out": str(job["dst"])})
    if not todo:
        return
    jobs_file = cache / "jobs.json"
    jobs_file.write_text(json.dumps(todo), encoding="utf-8")
    subprocess.run(["node", str(HERE / "pycompile.mjs"), str(pyodide_dir), str(jobs_file)], check=True)
    for job in todo:
        shutil.copyfile(job["dst"], job["out"])
    log(f"bytecode compiled in Pyodide for {len(todo)} archive(s)")


def site_jobs(static: Path, stdlib_src: Path, python_version: str, wheels) -> list[dict]:
    """The jobs for the site: the standard library (with the site's sitecustomize; bytecode
    instead of sources, as Pyodide's own releases ship it) and every wheel in ``static``.  ``python_version`` is Pyodide's (``3.14.2``)."""
    major, minor = python_version.split(".")[:2]
    staged = stdlib_with_sitecustomize(stdlib_src, static / "python_stdlib.zip")
    jobs = [{"src": staged, "dst": staged, "layout": "sourceless", "prefix": f"/lib/python{major}{minor}.zip/",
             "skip": STDLIB_SKIP}]
    site_packages = f"/lib/python{major}.{minor}/site-packages/"
    for w in wheels:
        layout = "pycache" if w.name in KEEP_SOURCES else "sourceless"
        jobs.append({"src": w.path, "dst": w.path, "layout": layout, "prefix": site_packages,
                     "drop": DROP.get(w.name, []), "patch": PATCH.get(w.name, {})})
    return jobs
