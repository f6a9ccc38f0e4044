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
* Dual-stack (``internal/allocator``, ``ipfamily.ForService``): a Service's family is that of its
  clusterIPs.  A single-stack Service gets one address of its family; a dual-stack one an IPv4
  *and* an IPv6 address from one pool holding both families (listed IPv4 first, whatever the
  order of ``ipFamilies``: ``selectIPsForFamilyAndPolicy``), or under PreferDualStack, failing
  such a pool, one address; it gets the other family later from the same pool when one is free.
  The speaker elected for the first address answers for both (ARP for IPv4, NDP for IPv6).
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
import ipaddress
import json
from dataclasses import dataclass

from .. import labels
from ..apiserver.store import clone
from ..families import IPV4, IPV6, family_of
from ..apiserver.validation.metallb import NAMESPACE, parse_range

__all__ = ["MetalLB", "in_pool", "service_family", "allocate", "announcer", "Announcement", "POOL_ANNOTATION",
           "IPS_ANNOTATION", "ALLOCATED_FROM", "EXCLUDE_LABEL"]

POOL_ANNOTATION = "metallb.io/address-pool"
IPS_ANNOTATION = "metallb.io/loadBalancerIPs"
ALLOCATED_FROM = "metallb.io/ip-allocated-from-pool"
EXCLUDE_LABEL = "node.kubernetes.io/exclude-from-external-load-balancers"
_DEPRECATED = {POOL_ANNOTATION: "metallb.universe.tf/address-pool", IPS_ANNOTATION: "metallb.universe.tf/loadBalancerIPs"}


def _annotation(svc: dict, key: str) -> str:
    ann = svc["metadata"].get("annotations") or {}
    return ann.get(key) or ann.get(_DEPRECATED[key]) or ""


def _networks(pool: dict) -> list:
    out = []
    for text in (pool.get("spec") or {}).get("addresses") or []:
        try:
            out += parse_range(text)
        except ValueError:
            continue
    return out


def in_pool(ip: str, pool: dict) -> bool:
    """Whether ``ip`` is one of ``pool``'s CIDRs (``poolFor``)."""
    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        return False
    return any(addr.version == n.version and addr in n for n in _networks(pool))


def _free_per_family(pool: dict, taken: set[str]) -> dict[str, str]:
    """``getFreeIPsFromPool``: the first free address of each family, walking the pool's CIDRs in order."""
    avoid = bool((pool.get("spec") or {}).get("avoidBuggyIPs"))
    free: dict[str, str] = {}
    for net in _networks(pool):
        fam = IPV6 if net.version == 6 else IPV4
        if fam in free:
            continue
        for i, ip in enumerate(net):
            if i >= 65536:  # a cursor over a huge IPv6 CIDR: 65536 taken in a row never happens here
                break
            if avoid and ip.version == 4 and ip.packed[3] in (0, 255):
                continue
            if str(ip) not in taken:
                free[fam] = str(ip)
                break
    return free


def service_family(svc: dict) -> str:
    """``ipfamily.ForService``: ``IPv4``, ``IPv6`` or ``dual`` from the Service's clusterIPs."""
    ips = svc["spec"].get("clusterIPs") or [svc["spec"].get("clusterIP") or ""]
    fams = {family_of(ip) for ip in ips if ip and ip != "None"}
    return "dual" if len(ips) == 2 and len(fams) == 2 else (fams.pop() if fams else IPV4)


def _select(free: dict[str, str], family: str, policy: str) -> list[str] | None:
    """``selectIPsForFamilyAndPolicy``: one address of a single-stack Service's family; for a
    dual-stack one (two clusterIPs) IPv4 then IPv6 -- MetalLB lists the IPv4 address first
    whatever the order of ``ipFamilies`` -- or, under PreferDualStack, whichever family the pool has."""
    if family != "dual":
        return [free[family]] if family in free else None
    both = [free[f] for f in (IPV4, IPV6) if f in free]
    return both if len(both) == 2 or (policy == "PreferDualStack" and both) else None


