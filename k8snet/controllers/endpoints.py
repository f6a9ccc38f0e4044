"""The Endpoints controller and the EndpointSlice mirroring controller.

* ``desired_endpoints_object``: the v1 Endpoints object kept in step with a Service that has
  a selector (pkg/controller/endpoint).  Unlike EndpointSlices, terminating pods are left out
  (unless ``publishNotReadyAddresses``), ready pods go in ``addresses`` and the rest in
  ``notReadyAddresses``; subsets are repacked by port set and addresses sorted by IP
  (``endpoints.RepackSubsets``).  v1 Endpoints is deprecated since 1.33 in favour of
  EndpointSlices, but still maintained.
* ``mirror_slice``: for a Service *without* a selector whose Endpoints a user wrote by hand,
  the mirroring controller (pkg/controller/endpointslicemirroring) writes a matching
  EndpointSlice, so kube-proxy and CoreDNS (which read only slices) see it.
"""
from __future__ import annotations

import ipaddress

from .endpointslice import SERVICE_NAME_LABEL, MANAGED_BY_LABEL, find_port, pod_is_ready

__all__ = ["desired_endpoints_object", "mirror_slice", "MIRROR_MANAGED_BY"]

MIRROR_MANAGED_BY = "endpointslicemirroring-controller.k8s.io"


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


def mirror_slice(endpoints: dict, service: dict, name: str) -> dict | None:
    """The EndpointSlice mirrored from hand-written Endpoints (first subset's ports), or None."""
    subsets = endpoints.get("subsets") or []
    if not subsets:
        return None
    eps, ports = [], None
    for subset in subsets:
        if ports is None:
            ports = [{"name": p.get("name", ""), "port": p["port"], "protocol": p.get("protocol", "TCP")}
                     for p in subset.get("ports") or []]
        for part, ready in (("addresses", True), ("notReadyAddresses", False)):
            for a in subset.get(part) or []:
                ep = {"addresses": [a["ip"]],
                      "conditions": {"ready": ready, "serving": ready, "terminating": False}}
                if a.get("hostname"):
                    ep["hostname"] = a["hostname"]
                if a.get("nodeName"):
                    ep["nodeName"] = a["nodeName"]
                eps.append(ep)
    meta = endpoints["metadata"]
    return {
        "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
        "metadata": {"name": name, "generateName": meta["name"] + "-", "namespace": meta["namespace"],
                     "labels": {MANAGED_BY_LABEL: MIRROR_MANAGED_BY, SERVICE_NAME_LABEL: service["metadata"]["name"]},
                     "ownerReferences": [{"apiVersion": "v1", "kind": "Endpoints", "name": meta["name"],
                                          "uid": meta.get("uid", ""), "controller": True,
                                          "blockOwnerDeletion": True}]},
        "addressType": "IPv4", "endpoints": eps, "ports": ports,
    }
