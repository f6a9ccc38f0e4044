"""The cluster's DNS, wired to its objects: CoreDNS's zone, a pod's resolver, external-dns.

The engines live in ``k8snet.dns``; this module only feeds them the cluster's current
objects (the zone is rebuilt only when the store changed) and adds what *external-dns* would
publish: every Ingress host and every Gateway/HTTPRoute hostname, pointing at the address of
the controller or Gateway that serves it, plus AWS load-balancer hostnames.
"""
from __future__ import annotations

import random

from . import dns
from .dns.cache import KUBEADM_CACHE, Cache, CacheConfig
from .dns.loadbalance import shuffle_reply
from .errors import NotFoundError, UsageError

__all__ = ["zone", "published_hosts", "lb_hostname_address", "pod_ref", "resolv_conf", "etc_hosts", "pod_hostname",
           "pod_env", "nslookup", "resolve", "resolve_checked", "coredns", "coredns_cache", "CoreDNSReplicas"]


def pod_ref(cluster, ref: str) -> dict:
    """The Pod for ``"ns/name"`` (or ``"name"`` in default), or a clear error."""
    if not isinstance(ref, str) or not ref:
        raise UsageError(f"from_pod={ref!r}: give the pod as 'namespace/name'")
    ns, _, name = ref.rpartition("/")
    pod = cluster.store.peek("Pod", ns or "default", name)
    if pod is None:
        raise NotFoundError(f'Error from server (NotFound): pods "{name}" not found in namespace "{ns or "default"}"')
    return pod


