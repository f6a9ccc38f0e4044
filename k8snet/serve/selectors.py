"""``?labelSelector=`` and ``?fieldSelector=`` on list and watch (apimachinery ``labels`` and
``fields``).  Field selectors support what kube-apiserver supports for each kind
(``metadata.name`` and ``metadata.namespace`` everywhere, plus the fields each registry's
``GetAttrs`` exposes — ``spec.nodeName`` and ``status.phase`` for pods, ``involvedObject.*``
for events), with the operators ``=``, ``==`` and ``!=``; anything else is a 400
``field label not supported``.
"""
from __future__ import annotations

from typing import Callable, Mapping

from .. import labels
from ..errors import UsageError
from . import status as st

__all__ = ["Filter", "compile_filter"]

#: Per kind, the fields its registry's GetAttrs adds to metadata.name/namespace.
FIELDS = {
    "Pod": ("spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
            "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName"),
    "Event": ("involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
              "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
              "reason", "reportingComponent", "source", "type"),
    "Node": ("spec.unschedulable",),
    "Namespace": ("status.phase",),
    "Secret": ("type",),
    "ReplicaSet": ("status.replicas",),
    "Service": ("spec.clusterIP", "spec.type"),
}

Filter = Callable[[Mapping], bool]


def _field_value(obj: Mapping, path: str) -> str:
    if path == "source" and obj.get("kind") == "Event":
        return (obj.get("source") or {}).get("component", "")
    cur = obj
    for key in path.split("."):
        cur = cur.get(key) if isinstance(cur, Mapping) else None
        if cur is None:
            return ""
    if isinstance(cur, bool):
        return "true" if cur else "false"
    return str(cur)


def _field_terms(text: str, kind: str) -> list[tuple[str, str, str]]:
    terms = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        for op in ("!=", "==", "="):
            if op in part:
                key, _, value = part.partition(op)
                break
        else:
            raise st.StatusError(st.bad_request(f"invalid field selector: '{part}': "
                                                f"no operator found"))
        key = key.strip()
        if key not in ("metadata.name", "metadata.namespace") and key not in FIELDS.get(kind, ()):
            raise st.StatusError(st.bad_request(f'field label not supported: {key}'))
        terms.append((key, "!=" if op == "!=" else "=", value.strip()))
    return terms


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
    terms = _field_terms(field_selector, kind) if field_selector else []

    def match(obj: Mapping) -> bool:
        if sel is not None and not sel.matches((obj.get("metadata") or {}).get("labels")):
            return False
        for key, op, value in terms:
            if (_field_value(obj, key) == value) != (op == "="):
                return False
        return True
    return match
