"""``?limit=`` and ``?continue=`` on lists: chunked lists (kube-apiserver storage ``etcd3/store.go``
GetList, ``pkg/storage`` ``EncodeContinue`` / ``DecodeContinue``).

A list with ``limit`` N returns the first N matching objects; when more remain, its metadata
carries ``continue`` (base64url, unpadded, of ``{"v":"meta.k8s.io/v1","rv":RV,"start":KEY\\0}``,
KEY the last object's storage key without the resource prefix: ``namespace/name``, or
``name`` for a cluster-scoped kind) and, when no selector filtered the list,
``remainingItemCount``.  The next request sends the token back and gets the objects after KEY.
kubectl asks for ``limit=500`` (``--chunk-size``); the kubernetes client's ``limit=2`` pages.

Deviation: kube-apiserver reads every page at the first page's resourceVersion (a consistent
snapshot from etcd); this store keeps no old versions, so later pages read the objects as they
are now, after KEY (objects changed between pages show their new state).
"""
from __future__ import annotations

import base64
import json
from typing import Sequence

from . import status as st

__all__ = ["page", "encode_continue", "decode_continue"]


def _key(obj: dict) -> str:
    meta = obj.get("metadata") or {}
    return f"{meta['namespace']}/{meta.get('name', '')}" if meta.get("namespace") else meta.get("name", "")


def encode_continue(key: str, resource_version: int) -> str:
    """storage.EncodeContinue: the token for the objects after ``key``."""
    raw = json.dumps({"v": "meta.k8s.io/v1", "rv": resource_version, "start": key + "\x00"}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_continue(token: str) -> tuple[str, int]:
    """storage.DecodeContinue: (the key to start from, exclusive; the resourceVersion), or a 400
    (``continue key is not valid: ...``; a token that is not base64 JSON of this version gets
    upstream's ErrUnrecognizedEncodedVersion words)."""
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (ValueError, UnicodeDecodeError):
        data = None
    if not isinstance(data, dict) or data.get("v") != "meta.k8s.io/v1":
        raise st.StatusError(st.bad_request("continue key is not valid: server does not recognize this encoded key"))
    start = data.get("start")
    if not isinstance(start, str) or not start or ".." in start or start.startswith("/"):
        raise st.StatusError(st.bad_request("continue key is not valid: continue key is not valid"))
    rv = data.get("rv")
    if not isinstance(rv, int) or rv <= 0:
        raise st.StatusError(st.bad_request("continue key is not valid: incorrect encoded start resourceVersion "
                                            "(version meta.k8s.io/v1)"))
    return start.removesuffix("\x00"), rv


def page(objects: Sequence[dict], query, resource_version: int, filtered: bool) -> tuple[list[dict], dict]:
    """(the objects of this chunk, the list metadata's ``continue`` / ``remainingItemCount``)
    for ``objects`` sorted as listed."""
    objs = list(objects)
    token = query.get("continue")
    if token:
        start, resource_version = decode_continue(token)
        after = start.rpartition("/")[::2]  # (namespace, name): the order objects are listed in
        objs = [o for o in objs if ((o["metadata"].get("namespace") or ""), o["metadata"].get("name", "")) > after]
    try:
        limit = int(query.get("limit") or 0)
    except ValueError:
        limit = 0  # the query decoder ignores a limit that is not a number
    if limit <= 0 or len(objs) <= limit:
        return objs, {}
    chunk = objs[:limit]
    meta = {"continue": encode_continue(_key(chunk[-1]), resource_version)}
    if not filtered:  # etcd3 GetList: a count of the rest only when no predicate filtered them
        meta["remainingItemCount"] = len(objs) - limit
    return chunk, meta
