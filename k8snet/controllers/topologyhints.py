"""EndpointSlice hints, as the EndpointSlice controller writes them (Kubernetes v1.37).

Two ways a Service asks for hints (``staging/src/k8s.io/endpointslice/reconciler.go``,
``reconcileByAddressType``):

* ``spec.trafficDistribution`` (``trafficdist/trafficdist.go``, ``preferCloseHeuristic``):
  ``PreferSameZone`` (and its older name ``PreferClose``) gives every *ready* endpoint one
  ``forZones`` hint, its own zone; ``PreferSameNode`` adds one ``forNodes`` hint, its own node
  (PreferSameTrafficDistribution: GA, locked on, since v1.35).  No capacity arithmetic.
* the annotation ``service.kubernetes.io/topology-mode: Auto`` (or the older
  ``service.kubernetes.io/topology-aware-hints``, which wins when both are set): Topology
  Aware Routing (``topologycache/``).  Endpoints are handed to zones in proportion to the
  allocatable CPU of the zones' ready worker nodes, so some endpoints get a hint for *another*
  zone; and the controller refuses (removes every hint, with a Warning event on the Service)
  when nodes lack a zone or CPU, all nodes sit in one zone, there are fewer endpoints than
  zones, or no allocation keeps each zone's load within 20% of its share.

When the annotation asks for hints, ``trafficDistribution`` is ignored.  Otherwise hints are
removed unless ``trafficDistribution`` asks for them.  ``reconcile_hints`` applies this to one
Service's slices of one address type, sorted as the reconciler sorted them (``SliceInfo``:
to create, to update, unchanged).  As upstream, hints are *assigned* only on the slices being
written; an unchanged slice keeps its hints while they are still valid (``getHintsByZone``: every
ready endpoint hinted for a zone that still gets endpoints, no zone above its maximum;
``needsUpdate`` of the trafficDistribution heuristics) and is rewritten only when they are not,
so a sync that changes nothing writes nothing.
"""
from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from typing import Iterable

from .sliceinfo import SliceInfo, _ready, remove_hints_from_slices

__all__ = ["TOPOLOGY_MODE", "DEPRECATED_TOPOLOGY_AWARE_HINTS", "ZONE_LABEL", "OVERLOAD_THRESHOLD",
           "Event", "SliceInfo", "TopologyCache", "hints_enabled",
           "valid_traffic_distribution", "reconcile_hints"]

#: ``v1.AnnotationTopologyMode`` and ``v1.DeprecatedAnnotationTopologyAwareHints``.
TOPOLOGY_MODE = "service.kubernetes.io/topology-mode"
DEPRECATED_TOPOLOGY_AWARE_HINTS = "service.kubernetes.io/topology-aware-hints"
ZONE_LABEL = "topology.kubernetes.io/zone"
#: topologycache.go ``overloadThreshold``: no endpoint should take more than 20% over its share.
OVERLOAD_THRESHOLD = 0.2
#: trafficdist.go ``closeTrafficDistribution``.
CLOSE_TRAFFIC_DISTRIBUTIONS = ("PreferClose", "PreferSameZone", "PreferSameNode")
#: topologycache.go ``hasExcludedLabels``: control-plane nodes give no capacity.
_EXCLUDED_LABELS = ("node-role.kubernetes.io/control-plane", "node-role.kubernetes.io/master")

# topologycache/event.go: the events' messages.
NO_ZONE_SPECIFIED = "One or more endpoints do not have a zone specified"
NO_ALLOCATED_HINTS_FOR_ZONES = "No hints allocated for zones"
TOPOLOGY_AWARE_HINTS_ENABLED = "Topology Aware Hints has been enabled"
TOPOLOGY_AWARE_HINTS_DISABLED = "Topology Aware Hints has been disabled"
INSUFFICIENT_NODE_INFO = "Insufficient Node information: allocatable CPU or zone not specified on one or more nodes"
NODES_READY_IN_ONE_ZONE_ONLY = "Nodes only ready in one zone"
INSUFFICIENT_NUMBER_OF_ENDPOINTS = "Insufficient number of endpoints"
MIN_ALLOCATION_EXCEEDS_OVERLOAD_THRESHOLD = ("Unable to allocate minimum required endpoints to each zone without "
                                             "exceeding overload threshold")


@dataclass(frozen=True, slots=True)
class Event:
    """topologycache ``EventBuilder``: an Event the controller records on the Service."""

    type: str
    reason: str
    message: str


