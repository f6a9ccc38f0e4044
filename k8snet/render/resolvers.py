"""A picture of who asks whom: each pod's resolver, by ``dnsPolicy``.

``resolvers_graph(cluster, ["default/a", "default/b"])`` reads left to right: each pod (its
``dnsPolicy``, ``hostNetwork``, search list length and ``ndots``, from the resolv.conf the
kubelet wrote: ``dns.pod_resolv_conf``), an edge to the first nameserver of that file (glibc
asks it first, and the next one only on a timeout), then what each server does: the cluster
DNS (the ``kube-dns`` Service, its CoreDNS pods) answers ``cluster.local`` and forwards the
rest to the node's resolver (kubeadm's ``forward . /etc/resolv.conf``); the node's resolver
and any other server ask the internet.  A policy that gives no nameserver at all points at
``127.0.0.1`` inside the pod, where nothing listens.
"""
from __future__ import annotations

from .graphviz import MUTED, _box, _esc, _html, _new

__all__ = ["resolvers_graph"]


def resolvers_graph(cluster, pods):
    """Pods -> the nameserver their resolv.conf names -> what that server asks (see the
    module docstring).  ``pods`` are ``"namespace/name"`` refs.  A ``Picture``."""
    from .. import dnsview
    from ..dns import NODE_RESOLV_CONF, ResolvConf
    z = dnsview.zone(cluster)
    node_server = (ResolvConf.parse(NODE_RESOLV_CONF).nameservers or ("",))[0]
    replicas = dnsview.coredns(cluster).replicas(cluster)
    g, card = _new("resolvers", f"{len(pods)} pods and the resolvers they ask",
                   "Who asks whom: the first nameserver of each pod's /etc/resolv.conf", "LR")
    servers: dict[str, None] = {}
    with card as c:
        for ref in pods:
            pod = dnsview.pod_ref(cluster, ref)
            spec = pod["spec"]
            conf = dnsview.dns.pod_resolv_conf(pod, z.cluster_domain, (z.dns_service_ip,))
            server = conf.nameservers[0] if conf.nameservers else "127.0.0.1"
            servers.setdefault(server, None)
            small = [f"dnsPolicy: {spec.get('dnsPolicy', 'ClusterFirst')}"]
            if spec.get("hostNetwork"):
                small.append("hostNetwork: true")
            c.node(f"pod/{ref}", _html(f"pod {pod['metadata']['name']}", [], small), **_box("pod"))
            c.edge(f"pod/{ref}", f"ns/{server}",
                   label=_esc(f"{len(conf.searches)} search, ndots:{conf.ndots}"))
        if z.dns_service_ip in servers:  # CoreDNS forwards to the node's resolver
            servers.setdefault(node_server, None)
        if any(sv not in ("127.0.0.1", "::1") for sv in servers):
            c.node("internet", _html("the internet's DNS", [], ["every name but the cluster's"]), **_box("entry"))
        for server in servers:
            if server == z.dns_service_ip:
                c.node(f"ns/{server}", _html(f"{server} (kube-dns)", [f"CoreDNS, {len(replicas)} replicas"],
                                             [f"answers {z.cluster_domain}", "cache 30, not for cluster.local"]),
                       **_box("service"))
                c.edge(f"ns/{server}", f"ns/{node_server}", label=_esc("forward . (not cluster.local)"))
            elif server in ("127.0.0.1", "::1"):
                c.node(f"ns/{server}", _html(f"{server} in the pod", [], ["nothing listens: SERVFAIL"]),
                       **_box("failed"))
            else:
                name = "the node's resolver" if server == node_server else "a resolver outside the cluster"
                c.node(f"ns/{server}", _html(server, [name], ["knows no cluster name"]), **_box("dns"))
                c.edge(f"ns/{server}", "internet")
        if not pods:
            c.node("none", "(no pod)", shape="plaintext", fontcolor=MUTED)
    return g
