"""Golden-file comparison for tests/dns (STYLE.md 12): the suite's one golden check
(tests/conftest.py ``check_golden``: unified diff on mismatch, ``K8SNET_REGOLD=1`` rewrites the
files) on tests/golden/dns/."""
from __future__ import annotations

from tests.conftest import check_golden


def assert_golden(name: str, text: str) -> None:
    """Compare ``text`` with tests/golden/dns/<name>."""
    check_golden("dns", name, text)
