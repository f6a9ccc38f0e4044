"""Cell functions of ``kubectl get`` tables, named after kubernetes
``pkg/printers/internalversion/printers.go`` (the API server builds the Table that
kubectl prints, always with ``Wide: true``; kubectl only hides ``priority: 1`` columns).

Each function takes API-object dicts (JSON shape) and returns the text of one cell.
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping

from ..clock import age, parse_rfc3339, human_duration

__all__ = [
    "format_labels", "format_label_selector", "join_host_port", "format_endpoints",
    "format_discovery_ports", "format_discovery_endpoints", "list_with_more_string",
    "load_balancer_status_stringer", "get_service_external_ip", "make_port_string",
    "format_hosts", "format_ports", "find_node_roles", "get_node_internal_ip",
    "get_node_external_ip", "layout_container_cells", "format_event_source",
    "pod_row_cells", "translate_timestamp_since",
]

#: printers.go ``loadBalancerWidth``: only the (unused) non-wide path clips to it.
LOAD_BALANCER_WIDTH = 16


def translate_timestamp_since(timestamp: str | None, now: float) -> str:
    """printers.go translateTimestampSince: ``<unknown>`` for a zero time, else HumanDuration."""
    return age(timestamp, now)


def format_labels(labels: Mapping[str, str] | None) -> str:
    """apimachinery labels.FormatLabels: ``k=v`` sorted by key, joined by ``,``; ``<none>`` if empty."""
    if not labels:
        return "<none>"
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items()))


def _selector_string(selector: Mapping | None) -> str:
    # metav1.LabelSelectorAsSelector(...).String(): requirements sorted by key, values of
    # set-based requirements sorted; matchLabels print as k=v.
    if not selector:
        return ""
    reqs: list[tuple[str, str]] = []
    for k, v in (selector.get("matchLabels") or {}).items():
        reqs.append((k, f"{k}={v}"))
    for expr in selector.get("matchExpressions") or []:
        key, op = expr.get("key", ""), expr.get("operator")
        values = ",".join(sorted(str(v) for v in expr.get("values") or []))
        text = {"In": f"{key} in ({values})", "NotIn": f"{key} notin ({values})",
                "Exists": key, "DoesNotExist": f"!{key}"}.get(op, "<error>")
        reqs.append((key, text))
    reqs.sort(key=lambda r: r[0])  # sort.Sort(ByKey) is not stable; ties are rare
    return ",".join(text for _, text in reqs)


def format_label_selector(selector: Mapping | None) -> str:
    """metav1.FormatLabelSelector: the selector text, or ``<none>`` when it is empty or nil."""
    return _selector_string(selector) or "<none>"


def join_host_port(host: str, port: Any) -> str:
    """Go net.JoinHostPort: IPv6 hosts are bracketed."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def format_endpoints(endpoints: Mapping, ports: set[str] | None = None) -> str:
    """printers.go formatEndpoints: ``ip:port`` for each address and port, the first 3, then
    ``+ N more...``; ``<none>`` without subsets.  ``ports`` limits to those port names."""
    subsets = endpoints.get("subsets") or []
    if not subsets:
        return "<none>"
    shown: list[str] = []
    maximum, more, count = 3, False, 0
    for ss in subsets:
        addresses = ss.get("addresses") or []
        ss_ports = ss.get("ports") or []
        if not ss_ports:
            count += len(addresses)
            for addr in addresses:
                if len(shown) == maximum:
                    more = True
                    break
                shown.append(addr["ip"])
            continue
        for port in ss_ports:
            if ports is None or port.get("name", "") in ports:
                count += len(addresses)
                for addr in addresses:
                    if len(shown) == maximum:
                        more = True
                        break
                    shown.append(join_host_port(addr["ip"], port["port"]))
    text = ",".join(shown)
    return f"{text} + {count - maximum} more..." if more else text


def list_with_more_string(items: list[str], more: bool, count: int, maximum: int) -> str:
    """printers.go listWithMoreString: ``a,b,c + N more...``, or ``<unset>`` when empty."""
    text = ",".join(items)
    if more:
        return f"{text} + {count - maximum} more..."
    return text or "<unset>"


def format_discovery_ports(ports: list[Mapping] | None) -> str:
    """printers.go formatDiscoveryPorts: port numbers (or names, or ``*``), 3 at most."""
    shown, maximum, more, count = [], 3, False, 0
    for port in ports or []:
        if len(shown) < maximum:
            if port.get("port") is not None:
                shown.append(str(port["port"]))
            elif port.get("name") is not None:
                shown.append(port["name"])
            else:
                shown.append("*")
        elif len(shown) == maximum:
            more = True
        count += 1
    return list_with_more_string(shown, more, count, maximum)


