"""The checks of ``Cluster(...)``'s arguments, made before anything is built: each refused
value raises a ``UsageError`` that names it and the fix (the pod network is checked as kubeadm
checks ``--pod-network-cidr`` and kube-controller-manager ``--node-cidr-mask-size``).
"""
from __future__ import annotations

from typing import Any, Iterable

from . import bootstrap
from .errors import UsageError, require

__all__ = ["choice", "pod_network", "check_arguments", "names", "zones"]


def choice(name: str, value: Any, allowed: Iterable) -> None:
    """A UsageError unless ``value`` is one of ``allowed`` (the message lists them)."""
    allowed = tuple(allowed)
    if value not in allowed:
        shown = ", ".join(repr(a) for a in allowed)
        raise UsageError(f"{name}={value!r} is not supported: use one of {shown}")


def pod_network(pod_cidr, mask: int, nodes: int) -> str:
    """Check ``pod_cidr`` (kubeadm's --pod-network-cidr) and ``mask`` (kube-controller-manager's
    --node-cidr-mask-size) as kubeadm does, and that every node gets a range; the CIDR, normalized."""
    import ipaddress
    try:
        if "/" not in str(pod_cidr):
            raise ValueError(pod_cidr)
        net = ipaddress.IPv4Network(str(pod_cidr), strict=False)
    except ValueError:
        raise UsageError(f"pod_cidr={pod_cidr!r} is not supported: give an IPv4 CIDR such as \"10.244.0.0/16\"") from None
    if not isinstance(mask, int) or isinstance(mask, bool) or not 0 <= mask <= 30:
        raise UsageError(f"node_cidr_mask_size={mask!r} is not supported: use a whole number from {net.prefixlen} "
                         "to 30 (a /30 holds one pod next to the gateway)")
    if mask < net.prefixlen:
        raise UsageError(f"node_cidr_mask_size={mask} is not supported: the size of pod subnet with mask "
                         f"{net.prefixlen} is smaller than the size of node subnet with mask {mask}")
    if mask - net.prefixlen > 16:
        raise UsageError(f"node_cidr_mask_size={mask} is not supported: pod subnet mask ({net.prefixlen}) and "
                         f"node-mask-size ({mask}) difference is greater than 16")
    for other, what in ((bootstrap.SERVICE_CIDR, "the Service CIDR"), ("172.18.0.0/16", "the node network")):
        if net.overlaps(ipaddress.IPv4Network(other)):
            raise UsageError(f"pod_cidr={pod_cidr!r} is not supported: it overlaps {what} {other}")
    ranges = 2 ** (mask - net.prefixlen)
    if nodes > ranges:
        # node-ipam hands each node one range; with none left a node gets no podCIDR
        # ("CIDRNotAvailable") and its pods never get an IP, so the cluster is refused here.
        more = f"; give a larger pod_cidr= or node_cidr_mask_size={mask + 1} ({ranges * 2} ranges)" if mask < 30 else ""
        raise UsageError(f"nodes={nodes} is not supported: the pod CIDR {net} holds {ranges} node ranges of "
                         f"/{mask}{more}")
    return str(net)


def check_arguments(nodes, addons, seed) -> None:
    """The types ``Cluster(...)`` takes, refused with a UsageError before anything is built
    (node names are Node object names: DNS-1123 subdomains, as the API server checks them)."""
    require("Cluster()", "nodes", nodes, (int, list, tuple), "a count or a list of node names")
    if isinstance(nodes, (list, tuple)):
        from .apiserver.validation.common import name_is_dns_subdomain
        for n in nodes:
            require("Cluster()", "each node name", n, (str,), "text")
            bad = name_is_dns_subdomain(n)
            if bad:
                raise UsageError(f'Cluster(): node name "{n}" is invalid: {bad[0]}')
    require("Cluster()", "addons", addons, (list, tuple, set, frozenset), "a list of addon names")
    for a in addons:
        require("Cluster()", "each addon", a, (str,), "an addon name")
    require("Cluster()", "seed", seed, (int, str), "a whole number")


def names(call: str, arg: str, value):
    """A namespace filter as the public methods take it: None (every namespace), one name,
    or a list of names."""
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    require(call, arg, value, (list, tuple, set, frozenset), "a namespace name or a list of them")
    for name in value:
        require(call, f"{arg}[]", name, (str,), "a namespace name")
    return list(value)


def zones(value, names: list[str]) -> dict[str, str]:
    """``zones=`` as node name -> zone: a list holds one zone per node in order (None for a node
    without one), a dict names the nodes; each zone must be a label value, as the API server
    checks ``topology.kubernetes.io/zone``."""
    if value is None:
        return {}
    require("Cluster()", "zones", value, (list, tuple, dict), "a list with one zone per node, or a dict node -> zone")
    if isinstance(value, dict):
        unknown = sorted(str(n) for n in value if n not in names)
        if unknown:
            raise UsageError(f"Cluster(): zones names node {unknown[0]!r}, which is not one of the nodes {names}")
        pairs = list(value.items())
    else:
        if len(value) != len(names):
            raise UsageError(f"Cluster(): zones has {len(value)} entries for {len(names)} nodes: give one zone per "
                             "node (None for a node without a zone), or a dict node -> zone")
        pairs = list(zip(names, value))
    from .apiserver.validation.common import is_valid_label_value
    out = {}
    for name, zone in pairs:
        if zone is None:
            continue
        require("Cluster()", "each zone", zone, (str,), "a zone name such as 'zone-a'")
        bad = is_valid_label_value(zone)
        if bad or not zone:
            why = bad[0] if bad else "a zone name must not be empty"
            raise UsageError(f'Cluster(): zone "{zone}" of node {name} is invalid: {why}')
        out[name] = zone
    return out
