"""Go's ``encoding/json`` and ``fmt`` renderings of JSON values, as kubectl prints them.

* ``marshal(v)`` / ``marshal(v, indent="    ")``: ``json.Marshal`` / ``json.MarshalIndent``
  of an unstructured object: map keys sorted, ``<``, ``>``, ``&`` escaped as ``\\u003c``…,
  floats without a trailing ``.0`` (``4``), exponent form only below 1e-6 or from 1e21.
* ``format_value(v)``: ``fmt.Sprint`` of a value (what JSONPath prints for scalars):
  ``true``, ``80``, ``1e+06`` for the float 1000000.
"""
from __future__ import annotations

import json
import math
from decimal import Decimal
from typing import Any

__all__ = ["marshal", "format_value", "format_float", "sprint"]

_HTML_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                 "\u2028": "\\u2028", "\u2029": "\\u2029"}


def _string(s: str) -> str:
    text = json.dumps(s, ensure_ascii=False)
    for ch, esc in _HTML_ESCAPES.items():
        text = text.replace(ch, esc)
    return text


def _digits(f: float) -> tuple[str, int]:
    # Shortest round-trip digits (Python's repr and Go's strconv agree) and the decimal
    # point position: value = 0.<digits> * 10**dp.
    sign, digits, exponent = Decimal(repr(abs(f))).normalize().as_tuple()
    ds = "".join(map(str, digits)) or "0"
    return ds, len(ds) + exponent


def _fmt_e(neg: bool, ds: str, dp: int) -> str:
    mant = ds[0] + ("." + ds[1:] if len(ds) > 1 else "")
    exp = dp - 1 if ds != "0" else 0
    return f"{'-' if neg else ''}{mant}e{'-' if exp < 0 else '+'}{abs(exp):02d}"


def _fmt_f(neg: bool, ds: str, dp: int) -> str:
    if dp <= 0:
        text = "0." + "0" * (-dp) + ds
    elif dp >= len(ds):
        text = ds + "0" * (dp - len(ds))
    else:
        text = ds[:dp] + "." + ds[dp:]
    return ("-" if neg else "") + text


def format_float(f: float) -> str:
    """Go ``fmt.Sprint(float64)`` (``%v`` = shortest ``%g``, exponent from 1e+06 or below 1e-04)."""
    if math.isnan(f):
        return "NaN"
    if math.isinf(f):
        return "+Inf" if f > 0 else "-Inf"
    if f == 0:
        return "-0" if math.copysign(1, f) < 0 else "0"
    ds, dp = _digits(f)
    exp = dp - 1
    if exp < -4 or exp >= 6:  # strconv 'g' with shortest precision uses eprec = 6
        return _fmt_e(f < 0, ds, dp)
    return _fmt_f(f < 0, ds, dp)


def _json_float(f: float) -> str:
    # encoding/json floatEncoder: 'f' format unless exp < -6 || exp >= 21, then 'e'
    # with a one-digit negative exponent ("1e-07" -> "1e-7").
    if f == 0:
        return "0"
    a = abs(f)
    ds, dp = _digits(f)
    if a < 1e-6 or a >= 1e21:
        text = _fmt_e(f < 0, ds, dp)
        mant, exp = text.split("e")
        sign, num = exp[0], exp[1:].lstrip("0") or "0"
        return f"{mant}e{sign}{num}"
    return _fmt_f(f < 0, ds, dp)


def marshal(value: Any, indent: str | None = None, _level: int = 0) -> str:
    """``json.Marshal`` (``indent=None``) or ``json.MarshalIndent(v, "", indent)``."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _json_float(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{_string(str(k))}:{' ' if indent is not None else ''}"
                 f"{marshal(value[k], indent, _level + 1)}" for k in sorted(value, key=str)]
        return _wrap("{", "}", items, indent, _level)
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        return _wrap("[", "]", [marshal(v, indent, _level + 1) for v in value], indent, _level)
    return _string(str(value))


def _wrap(open_: str, close: str, items: list[str], indent: str | None, level: int) -> str:
    if indent is None:
        return open_ + ",".join(items) + close
    inner = "\n" + indent * (level + 1)
    return open_ + inner + ("," + inner).join(items) + "\n" + indent * level + close


def format_value(value: Any) -> str:
    """``fmt.Sprint`` of a JSON scalar; maps and lists print as compact JSON (as JSONPath does)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_float(value)
    if isinstance(value, (dict, list)):
        return marshal(value)
    return str(value)


def sprint(value: Any) -> str:
    """Go ``fmt.Sprint`` of an unstructured value: ``map[a:1 b:x]``, ``[a b]``, ``<nil>``
    (what ``-o custom-columns`` prints for maps and lists)."""
    if value is None:
        return "<nil>"
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{sprint(value[k])}" for k in sorted(value, key=str)) + "]"
    if isinstance(value, list):
        return "[" + " ".join(sprint(v) for v in value) + "]"
    return format_value(value)
