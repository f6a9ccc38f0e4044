"""Golden-file comparison for tests/dns (STYLE.md 12): unified diff on mismatch,
``K8SNET_REGOLD=1`` rewrites the files."""
from __future__ import annotations

import difflib
import os
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "dns"


def assert_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("K8SNET_REGOLD") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return
    assert path.exists(), f"{path} is missing; run with K8SNET_REGOLD=1 to write it"
    expected = path.read_text()
    if text != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), text.splitlines(True),
                                            f"golden/dns/{name}", "actual"))
        raise AssertionError(f"output differs from golden/dns/{name}:\n{diff}")
