"""The simulated internet's DNS, as CoreDNS's ``forward . /etc/resolv.conf`` reaches it.

kubeadm's Corefile sends every name outside ``cluster.local`` (and reverse names the
kubernetes plugin cannot answer: ``fallthrough in-addr.arpa ip6.arpa``) to the node's
resolver.  Here that resolver knows exactly the hosts declared with
``Cluster.add_external_host(name, address)``:

* a declared name answers its address(es) for A (AAAA: the address if it is IPv6);
* a declared name asked for another type, or a name that only has declared names below
  it (``com.`` when ``example.com`` exists: an "empty non-terminal"), is NODATA;
* everything else is NXDOMAIN, including every reverse (PTR) name.

Answers are recursive, not authoritative (no AA bit, RA set).  Their TTL is 30: kubeadm's
Corefile runs ``cache 30``, which caps the TTL of every cached answer at 30 seconds.
"""
from __future__ import annotations

import ipaddress
from typing import Iterable, Mapping

from .types import Record, Reply

__all__ = ["Upstream", "UPSTREAM_TTL"]

#: The TTL clients see on forwarded answers (``cache 30`` caps them at 30 s).
UPSTREAM_TTL = 30


def _absolute(name: str) -> str:
    name = name.strip().lower()
    return name if name.endswith(".") else name + "."


class Upstream:
    """The resolver behind ``forward .``: the hosts of the simulated internet."""

    __slots__ = ("_hosts",)

    def __init__(self, external_hosts: Mapping[str, str | Iterable[str]] | None = None):
        hosts: dict[str, tuple[str, ...]] = {}
        for name, addresses in sorted((external_hosts or {}).items()):
            if isinstance(addresses, str):
                addresses = (addresses,)
            hosts[_absolute(name)] = tuple(str(a) for a in addresses)
        self._hosts = hosts

    def hosts(self) -> dict[str, tuple[str, ...]]:
        """The declared names (absolute, lower case) and their addresses."""
        return dict(self._hosts)

    def _exists(self, name: str) -> bool:
        if name in self._hosts or name == ".":
            return True
        return any(h.endswith("." + name) for h in self._hosts)

    def query(self, qname: str, qtype: str) -> Reply:
        """Answer one question as a recursive resolver would."""
        owner = qname if qname.endswith(".") else qname + "."
        name = owner.lower()
        if not self._exists(name):
            return Reply(qname=owner, qtype=qtype, rcode="NXDOMAIN",
                         authoritative=False, recursion_available=True)
        answer = []
        for address in self._hosts.get(name, ()):
            family = ipaddress.ip_address(address).version
            if (qtype, family) in (("A", 4), ("AAAA", 6)):
                answer.append(Record(owner, qtype, UPSTREAM_TTL, address))
        return Reply(qname=owner, qtype=qtype, rcode="NOERROR", answer=tuple(answer),
                     authoritative=False, recursion_available=True)