def _best_pool(pools: list[dict], svc: dict, family: str, taken: set[str]) -> tuple[list[str], str] | None:
    """``findBestPoolForService`` + ``selectIPsForFamilyAndPolicy``: the first pool holding the
    Service's family (for a dual-stack Service, both; under PreferDualStack, failing that, one of
    the Service's primary family, then of the other)."""
    policy = svc["spec"].get("ipFamilyPolicy") or "SingleStack"
    fams = svc["spec"].get("ipFamilies") or []
    order = (IPV6, IPV4) if fams[:1] == [IPV6] else (IPV4, IPV6)
    partial: dict[str, tuple[list[str], str]] = {}
    for p in pools:
        free = _free_per_family(p, taken)
        if not free:
            continue
        name = p["metadata"]["name"]
        if family != "dual" and family in free:
            return [free[family]], name
        if family == "dual" and len(free) == 2:
            return [free[IPV4], free[IPV6]], name
        if family == "dual" and policy == "PreferDualStack":
            for f in free:
                partial.setdefault(f, ([free[f]], name))
    for f in order:
        if f in partial:
            return partial[f]
    return None


def _pools(pools: list[dict]) -> list[dict]:
    return sorted((p for p in pools if p["metadata"].get("namespace") == NAMESPACE), key=lambda p: p["metadata"]["name"])


def _go_ips(ips: list[str]) -> str:
    """Go's ``%q`` of a ``[]net.IP``: ``["192.168.1.240" "fc00::1"]``."""
    return "[" + " ".join(json.dumps(i) for i in ips) + "]"


def allocate(svc: dict, pools: list[dict], taken: set[str]) -> tuple[list[str], str] | str:
    """``(ips, pool name)`` for ``svc`` (controller ``allocateIPs``), or why it gets none
    (``""``: no pools at all).  A dual-stack Service (two clusterIPs) gets an IPv4 and an IPv6
    address from one pool that holds both families (MetalLB's documented dual-stack support:
    "the pool must contain both IPv4 and IPv6 ranges")."""
    pools = _pools(pools)
    if not pools:
        return ""
    family = service_family(svc)
    policy = svc["spec"].get("ipFamilyPolicy") or "SingleStack"
    wanted = [s.strip() for s in _annotation(svc, IPS_ANNOTATION).split(",") if s.strip()] \
        or ([svc["spec"]["loadBalancerIP"]] if svc["spec"].get("loadBalancerIP") else [])
    named = _annotation(svc, POOL_ANNOTATION)
    if wanted:
        try:  # getDesiredLbIPs / ipfamily.ForAddresses
            fams = [family_of(str(ipaddress.ip_address(w))) for w in wanted]
        except ValueError:
            return f'invalid {IPS_ANNOTATION}: {json.dumps(",".join(wanted))}'
        wanted_family = fams[0] if len(fams) == 1 else ("dual" if len(fams) == 2 and fams[0] != fams[1] else "")
        if wanted_family != family:
            return f"requested loadBalancer IP(s) {_go_ips(wanted)} does not match the ipFamily of the service"
        for p in pools:
            if all(in_pool(w, p) for w in wanted) and (not named or p["metadata"]["name"] == named):
                return (wanted, p["metadata"]["name"]) if not taken.intersection(wanted) else "no available IPs"
        return f"{_go_ips(wanted)} is not allowed in config"
    if named:
        pool = [p for p in pools if p["metadata"]["name"] == named]
        if not pool:
            return f'unknown pool "{named}"'
        free = _free_per_family(pool[0], taken)
        if not free:
            return f"no available IPs in pool {named}"
        ips = _select(free, family, policy)
        return (ips, named) if ips else f"no available IPs in pool {named} for {_FAMILY_WORD[family]} IPFamily"
    got = _best_pool([p for p in pools if (p.get("spec") or {}).get("autoAssign", True)], svc, family, taken)
    return got if got else "no available IPs"


