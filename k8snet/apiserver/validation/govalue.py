"""Go's ``%#v`` rendering of bad values, for the errors whose value is a struct, a nil map or an
IntOrString (apimachinery's ``field.Error`` falls back to ``%#v`` for types without ``String()``)::

    spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from ...errors import ErrorType, FieldError

__all__ = ["GoValue", "go_error", "go_string_map", "go_label_selector", "go_int_or_string"]


@dataclass(frozen=True, slots=True)
class GoValue:
    """A bad value already rendered as Go's ``%#v`` prints it (e.g. a struct)."""

    text: str


@dataclass(frozen=True, slots=True)
class _GoFieldError(FieldError):
    """A FieldError whose bad value is a GoValue, printed verbatim (not quoted)."""

    def body(self) -> str:
        text = f"{self.type.value}: {self.bad_value.text}"
        return f"{text}: {self.detail}" if self.detail else text


def go_error(type_: ErrorType, field: str, go_text: str, detail: str = "") -> FieldError:
    """A FieldError whose value prints as ``go_text`` (apimachinery falls back to %#v)."""
    return _GoFieldError(type_, field, GoValue(go_text), detail)


def _q(s: str) -> str:
    # Go's %q for the plain ASCII strings we meet.
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def go_string_map(m: Mapping[str, str] | None) -> str:
    """``map[string]string{"a":"b"}`` (keys sorted, as fmt prints maps); nil prints ``(nil)``."""
    if m is None:
        return "map[string]string(nil)"
    return "map[string]string{" + ", ".join(f"{_q(k)}:{_q(str(v))}" for k, v in sorted(m.items())) + "}"


def go_label_selector(sel: Mapping | None) -> str:
    """A metav1.LabelSelector as %#v prints it (the pointer is dereferenced first)."""
    sel = sel or {}
    exprs = sel.get("matchExpressions")
    if exprs is None:
        ex = "[]v1.LabelSelectorRequirement(nil)"
    else:
        items = []
        for e in exprs:
            vals = e.get("values")
            v = "[]string(nil)" if vals is None else "[]string{" + ", ".join(_q(str(x)) for x in vals) + "}"
            items.append(f"v1.LabelSelectorRequirement{{Key:{_q(e.get('key', ''))}, "
                         f"Operator:{_q(e.get('operator', ''))}, Values:{v}}}")
        ex = "[]v1.LabelSelectorRequirement{" + ", ".join(items) + "}"
    return f"v1.LabelSelector{{MatchLabels:{go_string_map(sel.get('matchLabels'))}, MatchExpressions:{ex}}}"


def go_int_or_string(v: Any) -> str:
    """An intstr.IntOrString as %#v prints it (String() has a pointer receiver, so unused)."""
    if isinstance(v, str):
        return f"intstr.IntOrString{{Type:1, IntVal:0, StrVal:{_q(v)}}}"
    return f"intstr.IntOrString{{Type:0, IntVal:{int(v or 0)}, StrVal:\"\"}}"


