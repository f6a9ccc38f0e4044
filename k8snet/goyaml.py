"""YAML as ``sigs.k8s.io/yaml`` (go-yaml v2) writes JSON-shaped data: what ``kubectl get -o
yaml`` prints, and the text kubeadm stores in its ConfigMaps (``kubeadm-config``,
``kubelet-config``, ``kube-proxy``'s ``config.conf``).

* keys sorted in go-yaml's order (non-letters before letters, digit runs compared as
  numbers: yaml.v2 sorter.go ``keyList.Less``), 2-space indent, list items at their key's
  indentation;
* strings that would read back as another type double-quoted (``"80"``, ``"true"``,
  ``"2025-01-01T00:00:00Z"``: encode.go ``stringv``), multi-line strings as ``|`` blocks,
  long plain strings folded at 80 columns;
* floats as Go formats them (:func:`k8snet.gojson.format_float`).

It lives outside :mod:`k8snet.kubectl` so that building a cluster (whose bootstrap writes
those ConfigMaps) does not load kubectl's printers.
"""
from __future__ import annotations

import re
from typing import Any

import yaml

from . import gojson

__all__ = ["to_yaml", "go_yaml_key"]

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
    """go-yaml v2's text of ``obj`` (``kubectl get -o yaml`` of one object or of a List)."""
    return yaml.dump(obj, Dumper=_GoYAMLDumper, default_flow_style=False, allow_unicode=True,
                     sort_keys=False, width=80, indent=2)
