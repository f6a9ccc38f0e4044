"""The Endpoints controller and the EndpointSlice mirroring controller.

* ``desired_endpoints_object``: the v1 Endpoints object kept in step with a Service that has
  a selector (pkg/controller/endpoint).  Unlike EndpointSlices, terminating pods are left out
  (unless ``publishNotReadyAddresses``), ready pods go in ``addresses`` and the rest in
  ``notReadyAddresses``; subsets are repacked by port set and addresses sorted by IP
  (``endpoints.RepackSubsets``).  v1 Endpoints is deprecated since 1.33 in favour of
  EndpointSlices, but still maintained.
* ``mirror``: for a Service *without* a selector whose Endpoints a user wrote by hand, the
  mirroring controller (pkg/controller/endpointslicemirroring, ``reconciler.go``) writes
  matching EndpointSlices, so kube-proxy and CoreDNS (which read only slices) see them: one
  slice per address type and port set (``addrTypePortMapKey``), an IPv6 address going to an
  ``addressType: IPv6`` slice; each endpoint carries only the ``ready`` condition
  (``addressToEndpoint``), the address in canonical form; the Endpoints' labels and
  annotations are copied; at most 1000 addresses per subset (``maxEndpointsPerSubset``).
"""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Callable

from .endpointslice import SERVICE_NAME_LABEL, MANAGED_BY_LABEL, find_port, pod_is_ready

__all__ = ["desired_endpoints_object", "should_mirror", "mirror", "MirrorChanges", "MIRROR_MANAGED_BY", "MAX_ENDPOINTS_PER_SUBSET"]

MIRROR_MANAGED_BY = "endpointslicemirroring-controller.k8s.io"
#: kube-controller-manager ``--mirroring-max-endpoints-per-subset`` (default 1000).
MAX_ENDPOINTS_PER_SUBSET = 1000
#: annotations the mirrored slices do not copy (``newEndpointSlice``).
_NOT_MIRRORED = ("endpoints.kubernetes.io/last-change-trigger-time", "kubectl.kubernetes.io/last-applied-configuration")


def _ip_key(ip: str):
    try:
        return (0, int(ipaddress.ip_address(ip)))
    except ValueError:
        return (1, ip)


def desired_endpoints_object(service: dict, pods: list[dict]) -> dict:
    """The Endpoints object for a Service with a selector, built from the pods it selects."""
    from .. import labels
    spec, meta = service["spec"], service["metadata"]
    selector = labels.from_map(spec.get("selector"))
    publish = bool(spec.get("publishNotReadyAddresses"))
    groups: dict[tuple, dict[str, list]] = {}
    for pod in pods:
        pm, st = pod["metadata"], pod.get("status") or {}
        if pm.get("namespace") != meta["namespace"] or not selector.matches(pm.get("labels")):
            continue
        if st.get("phase") in ("Succeeded", "Failed") or not st.get("podIP"):
            continue
        if pm.get("deletionTimestamp") and not publish:
            continue
        ports = []
        for sp in spec.get("ports") or []:
            num = find_port(pod, sp)
            if num is not None:
                port = {"port": num, "protocol": sp.get("protocol", "TCP")}
                if sp.get("name"):
                    port = {"name": sp["name"], **port}
                ports.append(port)
        # podToEndpointAddressForService: the pod's IP of the Service's primary family (a pod
        # without one is left out -- "failed to find a matching endpoint for service").
        fams = spec.get("ipFamilies") or []
        want6 = fams[0] == "IPv6" if fams else ":" in (spec.get("clusterIP") or "")
        ip = next((p["ip"] for p in st.get("podIPs") or [{"ip": st["podIP"]}] if (":" in p["ip"]) == want6), None)
        if ip is None:
            continue
        addr = {"ip": ip}
        if pod["spec"].get("hostname") and pod["spec"].get("subdomain") == meta["name"]:
            addr["hostname"] = pod["spec"]["hostname"]
        if pod["spec"].get("nodeName"):
            addr["nodeName"] = pod["spec"]["nodeName"]
        addr["targetRef"] = {"kind": "Pod", "namespace": pm["namespace"], "name": pm["name"],
                             "uid": pm.get("uid", "")}
        key = tuple((p.get("name", ""), p["port"], p["protocol"]) for p in ports)
        g = groups.setdefault(key, {"ports": ports, "addresses": [], "notReadyAddresses": []})
        g["addresses" if (publish or pod_is_ready(pod)) else "notReadyAddresses"].append(addr)
    subsets = []
    for key in sorted(groups):
        g = groups[key]
        subset = {}
        for part in ("addresses", "notReadyAddresses"):
            if g[part]:
                subset[part] = sorted(g[part], key=lambda a: _ip_key(a["ip"]))
        if g["ports"]:
            subset["ports"] = sorted(g["ports"], key=lambda p: (p.get("name", ""), p["port"]))
        subsets.append(subset)
    obj = {"apiVersion": "v1", "kind": "Endpoints",
           "metadata": {"name": meta["name"], "namespace": meta["namespace"]}}
    if meta.get("labels"):
        obj["metadata"]["labels"] = dict(meta["labels"])
    if subsets:
        obj["subsets"] = subsets
    return obj


