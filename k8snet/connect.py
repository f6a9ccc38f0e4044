"""Layers 3 and 4 of ``request()``: from an IP address and port to the answering pod.

Which address was dialled decides the path:

* a Service ClusterIP   -> kube-proxy on the client's own node (not routable from outside);
* a node's InternalIP   -> a hostPort, or kube-proxy's NodePort rules on that node;
* a LoadBalancer address -> the cloud load balancer picks a node, then as above;
* a pod IP              -> straight over the pod network (no NAT, no kube-proxy);
* a host of the simulated internet -> out through the node (SNAT), answered there.
"""
from __future__ import annotations

import functools
import ipaddress

# The request path's modules call each other: each imports the others as modules (never
# names from them), so they load in any order, and no call pays for an import statement.
from . import deliver, l7, loadbalancers, proxy
from .families import IPV4, IPV6, family_of, join_host_port as _hp
from .kubeproxy import METRICS_PORT, metrics_answer
from .response import REFUSED, TIMED_OUT, Hop

__all__ = ["connect", "dns_reachable", "masquerade_source"]


def _node_ip(node: dict, like: str | None = None) -> str:
    """The node's InternalIP (of the family of ``like``, when given and the node has one)."""
    ips = [a["address"] for a in node["status"]["addresses"] if a["type"] == "InternalIP"]
    if like is not None:
        family = family_of(like)
        return next((ip for ip in ips if family_of(ip) == family), ips[0])
    return ips[0]


#: CNIs whose host side of a pod's interface holds the node range's gateway address (.1):
#: flannel's cni0 bridge, kindnet's ptp veths.  The kernel's MASQUERADE takes the address of the
#: interface a packet leaves by, so a masqueraded packet delivered to a pod on the same node
#: (hairpin, or a node-local endpoint) comes from that gateway there, and from the node's own
#: address with the CNIs whose host-side veths have no address (Calico, Cilium, Weave here).
GATEWAY_CNIS = ("flannel", "kindnet")


def masquerade_source(cluster, node: dict, pod: dict | None, like: str) -> str:
    """The source address a masqueraded packet carries when ``node`` delivers it to ``pod``."""
    if (pod is not None and cluster.cni in GATEWAY_CNIS and not pod["spec"].get("hostNetwork")
            and pod["spec"].get("nodeName") == node["metadata"]["name"]):
        family = family_of(like)
        for cidr in node["spec"].get("podCIDRs") or [node["spec"].get("podCIDR")]:
            gateway_family, gateway = _range_gateway(cidr)
            if gateway_family == family:
                return gateway
    return _node_ip(node, like)


@functools.lru_cache(maxsize=1024)  # a pure function of the range: not parsed again per request
def _range_gateway(cidr: str) -> tuple[str, str]:
    """(family, the range's first address: the gateway the CNI gives the node's side)."""
    net = ipaddress.ip_network(cidr)
    return (IPV6 if net.version == 6 else IPV4), str(net.network_address + 1)


def _index(cluster):
    """IP -> what holds it (cached per store version)."""
    version = cluster.store.version
    cached = getattr(cluster, "_ip_index", None)
    if cached and cached[0] == version:
        return cached[1]
    idx = {"cluster_ip": {}, "node": {}, "lb": {}, "pod": {}, "alb": {}}
    for svc in cluster.store.items("Service"):
        for ip in svc["spec"].get("clusterIPs") or [svc["spec"].get("clusterIP")]:
            if ip and ip != "None":
                idx["cluster_ip"][ip] = svc
    loadbalancers.index_addresses(cluster, idx)
    for node in cluster.store.items("Node"):
        for a in node["status"]["addresses"]:
            if a["type"] == "InternalIP":
                idx["node"][a["address"]] = node
    for pod in cluster.store.items("Pod"):
        st = pod.get("status") or {}
        ip = st.get("podIP")
        # hostNetwork pods (kube-proxy, CNI agents) share their node's IP: that IP is the node's.
        if ip and st.get("phase") not in ("Succeeded", "Failed") and not pod["spec"].get("hostNetwork"):
            for each in st.get("podIPs") or [{"ip": ip}]:
                idx["pod"][each["ip"]] = pod
    cluster._ip_index = (version, idx)
    return idx


