"""Graphviz for the browser course: viz.js (Graphviz compiled to WebAssembly) stands in for `dot`.

Under Pyodide there is no ``dot`` program and no subprocess.  The ``graphviz`` package runs
every render through ``graphviz.backend.execute.run_check(cmd, ...)``; :func:`install`
replaces that one function with :func:`run_check`, which reads the engine (``-K``) and the
format (``-T``) from ``cmd`` and asks viz.js instead, so ``Digraph.pipe()`` and Jupyter's
SVG display work unchanged.

viz.js (npm ``@viz-js/viz``, shipped in this wheel as ``viz-global.js``, WebAssembly
inlined) needs a moment to compile.  :func:`start` begins that at ``import k8snet``;
a render that comes before it is done waits for it with ``pyodide.ffi.run_sync`` where the
browser has JSPI (Chromium 137+), and otherwise raises :class:`NotReady` so the caller can
show a placeholder and fill it in when :func:`when_ready` calls back.
"""
from __future__ import annotations

import re
import subprocess
from importlib import resources
from typing import Callable

__all__ = ["start", "ready", "when_ready", "render", "run_check", "install", "NotReady",
           "FONT_STACK", "browser_fonts"]

#: What viz.js measures text with: Helvetica's metrics.  A browser shows the SVG with the
#: first of these it has; each is metric-compatible with Helvetica (Arial on Windows, the
#: Liberation or Nimbus families on Linux, Arimo on ChromeOS), so labels fit their boxes.
#: DejaVu Sans, a common last resort on Linux, is about 10% wider and clips long titles.
FONT_STACK = "Helvetica,Arial,'Liberation Sans','Nimbus Sans','Nimbus Sans L',Arimo,sans-serif"

_FONT_ATTR = re.compile(r'font-family="Helvetica,sans-Serif"')
_state: dict = {"promise": None, "instance": None, "error": None, "callbacks": []}


class NotReady(RuntimeError):
    """viz.js is still loading and this browser cannot wait for it (no JSPI)."""


def start() -> None:
    """Begin loading viz.js (once); returns at once.  Callbacks of :func:`when_ready` run
    when it is loaded."""
    if _state["promise"] is not None:
        return
    import asyncio
    import js
    from pyodide.code import run_js
    if not hasattr(js, "Viz"):
        run_js(resources.files(__name__).joinpath("viz-global.js").read_text(encoding="utf-8"))
    _state["promise"] = js.Viz.instance()

    async def loaded() -> None:
        try:
            _state["instance"] = await _state["promise"]
        except Exception as exc:  # reported on the next render
            _state["error"] = exc
        callbacks, _state["callbacks"] = _state["callbacks"], []
        for callback in callbacks:
            callback()

    asyncio.ensure_future(loaded())


def ready() -> bool:
    """True once viz.js is loaded (rendering is then synchronous)."""
    return _state["instance"] is not None


def when_ready(callback: Callable[[], None]) -> None:
    """Call ``callback()`` once viz.js is loaded (at once if it already is)."""
    start()
    if ready() or _state["error"] is not None:
        callback()
    else:
        _state["callbacks"].append(callback)


def _instance():
    start()
    if _state["instance"] is None and _state["error"] is None:
        from pyodide.ffi import can_run_sync, run_sync
        if not can_run_sync():
            raise NotReady("Graphviz (viz.js) is still loading in this browser")
        _state["instance"] = run_sync(_state["promise"])
    if _state["error"] is not None:
        raise RuntimeError(f"Graphviz (viz.js) failed to load: {_state['error']}")
    return _state["instance"]


def browser_fonts(svg: str) -> str:
    """``svg`` with Graphviz's ``Helvetica,sans-Serif`` widened to :data:`FONT_STACK`."""
    return _FONT_ATTR.sub(f'font-family="{FONT_STACK}"', svg)


def render(source: str, engine: str = "dot", fmt: str = "svg") -> str:
    """Lay out DOT ``source`` with viz.js; SVG gets :func:`browser_fonts`.  Raises
    :class:`NotReady` (see the module docstring) or ``ValueError`` with Graphviz's words."""
    from pyodide.ffi import JsException, to_js
    import js
    options = to_js({"format": fmt, "engine": engine}, dict_converter=js.Object.fromEntries)
    try:
        out = _instance().renderString(source, options)
    except JsException as exc:
        raise ValueError(f"Graphviz could not lay out the graph: {exc}") from None
    return browser_fonts(out) if fmt.startswith("svg") else out


def _option(cmd: list[str], flag: str, default: str) -> str:
    for arg in cmd:
        if arg.startswith(flag) and len(arg) > len(flag):
            return arg[len(flag):]
    return default


def run_check(cmd, *, input_lines=None, encoding=None, quiet=False, **kwargs):
    """``graphviz.backend.execute.run_check`` for a browser: ``dot -K<engine> -T<format>``
    answered by viz.js, as a ``subprocess.CompletedProcess``.  Only piping (input on
    stdin, output captured) is possible: there are no files to render into."""
    args = [str(a) for a in cmd]
    data = kwargs.get("input")
    if input_lines is not None:
        data = (b"" if encoding is None else "").join(input_lines)
    if data is None or "-o" in args or any(a.startswith("-O") for a in args):
        raise OSError("Graphviz in the browser can only pipe (Digraph.pipe(), Jupyter display); "
                      "rendering to a file needs the local or Binder JupyterLab")
    source = data.decode("utf-8") if isinstance(data, bytes) else data
    fmt = _option(args, "-T", "svg").split(":")[0]
    out = render(source, _option(args, "-K", "dot"), fmt)
    stdout = out if encoding is not None else out.encode("utf-8")
    return subprocess.CompletedProcess(args, 0, stdout=stdout, stderr=b"" if encoding is None else "")


def install() -> None:
    """Route the ``graphviz`` package's renders through :func:`run_check` and start loading."""
    import graphviz.backend.execute as execute
    execute.run_check = run_check
    start()
