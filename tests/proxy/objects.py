"""API objects for the proxy tests, shaped as the API server stores them (after defaulting).

``base_objects()`` is the shared base scenario: a kind-like cluster of two nodes
(node-1 172.18.0.2 with pods in 10.244.1.0/24, node-2 172.18.0.3 with 10.244.2.0/24) and
a few Services covering ClusterIP, NodePort, LoadBalancer with externalTrafficPolicy
Local, session affinity, internalTrafficPolicy Local and a Service with no endpoints.
"""
from __future__ import annotations

import copy

NODES = {"node-1": "172.18.0.2", "node-2": "172.18.0.3"}


def node(name: str, ip: str, zone: str | None = None) -> dict:
    labels = {"kubernetes.io/hostname": name}
    if zone:
        labels["topology.kubernetes.io/zone"] = zone
    return {"apiVersion": "v1", "kind": "Node",
            "metadata": {"name": name, "labels": labels},
            "status": {"addresses": [{"type": "InternalIP", "address": ip},
                                     {"type": "Hostname", "address": name}]}}


def service(name: str, cluster_ip: str, ports: list[dict], *, ns: str = "default",
            type: str = "ClusterIP", etp: str = "Cluster", itp: str = "Cluster",
            affinity_seconds: int | None = None, lb_ips: tuple[str, ...] = (),
            external_ips: tuple[str, ...] = (), hc_port: int | None = None,
            source_ranges: tuple[str, ...] = ()) -> dict:
    full_ports = []
    for p in ports:
        q = {"protocol": "TCP", "targetPort": p["port"], **p}
        full_ports.append(q)
    spec = {"type": type, "clusterIP": cluster_ip, "clusterIPs": [cluster_ip],
            "ports": full_ports, "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
            "internalTrafficPolicy": itp, "sessionAffinity": "None"}
    if type in ("NodePort", "LoadBalancer"):
        spec["externalTrafficPolicy"] = etp
    if affinity_seconds is not None:
        spec["sessionAffinity"] = "ClientIP"
        spec["sessionAffinityConfig"] = {"clientIP": {"timeoutSeconds": affinity_seconds}}
    if external_ips:
        spec["externalIPs"] = list(external_ips)
    if hc_port:
        spec["healthCheckNodePort"] = hc_port
    if source_ranges:
        spec["loadBalancerSourceRanges"] = list(source_ranges)
    status = {"loadBalancer": {"ingress": [{"ip": ip, "ipMode": "VIP"} for ip in lb_ips]}
              if lb_ips else {}}
    return {"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": name, "namespace": ns}, "spec": spec, "status": status}


def endpoint(ip: str, node_name: str | None, *, ready: bool = True, serving: bool | None = None,
             terminating: bool = False, hints: tuple[str, ...] = ()) -> dict:
    ep = {"addresses": [ip],
          "conditions": {"ready": ready, "serving": ready if serving is None else serving,
                         "terminating": terminating}}
    if node_name:
        ep["nodeName"] = node_name
    if hints:
        ep["hints"] = {"forZones": [{"name": z} for z in hints]}
    return ep


def endpoint_slice(service_name: str, endpoints: list[dict], ports: list[dict], *,
                   ns: str = "default", suffix: str = "abcde") -> dict:
    return {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "addressType": "IPv4",
            "metadata": {"name": f"{service_name}-{suffix}", "namespace": ns,
                         "labels": {"kubernetes.io/service-name": service_name}},
            "endpoints": endpoints,
            "ports": [{"protocol": "TCP", **p} for p in ports]}


def base_objects() -> tuple[list[dict], list[dict], list[dict]]:
    """``(services, slices, nodes)`` of the base scenario (fresh copies)."""
    services = [
        service("kubernetes", "10.96.0.1", [{"name": "https", "port": 443, "targetPort": 6443}]),
        service("kube-dns", "10.96.0.10", [
            {"name": "dns", "port": 53, "protocol": "UDP"},
            {"name": "dns-tcp", "port": 53},
            {"name": "metrics", "port": 9153}], ns="kube-system"),
        service("web", "10.96.100.10", [{"name": "http", "port": 80, "targetPort": 8080,
                                          "nodePort": 30080}], type="NodePort"),
        service("shop", "10.96.200.20", [{"name": "http", "port": 80, "targetPort": 8080,
                                           "nodePort": 31080}], type="LoadBalancer",
                etp="Local", lb_ips=("203.0.113.10",), hc_port=32000),
        service("sticky", "10.96.50.50", [{"name": "http", "port": 80}], affinity_seconds=10800),
        service("local-only", "10.96.60.60", [{"name": "http", "port": 80}], itp="Local"),
        service("empty", "10.96.9.9", [{"name": "http", "port": 80}]),
    ]
    slices = [
        endpoint_slice("kubernetes", [endpoint("172.18.0.2", None)],
                       [{"name": "https", "port": 6443}], suffix="api"),
        endpoint_slice("kube-dns", [endpoint("10.244.1.2", "node-1"), endpoint("10.244.2.2", "node-2")],
                       [{"name": "dns", "port": 53, "protocol": "UDP"}, {"name": "dns-tcp", "port": 53},
                        {"name": "metrics", "port": 9153}], ns="kube-system", suffix="x7k2p"),
        endpoint_slice("web", [endpoint("10.244.1.5", "node-1"), endpoint("10.244.2.7", "node-2"),
                               endpoint("10.244.2.8", "node-2")],
                       [{"name": "http", "port": 8080}], suffix="7xq2k"),
        endpoint_slice("shop", [endpoint("10.244.2.9", "node-2")], [{"name": "http", "port": 8080}],
                       suffix="m4n8b"),
        endpoint_slice("sticky", [endpoint("10.244.1.6", "node-1"), endpoint("10.244.2.6", "node-2")],
                       [{"name": "http", "port": 80}], suffix="q9w3e"),
        endpoint_slice("local-only", [endpoint("10.244.2.10", "node-2")], [{"name": "http", "port": 80}],
                       suffix="z5t6y"),
        endpoint_slice("empty", [], [{"name": "http", "port": 80}], suffix="r2d2c"),
    ]
    nodes = [node(n, ip) for n, ip in NODES.items()]
    return copy.deepcopy(services), copy.deepcopy(slices), nodes


def make_state(node_name: str = "node-1", mode: str = "iptables", scheduler: str = "rr", **objs):
    """A ProxyState for one node of the base scenario (or of the given objects)."""
    from k8snet.proxy import ProxyConfig, ProxyState
    services, slices, nodes = base_objects()
    services = objs.get("services", services)
    slices = objs.get("slices", slices)
    nodes = objs.get("nodes", nodes)
    cfg = ProxyConfig(node_name=node_name, mode=mode, ipvs_scheduler=scheduler)
    return ProxyState(cfg, services=services, slices=slices, nodes=nodes)