def hints_enabled(annotations: dict | None) -> bool:
    """reconciler utils ``hintsEnabled``: the deprecated annotation wins; only ``Auto``/``auto``."""
    annotations = annotations or {}
    val = annotations.get(DEPRECATED_TOPOLOGY_AWARE_HINTS)
    if val is None:
        val = annotations.get(TOPOLOGY_MODE)
    return val in ("Auto", "auto")


def valid_traffic_distribution(td) -> bool:
    """reconciler.go ``validTrafficDistribution`` with PreferSameTrafficDistribution on (GA)."""
    return td in CLOSE_TRAFFIC_DISTRIBUTIONS


def _with_address_type(message: str, address_type: str) -> str:
    return f"{message}, addressType: {address_type}"  # FormatWithAddressType


def _cpu_millis(quantity) -> int:
    """A CPU quantity (``"4"``, ``"3500m"``, ``"0.5"``) in millicores."""
    text = str(quantity or "0")
    try:
        return int(text[:-1]) if text.endswith("m") else int(round(float(text) * 1000))
    except ValueError:
        return 0


class TopologyCache:
    """topologycache.go ``TopologyCache``: CPU per zone and the hints given per Service."""

    def __init__(self) -> None:
        self.cpu_ratios_by_zone: dict[str, float] | None = None
        #: Service key -> address type -> endpoints hinted per zone (``EndpointZoneInfo``).
        self.endpoints_by_service: dict[str, dict[str, dict[str, int]]] = {}
        self.hints_populated: set[str] = set()

    def set_nodes(self, nodes: Iterable[dict]) -> None:
        """``SetNodes``: ready nodes without a control-plane label; any such node without a
        zone or CPU makes the information insufficient; fewer than two zones too."""
        cpu_by_zone: dict[str, int] = {}
        sufficient = True
        for node in nodes:
            lbls = node["metadata"].get("labels") or {}
            if any(k in lbls for k in _EXCLUDED_LABELS):
                continue
            ready = next((c.get("status") for c in (node.get("status") or {}).get("conditions") or []
                          if c.get("type") == "Ready"), None)
            if ready != "True":
                continue
            cpu = _cpu_millis(((node.get("status") or {}).get("allocatable") or {}).get("cpu"))
            zone = lbls.get(ZONE_LABEL, "")
            if not zone or cpu == 0:
                cpu_by_zone, sufficient = {}, False
                break
            cpu_by_zone[zone] = cpu_by_zone.get(zone, 0) + cpu
        total = sum(cpu_by_zone.values())
        if total == 0 or not sufficient or len(cpu_by_zone) < 2:
            self.cpu_ratios_by_zone = None
        else:
            self.cpu_ratios_by_zone = {z: c / total for z, c in sorted(cpu_by_zone.items())}

    def allocations(self, n: int):
        """``getAllocations``: per zone ``(minimum, maximum, desired)``, or a refusal Event."""
        ratios = self.cpu_ratios_by_zone
        if ratios is None:
            return None, Event("Warning", "TopologyAwareHintsDisabled", INSUFFICIENT_NODE_INFO)
        if len(ratios) < 2:
            return None, Event("Warning", "TopologyAwareHintsDisabled", NODES_READY_IN_ONE_ZONE_ONLY)
        if len(ratios) > n:
            return None, Event("Warning", "TopologyAwareHintsDisabled",
                               f"{INSUFFICIENT_NUMBER_OF_ENDPOINTS} ({n} endpoints, {len(ratios)} zones)")
        remaining, min_total, out = n, 0, {}
        for zone, ratio in ratios.items():
            desired = ratio * n
            minimum = math.ceil(desired * (1 / (1 + OVERLOAD_THRESHOLD)))
            out[zone] = [minimum, 0, max(desired, float(minimum))]
            min_total += minimum
            remaining -= minimum
            if remaining < 0:
                return None, Event("Warning", "TopologyAwareHintsDisabled",
                                   f"{MIN_ALLOCATION_EXCEEDS_OVERLOAD_THRESHOLD} ({n} endpoints, {len(ratios)} zones)")
        for a in out.values():
            a[1] = a[0] + n - min_total
        return out, None

    def remove(self, key: str, address_type: str = "IPv4") -> None:
        """``RemoveHints``: the address type's hints; the Service counts as not hinted."""
        by_type = self.endpoints_by_service.get(key, {})
        by_type.pop(address_type, None)
        if not by_type:
            self.endpoints_by_service.pop(key, None)
        self.hints_populated.discard(key)

    def overloaded_services(self) -> list[str]:
        """``GetOverloadedServices``: Services whose hints leave a zone under its minimum share."""
        out = []
        for key, by_type in sorted(self.endpoints_by_service.items()):
            if any(self._overloaded(ezi) for _, ezi in sorted(by_type.items())):
                out.append(key)
        return out

    def _overloaded(self, ezi: dict[str, int]) -> bool:
        """``serviceOverloaded``: a zone without endpoints, or with fewer than its minimum."""
        if not ezi:
            return False
        ratios = self.cpu_ratios_by_zone
        if not ratios:
            return True
        total = sum(ezi.values())
        return any(zone not in ezi or ezi[zone] < math.ceil(total * ratio * (1 / (1 + OVERLOAD_THRESHOLD)))
                   for zone, ratio in ratios.items())

    def add_hints(self, si: SliceInfo) -> list[Event]:
        """``AddHints``: same-zone hints on the slices to write, then endpoints of zones over
        their share re-hinted for zones under it (in slice order; zones in name order where Go
        iterates a map), counting what the unchanged slices already give.  An endpoint that is
        not ready keeps whatever hint it had (upstream clears a copy of it)."""
        key, address_type = si.service_key, si.address_type
        allocations, refusal = self.allocations(si.total_ready())
        if refusal is not None:
            self.remove(key, address_type)
            remove_hints_from_slices(si)
            return [Event(refusal.type, refusal.reason, _with_address_type(refusal.message, address_type))]
        allocated = si.allocated_hints_by_zone(allocations)
        allocatable = [ep for s in (*si.to_create, *si.to_update) for ep in s.get("endpoints") or []]
        for ep in allocatable:
            if not _ready(ep):
                continue
            if not ep.get("zone"):
                self.remove(key, address_type)
                remove_hints_from_slices(si)
                return [Event("Warning", "TopologyAwareHintsDisabled", _with_address_type(NO_ZONE_SPECIFIED, address_type))]
            allocated[ep["zone"]] = allocated.get(ep["zone"], 0) + 1
            ep["hints"] = {"forZones": [{"name": ep["zone"]}]}
        giving, receiving = _giving_and_receiving(allocations, allocated)
        for zone, diff in _redistribute([ep for ep in allocatable if _ready(ep)], giving, receiving).items():
            allocated[zone] = allocated.get(zone, 0) + diff
        if not allocated:
            self.remove(key, address_type)
            remove_hints_from_slices(si)
            return [Event("Warning", "TopologyAwareHintsDisabled",
                          _with_address_type(NO_ALLOCATED_HINTS_FOR_ZONES, address_type))]
        events = []
        if key not in self.hints_populated:
            events.append(Event("Normal", "TopologyAwareHintsEnabled",
                                _with_address_type(TOPOLOGY_AWARE_HINTS_ENABLED, address_type)))
        self.endpoints_by_service.setdefault(key, {})[address_type] = allocated
        self.hints_populated.add(key)
        return events


