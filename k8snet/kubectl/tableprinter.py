"""How kubectl lays out the API server's ``Table`` (cli-runtime ``printers/tableprinter.go``).

kubectl drops ``priority: 1`` columns unless ``-o wide``, upper-cases the headers, prepends
NAMESPACE for ``-A``, appends a column per ``-L`` key and LABELS for ``--show-labels``,
prefixes names with ``kind/`` when several kinds are printed, and aligns everything with a
tabwriter (padding 3).  The columns and cells themselves are printers.py's.

    >>> print(get_table("Service", [svc], now=60))       # doctest: +SKIP
    NAME   TYPE        CLUSTER-IP     EXTERNAL-IP   PORT(S)   AGE
    web    ClusterIP   10.96.12.34    <none>        80/TCP    60s
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

from . import cells as c
from .printers import CLUSTER_SCOPED, COLUMNS, GROUPS, listed, table_rows
from .tabwriter import table_writer

__all__ = ["get_table", "get_tables", "kind_prefix", "no_resources_message"]


def _meta(obj: Mapping) -> Mapping:
    return obj.get("metadata") or {}


def kind_prefix(kind: str) -> str:
    """``service``, ``deployment.apps``: the lower-cased GroupKind kubectl puts before ``/name``."""
    group = GROUPS.get(kind, "")
    return kind.lower() + ("." + group if group else "")


def no_resources_message(namespace: str | None) -> str:
    """What ``kubectl get`` prints (to stderr) when nothing matched (get.go)."""
    if namespace is None:
        return "No resources found"
    return f"No resources found in {namespace} namespace."


def get_table(kind: str, objects: Sequence[Mapping], *, now: float, wide: bool = False,
              show_labels: bool = False, all_namespaces: bool = False, no_headers: bool = False,
              with_kind: bool = False, keep_order: bool = False, label_columns: Sequence[str] = ()) -> str:
    """The table ``kubectl get <kind>`` prints for ``objects`` (``""`` when there are none:
    the caller prints :func:`no_resources_message` instead).  ``label_columns`` is ``-L``: one
    column per label key, headed by the key's last path segment upper-cased (kubectl's
    formatLabelHeaders), before ``--show-labels``' LABELS."""
    if not objects:
        return ""
    columns = [col for col in COLUMNS[kind] if wide or col.priority == 0]
    with_ns = all_namespaces and kind not in CLUSTER_SCOPED
    headers = (["NAMESPACE"] if with_ns else []) + [col.name.upper() for col in columns]
    headers += [key.split("/")[-1].upper() for key in label_columns]
    if show_labels:
        headers.append("LABELS")
    objs = listed(objects, keep_order)
    out = table_writer()
    if not no_headers:
        out.write("\t".join(headers) + "\n")
    for obj, row in zip(objs, table_rows(kind, objs, now=now, keep_order=True)):
        cells = []
        if with_ns:
            cells.append(_meta(obj).get("namespace", ""))
        for col in columns:
            value = row.get(col.name)
            text = "" if value is None else str(value)
            if with_kind and col.name == "Name":  # the column with Format "name"
                text = f"{kind_prefix(kind)}/{text}"
            cells.append(_sanitize(text))
        cells += [(_meta(obj).get("labels") or {}).get(key, "") for key in label_columns]
        if show_labels:
            cells.append(c.format_labels(_meta(obj).get("labels")))
        out.write("\t".join(cells) + "\n")
    return out.getvalue()


def _sanitize(text: str) -> str:
    # tableprinter appendCellValue: a cell is cut at its first line break and marked "...".
    for i, ch in enumerate(text):
        if ch in "\f\n\r":
            return text[:i] + "..."
    return text


def get_tables(groups: Sequence[tuple[str, Sequence[Mapping]]], *, now: float, **options: Any) -> str:
    """``kubectl get deploy,svc``: one table per kind, names prefixed ``kind/`` when more
    than one kind has objects, tables separated by a blank line (get.go separatorWriter)."""
    non_empty = [(kind, objs) for kind, objs in groups if objs]
    with_kind = options.pop("with_kind", len(non_empty) > 1)
    tables = [get_table(kind, objs, now=now, with_kind=with_kind, **options) for kind, objs in non_empty]
    separator = "" if options.get("no_headers") else "\n"
    return separator.join(tables)
