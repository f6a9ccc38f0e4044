"""The simulated internet's DNS, as CoreDNS's ``forward . /etc/resolv.conf`` reaches it.

kubeadm's Corefile sends every name outside ``cluster.local`` (and reverse names the
kubernetes plugin cannot answer: ``fallthrough in-addr.arpa ip6.arpa``) to the node's
resolver.  Here that resolver knows exactly the hosts declared with
``Cluster.add_external_host(name, address)``:

* a declared name answers its address(es) for A (AAAA: the address if it is IPv6);
* a declared name asked for another type, or a name that only has declared names below
  it (``com.`` when ``example.com`` exists: an "empty non-terminal"), is NODATA;
* everything else is NXDOMAIN, including every reverse (PTR) name.

Answers are recursive, not authoritative (no AA bit, RA set).  Address records carry TTL 30.
Negative answers (NXDOMAIN, NODATA) carry the SOA of the closest enclosing zone in their
authority section, as every recursive resolver relays it (RFC 2308 section 3), with the SOA's
TTL lowered to its MINIMUM (the negative TTL, section 5).  The zones of the simulated internet
are the root, each TLD and each registered domain (last two labels) of a declared name:

* ``.``: the root's SOA (``a.root-servers.net. nstld.verisign-grs.com.``, minimum 86400);
* a TLD such as ``com.``: a gTLD-style SOA (``a.gtld-servers.net.``, minimum 900);
* a registered domain such as ``example.com.``: ``ns1.<domain> hostmaster.<domain>``,
  minimum 3600 (example.com's own value).

That SOA is what lets CoreDNS's ``cache 30`` keep an NXDOMAIN (cache.go ``key``: "Negative
caching requires an SOA record"), capped at 30 s.
"""
from __future__ import annotations

import ipaddress
from typing import Iterable, Mapping

from .types import Record, Reply

__all__ = ["Upstream", "UPSTREAM_TTL"]

#: The TTL of the simulated internet's address records.
UPSTREAM_TTL = 30
#: The SOA serial of every simulated zone (2025-01-01, the simulated clock's epoch).
_SERIAL = 2025010100


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
            return Reply(qname=owner, qtype=qtype, rcode="NXDOMAIN", authority=(self.soa(name),),
                         authoritative=False, recursion_available=True)
        answer = []
        for address in self._hosts.get(name, ()):
            family = ipaddress.ip_address(address).version
            if (qtype, family) in (("A", 4), ("AAAA", 6)):
                answer.append(Record(owner, qtype, UPSTREAM_TTL, address))
        return Reply(qname=owner, qtype=qtype, rcode="NOERROR", answer=tuple(answer),
                     authority=() if answer else (self.soa(name),),
                     authoritative=False, recursion_available=True)

    def soa(self, name: str) -> Record:
        """The SOA of the closest zone enclosing ``name`` (absolute, lower case), its TTL
        the negative TTL a resolver relays."""
        labels = name.rstrip(".").split(".") if name != "." else []
        zones = {h.rstrip(".").split(".")[-1] + "." for h in self._hosts}
        zones |= {".".join(h.rstrip(".").split(".")[-2:]) + "." for h in self._hosts if h.count(".") >= 2}
        for depth in (2, 1):
            zone = ".".join(labels[-depth:]) + "." if len(labels) >= depth else None
            if zone in zones:
                if depth == 1:
                    return Record(zone, "SOA", 900, f"a.gtld-servers.net. nstld.verisign-grs.com. {_SERIAL} "
                                                      "1800 900 604800 900")
                return Record(zone, "SOA", 3600, f"ns1.{zone} hostmaster.{zone} {_SERIAL} 7200 3600 1209600 3600")
        return Record(".", "SOA", 86400, f"a.root-servers.net. nstld.verisign-grs.com. {_SERIAL} 1800 900 604800 86400")
