"""Errors raised by k8snet, and the API server's wording for invalid objects.

The exception tree::

    K8sNetError                      anything k8snet raises on purpose
    ├── ValidationError              an object the API server would reject (422 Invalid)
    ├── ManifestError                YAML that cannot be read (names the document and line)
    ├── NotFoundError                `kubectl get svc/nope`: Error from server (NotFound)
    ├── AlreadyExistsError           `kubectl create` of a name that exists
    ├── InternalError                the API server's 500 (e.g. a health-check nodePort it cannot allocate)
    ├── UsageError                   a command line or argument k8snet cannot understand
    └── ServeError                   a server that cannot start here (a browser, a second
                                     server, a non-loopback host)

Field errors follow apimachinery's ``field.Error``: ``<path>: <Type>: <value>: <detail>``,
and a ``ValidationError`` prints like kubectl prints a 422 from the API server::

    The Service "web" is invalid: spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from enum import Enum
from typing import Any

__all__ = [
    "K8sNetError", "ValidationError", "ManifestError", "NotFoundError",
    "AlreadyExistsError", "InternalError", "UsageError", "FieldError", "ErrorType", "json_kind", "require", "go_json", "go_quote",
]


class ErrorType(str, Enum):
    """apimachinery's field.ErrorType; the value is the words the API server prints."""

    NOT_FOUND = "Not found"
    REQUIRED = "Required value"
    DUPLICATE = "Duplicate value"
    INVALID = "Invalid value"
    NOT_SUPPORTED = "Unsupported value"
    FORBIDDEN = "Forbidden"
    TOO_LONG = "Too long"
    TOO_MANY = "Too many"
    INTERNAL = "Internal error"


def go_quote(text: str) -> str:
    """Go's ``%q`` (strconv.Quote): printable characters as they are, the rest escaped."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch in _GO_ESCAPES:
            out.append(_GO_ESCAPES[ch])
        elif ch.isprintable():
            out.append(ch)
        elif ord(ch) < 0x80:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) < 0x10000:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    return '"' + "".join(out) + '"'


_GO_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}


def go_json(value: Any, *, sort_keys: bool = True) -> str:
    """Go's ``json.Marshal``: compact, map keys sorted, ``<``, ``>``, ``&``, U+2028 and U+2029
    escaped (a Python dict that stands for a Go *struct* keeps its order: ``sort_keys=False``)."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, sort_keys=sort_keys, default=str)
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                    ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text


def _value_text(value: Any) -> str:
    # apimachinery field.Error.ErrorBody (v1.37): nil is the string "null" (so "null", quoted);
    # numbers and booleans with %v; strings with %q; anything else as JSON (lists, maps).
    if value is None:
        return '"null"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return go_float(value)
    if isinstance(value, str):
        return go_quote(value)
    return go_json(value)


def go_float(value: float) -> str:
    """A float64 as Go's ``%v`` prints it (strconv 'g', shortest digits: %e when the exponent
    is below -4 or 6 and above, as in ``1e+06``)."""
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "+Inf" if value > 0 else "-Inf"
    from decimal import Decimal
    sign, digits, exp10 = Decimal(repr(value)).normalize().as_tuple()
    text = "".join(map(str, digits)) or "0"
    exp = len(text) + exp10 - 1  # the exponent of the first digit
    neg = "-" if sign else ""
    if value == 0:
        return neg + "0"
    if exp < -4 or exp >= 6:
        mant = text[0] + ("." + text[1:] if len(text) > 1 else "")
        return f"{neg}{mant}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    if exp10 >= 0:
        return neg + text + "0" * exp10
    point = len(text) + exp10
    return neg + (text[:point] if point > 0 else "0") + "." + ("0" * -point if point < 0 else "") + text[max(point, 0):]


