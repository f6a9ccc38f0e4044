"""``/openapi/v2`` and ``/openapi/v3``: the API's schema, for kubectl's validation and
``kubectl explain``.  (Filled in below.)"""
from __future__ import annotations

__all__ = ["register"]


def register(app, ctx) -> None:
    """Add the OpenAPI routes."""
