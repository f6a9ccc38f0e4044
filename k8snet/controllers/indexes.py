"""Informer-style indexes, so that one change costs work proportional to what it touches.

client-go informers keep indexers (by namespace, by owner, ...) for the same reason: a
ReplicaSet sync must not scan 20,000 pods to find its own five.  Kept current from the
store's watch events by the controller Manager.
"""
from __future__ import annotations

from collections import defaultdict

__all__ = ["Indexes"]


def _owner_uid(obj: dict) -> str | None:
    for r in obj["metadata"].get("ownerReferences") or []:
        if r.get("controller"):
            return r.get("uid")
    return None


class Indexes:
    """Pods by owner / label / node, ReplicaSets by owner, Services by selector pair,
    EndpointSlices by Service."""

    def __init__(self) -> None:
        self.by_owner: dict[tuple[str, str], set[str]] = defaultdict(set)  # (kind, owner uid) -> names
        self.pod_labels: dict[tuple[str, str, str], set[str]] = defaultdict(set)  # (ns, key, value) -> pods
        self.svc_selector: dict[tuple[str, str, str], set[str]] = defaultdict(set)  # (ns, key, value) -> svcs
        self.slices: dict[tuple[str, str], set[str]] = defaultdict(set)  # (ns, service) -> slice names
        self.node_pods: dict[str, int] = defaultdict(int)  # node -> active pods scheduled there
        self.by_load: dict[int, set[str]] = {}  # active pods on a node -> the Nodes with that many

    def update(self, kind: str, old: dict | None, new: dict | None) -> None:
        """Apply one watch event."""
        if old is not None:
            self._index(kind, old, remove=True)
        if new is not None:
            self._index(kind, new, remove=False)

    def _index(self, kind: str, obj: dict, *, remove: bool) -> None:
        meta = obj["metadata"]
        ns, name = meta.get("namespace", ""), meta["name"]

        def put(d, key):
            if remove:
                d[key].discard(name)
                if not d[key]:
                    del d[key]
            else:
                d[key].add(name)

        if kind in ("Pod", "ReplicaSet"):
            uid = _owner_uid(obj)
            if uid:
                put(self.by_owner, (kind, uid))
        if kind == "Pod":
            for k, v in (meta.get("labels") or {}).items():
                put(self.pod_labels, (ns, k, v))
            node = obj["spec"].get("nodeName")
            if node and (obj.get("status") or {}).get("phase") not in ("Succeeded", "Failed"):
                before = self.node_pods[node]
                self.node_pods[node] = before + (-1 if remove else 1)
                if node in self.by_load.get(before, ()):
                    self._move(node, before, self.node_pods[node])
        elif kind == "Node":
            self._move(name, self.node_pods.get(name, 0) if remove else None,
                       None if remove else self.node_pods.get(name, 0))
        elif kind == "Service":
            for k, v in (obj["spec"].get("selector") or {}).items():
                put(self.svc_selector, (ns, k, v))
        elif kind == "EndpointSlice":
            svc = (meta.get("labels") or {}).get("kubernetes.io/service-name")
            if svc:
                put(self.slices, (ns, svc))

    def _move(self, node: str, old: int | None, new: int | None) -> None:
        if old is not None:
            bucket = self.by_load.get(old)
            if bucket is not None:
                bucket.discard(node)
                if not bucket:
                    del self.by_load[old]
        if new is not None:
            self.by_load.setdefault(new, set()).add(node)

    # -- queries ------------------------------------------------------------------------
    def least_loaded(self) -> tuple[int, set[str]]:
        """(fewest active pods on any node, the nodes with that many); (0, set()) with no nodes."""
        if not self.by_load:
            return 0, set()
        least = min(self.by_load)
        return least, self.by_load[least]

    def owned(self, kind: str, owner: dict) -> set[str]:
        """Names of the ``kind`` objects whose controller is ``owner``."""
        return set(self.by_owner.get((kind, owner["metadata"].get("uid")), ()))

    def pods_matching(self, ns: str, selector: dict) -> set[str]:
        """Names of pods in ``ns`` whose labels include every pair of ``selector`` (non-empty)."""
        sets = [self.pod_labels.get((ns, k, str(v)), set()) for k, v in selector.items()]
        if not sets:
            return set()
        sets.sort(key=len)
        out = set(sets[0])
        for s in sets[1:]:
            out &= s
        return out

    def services_selecting(self, ns: str, labels: dict | None) -> set[str]:
        """Candidate Services in ``ns`` whose selector shares a pair with ``labels``."""
        out: set[str] = set()
        for k, v in (labels or {}).items():
            out |= self.svc_selector.get((ns, k, v), set())
        return out
