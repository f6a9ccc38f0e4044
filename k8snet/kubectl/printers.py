"""The ``Table`` the API server sends for ``kubectl get``: the columns of each kind and the
cells of each object.

The API server renders it (kubernetes ``pkg/printers/internalversion/printers.go`` for
built-in kinds, a CRD's ``additionalPrinterColumns`` through apiextensions' tableconvertor
for Gateway API and MetalLB kinds) always with the wide cells; how kubectl lays it out is
tableprinter.py.  cluster.serve() sends the same rows (serve/table.py).

    >>> table_rows("Service", [svc], now=60)[0]["Port(s)"]       # doctest: +SKIP
    '80/TCP'
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

from ..errors import UsageError
from . import cells as c
from .jsonpath import JSONPath
from .gojson import format_value

__all__ = ["Column", "COLUMNS", "CLUSTER_SCOPED", "GROUPS", "listed", "table_rows"]


@dataclass(frozen=True, slots=True)
class Column:
    """One TableColumnDefinition: its name (as upstream spells it) and priority (1 = wide only)."""

    name: str
    priority: int = 0


def _cols(*names: str, wide: Sequence[str] = ()) -> tuple[Column, ...]:
    return tuple(Column(n) for n in names) + tuple(Column(n, 1) for n in wide)


#: printers.go AddHandlers column definitions, per kind (and the Gateway API CRD columns).
COLUMNS: dict[str, tuple[Column, ...]] = {
    "Namespace": _cols("Name", "Status", "Age"),
    "Node": _cols("Name", "Status", "Roles", "Age", "Version",
                  wide=("Internal-IP", "External-IP", "OS-Image", "Kernel-Version", "Container-Runtime")),
    "Pod": _cols("Name", "Ready", "Status", "Restarts", "Age",
                 wide=("IP", "Node", "Nominated Node", "Readiness Gates")),
    "Deployment": _cols("Name", "Ready", "Up-to-date", "Available", "Age",
                        wide=("Containers", "Images", "Selector")),
    "ReplicaSet": _cols("Name", "Desired", "Current", "Ready", "Age",
                        wide=("Containers", "Images", "Selector")),
    "StatefulSet": _cols("Name", "Ready", "Age", wide=("Containers", "Images")),
    "DaemonSet": _cols("Name", "Desired", "Current", "Ready", "Up-to-date", "Available", "Node Selector", "Age",
                       wide=("Containers", "Images", "Selector")),
    "Service": _cols("Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age", wide=("Selector",)),
    "Endpoints": _cols("Name", "Endpoints", "Age"),
    "EndpointSlice": _cols("Name", "AddressType", "Ports", "Endpoints", "Age"),
    "Ingress": _cols("Name", "Class", "Hosts", "Address", "Ports", "Age"),
    "IngressClass": _cols("Name", "Controller", "Parameters", "Age"),
    "NetworkPolicy": _cols("Name", "Pod-Selector", "Age"),
    "ConfigMap": _cols("Name", "Data", "Age"),
    "PodDisruptionBudget": _cols("Name", "Min Available", "Max Unavailable", "Allowed Disruptions", "Age"),
    "Secret": _cols("Name", "Type", "Data", "Age"),
    "ServiceAccount": _cols("Name", "Secrets", "Age"),
    "Lease": _cols("Name", "Holder", "Age"),
    # Event columns interleave wide ones (printers.go eventColumnDefinitions).
    "Event": (Column("Last Seen"), Column("Type"), Column("Reason"), Column("Object"),
              Column("Subobject", 1), Column("Source", 1), Column("Message"),
              Column("First Seen", 1), Column("Count", 1), Column("Name", 1)),
    # kubernetes-sigs/gateway-api config/crd/standard: additionalPrinterColumns.
    "GatewayClass": _cols("Name", "Controller", "Accepted", "Age", wide=("Description",)),
    "Gateway": _cols("Name", "Class", "Address", "Programmed", "Age"),
    "HTTPRoute": _cols("Name", "Hostnames", "Age"),
    "GRPCRoute": _cols("Name", "Hostnames", "Age"),
    "ReferenceGrant": _cols("Name", "Age"),
    "TLSRoute": _cols("Name", "Age"),
    "TCPRoute": _cols("Name", "Age"),
    "UDPRoute": _cols("Name", "Age"),
    "ListenerSet": _cols("Name", "Accepted", "Programmed", "Age"),
    "BackendTLSPolicy": _cols("Name", "Age"),
    # metallb config/crd/bases: additionalPrinterColumns, and no Age column (none is declared).
    "IPAddressPool": _cols("Name", "Auto Assign", "Avoid Buggy IPs", "Addresses"),
    "L2Advertisement": _cols("Name", "IPAddressPools", "IPAddressPool Selectors", "Interfaces",
                             wide=("Node Selectors",)),
    # apiextensions-apiserver serves CRDs without printer columns: the default table is
    # NAME and CREATED AT (the creationTimestamp as RFC 3339).
    "CustomResourceDefinition": _cols("Name", "Created At"),
}

#: Kinds whose objects have no namespace: ``-A`` adds no NAMESPACE column for them.
CLUSTER_SCOPED = frozenset({"Namespace", "Node", "IngressClass", "GatewayClass", "CustomResourceDefinition"})

#: API group of each kind, for ``kind.group/name`` (empty for the core group).
GROUPS = {
    "Deployment": "apps", "ReplicaSet": "apps", "StatefulSet": "apps",
    "EndpointSlice": "discovery.k8s.io", "Ingress": "networking.k8s.io",
    "IngressClass": "networking.k8s.io", "NetworkPolicy": "networking.k8s.io",
    "GatewayClass": "gateway.networking.k8s.io", "Gateway": "gateway.networking.k8s.io",
    "HTTPRoute": "gateway.networking.k8s.io", "GRPCRoute": "gateway.networking.k8s.io",
    "ReferenceGrant": "gateway.networking.k8s.io", "TLSRoute": "gateway.networking.k8s.io",
    "TCPRoute": "gateway.networking.k8s.io", "UDPRoute": "gateway.networking.k8s.io",
    "ListenerSet": "gateway.networking.k8s.io", "BackendTLSPolicy": "gateway.networking.k8s.io",
    "CustomResourceDefinition": "apiextensions.k8s.io", "PodDisruptionBudget": "policy",
    "Lease": "coordination.k8s.io",
    "IPAddressPool": "metallb.io", "L2Advertisement": "metallb.io",
}

# CRD columns: (name, jsonPath, type) evaluated like apiextensions' tableconvertor.
_CRD_COLUMNS = {
    "GatewayClass": (("Controller", ".spec.controllerName", "string"),
                     ("Accepted", '.status.conditions[?(@.type=="Accepted")].status', "string"),
                     ("Age", ".metadata.creationTimestamp", "date"),
                     ("Description", ".spec.description", "string")),
    "Gateway": (("Class", ".spec.gatewayClassName", "string"),
                ("Address", ".status.addresses[*].value", "string"),
                ("Programmed", '.status.conditions[?(@.type=="Programmed")].status', "string"),
                ("Age", ".metadata.creationTimestamp", "date")),
    "HTTPRoute": (("Hostnames", ".spec.hostnames", "string"),
                  ("Age", ".metadata.creationTimestamp", "date")),
    "GRPCRoute": (("Hostnames", ".spec.hostnames", "string"),
                  ("Age", ".metadata.creationTimestamp", "date")),
    "ReferenceGrant": (("Age", ".metadata.creationTimestamp", "date"),),
    **{k: (("Age", ".metadata.creationTimestamp", "date"),) for k in ("TLSRoute", "TCPRoute", "UDPRoute", "BackendTLSPolicy")},
    "ListenerSet": (("Accepted", '.status.conditions[?(@.type=="Accepted")].status', "string"),
                    ("Programmed", '.status.conditions[?(@.type=="Programmed")].status', "string"),
                    ("Age", ".metadata.creationTimestamp", "date")),
    "IPAddressPool": (("Auto Assign", ".spec.autoAssign", "boolean"), ("Avoid Buggy IPs", ".spec.avoidBuggyIPs", "boolean"),
                      ("Addresses", ".spec.addresses", "string")),
    "L2Advertisement": (("IPAddressPools", ".spec.ipAddressPools", "string"),
                        ("IPAddressPool Selectors", ".spec.ipAddressPoolSelectors", "string"),
                        ("Interfaces", ".spec.interfaces", "string"), ("Node Selectors", ".spec.nodeSelectors", "string")),
}


# --- rows: kind -> function(obj, now) -> {column name: cell} ---------------------------

def _meta(obj: Mapping) -> Mapping:
    return obj.get("metadata") or {}


def _age(obj: Mapping, now: float) -> str:
    return c.translate_timestamp_since(_meta(obj).get("creationTimestamp"), now)


def _namespace_row(obj, now):
    return {"Status": (obj.get("status") or {}).get("phase", ""), "Age": _age(obj, now)}


def _node_row(obj, now):
    status, spec = obj.get("status") or {}, obj.get("spec") or {}
    conds = {cond.get("type"): cond for cond in status.get("conditions") or []}
    states = []
    if "Ready" in conds:
        states.append("Ready" if conds["Ready"].get("status") == "True" else "NotReady")
    if not states:
        states.append("Unknown")
    if spec.get("unschedulable"):
        states.append("SchedulingDisabled")
    info = status.get("nodeInfo") or {}
    return {"Status": ",".join(states), "Roles": ",".join(c.find_node_roles(obj)) or "<none>",
            "Age": _age(obj, now), "Version": info.get("kubeletVersion", ""),
            "Internal-IP": c.get_node_internal_ip(obj), "External-IP": c.get_node_external_ip(obj),
            "OS-Image": info.get("osImage") or "<unknown>",
            "Kernel-Version": info.get("kernelVersion") or "<unknown>",
            "Container-Runtime": info.get("containerRuntimeVersion") or "<unknown>"}


def _template_cells(obj) -> tuple[str, str]:
    tmpl = ((obj.get("spec") or {}).get("template") or {}).get("spec") or {}
    return c.layout_container_cells(tmpl.get("containers"))


def _deployment_row(obj, now):
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    names, images = _template_cells(obj)
    return {"Ready": f"{status.get('readyReplicas', 0)}/{spec.get('replicas', 0)}",
            "Up-to-date": str(status.get("updatedReplicas", 0)),
            "Available": str(status.get("availableReplicas", 0)), "Age": _age(obj, now),
            "Containers": names, "Images": images,
            # selector.String(): empty, not <none>, for an empty selector
            "Selector": c._selector_string(spec.get("selector"))}


def _replicaset_row(obj, now):
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    names, images = _template_cells(obj)
    return {"Desired": str(spec.get("replicas", 0)), "Current": str(status.get("replicas", 0)),
            "Ready": str(status.get("readyReplicas", 0)), "Age": _age(obj, now),
            "Containers": names, "Images": images,
            "Selector": c.format_label_selector(spec.get("selector"))}


def _statefulset_row(obj, now):
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    names, images = _template_cells(obj)
    return {"Ready": f"{status.get('readyReplicas', 0)}/{spec.get('replicas', 0)}",
            "Age": _age(obj, now), "Containers": names, "Images": images}


def _daemonset_row(obj, now):
    # printers.go printDaemonSet
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    names, images = _template_cells(obj)
    node_selector = ((spec.get("template") or {}).get("spec") or {}).get("nodeSelector")
    return {"Desired": status.get("desiredNumberScheduled", 0), "Current": status.get("currentNumberScheduled", 0),
            "Ready": status.get("numberReady", 0), "Up-to-date": status.get("updatedNumberScheduled", 0),
            "Available": status.get("numberAvailable", 0), "Node Selector": c.format_labels(node_selector),
            "Age": _age(obj, now), "Containers": names, "Images": images,
            "Selector": c.format_label_selector(spec.get("selector"))}


def _service_row(obj, now):
    spec = obj.get("spec") or {}
    cluster_ips = spec.get("clusterIPs") or []
    return {"Type": spec.get("type", ""), "Cluster-IP": cluster_ips[0] if cluster_ips else "<none>",
            "External-IP": c.get_service_external_ip(obj, wide=True),
            "Port(s)": c.make_port_string(spec.get("ports")) or "<none>", "Age": _age(obj, now),
            "Selector": c.format_labels(spec.get("selector"))}


def _endpoints_row(obj, now):
    return {"Endpoints": c.format_endpoints(obj), "Age": _age(obj, now)}


def _endpointslice_row(obj, now):
    return {"AddressType": obj.get("addressType", ""),
            "Ports": c.format_discovery_ports(obj.get("ports")),
            "Endpoints": c.format_discovery_endpoints(obj.get("endpoints")), "Age": _age(obj, now)}


def _ingress_row(obj, now):
    spec = obj.get("spec") or {}
    lb = ((obj.get("status") or {}).get("loadBalancer")) or {}
    return {"Class": spec.get("ingressClassName") or "<none>", "Hosts": c.format_hosts(spec.get("rules")),
            "Address": c.load_balancer_status_stringer(lb, wide=True),
            "Ports": c.format_ports(spec.get("tls")), "Age": _age(obj, now)}


def _ingressclass_row(obj, now):
    spec = obj.get("spec") or {}
    params = spec.get("parameters")
    text = "<none>"
    if params:
        text = params.get("kind", "") + ("." + params["apiGroup"] if params.get("apiGroup") is not None else "")
        text += "/" + params.get("name", "")
    return {"Controller": spec.get("controller", ""), "Parameters": text, "Age": _age(obj, now)}


def _networkpolicy_row(obj, now):
    return {"Pod-Selector": c.format_label_selector((obj.get("spec") or {}).get("podSelector")),
            "Age": _age(obj, now)}


def _pdb_row(obj, now):
    # pkg/printers/internalversion printPodDisruptionBudget: N/A for the unset bound.
    spec, st = obj.get("spec") or {}, obj.get("status") or {}
    return {"Min Available": str(spec.get("minAvailable", "N/A")),
            "Max Unavailable": str(spec.get("maxUnavailable", "N/A")),
            "Allowed Disruptions": str(st.get("disruptionsAllowed", 0)), "Age": _age(obj, now)}


def _configmap_row(obj, now):
    return {"Data": str(len(obj.get("data") or {}) + len(obj.get("binaryData") or {})), "Age": _age(obj, now)}


def _secret_row(obj, now):
    return {"Type": obj.get("type", ""), "Data": str(len(obj.get("data") or {})), "Age": _age(obj, now)}


def _event_row(obj, now):
    first = c.translate_timestamp_since(obj.get("firstTimestamp") or obj.get("eventTime"), now)
    last = c.translate_timestamp_since(obj.get("lastTimestamp"), now) if obj.get("lastTimestamp") else first
    count = obj.get("count") or 1  # singleton events of the new API have no count
    series = obj.get("series")
    if series:
        last = c.translate_timestamp_since(series.get("lastObservedTime"), now)
        count = series.get("count", count)
    inv = obj.get("involvedObject") or {}
    target = inv.get("kind", "").lower() + (f"/{inv['name']}" if inv.get("name") else "")
    return {"Last Seen": last, "Type": obj.get("type", ""), "Reason": obj.get("reason", ""),
            "Object": target, "Subobject": inv.get("fieldPath", ""), "Source": c.format_event_source(obj),
            "Message": (obj.get("message") or "").strip(), "First Seen": first, "Count": str(count),
            "Name": _meta(obj).get("name", "")}


def _crd_row(kind: str) -> Callable[[Mapping, float], dict]:
    def row(obj, now):
        out: dict[str, Any] = {}
        for name, path, ctype in _CRD_COLUMNS[kind]:
            results = JSONPath("{" + path + "}").find_results(obj)
            if not results or not results[0]:
                out[name] = None  # a nil cell prints as nothing
                continue
            value = results[0][0]  # tableconvertor: only the first result is used
            if ctype == "date":
                out[name] = c.translate_timestamp_since(value, now) if isinstance(value, str) else None
            else:
                out[name] = format_value(value)
        return out
    return row


_ROWS: dict[str, Callable[[Mapping, float], dict]] = {
    "Namespace": _namespace_row, "Node": _node_row, "Pod": c.pod_row_cells,
    "Deployment": _deployment_row, "ReplicaSet": _replicaset_row, "StatefulSet": _statefulset_row, "DaemonSet": _daemonset_row,
    "Service": _service_row, "Endpoints": _endpoints_row, "EndpointSlice": _endpointslice_row,
    "Ingress": _ingress_row, "IngressClass": _ingressclass_row, "NetworkPolicy": _networkpolicy_row,
    "ConfigMap": _configmap_row, "PodDisruptionBudget": _pdb_row, "Secret": _secret_row, "Event": _event_row,
    # printers.go printServiceAccount: how many secrets it lists (none since token Secrets stopped, 1.24)
    "ServiceAccount": lambda obj, now: {"Secrets": str(len(obj.get("secrets") or [])), "Age": _age(obj, now)},
    # printers.go printLease: the holder, empty when unset
    "Lease": lambda obj, now: {"Holder": (obj.get("spec") or {}).get("holderIdentity") or "", "Age": _age(obj, now)},
    **{k: _crd_row(k) for k in _CRD_COLUMNS},
    "CustomResourceDefinition": lambda obj, now: {"Created At": _meta(obj).get("creationTimestamp", "")},
}


def listed(objects: Sequence[Mapping], keep_order: bool = False) -> list:
    """``objects`` in the order the API server lists them (namespace, then name), or as given
    (objects named on the command line are fetched one by one, in that order: resource builder)."""
    if keep_order:
        return list(objects)
    return sorted(objects, key=lambda o: (_meta(o).get("namespace", ""), _meta(o).get("name", "")))


def table_rows(kind: str, objects: Sequence[Mapping], *, now: float, keep_order: bool = False) -> list[dict[str, Any]]:
    """Every cell (wide ones included) of every object, keyed by column name, in the order
    the API server lists them (by namespace, then name), or as given with ``keep_order``."""
    if kind not in _ROWS:
        raise UsageError(f'the server doesn\'t have a resource type "{kind}"')
    rows = []
    for obj in listed(objects, keep_order):
        row = _ROWS[kind](obj, now)
        row.setdefault("Name", _meta(obj).get("name", ""))
        rows.append(row)
    return rows