def published_hosts(cluster) -> dict[str, str]:
    """Names the simulated internet's DNS knows besides declared hosts (external-dns)."""
    hosts: dict[str, str] = {}
    for svc in cluster.store.items("Service"):
        for ing in ((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []:
            if ing.get("hostname"):
                hosts[ing["hostname"]] = lb_hostname_address(cluster, svc, ing["hostname"])
    for ing in cluster.store.items("Ingress"):
        for point in ((ing.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []:
            if point.get("hostname"):  # an ALB's own name (AWS Load Balancer Controller)
                hosts.setdefault(point["hostname"], lb_hostname_address(cluster, ing, point["hostname"]))
        addr = _first_address(((ing.get("status") or {}).get("loadBalancer") or {}).get("ingress") or [], hosts)
        if addr:
            for rule in ing["spec"].get("rules") or []:
                if rule.get("host") and not rule["host"].startswith("*"):
                    hosts.setdefault(rule["host"], addr)
    if not cluster.store.count("Gateway"):
        return hosts  # no Gateway, no route names to publish (and the Gateway routers stay unloaded)
    from .l7 import gateways  # with the listeners of their ListenerSets
    from .routing.httproute import LISTENER_SETS_KEY
    for gw in gateways(cluster):
        sets = {k.split("/", 1)[1] for k in gw.get(LISTENER_SETS_KEY, ())}
        addrs = (gw.get("status") or {}).get("addresses") or []
        addr = next((a["value"] for a in addrs if a.get("type", "IPAddress") == "IPAddress"), None)
        if not addr:
            continue
        for l in gw["spec"].get("listeners") or []:
            if l.get("hostname") and not l["hostname"].startswith("*"):
                hosts.setdefault(l["hostname"], addr)
        # external-dns's gateway-*route sources: a route's hostnames, and for every route kind
        # (TCPRoute and UDPRoute have no hostnames) its external-dns.alpha.kubernetes.io/hostname
        for route in [*cluster.store.items("HTTPRoute"), *cluster.store.items("GRPCRoute"),
                      *cluster.store.items("TLSRoute"), *cluster.store.items("TCPRoute"), *cluster.store.items("UDPRoute")]:
            parents = ((route.get("status") or {}).get("parents") or [])
            if any((p.get("parentRef", {}).get("name") == gw["metadata"]["name"]
                    or (p.get("parentRef", {}).get("kind") == "ListenerSet" and p["parentRef"].get("name") in sets)) and
                   any(c["type"] == "Accepted" and c["status"] == "True" for c in p.get("conditions") or [])
                   for p in parents):
                ann = str(((route.get("metadata") or {}).get("annotations") or {}).get(EXTERNAL_DNS_HOSTNAME, ""))
                for h in [*(route["spec"].get("hostnames") or []), *(a.strip() for a in ann.split(",") if a.strip())]:
                    if not h.startswith("*"):
                        hosts.setdefault(h, addr)
    return hosts


#: external-dns's annotation naming the DNS names of a Service, Ingress or route.
EXTERNAL_DNS_HOSTNAME = "external-dns.alpha.kubernetes.io/hostname"


def lb_hostname_address(cluster, obj: dict, hostname: str) -> str:
    """What public DNS answers for an AWS load balancer's name: a public address, or a private
    one of the VPC for an internal load balancer (a Service's or an Ingress's ALB)."""
    from .controllers import awslbc
    from .controllers.service import hostname_address
    if obj.get("kind") == "Ingress":
        internal = awslbc.ingress_scheme(obj) == "internal"
    else:
        from .loadbalancers import is_internal
        internal = is_internal(cluster, obj)
    return hostname_address(hostname, internal)


def _aws_lb_ip(hostname: str) -> str:
    from .controllers.service import hostname_address
    return hostname_address(hostname)


def _first_address(ingress: list[dict], hosts: dict[str, str]) -> str | None:
    for i in ingress:
        if i.get("ip"):
            return i["ip"]
        if i.get("hostname"):
            return hosts.get(i["hostname"]) or _aws_lb_ip(i["hostname"])
    return None


class _Cache:
    """What the cluster's DNS derives from one state of its objects: the Zone, and each
    pod's resolv.conf (by ``"ns/name"``).  Any write bumps ``store.version`` and
    ``add_external_host`` changes the host list, so a cache for another ``key`` is stale."""

    __slots__ = ("key", "zone", "resolv_confs")

    def __init__(self, key: tuple, zone: dns.Zone):
        self.key, self.zone = key, zone
        self.resolv_confs: dict[str, dns.ResolvConf] = {}


def _cache(cluster) -> _Cache:
    # The declared hosts are part of the key itself (a handful of items): replacing one
    # host's address must rebuild the upstream resolver too.
    key = (cluster.store.version, tuple(cluster.external_hosts.items()))
    cached = getattr(cluster, "_dns_cache", None)
    if cached is not None and cached.key == key:
        return cached
    external = {**published_hosts(cluster), **cluster.external_hosts}
    z = dns.Zone.from_objects(services=list(cluster.store.items("Service")),
                              endpointslices=list(cluster.store.items("EndpointSlice")),
                              pods=list(cluster.store.items("Pod")),
                              namespaces=list(cluster.store.items("Namespace")),
                              external_hosts=external,
                              # kubelet --cluster-dns: kubeadm's DNS IP, in the primary family
                              **({"dns_service_ip": cluster.families[0].dns_ip}
                                 if cluster.ip_families[0] != "IPv4" else {}))
    cluster._dns_cache = _Cache(key, z)
    return cluster._dns_cache


def zone(cluster):
    """The CoreDNS zone for the cluster's current objects (cached per store version)."""
    return _cache(cluster).zone


def _pod_resolv_conf(cache: _Cache, cluster, ref: str) -> dns.ResolvConf:
    """The kubelet's resolv.conf for the pod ``ref``, worked out once per cluster state."""
    conf = cache.resolv_confs.get(ref) if isinstance(ref, str) else None
    if conf is None:  # pod_ref raises the user's error for a bad or missing ref
        z = cache.zone
        conf = dns.pod_resolv_conf(pod_ref(cluster, ref), z.cluster_domain, (z.dns_service_ip,))
        cache.resolv_confs[ref] = conf
    return conf


class CoreDNSReplicas:
    """The CoreDNS pods behind kube-system/kube-dns and each one's *cache* plugin.

    Every query a pod sends leaves from a new UDP source port (glibc opens a socket per
    query), so kube-proxy picks a ready kube-dns endpoint for each one at random: each
    replica keeps its own cache, and a pod that replaced another starts with an empty one.
    The cache's settings come from the ``cache`` directive of the Corefile in ConfigMap
    kube-system/coredns; a changed Corefile restarts the caches (the *reload* plugin;
    its 30 s polling delay is not modelled) and one CoreDNS would reject keeps the old one.
    The rest of the Corefile is kubeadm's (``Zone``)."""

    def __init__(self, seed):
        self.rng = random.Random(f"{seed}/coredns-replica")
        self.caches: dict[str, Cache] = {}
        self.corefile: str | None = None
        self.config: CacheConfig = KUBEADM_CACHE
        self._replicas: tuple = (None, [])

    def replicas(self, cluster) -> list[str]:
        """``"kube-system/<pod>"`` of every ready kube-dns endpoint, in name order (worked out
        once per store version: every request through a name asks)."""
        if self._replicas[0] != cluster.store.version:
            self._replicas = (cluster.store.version, self._find_replicas(cluster))
        return self._replicas[1]

    @staticmethod
    def _find_replicas(cluster) -> list[str]:
        out = set()
        for sl in cluster.store.items("EndpointSlice"):
            meta = sl["metadata"]
            if meta.get("namespace") != "kube-system" or \
                    (meta.get("labels") or {}).get("kubernetes.io/service-name") != "kube-dns":
                continue
            for ep in sl.get("endpoints") or []:
                if (ep.get("conditions") or {}).get("ready") and ep.get("targetRef"):
                    out.add(f"kube-system/{ep['targetRef']['name']}")
        return sorted(out)

    def _configure(self, cluster) -> None:
        cm = cluster.store.peek("ConfigMap", "kube-system", "coredns")
        text = ((cm or {}).get("data") or {}).get("Corefile")
        if text is None or text == self.corefile:
            return
        try:
            config = CacheConfig.from_corefile(text)
        except ValueError:
            return  # reload: "Corefile changed but reload failed", the old config keeps running
        self.corefile, self.config = text, config
        self.caches.clear()

    def asker(self, cluster, zone, rng, answered: dict):
        """``ask(fqdn, qtype)`` for ``resolve_with``: one replica per query, its cache, then
        loadbalance's shuffle; ``answered[fqdn]`` records which replica answered."""
        self._configure(cluster)
        replicas = self.replicas(cluster)
        if not replicas:  # nothing behind kube-dns: answer as the zone does (no cache)
            return None
        now = cluster.clock.now

        def ask(fqdn, qtype):
            pod = replicas[self.rng.randrange(len(replicas))] if len(replicas) > 1 else replicas[0]
            cache = self.caches.get(pod)
            if cache is None:
                cache = self.caches[pod] = Cache(self.config)
            answered[fqdn] = pod
            return shuffle_reply(cache.serve(now, fqdn, qtype, lambda: zone.lookup(fqdn, qtype)), rng)
        return ask

    def entries(self, cluster) -> dict[str, list[tuple[str, str, str, int]]]:
        """What each running replica holds now: ``{pod: [(cache, name, type, ttl left)]}``."""
        self._configure(cluster)
        now = cluster.clock.now
        return {pod: (self.caches[pod].entries(now) if pod in self.caches else [])
                for pod in self.replicas(cluster)}


def coredns(cluster) -> CoreDNSReplicas:
    """The cluster's CoreDNS replicas (made on first use)."""
    state = cluster.__dict__.get("_coredns")
    if state is None:
        state = cluster.__dict__["_coredns"] = CoreDNSReplicas(getattr(cluster, "seed", 0))
    return state


def coredns_cache(cluster) -> dict[str, list[tuple[str, str, str, int]]]:
    """What each CoreDNS replica's cache holds at the cluster's current time:
    ``{"kube-system/coredns-...": [("denial"|"success", name, type, seconds left), ...]}``."""
    return coredns(cluster).entries(cluster)


def resolve(cluster, name: str, qtype: str = "A", from_pod: str | None = None):
    """``Cluster.resolve``: the answer CoreDNS gives (through a replica's cache), through the
    pod's search list; from a pod whose resolv.conf names another server, that server's."""
    _check_name(name)  # the name is checked before the type, as always
    return resolve_checked(cluster, name, _check_qtype(qtype), from_pod)


def _check_name(name) -> None:
    if not isinstance(name, str) or not name.strip(".").strip():
        raise UsageError(f"resolve({name!r}): give a DNS name such as 'web' or 'web.default.svc.cluster.local'")


def resolve_checked(cluster, name: str, qtype: str, from_pod: str | None):
    """``resolve`` for a caller that already holds the cluster's lock and gives a canonical
    record type (``"A"``, ``"AAAA"``): the request path's lookup.  Everything the answer
    depends on (replica choice, each replica's cache at the current clock, the shuffle) is
    still asked for each call."""
    _check_name(name)  # a URL's host may still be "."
    cache = _cache(cluster)
    z = cache.zone
    if from_pod is None:
        conf = dns.ResolvConf((z.dns_service_ip,), (), ("ndots:0",))
        name = name if name.endswith(".") else name + "."
    else:
        conf = _pod_resolv_conf(cache, cluster, from_pod)
    answered: dict[str, str] = {}
    ask = coredns(cluster).asker(cluster, z, cluster.dns_rng, answered)
    # answered_by: the replica ask() recorded for the deciding reply's name (filled as it asks)
    return dns.resolve_with(z, name, conf, qtype=qtype, rng=cluster.dns_rng, ask=ask, answered=answered)


#: Record types already checked -> their canonical mnemonic.  ``_check_qtype`` is a function
#: of the text alone (dnspython's table), so each spelling is parsed once per process.
_QTYPES: dict[str, str] = {}


def _check_qtype(qtype: str) -> str:
    """A record type dig knows (its mnemonic, any case, or RFC 3597's ``TYPEnnn``); dig itself
    warns ``;; Warning, ignoring invalid type BOGUS`` and asks for A instead, which would hide
    the mistake here, so the call is refused."""
    known = _QTYPES.get(qtype)
    if known is None:
        known = _QTYPES[qtype] = _parse_qtype(qtype)  # a refused type raises, and is not kept
    return known


def _parse_qtype(qtype: str) -> str:
    import dns.rdatatype
    try:
        canonical = dns.rdatatype.to_text(dns.rdatatype.from_text(qtype))
    except (dns.rdatatype.UnknownRdatatype, ValueError):
        raise UsageError(f"resolve(qtype={qtype!r}): not a DNS record type (dig says \";; Warning, ignoring "
                         f"invalid type {qtype}\"); give one such as 'A', 'AAAA', 'SRV', 'PTR', 'CNAME', 'TXT' "
                         f"or 'TYPE65'") from None
    return qtype if canonical == qtype.upper() else canonical  # TYPE1 is A


def resolv_conf(cluster, ref: str) -> str:
    """``kubectl exec POD -- cat /etc/resolv.conf``."""
    return dns.pod_resolv_conf(pod_ref(cluster, ref), "cluster.local", (zone(cluster).dns_service_ip,)).text()


#: The node's /etc/hosts.  Our choice, as NODE_RESOLV_CONF: a node in a Docker container (kind,
#: minikube's docker driver), whose file Docker writes (moby libnetwork/etchosts defaultContent,
#: then the container's own address and name).
_NODE_HOSTS = ("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\n"
               "ff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n")


def pod_hostname(cluster, pod: dict) -> tuple[str, str]:
    """``(hostname, domain)`` as the kubelet sets them (GeneratePodHostNameAndDomain): the
    hostname is ``spec.hostname`` or the pod's name (at most 63 characters); the domain is
    ``<subdomain>.<ns>.svc.<cluster domain>`` when ``spec.subdomain`` is set.  A host-network
    pod shares the node's UTS namespace: its hostname is the node's."""
    spec, meta = pod["spec"], pod["metadata"]
    if spec.get("hostNetwork"):
        return spec.get("nodeName", ""), ""
    name = (spec.get("hostname") or meta["name"])[:63].rstrip("-.")
    domain = f"{spec['subdomain']}.{meta.get('namespace', 'default')}.svc.{zone(cluster).cluster_domain}" \
        if spec.get("subdomain") else ""
    return name, domain


def etc_hosts(cluster, ref: str) -> str:
    """``kubectl exec POD -- cat /etc/hosts``: the kubelet's managed hosts file
    (pkg/kubelet/kubelet_pods.go managedHostsFileContent; the node's own file after a header
    for host-network pods, nodeHostsFileContent), then ``spec.hostAliases``."""
    pod = pod_ref(cluster, ref)
    spec = pod["spec"]
    if spec.get("hostNetwork"):
        node = cluster.store.peek("Node", "", spec.get("nodeName", "")) or {}
        ip = next((a["address"] for a in (node.get("status") or {}).get("addresses") or []
                   if a["type"] == "InternalIP"), "")
        out = "# Kubernetes-managed hosts file (host network).\n" + _NODE_HOSTS + f"{ip}\t{spec.get('nodeName', '')}\n"
    else:
        name, domain = pod_hostname(cluster, pod)
        out = ("# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
               "fe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n")
        status = pod.get("status") or {}
        ips = [p["ip"] for p in status.get("podIPs") or []] or [status.get("podIP", "")]
        out += "".join(f"{ip}\t{name}.{domain}\t{name}\n" if domain else f"{ip}\t{name}\n" for ip in ips)
    aliases = spec.get("hostAliases") or []
    if aliases:
        out += "\n# Entries added by HostAliases.\n" + "".join(
            f"{a.get('ip', '')}\t{h}\n" for a in aliases for h in a.get("hostnames") or [])
    return out


def pod_env(cluster, ref: str) -> list[tuple[str, str]]:
    """``kubectl exec POD -- env``: the runtime's variables, the container's, the Services'."""
    pod = pod_ref(cluster, ref)
    out = [("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
           ("HOSTNAME", pod_hostname(cluster, pod)[0])]
    for e in pod["spec"]["containers"][0].get("env") or []:
        if "value" in e:
            out.append((e["name"], str(e["value"])))
    services = list(cluster.store.items("Service"))
    out += [tuple(line.split("=", 1)) for line in dns.service_env(pod, services)]
    out.append(("HOME", "/root"))
    return out


def nslookup(cluster, name: str, from_pod: str | None = None) -> tuple[str, int]:
    """busybox ``nslookup NAME`` run in a pod: (output, exit code)."""
    pod = pod_ref(cluster, from_pod) if from_pod is not None else None
    z = zone(cluster)
    # Through the CoreDNS replicas' caches, as resolve(); busybox prints records in the
    # order they came, and the simulator's nslookup has never drawn the shuffle.
    ask = coredns(cluster).asker(cluster, z, None, {})
    out = dns.nslookup(z, name, pod=pod, ask_cluster_dns=ask)
    return out.stdout, out.exit_code
