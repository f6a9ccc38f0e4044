"""The HTTPRoute ``CORS`` filter (GEP-1767; Extended, standard channel since v1.5), as
``apis/v1/httproute_types.go`` ``HTTPCORSFilter`` defines it and conformance httproute-cors
checks it.

* A **preflight** is an ``OPTIONS`` request with ``Origin`` and
  ``Access-Control-Request-Method``: the Gateway answers it itself (200, no body), never the
  backend. When the origin is allowed it returns ``Access-Control-Allow-Origin`` (the request's
  ``Origin``, echoed: always allowed, and required with ``allowCredentials``),
  ``-Allow-Credentials: true`` (only when ``allowCredentials`` is true), ``-Allow-Methods``
  (the configured methods; with ``*`` the requested method, echoed), ``-Allow-Headers`` (the
  configured names; with ``*`` the requested ones; omitted when none were requested),
  ``-Expose-Headers`` and ``-Max-Age`` (default 5). An origin not allowed gets a 200 with none
  of them: the browser then refuses the cross-origin call.
* An **actual** cross-origin request (any other request with ``Origin``) goes to the backend;
  the Gateway adds ``-Allow-Origin``, ``-Allow-Credentials`` and ``-Expose-Headers`` to the
  answer when the origin is allowed.

Origins match scheme, host and port (80 for http, 443 for https when absent); a ``*`` in the
host is a greedy match to the left (``https://*.bar.com`` takes ``https://xpto.www.bar.com``),
``*`` alone takes every origin.
"""
from __future__ import annotations

from urllib.parse import urlsplit

__all__ = ["origin_allowed", "preflight", "response_headers", "is_preflight"]

_DEFAULT_PORT = {"http": 80, "https": 443}


def _split(origin: str) -> tuple[str, str, int] | None:
    try:
        parts = urlsplit(origin)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in _DEFAULT_PORT or not parts.hostname:
        return None
    return parts.scheme, parts.hostname.lower(), port or _DEFAULT_PORT[parts.scheme]


def origin_allowed(allowed: list[str], origin: str | None) -> bool:
    """Is the request's ``Origin`` one of ``allowOrigins``?"""
    if not origin:
        return False
    if "*" in allowed:
        return True
    got = _split(origin)
    if got is None:
        return False
    for pattern in allowed:
        scheme, _, rest = pattern.partition("://")
        host, _, port = rest.partition(":")
        want_port = int(port) if port.isdigit() else _DEFAULT_PORT.get(scheme)
        if scheme != got[0] or want_port != got[2]:
            continue
        if host == "*" or (host.startswith("*") and got[1].endswith(host[1:].lower())) or host.lower() == got[1]:
            return True
    return False


def _header(headers: dict[str, str], name: str) -> str | None:
    return next((v for k, v in headers.items() if k.lower() == name), None)


def is_preflight(method: str, headers: dict[str, str]) -> bool:
    """An OPTIONS request with ``Origin`` and ``Access-Control-Request-Method`` (Fetch standard)."""
    return method == "OPTIONS" and _header(headers, "origin") is not None \
        and _header(headers, "access-control-request-method") is not None


def preflight(spec: dict, headers: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """The headers of the Gateway's own 200 answer to a preflight (none: origin not allowed)."""
    origin = _header(headers, "origin")
    if not origin_allowed(spec.get("allowOrigins") or [], origin):
        return ()
    out = [("access-control-allow-origin", origin)]
    if spec.get("allowCredentials") is True:
        out.append(("access-control-allow-credentials", "true"))
    methods, requested = spec.get("allowMethods") or [], _header(headers, "access-control-request-method")
    if methods and requested:
        out.append(("access-control-allow-methods", requested if "*" in methods else ", ".join(methods)))
    allow, asked = spec.get("allowHeaders") or [], _header(headers, "access-control-request-headers")
    if allow and asked:
        out.append(("access-control-allow-headers", asked if "*" in allow else ", ".join(allow)))
    if spec.get("exposeHeaders"):
        out.append(("access-control-expose-headers", ", ".join(spec["exposeHeaders"])))
    out.append(("access-control-max-age", str(spec.get("maxAge", 5))))
    return tuple(out)


def response_headers(spec: dict, headers: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """The headers the Gateway adds to the backend's answer to an actual cross-origin request."""
    origin = _header(headers, "origin")
    if not origin_allowed(spec.get("allowOrigins") or [], origin):
        return ()
    out = [("access-control-allow-origin", origin)]
    if spec.get("allowCredentials") is True:
        out.append(("access-control-allow-credentials", "true"))
    if spec.get("exposeHeaders"):
        out.append(("access-control-expose-headers", ", ".join(spec["exposeHeaders"])))
    return tuple(out)
