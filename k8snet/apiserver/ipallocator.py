"""ClusterIP allocation, as the API server does it on Service create.

Upstream (pkg/registry/core/service/ipallocator): the service CIDR is split in two; dynamic
allocations come from the upper part first (KEP-3070, "reserved" lower band for static IPs),
and an asked-for ``clusterIP`` is honoured if free and inside the range.  The first address
(10.96.0.1) belongs to ``default/kubernetes`` and the tenth (10.96.0.10) is kube-dns by kubeadm's
convention.  Dynamic choices come from the cluster's seeded random generator, so the same seed
gives the same IPs.
"""
from __future__ import annotations

import ipaddress
import random

from ..errors import FieldError

__all__ = ["IPAllocator"]


class IPAllocator:
    """Hands out ClusterIPs from one CIDR (default 10.96.0.0/12; a dual-stack API server has one
    allocator per family)."""

    def __init__(self, cidr: str, rng: random.Random):
        self.net = ipaddress.ip_network(cidr)
        self.rng = rng
        self.used: set[int] = set()
        # No network address; no broadcast address either, for IPv4 only (ipallocator.go:
        # "Don't use the IPv4 network's broadcast address").
        size = self.net.num_addresses - (2 if self.net.version == 4 else 1)
        # KEP-3070: the lower band (min(max(16, size/16), 256) addresses) is preferred for static IPs.
        self.reserved = min(max(16, size // 16), 256)
        self.base = int(self.net.network_address) + 1
        self.size = size

    def contains(self, ip: str) -> bool:
        try:
            addr = ipaddress.ip_address(ip)
        except ValueError:
            return False
        return addr in self.net and addr != self.net.network_address and (
            addr != self.net.broadcast_address or self.net.version == 6)

    def check(self, ip: str, cluster_ips: list[str]) -> FieldError | None:
        """The API server's complaint about an asked-for IP, or None when it can be had.

        Worded as pkg/registry/core/service/storage/alloc.go: the field is
        ``spec.clusterIPs`` and the bad value the whole list."""
        if not self.contains(ip):
            why = (f"the provided IP ({ip}) is not in the valid range. "
                   f"The range of valid IPs is {self.net}")
        elif int(ipaddress.ip_address(ip)) in self.used:
            why = "provided IP is already allocated"
        else:
            return None
        return FieldError.invalid("spec.clusterIPs", list(cluster_ips), f"failed to allocate IP {ip}: {why}")

    def allocate(self, ip: str) -> None:
        self.used.add(int(ipaddress.ip_address(ip)))

    def allocate_next(self) -> str:
        """A free IP from the upper band, chosen at random (seeded), as the allocator does."""
        upper = self.size - self.reserved
        for _ in range(64):
            offset = self.reserved + self.rng.randrange(upper)
            if self.base + offset not in self.used:
                break
        else:  # crowded: scan from a random start
            start = self.rng.randrange(self.size)
            for i in range(self.size):
                offset = (start + i) % self.size
                if self.base + offset not in self.used:
                    break
            else:
                raise RuntimeError(f"range is full: {self.net}")
        self.used.add(self.base + offset)
        return str(ipaddress.ip_address(self.base + offset))

    def release(self, ip: str | None) -> None:
        if ip and ip != "None":
            self.used.discard(int(ipaddress.ip_address(ip)))