def format_discovery_endpoints(endpoints: list[Mapping] | None) -> str:
    """printers.go formatDiscoveryEndpoints: every address of every endpoint, 3 at most
    (readiness is not considered)."""
    shown, maximum, more, count = [], 3, False, 0
    for ep in endpoints or []:
        for address in ep.get("addresses") or []:
            if len(shown) < maximum:
                shown.append(address)
            elif len(shown) == maximum:
                more = True
            count += 1
    return list_with_more_string(shown, more, count, maximum)


def load_balancer_status_stringer(status: Mapping | None, wide: bool = True) -> str:
    """printers.go loadBalancerStatusStringer: the IPs (or hostnames) of
    ``status.loadBalancer.ingress``, de-duplicated and sorted (a sets.String)."""
    result = set()
    for ing in (status or {}).get("ingress") or []:
        if ing.get("ip"):
            result.add(ing["ip"])
        elif ing.get("hostname"):
            result.add(ing["hostname"])
    text = ",".join(sorted(result))
    if not wide and len(text) > LOAD_BALANCER_WIDTH:
        text = text[: LOAD_BALANCER_WIDTH - 3] + "..."
    return text


def get_service_external_ip(svc: Mapping, wide: bool = True) -> str:
    """printers.go getServiceExternalIP: the EXTERNAL-IP cell of a Service."""
    spec = svc.get("spec") or {}
    svc_type = spec.get("type", "ClusterIP")
    external_ips = spec.get("externalIPs") or []
    if svc_type in ("ClusterIP", "NodePort"):
        return ",".join(external_ips) if external_ips else "<none>"
    if svc_type == "LoadBalancer":
        lb_ips = load_balancer_status_stringer((svc.get("status") or {}).get("loadBalancer"), wide)
        if external_ips:
            results = (lb_ips.split(",") if lb_ips else []) + list(external_ips)
            return ",".join(results)
        return lb_ips or "<pending>"
    if svc_type == "ExternalName":
        return spec.get("externalName", "")
    return "<unknown>"


def make_port_string(ports: list[Mapping] | None) -> str:
    """printers.go makePortString: ``80/TCP``, ``80:30080/TCP`` with a nodePort."""
    pieces = []
    for port in ports or []:
        if port.get("nodePort", 0) > 0:
            pieces.append(f"{port['port']}:{port['nodePort']}/{port.get('protocol', 'TCP')}")
        else:
            pieces.append(f"{port['port']}/{port.get('protocol', 'TCP')}")
    return ",".join(pieces)


def format_hosts(rules: list[Mapping] | None) -> str:
    """printers.go formatHosts: the rules' hosts, 3 at most; ``*`` when none has a host."""
    rules = rules or []
    shown, maximum, more = [], 3, False
    for rule in rules:
        if len(shown) == maximum:
            more = True
        if not more and rule.get("host"):
            shown.append(rule["host"])
    if not shown:
        return "*"
    text = ",".join(shown)
    return f"{text} + {len(rules) - maximum} more..." if more else text


def format_ports(tls: list | None) -> str:
    """printers.go formatPorts: ``80, 443`` when the Ingress has a TLS section, else ``80``."""
    return "80, 443" if tls else "80"


def find_node_roles(node: Mapping) -> list[str]:
    """printers.go findNodeRoles: ``node-role.kubernetes.io/<role>`` keys and the
    ``kubernetes.io/role`` value, sorted."""
    roles = set()
    for k, v in ((node.get("metadata") or {}).get("labels") or {}).items():
        if k.startswith("node-role.kubernetes.io/"):
            role = k[len("node-role.kubernetes.io/"):]
            if role:
                roles.add(role)
        elif k == "kubernetes.io/role" and v:
            roles.add(v)
    return sorted(roles)


def _node_address(node: Mapping, kind: str) -> str:
    for address in (node.get("status") or {}).get("addresses") or []:
        if address.get("type") == kind:
            return address.get("address", "")
    return "<none>"


def get_node_internal_ip(node: Mapping) -> str:
    """printers.go getNodeInternalIP: the first InternalIP address, or ``<none>``."""
    return _node_address(node, "InternalIP")


def get_node_external_ip(node: Mapping) -> str:
    """printers.go getNodeExternalIP: the first ExternalIP address, or ``<none>``."""
    return _node_address(node, "ExternalIP")


def layout_container_cells(containers: Iterable[Mapping] | None) -> tuple[str, str]:
    """printers.go layoutContainerCells: container names and images, comma-joined."""
    containers = list(containers or [])
    return (",".join(c.get("name", "") for c in containers),
            ",".join(c.get("image", "") for c in containers))


def format_event_source(event: Mapping) -> str:
    """printers.go formatEventSource: ``component, host`` (falling back to the
    reportingController / reportingInstance of events.k8s.io events)."""
    source = event.get("source") or {}
    component = source.get("component") or event.get("reportingController") or ""
    instance = source.get("host") or event.get("reportingInstance") or ""
    return f"{component}, {instance}" if instance else component


