"""The cluster's IP families: ``Cluster(ip_families=...)``, as kind and kubeadm set them up.

A cluster is IPv4 (the default), IPv6, or dual-stack (``("IPv4", "IPv6")`` or
``("IPv6", "IPv4")``; the first family is the *primary* one).  Each family has, as kind's
defaults give them (``pkg/apis/config/v1alpha4/default.go``, ``networking.ipFamily``):

=========  ============================  ===========================  =====================
family     pod CIDR (per node)           Service CIDR                 node network
=========  ============================  ===========================  =====================
IPv4       10.244.0.0/16 (/24 per node)  10.96.0.0/12 (kubeadm's)     172.18.0.0/16
IPv6       fd00:10:244::/56 (/64)        fd00:10:96::/112             fc00:f853:ccd:e793::/64
=========  ============================  ===========================  =====================

kube-controller-manager's node-ipam hands every node one range per family
(``--node-cidr-mask-size-ipv4=24``, ``--node-cidr-mask-size-ipv6=64``); ``spec.podCIDRs``
lists them primary first and ``spec.podCIDR`` is the first.  The API server's
``--service-cluster-ip-range`` lists one CIDR per family, primary first: the Service
``default/kubernetes`` takes the primary family's first address (10.96.0.1 or
fd00:10:96::1) and kubeadm gives ``kube-dns`` the tenth (10.96.0.10 or fd00:10:96::a);
both stay single-stack in the primary family, as kubeadm and the API server create them.
"""
from __future__ import annotations

import functools
import ipaddress
from dataclasses import dataclass

from .errors import UsageError

__all__ = ["IPV4", "IPV6", "FAMILIES", "Family", "family_of", "check_ip_families", "cluster_families",
           "join_host_port", "split_host_port"]

IPV4, IPV6 = "IPv4", "IPv6"
FAMILIES = (IPV4, IPV6)

#: kind's defaults per family: pod CIDR, node mask, Service CIDR, node network's first node IP.
_DEFAULTS = {
    IPV4: ("10.244.0.0/16", 24, "10.96.0.0/12", "172.18.0.2", "172.18.0.0/16"),
    IPV6: ("fd00:10:244::/56", 64, "fd00:10:96::/112", "fc00:f853:ccd:e793::2", "fc00:f853:ccd:e793::/64"),
}


@dataclass(frozen=True, slots=True)
class Family:
    """One IP family of the cluster: its ranges and the well-known addresses in them."""

    name: str            #: "IPv4" or "IPv6"
    pod_cidr: str        #: --cluster-cidr for this family
    node_mask: int       #: --node-cidr-mask-size-ipv4 / -ipv6
    service_cidr: str    #: --service-cluster-ip-range for this family
    first_node_ip: str   #: node-1's InternalIP (kind's docker network)
    node_network: str    #: the network the nodes sit on

    @property
    def kubernetes_ip(self) -> str:
        """The first Service IP: ``default/kubernetes``."""
        return str(ipaddress.ip_network(self.service_cidr).network_address + 1)

    @property
    def dns_ip(self) -> str:
        """kubeadm's DNS IP: the tenth Service IP (``10.96.0.10``, ``fd00:10:96::a``)."""
        return str(ipaddress.ip_network(self.service_cidr).network_address + 10)

    def node_ip(self, index: int) -> str:
        """The InternalIP of the node at ``index`` (0 is node-1)."""
        return str(ipaddress.ip_address(self.first_node_ip) + index)

    def node_cidrs(self):
        """node-ipam's ranges for this family, lowest first (an iterator)."""
        return (str(n) for n in ipaddress.ip_network(self.pod_cidr).subnets(new_prefix=self.node_mask))


@functools.lru_cache(maxsize=4096)  # a pure function of the text, asked on every request
def family_of(ip: str) -> str:
    """``IPv6`` for an IPv6 address, else ``IPv4`` (netutils.IsIPv6String)."""
    try:
        return IPV6 if ipaddress.ip_address(ip).version == 6 else IPV4
    except ValueError:
        return IPV4


def join_host_port(ip: str, port) -> str:
    """Go's net.JoinHostPort: ``10.0.0.1:80``, ``[fd00::1]:80``."""
    return f"[{ip}]:{port}" if ":" in ip else f"{ip}:{port}"


def split_host_port(text: str) -> tuple[str, str]:
    """Go's net.SplitHostPort for the two forms :func:`join_host_port` writes."""
    host, _, port = text.rpartition(":")
    return host.removeprefix("[").removesuffix("]"), port


def check_ip_families(ip_families) -> tuple[str, ...]:
    """``ip_families`` as kubeadm accepts ``--service-cluster-ip-range``: one family, or one
    of each (dual-stack); anything else is a UsageError naming what to write."""
    if isinstance(ip_families, str):
        ip_families = (ip_families,)
    shown = '("IPv4",), ("IPv6",), ("IPv4", "IPv6") or ("IPv6", "IPv4")'
    if not isinstance(ip_families, (list, tuple)) or not ip_families:
        raise UsageError(f"ip_families={ip_families!r} is not supported: use {shown}")
    fams = tuple(ip_families)
    for f in fams:
        if f not in FAMILIES:
            raise UsageError(f"ip_families={fams!r} is not supported: {f!r} is not an IP family "
                             f'(use "IPv4" or "IPv6", spelled so): use {shown}')
    if len(fams) > 2 or len(set(fams)) != len(fams):
        # kubeadm (ValidateIPNetFromString): "expected one (IPv4 or IPv6) CIDR or two CIDRs
        # from each family for dual-stack networking"
        raise UsageError(f"ip_families={fams!r} is not supported: expected one (IPv4 or IPv6) family or two "
                         f"from each family for dual-stack networking: use {shown}")
    return fams


def cluster_families(ip_families: tuple[str, ...], pod_cidr: str, node_mask: int) -> tuple[Family, ...]:
    """The ``Family`` records of a cluster, primary first; ``pod_cidr``/``node_mask`` are the
    IPv4 family's (``Cluster(pod_cidr=, node_cidr_mask_size=)``), checked by the caller."""
    out = []
    for name in ip_families:
        p, m, s, first, net = _DEFAULTS[name]
        if name == IPV4:
            p, m = pod_cidr, node_mask
        out.append(Family(name, p, m, s, first, net))
    return tuple(out)