def _most(zones: dict[str, float]) -> tuple[str, float]:
    """``getMost``: the zone with the largest value (the first in name order on a tie)."""
    zone, num = "", 0.0
    for z in sorted(zones):
        if zones[z] > num:
            zone, num = z, zones[z]
    return zone, num


def _giving_and_receiving(allocations: dict, allocated: dict[str, int]):
    """``getGivingAndReceivingZones``: whole endpoints each zone gives or receives."""
    give_f: dict[str, float] = {}
    recv_f: dict[str, float] = {}
    for zone, (_, _, desired) in allocations.items():
        have = allocated.get(zone, 0)
        if have > desired:
            give_f[zone] = have - desired
        elif have < desired:
            recv_f[zone] = desired - have
    giving: dict[str, int] = {}
    receiving: dict[str, int] = {}
    while True:
        gz, ng = _most(give_f)
        rz, nr = _most(recv_f)
        if gz == "" or rz == "" or (ng < 1.0 and nr < 1.0) or ng < 0.5 or nr < 0.5:
            break
        giving[gz] = giving.get(gz, 0) + 1
        give_f[gz] -= 1
        receiving[rz] = receiving.get(rz, 0) + 1
        recv_f[rz] -= 1
    return giving, receiving


def _redistribute(ready: list[dict], giving: dict[str, int], receiving: dict[str, int]) -> dict[str, int]:
    """``redistributeHints``: re-hint endpoints of giving zones for receiving zones."""
    moved: dict[str, int] = {}
    for ep in ready:
        if not giving or not receiving:
            break
        zone = ep.get("zone")
        if giving.get(zone, 0) > 0:
            to = next(z for z in sorted(receiving) if receiving[z] > 0)
            ep["hints"] = {"forZones": [{"name": to}]}
            for d, z in ((giving, zone), (receiving, to)):
                d[z] -= 1
                if d[z] == 0:
                    del d[z]
            moved[to] = moved.get(to, 0) + 1
            moved[zone] = moved.get(zone, 0) - 1
    return moved


