"""What the API server does with a custom resource (Gateway API kinds are CRDs): structural
defaulting, OpenAPI schema validation and ``x-kubernetes-validations`` (CEL) rules, with the
wording of ``apiextensions-apiserver`` (Kubernetes 1.33) and kube-openapi's validator::

    spec.listeners[0].port: Invalid value: 70000: spec.listeners[0].port in body should be less than or equal to 65535
    spec.listeners[0].port: Invalid value: "string": spec.listeners[0].port in body must be of type integer: "string"
    spec.listeners[0].protocol: Required value
    spec.listeners[0].allowedRoutes.namespaces.from: Unsupported value: "Any": supported values: "All", "Selector", "Same"
    spec.listeners: Invalid value: "array": Listener name must be unique within the Gateway

A :class:`Schema` is a small subset of an OpenAPI v3 schema; a :class:`Rule` is a CEL rule
rewritten as a Python predicate over the (defaulted) value, carrying the CRD's message.
CEL rules are skipped, as upstream does, when the schema check found a "blocking" error.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from ...errors import ErrorType, FieldError

__all__ = ["Schema", "Rule", "validate_schema", "apply_defaults", "unknown_fields", "MISSING", "BLOCKED"]

MISSING = object()
#: The error apiextensions adds when CEL rules were skipped (hasBlockingErr).
BLOCKED = FieldError.invalid("<nil>", "null", "some validation rules were not checked because the object "
                             "was invalid; correct the existing errors to complete validation")


@dataclass(frozen=True)
class Rule:
    """A ported ``x-kubernetes-validations`` rule: ``check(value, old)`` must be true.
    ``transition`` rules (using ``oldSelf``) only run on update."""

    message: str
    check: Callable[..., bool]
    transition: bool = False


@dataclass(frozen=True)
class Schema:
    """One node of a structural schema (the keywords Gateway API CRDs use)."""

    type: str                                   # object | array | string | integer | boolean
    props: Mapping[str, "Schema"] = field(default_factory=dict)
    items: "Schema | None" = None
    values: "Schema | None" = None              # additionalProperties (a map)
    required: tuple[str, ...] = ()
    enum: tuple | None = None
    pattern: str | None = None
    minimum: int | None = None
    maximum: int | None = None
    min_length: int | None = None
    max_length: int | None = None
    min_items: int | None = None
    max_items: int | None = None
    default: Any = MISSING
    rules: tuple[Rule, ...] = ()


_JSON_TYPES = {"object": dict, "array": list, "string": str, "boolean": bool}


def _type_name(value) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if value is None:
        return "null"
    return {dict: "object", list: "array", str: "string"}.get(type(value), "object")


def _type_ok(s: Schema, value) -> bool:
    if s.type == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, _JSON_TYPES[s.type])


class _Walk:
    """Collects errors; ``blocking`` notes errors that make apiextensions skip CEL."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []
        self.blocking = False

    def add(self, err: FieldError, blocking: bool = False) -> None:
        self.errors.append(err)
        self.blocking |= blocking or err.type in (ErrorType.REQUIRED, ErrorType.NOT_SUPPORTED,
                                                  ErrorType.TOO_LONG, ErrorType.TOO_MANY)

    def schema(self, s: Schema, value, path: str) -> None:
        if not _type_ok(s, value):
            actual = _type_name(value)
            self.add(FieldError.invalid(path, actual, f'{path} in body must be of type {s.type}: "{actual}"'), True)
            return
        if s.enum is not None and value not in s.enum:
            self.add(FieldError.not_supported(path, value, [str(e) for e in s.enum]))
        if s.type == "string":
            self._string(s, value, path)
        elif s.type == "integer":
            if s.maximum is not None and value > s.maximum:
                self.add(FieldError.invalid(path, value, f"{path} in body should be less than or equal to {s.maximum}"))
            if s.minimum is not None and value < s.minimum:
                self.add(FieldError.invalid(path, value, f"{path} in body should be greater than or equal to {s.minimum}"))
        elif s.type == "array":
            if s.max_items is not None and len(value) > s.max_items:
                self.add(FieldError.too_many(path, len(value), s.max_items))
            if s.min_items is not None and len(value) < s.min_items:
                self.add(FieldError.invalid(path, len(value), f"{path} in body should have at least {s.min_items} items"))
            for i, item in enumerate(value):
                if s.items is not None:
                    self.schema(s.items, item, f"{path}[{i}]")
        elif s.type == "object":
            for r in s.required:
                if r not in value:
                    self.add(FieldError.required(f"{path}.{r}" if path else r))
            for k in sorted(value):
                child = f"{path}.{k}" if path else k
                if k in s.props:
                    self.schema(s.props[k], value[k], child)
                elif s.values is not None:
                    self.schema(s.values, value[k], child)

    def _string(self, s: Schema, value: str, path: str) -> None:
        if s.max_length is not None and len(value) > s.max_length:
            self.add(FieldError(ErrorType.TOO_LONG, path, "", f"may not be more than {s.max_length} bytes"))
        if s.min_length is not None and len(value) < s.min_length:
            self.add(FieldError.invalid(path, value, f"{path} in body should be at least {s.min_length} chars long"))
        if s.pattern is not None and re.search(s.pattern, value) is None:
            self.add(FieldError.invalid(path, value, f"{path} in body should match '{s.pattern}'"))

    def cel(self, s: Schema, value, old, path: str) -> None:
        if not _type_ok(s, value):
            return
        if s.type == "array" and s.items is not None:
            for i, item in enumerate(value):
                o = old[i] if isinstance(old, list) and i < len(old) else MISSING
                self.cel(s.items, item, o, f"{path}[{i}]")
        elif s.type == "object":
            for k in sorted(value):
                sub = s.props.get(k) or s.values
                if sub is not None:
                    o = old.get(k, MISSING) if isinstance(old, dict) else MISSING
                    self.cel(sub, value[k], o, f"{path}.{k}" if path else k)
        for rule in s.rules:
            if rule.transition:
                if old is not MISSING and not rule.check(value, old):
                    self.errors.append(FieldError.invalid(path, s.type, rule.message))
            elif not rule.check(value):
                self.errors.append(FieldError.invalid(path, s.type, rule.message))


