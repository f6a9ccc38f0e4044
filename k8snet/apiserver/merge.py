"""``kubectl apply``'s three-way merge, reduced to what the course meets.

kubectl stores what you applied in the ``kubectl.kubernetes.io/last-applied-configuration``
annotation.  On the next apply it computes a patch from three objects: the *last applied*
one, the *new* manifest, and the *live* object (k8s.io/apimachinery strategicpatch
``CreateThreeWayMergePatch``):

* a field in the new manifest is set;
* a field that was in the last applied manifest but is gone from the new one is deleted;
* a field only the live object has (set by the server or by ``kubectl scale``) is kept.

Lists are replaced whole, except those with a *patch merge key* (a Service's ``ports`` by
``port``, a pod's ``containers`` by ``name``, ...), which merge element by element — that is
why a server-allocated ``nodePort`` survives re-applying a manifest that does not name it.
"""
from __future__ import annotations

from .store import clone

__all__ = ["LAST_APPLIED", "three_way_merge", "MERGE_KEYS", "merge_key"]

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"

# list field name -> patch merge key (from the API types' `patchMergeKey` tags)
MERGE_KEYS = {
    "ports": None,  # decided by context below: Service ports by "port", container ports by "containerPort"
    "containers": "name", "initContainers": "name", "env": "name", "volumes": "name",
    "volumeMounts": "mountPath", "imagePullSecrets": "name", "tolerations": None,
    "conditions": "type",
}


def merge_key(path: tuple[str, ...], items: list) -> str | None:
    """The patch merge key of the list at ``path`` (field names from the object's root), or
    None when the list is replaced whole."""
    name = path[-1] if path else ""
    if name == "ports":
        if any(isinstance(i, dict) and "containerPort" in i for i in items):
            return "containerPort"
        if any(isinstance(i, dict) and "port" in i for i in items) and path[:1] == ("spec",) and len(path) == 2:
            return "port"
        return None
    return MERGE_KEYS.get(name)


def _merge(live, last, new, path: tuple[str, ...]):
    if isinstance(new, dict) and isinstance(live, dict):
        out = {}
        last = last if isinstance(last, dict) else {}
        for k, v in live.items():
            if k in new and new[k] is None:
                continue  # strategic merge patch: an explicit null deletes the field
            if k in new:
                out[k] = _merge(v, last.get(k), new[k], path + (k,))
            elif k in last:
                continue  # we applied it before and dropped it now: delete
            else:
                out[k] = clone(v)  # only the server (or kubectl scale) set it: keep
        for k, v in new.items():
            if k not in live and v is not None:
                out[k] = clone(v)
        return out
    if isinstance(new, list) and isinstance(live, list):
        key = merge_key(path, new + live)
        if key and all(isinstance(i, dict) and key in i for i in new + live):
            live_by = {i[key]: i for i in live}
            last_by = {i.get(key): i for i in (last or []) if isinstance(i, dict)}
            out = []
            for item in new:  # the new manifest's order wins
                k = item[key]
                out.append(_merge(live_by[k], last_by.get(k), item, path) if k in live_by else clone(item))
            new_keys = {i[key] for i in new}
            for item in live:  # elements only the server added, and that we never applied, stay
                if item[key] not in new_keys and item[key] not in last_by:
                    out.append(clone(item))
            return out
        return clone(new)
    return clone(new)


def three_way_merge(live: dict, last_applied: dict | None, new: dict) -> dict:
    """The object the API server holds after ``kubectl apply`` of ``new`` over ``live``."""
    return _merge(live, last_applied or {}, new, ())
