"""``?labelSelector=`` and ``?fieldSelector=`` on list and watch (apimachinery ``labels`` and
``fields``).  Which fields each kind supports, and the words for the rest (a 400 ``field label
not supported``), are ``k8snet.apiserver.fields``, shared with the simulated kubectl.
"""
from __future__ import annotations

from typing import Callable, Mapping

from .. import labels
from ..apiserver import fields
from ..errors import UsageError
from . import status as st

__all__ = ["Filter", "compile_filter"]

Filter = Callable[[Mapping], bool]


def compile_filter(kind: str, label_selector: str | None, field_selector: str | None) -> Filter:
    """A predicate for objects of ``kind`` matching both selectors (a 400 Status when one is
    malformed, worded as apimachinery words it)."""
    sel = None
    if label_selector:
        try:
            sel = labels.parse(label_selector)
        except UsageError as e:
            raise st.StatusError(st.bad_request(f"unable to parse requirement: {e}"
                                                if "unable to parse" not in str(e) else str(e))) from None
    try:
        terms = fields.parse(field_selector, kind) if field_selector else []
    except fields.FieldSelectorError as e:
        raise st.StatusError(st.bad_request(str(e))) from None

    def match(obj: Mapping) -> bool:
        if sel is not None and not sel.matches((obj.get("metadata") or {}).get("labels")):
            return False
        return fields.matches(obj, terms)
    return match