def _backend_name(svc: dict, port: int) -> str:
    return f"{svc['metadata']['namespace']}/{svc['metadata']['name']}:{port}"


def dns_reachable(trip) -> str | None:
    """Why the pod's DNS query to kube-dns would get no answer (None when it would)."""
    cluster, client = trip.cluster, trip.client
    slices = [s for s in cluster.store.items("EndpointSlice", "kube-system")
              if (s["metadata"].get("labels") or {}).get("kubernetes.io/service-name") == "kube-dns"]
    ready = [e for s in slices for e in s.get("endpoints") or [] if (e.get("conditions") or {}).get("ready")]
    if not cluster.kube_proxy.running.get(client.node, True):
        # A stopped kube-proxy left its rules: the query goes to the CoreDNS pods kube-dns had
        # then, which still answer if they are still there.
        stale = _stale_dns_endpoints(cluster, client.node)
        ready = [e for e in ready if e["addresses"][0] in stale]
        if not ready:
            dns_ip = cluster.families[0].dns_ip
            return (f"kube-proxy is not running on {client.node}: the rules it left send {dns_ip} to CoreDNS "
                    "pods that are gone" if stale else f"kube-proxy is not running on {client.node}: the rules it "
                    f"left have no endpoint for {dns_ip}")
    if not ready:
        return "kube-system/kube-dns has no ready endpoints (are the CoreDNS pods running?)"
    target = ready[0]["targetRef"]
    coredns = f"{target['namespace']}/{target['name']}"
    src = client.ref if client.pod["metadata"].get("uid") else client.pod
    v = deliver._allowed(cluster, src, coredns, 53, "UDP")
    if not v:
        return f"NetworkPolicy drops the query: {v.reason}"
    return None


def _stale_dns_endpoints(cluster, node: str) -> set[str]:
    """The kube-dns endpoint IPs in ``node``'s kube-proxy rules as they stand (stale when it stopped)."""
    state = cluster.kube_proxy.state(node)
    return {ep.ip for name, eps in state.endpoints_map().items()
            if (name.namespace, name.name, name.protocol) == ("kube-system", "kube-dns", "UDP")
            for ep in eps if ep.ready}


def connect(trip, ip: str, port: int) -> Result:
    """Open a TCP connection to ``ip:port`` from the trip's client and get the HTTP answer."""
    cluster, client = trip.cluster, trip.client
    idx = _index(cluster)
    if ip in idx["cluster_ip"]:
        svc = idx["cluster_ip"][ip]
        if client.kind == "internet":
            trip.fail(TIMED_OUT, "internet", f"{ip} is a ClusterIP of {svc['metadata']['namespace']}/"
                      f"{svc['metadata']['name']}: virtual, only reachable from inside the cluster")
        return _through_kube_proxy(trip, client.node, ip, port, proxy.Entry.POD if client.kind == "pod"
                                   else proxy.Entry.NODE, client.ip)
    if ip in idx["lb"]:
        return loadbalancers.through_load_balancer(trip, idx["lb"][ip], ip, port)
    if ip in idx["alb"]:
        return loadbalancers.through_alb(trip, idx["alb"][ip], ip, port)
    if ip in idx["node"]:
        return _at_node(trip, idx["node"][ip], ip, port, client.ip)
    if ip in idx["pod"]:
        if client.kind == "internet":
            trip.fail(TIMED_OUT, "internet", f"{ip} is a pod IP: pod IPs are not routable from outside the cluster")
        trip.hop("pod network", f"{client.ip} -> {ip} directly (no NAT between pods)")
        return deliver.deliver(trip, idx["pod"][ip], port, client.ip, via=None, at=ip)
    if ip.startswith("127."):
        # Loopback never leaves the client's network namespace: only the pod itself answers,
        # which is how an app bound to 127.0.0.1 still works from `kubectl exec`.
        host_network = client.kind == "node" or (client.kind == "pod" and client.pod["spec"].get("hostNetwork"))
        if host_network and port == METRICS_PORT:  # kube-proxy's metrics server, bound to 127.0.0.1
            if not cluster.kube_proxy.running.get(client.node, True):
                trip.fail(REFUSED, "loopback", f"nothing listens on {ip}:{port} on {client.node}: kube-proxy "
                          "is not running there")
            status, body = metrics_answer(cluster.proxy_mode, trip.path)
            trip.hop("kube-proxy", f"kube-proxy's metrics server on {client.node} ({ip}:{port}) answers "
                     f"{trip.path}: HTTP {status}")
            return deliver.Result(status, body, [("Content-Type", "text/plain; charset=utf-8")])
        if client.kind == "pod" and client.pod["metadata"].get("uid"):
            trip.hop("loopback", f"{ip} stays inside {client.ref}'s network namespace")
            return deliver.deliver(trip, client.pod, port, ip, via=None, loopback=True)
        trip.fail(REFUSED, "loopback", f"nothing listens on {ip}:{port} in {client.ref}")
    hosts = {v: k for k, v in cluster.external_hosts.items()}
    if ip in hosts:
        return _external(trip, hosts[ip], ip, port)
    trip.fail(TIMED_OUT, "network", f"nothing answers at {ip}: no Service, node, pod or known host has it")


