"""Bad values that are Go structs, maps or IntOrStrings, rendered as apimachinery's
``field.Error`` renders them since v1.34 (kubernetes#132314): as JSON, through
``json.Marshal``.  Validation runs on the *internal* types, whose structs have no json tags,
so their fields print with Go's names (``{"Name":"","Protocol":"TCP",...}``); the metav1 types
(LabelSelector) keep their JSON names and ``omitempty``::

    spec.selector: Invalid value: {"matchLabels":{"app":"web2"}}: field is immutable
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from ...errors import ErrorType, FieldError, go_json

__all__ = ["GoValue", "go_error", "go_struct", "go_string_map", "go_label_selector", "go_int_or_string"]


@dataclass(frozen=True, slots=True)
class GoValue:
    """A bad value already rendered (JSON of a Go value)."""

    text: str


@dataclass(frozen=True, slots=True)
class _GoFieldError(FieldError):
    """A FieldError whose bad value is a GoValue, printed verbatim (not quoted)."""

    def body(self) -> str:
        text = f"{self.type.value}: {self.bad_value.text}"
        return f"{text}: {self.detail}" if self.detail else text


def go_error(type_: ErrorType, field: str, go_text: str, detail: str = "") -> FieldError:
    """A FieldError whose value prints as ``go_text`` (already rendered by the helpers below)."""
    return _GoFieldError(type_, field, GoValue(go_text), detail)


def go_struct(*fields: tuple[str, Any]) -> str:
    """An internal Go struct as json.Marshal prints it: its fields in declaration order."""
    return go_json(dict(fields), sort_keys=False)


def go_string_map(m: Mapping[str, str] | None) -> str:
    """A map[string]string: keys sorted; a nil map is ``null``."""
    return go_json(None if m is None else {str(k): v for k, v in m.items()})


def go_label_selector(sel: Mapping | None) -> str:
    """A metav1.LabelSelector (json tags, omitempty), the pointer followed."""
    sel = sel or {}
    out: dict[str, Any] = {}
    if sel.get("matchLabels"):
        out["matchLabels"] = dict(sorted(sel["matchLabels"].items()))
    if sel.get("matchExpressions"):
        reqs = []
        for e in sel["matchExpressions"]:
            r: dict[str, Any] = {"key": e.get("key", ""), "operator": e.get("operator", "")}
            if e.get("values"):
                r["values"] = list(e["values"])
            reqs.append(r)
        out["matchExpressions"] = reqs
    return go_json(out, sort_keys=False)


def go_int_or_string(v: Any) -> str:
    """An intstr.IntOrString (its MarshalJSON): the number, or the quoted string."""
    return go_json(v if isinstance(v, str) else int(v or 0))
