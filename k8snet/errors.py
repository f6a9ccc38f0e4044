"""Errors raised by k8snet, and the API server's wording for invalid objects.

The exception tree::

    K8sNetError                      anything k8snet raises on purpose
    ├── ValidationError              an object the API server would reject (422 Invalid)
    ├── ManifestError                YAML that cannot be read (names the document and line)
    ├── NotFoundError                `kubectl get svc/nope`: Error from server (NotFound)
    ├── AlreadyExistsError           `kubectl create` of a name that exists
    └── UsageError                   a command line or argument k8snet cannot understand

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
    "AlreadyExistsError", "UsageError", "FieldError", "ErrorType", "json_kind", "require",
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


def _value_text(value: Any) -> str:
    # Go's %#v-like rendering as the API server prints bad values: strings quoted,
    # numbers and booleans bare, null as "null".
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, dict):
        inner = ", ".join(f"{json.dumps(str(k))}:{json.dumps(str(v))}" for k, v in value.items())
        return "map[string]string{" + inner + "}"
    if isinstance(value, (list, tuple)):
        return "[]string{" + ", ".join(json.dumps(str(v)) for v in value) + "}"
    return json.dumps(str(value))


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
        return cls(ErrorType.TOO_MANY, field, actual, f"must have at most {limit} items")


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


def require(call: str, name: str, value: Any, kinds: tuple[type, ...], what: str) -> None:
    """Refuse an argument of the wrong type at the public surface, before it reaches the
    engines: ``UsageError`` naming the call, the argument and what it should be, e.g.
    ``resolve(): name must be a DNS name (text); got array [1]``."""
    if isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds):
        return
    shown = json.dumps(value, default=str)[:60] if not isinstance(value, float) else repr(value)
    raise UsageError(f"{call}: {name} must be {what}; got {json_kind(value)} {shown}")
