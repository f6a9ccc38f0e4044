"""The built JupyterLite site (``./course site`` -> ``site/``) served on 127.0.0.1, for tests.

:class:`SiteServer` is a plain static file server (a thread of this process, random port)
with the types a browser insists on for modules and WebAssembly and GitHub Pages' caching
header.  It offers what the
browser tests ask of a :class:`~tests.browser.jlab_server.LabServer`: ``url(path)`` maps
Lab's ``/lab/tree/<path>`` to the site's ``lab/index.html?path=<path>``; the kernel lives
in the page, so its sessions are read from the page (see ``jlab_browser.Lab.sessions``).
"""
from __future__ import annotations

import functools
import http.server
import threading
import urllib.parse
from pathlib import Path

from .jlab_server import free_port

TYPES = {
    ".mjs": "text/javascript", ".js": "text/javascript", ".wasm": "application/wasm",
    ".json": "application/json", ".whl": "application/zip", ".zip": "application/zip",
    ".ipynb": "application/json", ".webmanifest": "application/manifest+json",
    ".svg": "image/svg+xml", ".css": "text/css", ".html": "text/html",
}


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **TYPES}

    def log_message(self, fmt, *args):  # keep pytest's output clean; requests are in .log
        self.server.requests.append(self.path)

    def end_headers(self):
        # What GitHub Pages sends (Cache-Control: max-age=600, with Last-Modified, which the
        # base class sends and answers If-Modified-Since with 304), so a second visit in the
        # same browser measures what a learner's second visit gets.  Every test browser has a
        # fresh profile, so nothing stale from an older build reaches it.
        self.send_header("Cache-Control", "max-age=600")
        super().end_headers()


class SiteServer:
    """Serve ``site_dir`` on ``http://127.0.0.1:<port>``; :meth:`start`, :meth:`close`."""

    def __init__(self, site_dir: Path) -> None:
        self.site_dir = Path(site_dir).resolve()
        self.root_dir = self.site_dir / "files"   # where the notebooks are, as in Lab's root
        self.port = 0
        self._httpd: http.server.ThreadingHTTPServer | None = None
        self.in_page_kernel = True

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        """A browser address: Lab's ``/lab/tree/<nb>`` becomes the site's ``lab/index.html?path=<nb>``."""
        if path.startswith("/lab/tree/"):
            notebook = urllib.parse.unquote(path[len("/lab/tree/"):].split("?")[0])
            return f"{self.base_url}/lab/index.html?path={urllib.parse.quote(notebook)}"
        return self.base_url + path

    def start(self) -> "SiteServer":
        """Start serving in a daemon thread."""
        handler = functools.partial(_Handler, directory=str(self.site_dir))
        self._httpd = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
        self._httpd.requests = []
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    @property
    def requests(self) -> list[str]:
        """Every path requested so far."""
        return self._httpd.requests if self._httpd else []

    def log_tail(self, lines: int = 15) -> str:
        """The last paths requested (what a failure message shows instead of a server log)."""
        return "\n".join(self.requests[-lines:])

    def sessions(self) -> list[dict]:
        """Nothing to ask a server: the page holds the kernels (``Lab.sessions`` reads them)."""
        return []

    def close(self) -> None:
        """Stop serving."""
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