def _through_kube_proxy(trip, node_name: str, dst_ip: str, port: int, entry, src_ip: str) -> Result:
    cluster = trip.cluster
    # A stopped kube-proxy's rules stay on the node, as they were when it stopped.
    running = cluster.kube_proxy.running.get(node_name, True)
    stale = "" if running else f" (stale rules: kube-proxy is not running on {node_name})"
    state = cluster.kube_proxy.state(node_name, family_of(dst_ip) if len(cluster.ip_families) > 1 else None)
    r = proxy.trace(state, src_ip=src_ip, dst_ip=dst_ip, dst_port=port, protocol=trip.protocol,
                    rng=cluster.lb_rng, now=cluster.now, entry=entry)
    if r.verdict == proxy.Verdict.DNAT:
        plan = _dnat_plan(trip, r, node_name, dst_ip, port, src_ip, stale)
        if plan is None:  # an endpoint that is no pod (or a pod gone): see _dnat_elsewhere
            return _dnat_elsewhere(trip, r, node_name, dst_ip, port, src_ip, stale)
        _, hop, pod, src, svc, moved, ep_ip, ep_port, backend = plan
        trip.hops.append(hop)
        if moved is not None:
            trip.hops.append(moved)
        res = deliver.deliver(trip, pod, ep_port, src, via=svc, at=ep_ip)
        if res.backend is None and backend is not None:
            res.backend = backend
        return res
    # The matched rules, as text, only when someone reads the hop's detail (see response.Hop).
    steps = functools.partial(_matched_rules, r)
    svc_key = r.service
    if r.verdict == proxy.Verdict.REJECT:
        if svc_key is None:  # nftables' cluster-ips-check: a ClusterIP, but not one of its ports
            trip.fail(REFUSED, "kube-proxy", f"{dst_ip} is a ClusterIP but {port} is none of its Service's ports: "
                      f"{cluster.proxy_mode} REJECTs the connection on {node_name}", steps)
        trip.fail(REFUSED, "kube-proxy", f"{svc_key or dst_ip} has no endpoints: {cluster.proxy_mode} REJECTs "
                  f"the connection on {node_name} (ICMP port unreachable)", steps)
    if cluster.proxy_mode == "ipvs" and dst_ip in _index(cluster)["cluster_ip"]:
        # IPVS binds every ClusterIP to kube-ipvs0; the KUBE-IPVS-FILTER chain (pkg/proxy/ipvs/proxier.go,
        # the fix for kubernetes#72236) REJECTs new connections to those IPs on ports no Service has.
        trip.fail(REFUSED, "kube-proxy", f"{dst_ip} is a ClusterIP but {port} is none of its Service's ports: "
                  f"KUBE-IPVS-FILTER REJECTs the connection on {node_name}", steps)
    if r.verdict == proxy.Verdict.DROP:
        # The load-balancer firewall (KUBE-FW-*/KUBE-PROXY-FIREWALL, nftables' firewall-check,
        # IPVS' KUBE-SOURCE-RANGES-FIREWALL): the source is not in loadBalancerSourceRanges.
        why = loadbalancers.firewall_drop(r, src_ip, dst_ip)
        trip.fail(TIMED_OUT, "kube-proxy", f"{cluster.proxy_mode} on {node_name} DROPs the packet{why}", steps)
    if stale:
        trip.fail(TIMED_OUT, "kube-proxy", f"not running on {node_name}, and the rules it left behind predate "
                  f"this Service: none matches {_hp(dst_ip, port)}, the packet goes to the default route and nothing "
                  "answers", steps)
    trip.fail(REFUSED if entry == proxy.Entry.EXTERNAL else TIMED_OUT, "kube-proxy",
              f"no rule on {node_name} matches {_hp(dst_ip, port)}", steps)


