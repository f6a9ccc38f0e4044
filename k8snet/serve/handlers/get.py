"""GET of one object and of lists (apiserver ``pkg/endpoints/handlers/get.go``), as JSON or as
the Table ``kubectl get`` asks for."""
from __future__ import annotations

from ..registry import Served
from ..requestinfo import RequestInfo
from ..selectors import compile_filter
from .. import pager
from .. import table as tables
from .rest import live, strip_list_item

__all__ = ["get", "list_objects", "matching"]


def get(ctx, info: RequestInfo, served: Served, query, accept: str) -> tuple[int, dict]:
    """One object; a one-row Table when kubectl asks for one."""
    cluster = ctx.cluster
    obj = live(cluster, served, info)
    if tables.wants_table(accept):
        return 200, tables.table(served.kind, [obj], now=cluster.now, include=query.get("includeObject", "Metadata"),
                                 resource_version=obj["metadata"].get("resourceVersion", ""), out=served.out)
    return 200, served.out(obj)


def matching(cluster, served: Served, info: RequestInfo, query) -> list[dict]:
    """The stored objects a list or watch covers (namespace, label and field selectors),
    sorted by namespace and name as the API server lists them."""
    keep = compile_filter(served.kind, query.get("labelSelector"), query.get("fieldSelector"))
    ns = info.namespace if served.namespaced and info.namespace else None
    objs = [o for o in cluster.store.items(served.kind, ns) if keep(o)]
    objs.sort(key=lambda o: (o["metadata"].get("namespace", ""), o["metadata"]["name"]))
    return objs


def list_objects(ctx, info: RequestInfo, served: Served, query, accept: str) -> tuple[int, dict]:
    """A ``<Kind>List`` (or a Table) of the matching objects, in chunks of ``limit`` with a
    ``continue`` token for the rest (pager.py)."""
    cluster = ctx.cluster
    objs = matching(cluster, served, info, query)
    rv = str(cluster.store.version)
    objs, more = pager.page(objs, query, cluster.store.version,
                            filtered=bool(query.get("labelSelector") or query.get("fieldSelector")))
    if tables.wants_table(accept):
        t = tables.table(served.kind, objs, now=cluster.now, include=query.get("includeObject", "Metadata"),
                         resource_version=rv, out=served.out)
        t["metadata"].update(more)
        return 200, t
    return 200, {"kind": f"{served.kind}List", "apiVersion": served.group_version,
                 "metadata": {"resourceVersion": rv, **more},
                 "items": [strip_list_item(served.out(o), served) for o in objs]}
