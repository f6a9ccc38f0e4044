"""What a request asks for, read from its URL and method as kube-apiserver reads it
(apiserver ``pkg/endpoints/request/requestinfo.go``, ``NewRequestInfo``)::

    GET /api/v1/namespaces/default/services/web        get    services web
    GET /apis/apps/v1/deployments?watch=1               watch  deployments (all namespaces)
    PUT /apis/apps/v1/namespaces/default/deployments/web/scale   update  deployments web scale
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

__all__ = ["RequestInfo", "request_info"]

_METHOD_VERBS = {"POST": "create", "PUT": "update", "PATCH": "patch"}
# Subresources of a namespace itself: /api/v1/namespaces/NAME/status.
_NAMESPACE_SUBRESOURCES = {"status", "finalize"}


@dataclass(frozen=True, slots=True)
class RequestInfo:
    """A resource request: verb, group, version, namespace, resource, name, subresource."""

    verb: str
    group: str
    version: str
    resource: str
    namespace: str = ""
    name: str = ""
    subresource: str = ""


def _truthy(value: str | None) -> bool:
    return value is not None and value.lower() in ("1", "true")


def request_info(method: str, path: str, query: Mapping[str, str]) -> RequestInfo | None:
    """The RequestInfo of a resource request, or None for a path that names no resource
    (``/api``, ``/apis/apps``, ``/version``: discovery and friends)."""
    parts = [p for p in path.strip("/").split("/") if p]
    if not parts or parts[0] not in ("api", "apis"):
        return None
    if parts[0] == "api":
        if len(parts) < 3:
            return None
        group, version, rest = "", parts[1], parts[2:]
    else:
        if len(parts) < 4:
            return None
        group, version, rest = parts[1], parts[2], parts[3:]
    watch = False
    if rest[0] == "watch":  # the deprecated /watch/ prefix
        watch, rest = True, rest[1:]
        if not rest:
            return None
    namespace = ""
    if rest[0] == "namespaces" and len(rest) > 1:
        namespace = rest[1]
        if len(rest) > 2 and rest[2] not in _NAMESPACE_SUBRESOURCES:
            rest = rest[2:]
    resource = rest[0]
    name = rest[1] if len(rest) > 1 else ""
    sub = rest[2] if len(rest) > 2 else ""
    if len(rest) > 3:
        sub = "/".join(rest[2:])  # no subresource has more than one segment: a 404 later
    if resource == "namespaces" and name and namespace == name and len(rest) <= 3 and rest[0] == "namespaces":
        namespace = ""  # /api/v1/namespaces/NAME: the namespace object itself, cluster-scoped
    if method == "GET" or method == "HEAD":
        if watch or _truthy(query.get("watch")):
            verb = "watch"
        else:
            verb = "get" if name else "list"
    elif method == "DELETE":
        verb = "delete" if name else "deletecollection"
    else:
        verb = _METHOD_VERBS.get(method, method.lower())
    return RequestInfo(verb, group, version, resource, namespace, name, sub)