def _dnat_hop(cluster, r, node_name: str, stale: str) -> Hop:
    """kube-proxy's hop for a packet DNATed to ``r.endpoint`` on ``node_name``."""
    prob = next((s.probability for s in reversed(r.steps) if s.probability), None)
    chance = f" (chance {prob:.0%} at its rule)" if prob and prob < 1 else ""
    return Hop("kube-proxy", f"{cluster.proxy_mode} on {node_name}: {r.service} -> DNAT to {r.endpoint}{chance}"
               + (", source masqueraded to the node" if r.masqueraded else "") + stale,
               functools.partial(_matched_rules, r))


def _endpoint_of(r) -> tuple[str, str]:
    ep_ip, _, ep_port = r.endpoint.rpartition(":")
    return ep_ip.removeprefix("[").removesuffix("]"), ep_port  # net.JoinHostPort brackets IPv6


def _dnat_plan(trip, r, node_name: str, dst_ip: str, port: int, src_ip: str, stale: str) -> tuple | None:
    """What follows from a trace that DNATs to a pod: (r, kube-proxy's hop, the pod, the source
    it sees, the Service, the hop to the pod's node or None, endpoint IP, port, backend name).
    Only the objects decide it, so it is kept per store version and per trace result (the
    rules' replay tree hands back the same result object for the same path: proxy/trace.py);
    None when the endpoint is no pod."""
    cluster = trip.cluster
    memo = l7.memo(cluster, "kube-proxy DNAT")
    key = (id(r), node_name, dst_ip, port, src_ip, stale)
    plan = memo.get(key)
    if plan is not None and plan[0] is r:
        return plan
    ep_ip, ep_port = _endpoint_of(r)
    pod = _index(cluster)["pod"].get(ep_ip)
    if pod is None:
        return None
    src = masquerade_source(cluster, cluster.store.peek("Node", "", node_name), pod, dst_ip) \
        if r.masqueraded else src_ip
    svc = _service_for(cluster, r.service, dst_ip, port)
    moved = None
    if pod["spec"].get("nodeName") != node_name:
        moved = Hop("pod network", f"{node_name} -> {pod['spec']['nodeName']} ({cluster.cni} routes "
                    f"{ep_ip} to the node that hosts it)")
    backend = _backend_name(svc, _service_port(svc, dst_ip, port, trip)) if svc is not None else None
    plan = (r, _dnat_hop(cluster, r, node_name, stale), pod, src, svc, moved, ep_ip, int(ep_port), backend)
    if len(memo) >= 4096:  # rules walked afresh each time (nftables, IPVS) make new results: bounded
        memo.clear()
    memo[key] = plan
    return plan


def _dnat_elsewhere(trip, r, node_name: str, dst_ip: str, port: int, src_ip: str, stale: str) -> Result:
    """A DNAT to an endpoint that is no pod: a pod that has exited (its IP still in the rules),
    or what a manual EndpointSlice names (upstream "Services without selectors")."""
    cluster = trip.cluster
    trip.hops.append(_dnat_hop(cluster, r, node_name, stale))
    ep_ip, ep_port = _endpoint_of(r)
    svc = _service_for(cluster, r.service, dst_ip, port)
    if ep_ip in cluster.controllers.gone_ips:
        deliver.refuse_gone(trip, ep_ip, int(ep_port), "kube-proxy")
    # Only a node address is the API server.
    hosts = {v: k for k, v in cluster.external_hosts.items()}
    if ep_ip in hosts:
        res = _external(trip, hosts[ep_ip], ep_ip, int(ep_port))
        res.backend = _backend_name(svc, port) if svc else None
        return res
    if ep_ip not in _index(cluster)["node"]:
        trip.fail(TIMED_OUT, "network", f"nothing answers at {_hp(ep_ip, ep_port)}: no node, pod or known "
                  "host has it")
    return _apiserver(trip, ep_ip, int(ep_port), svc, port)