@dataclass
class MirrorChanges:
    """What the mirroring reconciler wants done, and the Warning events for the Endpoints."""

    create: list[dict] = field(default_factory=list)
    update: list[dict] = field(default_factory=list)
    delete: list[str] = field(default_factory=list)
    events: list[tuple[str, str]] = field(default_factory=list)  # (reason, message)


def _mirror_endpoint(address: dict, ready: bool) -> tuple[str, dict] | None:
    """``addressToEndpoint``: (address type, endpoint), the IP re-written in canonical form; None
    for an address that is not an IP."""
    try:
        ip = ipaddress.ip_address(str(address.get("ip", "")).strip())
    except ValueError:
        return None
    ep: dict = {"addresses": [str(ip)], "conditions": {"ready": ready}}
    if address.get("hostname"):
        ep["hostname"] = address["hostname"]
    if address.get("nodeName"):
        ep["nodeName"] = address["nodeName"]
    if address.get("targetRef"):
        ep["targetRef"] = address["targetRef"]
    return ("IPv6" if ip.version == 6 else "IPv4"), ep


def _mirror_ports(ports) -> list[dict]:
    """``epPortsToEpsPorts``."""
    out = []
    for p in ports or []:
        port = {"name": p.get("name", ""), "port": p["port"], "protocol": p.get("protocol", "TCP")}
        if p.get("appProtocol"):
            port["appProtocol"] = p["appProtocol"]
        out.append(port)
    return out


def _key(address_type: str, ports: list[dict]) -> tuple:
    return (address_type, tuple(sorted((p.get("name", ""), p["port"], p.get("protocol", "TCP"),
                                        p.get("appProtocol", "")) for p in ports or [])))


def _mirror_meta(endpoints: dict) -> tuple[dict, dict]:
    meta = endpoints["metadata"]
    lbls = {**(meta.get("labels") or {}), SERVICE_NAME_LABEL: meta["name"], MANAGED_BY_LABEL: MIRROR_MANAGED_BY}
    ann = {k: v for k, v in (meta.get("annotations") or {}).items() if k not in _NOT_MIRRORED}
    return lbls, ann


def _ep_set(endpoints) -> list:
    return sorted(repr(sorted(ep.items())) for ep in endpoints or [])


def should_mirror(service: dict | None, endpoints: dict | None) -> bool:
    """endpointslicemirroring_controller.go ``syncEndpoints``: mirror the Endpoints of a Service
    without a selector, unless the endpoints controller manages them, they carry
    ``endpointslice.kubernetes.io/skip-mirror: "true"`` or a leader-election record."""
    if service is None or endpoints is None or service["spec"].get("selector"):
        return False
    meta = endpoints.get("metadata") or {}
    lbls = meta.get("labels") or {}
    return (lbls.get("endpoints.kubernetes.io/managed-by") != "endpoint-controller"
            and lbls.get("endpointslice.kubernetes.io/skip-mirror") != "true"
            and "control-plane.alpha.kubernetes.io/leader" not in (meta.get("annotations") or {}))