@dataclass(frozen=True, slots=True)
class FieldError:
    """One problem with one field, worded as apimachinery's field.Error.Error()."""

    type: ErrorType
    field: str
    bad_value: Any = None
    detail: str = ""

    def body(self) -> str:
        """The message without the field path (apimachinery ErrorBody)."""
        if self.type in (ErrorType.REQUIRED, ErrorType.FORBIDDEN, ErrorType.TOO_LONG,
                         ErrorType.INTERNAL):
            text = self.type.value
        else:
            text = f"{self.type.value}: {_value_text(self.bad_value)}"
        if self.detail:
            text += f": {self.detail}"
        return text

    def __str__(self) -> str:
        return f"{self.field}: {self.body()}"

    # Constructors named like apimachinery's field.Invalid, field.Required, ...
    @classmethod
    def invalid(cls, field: str, value: Any, detail: str) -> "FieldError":
        return cls(ErrorType.INVALID, field, value, detail)

    @classmethod
    def required(cls, field: str, detail: str = "") -> "FieldError":
        return cls(ErrorType.REQUIRED, field, "", detail)

    @classmethod
    def duplicate(cls, field: str, value: Any) -> "FieldError":
        return cls(ErrorType.DUPLICATE, field, value, "")

    @classmethod
    def forbidden(cls, field: str, detail: str) -> "FieldError":
        return cls(ErrorType.FORBIDDEN, field, "", detail)

    @classmethod
    def not_supported(cls, field: str, value: Any, supported: list[str]) -> "FieldError":
        detail = "supported values: " + ", ".join(json.dumps(s) for s in supported)
        return cls(ErrorType.NOT_SUPPORTED, field, value, detail)

    @classmethod
    def too_many(cls, field: str, actual: int, limit: int) -> "FieldError":
        return cls(ErrorType.TOO_MANY, field, actual, f"must have at most {limit} item" + ("s" if limit > 1 else ""))


class K8sNetError(Exception):
    """Something k8snet refused to do; the message says what and how to fix it."""


class ValidationError(K8sNetError):
    """The API server would reject this object: ``The <Kind> "<name>" is invalid: ...``.

    ``.errors`` holds every ``FieldError`` found (all of them, not just the first), ``.kind``
    and ``.name`` the object.  Nothing was changed in the cluster.
    """

    def __init__(self, kind: str, name: str, errors: list[FieldError]):
        self.kind, self.name, self.errors = kind, name, list(errors)
        super().__init__(self.message())

    def message(self) -> str:
        """What kubectl prints for the API server's 422 Invalid answer."""
        head = f"The {self.kind} {json.dumps(self.name)} is invalid"
        if len(self.errors) == 1:
            return f"{head}: {self.errors[0]}"
        return f"{head}: \n" + "\n".join(f"* {e}" for e in self.errors)


class ManifestError(K8sNetError):
    """YAML or JSON that cannot be turned into objects; names the document and line."""


class NotFoundError(K8sNetError):
    """An object that does not exist: ``Error from server (NotFound): services "x" not found``."""


class AlreadyExistsError(K8sNetError):
    """``Error from server (AlreadyExists): deployments.apps "web" already exists``."""


class InternalError(K8sNetError):
    """``Error from server (InternalError)``: the API server failed a step it owns (an allocation
    that cannot be made), ``Internal error occurred: <what>``.  Nothing was changed."""

    def __init__(self, what: str):
        self.what = what
        super().__init__(f"Internal error occurred: {what}")


class UsageError(K8sNetError):
    """A command line or argument that k8snet cannot understand; the message shows usage."""


def json_kind(value: Any) -> str:
    """What Go's encoding/json calls a value in its errors: ``string``, ``number``, ``bool``,
    ``array``, ``object`` or ``null``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (list, tuple)):
        return "array"
    return "object"


class ServeError(K8sNetError):
    """The cluster cannot be served here (a browser, a second server, a non-loopback host)."""


def require(call: str, name: str, value: Any, kinds: tuple[type, ...], what: str) -> None:
    """Refuse an argument of the wrong type at the public surface, before it reaches the
    engines: ``UsageError`` naming the call, the argument and what it should be, e.g.
    ``resolve(): name must be a DNS name (text); got array [1]``."""
    if isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds):
        return
    shown = json.dumps(value, default=str)[:60] if not isinstance(value, float) else repr(value)
    raise UsageError(f"{call}: {name} must be {what}; got {json_kind(value)} {shown}")
