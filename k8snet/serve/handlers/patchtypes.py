"""The three patch formats of ``kubectl patch``/``apply`` applied to a JSON object:

* JSON patch (RFC 6902, ``application/json-patch+json``): ``add``, ``remove``, ``replace``,
  ``move``, ``copy``, ``test`` at JSON pointers;
* JSON merge patch (RFC 7386, ``application/merge-patch+json``): maps merge, ``null``
  deletes, lists are replaced;
* strategic merge patch (``application/strategic-merge-patch+json``, apimachinery
  ``strategicpatch``): like a merge patch, but lists with a *patch merge key* (a Service's
  ``ports`` by ``port``, ``containers`` by ``name``; the keys of
  :mod:`k8snet.apiserver.merge`) merge element by element, with the directives kubectl's
  ``apply`` sends: ``$patch: delete|replace``, ``$setElementOrder/<list>``,
  ``$retainKeys``, ``$deleteFromPrimitiveList/<list>``.

Each raises :class:`PatchError` with a message worded as the API server's when the patch
cannot be applied.
"""
from __future__ import annotations

from typing import Any

from ...apiserver.merge import merge_key
from ...apiserver.store import clone

__all__ = ["PatchError", "json_patch", "merge_patch", "strategic_merge_patch"]


class PatchError(ValueError):
    """The patch is malformed or does not apply to the object."""


# -- RFC 6902 ----------------------------------------------------------------------------
def _pointer(path: str) -> list[str]:
    if path == "":
        return []
    if not path.startswith("/"):
        raise PatchError(f'json patch path "{path}" must start with "/"')
    return [p.replace("~1", "/").replace("~0", "~") for p in path[1:].split("/")]


def _parent(doc: Any, parts: list[str], path: str) -> tuple[Any, str]:
    cur = doc
    for p in parts[:-1]:
        if isinstance(cur, dict) and p in cur:
            cur = cur[p]
        elif isinstance(cur, list) and p.isdigit() and int(p) < len(cur):
            cur = cur[int(p)]
        else:
            raise PatchError(f"doc is missing path: {path}: missing value")
    return cur, parts[-1]


def _get(doc: Any, path: str) -> Any:
    cur = doc
    for p in _pointer(path):
        if isinstance(cur, dict) and p in cur:
            cur = cur[p]
        elif isinstance(cur, list) and p.isdigit() and int(p) < len(cur):
            cur = cur[int(p)]
        else:
            raise PatchError(f"doc is missing path: {path}: missing value")
    return cur


def _add(doc: Any, path: str, value: Any, replace: bool = False) -> Any:
    parts = _pointer(path)
    if not parts:
        return clone(value)
    parent, key = _parent(doc, parts, path)
    if isinstance(parent, dict):
        if replace and key not in parent:
            raise PatchError(f"doc is missing key: {path}: missing value")
        parent[key] = clone(value)
    elif isinstance(parent, list):
        if key == "-" and not replace:
            parent.append(clone(value))
        elif key.isdigit() and int(key) <= len(parent) - (1 if replace else 0):
            if replace:
                parent[int(key)] = clone(value)
            else:
                parent.insert(int(key), clone(value))
        else:
            raise PatchError(f"unable to access invalid index: {key}: invalid index referenced")
    else:
        raise PatchError(f"doc is missing path: {path}: missing value")
    return doc


def _remove(doc: Any, path: str) -> Any:
    parts = _pointer(path)
    parent, key = _parent(doc, parts, path)
    if isinstance(parent, dict) and key in parent:
        del parent[key]
    elif isinstance(parent, list) and key.isdigit() and int(key) < len(parent):
        del parent[int(key)]
    else:
        raise PatchError(f"unable to remove nonexistent key: {key}: missing value")
    return doc


def json_patch(doc: dict, ops: Any) -> dict:
    """Apply an RFC 6902 operation list to a copy of ``doc``."""
    if not isinstance(ops, list):
        raise PatchError("json: cannot unmarshal object into Go value of type jsonpatch.Patch")
    doc = clone(doc)
    for op in ops:
        if not isinstance(op, dict) or "op" not in op:
            raise PatchError("Unexpected kind: unknown")
        kind, path = op.get("op"), op.get("path", "")
        if kind in ("add", "replace", "test") and "value" not in op:
            raise PatchError(f"{kind} operation does not apply: doc is missing value")
        if kind == "add":
            doc = _add(doc, path, op["value"])
        elif kind == "replace":
            doc = _add(doc, path, op["value"], replace=True)
        elif kind == "remove":
            doc = _remove(doc, path)
        elif kind in ("move", "copy"):
            value = clone(_get(doc, op.get("from", "")))
            if kind == "move":
                doc = _remove(doc, op.get("from", ""))
            doc = _add(doc, path, value)
        elif kind == "test":
            if _get(doc, path) != op["value"]:
                raise PatchError(f"testing value {path} failed: test failed")
        else:
            raise PatchError(f"Unexpected kind: {kind}")
    return doc