def _matched_rules(r) -> str:
    """The rules a traced packet matched, one per line, with the odds of each random draw."""
    return "\n".join(f"[{s.table}] {s.rule}" + (f"  (p={s.probability:.4f})" if s.probability else "")
                     for s in r.steps if s.matched)


def _service_for(cluster, key: str | None, dst_ip: str, port: int) -> dict | None:
    if key:
        ns, _, rest = key.partition("/")
        return cluster.store.peek("Service", ns, rest.split(":", 1)[0])
    return None


def _service_port(svc: dict, dst_ip: str, port: int, trip) -> int:
    for p in svc["spec"].get("ports") or []:
        if p.get("port") == port or p.get("nodePort") == port:
            return p["port"]
    return port


def _at_node(trip, node: dict, node_ip: str, port: int, src_ip: str) -> Result:
    cluster, name = trip.cluster, node["metadata"]["name"]
    if not cluster.controllers.kubelet_up.get(name):
        trip.fail(TIMED_OUT, "node", f"{name} ({node_ip}) is down: nothing answers")
    for pod in cluster.store.items("Pod"):  # a hostPort on that node wins (CNI portmap)
        if pod["spec"].get("nodeName") == name and (pod.get("status") or {}).get("podIP"):
            for c in pod["spec"]["containers"]:
                for p in c.get("ports") or []:
                    if p.get("hostPort") == port and p.get("protocol", "TCP") == trip.protocol:
                        trip.hop("node", f"{name}:{port} is a hostPort of {pod['metadata']['namespace']}/"
                                 f"{pod['metadata']['name']} -> {pod['status']['podIP']}:{p['containerPort']}")
                        return deliver.deliver(trip, pod, p["containerPort"], src_ip, via=None)
    if port == METRICS_PORT:
        trip.fail(REFUSED, "node", f"nothing listens on {_hp(node_ip, port)}: kube-proxy's metrics server is bound "
                  f"to 127.0.0.1:{port} (metricsBindAddress); ask http://127.0.0.1:{port}/ on {name} itself")
    local = trip.client.kind == "node" and trip.client.node == name
    entry = proxy.Entry.NODE if local else proxy.Entry.EXTERNAL
    owner = next((f"{svc['metadata']['namespace']}/{svc['metadata']['name']}:{p['port']}"
                  for svc in cluster.store.items("Service") for p in svc["spec"].get("ports") or []
                  if p.get("nodePort") == port and p.get("protocol", "TCP") == trip.protocol), None)
    if owner:  # every node listens on a Service's nodePort (Service docs, type NodePort)
        trip.hop("NodePort", f"packet reaches {name} ({_hp(node_ip, port)}), the NodePort of {owner}")
    else:
        trip.hop("node", f"packet reaches {name} ({_hp(node_ip, port)})")
    return _through_kube_proxy(trip, name, node_ip, port, entry, src_ip)


def _external(trip, host: str, ip: str, port: int) -> Result:
    cluster, client = trip.cluster, trip.client
    if client.kind == "pod":
        v = deliver._allowed(cluster, client.pod if not client.pod["metadata"].get("uid") else client.ref, ip, port)
        if not v:
            trip.fail(TIMED_OUT, "NetworkPolicy", "egress to the internet dropped", v.reason)
        trip.hop("node", f"{client.node} masquerades {client.ip} to its own address and sends it out")
    if port not in (80, 443):
        trip.fail(TIMED_OUT, host, f"{host} ({ip}) does not answer on port {port}")
    trip.hop(host, f"{host} ({ip}) answers")
    body = f"<!doctype html>\n<html><head><title>{host}</title></head><body><h1>{host}</h1></body></html>\n"
    return deliver.Result(200, body, [("Content-Type", "text/html")])


def _apiserver(trip, ip: str, port: int, svc, svc_port: int) -> Result:
    trip.hop("kube-apiserver", f"{_hp(ip, port)} answers (the API server runs on the node network)")
    body = ('{\n  "kind": "Status",\n  "apiVersion": "v1",\n  "metadata": {},\n  "status": "Failure",\n'
            '  "message": "forbidden: User \\"system:anonymous\\" cannot get path \\"/\\"",\n'
            '  "reason": "Forbidden",\n  "details": {},\n  "code": 403\n}')
    return deliver.Result(403, body, [("Content-Type", "application/json")],
                  backend=_backend_name(svc, svc_port) if svc else None)
