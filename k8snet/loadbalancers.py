"""The stretch of ``request()`` between a client and a node when it dials a load balancer.

Who made the address decides the path (``connect.connect`` calls :func:`through_load_balancer`
for a Service's ``status.loadBalancer.ingress`` address, :func:`through_alb` for an Ingress's):

* **A client inside the cluster** (a pod or a node) dialling a VIP-mode IP never leaves its
  node: kube-proxy captures load-balancer IPs in its own rules (``KUBE-SERVICES ... loadbalancer
  IP``), so ``loadBalancerSourceRanges`` is enforced there, on the pod's own address.
* **gcp / azure**: the cloud's firewall (a VPC firewall rule, a network security group) admits
  only ``loadBalancerSourceRanges`` (the field, else the annotation); the passthrough load
  balancer keeps the destination, so the node's kube-proxy gets a packet *to the LB IP* -- no
  NodePort needed (``allocateLoadBalancerNodePorts: false`` works).
* **aws**: the ELB (Classic, or an NLB) sends the packet to a node's **NodePort**; without one
  (``allocateLoadBalancerNodePorts: false``) it has nowhere to send it.  Its security group
  admits the source ranges.  With the AWS Load Balancer Controller an NLB's targets are
  ``instance`` (NodePorts) or ``ip`` (the pods, straight over the VPC).
* **internal** load balancers (each cloud's annotation; the LBC's default scheme) have a
  private address: from the internet the connection times out.
* **MetalLB** (layer 2): the node its speaker elected answers ARP for the address, and that
  node's kube-proxy does the rest -- the only firewall is kube-proxy's (``KUBE-FW-*``), and it
  reads only ``spec.loadBalancerSourceRanges``, never the annotation.
"""
from __future__ import annotations

import functools
import ipaddress

# Modules of the request path are imported as modules (see connect.py).
from . import connect, deliver, l7, proxy, routing, workloads
from .controllers import awslbc, service as cloudlb
from .families import IPV6, family_of, join_host_port as _hp
from .response import TIMED_OUT, Hop

__all__ = ["through_load_balancer", "through_alb", "provider", "is_internal", "index_addresses", "firewall_drop"]

_FIREWALL = {"aws": "the load balancer's security group", "gcp": "the VPC firewall rule k8s-fw-{name}",
             "azure": "the network security group rule"}


