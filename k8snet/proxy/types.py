"""kube-proxy's shared model: the records every backend renders.

Upstream: ``pkg/proxy/types.go`` (``ServicePortName``), ``pkg/proxy/serviceport.go``
(``BaseServicePortInfo``) and ``pkg/proxy/endpoint.go`` (``BaseEndpointInfo``).  One
``ServicePortInfo`` exists per (Service, port); one ``EndpointInfo`` per (endpoint address,
slice port).  Both are frozen: a change to a Service or a slice builds new records, and the
change trackers compare old and new to know which Services to re-render.
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ServicePortName", "ServicePortInfo", "EndpointInfo", "ProxyConfig",
           "SESSION_AFFINITY_CLIENT_IP", "DEFAULT_STICKY_SECONDS", "LARGE_CLUSTER_THRESHOLD"]

#: ``v1.ServiceAffinityClientIP``.
SESSION_AFFINITY_CLIENT_IP = "ClientIP"
#: ``v1.DefaultClientIPServiceAffinitySeconds`` (3 hours), the API server's default.
DEFAULT_STICKY_SECONDS = 10800
#: ``largeClusterEndpointsThreshold`` in pkg/proxy/iptables/proxier.go: above this many
#: endpoints kube-proxy drops the per-endpoint comments to keep iptables-restore fast.
LARGE_CLUSTER_THRESHOLD = 1000


@dataclass(frozen=True, slots=True, order=True)
class ServicePortName:
    """One port of one Service: the key of kube-proxy's ServicePortMap and EndpointsMap.

    ``str()`` is upstream's ``ServicePortName.String()``: ``ns/name:port`` (just ``ns/name``
    for an unnamed port).  The protocol is part of the key but not of the string.
    """

    namespace: str
    name: str
    port_name: str = ""
    protocol: str = "TCP"

    def __str__(self) -> str:
        # fmtPortName(): an unnamed port adds nothing.
        suffix = f":{self.port_name}" if self.port_name else ""
        return f"{self.namespace}/{self.name}{suffix}"

    @property
    def namespaced_name(self) -> tuple[str, str]:
        """The Service's ``(namespace, name)``, upstream's ``NamespacedName``."""
        return (self.namespace, self.name)


@dataclass(frozen=True, slots=True)
class ServicePortInfo:
    """What kube-proxy keeps of one Service port (upstream ``BaseServicePortInfo``)."""

    name: ServicePortName
    cluster_ip: str
    port: int
    protocol: str = "TCP"
    node_port: int = 0
    load_balancer_vips: tuple[str, ...] = ()
    load_balancer_source_ranges: tuple[str, ...] = ()
    external_ips: tuple[str, ...] = ()
    session_affinity: str = "None"
    sticky_max_age_seconds: int = 0
    external_policy_local: bool = False
    internal_policy_local: bool = False
    health_check_node_port: int = 0
    service_type: str = "ClusterIP"

    def externally_accessible(self) -> bool:
        """``ExternallyAccessible()``: reachable by NodePort, LoadBalancer or external IP."""
        return bool(self.node_port or self.load_balancer_vips or self.external_ips)

    def uses_cluster_endpoints(self) -> bool:
        """``UsesClusterEndpoints()``: internal traffic follows ``Cluster``, or the port takes
        external traffic at all (even with ``externalTrafficPolicy: Local`` kube-proxy needs the
        Cluster endpoints to short-circuit pod and node traffic to an external address)."""
        return (not self.internal_policy_local) or self.externally_accessible()

    def uses_local_endpoints(self) -> bool:
        """``UsesLocalEndpoints()``: some traffic follows the ``Local`` policy."""
        return self.internal_policy_local or (
            self.externally_accessible() and self.external_policy_local)

    @property
    def client_ip_affinity(self) -> bool:
        """True for ``sessionAffinity: ClientIP``."""
        return self.session_affinity == SESSION_AFFINITY_CLIENT_IP


@dataclass(frozen=True, slots=True)
class EndpointInfo:
    """One endpoint address for one Service port (upstream ``BaseEndpointInfo``).

    ``ready``/``serving``/``terminating`` are the EndpointSlice conditions after upstream's
    defaulting (a missing ``ready`` or ``serving`` means true, a missing ``terminating``
    false); ``is_local`` is true when ``nodeName`` is the node kube-proxy runs on.
    """

    ip: str
    port: int
    ready: bool = True
    serving: bool = True
    terminating: bool = False
    node_name: str = ""
    hostname: str = ""
    zone: str = ""
    is_local: bool = False
    zone_hints: tuple[str, ...] = ()
    #: ``hints.forNodes`` names (written for ``trafficDistribution: PreferSameNode``).
    node_hints: tuple[str, ...] = ()

    def __str__(self) -> str:
        # BaseEndpointInfo.String(): net.JoinHostPort(ip, port), so IPv6 is bracketed.
        return f"[{self.ip}]:{self.port}" if ":" in self.ip else f"{self.ip}:{self.port}"


@dataclass(frozen=True, slots=True)
class ProxyConfig:
    """The kube-proxy flags this simulation honours, with upstream's defaults.

    ``cluster_cidr`` drives ``--detect-local-mode=ClusterCIDR`` (the ``! -s 10.244.0.0/16``
    masquerade rule); ``masquerade_bit`` is ``--iptables-masquerade-bit`` (14 → ``0x4000``).
    """

    node_name: str
    cluster_cidr: str = "10.244.0.0/16"
    service_cidrs: tuple[str, ...] = ("10.96.0.0/12",)
    masquerade_bit: int = 14
    mode: str = "iptables"
    ipvs_scheduler: str = "rr"
    masquerade_all: bool = False
    #: The IP family this proxier serves: kube-proxy runs one proxier per family of a
    #: dual-stack node (``NewDualStackProxier``), each seeing only its family's addresses.
    family: str = "IPv4"
    #: ``iptables.localhostNodePorts`` (default true): NodePorts also answer on 127.0.0.1.
    localhost_nodeports: bool = True
    #: Whether the node's kernel has nfacct (kube-proxy then adds its counting matches).
    nfacct: bool = True

    @property
    def mark_value(self) -> int:
        """The masquerade mark as a number: ``1 << masquerade_bit``."""
        return 1 << self.masquerade_bit

    @property
    def masquerade_mark(self) -> str:
        """The mark string kube-proxy writes: Go's ``fmt.Sprintf("%#08x", 1<<bit)``.

        Go zero-pads the *digits* to the width, so bit 14 gives ``0x00004000`` (the value
        kube-proxy logs as "Using iptables mark for masquerade").  iptables-save prints it
        back as ``0x4000``; nft prints ``0x00004000``.
        """
        return "0x" + format(self.mark_value, "x").rjust(8, "0")