def validate_schema(schema: Schema, obj: Mapping, old: Mapping | None = None) -> list[FieldError]:
    """Schema errors for ``obj`` (its ``spec``, at the root's properties), then CEL rules, which
    upstream skips (adding :data:`BLOCKED`) after a type/required/enum/too-long/too-many error."""
    w = _Walk()
    body = {k: v for k, v in obj.items() if k in schema.props}
    w.schema(schema, body, "")
    if w.blocking:
        return w.errors + [BLOCKED]
    w.cel(schema, body, old if old is not None else MISSING, "")
    return w.errors


def apply_defaults(schema: Schema, value):
    """Structural defaulting: a missing property with a ``default`` gets a copy of it, then the
    walk continues into it (so defaults are themselves defaulted).  Returns a new value."""
    if schema.type == "object" and isinstance(value, dict):
        out = {}
        for k, v in value.items():
            sub = schema.props.get(k) or schema.values
            out[k] = apply_defaults(sub, v) if sub is not None else copy.deepcopy(v)
        for k, sub in schema.props.items():
            if k not in out and sub.default is not MISSING:
                out[k] = apply_defaults(sub, copy.deepcopy(sub.default))
        return out
    if schema.type == "array" and isinstance(value, list) and schema.items is not None:
        return [apply_defaults(schema.items, v) for v in value]
    return copy.deepcopy(value)


def unknown_fields(schema: Schema, value, path: str = "") -> list[str]:
    """Paths of fields the schema does not declare, sorted as the decoder meets them."""
    out: list[str] = []
    if schema.type == "object" and isinstance(value, dict):
        for k in sorted(value):
            child = f"{path}.{k}" if path else k
            sub = schema.props.get(k) or schema.values
            if sub is None:
                out.append(child)
            else:
                out += unknown_fields(sub, value[k], child)
    elif schema.type == "array" and isinstance(value, list) and schema.items is not None:
        for i, v in enumerate(value):
            out += unknown_fields(schema.items, v, f"{path}[{i}]")
    return out