def _condition_true(conditions: list[Mapping] | None, ctype: str) -> bool:
    return any(c.get("type") == ctype and c.get("status") == "True" for c in conditions or [])


def _later(a: str | None, b: str | None) -> str | None:
    if not b:
        return a
    if not a or parse_rfc3339(b) > parse_rfc3339(a):
        return b
    return a


def pod_row_cells(pod: Mapping, now: float) -> dict[str, str]:
    """printers.go printPod: READY, STATUS, RESTARTS (with ``(5m ago)``), AGE and the wide
    cells IP, NODE, NOMINATED NODE, READINESS GATES, keyed by column name."""
    meta, spec, status = pod.get("metadata") or {}, pod.get("spec") or {}, pod.get("status") or {}
    init_specs = {c.get("name"): c for c in spec.get("initContainers") or []}
    restartable = {n for n, c in init_specs.items() if c.get("restartPolicy") == "Always"}
    total = len(spec.get("containers") or []) + len(restartable)
    ready = restarts = restartable_restarts = 0
    last_restart = last_restartable_restart = None
    phase = status.get("phase", "")
    reason = status.get("reason") or phase
    for cond in status.get("conditions") or []:
        if cond.get("type") == "PodScheduled" and cond.get("reason") == "SchedulingGated":
            reason = "SchedulingGated"

    initializing = False
    init_statuses = status.get("initContainerStatuses") or []
    for i, cs in enumerate(init_statuses):
        restarts += cs.get("restartCount", 0)
        last_term = (cs.get("lastState") or {}).get("terminated")
        if last_term:
            last_restart = _later(last_restart, last_term.get("finishedAt"))
        if cs.get("name") in restartable:
            restartable_restarts += cs.get("restartCount", 0)
            if last_term:
                last_restartable_restart = _later(last_restartable_restart, last_term.get("finishedAt"))
        state = cs.get("state") or {}
        term, wait = state.get("terminated"), state.get("waiting")
        if term and term.get("exitCode", 0) == 0:
            continue
        if cs.get("name") in restartable and cs.get("started"):
            if cs.get("ready"):
                ready += 1
            continue
        if term:
            if not term.get("reason"):
                reason = (f"Init:Signal:{term['signal']}" if term.get("signal")
                          else f"Init:ExitCode:{term.get('exitCode', 0)}")
            else:
                reason = "Init:" + term["reason"]
        elif wait and wait.get("reason") and wait["reason"] != "PodInitializing":
            reason = "Init:" + wait["reason"]
        else:
            reason = f"Init:{i}/{len(init_specs)}"
        initializing = True
        break

    if not initializing or _condition_true(status.get("conditions"), "Initialized"):
        restarts, last_restart = restartable_restarts, last_restartable_restart
        has_running = False
        for cs in reversed(status.get("containerStatuses") or []):
            restarts += cs.get("restartCount", 0)
            last_term = (cs.get("lastState") or {}).get("terminated")
            if last_term:
                last_restart = _later(last_restart, last_term.get("finishedAt"))
            state = cs.get("state") or {}
            wait, term = state.get("waiting"), state.get("terminated")
            if wait and wait.get("reason"):
                reason = wait["reason"]
            elif term and term.get("reason"):
                reason = term["reason"]
            elif term is not None:
                reason = (f"Signal:{term['signal']}" if term.get("signal")
                          else f"ExitCode:{term.get('exitCode', 0)}")
            elif cs.get("ready") and state.get("running") is not None:
                has_running = True
                ready += 1
        if reason == "Completed" and has_running:
            reason = "Running" if _condition_true(status.get("conditions"), "Ready") else "NotReady"

    if meta.get("deletionTimestamp") and status.get("reason") == "NodeLost":
        reason = "Unknown"
    elif meta.get("deletionTimestamp") and phase not in ("Succeeded", "Failed"):
        reason = "Terminating"

    restarts_text = str(restarts)
    if restarts and last_restart:
        restarts_text = f"{restarts} ({human_duration(now - parse_rfc3339(last_restart))} ago)"

    pod_ips = status.get("podIPs") or []
    gates = spec.get("readinessGates") or []
    gates_text = "<none>"
    if gates:
        true_count = 0
        for gate in gates:
            for cond in status.get("conditions") or []:
                if cond.get("type") == gate.get("conditionType"):
                    true_count += cond.get("status") == "True"
                    break
        gates_text = f"{true_count}/{len(gates)}"
    return {
        "Ready": f"{ready}/{total}",
        "Status": reason,
        "Restarts": restarts_text,
        "Age": translate_timestamp_since(meta.get("creationTimestamp"), now),
        "IP": (pod_ips[0].get("ip") if pod_ips else "") or "<none>",
        "Node": spec.get("nodeName") or "<none>",
        "Nominated Node": status.get("nominatedNodeName") or "<none>",
        "Readiness Gates": gates_text,
    }
