"""Fixtures shared by every test directory.

Only generic helpers live here; fixtures for one area belong in that area's own
``conftest.py`` (for example ``tests/browser/conftest.py``).

- ``repo_root``: the repository's top folder, as a :class:`pathlib.Path`.
- ``golden``: compare generated text with a file under ``tests/golden/<area>/``; run with
  ``K8SNET_REGOLD=1`` to (re)write the files instead.
"""
from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
GOLDEN_DIR = REPO_ROOT / "tests" / "golden"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository's top folder (where README.md and pyproject.toml are)."""
    return REPO_ROOT


def regold_requested() -> bool:
    """True when the environment asks to rewrite golden files (``K8SNET_REGOLD=1``)."""
    return os.environ.get("K8SNET_REGOLD", "") not in ("", "0", "false", "no")


def check_golden(area: str, name: str, actual: str) -> None:
    """Compare ``actual`` with ``tests/golden/<area>/<name>``, byte for byte.

    On a mismatch the test fails with a unified diff (expected -> actual). With
    ``K8SNET_REGOLD=1`` the file is written instead and the check passes.
    """
    path = GOLDEN_DIR / area / name
    if regold_requested():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8", newline="")
        return
    if not path.exists():
        pytest.fail(
            f"golden file {path.relative_to(REPO_ROOT)} does not exist; "
            "create it with K8SNET_REGOLD=1 and review it before committing",
            pytrace=False,
        )
    expected = path.read_text(encoding="utf-8")
    if expected != actual:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                fromfile=f"golden/{area}/{name}",
                tofile="actual",
            )
        )
        pytest.fail(
            f"output differs from golden/{area}/{name} "
            f"(K8SNET_REGOLD=1 rewrites it if the change is intended):\n{diff}",
            pytrace=False,
        )


@pytest.fixture
def golden():
    """The :func:`check_golden` function: ``golden("proxy", "basic.iptables", text)``."""
    return check_golden
