"""``kubectl describe`` for the networking kinds, and the dispatcher.

Layouts follow kubectl ``pkg/describe/describe.go`` (describeService, describeEndpoints,
describeEndpointSliceV1, describeIngressV1, describeNetworkPolicy); Pod, Deployment and
Node live in :mod:`describe_workloads`; kinds without a describer (Gateway API CRDs) use
the generic describer of :mod:`describe_generic`.

``related`` carries what the describer would fetch from the API server:

* ``events``: the core/v1 Events whose involvedObject is this object (every kind);
* ``endpointslices``: for a Service, its EndpointSlices; for an Ingress, the slices
  of the namespace (each backend keeps those labelled with its Service);
* ``services``: for an Ingress, the Services of its namespace (to name backend ports);
* ``old_replicasets`` / ``new_replicaset``: for a Deployment.
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

from ..errors import UsageError
from .cells import format_label_selector, format_labels, join_host_port, load_balancer_status_stringer
from .describe_common import (PrefixWriter, describe_events, go_time_string,
                              print_annotations_multiline, print_labels_multiline)

__all__ = ["describe", "format_endpoint_slices", "DESCRIBED_KINDS"]


def format_endpoint_slices(slices: Sequence[Mapping], ports: set[str] | None) -> str:
    """describe.go formatEndpointSlices: ready endpoints as ``ip:port`` for the named port,
    3 at most then ``+ N more...``; ``<none>`` without slices."""
    if not slices:
        return "<none>"
    shown, maximum, more, count = [], 3, False, 0
    for eps in slices:
        endpoints = eps.get("endpoints") or []
        eps_ports = eps.get("ports") or []
        if not eps_ports:
            pairs = [(ep, None) for ep in endpoints]
        else:
            pairs = [(ep, port) for port in eps_ports
                     if ports is None or (port.get("name") or "") in ports for ep in endpoints]
        for ep, port in pairs:
            if len(shown) == maximum:
                more = True
            if (ep.get("conditions") or {}).get("ready") is False:
                continue  # nil readiness counts as ready
            if not more:
                addr = ep["addresses"][0]
                shown.append(addr if port is None else join_host_port(addr, port.get("port")))
            count += 1
    text = ",".join(shown)
    return f"{text} + {count - maximum} more..." if more else text


def _header(w: PrefixWriter, obj: Mapping) -> None:
    meta = obj.get("metadata") or {}
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    print_labels_multiline(w, "Labels", meta.get("labels"))
    print_annotations_multiline(w, "Annotations", meta.get("annotations"))


def describe_service(svc: Mapping, related: Mapping, now: float) -> str:
    """describe.go describeService."""
    w, spec = PrefixWriter(), svc.get("spec") or {}
    _header(w, svc)
    w.write(0, f"Selector:\t{format_labels(spec.get('selector'))}\n")
    w.write(0, f"Type:\t{spec.get('type', '')}\n")
    if spec.get("ipFamilyPolicy"):
        w.write(0, f"IP Family Policy:\t{spec['ipFamilyPolicy']}\n")
    w.write(0, f"IP Families:\t{','.join(spec.get('ipFamilies') or []) or '<none>'}\n")
    w.write(0, f"IP:\t{spec.get('clusterIP', '')}\n")
    w.write(0, f"IPs:\t{','.join(spec.get('clusterIPs') or []) or '<none>'}\n")
    if spec.get("externalIPs"):
        w.write(0, f"External IPs:\t{','.join(spec['externalIPs'])}\n")
    if spec.get("loadBalancerIP"):
        w.write(0, f"Desired LoadBalancer IP:\t{spec['loadBalancerIP']}\n")
    if spec.get("externalName"):
        w.write(0, f"External Name:\t{spec['externalName']}\n")
    ingress = ((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
    if ingress:
        parts = [(i["ip"] + (f" ({i['ipMode']})" if i.get("ipMode") else "")) if i.get("ip")
                 else i.get("hostname", "") for i in ingress]
        w.write(0, f"LoadBalancer Ingress:\t{', '.join(parts)}\n")
    # describe.go lists the Service's slices with the selector kubernetes.io/service-name=<name>.
    slices = [s for s in related.get("endpointslices") or []
              if ((s.get("metadata") or {}).get("labels") or {}).get("kubernetes.io/service-name")
              == svc["metadata"]["name"]]
    for sp in spec.get("ports") or []:
        name, proto = sp.get("name") or "<unset>", sp.get("protocol", "TCP")
        w.write(0, f"Port:\t{name}\t{sp['port']}/{proto}\n")
        w.write(0, f"TargetPort:\t{sp.get('targetPort', sp['port'])}/{proto}\n")
        if sp.get("appProtocol"):
            w.write(0, f"AppProtocol:\t{sp['appProtocol']}\n")
        if sp.get("nodePort"):
            w.write(0, f"NodePort:\t{name}\t{sp['nodePort']}/{proto}\n")
        w.write(0, f"Endpoints:\t{format_endpoint_slices(slices, {sp.get('name') or ''})}\n")
    w.write(0, f"Session Affinity:\t{spec.get('sessionAffinity', '')}\n")
    if spec.get("externalTrafficPolicy"):
        w.write(0, f"External Traffic Policy:\t{spec['externalTrafficPolicy']}\n")
    if spec.get("internalTrafficPolicy"):
        w.write(0, f"Internal Traffic Policy:\t{spec['internalTrafficPolicy']}\n")
    if spec.get("healthCheckNodePort"):
        w.write(0, f"HealthCheck NodePort:\t{spec['healthCheckNodePort']}\n")
    if spec.get("loadBalancerSourceRanges"):
        w.write(0, f"LoadBalancer Source Ranges:\t{','.join(spec['loadBalancerSourceRanges'])}\n")
    if spec.get("trafficDistribution"):
        w.write(0, f"Traffic Distribution:\t{spec['trafficDistribution']}\n")
    describe_events(w, related.get("events"), now)
    return w.getvalue()


def describe_endpoints(ep: Mapping, related: Mapping, now: float) -> str:
    """describe.go describeEndpoints."""
    w = PrefixWriter()
    _header(w, ep)
    w.write(0, "Subsets:\n")
    for subset in ep.get("subsets") or []:
        ready = ",".join(a["ip"] for a in subset.get("addresses") or [])
        not_ready = ",".join(a["ip"] for a in subset.get("notReadyAddresses") or [])
        w.write(1, f"Addresses:\t{ready or '<none>'}\n")
        w.write(1, f"NotReadyAddresses:\t{not_ready or '<none>'}\n")
        if subset.get("ports"):
            w.write(1, "Ports:\n")
            w.write(2, "Name\tPort\tProtocol\n")
            w.write(2, "----\t----\t--------\n")
            for port in subset["ports"]:
                w.write(2, f"{port.get('name') or '<unset>'}\t{port['port']}\t{port.get('protocol', 'TCP')}\n")
        w.write(0, "\n")
    describe_events(w, related.get("events"), now)
    return w.getvalue()


def describe_endpointslice(eps: Mapping, related: Mapping, now: float) -> str:
    """describe.go describeEndpointSliceV1."""
    w = PrefixWriter()
    _header(w, eps)
    w.write(0, f"AddressType:\t{eps.get('addressType', '')}\n")
    if not eps.get("ports"):
        w.write(0, "Ports: <unset>\n")
    else:
        w.write(0, "Ports:\n")
        w.write(1, "Name\tPort\tProtocol\n")
        w.write(1, "----\t----\t--------\n")
        for port in eps["ports"]:
            number = port.get("port")
            w.write(1, f"{port.get('name') or '<unset>'}\t{'<unset>' if number is None else number}"
                       f"\t{port.get('protocol', 'TCP')}\n")
    if not eps.get("endpoints"):
        w.write(0, "Endpoints: <none>\n")
    else:
        w.write(0, "Endpoints:\n")
        for ep in eps["endpoints"]:
            w.write(1, f"- Addresses:\t{', '.join(ep.get('addresses') or []) or '<none>'}\n")
            w.write(2, "Conditions:\n")
            ready = (ep.get("conditions") or {}).get("ready")
            w.write(3, f"Ready:\t{'<unset>' if ready is None else str(ready).lower()}\n")
            w.write(2, f"Hostname:\t{ep.get('hostname', '<unset>')}\n")
            if ep.get("targetRef"):
                w.write(2, f"TargetRef:\t{ep['targetRef'].get('kind', '')}/{ep['targetRef'].get('name', '')}\n")
            w.write(2, f"NodeName:\t{ep.get('nodeName', '<unset>')}\n")
            w.write(2, f"Zone:\t{ep.get('zone', '<unset>')}\n")
    describe_events(w, related.get("events"), now)
    return w.getvalue()


def _ingress_backend(ns: str, backend: Mapping, related: Mapping) -> str:
    # IngressDescriber.describeBackendV1: "svc:port (endpoints)" for a Service backend.
    service = backend.get("service")
    if service:
        port = service.get("port") or {}
        sb = f"{service.get('name', '')}:{port.get('number') or port.get('name', '')}"
        svc = (related.get("services") or {}).get(service.get("name"))
        if svc is None:
            return f'{sb} (<error: services "{service.get("name")}" not found>)'
        sp_name = ""
        for sp in (svc.get("spec") or {}).get("ports") or []:
            if port.get("number") and port.get("number") == sp.get("port"):
                sp_name = sp.get("name", "")
            elif port.get("name") and port.get("name") == sp.get("name"):
                sp_name = sp.get("name", "")
        slices = [s for s in related.get("endpointslices") or []
                  if ((s.get("metadata") or {}).get("labels") or {}).get("kubernetes.io/service-name")
                  == service.get("name")]
        return f"{sb} ({format_endpoint_slices(slices, {sp_name})})"
    resource = backend.get("resource")
    if resource:
        return (f"APIGroup: {resource.get('apiGroup', '<none>')}, Kind: {resource.get('kind', '')}, "
                f"Name: {resource.get('name', '')}")
    return ""


def describe_ingress(ing: Mapping, related: Mapping, now: float) -> str:
    """describe.go describeIngressV1 (Labels before Namespace, Annotations after Rules)."""
    w, meta, spec = PrefixWriter(), ing.get("metadata") or {}, ing.get("spec") or {}
    ns = meta.get("namespace", "")
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    print_labels_multiline(w, "Labels", meta.get("labels"))
    w.write(0, f"Namespace:\t{ns}\n")
    lb = (ing.get("status") or {}).get("loadBalancer")
    w.write(0, f"Address:\t{load_balancer_status_stringer(lb, wide=True)}\n")
    w.write(0, f"Ingress Class:\t{spec.get('ingressClassName') or '<none>'}\n")
    default = "<default>"
    if spec.get("defaultBackend"):
        default = _ingress_backend(ns, spec["defaultBackend"], related)
    w.write(0, f"Default backend:\t{default}\n")
    if spec.get("tls"):
        w.write(0, "TLS:\n")
        for t in spec["tls"]:
            hosts = ",".join(t.get("hosts") or [])
            if not t.get("secretName"):
                w.write(1, f"SNI routes {hosts}\n")
            else:
                w.write(1, f"{t['secretName']} terminates {hosts}\n")
    w.write(0, "Rules:\n  Host\tPath\tBackends\n")
    w.write(1, "----\t----\t--------\n")
    count = 0
    for rule in spec.get("rules") or []:
        if not rule.get("http"):
            continue
        count += 1
        w.write(1, f"{rule.get('host') or '*'}\t\n")
        for path in rule["http"].get("paths") or []:
            w.write(2, f"\t{path.get('path', '')} \t{_ingress_backend(ns, path.get('backend') or {}, related)}\n")
    if count == 0:
        w.write(1, f"*\t*\t{default}\n")
    print_annotations_multiline(w, "Annotations", meta.get("annotations"))
    describe_events(w, related.get("events"), now)
    return w.getvalue()


def _policy_peers(w: PrefixWriter, rules: list, indent: str, peer_key: str, what: str) -> None:
    # describe.go printNetworkPolicySpecIngressFrom / printNetworkPolicySpecEgressTo.
    direction = "ingress" if peer_key == "from" else "egress"
    label = "From" if peer_key == "from" else "To"
    if not rules:
        w.write(0, f"{indent}<none> (Selected pods are isolated for {direction} connectivity)\n")
        return
    for i, rule in enumerate(rules):
        if not rule.get("ports"):
            w.write(0, f"{indent}To Port: <any> (traffic allowed to all ports)\n")
        for port in rule.get("ports") or []:
            proto = port.get("protocol") or "TCP"
            number = port.get("port", "<nil>")
            if port.get("endPort") is None:
                w.write(0, f"{indent}To Port: {number}/{proto}\n")
            else:
                w.write(0, f"{indent}To Port Range: {number}-{port['endPort']}/{proto}\n")
        if not rule.get(peer_key):
            w.write(0, f"{indent}{label}: <any> (traffic not restricted by {what})\n")
        for peer in rule.get(peer_key) or []:
            w.write(0, f"{indent}{label}:\n")
            pod_sel, ns_sel = peer.get("podSelector"), peer.get("namespaceSelector")
            if pod_sel is not None and ns_sel is not None:
                w.write(1, f"{indent}NamespaceSelector: {format_label_selector(ns_sel)}\n")
                w.write(1, f"{indent}PodSelector: {format_label_selector(pod_sel)}\n")
            elif pod_sel is not None:
                w.write(1, f"{indent}PodSelector: {format_label_selector(pod_sel)}\n")
            elif ns_sel is not None:
                w.write(1, f"{indent}NamespaceSelector: {format_label_selector(ns_sel)}\n")
            elif peer.get("ipBlock") is not None:
                w.write(1, f"{indent}IPBlock:\n")
                w.write(2, f"{indent}CIDR: {peer['ipBlock'].get('cidr', '')}\n")
                w.write(2, f"{indent}Except: {', '.join(peer['ipBlock'].get('except') or [])}\n")
        if i != len(rules) - 1:
            w.write(0, f"{indent}----------\n")


def describe_networkpolicy(np: Mapping, related: Mapping, now: float) -> str:
    """describe.go describeNetworkPolicy (no events: that describer never fetches them)."""
    w, meta, spec = PrefixWriter(), np.get("metadata") or {}, np.get("spec") or {}
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    w.write(0, f"Created on:\t{go_time_string(meta.get('creationTimestamp'))}\n")
    print_labels_multiline(w, "Labels", meta.get("labels"))
    print_annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(0, "Spec:\n")
    w.write(1, "PodSelector: ")
    selector = spec.get("podSelector") or {}
    if not selector.get("matchLabels") and not selector.get("matchExpressions"):
        w.write(2, "<none> (Allowing the specific traffic to all pods in this namespace)\n")
    else:
        w.write(2, f"{format_label_selector(selector)}\n")
    types = spec.get("policyTypes") or []
    if "Ingress" in types:
        w.write(1, "Allowing ingress traffic:\n")
        _policy_peers(w, spec.get("ingress") or [], "    ", "from", "source")
    else:
        w.write(1, "Not affecting ingress traffic\n")
    if "Egress" in types:
        w.write(1, "Allowing egress traffic:\n")
        _policy_peers(w, spec.get("egress") or [], "    ", "to", "destination")
    else:
        w.write(1, "Not affecting egress traffic\n")
    w.write(1, f"Policy Types: {', '.join(types) or '<none>'}\n")
    return w.getvalue()


def describe_ingressclass(ic: Mapping, related: Mapping, now: float) -> str:
    """describe.go describeIngressClassV1: name, labels, annotations, controller, parameters."""
    w, meta, spec = PrefixWriter(), ic.get("metadata") or {}, ic.get("spec") or {}
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    print_labels_multiline(w, "Labels", meta.get("labels"))
    print_annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(0, f"Controller:\t{spec.get('controller', '')}\n")
    params = spec.get("parameters")
    if params is not None:
        w.write(0, "Parameters:\n")
        if params.get("apiGroup") is not None:
            w.write(1, f"APIGroup:\t{params['apiGroup']}\n")
        w.write(1, f"Kind:\t{params.get('kind', '')}\n")
        w.write(1, f"Name:\t{params.get('name', '')}\n")
        for key, label in (("namespace", "Namespace"), ("scope", "Scope")):
            if params.get(key) is not None:
                w.write(1, f"{label}:\t{params[key]}\n")
    describe_events(w, related.get("events"), now)
    return w.getvalue()


def _describers() -> dict:
    from . import describe_apps, describe_generic, describe_workloads
    return {
        "ReplicaSet": describe_apps.describe_replicaset, "StatefulSet": describe_apps.describe_statefulset,
        "DaemonSet": describe_apps.describe_daemonset, "Namespace": describe_apps.describe_namespace,
        "ConfigMap": describe_apps.describe_configmap, "ServiceAccount": describe_apps.describe_service_account,
        "Service": describe_service, "Endpoints": describe_endpoints,
        "EndpointSlice": describe_endpointslice, "Ingress": describe_ingress,
        "NetworkPolicy": describe_networkpolicy, "IngressClass": describe_ingressclass,
        "Pod": describe_workloads.describe_pod,
        "Deployment": describe_workloads.describe_deployment, "Node": describe_workloads.describe_node,
        **{k: describe_generic.describe_generic for k in describe_generic.GENERIC_KINDS},
    }


#: Kinds :func:`describe` knows.
DESCRIBED_KINDS = ("Service", "Endpoints", "EndpointSlice", "Ingress", "IngressClass", "NetworkPolicy", "Pod",
                   "Deployment", "Node", "ReplicaSet", "StatefulSet", "DaemonSet", "Namespace", "ConfigMap", "ServiceAccount", "Gateway",
                   "GatewayClass", "HTTPRoute", "GRPCRoute", "ReferenceGrant", "TLSRoute", "TCPRoute", "UDPRoute",
                   "ListenerSet", "BackendTLSPolicy")


def describe(kind: str, obj: Mapping, *, now: float, related: Mapping[str, Any] | None = None) -> str:
    """What ``kubectl describe <kind> <name>`` prints for ``obj`` at simulated time ``now``."""
    describers = _describers()
    if kind not in describers:
        raise UsageError(f"no description has been implemented for {kind}")
    return describers[kind](obj, related or {}, now)
