"""A widget's change reaches the kernel's worker without waiting for a timer (a build step on ``site/``).

JupyterLite connects JupyterLab's kernel client to the in-page kernel through mock-socket, a
stand-in for a WebSocket server in the same page.  mock-socket delivers every event a client
sends (``WebSocket.send``, and the open and close handshakes) through its ``delay`` helper,
``setTimeout(callback, 4)``, to imitate a network's asynchrony; the kernel's answers come back
synchronously (its server-side ``send``).  Timed in the page on chapter 08's canary view
(benchmarks/site.py, docs/site.md "Where a widget interaction's time goes"): between the
client's ``send`` of a dropdown's change and the page's kernel passing it on to the Web Worker
were 5-12 ms, the 4 ms timer plus the page re-rendering itself (every cell stays in the page)
before the timer's turn came.

This step makes ``delay`` queue the callback as a microtask instead: it still runs after the
sending script has returned (the client registers its reply handlers first, as with a real
socket), events keep their order (microtasks run first in, first out), and the kernel's worker
gets the change before the page spends its time on layout and paint, which then overlap
Python's work.  Nothing else in the site uses mock-socket.

The patch is a regular expression that must match exactly once in one built file (a new
JupyterLite whose mock-socket changed fails the build instead of being patched blindly).
"""
from __future__ import annotations

import re
from pathlib import Path

from .prewarm import one_file, patch_once

#: JupyterLab's built chunks, where JupyterLite's kernel server (with mock-socket) is.
BUILD = Path("build")
#: mock-socket's ``delay(callback, context)``, as minified: ``setTimeout(function(c){return
#: callback.call(c)}, 4, context)``.
DELAY_PATCH = ("mock-socket's delay",
               r"function (\w+)\((\w+),(\w+)\)\{setTimeout\(function\((\w+)\)\{return \2\.call\(\4\)\},4,\3\)\}",
               r"function \1(\2,\3){Promise.resolve(\3).then(function(\4){return \2.call(\4)})}")
#: ``delay`` once patched (a rebuilt site's chunk is patched once only).
PATCHED = r"function \w+\((\w+),(\w+)\)\{Promise\.resolve\(\2\)\.then\(function\((\w+)\)\{return \1\.call\(\3\)\}\)\}"
#: A string only mock-socket's chunk has (the type of a client's message event).
MOCK_SOCKET = "server::message"


def add_prompt_socket(site: Path) -> Path:
    """Patch mock-socket's ``delay`` in the built ``site``; returns the patched file.
    A site already patched is left as it is."""
    chunk = one_file(site / BUILD, "*.js", MOCK_SOCKET)
    text = chunk.read_text(encoding="utf-8")
    if re.search(PATCHED, text) is None:
        chunk.write_text(patch_once(text, *DELAY_PATCH[:2], DELAY_PATCH[2], chunk.name), encoding="utf-8")
    return chunk
