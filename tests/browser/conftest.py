"""Fixtures for the JupyterLab end-to-end tests.

A per-notebook test reads like::

    def test_pods(lab):
        nb = lab.open("notebooks/01_pods.ipynb")
        nb.run_all()
        nb.assert_no_errors()
        with nb.expect_change(".widget-html"):
            nb.widget(".widget-dropdown").select("web")
        nb.screenshot("01-after")

- ``lab``: a fresh Chromium on the session's JupyterLab server, whose root is a *copy* of the
  repository (Lab saves notebooks; the tests must never rewrite the real ones).
- ``make_lab(root_dir)``: a server of its own on another folder (e.g. ``tmp_path``) plus a
  fresh Chromium; both are stopped when the test ends.

Every test that uses ``lab`` runs on each target in ``$K8SNET_BROWSER_TARGETS``
(comma-separated; default both): JupyterLab (``[jupyterlab]``) and the static JupyterLite site
built from this working tree by tools/site (``[site]``: ``site_server``; Python runs in the
page, every non-loopback request is refused and the test fails if one is made).
``./course test`` sets ``jupyterlab`` (test_site.py still builds and checks the site);
``./course test --site`` sets both.

Every browser test is marked ``browser`` and skipped, with the reason, when Chromium or the
Playwright client is missing (``./course test`` installs both). A failing test leaves a
screenshot ``FAILED-<test>.png`` in ``tests/browser/screenshots/``.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from .jlab_browser import Lab
from .jlab_server import LabServer
from .site_server import SiteServer

REPO_ROOT = Path(__file__).resolve().parents[2]
# What the copy of the repository served to the browser leaves out.
COPY_IGNORE = shutil.ignore_patterns(
    ".git", ".venv", "venv", "__pycache__", ".pytest_cache", ".ipynb_checkpoints",
    "*.egg-info", "build", "dist", "screenshots", ".benchmarks",
)
#: Where the ``lab`` tests run: JupyterLab, and the static site (see the module docstring).
BROWSER_TARGETS = tuple(t for t in os.environ.get("K8SNET_BROWSER_TARGETS", "jupyterlab,site").split(",") if t)
CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium() -> str | None:
    """``$K8SNET_CHROMIUM``, else Debian's ``/usr/bin/chromium``, else another Chrome on PATH."""
    explicit = os.environ.get("K8SNET_CHROMIUM")
    if explicit:
        return explicit if os.access(explicit, os.X_OK) else None
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def pytest_collection_modifyitems(config, items):
    """Mark every test under tests/browser as ``browser``."""
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, so fixtures can tell that the test failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """The Chromium binary to drive; skips the test when there is none."""
    path = find_chromium()
    if path is None:
        pytest.skip("Chromium not found (Debian: apt-get install chromium; or set K8SNET_CHROMIUM)")
    return path


@pytest.fixture(scope="session")
def playwright_driver():
    """A started Playwright (Python client only: the browser is the system's Chromium)."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright client is not installed")
    driver = sync_api.sync_playwright().start()
    yield driver
    driver.stop()


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory, chromium_path):
    """One JupyterLab server for the session, serving a copy of the repository."""
    root = tmp_path_factory.mktemp("course") / "k8snet"
    shutil.copytree(REPO_ROOT, root, ignore=COPY_IGNORE, symlinks=True)
    server = LabServer(root).start()
    yield server
    server.close()


def _close_lab(request, lab: Lab) -> None:
    report = getattr(request.node, "report_call", None)
    try:
        if report is not None and report.failed:
            lab.screenshot(f"FAILED-{request.node.name}")
    finally:
        lab.close()


@pytest.fixture(scope="session")
def site_server(tmp_path_factory, chromium_path):
    """The static JupyterLite site built from this working tree (``./course site``'s build,
    into a temporary folder; downloads cached in build/site-cache), served on 127.0.0.1."""
    from tools.site.build import build
    site = build(tmp_path_factory.mktemp("site") / "site")
    server = SiteServer(site).start()
    yield server
    server.close()


@pytest.fixture(params=BROWSER_TARGETS)
def lab(request, playwright_driver, chromium_path):
    """A fresh Chromium on the session's JupyterLab server or on the static site (see the
    module docstring); kernels it started are shut down after the test."""
    on_site = request.param == "site"
    server = request.getfixturevalue("site_server" if on_site else "lab_server")
    browser_lab = Lab(server, playwright_driver, chromium_path)
    yield browser_lab
    outside = list(browser_lab.outside_requests)
    _close_lab(request, browser_lab)
    if on_site:
        assert not outside, f"the static site asked hosts other than 127.0.0.1: {outside[:10]}"
        return
    for session in server.sessions():
        if session.get("path") in browser_lab.opened:
            server.api("DELETE", f"/api/sessions/{session['id']}")


@pytest.fixture
def make_lab(request, playwright_driver, chromium_path):
    """``make_lab(root_dir)`` -> a :class:`Lab` on a new server for ``root_dir``; all stopped after."""
    made: list[tuple[LabServer, Lab]] = []

    def factory(root_dir) -> Lab:
        server = LabServer(Path(root_dir)).start()
        try:
            browser_lab = Lab(server, playwright_driver, chromium_path)
        except BaseException:
            server.close()
            raise
        made.append((server, browser_lab))
        return browser_lab

    yield factory
    for server, browser_lab in made:
        try:
            _close_lab(request, browser_lab)
        finally:
            server.close()
