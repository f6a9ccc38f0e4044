"""topologycache ``SliceInfo`` (``staging/src/k8s.io/endpointslice/topologycache/sliceinfo.go``,
``utils.go``): one Service's EndpointSlices of one address type, sorted by what the reconciler
is about to do with them, and the checks that keep an unchanged slice's hints."""
from __future__ import annotations

import copy
from dataclasses import dataclass, field

__all__ = ["SliceInfo", "remove_hints_from_slices"]


def _ready(ep: dict) -> bool:
    """utils.go ``EndpointReady``: the Ready condition is set and true."""
    return (ep.get("conditions") or {}).get("ready") is True


def _remove_hints(endpoints: list[dict]) -> None:
    for ep in endpoints:
        ep.pop("hints", None)


@dataclass
class SliceInfo:
    """topologycache ``SliceInfo``: one Service's slices of one address type, by what the
    reconciler is about to do with them.  Slices moved from ``unchanged`` to ``to_update`` are
    copies: the stored objects are never changed in place."""

    service_key: str
    address_type: str
    to_create: list[dict] = field(default_factory=list)
    to_update: list[dict] = field(default_factory=list)
    unchanged: list[dict] = field(default_factory=list)

    def total_ready(self) -> int:
        """``getTotalReadyEndpoints``: ready endpoints over every slice."""
        return sum(_ready(ep) for s in (*self.to_create, *self.to_update, *self.unchanged)
                   for ep in s.get("endpoints") or [])

    def allocated_hints_by_zone(self, allocations: dict) -> dict[str, int]:
        """``getAllocatedHintsByZone``: the hints unchanged slices already give each zone; a
        slice whose hints are no longer valid (``getHintsByZone`` is nil) moves to ``to_update``."""
        allocated: dict[str, int] = {}
        keep = []
        for s in self.unchanged:
            by_zone = _hints_by_zone(s, allocated, allocations)
            if by_zone is None:
                self.to_update.append(copy.deepcopy(s))
                continue
            keep.append(s)
            for zone, n in by_zone.items():
                allocated[zone] = allocated.get(zone, 0) + n
        self.unchanged = keep
        return allocated


def _hints_by_zone(slice_: dict, allocated: dict[str, int], allocations: dict) -> dict[str, int] | None:
    """``getHintsByZone``: hints per zone of the slice's ready endpoints, or None when they are
    invalid: an endpoint without a zone hint, a hint for a zone that gets no allocation, or more
    hints for a zone than its maximum."""
    by_zone: dict[str, int] = {}
    for ep in slice_.get("endpoints") or []:
        if not _ready(ep):
            continue
        zones = [z.get("name") for z in (ep.get("hints") or {}).get("forZones") or []]
        if not zones:
            return None
        for zone in zones:
            if zone not in allocations:
                return None
            by_zone[zone] = by_zone.get(zone, 0) + 1
    for zone, n in by_zone.items():
        if n + allocated.get(zone, 0) > allocations[zone][1]:
            return None
    return by_zone


def remove_hints_from_slices(si: SliceInfo) -> None:
    """utils.go ``RemoveHintsFromSlices``: no hints on the slices to write; an unchanged slice
    that carries any is copied without them and written too."""
    for s in (*si.to_create, *si.to_update):
        _remove_hints(s.get("endpoints") or [])
    keep = []
    for s in si.unchanged:
        if any("hints" in ep for ep in s.get("endpoints") or []):
            s = copy.deepcopy(s)
            _remove_hints(s["endpoints"])
            si.to_update.append(s)
        else:
            keep.append(s)
    si.unchanged = keep
