"""Where k8snet runs: a local or Binder JupyterLab (CPython) or a browser (Pyodide/JupyterLite).

Cells that cannot run in a browser ask :func:`in_browser` and take the other path, so the
notebooks do not fork.
"""
from __future__ import annotations

import sys

__all__ = ["in_browser", "is_loopback"]


def in_browser() -> bool:
    """True under Pyodide (JupyterLite): no sockets, no threads, no subprocesses."""
    return sys.platform == "emscripten"


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (127.0.0.0/8, ::1): the only hosts the
    simulated cluster's servers (API, NodePorts, DNS) listen on, for the tools of this machine."""
    import ipaddress
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
