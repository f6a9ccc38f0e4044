"""tools/site/prewarm.py: the site starts the notebook's Python while JupyterLab starts.

The patches are made on the Pyodide kernel extension's built JavaScript (jupyterlite-pyodide-kernel
0.8.6: ``PyodideKernel.initWorker`` makes the kernel's Web Worker in the page, and the worker's
``initRuntime`` calls ``loadPyodide({indexURL, ...loadPyodideOptions})``).  Here they run on a
small site laid out like the built one; tests/browser/test_site.py checks, in Chromium, that a
real kernel adopts the prepared worker."""
from __future__ import annotations

import json
import re

import pytest

from tools.site import prewarm

STATIC = prewarm.KERNEL_STATIC
WORKER = ('var Vn=class{async initialize(e){await this.initRuntime(e)}async initRuntime(e){let{pyodideUrl:t,'
          'indexUrl:s}=e,{loadPyodide:n}=await zo(t);this._pyodide=await n({indexURL:s,...e.loadPyodideOptions})}};')
CHUNK = ('class w{constructor(e){this._worker=this.initWorker(e)}initWorker(e){let t=e=>new Worker(e,{type:"module"});'
         'return crossOriginIsolated?t(new URL(s(831),s.b)):t(new URL(s(932),s.b))}}')
CHECK = "<script>\n/* k8snet-browser-check (tools/site/check.js) */\n</script>\n"


def fake_site(root, worker=WORKER, chunk=CHUNK):
    static = root / STATIC
    static.mkdir(parents=True)
    (static / "comlink.worker.abc123.js").write_text(worker)
    (static / "coincident.worker.def456.js").write_text("async initialize(e){}")
    (static / "393.0a1b.js").write_text(chunk)
    (root / "lab").mkdir()
    (root / "lab" / "index.html").write_text(f"<html>\n<head>\n{CHECK}<title>x</title></head></html>")
    return root


def test_prewarm_patches_worker_kernel_and_lab_page(tmp_path):
    site = fake_site(tmp_path)
    prewarm.add_prewarm(site, "./static/pyodide/pyodide.mjs", ["micropip", "k8snet"])
    worker = (site / STATIC / "comlink.worker.abc123.js").read_text()
    # the worker's own side comes first (its message listener precedes Comlink's), and
    # initRuntime loads Pyodide through it
    assert worker.startswith((prewarm.HERE / "prewarm-worker.js").read_text())
    assert "this._pyodide=await (self.k8snetLoadPyodide?self.k8snetLoadPyodide(n):n)({indexURL:s," in worker
    # the cross-origin-isolated kernel's worker is another one: left alone
    assert (site / STATIC / "coincident.worker.def456.js").read_text() == "async initialize(e){}"
    chunk = (site / STATIC / "393.0a1b.js").read_text()
    assert "initWorker(e){let k8snetWorker=!crossOriginIsolated&&window.k8snetPrewarm&&window.k8snetPrewarm.take();" \
           "if(k8snetWorker)return k8snetWorker;let t=" in chunk
    page = (site / "lab" / "index.html").read_text()
    assert page.index("k8snet-browser-check") < page.index("k8snet-kernel-prewarm") < page.index("<title>")
    config = json.loads(re.search(r"var config = (\{.*?\});", page)[1])
    # URLs relative to lab/index.html, one folder below the site's root
    assert config == {"worker": f"../{STATIC.as_posix()}/comlink.worker.abc123.js",
                      "pyodide": "../static/pyodide/pyodide.mjs", "packages": ["micropip", "k8snet"],
                      "python": prewarm.KERNEL_IMPORTS + "\n" + prewarm.COURSE_IMPORTS}


def test_prewarm_is_applied_once(tmp_path):
    site = fake_site(tmp_path)
    prewarm.add_prewarm(site, "./static/pyodide/pyodide.mjs", ["k8snet"])
    before = {p: p.read_text() for p in site.rglob("*") if p.is_file()}
    prewarm.add_prewarm(site, "./static/pyodide/pyodide.mjs", ["k8snet"])
    assert {p: p.read_text() for p in site.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize("worker, chunk, message", [
    # a kernel version whose code changed is not patched blindly: the build stops
    (WORKER.replace("this._pyodide=await n(", "this._py=await n("), CHUNK,
     r"comlink.worker.abc123.js: expected initRuntime's loadPyodide .* found it 0 times"),
    (WORKER + WORKER, CHUNK, r"found it 2 times"),
    (WORKER, CHUNK.replace("initWorker(e){", "initWorker(e,f){"), r"393.0a1b.js: expected initWorker .* found it 0 times"),
])
def test_prewarm_refuses_kernel_code_it_does_not_know(tmp_path, worker, chunk, message):
    site = fake_site(tmp_path, worker, chunk)
    with pytest.raises(SystemExit, match=message):
        prewarm.add_prewarm(site, "./static/pyodide/pyodide.mjs", ["k8snet"])


def test_prewarm_runs_what_the_kernel_imports_before_it_is_ready():
    """jupyterlite-pyodide-kernel's worker: initPackageManager runs ``import piplite.piplite``,
    initKernel ``import pyodide_kernel``; the prepared worker runs both first."""
    assert prewarm.KERNEL_IMPORTS == "import piplite.piplite, pyodide_kernel"


def test_prewarm_imports_the_course_without_touching_the_notebook_namespace():
    """The prepared worker imports k8snet's Cluster (every chapter's first cell does) but binds
    no name where the notebook's code runs, and a failing import is left to that cell."""
    namespace: dict = {}
    exec(prewarm.COURSE_IMPORTS, namespace)
    assert set(namespace) == {"__builtins__"}
    import sys
    assert sys.modules["k8snet"].Cluster.__module__ in sys.modules
    exec(prewarm.COURSE_IMPORTS.replace("k8snet", "k8snet_not_a_module"), {})  # raises nothing
