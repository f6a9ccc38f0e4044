"""Start the notebook's Python while JupyterLab is still starting (a build step on ``site/``).

Measured on a cold load of chapter 00 (a request timeline and marks in the kernel's worker;
docs/site.md): JupyterLab creates the notebook's kernel only when its own start-up is over
(~5 s), and the kernel's Web Worker then loads Pyodide, its packages and the kernel's imports
(~3.5 s), one after the other, while the machine has a second core to spare.  This step makes
the two overlap:

* ``lab/index.html`` gets tools/site/prewarm.js (after the browser check): for a page that
  opens a notebook it starts the kernel's worker at once and asks it to prepare Python (the
  kernel's imports, then k8snet's ``Cluster``, which every chapter's first cell imports);
* the Pyodide kernel's Comlink worker gets tools/site/prewarm-worker.js before its code, and
  its ``initRuntime`` loads Pyodide through ``self.k8snetLoadPyodide`` (which hands over the
  prepared Pyodide when the kernel's options ask for exactly it);
* the kernel's ``initWorker`` (page side) adopts the prepared worker once.

The two patches of the kernel extension's built JavaScript are regular expressions that must
match exactly once (a new version that changed the code fails the build instead of being
patched blindly); both files keep their names, so the extension's loader finds them.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
KERNEL_STATIC = Path("extensions/@jupyterlite/pyodide-kernel-extension/static")
#: What the kernel runs in Python before it is ready (its initPackageManager and initKernel):
#: the prepared worker runs it first, so the kernel's own imports find the modules loaded.
KERNEL_IMPORTS = "import piplite.piplite, pyodide_kernel"
#: Then what every chapter's first cell does first (``from k8snet import Cluster``), without
#: binding a name in the notebook's namespace; a failure here only leaves it to that cell.
COURSE_IMPORTS = 'try:\n    __import__("k8snet").Cluster\nexcept Exception:\n    pass\n'
MARK = "k8snet-kernel-prewarm"

#: (what, regular expression, replacement): the page side's initWorker adopts the prepared
#: worker (only where it would make a Comlink worker: not cross-origin isolated).
PAGE_PATCH = ("initWorker", r"initWorker\((\w+)\)\{",
              r"initWorker(\1){let k8snetWorker=!crossOriginIsolated&&window.k8snetPrewarm&&"
              r"window.k8snetPrewarm.take();if(k8snetWorker)return k8snetWorker;")
#: The worker's initRuntime loads Pyodide through the prewarm's loader.
WORKER_PATCH = ("initRuntime's loadPyodide", r"this\._pyodide=await (\w+)\(\{indexURL:",
                r"this._pyodide=await (self.k8snetLoadPyodide?self.k8snetLoadPyodide(\1):\1)({indexURL:")


def patch_once(text: str, what: str, pattern: str, replacement: str, where: str) -> str:
    """``text`` with the one match of ``pattern`` replaced; any other count is an error."""
    found = len(re.findall(pattern, text))
    if found != 1:
        raise SystemExit(f"{where}: expected {what} ({pattern}) exactly once, found it {found} times")
    return re.sub(pattern, replacement, text, count=1)


def one_file(folder: Path, glob: str, containing: str) -> Path:
    """The one file of ``folder`` matching ``glob`` whose text contains ``containing``."""
    found = [p for p in sorted(folder.glob(glob)) if containing in p.read_text(encoding="utf-8")]
    if len(found) != 1:
        raise SystemExit(f"{folder}: expected one {glob} containing {containing!r}, found {len(found)}")
    return found[0]


def page_script(worker: str, pyodide_url: str, packages: list[str]) -> str:
    """tools/site/prewarm.js with its settings written in (URLs relative to lab/index.html)."""
    config = json.dumps({"worker": worker, "pyodide": pyodide_url, "packages": packages,
                         "python": KERNEL_IMPORTS + "\n" + COURSE_IMPORTS})
    source = (HERE / "prewarm.js").read_text(encoding="utf-8")
    if source.count("K8SNET_PREWARM_CONFIG") != 1:
        raise SystemExit("tools/site/prewarm.js: K8SNET_PREWARM_CONFIG must occur once")
    return source.replace("K8SNET_PREWARM_CONFIG", config)


def add_prewarm(site: Path, pyodide_url: str, packages: list[str]) -> None:
    """Patch the built ``site`` (see the module docstring).  ``pyodide_url`` is the kernel's
    ``pyodideUrl`` setting, relative to the site's root; ``packages`` its preloaded packages."""
    static = site / KERNEL_STATIC
    worker = one_file(static, "comlink.worker.*.js", "initRuntime")
    text = worker.read_text(encoding="utf-8")
    if MARK not in text:
        text = patch_once(text, *WORKER_PATCH[:2], WORKER_PATCH[2], worker.name)
        worker.write_text((HERE / "prewarm-worker.js").read_text(encoding="utf-8") + text, encoding="utf-8")
    chunk = one_file(static, "*.js", "initWorker(")
    text = chunk.read_text(encoding="utf-8")
    if "k8snetPrewarm" not in text:
        chunk.write_text(patch_once(text, *PAGE_PATCH[:2], PAGE_PATCH[2], chunk.name), encoding="utf-8")
    page = site / "lab" / "index.html"
    text = page.read_text(encoding="utf-8")
    if MARK not in text:
        # lab/index.html is one folder below the site's root.
        script = page_script(f"../{KERNEL_STATIC.as_posix()}/{worker.name}",
                             "../" + pyodide_url.removeprefix("./"), packages)
        anchor = "</script>\n"  # the end of the browser check, which comes first in <head>
        if "k8snet-browser-check" not in text.split(anchor, 1)[0]:
            raise SystemExit(f"{page}: the browser check must come first")
        text = text.replace(anchor, anchor + f"<script>\n{script}</script>\n", 1)
        page.write_text(text, encoding="utf-8")
