"""POST routes for the review APIs (``kubectl auth can-i``, ``auth whoami``): the answers are
:mod:`k8snet.apiserver.reviews`; a body the API server refuses is its 422."""
from __future__ import annotations

from aiohttp import web

from ..apiserver import reviews
from ..errors import ValidationError
from . import status as st

__all__ = ["register"]


def register(app: web.Application, ctx) -> None:
    """POST routes for the three reviews (before the generic REST route)."""
    from .handlers import respond
    from .handlers.rest import decode_body

    def route(fn, group: str):
        async def handler(request: web.Request):
            raw = await request.read()
            body = decode_body(raw, request.headers.get("Content-Type", "application/json")) if raw else {}
            try:
                return respond(201, fn(body if isinstance(body, dict) else {}))
            except ValidationError as e:
                raise st.StatusError(st.invalid(e, group)) from None
        return handler
    authz = "authorization.k8s.io"
    app.router.add_post(f"/apis/{authz}/v1/selfsubjectaccessreviews", route(reviews.access_review, authz))
    app.router.add_post(f"/apis/{authz}/v1/selfsubjectrulesreviews", route(reviews.rules_review, authz))
    app.router.add_post("/apis/authentication.k8s.io/v1/selfsubjectreviews",
                        route(reviews.self_review, "authentication.k8s.io"))
