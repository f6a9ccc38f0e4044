"""kube-proxy's IPVS backend: virtual servers, the kernel schedulers, ``ipvsadm -Ln``.

Upstream: ``pkg/proxy/ipvs/proxier.go`` (``syncService``/``syncEndpoint``: one virtual server
per ClusterIP, external IP, load-balancer IP and node IP × NodePort; ``sessionAffinity:
ClientIP`` → the ``persistent`` flag with the sticky timeout), and the kernel's
``ip_vs_rr.c``, ``ip_vs_lc.c``, ``ip_vs_sh.c``; the listing format is ipvsadm's
``print_service_entry`` (``"%s  %s %s"`` and ``"  -> %-28s %-7s %-6d %-10u %-10u"``), sorted
the way ipvsadm sorts (protocol, address, port).
"""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from .topology import categorize_endpoints
from .types import EndpointInfo, ProxyConfig, ServicePortInfo

__all__ = ["RealServer", "VirtualServer", "IPVSRuntime", "service_virtual_servers",
           "sort_services", "ipvsadm_ln", "sh_bucket", "IPVS_HEADER", "SCHEDULERS"]

IPVS_HEADER = ("IP Virtual Server version 1.2.1 (size=4096)\n"
               "Prot LocalAddress:Port Scheduler Flags\n"
               "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n")
SCHEDULERS = ("rr", "lc", "sh")
_PROTO_NUM = {"TCP": 6, "UDP": 17, "SCTP": 132}


@dataclass(frozen=True, slots=True)
class RealServer:
    """One ``-> ip:port`` line: an endpoint behind a virtual server."""

    address: str
    port: int
    weight: int = 1
    forward: str = "Masq"
    is_local: bool = False

    def __str__(self) -> str:
        # ipvsadm brackets IPv6 addresses: -> [fd00:10:244:1::5]:80
        return f"[{self.address}]:{self.port}" if ":" in self.address else f"{self.address}:{self.port}"


@dataclass(frozen=True, slots=True)
class VirtualServer:
    """One IPVS virtual service, and the Service port it implements."""

    protocol: str
    address: str
    port: int
    scheduler: str
    real_servers: tuple[RealServer, ...]
    service: str  # "ns/name:port"
    kind: str  # "cluster", "external", "loadbalancer", "nodeport"
    persistent: int = 0  # seconds; 0 = not persistent
    external_policy_local: bool = False

    @property
    def key(self) -> tuple[str, str, int]:
        """``(protocol, address, port)``, how the kernel identifies the service."""
        return (self.protocol, self.address, self.port)

    def line(self) -> str:
        """The service line of ``ipvsadm -Ln``."""
        addr = f"[{self.address}]" if ":" in self.address else self.address
        text = f"{self.protocol}  {addr}:{self.port} {self.scheduler}"
        return text + (f" persistent {self.persistent}" if self.persistent else "")


def service_virtual_servers(svc: ServicePortInfo, endpoints: tuple[EndpointInfo, ...],
                            config: ProxyConfig, node_labels: dict | None = None,
                            node_ip: str = "") -> list[VirtualServer]:
    """The virtual servers kube-proxy (ipvs mode) creates for one Service port."""
    cluster, local, _, _ = categorize_endpoints(endpoints, svc, node_labels, config.node_name)

    def reals(eps) -> tuple[RealServer, ...]:
        return tuple(sorted((RealServer(ep.ip, ep.port, is_local=ep.is_local) for ep in eps),
                            key=lambda r: (int(ipaddress.ip_address(r.address)), r.port)))

    internal = reals(local if svc.internal_policy_local else cluster)
    external = reals(local if svc.external_policy_local else cluster)
    common = dict(protocol=svc.protocol, scheduler=config.ipvs_scheduler, service=str(svc.name),
                  persistent=svc.sticky_max_age_seconds if svc.client_ip_affinity else 0,
                  external_policy_local=svc.external_policy_local)
    out = [VirtualServer(address=svc.cluster_ip, port=svc.port, real_servers=internal,
                         kind="cluster", **common)]
    out += [VirtualServer(address=ip, port=svc.port, real_servers=external, kind="external", **common)
            for ip in svc.external_ips]
    out += [VirtualServer(address=ip, port=svc.port, real_servers=external, kind="loadbalancer", **common)
            for ip in svc.load_balancer_vips]
    if svc.node_port and node_ip:
        # NodePort virtual servers sit on the node's addresses (here: its InternalIP).
        out.append(VirtualServer(address=node_ip, port=svc.node_port, real_servers=external,
                                 kind="nodeport", **common))
    return out


def sort_services(services: list[VirtualServer]) -> list[VirtualServer]:
    """ipvsadm's order: protocol number, then address, then port."""
    return sorted(services, key=lambda v: (_PROTO_NUM.get(v.protocol, 255),
                                           int(ipaddress.ip_address(v.address)), v.port))


