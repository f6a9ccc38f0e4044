"""``kubectl get -o json|yaml|name|jsonpath=...|custom-columns=...``.

kubectl reads objects as unstructured maps, so:

* ``-o json`` is Go's ``json.MarshalIndent(obj, "", "    ")``: keys sorted, 4 spaces;
* ``-o yaml`` is ``sigs.k8s.io/yaml`` (go-yaml v2): keys sorted with go-yaml's order
  (non-letters before letters, digit runs compared as numbers), 2-space indent, list
  items at their key's indentation, strings that would read back as another type
  double-quoted (``"80"``, ``"true"``, ``"2025-01-01T00:00:00Z"``), multi-line strings as
  ``|`` blocks, long plain strings folded at 80 columns;
* several objects (or a ``get`` without names) become one
  ``{"apiVersion": "v1", "items": [...], "kind": "List", "metadata": {"resourceVersion": ""}}``
  (get.go printGeneric).
"""
from __future__ import annotations

import re
from typing import Any, Mapping, Sequence

from .. import gojson
from ..errors import UsageError
from ..goyaml import go_yaml_key, to_yaml
from .jsonpath import JSONPath
from .tabwriter import table_writer

__all__ = ["Printed", "as_list", "to_json", "to_yaml", "to_name", "to_jsonpath", "to_custom_columns",
           "go_yaml_key", "relaxed_jsonpath_expression"]



class Printed(str):
    """What a kubectl command printed, carrying the exit status kubectl ends with: 0, or 1
    after an error (cmdutil.CheckErr's DefaultErrorExitCode); ``kubectl exec`` passes the
    program's own status on.  A ``str``, so callers that only want the text are unchanged."""

    exit_code: int

    def __new__(cls, text: str, exit_code: int = 0) -> "Printed":
        self = super().__new__(cls, text)
        self.exit_code = exit_code
        return self

def as_list(objects: Sequence[Mapping]) -> dict:
    """The ``List`` kubectl builds around several objects (get.go printGeneric)."""
    return {"apiVersion": "v1", "items": list(objects), "kind": "List",
            "metadata": {"resourceVersion": ""}}


def to_json(obj: Any) -> str:
    """``-o json``: 4-space indented, keys sorted, Go's escaping; ends with a newline."""
    return gojson.marshal(obj, indent="    ") + "\n"


# --- -o name, jsonpath, custom-columns ----------------------------------------------------

def to_name(objects: Sequence[Mapping]) -> str:
    """``-o name``: ``service/web``, ``deployment.apps/web`` (cli-runtime NamePrinter), one a line."""
    lines = []
    for obj in objects:
        group = obj.get("apiVersion", "").rpartition("/")[0]
        prefix = obj.get("kind", "").lower() + (f".{group}" if group else "")
        name = (obj.get("metadata") or {}).get("name") or "<unknown>"
        lines.append(f"{prefix}/{name}\n")
    return "".join(lines)


def to_jsonpath(template: str, data: Any) -> str:
    """``-o jsonpath=<template>``: kubectl runs it on the object (or on the List), with
    missing keys allowed; nothing is appended (no trailing newline)."""
    return JSONPath(template, allow_missing_keys=True).execute(data)


_RELAXED = re.compile(r"^\{\.?([^{}]+)\}$|^\.?([^{}]+)$")


def relaxed_jsonpath_expression(path: str) -> str:
    """get/customcolumn.go RelaxedJSONPathExpression: ``{.a}``, ``{a}``, ``.a``, ``a`` all
    mean ``{.a}``; anything else is refused in its words."""
    if not path:
        return path
    m = _RELAXED.match(path)
    if not m:
        raise UsageError("unexpected path string, expected a 'name1.name2' or '.name1.name2' "
                         "or '{name1.name2}' or '{.name1.name2}'")
    return "{." + (m.group(1) or m.group(2)) + "}"


def to_custom_columns(spec: str, objects: Sequence[Mapping], *, no_headers: bool = False) -> str:
    """``-o custom-columns=NAME:.metadata.name,IP:.status.podIP`` (kubectl customcolumn.go):
    each cell is the column's results joined by ``,``; ``<none>`` when there are none."""
    if not spec:
        raise UsageError("custom-columns format specified but no custom columns given")
    columns = []
    for part in spec.split(","):
        name, sep, path = part.partition(":")
        if not sep:
            raise UsageError(f"unexpected custom-columns spec: {part}, expected <header>:<json-path-expr>")
        columns.append((name, JSONPath(relaxed_jsonpath_expression(path), allow_missing_keys=True)))
    out = table_writer()
    if not no_headers:
        out.write("\t".join(name for name, _ in columns) + "\n")
    for obj in objects:
        cells = []
        for _, path in columns:
            results = path.find_results(obj)
            texts = [] if results and results[0] else ["<none>"]
            texts += [gojson.sprint(v) for result in results for v in result]
            cells.append(",".join(texts))
        out.write("\t".join(cells) + "\n")
    return out.getvalue()
