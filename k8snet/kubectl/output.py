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

import yaml

from ..errors import UsageError
from . import gojson
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


# --- YAML as go-yaml v2 writes it ------------------------------------------------------

_BOOL_NULL = {"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE",
              "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF",
              "", "~", "null", "Null", "NULL", ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF",
              "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", "<<"}
_INT = re.compile(r"^[-+]?(0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|[1-9][0-9]*|0)$")
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_DOT_FLOAT = re.compile(r"^\.[0-9]+([eE][-+]?[0-9]+)?$")
_BASE60 = re.compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$")
_TIMESTAMP = re.compile(r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
                        r"(([Tt][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\.[0-9]+)?(Z|[-+][0-9]{2}:[0-9]{2}))"
                        r"|( [0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\.[0-9]+)?))?$")


def _needs_quotes(s: str) -> bool:
    # go-yaml v2 encode.go stringv: quote when resolve() would not give back a string
    # (bool/null/int/float/timestamp/merge) or the text looks like a base-60 float.
    if s in _BOOL_NULL or _BASE60.match(s):
        return True
    first = s[0]
    if first == ".":
        return bool(_DOT_FLOAT.match(s))
    if first in "+-" or first.isdigit():
        plain = s.replace("_", "")
        return bool(_INT.match(plain) or _FLOAT.match(plain) or _TIMESTAMP.match(s))
    return False


def go_yaml_key(key: Any) -> tuple:
    """A sort key giving go-yaml v2's map key order (yaml.v2 sorter.go keyList.Less)."""
    s = str(key)
    parts: list[tuple] = []
    i = 0
    while i < len(s):
        ch = s[i]
        if ch.isdigit():
            j = i
            while j < len(s) and s[j].isdigit():
                j += 1
            # numbers compare by value, then by length (more leading zeros later)
            parts.append((1, int(s[i:j]), j - i, ""))
            i = j
        elif ch.isalpha():
            parts.append((2, 0, 0, ch))
            i += 1
        else:
            parts.append((0, 0, 0, ch))
            i += 1
    return tuple(parts)


class _GoYAMLDumper(yaml.SafeDumper):
    """A PyYAML dumper that writes what go-yaml v2 writes for JSON-shaped data."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    if "\n" in data:
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
    if _needs_quotes(data):
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style='"')
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


def _represent_dict(dumper: yaml.SafeDumper, data: dict) -> yaml.MappingNode:
    items = sorted(data.items(), key=lambda kv: go_yaml_key(kv[0]))
    return dumper.represent_mapping("tag:yaml.org,2002:map", items)


def _represent_float(dumper: yaml.SafeDumper, data: float) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:float", gojson.format_float(data))


_GoYAMLDumper.add_representer(str, _represent_str)
_GoYAMLDumper.add_representer(dict, _represent_dict)
_GoYAMLDumper.add_representer(float, _represent_float)


def _resolve(self, kind, value, implicit):
    # Plain scalars resolve as go-yaml would, so PyYAML's own YAML 1.1 implicit types
    # never force quotes that Go would not write (e.g. ``=`` or ``0o17``).
    if kind is yaml.ScalarNode and implicit[0]:
        if value in ("true", "false"):
            return "tag:yaml.org,2002:bool"
        if value == "null":
            return "tag:yaml.org,2002:null"
        if _INT.match(value):
            return "tag:yaml.org,2002:int"
        if _needs_quotes(value):
            return "tag:yaml.org,2002:float"
        return "tag:yaml.org,2002:str"
    return yaml.resolver.Resolver.resolve(self, kind, value, implicit)


_GoYAMLDumper.resolve = _resolve


def to_yaml(obj: Any) -> str:
    """``-o yaml`` of one object (or of :func:`as_list`)."""
    return yaml.dump(obj, Dumper=_GoYAMLDumper, default_flow_style=False, allow_unicode=True,
                     sort_keys=False, width=80, indent=2)


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
