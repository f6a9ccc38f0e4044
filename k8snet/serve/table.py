"""Server-side printing: the ``Table`` kubectl asks for with
``Accept: application/json;as=Table;v=v1;g=meta.k8s.io`` (apiserver
``pkg/endpoints/handlers/response.go`` ``transformResponseObject``, the printers of
``pkg/printers/internalversion``).

The cells come from the same printers ``cluster.kubectl("get ...")`` uses
(:func:`k8snet.kubectl.printers.table_rows`), so the real kubectl and the emulation print the
same columns.  Every column is sent; ``priority: 1`` ones are what ``-o wide`` adds.  Each row
carries its object as ``PartialObjectMetadata`` (``includeObject=Metadata``, the default:
kubectl needs the namespace for ``-A`` and the labels for ``--show-labels``), the whole
object with ``includeObject=Object``, or nothing with ``None``.
"""
from __future__ import annotations

from typing import Mapping, Sequence

from ..kubectl import printers

__all__ = ["TABLE_MEDIA", "wants_table", "table", "column_definitions"]

TABLE_MEDIA = "application/json;as=Table;v=v1;g=meta.k8s.io"

_DESCRIPTIONS = {
    "Name": "Name must be unique within a namespace. Is required when creating resources, although some "
            "resources may allow a client to request the generation of an appropriate name automatically. "
            "Name is primarily intended for creation idempotence and configuration definition. Cannot be "
            "updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names",
    "Age": "CreationTimestamp is a timestamp representing the server time when this object was created. "
           "It is not guaranteed to be set in happens-before order across separate operations. Clients may "
           "not set this value. It is represented in RFC3339 form and is in UTC.",
}


def wants_table(accept: str) -> bool:
    """Does the Accept header ask for a meta.k8s.io Table (v1 or v1beta1)?"""
    for part in accept.split(","):
        params = {p.strip().partition("=")[0]: p.strip().partition("=")[2] for p in part.split(";")[1:]}
        if params.get("as") == "Table" and params.get("g") == "meta.k8s.io":
            return True
    return False


def _columns(kind: str):
    # A kind with no printer gets the default table convertor's columns (Name, Age).
    return printers.COLUMNS.get(kind) or (printers.Column("Name"), printers.Column("Age"))


def _rows(kind: str, objects: Sequence[Mapping], now: float) -> list[dict]:
    if kind in printers.COLUMNS:
        return printers.table_rows(kind, objects, now=now)
    from ..clock import age
    return [{"Name": (o.get("metadata") or {}).get("name", ""),
             "Age": age((o.get("metadata") or {}).get("creationTimestamp"), now)} for o in objects]


def column_definitions(kind: str) -> list[dict]:
    """The TableColumnDefinitions of ``kind`` (name, type, format, description, priority)."""
    out = []
    for col in _columns(kind):
        out.append({"name": col.name, "type": "string",
                    "format": "name" if col.name == "Name" else "",
                    "description": _DESCRIPTIONS.get(col.name, col.name), "priority": col.priority})
    return out


def _partial(obj: Mapping, group_version: str) -> dict:
    return {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": obj.get("metadata", {})}


def _cell(value):
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return str(value)


def table(kind: str, objects: Sequence[Mapping], *, now: float, include: str = "Metadata",
          resource_version: str = "", out=lambda o: o, with_columns: bool = True) -> dict:
    """A meta.k8s.io/v1 Table of ``objects`` (already filtered; kept in their order).
    ``out`` converts a stored object to the requested version for ``includeObject=Object``."""
    defs = _columns(kind)
    rows = []
    for obj, cells in zip(objects, _rows_in_order(kind, objects, now)):
        row = {"cells": [_cell(cells.get(col.name)) for col in defs]}
        if include == "Object":
            row["object"] = out(obj)
        elif include != "None":
            row["object"] = _partial(obj, "")
        rows.append(row)
    t = {"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": {"resourceVersion": resource_version},
         "columnDefinitions": column_definitions(kind) if with_columns else [], "rows": rows}
    return t


def _rows_in_order(kind: str, objects: Sequence[Mapping], now: float) -> list[dict]:
    # table_rows sorts by namespace/name; the list handler already sorted the same way, but a
    # watch may hand objects in any order: compute row by row then.
    key = lambda o: ((o.get("metadata") or {}).get("namespace", ""), (o.get("metadata") or {}).get("name", ""))
    if all(key(a) <= key(b) for a, b in zip(objects, objects[1:])):
        return _rows(kind, objects, now)
    return [_rows(kind, [o], now)[0] for o in objects]
