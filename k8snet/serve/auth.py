"""Authentication: every request carries the server's bearer token
(``Authorization: Bearer <token>``, written into the kubeconfig), or is answered 401
``Unauthorized`` as kube-apiserver answers an unauthenticated request
(apiserver ``pkg/endpoints/handlers/responsewriters`` ``Unauthorized``)."""
from __future__ import annotations

import hmac

__all__ = ["authenticated"]


def authenticated(headers, token: str) -> bool:
    """Does the request carry the server's bearer token?"""
    value = headers.get("Authorization", "")
    scheme, _, given = value.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())
