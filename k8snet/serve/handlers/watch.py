"""``?watch=1``: a stream of ADDED/MODIFIED/DELETED events, one JSON object per line
(apiserver ``pkg/endpoints/handlers/watch.go``), for ``kubectl get -w``, ``rollout status``
and informers.

* Without a resourceVersion (or ``0``), or with ``sendInitialEvents=true``, the watch starts
  with an ADDED event for every matching object (then, for ``sendInitialEvents``, a BOOKMARK
  annotated ``k8s.io/initial-events-end``, which client-go's watch-list waits for).
* With the resourceVersion of a list, it replays what changed since from the watch cache.
* Label and field selectors apply to both the old and the new object: an object that stops
  matching is DELETED from the watcher's view, one that starts matching is ADDED.
* Events are Tables when kubectl asks for Tables (``kubectl get -w``).
"""
from __future__ import annotations

import asyncio
import json

from aiohttp import web

from .. import status as st
from .. import table as tables
from ..registry import Served
from ..requestinfo import RequestInfo
from ..selectors import compile_filter
from ... import clock
from .get import matching

__all__ = ["watch"]

_MAX_TIMEOUT = 1800.0


def _encode(ctx, served: Served, etype: str, obj: dict, table_include: str | None) -> bytes:
    if table_include is not None:
        body = tables.table(served.kind, [obj], now=ctx.cluster.now, include=table_include,
                            resource_version=obj["metadata"].get("resourceVersion", ""), out=served.out)
    else:
        body = served.out(obj)
    body = clock.to_wall(body, ctx.cluster.clock.wall_offset)  # as every answer: times on kubectl's clock
    return (json.dumps({"type": etype, "object": body}, separators=(",", ":")) + "\n").encode()


def _bookmark(served: Served, rv: int) -> bytes:
    obj = {"kind": served.kind, "apiVersion": served.group_version,
           "metadata": {"resourceVersion": str(rv), "annotations": {"k8s.io/initial-events-end": "true"}}}
    return (json.dumps({"type": "BOOKMARK", "object": obj}, separators=(",", ":")) + "\n").encode()


async def watch(ctx, request: web.Request, info: RequestInfo, served: Served) -> web.StreamResponse:
    """Stream the events of ``served`` matching the request until the client goes, the
    ``timeoutSeconds`` pass, or the server stops."""
    query, accept = request.query, request.headers.get("Accept", "")
    keep = compile_filter(served.kind, query.get("labelSelector"), query.get("fieldSelector"))
    ns = info.namespace if served.namespaced else ""
    in_scope = (lambda o: keep(o) and (not ns or o["metadata"].get("namespace") == ns))
    if info.name:
        base = in_scope
        in_scope = lambda o: base(o) and o["metadata"]["name"] == info.name
    table_include = query.get("includeObject", "Metadata") if tables.wants_table(accept) else None
    cache = ctx.parts["watch-cache"]
    rv_text = query.get("resourceVersion", "")
    initial = query.get("sendInitialEvents", "").lower() == "true"
    try:
        timeout = min(float(query.get("timeoutSeconds", _MAX_TIMEOUT)), _MAX_TIMEOUT)
    except ValueError:
        raise st.StatusError(st.bad_request(f"invalid timeoutSeconds: {query.get('timeoutSeconds')}")) from None
    chunks: list[bytes] = []
    with ctx.lock:
        ctx.cluster.catch_up()
        sub = cache.subscribe(served.kind)
        if initial or rv_text in ("", "0"):
            chunks = [_encode(ctx, served, "ADDED", o, table_include)
                      for o in matching(ctx.cluster, served, info, query) if in_scope(o)]
            if initial:
                chunks.append(_bookmark(served, ctx.cluster.store.version))
            replay = []
        else:
            try:
                replay = cache.since(int(rv_text), served.kind)
            except ValueError:
                cache.unsubscribe(sub)
                raise st.StatusError(st.bad_request(f'invalid resource version: "{rv_text}"')) from None
            if replay is None:
                cache.unsubscribe(sub)
                chunks = [json.dumps({"type": "ERROR", "object": st.status(
                    "Expired", f"too old resource version: {rv_text} ({cache.oldest})", code=410)}).encode() + b"\n"]
                replay = []
            else:
                chunks += [c for ev in replay for c in _event_chunks(ctx, served, ev, in_scope, table_include)]
    content_type = tables.TABLE_MEDIA if table_include is not None else "application/json"
    resp = web.StreamResponse(status=200, headers={"Content-Type": content_type, "Cache-Control": "no-cache"})
    resp.enable_chunked_encoding()
    await resp.prepare(request)
    try:
        for c in chunks:
            await resp.write(c)
        if sub not in cache.subscriptions:
            return resp
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                break
            try:
                ev = await asyncio.wait_for(sub.queue.get(), left)
            except asyncio.TimeoutError:
                break
            with ctx.lock:
                out = _event_chunks(ctx, served, ev, in_scope, table_include)
            for c in out:
                await resp.write(c)
    except ConnectionResetError:
        pass
    finally:
        cache.unsubscribe(sub)
    return resp


def _event_chunks(ctx, served: Served, ev, in_scope, table_include) -> list[bytes]:
    was = ev.old is not None and in_scope(ev.old)
    now = in_scope(ev.new)
    if ev.type == "DELETED":
        etype = "DELETED" if was else None
    elif was and now:
        etype = "MODIFIED"
    elif now:
        etype = "ADDED"
    elif was:
        etype = "DELETED"
    else:
        etype = None
    return [_encode(ctx, served, etype, ev.new, table_include)] if etype else []
