"""The object store behind the simulated API server (what etcd is to a real one).

Objects are kept by kind, then by ``(namespace, name)``.  Every write bumps a global
``resourceVersion`` and notifies watchers with ``(verb, kind, old, new)`` — the controllers
subscribe, as informers do.  ``get``/``list`` hand out copies; ``peek``/``items`` give the
stored dicts themselves for read-only use inside the package (controllers read thousands of
objects per sync and copying them all would dominate the cost).
"""
from __future__ import annotations

from typing import Callable, Iterator

__all__ = ["Store", "clone", "replace_fields"]

Watcher = Callable[[str, str, "dict | None", "dict | None"], None]


def clone(obj):
    """A deep copy of a JSON-shaped value (dicts, lists, scalars); faster than copy.deepcopy."""
    if isinstance(obj, dict):
        return {k: clone(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [clone(v) for v in obj]
    return obj


def replace_fields(obj: dict, **fields) -> dict:
    """A new version of a stored object with top-level ``fields`` replaced (e.g. ``status=``).

    Unchanged parts are shared with the old version, not copied: stored objects are never
    changed in place (every writer builds a new version), so sharing is safe and saves a deep
    copy of the whole object on every status update.  ``metadata`` is always copied, since
    the store writes the new resourceVersion into it."""
    new = dict(obj)
    new["metadata"] = dict(obj["metadata"])
    new.update(fields)
    return new


class Store:
    """Objects by kind and ``(namespace, name)``; cluster-scoped objects use namespace ``""``."""

    def __init__(self) -> None:
        # kind -> namespace ("" for cluster-scoped) -> name -> object
        self._objects: dict[str, dict[str, dict[str, dict]]] = {}
        self._counts: dict[str, int] = {}
        self._version = 0
        self._watchers: list[tuple[Watcher, frozenset | None]] = []
        self._kind_watchers: dict[str, tuple[Watcher, ...]] = {}  # kind -> its watchers, in order

    @property
    def version(self) -> int:
        """Bumped by every write: caches built from the store compare it."""
        return self._version

    # -- reading ---------------------------------------------------------------
    def peek(self, kind: str, namespace: str, name: str) -> dict | None:
        """The stored object itself (do not mutate), or None."""
        return self._objects.get(kind, {}).get(namespace or "", {}).get(name)

    def get(self, kind: str, namespace: str, name: str) -> dict | None:
        """A copy of the object, or None."""
        obj = self.peek(kind, namespace, name)
        return None if obj is None else clone(obj)

    def items(self, kind: str, namespace: str | None = None) -> Iterator[dict]:
        """The stored objects of a kind (do not mutate), optionally in one namespace."""
        by_ns = self._objects.get(kind, {})
        if namespace is not None:
            yield from list(by_ns.get(namespace, {}).values())
            return
        for objs in list(by_ns.values()):
            yield from list(objs.values())

    def list(self, kind: str, namespace: str | None = None) -> list[dict]:
        """Copies of the objects of a kind, sorted by namespace and name as the API server lists them."""
        objs = sorted(self.items(kind, namespace),
                      key=lambda o: (o["metadata"].get("namespace", ""), o["metadata"]["name"]))
        return [clone(o) for o in objs]

    def count(self, kind: str) -> int:
        return self._counts.get(kind, 0)

    # -- writing ---------------------------------------------------------------
    def next_version(self) -> str:
        self._version += 1
        return str(self._version)

    def put(self, obj: dict) -> dict:
        """Store ``obj`` (already defaulted and validated), bump its resourceVersion, notify.

        The store keeps ``obj`` itself: callers hand over ownership."""
        kind, meta = obj["kind"], obj["metadata"]
        bucket = self._objects.setdefault(kind, {}).setdefault(meta.get("namespace", ""), {})
        old = bucket.get(meta["name"])
        meta["resourceVersion"] = self.next_version()
        bucket[meta["name"]] = obj
        if old is None:
            self._counts[kind] = self._counts.get(kind, 0) + 1
        verb = "MODIFIED" if old is not None else "ADDED"
        watchers = self._kind_watchers.get(kind)
        for w in self._watchers_of(kind) if watchers is None else watchers:
            w(verb, kind, old, obj)
        return obj

    def remove(self, kind: str, namespace: str, name: str) -> dict | None:
        """Remove an object; returns it (or None if it was not there) and notifies watchers."""
        old = self._objects.get(kind, {}).get(namespace or "", {}).pop(name, None)
        if old is not None:
            self._version += 1
            self._counts[kind] -= 1
            watchers = self._kind_watchers.get(kind)
            for w in self._watchers_of(kind) if watchers is None else watchers:
                w("DELETED", kind, old, None)
        return old

    def watch(self, watcher: Watcher, kinds=None) -> None:
        """Call ``watcher(verb, kind, old, new)`` after every write (verb ADDED/MODIFIED/DELETED)
        of an object of ``kinds`` (default: every kind), in the order the watchers came."""
        self._watchers.append((watcher, None if kinds is None else frozenset(kinds)))
        self._kind_watchers = {}

    def unwatch(self, watcher: Watcher) -> None:
        """Stop calling ``watcher`` (a served API's watch cache, when the server stops)."""
        for i, (w, _) in enumerate(self._watchers):
            if w == watcher:
                del self._watchers[i]
                self._kind_watchers = {}
                return

    def _watchers_of(self, kind: str) -> tuple[Watcher, ...]:
        # As an informer hears only of the kinds it watches: the watchers of each kind, in
        # order, worked out once (most writes are Events and pods, which most watchers ignore).
        found = self._kind_watchers[kind] = tuple(w for w, kinds in self._watchers if kinds is None or kind in kinds)
        return found