_FAMILY_WORD = {IPV4: "ipv4", IPV6: "ipv6", "dual": "dual"}


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
            pool = next((p for p in _pools(pools) if current and all(in_pool(ip, p) for ip in current)), None)
            if pool is not None and not _family_changed(current, svc):
                more = self._additional_family(svc, current, pool, taken)
                if more:
                    taken.add(more)
                    self._write(svc, [{"ip": ip, "ipMode": "VIP"} for ip in current + [more]], pool["metadata"]["name"])
                    svc = self.store.peek("Service", *key)
                self._announce(svc, current[0], pools)
                continue
            taken.difference_update(current)
            got = allocate(svc, pools, taken)
            if isinstance(got, str):
                if got and self.failed.get(key) != got:
                    self.failed[key] = got
                    self.api.record_event(svc, "Warning", "AllocationFailed",
                                          f'Failed to allocate IP for "{key[0]}/{key[1]}": {got}', "metallb-controller")
                if current:
                    self._write(svc, [], None)
                continue
            ips, pool_name = got
            taken.update(ips)
            self.failed.pop(key, None)
            self.api.record_event(svc, "Normal", "IPAllocated", f"Assigned IP {_go_ips(ips)}", "metallb-controller")
            self._write(svc, [{"ip": ip, "ipMode": "VIP"} for ip in ips], pool_name)
            self._announce(self.store.peek("Service", *key), ips[0], pools)

    def _additional_family(self, svc: dict, current: list[str], pool: dict, taken: set[str]) -> str | None:
        """convergeBalancer: a PreferDualStack Service holding one address gets one of the missing
        family from the same pool when it frees up (``AllocateFromPoolForAdditionalFamily``)."""
        if len(current) != 1 or svc["spec"].get("ipFamilyPolicy") != "PreferDualStack" or service_family(svc) != "dual":
            return None
        missing = IPV6 if family_of(current[0]) == IPV4 else IPV4
        return _free_per_family(pool, taken).get(missing)

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
        """Who announces ``ip`` for ``svc`` now (the speaker elected for the Service's first
        address announces all of them: ``ShouldAnnounce`` hashes ``toAnnounce[0]``)."""
        pools = _pools(list(self.store.items("IPAddressPool")) if pools is None else pools)
        ip = next((i.get("ip") for i in _ingress(svc) if i.get("ip")), ip)
        pool = next((p for p in pools if in_pool(ip, p)), None)
        ns, name = svc["metadata"]["namespace"], svc["metadata"]["name"]
        slices = [s for s in self.store.items("EndpointSlice", ns)
                  if (s["metadata"].get("labels") or {}).get("kubernetes.io/service-name") == name]
        speakers = {p["spec"].get("nodeName"): True for p in self.store.items("Pod", NAMESPACE)
                    if (p["metadata"].get("labels") or {}).get("component") == "speaker"
                    and (p.get("status") or {}).get("phase") == "Running"}
        nodes = [n for n in self.store.items("Node") if n["metadata"]["name"] in speakers]
        return announcer(svc, ip, pool, list(self.store.items("L2Advertisement")), nodes, slices)


def _family_changed(current: list[str], svc: dict) -> bool:
    """``serviceFamilyChanged``: the addresses held are not of the Service's family (a Service made
    dual-stack, or single-stack again), except one address of a PreferDualStack dual-stack Service."""
    fams = [family_of(ip) for ip in current]
    held = fams[0] if len(fams) == 1 else ("dual" if len(fams) == 2 and fams[0] != fams[1] else "unknown")
    want = service_family(svc)
    return held != want and not (want == "dual" and svc["spec"].get("ipFamilyPolicy") == "PreferDualStack"
                                 and held != "unknown")


def _ingress(svc: dict) -> list[dict]:
    return ((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []

