"""The EndpointSlice controller (pkg/controller/endpointslice), as a pure reconciler.

For each Service *with a selector* it lists the pods the selector matches and keeps
``discovery.k8s.io/v1`` EndpointSlices labelled ``kubernetes.io/service-name=<svc>``:

* a pod is an endpoint once it has an IP and until it is terminal (Succeeded/Failed);
  terminating pods stay, with ``terminating: true`` (utils.go ``ShouldPodBeInEndpoints``);
* ``ready`` = pod Ready (or ``publishNotReadyAddresses``), and never true while terminating
  unless ``publishNotReadyAddresses``; ``serving`` = pod Ready (``podToEndpoint``);
* a named ``targetPort`` is resolved per pod (``podutil.FindPort``), so pods that name the
  port differently land in different slices; a port a pod cannot resolve is left out;
* at most 100 endpoints per slice (``--max-endpoints-per-slice`` default);
* slices are kept per address type: one set for each family of the Service's
  ``ipFamilies`` (``getAddressTypesForService``), each endpoint carrying the pod's IP of
  that family (``getEndpointAddresses``); slices of a type the Service no longer has go;
* a Service that selects no pod keeps one empty placeholder slice per address type
  (reconciler.go ``reconcileByAddressType``).
* topology hints from ``trafficDistribution`` or the topology-mode annotation
  (``topologyhints.py``), per address type as upstream assigns them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from .. import labels
from .topologyhints import SliceInfo, reconcile_hints

__all__ = ["MAX_ENDPOINTS_PER_SLICE", "MANAGED_BY", "Changes", "find_port", "pod_is_ready",
           "desired_endpoints", "reconcile", "address_types"]

MAX_ENDPOINTS_PER_SLICE = 100
MANAGED_BY = "endpointslice-controller.k8s.io"
SERVICE_NAME_LABEL = "kubernetes.io/service-name"
MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by"


@dataclass
class Changes:
    """What the reconciler wants done: slices to create, to update and names to delete."""

    create: list[dict] = field(default_factory=list)
    update: list[dict] = field(default_factory=list)
    delete: list[str] = field(default_factory=list)
    #: topologyhints.Event records for the Service.
    events: list = field(default_factory=list)


def pod_is_ready(pod: dict) -> bool:
    """podutil.IsPodReady: the pod's ``Ready`` condition is True."""
    for c in (pod.get("status") or {}).get("conditions") or []:
        if c.get("type") == "Ready":
            return c.get("status") == "True"
    return False


def find_port(pod: dict, service_port: dict) -> int | None:
    """podutil.FindPort: a numeric targetPort as is; a named one from the pod's container ports."""
    target = service_port.get("targetPort", service_port.get("port"))
    if isinstance(target, int):
        return target
    if isinstance(target, str) and target.isdigit():
        return int(target)
    protocol = service_port.get("protocol", "TCP")
    for c in pod["spec"].get("containers") or []:
        for p in c.get("ports") or []:
            if p.get("name") == target and p.get("protocol", "TCP") == protocol:
                return p["containerPort"]
    return None


def _in_endpoints(pod: dict) -> bool:
    st = pod.get("status") or {}
    return st.get("phase") not in ("Succeeded", "Failed") and bool(st.get("podIP"))


def address_types(service: dict) -> list[str]:
    """getAddressTypesForService: the Service's ``ipFamilies``; a Service stored without them
    (an old API server) by its ClusterIPs, and headless without either, both types."""
    spec = service.get("spec") or {}
    fams = [f for f in spec.get("ipFamilies") or [] if f in ("IPv4", "IPv6")]
    if fams:
        return list(dict.fromkeys(fams))
    cips = [ip for ip in spec.get("clusterIPs") or ([spec["clusterIP"]] if spec.get("clusterIP") else [])
            if ip and ip != "None"]
    if cips:
        return ["IPv6" if ":" in cips[0] else "IPv4"]
    return ["IPv4", "IPv6"]


def _pod_ips(pod: dict, address_type: str) -> list[str]:
    """getEndpointAddresses: the pod's IPs (``status.podIPs``) of the slice's address type."""
    st = pod.get("status") or {}
    ips = [p.get("ip") for p in st.get("podIPs") or () if p.get("ip")] or [st.get("podIP")]
    return [ip for ip in ips if ip and (":" in ip) == (address_type == "IPv6")]


