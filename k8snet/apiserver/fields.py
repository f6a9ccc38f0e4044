"""Field selectors (apimachinery ``pkg/fields``) over the fields each kind's registry exposes.

kube-apiserver filters a list or watch by ``metadata.name`` and ``metadata.namespace`` for every
kind, plus the fields each registry's ``GetAttrs`` / ``SelectableFields`` adds (pods:
``spec.nodeName``, ``status.phase``, ...; events: ``involvedObject.*``, ``reason``, ``type``,
...).  The operators are ``=``, ``==`` and ``!=``; anything else is refused with the server's
words (``field label not supported: spec.foo``), which the served API returns as a 400 and the
simulated kubectl prints as kubectl prints that 400.
"""
from __future__ import annotations

from typing import Mapping

from ..errors import UsageError

__all__ = ["FIELDS", "FieldSelectorError", "Term", "parse", "matches"]

#: Per kind, the fields its registry adds to metadata.name/namespace
#: (pkg/registry/core/pod/strategy.go ToSelectableFields, event/strategy.go, ...).
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

#: (field, "=" or "!=", value)
Term = tuple[str, str, str]


class FieldSelectorError(UsageError):
    """A field selector the API server refuses (a 400 BadRequest); the message is its words."""


def parse(text: str, kind: str) -> list[Term]:
    """fields.ParseSelector, then the registry's check that each field is selectable."""
    terms = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        for op in ("!=", "==", "="):
            if op in part:
                key, _, value = part.partition(op)
                break
        else:
            raise FieldSelectorError(f"invalid field selector: '{part}': no operator found")
        key = key.strip()
        if key not in ("metadata.name", "metadata.namespace") and key not in FIELDS.get(kind, ()):
            raise FieldSelectorError(f"field label not supported: {key}")
        terms.append((key, "!=" if op == "!=" else "=", value.strip()))
    return terms


def _value(obj: Mapping, path: str) -> str:
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


def matches(obj: Mapping, terms: list[Term]) -> bool:
    """True when ``obj`` meets every term (a field it lacks reads as the empty string)."""
    return all((_value(obj, key) == value) == (op == "=") for key, op, value in terms)