def mirror(endpoints: dict, existing: list[dict], new_name: Callable[[str], str]) -> MirrorChanges:
    """``reconciler.reconcile``: the slices that make ``existing`` (the mirroring controller's
    slices of this Endpoints) mirror it.  Per key the first slice is kept and rewritten only when
    its endpoints (as a set), labels or annotations differ; the others go; a slice to create
    reuses the name of one to delete of its address type (``recycleSlices``)."""
    out = MirrorChanges()
    desired: dict[tuple, tuple[str, list[dict], list[dict]]] = {}
    skipped = 0
    for subset in endpoints.get("subsets") or []:
        ports = _mirror_ports(subset.get("ports"))
        added = 0
        for part, ready in (("addresses", True), ("notReadyAddresses", False)):
            for address in subset.get(part) or []:
                if added >= MAX_ENDPOINTS_PER_SUBSET:
                    skipped += 1
                    continue
                got = _mirror_endpoint(address, ready)
                if got is None:
                    continue
                added += 1
                eps = desired.setdefault(_key(got[0], ports), (got[0], ports, []))[2]
                if got[1] not in eps:  # an EndpointSet
                    eps.append(got[1])
    if skipped:
        out.events.append(("TooManyAddressesToMirror", f"A max of {MAX_ENDPOINTS_PER_SUBSET} addresses can be mirrored "
                                                       f"to EndpointSlices per Endpoints subset. {skipped} addresses "
                                                       "were skipped"))
    meta = endpoints["metadata"]
    lbls, ann = _mirror_meta(endpoints)
    by_key: dict[tuple, list[dict]] = {}
    for s in sorted(existing, key=lambda s: s["metadata"]["name"]):
        by_key.setdefault(_key(s.get("addressType", "IPv4"), s.get("ports")), []).append(s)
    create: list[dict] = []
    for key, (address_type, ports, eps) in sorted(desired.items()):
        if not eps:
            continue
        current = by_key.pop(key, [])
        out.delete += [s["metadata"]["name"] for s in current[1:]]
        want = {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                "metadata": {"generateName": meta["name"] + "-", "namespace": meta["namespace"], "labels": lbls,
                             **({"annotations": ann} if ann else {}),
                             "ownerReferences": [{"apiVersion": "v1", "kind": "Endpoints", "name": meta["name"],
                                                  "uid": meta.get("uid", ""), "controller": True,
                                                  "blockOwnerDeletion": True}]},
                "addressType": address_type, "endpoints": eps[:MAX_ENDPOINTS_PER_SUBSET], "ports": ports}
        if not current:
            create.append(want)
            continue
        cur = current[0]
        if (_ep_set(cur.get("endpoints")) == _ep_set(want["endpoints"]) and cur["metadata"].get("labels") == lbls
                and (cur["metadata"].get("annotations") or {}) == ann):
            continue
        want["metadata"] = {**cur["metadata"], "labels": lbls, "annotations": ann}
        if not ann:
            want["metadata"].pop("annotations")
        out.update.append(want)
    out.delete += [s["metadata"]["name"] for ss in by_key.values() for s in ss]
    stored = {s["metadata"]["name"]: s for s in existing}
    for new in create:  # recycleSlices: a create and a delete of the same address type become an update
        old = next((n for n in out.delete if stored[n].get("addressType", "IPv4") == new["addressType"]), None)
        if old is None:
            new["metadata"]["name"] = new_name(meta["name"] + "-")
            out.create.append(new)
            continue
        out.delete.remove(old)
        new["metadata"] = {**stored[old]["metadata"], "labels": lbls, "annotations": ann}
        if not ann:
            new["metadata"].pop("annotations")
        out.update.append(new)
    return out
