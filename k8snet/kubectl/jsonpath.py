"""kubectl's JSONPath (``-o jsonpath=...``), following client-go ``util/jsonpath``.

The template is text with actions in ``{}``: ``{.items[*].metadata.name}``,
``{range .items[*]}{.metadata.name}{"\\n"}{end}``, ``{.spec.ports[?(@.name=="http")].port}``,
``{..podIP}``, ``{.items[-1:]}``, ``{.metadata.labels.app\\.kubernetes\\.io/name}``.

Results of one action are joined by single spaces; maps and lists print as compact JSON
(keys sorted), scalars as Go's ``fmt`` prints them.  kubectl runs templates with
``--allow-missing-template-keys=true``, so a missing field prints nothing; set
``allow_missing_keys=False`` to get client-go's ``x is not found`` error instead.

Deviation: Go visits map entries in random order for ``*`` and ``..``; we use sorted keys.
"""
from __future__ import annotations

from typing import Any

from . import gojson
from .jsonpath_parse import (JSONPathError, _Array, _Field, _Filter, _Identifier, _List, _Literal,
                             _Recursive, _Text, _Union, _Wildcard, parse)

__all__ = ["JSONPath", "JSONPathError", "execute", "find_results"]


# --- evaluation (client-go jsonpath/jsonpath.go) -------------------------------------

def _go_type(value: Any) -> str:
    if isinstance(value, dict):
        return "map[string]interface {}"
    if isinstance(value, list):
        return "[]interface {}"
    return {bool: "bool", int: "int64", float: "float64", str: "string"}.get(type(value), "interface {}")


def _children(value: Any) -> list:
    if isinstance(value, dict):
        return [value[k] for k in sorted(value)]
    if isinstance(value, list):
        return list(value)
    if isinstance(value, str):
        return list(value.encode())
    return []


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    raise JSONPathError("invalid type for comparison")


def _compare(op: str, left: Any, right: Any) -> bool:
    # third_party/forked/golang/template funcs.go: same basic kind or an error.
    kl, kr = _kind(left), _kind(right)
    if kl != kr:
        raise JSONPathError("incompatible types for comparison")
    if op in ("==", "!="):
        return (left == right) == (op == "==")
    if kl == "bool":
        raise JSONPathError("invalid type for comparison")
    return {"<": left < right, ">": left > right, "<=": left <= right, ">=": left >= right}[op]