def _want_hints(ep: dict, close: bool, same_node: bool) -> dict | None:
    """The hints a trafficDistribution heuristic gives a ready endpoint: with PreferClose /
    PreferSameZone its zone, with PreferSameNode also its node; the default heuristic none."""
    hints = {}
    if close and ep.get("zone"):
        hints["forZones"] = [{"name": ep["zone"]}]
    if close and same_node and ep.get("nodeName"):
        hints["forNodes"] = [{"name": ep["nodeName"]}]
    return hints or None


def _traffic_distribution(td, si: SliceInfo) -> None:
    """trafficdist.go ``ReconcileHints``: an unchanged slice whose ready endpoints have missing,
    wrong or stale hints (``needsUpdate``; the default heuristic: any hint at all) is copied
    into ``to_update``; then every slice to write gets its hints (``update``: ready endpoints
    only -- one that is not ready keeps what it has)."""
    close, same_node = valid_traffic_distribution(td), td == "PreferSameNode"

    def needs_update(s: dict) -> bool:
        if not close:
            return any("hints" in ep for ep in s.get("endpoints") or [])
        return any(_ready(ep) and (ep.get("hints") or None) != _want_hints(ep, close, same_node)
                   for ep in s.get("endpoints") or [])

    keep = []
    for s in si.unchanged:
        if needs_update(s):
            si.to_update.append(copy.deepcopy(s))
        else:
            keep.append(s)
    si.unchanged = keep
    for s in (*si.to_create, *si.to_update):
        for ep in s.get("endpoints") or []:
            if not close:
                ep.pop("hints", None)
            elif _ready(ep):
                hints = _want_hints(ep, close, same_node)
                if hints:
                    ep["hints"] = hints
                else:
                    ep.pop("hints", None)


def reconcile_hints(service: dict, si: SliceInfo, cache: TopologyCache | None) -> list[Event]:
    """reconciler.go ``reconcileByAddressType``'s hint step, on ``si`` in place: the topology
    annotation (``AddHints``), else clear the cache's hints and apply ``trafficDistribution``
    (PreferSameTrafficDistribution is GA: the field is always honoured).  Returns the Events the
    controller records on the Service."""
    annotations = service["metadata"].get("annotations") or {}
    use_td = not hints_enabled(annotations)
    events: list[Event] = []
    if cache is not None and hints_enabled(annotations):
        events = cache.add_hints(si)
    else:
        if cache is not None:
            if si.service_key in cache.hints_populated:
                events.append(Event("Warning", "TopologyAwareHintsDisabled",
                                    _with_address_type(TOPOLOGY_AWARE_HINTS_DISABLED, si.address_type)))
            cache.remove(si.service_key, si.address_type)
        if not use_td:
            remove_hints_from_slices(si)
    if use_td:
        _traffic_distribution(service["spec"].get("trafficDistribution"), si)
    return events


def _zone_and_ready(node: dict | None):
    if node is None:
        return None
    ready = next((c.get("status") for c in (node.get("status") or {}).get("conditions") or []
                  if c.get("type") == "Ready"), None)
    return ((node["metadata"].get("labels") or {}).get(ZONE_LABEL), ready == "True")


class TopologyQueue:
    """The EndpointSlice controller's ``topologyQueue`` (endpointslice_controller.go), mixed
    into the controller manager: a Node added or deleted, or one whose Ready condition or zone
    label changed, makes it re-read the nodes (``checkNodeTopologyDistribution``) and re-sync
    the Services whose hints now overload a zone.  Nothing else about a Node re-syncs a
    Service: an endpoint's ``zone`` is written when its Service is next synced."""

    topology_cache: TopologyCache

    def _on_node_topology(self, old: dict | None, new: dict | None) -> None:
        if old is None or new is None or _zone_and_ready(old) != _zone_and_ready(new):
            self.dirty["topology"].add(("", ""))

    def _sync_topology(self, _ns: str, _name: str) -> None:
        self.topology_cache.set_nodes(self.nodes_by_name().values())
        for key in self.topology_cache.overloaded_services():
            ns, _, name = key.partition("/")
            self.dirty["endpointslice"].add((ns, name))
