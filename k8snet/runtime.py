"""Where k8snet runs: a local or Binder JupyterLab (CPython) or a browser (Pyodide/JupyterLite).

Cells that cannot run in a browser ask :func:`in_browser` and take the other path, so the
notebooks do not fork.
"""
from __future__ import annotations

import sys

__all__ = ["in_browser"]


def in_browser() -> bool:
    """True under Pyodide (JupyterLite): no sockets, no threads, no subprocesses."""
    return sys.platform == "emscripten"
