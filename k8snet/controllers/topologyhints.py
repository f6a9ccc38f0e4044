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
removed unless ``trafficDistribution`` asks for them.  ``reconcile_hints`` applies this to
the desired endpoints of one Service (all its slices of one address type).  Upstream keeps
the hints of unchanged slices when they are still valid; this simulation recomputes them from
the endpoints in slice order at every sync, which gives what upstream writes on a first sync.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable

__all__ = ["TOPOLOGY_MODE", "DEPRECATED_TOPOLOGY_AWARE_HINTS", "ZONE_LABEL", "OVERLOAD_THRESHOLD",
           "Event", "TopologyCache", "hints_enabled", "valid_traffic_distribution", "reconcile_hints"]

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


def _ready(ep: dict) -> bool:
    return (ep.get("conditions") or {}).get("ready") is True


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

    def add_hints(self, key: str, endpoints: list[dict], address_type: str) -> list[Event]:
        """``AddHints``: same-zone hints, then endpoints moved from zones over their share to
        zones under it (in slice order; zones in name order where Go iterates a map)."""
        ready = [ep for ep in endpoints if _ready(ep)]
        allocations, refusal = self.allocations(len(ready))
        if refusal is not None:
            self.remove(key, address_type)
            _remove_hints(endpoints)
            return [Event(refusal.type, refusal.reason, _with_address_type(refusal.message, address_type))]
        allocated: dict[str, int] = {}
        for ep in endpoints:
            if not _ready(ep):
                ep.pop("hints", None)
                continue
            if not ep.get("zone"):
                self.remove(key, address_type)
                _remove_hints(endpoints)
                return [Event("Warning", "TopologyAwareHintsDisabled", _with_address_type(NO_ZONE_SPECIFIED, address_type))]
            allocated[ep["zone"]] = allocated.get(ep["zone"], 0) + 1
            ep["hints"] = {"forZones": [{"name": ep["zone"]}]}
        giving, receiving = _giving_and_receiving(allocations, allocated)
        for zone, diff in _redistribute(ready, giving, receiving).items():
            allocated[zone] = allocated.get(zone, 0) + diff
        if not allocated:
            self.remove(key, address_type)
            _remove_hints(endpoints)
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


def _remove_hints(endpoints: list[dict]) -> None:
    for ep in endpoints:
        ep.pop("hints", None)


def _prefer_close(endpoints: list[dict], same_node: bool) -> None:
    """trafficdist.go ``preferCloseHeuristic.update``: ready endpoints get their own zone (and
    node, for PreferSameNode); endpoints not ready keep what they have."""
    for ep in endpoints:
        if not _ready(ep):
            continue
        hints = {}
        if ep.get("zone"):
            hints["forZones"] = [{"name": ep["zone"]}]
        if ep.get("nodeName") and same_node:
            hints["forNodes"] = [{"name": ep["nodeName"]}]
        if hints:
            ep["hints"] = hints
        else:
            ep.pop("hints", None)


def reconcile_hints(service: dict, endpoints: list[dict], cache: TopologyCache | None,
                    address_type: str = "IPv4") -> list[Event]:
    """Set or clear ``hints`` on the desired endpoints of ``service`` (in place); the Events
    the controller records on the Service."""
    meta, spec = service["metadata"], service["spec"]
    key = f"{meta['namespace']}/{meta['name']}"
    annotations = meta.get("annotations") or {}
    td = spec.get("trafficDistribution")
    use_td = valid_traffic_distribution(td) and not hints_enabled(annotations)
    events: list[Event] = []
    if cache is not None and hints_enabled(annotations):
        events = cache.add_hints(key, endpoints, address_type)
    else:
        if cache is not None:
            if key in cache.hints_populated:
                events.append(Event("Warning", "TopologyAwareHintsDisabled",
                                    _with_address_type(TOPOLOGY_AWARE_HINTS_DISABLED, address_type)))
            cache.remove(key, address_type)
        if not use_td:
            _remove_hints(endpoints)
    if use_td:
        _prefer_close(endpoints, td == "PreferSameNode")
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
