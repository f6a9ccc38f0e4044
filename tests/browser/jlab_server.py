"""A JupyterLab server for browser tests: random port and token, isolated settings.

:class:`LabServer` starts ``jupyter lab`` on 127.0.0.1 with a random free port and a random
token, and ``--ServerApp.port_retries=0`` so a clash fails instead of silently moving to
another port. Lab's user settings and workspaces live in a fresh temporary folder, so the
tests never see (or change) a learner's own settings, and the settings that make Lab
predictable for a test (no news toast, every cell attached to the page, no autosave) are
written there instead of into the virtual environment.

Stopping asks the server to shut down (``POST /api/shutdown``, which also shuts down its
kernels), then terminates whatever the server started that is still alive, by process id.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil  # a dependency of ipykernel, so it is always there with Jupyter

# Settings for the isolated user-settings folder, by plugin id. Why each one:
LAB_SETTINGS = {
    # The "Would you like to receive official Jupyter news?" toast covers the notebook.
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
    # Lab 4 may detach cells outside the viewport; tests need every cell in the page.
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
    # Tests run copies of the notebooks; autosave would only race with the test.
    "@jupyterlab/docmanager-extension:plugin": {"autosave": False},
}

START_TIMEOUT = 60.0


class LabServerError(RuntimeError):
    """The JupyterLab server did not start or answer; the message holds its log's tail."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_lab_settings(settings_dir: Path) -> None:
    """Write :data:`LAB_SETTINGS` as Lab user-settings files under ``settings_dir``."""
    for plugin_id, values in LAB_SETTINGS.items():
        package, plugin = plugin_id.split(":")
        path = settings_dir / package / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values, indent=2), encoding="utf-8")


class LabServer:
    """One ``jupyter lab`` process serving ``root_dir``; use :meth:`start` and :meth:`stop`."""

    def __init__(self, root_dir: Path, *, python: str = sys.executable) -> None:
        self.root_dir = Path(root_dir).resolve()
        self.python = python
        self.token = secrets.token_hex(16)
        self.port = 0
        self.process: subprocess.Popen | None = None
        self._work = Path(tempfile.mkdtemp(prefix="k8snet-lab-"))
        self.log_path = self._work / "server.log"

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        """The address of ``path`` (e.g. ``/lab/tree/x.ipynb``) with the token, for a browser."""
        sep = "&" if "?" in path else "?"
        return f"{self.base_url}{path}{sep}token={self.token}"

    def api(self, method: str, path: str, body: dict | None = None, timeout: float = 10.0):
        """Call the server's REST API; returns the decoded JSON (or None for no content)."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            self.base_url + path,
            data=data,
            method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            text = resp.read().decode()
        return json.loads(text) if text.strip() else None

    def log_tail(self, lines: int = 40) -> str:
        """The last lines the server printed, for failure messages."""
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"

    def start(self, attempts: int = 3) -> "LabServer":
        """Start the server and wait until ``/api/status`` answers; retries on a port clash."""
        settings = self._work / "settings"
        write_lab_settings(settings)
        env = dict(os.environ)
        env.update(
            JUPYTER_CONFIG_DIR=str(self._work / "config"),      # ignore ~/.jupyter
            JUPYTER_RUNTIME_DIR=str(self._work / "runtime"),
            IPYTHONDIR=str(self._work / "ipython"),
            PYTHONUNBUFFERED="1",
        )
        for attempt in range(1, attempts + 1):
            self.port = free_port()
            args = [
                self.python, "-m", "jupyterlab",
                "--no-browser", "--allow-root",
                "--ip=127.0.0.1", f"--port={self.port}",
                "--ServerApp.port_retries=0",
                f"--IdentityProvider.token={self.token}",
                f"--ServerApp.root_dir={self.root_dir}",
                # window.jupyterapp lets the tests read cell state from Lab's own models.
                "--LabApp.expose_app_in_browser=True",
                f"--LabApp.user_settings_dir={settings}",
                f"--LabApp.workspaces_dir={self._work / 'workspaces'}",
            ]
            log = open(self.log_path, "w")
            self.process = subprocess.Popen(
                args, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                cwd=self.root_dir, env=env, start_new_session=True,
            )
            log.close()
            if self._wait_ready():
                return self
            tail = self.log_tail()
            self.stop()
            if "already in use" not in tail or attempt == attempts:
                raise LabServerError(
                    f"JupyterLab did not answer /api/status within {START_TIMEOUT:.0f} s "
                    f"(port {self.port}). Server log:\n{tail}"
                )
        raise AssertionError("unreachable")

    def _wait_ready(self) -> bool:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                self.api("GET", "/api/status", timeout=2)
                return True
            except (urllib.error.URLError, ConnectionError, TimeoutError, json.JSONDecodeError):
                time.sleep(0.25)
        return False

    def sessions(self) -> list[dict]:
        """``GET /api/sessions``: one entry per open notebook with its kernel's state."""
        return self.api("GET", "/api/sessions")

    def stop(self) -> None:
        """Shut the server and its kernels down; kill what is left of them, by pid."""
        proc, self.process = self.process, None
        if proc is None:
            return
        started = []
        try:
            started = psutil.Process(proc.pid).children(recursive=True)
        except psutil.Error:
            pass
        if proc.poll() is None:
            try:
                self.api("POST", "/api/shutdown", timeout=5)
            except (urllib.error.URLError, ConnectionError, TimeoutError, json.JSONDecodeError):
                pass
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.terminate()
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=5)
        # Kernels the server started and did not stop (it normally does).
        alive = [p for p in started if p.is_running()]
        for p in alive:
            p.terminate()
        _, still = psutil.wait_procs(alive, timeout=5)
        for p in still:
            p.kill()

    def close(self) -> None:
        """:meth:`stop`, then remove the temporary folder (settings, log, runtime files)."""
        self.stop()
        shutil.rmtree(self._work, ignore_errors=True)