# -- RFC 7386 ----------------------------------------------------------------------------
def merge_patch(doc: Any, patch: Any) -> Any:
    """Apply an RFC 7386 merge patch (returns a new value)."""
    if not isinstance(patch, dict):
        return clone(patch)
    out = clone(doc) if isinstance(doc, dict) else {}
    for k, v in patch.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = merge_patch(out.get(k), v)
    return out


# -- strategic merge patch -----------------------------------------------------------------
_ORDER = "$setElementOrder/"
_DELETE_PRIMITIVE = "$deleteFromPrimitiveList/"


def _smp_map(live: Any, patch: dict, path: tuple[str, ...]) -> Any:
    directive = patch.get("$patch")
    if directive == "delete":
        return None
    if directive == "replace":
        return {k: clone(v) for k, v in patch.items() if k != "$patch"}
    out = clone(live) if isinstance(live, dict) else {}
    retain = patch.get("$retainKeys")
    orders = {}
    for k, v in patch.items():
        if k in ("$patch", "$retainKeys"):
            continue
        if k.startswith(_ORDER):
            orders[k[len(_ORDER):]] = v
            continue
        if k.startswith(_DELETE_PRIMITIVE):
            field = k[len(_DELETE_PRIMITIVE):]
            if isinstance(out.get(field), list):
                out[field] = [x for x in out[field] if x not in (v or [])]
            continue
        if v is None:
            out.pop(k, None)
        else:
            merged = _smp_value(out.get(k), v, path + (k,))
            if merged is None and isinstance(v, dict) and v.get("$patch") == "delete":
                out.pop(k, None)
            else:
                out[k] = merged
    for field, order in orders.items():
        if isinstance(out.get(field), list) and isinstance(order, list):
            out[field] = _reorder(out[field], order, path + (field,))
    if isinstance(retain, list):
        out = {k: v for k, v in out.items() if k in retain}
    return out


def _reorder(items: list, order: list, path: tuple[str, ...]) -> list:
    key = merge_key(path, [i for i in items + order if isinstance(i, dict)])
    ident = (lambda i: i.get(key) if isinstance(i, dict) else i) if key else (lambda i: i)
    rank = {repr(ident(o)): n for n, o in enumerate(order)}
    placed = sorted((i for i in items if repr(ident(i)) in rank), key=lambda i: rank[repr(ident(i))])
    return placed + [i for i in items if repr(ident(i)) not in rank]


def _smp_list(live: Any, patch: list, path: tuple[str, ...]) -> list:
    live = live if isinstance(live, list) else []
    dicts = [i for i in patch + live if isinstance(i, dict)]
    key = merge_key(path, dicts)
    if any(isinstance(i, dict) and i.get("$patch") == "replace" for i in patch):
        return [clone(i) for i in patch if not (isinstance(i, dict) and "$patch" in i)]
    if not key or not all(isinstance(i, dict) for i in patch):
        return clone(patch)
    out = [clone(i) for i in live]
    for item in patch:
        k = item.get(key)
        at = next((n for n, x in enumerate(out) if isinstance(x, dict) and x.get(key) == k), None)
        if item.get("$patch") == "delete":
            if at is not None:
                del out[at]
        elif at is None:
            out.append({kk: clone(vv) for kk, vv in item.items() if not kk.startswith("$")})
        else:
            out[at] = _smp_map(out[at], item, path)
    return out


def _smp_value(live: Any, patch: Any, path: tuple[str, ...]) -> Any:
    if isinstance(patch, dict):
        return _smp_map(live, patch, path)
    if isinstance(patch, list):
        return _smp_list(live, patch, path)
    return clone(patch)


def strategic_merge_patch(doc: dict, patch: Any) -> dict:
    """Apply a strategic merge patch to a copy of ``doc``."""
    if not isinstance(patch, dict):
        raise PatchError("json: cannot unmarshal array into Go value of type map[string]interface {}")
    return _smp_map(doc, patch, ())