def sh_bucket(client_ip: str) -> int:
    """``ip_vs_sh_hashkey`` with port 0: ``hash_32(ntohl(addr), 8)`` (golden-ratio hash)."""
    value = int(ipaddress.ip_address(client_ip))
    if value > 0xFFFFFFFF:  # IPv6: the four 32-bit words folded by XOR first (ip_vs_sh_hashkey)
        value = (value >> 96) ^ (value >> 64) ^ (value >> 32) ^ value
        value &= 0xFFFFFFFF
    return ((value * 0x61C88647) & 0xFFFFFFFF) >> (32 - 8)


class IPVSRuntime:
    """Kernel IPVS state of one node: rr positions, connection counts, persistence."""

    def __init__(self) -> None:
        self.rr_last: dict[tuple, int] = {}
        self.active: dict[tuple, int] = {}
        self.inactive: dict[tuple, int] = {}
        self.templates: dict[tuple, tuple[str, float]] = {}

    def counts(self, vs: VirtualServer, rs: RealServer) -> tuple[int, int]:
        """``(ActiveConn, InActConn)`` for one real server."""
        key = (vs.key, str(rs))
        return self.active.get(key, 0), self.inactive.get(key, 0)

    def schedule(self, vs: VirtualServer, client_ip: str, now: float) -> tuple[RealServer | None, str]:
        """Pick a real server for a new connection from ``client_ip``; returns it and why.

        Persistence (``persistent N``) reuses the client's template while it is younger
        than N seconds; otherwise the scheduler decides: ``rr`` takes the next server after
        the last one used, ``lc`` the one with the least ``active*256 + inactive`` overhead
        (first on ties), ``sh`` the server owning bucket ``hash(client IP)`` of a 256-bucket
        table filled round-robin.  Each pick counts one active connection.
        """
        dests = [rs for rs in vs.real_servers if rs.weight > 0]
        if not dests:
            return None, "no real server"
        how = ""
        chosen = None
        tkey = (vs.key, client_ip)
        if vs.persistent and tkey in self.templates:
            rs_name, expires = self.templates[tkey]
            if now < expires:
                chosen = next((d for d in dests if str(d) == rs_name), None)
                how = f"persistence template for {client_ip} (expires in {int(expires - now)}s)"
            if chosen is None:
                del self.templates[tkey]
        if chosen is None:
            if vs.scheduler == "lc":
                chosen = min(dests, key=lambda d: self.counts(vs, d)[0] * 256 + self.counts(vs, d)[1])
                a, i = self.counts(vs, chosen)
                how = f"lc: least connections (overhead {a * 256 + i})"
            elif vs.scheduler == "sh":
                bucket = sh_bucket(client_ip)
                chosen = dests[bucket % len(dests)]
                how = f"sh: source hash of {client_ip} -> bucket {bucket}"
            else:
                last = self.rr_last.get(vs.key, -1)
                idx = (last + 1) % len(dests)
                self.rr_last[vs.key] = idx
                chosen = dests[idx]
                how = f"rr: next after position {last}" if last >= 0 else "rr: first server"
        if vs.persistent:
            self.templates[tkey] = (str(chosen), now + vs.persistent)
        key = (vs.key, str(chosen))
        self.active[key] = self.active.get(key, 0) + 1
        return chosen, how

    def close(self, vs: VirtualServer, rs: RealServer) -> None:
        """A connection ended: it leaves the active count (the ``lc`` scheduler sees it)."""
        key = (vs.key, str(rs))
        if self.active.get(key, 0) > 0:
            self.active[key] -= 1


def ipvsadm_ln(services: list[VirtualServer], runtime: IPVSRuntime | None = None,
               more: tuple[tuple[list[VirtualServer], IPVSRuntime], ...] = ()) -> str:
    """``ipvsadm -Ln``: header, then each virtual server and its real servers (``more``: the
    other family's servers with their own counters, listed in the same table)."""
    runtime = runtime or IPVSRuntime()
    owner = {id(vs): runtime for vs in services}
    for extra, rt in more:
        owner.update((id(vs), rt) for vs in extra)
        services = list(services) + list(extra)
    lines = [IPVS_HEADER.rstrip("\n")]
    for vs in sort_services(services):
        runtime = owner[id(vs)]
        lines.append(vs.line())
        for rs in vs.real_servers:
            active, inactive = runtime.counts(vs, rs)
            # ipvsadm pads every column, the last one too.
            lines.append(f"  -> {str(rs):<28} {rs.forward:<7} {rs.weight:<6} {active:<10} {inactive:<10}")
    return "\n".join(lines) + "\n"