def desired_endpoints(service: dict, pods: list[dict], nodes: dict[str, dict], address_type: str = "IPv4"):
    """[(ports tuple, endpoint dict)] for the pods the Service selects, sorted by pod name
    (the endpoints of one address type: a pod without an IP of that family is left out)."""
    spec = service["spec"]
    selector = labels.from_map(spec.get("selector"))
    ns = service["metadata"]["namespace"]
    publish = bool(spec.get("publishNotReadyAddresses"))
    out = []
    for pod in sorted(pods, key=lambda p: p["metadata"]["name"]):
        meta = pod["metadata"]
        if meta.get("namespace") != ns or not selector.matches(meta.get("labels")) or not _in_endpoints(pod):
            continue
        ports = []
        for sp in spec.get("ports") or []:
            num = find_port(pod, sp)
            if num is not None:
                ports.append((sp.get("name", ""), num, sp.get("protocol", "TCP")))
        serving = pod_is_ready(pod)
        terminating = bool(meta.get("deletionTimestamp"))
        ready = publish or serving
        if terminating and not publish:
            ready = False
        addresses = _pod_ips(pod, address_type)
        if not addresses:
            continue
        ep = {"addresses": addresses,
              "conditions": {"ready": ready, "serving": serving, "terminating": terminating}}
        if pod["spec"].get("hostname") and pod["spec"].get("subdomain") == service["metadata"]["name"]:
            ep["hostname"] = pod["spec"]["hostname"]  # endpointutil.ShouldSetHostname
        node_name = pod["spec"].get("nodeName")
        if node_name:
            ep["nodeName"] = node_name
            zone = ((nodes.get(node_name) or {}).get("metadata", {}).get("labels") or {}).get(
                "topology.kubernetes.io/zone")
            if zone:
                ep["zone"] = zone
        ep["targetRef"] = {"kind": "Pod", "namespace": ns, "name": meta["name"], "uid": meta.get("uid", "")}
        out.append((tuple(ports), ep))
    return out


def _slice_ports(ports: tuple) -> list[dict]:
    return [{"name": n, "port": p, "protocol": proto} for n, p, proto in ports]


def _ports_key(slice_: dict) -> tuple | None:
    if slice_.get("ports") is None:
        return None
    return tuple((p.get("name", ""), p["port"], p.get("protocol", "TCP")) for p in slice_["ports"])


def _new_slice(service: dict, ports: tuple | None, endpoints: list[dict], name: str,
               address_type: str = "IPv4") -> dict:
    meta = service["metadata"]
    lbls = {k: v for k, v in (meta.get("labels") or {}).items()}
    lbls[SERVICE_NAME_LABEL] = meta["name"]
    lbls[MANAGED_BY_LABEL] = MANAGED_BY
    if service["spec"].get("clusterIP") == "None":
        lbls["service.kubernetes.io/headless"] = ""
    return {
        "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
        "metadata": {"name": name, "generateName": meta["name"] + "-", "namespace": meta["namespace"],
                     "labels": dict(sorted(lbls.items())),
                     "ownerReferences": [{"apiVersion": "v1", "kind": "Service", "name": meta["name"],
                                          "uid": meta.get("uid", ""), "controller": True,
                                          "blockOwnerDeletion": True}]},
        "addressType": address_type,
        "endpoints": endpoints,
        "ports": None if ports is None else _slice_ports(ports),
    }


def reconcile(service: dict, pods: list[dict], existing: list[dict], *, nodes: dict[str, dict],
              new_name: Callable[[str], str], topology_cache=None) -> Changes:
    """The slice changes that make ``existing`` (this Service's controller-managed slices)
    describe the pods it selects, one address type after the other (Reconcile), and delete
    the slices of types the Service no longer has.  ``new_name(prefix)`` generates a name
    (generateName); ``topology_cache`` is the controller's ``topologyhints.TopologyCache``."""
    types = address_types(service)
    changes = Changes()
    for t in types:
        part = _reconcile_by_address_type(service, pods, [s for s in existing if s.get("addressType", "IPv4") == t],
                                          t, nodes, new_name, topology_cache)
        changes.create += part.create
        changes.update += part.update
        changes.delete += part.delete
        changes.events += part.events
    changes.delete += [s["metadata"]["name"] for s in sorted(existing, key=lambda s: s["metadata"]["name"])
                       if s.get("addressType", "IPv4") not in types]
    return changes


def _beyond_hints(endpoints) -> list[dict]:
    """The endpoints without their hints (``EndpointsEqualBeyondHash`` does not compare hints)."""
    return [{k: v for k, v in ep.items() if k != "hints"} for ep in endpoints or []]


