"""The watch cache (apiserver ``pkg/storage/cacher``): every change the store makes, kept for
a while with its resourceVersion and handed to the watches open on the server.

The store calls :meth:`WatchCache.on_write` synchronously, under the cluster's lock, from
whichever thread wrote (a kubectl request in the server's loop, or the notebook).  The
event goes into a bounded history (so a watch that starts at the resourceVersion of the list
it just made misses nothing) and, through ``loop.call_soon_threadsafe``, into the queue of
every watch on that kind.  A watch asking for a resourceVersion older than the history gets
``410 Expired``, and the client lists again, as with a real server.
"""
from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass, field

from ..apiserver.store import replace_fields

__all__ = ["WatchEvent", "WatchCache", "Subscription"]


@dataclass(frozen=True, slots=True)
class WatchEvent:
    """One change: ``type`` ADDED/MODIFIED/DELETED, the kind, and the object before and after
    (for DELETED, ``new`` is the last state with the deletion's resourceVersion)."""

    rv: int
    type: str
    kind: str
    old: dict | None
    new: dict


@dataclass(eq=False)
class Subscription:
    """One open watch on a kind: its queue of events."""

    kind: str
    queue: asyncio.Queue = field(default_factory=asyncio.Queue)


class WatchCache:
    """The store's recent changes and the watches waiting for more."""

    def __init__(self, store, loop: asyncio.AbstractEventLoop, capacity: int = 8192):
        self.store, self.loop = store, loop
        self.history: deque[WatchEvent] = deque(maxlen=capacity)
        self.subscriptions: set[Subscription] = set()
        self.oldest = store.version  # no event at or before this resourceVersion is kept
        store.watch(self.on_write)

    def on_write(self, verb: str, kind: str, old: dict | None, new: dict | None) -> None:
        """The store's watcher: record, and wake the watches (called under the cluster's lock)."""
        rv = self.store.version
        if new is None:
            new = replace_fields(old)
            new["metadata"]["resourceVersion"] = str(rv)
        if len(self.history) == self.history.maxlen:
            self.oldest = self.history[0].rv
        ev = WatchEvent(rv, verb, kind, old, new)
        self.history.append(ev)
        if any(s.kind == kind for s in self.subscriptions):
            self.loop.call_soon_threadsafe(self._dispatch, ev)

    def _dispatch(self, ev: WatchEvent) -> None:
        for s in list(self.subscriptions):
            if s.kind == ev.kind:
                s.queue.put_nowait(ev)

    def subscribe(self, kind: str) -> Subscription:
        """A new watch on ``kind`` (call under the cluster's lock, with :meth:`since`)."""
        sub = Subscription(kind)
        self.subscriptions.add(sub)
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        self.subscriptions.discard(sub)

    def since(self, rv: int, kind: str) -> list[WatchEvent] | None:
        """The events of ``kind`` after ``rv``, or None when the history no longer reaches back
        there (410 Expired: "too old resource version")."""
        if rv < self.oldest:
            return None
        return [ev for ev in self.history if ev.rv > rv and ev.kind == kind]

    def close(self) -> None:
        """Stop listening to the store."""
        self.store.unwatch(self.on_write)
        self.subscriptions.clear()