def index_addresses(cluster, idx: dict) -> None:
    """Fill ``idx["lb"]`` (address -> Service) and ``idx["alb"]`` (address -> Ingress) with every
    load balancer's address; a hostname counts as the address public DNS gives for it."""
    from .dnsview import lb_hostname_address
    for svc in cluster.store.items("Service"):
        for ing in ((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []:
            if ing.get("ip"):
                idx["lb"][ing["ip"]] = svc
            if ing.get("hostname"):
                idx["lb"][lb_hostname_address(cluster, svc, ing["hostname"])] = svc
    if cluster.controllers.aws_lbc:  # the ALBs of Ingresses of class alb
        for ing in cluster.store.items("Ingress"):
            for point in ((ing.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []:
                if point.get("hostname", "").endswith(".elb.amazonaws.com") and "k8s-" in point["hostname"]:
                    idx["alb"][lb_hostname_address(cluster, ing, point["hostname"])] = ing


def firewall_drop(r, src_ip: str, dst_ip: str) -> str:
    """Why a traced packet was dropped when kube-proxy's load-balancer firewall did it (the
    KUBE-FW-*/KUBE-PROXY-FIREWALL chains, nftables' firewall-check, IPVS's
    KUBE-SOURCE-RANGES-FIREWALL), else ``""``."""
    fw = any(s.matched and "drop" in s.rule.lower() and "FIREWALL" in s.chain.upper()
             and "KUBE-FIREWALL" != s.chain for s in r.steps)
    return f": {src_ip} is not in {dst_ip}'s loadBalancerSourceRanges (its load-balancer firewall)" if fw else ""


def provider(cluster, svc: dict) -> str:
    """Who made ``svc``'s address: ``metallb``, ``aws-lbc`` (an NLB), or the cloud's name."""
    if ((svc["metadata"].get("annotations") or {}).get("metallb.io/ip-allocated-from-pool")
            and cluster.controllers.metallb is not None):
        return "metallb"
    if cluster.controllers.aws_lbc and awslbc.handles_service(svc):
        return "aws-lbc"
    return cluster.cloud or "none"


def is_internal(cluster, svc: dict) -> bool:
    """Whether ``svc``'s load balancer has a private address (not reachable from the internet)."""
    who = provider(cluster, svc)
    if who == "aws-lbc":
        return awslbc.service_scheme(svc) == "internal"
    return who in ("aws", "gcp", "azure") and cloudlb.is_internal(svc, who)


def _why_internal(cluster, svc: dict) -> str:
    who = provider(cluster, svc)
    ann = svc["metadata"].get("annotations") or {}
    if who == "aws-lbc":
        given = ann.get(awslbc.SCHEME)
        return (f"scheme {given}" if given else
                "the AWS Load Balancer Controller's default scheme is internal; annotate "
                f"{awslbc.SCHEME}: internet-facing")
    key = {"aws": cloudlb.AWS_INTERNAL, "azure": cloudlb.AZURE_INTERNAL}.get(
        who, cloudlb.GCP_LB_TYPE if cloudlb.GCP_LB_TYPE in ann else cloudlb.GCP_LB_TYPE_LEGACY)
    return f"annotation {key}: {ann.get(key)!s}"


@functools.lru_cache(maxsize=4096)
def _in_ranges(ip: str, ranges: tuple[str, ...]) -> bool:
    """Whether ``ip`` is inside one of ``ranges`` (unparsable ranges skipped); cached, as the
    same client and ranges come back on every request of a widget's batch."""
    addr = ipaddress.ip_address(ip)
    for r in ranges:
        try:
            if addr in ipaddress.ip_network(r, strict=False):
                return True
        except ValueError:
            continue
    return False


def _source(trip) -> str:
    """The source address the load balancer sees: the client's, or for a pod its node's (SNAT)."""
    client = trip.client
    if client.kind == "pod":
        return connect._node_ip(trip.cluster.store.peek("Node", "", client.node))
    return client.ip


def _healthy_nodes(cluster, svc: dict) -> list[dict]:
    """The nodes a cloud load balancer sends to: Ready, not excluded, and with
    ``externalTrafficPolicy: Local`` only those whose healthCheckNodePort says a local endpoint is ready."""
    up = cluster.controllers.kubelet_up  # not in the store: read on every request
    meta = svc["metadata"]
    built = l7.memo(cluster, "load balancer nodes")
    nodes = built.get((meta["namespace"], meta["name"]))
    if nodes is None:
        nodes = built[(meta["namespace"], meta["name"])] = [(n, n["metadata"]["name"]) for n in _backend_nodes(cluster, svc)]
    return [n for n, name in nodes if up.get(name)]


def _backend_nodes(cluster, svc: dict) -> list[dict]:
    """``_healthy_nodes`` before the kubelets are asked: what the objects say."""
    nodes = [n for n in cluster.store.items("Node")
             if "node.kubernetes.io/exclude-from-external-load-balancers" not in (n["metadata"].get("labels") or {})]
    if svc["spec"].get("externalTrafficPolicy") == "Local":
        local = {e.get("nodeName") for s in cluster.store.items("EndpointSlice", svc["metadata"]["namespace"])
                 if (s["metadata"].get("labels") or {}).get("kubernetes.io/service-name") == svc["metadata"]["name"]
                 for e in s.get("endpoints") or [] if (e.get("conditions") or {}).get("ready")}
        nodes = [n for n in nodes if n["metadata"]["name"] in local]
    return nodes


def _view(cluster, svc: dict, lb_ip: str, port: int, proto: str) -> tuple:
    """(ref, VIP mode, provider, component, internal, Service port or None, source ranges) of
    ``svc``'s load balancer at ``lb_ip`` for ``port``/``proto``: read from the objects once per
    change of them (a cloud provider reconciles a Service when it changes, not per packet)."""
    meta = svc["metadata"]
    # provider() also asks which addons run: installing one writes objects, but keep them in the key
    key = (meta["namespace"], meta["name"], lb_ip, port, proto, cluster.controllers.metallb is not None,
           bool(cluster.controllers.aws_lbc))
    built = l7.memo(cluster, "load balancer")
    view = built.get(key)
    if view is None:
        who = provider(cluster, svc)
        vip = any(i.get("ip") == lb_ip and i.get("ipMode", "VIP") == "VIP"
                  for i in ((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress") or [])
        sp = next((p for p in svc["spec"].get("ports") or [] if p["port"] == port
                   and p.get("protocol", "TCP") == proto), None)
        view = built[key] = (f"{meta['namespace']}/{meta['name']}", vip, who,
                             "MetalLB" if who == "metallb" else "cloud load balancer", is_internal(cluster, svc), sp,
                             cloudlb.source_ranges(svc))
    return view


def through_load_balancer(trip, svc: dict, lb_ip: str, port: int):
    """From the client to the node (then kube-proxy) through ``svc``'s load balancer at ``lb_ip``."""
    cluster, client = trip.cluster, trip.client
    proto = getattr(trip, "protocol", "TCP") or "TCP"  # connect_stream() carries UDP datagrams too
    ref, vip, who, component, internal, sp, ranges = _view(cluster, svc, lb_ip, port, proto)
    if client.kind != "internet" and vip:
        # kube-proxy on the client's own node captures the LB IP (KUBE-SERVICES "loadbalancer IP").
        return connect._through_kube_proxy(trip, client.node, lb_ip, port,
                                   proxy.Entry.POD if client.kind == "pod" else proxy.Entry.NODE, client.ip)
    if client.kind == "internet" and internal:
        trip.fail(TIMED_OUT, "internet", f"{lb_ip} is the private address of {ref}'s internal load balancer "
                  f"({_why_internal(cluster, svc)}): not reachable from the internet")
    if sp is None:
        trip.fail(TIMED_OUT, component, f"{lb_ip} has no {proto} listener on port {port}")
    if who == "metallb":
        a = cluster.controllers.metallb.announcement(svc, lb_ip)
        nd = "NDP" if family_of(lb_ip) == IPV6 else "ARP"  # layer2: ARP for IPv4, NDP neighbor advertisements for IPv6
        if a.node is None:
            trip.fail(TIMED_OUT, "MetalLB", f"nobody answers {nd} for {lb_ip}: {a.reason}")
        trip.hop("MetalLB", f"{a.node} answers {nd} for {lb_ip} (its speaker won the layer2 election): the packet "
                 f"reaches {a.node} with destination {lb_ip}")
        return connect._through_kube_proxy(trip, a.node, lb_ip, port, proxy.Entry.EXTERNAL, client.ip)
    cloud = "aws" if who == "aws-lbc" else who
    src = _source(trip)
    if not _in_ranges(src, ranges):
        fw = _FIREWALL[cloud].format(name=cloudlb.load_balancer_name(svc))
        trip.fail(TIMED_OUT, component, f"{fw} admits {port}/{proto} only from {', '.join(ranges)}: {src} is dropped "
                  "(loadBalancerSourceRanges)")
    nodes = _healthy_nodes(cluster, svc)
    if who == "aws-lbc" and awslbc.service_target_type(svc) == "ip":
        eps = l7.ready_endpoints(cluster, svc, port)
        if not eps:
            trip.fail(TIMED_OUT, component, f"{lb_ip}: the NLB's target group ({ref}, ip targets) has no healthy target")
        pod, target_port = eps[cluster.lb_rng.randrange(len(eps))]
        trip.hop(component, f"NLB {_hp(lb_ip, port)} -> pod {_hp(pod['status']['podIP'], target_port)} (ip target: "
                 "straight to the pod, no NodePort, no kube-proxy)")
        return deliver.deliver(trip, pod, target_port, _source(trip), via=svc)
    if not nodes:
        trip.fail(TIMED_OUT, component, f"{lb_ip}: no healthy node behind the load balancer")
    node = nodes[cluster.lb_rng.randrange(len(nodes))]
    name = node["metadata"]["name"]
    if cloud == "aws":
        if not sp.get("nodePort"):
            trip.fail(TIMED_OUT, component, f"{_hp(lb_ip, port)}: the ELB forwards to the nodes' NodePort, and {ref} has "
                      "none (allocateLoadBalancerNodePorts: false): nothing receives the packet")
        kind = "NLB " if who == "aws-lbc" else ""
        trip.hop(component, f"{kind}{_hp(lb_ip, port)} -> {name} NodePort {sp['nodePort']}")
        return connect._at_node(trip, node, connect._node_ip(node, client.ip), sp["nodePort"], client.ip)
    hops = l7.memo(cluster, "load balancer hops")  # the same few texts for a burst of requests
    hop = hops.get((component, lb_ip, port, name))
    if hop is None:
        hop = hops[(component, lb_ip, port, name)] = Hop(component, f"{_hp(lb_ip, port)} -> {name} "
                                                                    f"(destination kept: {lb_ip})")
    trip.hops.append(hop)
    return connect._through_kube_proxy(trip, name, lb_ip, port, proxy.Entry.EXTERNAL, client.ip)


def through_alb(trip, ing: dict, alb_ip: str, port: int):
    """An Application Load Balancer (AWS Load Balancer Controller, Ingress class ``alb``): it
    routes on the Ingress rules itself, then sends to the backend Service's NodePort on a node
    (target-type ``instance``) or to a pod (``ip``)."""
    cluster, client = trip.cluster, trip.client
    ref = f"{ing['metadata']['namespace']}/{ing['metadata']['name']}"
    if client.kind == "internet" and awslbc.ingress_scheme(ing) == "internal":
        trip.fail(TIMED_OUT, "internet", f"{alb_ip} is the private address of the internal ALB of Ingress {ref} "
                  f"(default scheme internal; annotate {awslbc.ALB_SCHEME}: internet-facing)")
    if port != 80:
        trip.fail(TIMED_OUT, "ALB", f"the ALB of Ingress {ref} listens on 80 only (alb.ingress.kubernetes.io/listen-ports)")
    index = l7._index(cluster, ("alb",), lambda: routing.compile_ingress(
        list(cluster.store.items("Ingress")), list(cluster.store.items("IngressClass")),
        controller=awslbc.INGRESS_CONTROLLER, annotation_class="alb"))
    d = index.route(scheme="http", host=trip.host, path=trip.path)
    if d.backend is None:
        trip.hop("ALB", f"no rule of the ALB matches host={trip.host} path={trip.path}: its default action answers 404")
        return deliver.Result(404, "", [("Content-Type", "text/plain; charset=utf-8")])
    b = d.backend
    svc = cluster.store.peek("Service", b.namespace, b.service)
    port_ref = b.port_number if b.port_number is not None else b.port_name
    sp = next((p for p in (svc or {}).get("spec", {}).get("ports") or [] if p["port"] == port_ref
               or p.get("name") == port_ref), None)
    if svc is None or sp is None:
        trip.hop("ALB", f"{d.ingress} -> Service {b.namespace}/{b.service}: no such Service port, no target: 503", ok=False)
        return deliver.Result(503, "", [("Content-Type", "text/plain; charset=utf-8")])
    trip.hop("ALB", f"{d.ingress} rule host={d.rule_host or '*'} path={d.path} ({d.path_type}) -> "
             f"Service {b.namespace}/{b.service}:{sp['port']}")
    if awslbc.ingress_target_type(ing) == "ip":
        eps = l7.ready_endpoints(cluster, svc, sp["port"])
        if not eps:
            return deliver.Result(503, "", [("Content-Type", "text/plain; charset=utf-8")])
        pod, target_port = eps[cluster.lb_rng.randrange(len(eps))]
        trip.hop("ALB", f"ip target {pod['status']['podIP']}:{target_port}")
        return deliver.deliver(trip, pod, target_port, _source(trip), via=svc, request=workloads.HTTPRequest(
            method=trip.method, host=trip.host, path=trip.path, headers=tuple(trip.headers.items()),
            client_ip=_source(trip), port=target_port, scheme="http"))
    if not sp.get("nodePort"):
        trip.fail(TIMED_OUT, "ALB", f"target-type instance needs a NodePort, and {b.namespace}/{b.service} is "
                  f"{svc['spec'].get('type')} without one: the controller could not register targets")
    nodes = _healthy_nodes(cluster, svc)
    if not nodes:
        trip.fail(TIMED_OUT, "ALB", "no healthy instance target")
    node = nodes[cluster.lb_rng.randrange(len(nodes))]
    trip.hop("ALB", f"instance target {node['metadata']['name']} NodePort {sp['nodePort']}")
    return connect._at_node(trip, node, connect._node_ip(node, client.ip), sp["nodePort"], client.ip)