def _reconcile_by_address_type(service: dict, pods: list[dict], existing: list[dict], address_type: str,
                               nodes: dict[str, dict], new_name: Callable[[str], str], topology_cache=None) -> Changes:
    """reconcileByAddressType: the changes for the slices of one address type.  A slice whose
    endpoints (hints aside), labels and ports stay is *unchanged*: only the hint step
    (``topologyhints.reconcile_hints``) may still rewrite it."""
    changes = Changes()
    wanted: dict[tuple, list[dict]] = {}
    for ports, ep in desired_endpoints(service, pods, nodes, address_type):
        wanted.setdefault(ports, []).append(ep)
    by_ports: dict[tuple | None, list[dict]] = {}
    for s in sorted(existing, key=lambda s: s["metadata"]["name"]):
        by_ports.setdefault(_ports_key(s), []).append(s)
    prefix = service["metadata"]["name"] + "-"
    unchanged: list[dict] = []

    if not wanted:  # keep (or make) exactly one empty placeholder slice
        placeholder = next((s for s in by_ports.get(None, []) if not s.get("endpoints")), None)
        keep = placeholder["metadata"]["name"] if placeholder else None
        if placeholder is None:
            changes.create.append(_new_slice(service, None, [], None, address_type))
        else:
            unchanged.append(placeholder)
        changes.delete.extend(s["metadata"]["name"] for ss in by_ports.values() for s in ss
                              if s["metadata"]["name"] != keep)

    for ports, endpoints in sorted(wanted.items()):
        by_ip = {ep["addresses"][0]: ep for ep in endpoints}
        placed: set[str] = set()
        filled: list[tuple[dict, list[dict], bool]] = []
        for s in by_ports.pop(ports, []):  # keep endpoints in the slice they were in (fewer writes, as upstream)
            keep = []
            for ep in s.get("endpoints") or []:
                ip = ep["addresses"][0]
                if ip in by_ip and ip not in placed:
                    keep.append(by_ip[ip])
                    placed.add(ip)
            new = _new_slice(service, ports, keep, s["metadata"]["name"], address_type)
            same = (keep == _beyond_hints(s.get("endpoints")) and new["ports"] == s.get("ports")
                    and new["metadata"]["labels"] == s["metadata"].get("labels"))
            filled.append((s, keep if not same else list(s.get("endpoints") or []), same))
        rest = [ep for ep in endpoints if ep["addresses"][0] not in placed]
        # reconcileByPortMapping: what is left fills the slices being updated first, then the others.
        for s, keep, same in sorted(filled, key=lambda f: f[2]):
            room = MAX_ENDPOINTS_PER_SLICE - len(keep)
            keep.extend(rest[:room])
            rest = rest[room:]
        for s, keep, same in filled:
            if not keep:
                changes.delete.append(s["metadata"]["name"])
            elif same and len(keep) == len(s.get("endpoints") or []):
                unchanged.append(s)
            else:
                new = _new_slice(service, ports, [dict(ep) for ep in keep], s["metadata"]["name"], address_type)
                new["metadata"] = {**s["metadata"], "labels": new["metadata"]["labels"]}
                changes.update.append(new)
        while rest:
            chunk, rest = rest[:MAX_ENDPOINTS_PER_SLICE], rest[MAX_ENDPOINTS_PER_SLICE:]
            changes.create.append(_new_slice(service, ports, chunk, None, address_type))
    for ss in by_ports.values() if wanted else ():  # slices for port sets no pod has any more
        changes.delete.extend(s["metadata"]["name"] for s in ss)

    meta = service["metadata"]
    si = SliceInfo(f"{meta['namespace']}/{meta['name']}", address_type, changes.create, changes.update, unchanged)
    changes.events = reconcile_hints(service, si, topology_cache)
    stored = {s["metadata"]["name"]: s for s in existing}
    # An update that changes nothing is no write at all (the API server's no-op update keeps
    # resourceVersion and generation).
    changes.create, changes.update = si.to_create, [s for s in si.to_update if s != stored.get(s["metadata"]["name"])]
    return _finalize(changes, existing, new_name, prefix)


def _finalize(changes: Changes, existing: list[dict], new_name, prefix: str) -> Changes:
    """reconciler.go finalize: a slice to create and one to delete become one update that
    keeps the old name (so the placeholder slice turns into the real one); the creates left
    get a generated name."""
    by_name = {s["metadata"]["name"]: s for s in existing}
    while changes.create and changes.delete:
        old = by_name[changes.delete.pop(0)]
        new = changes.create.pop()
        new["metadata"] = {**old["metadata"], "labels": new["metadata"]["labels"]}
        changes.update.append(new)
    for s in changes.create:
        s["metadata"]["name"] = new_name(prefix)
    return changes
