"""``Status`` objects: how the API server says a request failed (apimachinery
``pkg/api/errors``).  Every error the server answers is one of these, worded as kube-apiserver
words it, so kubectl prints ``Error from server (NotFound): services "web" not found``.

    >>> not_found("services", "web")["message"]
    'services "web" not found'
"""
from __future__ import annotations

import re

from ..errors import AlreadyExistsError, K8sNetError, NotFoundError, ValidationError

__all__ = ["StatusError", "status", "not_found", "already_exists", "conflict", "bad_request", "invalid",
           "method_not_supported", "unsupported_media_type", "unauthorized", "not_acceptable", "from_exception",
           "success", "REASON_CODES"]

#: metav1.StatusReason -> HTTP code (apimachinery errors.go).
REASON_CODES = {
    "BadRequest": 400, "Unauthorized": 401, "Forbidden": 403, "NotFound": 404, "MethodNotAllowed": 405,
    "NotAcceptable": 406, "AlreadyExists": 409, "Conflict": 409, "Gone": 410, "Expired": 410,
    "UnsupportedMediaType": 415, "Invalid": 422, "InternalError": 500,
}


class StatusError(Exception):
    """Raised inside a handler to answer with ``self.status`` (a Status dict)."""

    def __init__(self, status_obj: dict):
        super().__init__(status_obj.get("message", ""))
        self.status = status_obj

    @property
    def code(self) -> int:
        return self.status["code"]


def status(reason: str, message: str, details: dict | None = None, code: int | None = None) -> dict:
    """A failure Status with ``reason`` and the code it goes with."""
    out = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": message,
           "reason": reason, "code": code or REASON_CODES.get(reason, 500)}
    if details:
        out["details"] = details
    if reason == "InternalError" and code is None:
        out["code"] = 500
    return out


def _details(name: str, qualified: str) -> dict:
    plural, _, grp = qualified.partition(".")
    d = {"name": name, "kind": plural}
    if grp:
        d["group"] = grp
    return d


def not_found(qualified: str, name: str) -> dict:
    """errors.NewNotFound: ``services "web" not found``; ``deployments.apps "web" not found``."""
    return status("NotFound", f'{qualified} "{name}" not found', _details(name, qualified))


def already_exists(qualified: str, name: str) -> dict:
    """errors.NewAlreadyExists: ``services "web" already exists``."""
    return status("AlreadyExists", f'{qualified} "{name}" already exists', _details(name, qualified))


def conflict(qualified: str, name: str, why: str) -> dict:
    """errors.NewConflict: ``Operation cannot be fulfilled on services "web": <why>``."""
    return status("Conflict", f'Operation cannot be fulfilled on {qualified} "{name}": {why}',
                  _details(name, qualified))


def bad_request(message: str) -> dict:
    """errors.NewBadRequest."""
    return status("BadRequest", message)


def invalid(e: ValidationError, group: str = "") -> dict:
    """errors.NewInvalid: ``Service "web" is invalid: <field errors>`` with one cause per field
    error (kubectl rebuilds its ``The Service "web" is invalid`` lines from the causes)."""
    qualified_kind = f"{e.kind}.{group}" if group else e.kind
    errs = [str(x) for x in e.errors]
    agg = errs[0] if len(errs) == 1 else "[" + ", ".join(errs) + "]"
    causes = [{"reason": _CAUSE.get(x.type.name, "FieldValueInvalid"), "message": x.body(), "field": x.field}
              for x in e.errors]
    details = {"name": e.name, "kind": e.kind, "causes": causes}
    if group:
        details["group"] = group
    return status("Invalid", f'{qualified_kind} "{e.name}" is invalid: {agg}', details)


def method_not_supported(qualified: str, action: str) -> dict:
    """errors.NewMethodNotSupported: ``create is not supported on resources of kind "..."``."""
    return status("MethodNotAllowed", f'{action} is not supported on resources of kind "{qualified}"',
                  {"kind": qualified})


def unsupported_media_type(content_type: str, accepted: tuple[str, ...] = (
        "application/json", "application/yaml", "application/vnd.kubernetes.protobuf")) -> dict:
    """The 415 a body in an unknown format gets (handlers/rest.go negotiation); custom
    resources accept JSON and YAML only."""
    return status("UnsupportedMediaType",
                  f'the body of the request was in an unknown format - accepted media types include: '
                  f'{", ".join(accepted)}', code=415)


def not_acceptable(accept: str) -> dict:
    """errors.NewNotAcceptableError for an Accept header the server cannot answer."""
    return status("NotAcceptable", f"only the following media types are accepted: application/json, "
                                   f"application/yaml, application/json;as=Table;v=v1;g=meta.k8s.io", code=406)


def unauthorized() -> dict:
    """What kube-apiserver answers a request with no or a wrong bearer token."""
    return status("Unauthorized", "Unauthorized", code=401)


def success(name: str, qualified: str, uid: str = "") -> dict:
    """The Status a completed delete answers (registry store finalizeDelete)."""
    d = _details(name, qualified)
    if uid:
        d["uid"] = uid
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "details": d}


# field.ErrorType -> metav1.CauseType (apimachinery field/errors.go).
_CAUSE = {"NOT_FOUND": "FieldValueNotFound", "REQUIRED": "FieldValueRequired", "DUPLICATE": "FieldValueDuplicate",
          "INVALID": "FieldValueInvalid", "NOT_SUPPORTED": "FieldValueNotSupported", "FORBIDDEN": "FieldValueForbidden",
          "TOO_LONG": "FieldValueTooLong", "TOO_MANY": "FieldValueTooMany", "INTERNAL": "InternalError"}

_FROM_SERVER = re.compile(r"^Error from server \((\w+)\): (.*)$", re.S)


def from_exception(e: K8sNetError, group: str = "") -> dict:
    """The Status for an error the simulated API server raised (ValidationError -> 422 Invalid,
    StrictDecodingError -> 400 BadRequest, NotFoundError -> 404, ...)."""
    if isinstance(e, ValidationError):
        text = getattr(e, "text", None)
        if text is not None and getattr(e, "reason", None) == "Forbidden":  # an admission webhook's denial
            return status("Forbidden", text)
        if text is not None and not e.errors:  # a decoding error: refused before validation
            return bad_request(text)
        return invalid(e, group)
    text = str(e)
    m = _FROM_SERVER.match(text)
    if m and m.group(1) in REASON_CODES:
        return status(m.group(1), m.group(2))
    if isinstance(e, NotFoundError):
        return status("NotFound", text)
    if isinstance(e, AlreadyExistsError):
        return status("AlreadyExists", text)
    if type(e).__name__ == "NoKindMatchError":
        return status("NotFound", text)
    return bad_request(text[len("error: "):] if text.startswith("error: ") else text)
