"""MetalLB (addon ``metallb``): LoadBalancer addresses on bare metal, announced in layer 2.

Without a cloud nothing gives a LoadBalancer Service an address (``<pending>``).  MetalLB's
*controller* assigns one from an ``IPAddressPool`` (metallb.io/v1beta1) and its *speakers* (a
DaemonSet) make it reachable: in layer-2 mode one node answers ARP for the address, elected
per Service, and traffic reaches that node's kube-proxy with the address as destination.

Followed from metallb v0.15 (``controller/service.go``, ``internal/allocator``,
``speaker/layer2_controller.go``):

* Only Services with no ``spec.loadBalancerClass`` (the controller runs without ``--lb-class``).
* No pool at all: the Service stays pending, no event.  A pool: the first free address of the
  pools that ``autoAssign`` (``avoidBuggyIPs`` skips addresses ending in .0 and .255), or of the
  pool named by ``metallb.io/address-pool``, or exactly ``metallb.io/loadBalancerIPs``.  MetalLB
  walks its pools in Go map order (random); k8snet walks them by name, so runs repeat.
  Event ``Normal IPAllocated  Assigned IP ["192.168.1.240"]``; the Service gets the annotation
  ``metallb.io/ip-allocated-from-pool``.  Nothing free: ``Warning AllocationFailed  Failed to
  allocate IP for "default/web": no available IPs``.
* The speaker of one node announces it when an ``L2Advertisement`` selects the pool (no
  ``ipAddressPools`` and no selectors: every pool) and the Service has a ready endpoint.
  Candidates are the nodes with a speaker that are Ready, not labelled
  ``node.kubernetes.io/exclude-from-external-load-balancers``, match the advertisement's
  ``nodeSelectors`` and -- with ``externalTrafficPolicy: Local`` -- host a ready endpoint; the
  winner is the lowest sha256(node + "#" + ip).  Event ``Normal nodeAssigned  announcing from
  node "node-2" with protocol "layer2"``.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from .. import labels
from ..apiserver.store import clone
from ..apiserver.validation.metallb import NAMESPACE, parse_range

__all__ = ["MetalLB", "pool_addresses", "allocate", "announcer", "Announcement", "POOL_ANNOTATION",
           "IPS_ANNOTATION", "ALLOCATED_FROM", "EXCLUDE_LABEL"]

POOL_ANNOTATION = "metallb.io/address-pool"
IPS_ANNOTATION = "metallb.io/loadBalancerIPs"
ALLOCATED_FROM = "metallb.io/ip-allocated-from-pool"
EXCLUDE_LABEL = "node.kubernetes.io/exclude-from-external-load-balancers"
_DEPRECATED = {POOL_ANNOTATION: "metallb.universe.tf/address-pool", IPS_ANNOTATION: "metallb.universe.tf/loadBalancerIPs"}


def _annotation(svc: dict, key: str) -> str:
    ann = svc["metadata"].get("annotations") or {}
    return ann.get(key) or ann.get(_DEPRECATED[key]) or ""


def pool_addresses(pool: dict) -> list[str]:
    """Every IPv4 address of the pool, in order (``avoidBuggyIPs``: without .0 and .255)."""
    spec = pool.get("spec") or {}
    out = []
    for text in spec.get("addresses") or []:
        try:
            nets = parse_range(text)
        except ValueError:
            continue
        for net in nets:
            if net.version != 4:
                continue
            for ip in (net if net.num_addresses <= 65536 else ()):
                if spec.get("avoidBuggyIPs") and str(ip).endswith((".0", ".255")):
                    continue
                out.append(str(ip))
    return out


def _pools(pools: list[dict]) -> list[dict]:
    return sorted((p for p in pools if p["metadata"].get("namespace") == NAMESPACE), key=lambda p: p["metadata"]["name"])


def allocate(svc: dict, pools: list[dict], taken: set[str]) -> tuple[str, str] | str:
    """``(ip, pool name)`` for ``svc``, or the reason it gets none (``""``: no pools at all)."""
    pools = _pools(pools)
    if not pools:
        return ""
    wanted = [s.strip() for s in _annotation(svc, IPS_ANNOTATION).split(",") if s.strip()] \
        or ([svc["spec"]["loadBalancerIP"]] if svc["spec"].get("loadBalancerIP") else [])
    named = _annotation(svc, POOL_ANNOTATION)
    if wanted:
        for p in pools:
            if wanted[0] in pool_addresses(p) and (not named or p["metadata"]["name"] == named):
                return (wanted[0], p["metadata"]["name"]) if wanted[0] not in taken else "no available IPs"
        return f'{json.dumps(wanted)} is not allowed in config'
    if named:
        pools = [p for p in pools if p["metadata"]["name"] == named]
        if not pools:
            return f'unknown pool "{named}"'
    else:
        pools = [p for p in pools if (p.get("spec") or {}).get("autoAssign", True)]
    for p in pools:
        for ip in pool_addresses(p):
            if ip not in taken:
                return ip, p["metadata"]["name"]
    return "no available IPs"


@dataclass(frozen=True, slots=True)
class Announcement:
    """Who answers ARP for a MetalLB address: ``node`` (None: nobody) and why."""

    node: str | None
    reason: str


def _ready(node: dict) -> bool:
    return any(c.get("type") == "Ready" and c.get("status") == "True" for c in (node.get("status") or {}).get("conditions") or [])


def _selects(selectors: list, label_set: dict) -> bool:
    return not selectors or any(labels.from_label_selector(s).matches(label_set) for s in selectors)


def announcer(svc: dict, ip: str, pool: dict | None, advertisements: list[dict], nodes: list[dict],
              slices: list[dict], speakers_up: dict[str, bool] | None = None) -> Announcement:
    """layer2Controller.ShouldAnnounce, asked of every speaker at once: the winning node."""
    if pool is None:
        return Announcement(None, f"{ip} is in no IPAddressPool")
    pool_name, pool_labels = pool["metadata"]["name"], pool["metadata"].get("labels") or {}
    ads = []
    for ad in advertisements:
        if ad["metadata"].get("namespace") != NAMESPACE:
            continue
        spec = ad.get("spec") or {}
        names, selectors = spec.get("ipAddressPools") or [], spec.get("ipAddressPoolSelectors") or []
        if (not names and not selectors) or pool_name in names or (selectors and _selects(selectors, pool_labels)):
            ads.append(ad)
    if not ads:
        return Announcement(None, f"no L2Advertisement covers pool {pool_name}: {ip} is assigned but not announced")
    eps = [e for s in slices for e in s.get("endpoints") or []
           if (e.get("conditions") or {}).get("serving", (e.get("conditions") or {}).get("ready")) is not False
           and (e.get("conditions") or {}).get("ready") is not False]
    if not eps:  # activeEndpointExists
        return Announcement(None, "the Service has no ready endpoint, so no speaker announces it")
    up = speakers_up or {}
    candidates = []
    for n in nodes:
        name, lbls = n["metadata"]["name"], n["metadata"].get("labels") or {}
        if not up.get(name, True) or not _ready(n) or EXCLUDE_LABEL in lbls:
            continue
        if any(_selects((ad.get("spec") or {}).get("nodeSelectors") or [], lbls) for ad in ads):
            candidates.append(name)
    if svc["spec"].get("externalTrafficPolicy") == "Local":
        local = {e.get("nodeName") for e in eps}
        candidates = [c for c in candidates if c in local]
    if not candidates:
        return Announcement(None, "no node may announce it (no Ready speaker node passes the selectors)")
    winner = min(candidates, key=lambda c: hashlib.sha256(f"{c}#{ip}".encode()).digest())
    return Announcement(winner, f'announcing from node "{winner}" with protocol "layer2"')


class MetalLB:
    """The controller and the speakers, run after the other controllers settle (a manager extra)."""

    def __init__(self, api):
        self.api, self.store = api, api.store
        self.announced: dict[tuple[str, str], str] = {}
        self.failed: dict[tuple[str, str], str] = {}  # an event per new failure, not per pass

    def _services(self) -> list[dict]:
        svcs = [s for s in self.store.items("Service")
                if s["spec"].get("type") == "LoadBalancer" and s["spec"].get("loadBalancerClass") is None]
        return sorted(svcs, key=lambda s: (s["metadata"].get("creationTimestamp", ""), s["metadata"]["namespace"],
                                           s["metadata"]["name"]))

    def __call__(self) -> None:
        pools = list(self.store.items("IPAddressPool"))
        taken = {i.get("ip") for s in self._services() for i in _ingress(s)}
        for svc in self._services():
            key = (svc["metadata"]["namespace"], svc["metadata"]["name"])
            current = [i.get("ip") for i in _ingress(svc) if i.get("ip")]
            if current and any(current[0] in pool_addresses(p) for p in _pools(pools)):
                self._announce(svc, current[0], pools)
                continue
            got = allocate(svc, pools, taken)
            if isinstance(got, str):
                if got and self.failed.get(key) != got:
                    self.failed[key] = got
                    self.api.record_event(svc, "Warning", "AllocationFailed",
                                          f'Failed to allocate IP for "{key[0]}/{key[1]}": {got}', "metallb-controller")
                if current:
                    self._write(svc, [], None)
                continue
            ip, pool = got
            taken.add(ip)
            self.failed.pop(key, None)
            self.api.record_event(svc, "Normal", "IPAllocated", f'Assigned IP ["{ip}"]', "metallb-controller")
            self._write(svc, [{"ip": ip, "ipMode": "VIP"}], pool)
            self._announce(self.store.peek("Service", *key), ip, pools)

    def _write(self, svc: dict, ingress: list, pool: str | None) -> None:
        s2 = clone(svc)
        s2["status"] = {"loadBalancer": {"ingress": ingress} if ingress else {}}
        ann = s2["metadata"].setdefault("annotations", {})
        if pool:
            ann[ALLOCATED_FROM] = pool
        else:
            ann.pop(ALLOCATED_FROM, None)
        self.api.write(s2)

    def _announce(self, svc: dict, ip: str, pools: list[dict]) -> None:
        key = (svc["metadata"]["namespace"], svc["metadata"]["name"])
        a = self.announcement(svc, ip, pools)
        if a.node and self.announced.get(key) != a.node:
            self.api.record_event(svc, "Normal", "nodeAssigned", a.reason, "metallb-speaker")
        if a.node:
            self.announced[key] = a.node
        else:
            self.announced.pop(key, None)

    def announcement(self, svc: dict, ip: str, pools: list[dict] | None = None) -> Announcement:
        """Who announces ``ip`` for ``svc`` now."""
        pools = _pools(list(self.store.items("IPAddressPool")) if pools is None else pools)
        pool = next((p for p in pools if ip in pool_addresses(p)), None)
        ns, name = svc["metadata"]["namespace"], svc["metadata"]["name"]
        slices = [s for s in self.store.items("EndpointSlice", ns)
                  if (s["metadata"].get("labels") or {}).get("kubernetes.io/service-name") == name]
        speakers = {p["spec"].get("nodeName"): True for p in self.store.items("Pod", NAMESPACE)
                    if (p["metadata"].get("labels") or {}).get("component") == "speaker"
                    and (p.get("status") or {}).get("phase") == "Running"}
        nodes = [n for n in self.store.items("Node") if n["metadata"]["name"] in speakers]
        return announcer(svc, ip, pool, list(self.store.items("L2Advertisement")), nodes, slices)


def _ingress(svc: dict) -> list[dict]:
    return ((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []

