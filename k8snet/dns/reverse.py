"""Reverse names: ``5.1.244.10.in-addr.arpa.`` <-> ``10.244.1.5`` (CoreDNS dnsutil/reverse.go)."""
from __future__ import annotations

import ipaddress

__all__ = ["is_reverse", "address_from_reverse", "reverse_name"]

IP4ARPA = ".in-addr.arpa."
IP6ARPA = ".ip6.arpa."


def is_reverse(name: str) -> bool:
    """dnsutil.IsReverse: is the absolute name under in-addr.arpa. or ip6.arpa.?"""
    return name.endswith(IP4ARPA) or name.endswith(IP6ARPA)


def address_from_reverse(name: str) -> str:
    """dnsutil.ExtractAddressFromReverse: the IP a full reverse name stands for, or ``""``
    (for partial names like ``10.in-addr.arpa.`` and anything malformed)."""
    if name.endswith(IP4ARPA):
        labels = name[: -len(IP4ARPA)].split(".")[::-1]
        try:
            return str(ipaddress.IPv4Address(".".join(labels)))
        except ValueError:
            return ""
    if name.endswith(IP6ARPA):
        nibbles = name[: -len(IP6ARPA)].split(".")[::-1]
        if len(nibbles) != 32 or any(len(n) != 1 for n in nibbles):
            return ""
        groups = ["".join(nibbles[i:i + 4]) for i in range(0, 32, 4)]
        try:
            return str(ipaddress.IPv6Address(":".join(groups)))
        except ValueError:
            return ""
    return ""


def reverse_name(ip: str) -> str:
    """The PTR name for an IP: ``10.244.1.5`` -> ``5.1.244.10.in-addr.arpa.``."""
    return ipaddress.ip_address(ip).reverse_pointer + "."
