"""URL path matching shared by Ingress (``Prefix``) and HTTPRoute (``PathPrefix``).

Both APIs define a prefix as element-wise on ``/``: "``/abc``, ``/abc/`` and ``/abc/def``
would all match the prefix ``/abc``, but the path ``/abcd`` would not"; a trailing ``/`` in
the prefix is ignored (ingress.md "Examples", httproute_types.go PathMatchPathPrefix).
"""
from __future__ import annotations

__all__ = ["split_query", "path_elements", "prefix_matches", "replace_prefix"]


def split_query(path: str) -> tuple[str, str]:
    """``"/a?x=1"`` -> ``("/a", "x=1")``; the query is ``""`` when absent."""
    p, _, q = path.partition("?")
    return (p or "/"), q


def path_elements(path: str) -> tuple[str, ...]:
    """The ``/``-separated elements of a path, empty ones dropped: ``/a//b/`` -> ``("a", "b")``."""
    return tuple(e for e in path.split("/") if e)


def prefix_matches(prefix: str, path: str) -> bool:
    """Element-wise prefix match: ``/aaa/bbb`` matches ``/aaa/bbb/ccc`` but not ``/aaa/bbbxyz``."""
    want = path_elements(prefix)
    have = path_elements(path)
    return have[: len(want)] == want


def replace_prefix(path: str, prefix: str, replacement: str) -> str:
    """``ReplacePrefixMatch``: swap the matched prefix elements for ``replacement``.

    Follows the table in httproute_types.go HTTPPathModifier: ``/foo/bar`` with prefix
    ``/foo`` and replacement ``/xyz`` or ``/xyz/`` gives ``/xyz/bar``; an empty
    replacement or ``/`` gives ``/bar``; ``/foo/`` gives ``/xyz/`` (a trailing slash stays).
    """
    rest = path_elements(path)[len(path_elements(prefix)):]
    out = replacement.rstrip("/") + ("/" + "/".join(rest) if rest else "")
    if path.endswith("/") and not out.endswith("/"):
        out += "/"
    return out or "/"