class JSONPath:
    """A parsed template; ``execute(data)`` returns the text kubectl prints."""

    def __init__(self, template: str, *, allow_missing_keys: bool = True):
        self.template = template
        self.allow_missing_keys = allow_missing_keys
        self._root = parse(template)

    def find_results(self, data: Any) -> list[list[Any]]:
        """client-go FindResults: one list of values per top-level node."""
        self._begin = self._in = self._end = 0
        self._last_end = -1
        return self._find(data, 0)

    def execute(self, data: Any) -> str:
        """client-go Execute: each node's results joined by spaces, nodes concatenated."""
        return "".join(" ".join(gojson.format_value(v) for v in results)
                       for results in self.find_results(data))

    def _find(self, data: Any, start: int) -> list[list[Any]]:
        nodes, full, i = self._root.nodes, [], start
        while i < len(nodes):
            results = self._walk([data], nodes[i])
            if 0 < self._end <= self._in:
                self._end -= 1
                self._last_end = i
                break
            if self._begin > 0:
                self._begin -= 1
                self._in += 1
                for value in results:
                    full.extend(self._find(value, i + 1))
                if not results:
                    self._find(None, i + 1)
                self._in -= 1
                for k in range(i + 1, len(nodes)):
                    if k == self._last_end:
                        i = k
                        break
                i += 1
                continue
            full.append(results)
            i += 1
        return full

    def _walk(self, values: list, node: Any) -> list:
        if isinstance(node, _List):
            for child in node.nodes:
                values = self._walk(values, child)
            return values
        if isinstance(node, _Text):
            return [node.text]
        if isinstance(node, _Literal):
            return [node.value for _ in values]
        if isinstance(node, _Field):
            return self._eval_field(values, node)
        if isinstance(node, _Array):
            return self._eval_array(values, node)
        if isinstance(node, _Filter):
            return self._eval_filter(values, node)
        if isinstance(node, _Wildcard):
            return [c for v in values if v is not None for c in _children(v)]
        if isinstance(node, _Recursive):
            return self._eval_recursive(values)
        if isinstance(node, _Union):
            return [r for lst in node.lists for r in self._walk(values, lst)]
        if isinstance(node, _Identifier):
            if node.name == "range":
                self._begin += 1
                return values
            if node.name == "end":
                if self._in > 0:
                    self._end += 1
                    return []
                raise JSONPathError("not in range, nothing to end")
            raise JSONPathError(f"unrecognized identifier {node.name}")
        raise JSONPathError(f"unexpected Node {node!r}")

    def _eval_field(self, values: list, node: _Field) -> list:
        if not values:
            return []
        results = [v[node.name] for v in values if isinstance(v, dict) and node.name in v]
        if not results and not self.allow_missing_keys:
            raise JSONPathError(f"{node.name} is not found")
        return results

    def _eval_array(self, values: list, node: _Array) -> list:
        result = []
        for value in values:
            if value is None:
                continue
            if not isinstance(value, list):
                raise JSONPathError(f"{_go_type(value)} is not array or slice")
            (p0, k0, _), (p1, k1, d1), (p2, k2, _) = node.params
            length = len(value)
            p0 = p0 if k0 else 0
            if p0 < 0:
                p0 += length
            p1 = p1 if k1 else length
            if p1 < 0 or (p1 == 0 and d1):
                p1 += length
            if p1 == p0:
                return result
            if p0 >= length or p0 < 0:
                raise JSONPathError(f"array index out of bounds: index {p0}, length {length}")
            if p1 > length or p1 < 0:
                raise JSONPathError(f"array index out of bounds: index {p1 - 1}, length {length}")
            if p0 > p1:
                raise JSONPathError(f"starting index {p0} is greater than ending index {p1}")
            step = 1
            if k2:
                if p2 <= 0:
                    raise JSONPathError("step must be > 0")
                step = p2
            result.extend(value[p0:p1:step])
        return result

    def _eval_recursive(self, values: list) -> list:
        result = []
        for value in values:
            if value is None:
                continue
            children = _children(value)
            if children:
                result.append(value)
                result.extend(self._eval_recursive(children))
        return result

    def _eval_filter(self, values: list, node: _Filter) -> list:
        results = []
        for value in values:
            if not isinstance(value, list):
                raise JSONPathError(f"{gojson.format_value(value)} is not array or slice and cannot be filtered")
            for item in value:
                if node.op == "exists":
                    try:
                        lefts = self._walk([item], node.left)
                    except JSONPathError:
                        lefts = []
                    if lefts:
                        results.append(item)
                    continue
                lefts = self._walk([item], node.left)
                if not lefts:
                    continue
                if len(lefts) > 1:
                    raise JSONPathError("can only compare one element at a time")
                rights = self._walk([item], node.right)
                if not rights:
                    continue
                if len(rights) > 1:
                    raise JSONPathError("can only compare one element at a time")
                if node.op not in ("==", "!=", "<", ">", "<=", ">="):
                    raise JSONPathError(f"unrecognized filter operator {node.op}")
                if _compare(node.op, lefts[0], rights[0]):
                    results.append(item)
        return results


def find_results(template: str, data: Any, *, allow_missing_keys: bool = True) -> list[list[Any]]:
    """Parse ``template`` and return client-go's FindResults for ``data``."""
    return JSONPath(template, allow_missing_keys=allow_missing_keys).find_results(data)


def execute(template: str, data: Any, *, allow_missing_keys: bool = True) -> str:
    """What ``kubectl get -o jsonpath=<template>`` prints for ``data`` (no trailing newline)."""
    return JSONPath(template, allow_missing_keys=allow_missing_keys).execute(data)
