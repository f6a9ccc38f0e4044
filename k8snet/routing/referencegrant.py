"""ReferenceGrant: the owner of a namespace allowing references into it.

gateway.networking.k8s.io/v1 ReferenceGrant (apis/v1/referencegrant_types.go; v1 since
gateway-api v1.5, v1beta1 still served in v1.6 with the same schema): a grant lives
in the *target* namespace; ``spec.from[]`` lists (group, kind, namespace) that may refer,
``spec.to[]`` lists (group, kind, optional name) they may refer to. A reference to another
namespace is allowed only when one grant has a matching ``from`` *and* a matching ``to``.
The core group is the empty string ``""``.
"""
from __future__ import annotations

__all__ = ["find_reference_grant"]


def find_reference_grant(grants: list[dict], *, from_group: str, from_kind: str, from_namespace: str,
                         to_group: str, to_kind: str, to_namespace: str, to_name: str) -> dict | None:
    """The first grant (by name) in ``to_namespace`` that allows this reference, or None."""
    in_ns = [g for g in grants if (g.get("metadata") or {}).get("namespace", "default") == to_namespace]
    for grant in sorted(in_ns, key=lambda g: (g.get("metadata") or {}).get("name", "")):
        spec = grant.get("spec") or {}
        froms = any(f.get("group", "") == from_group and f.get("kind") == from_kind
                    and f.get("namespace") == from_namespace for f in spec.get("from") or [])
        tos = any(t.get("group", "") == to_group and t.get("kind") == to_kind
                  and (not t.get("name") or t.get("name") == to_name) for t in spec.get("to") or [])
        if froms and tos:
            return grant
    return None
