"""CoreDNS's ``loadbalance`` plugin (on in kubeadm's Corefile): shuffle address records.

For a NOERROR reply each section is reordered (plugin/loadbalance roundRobin): an
all-A (or all-AAAA) section is shuffled as it is; a mixed one is regrouped as
CNAMEs, then other records, then the shuffled A/AAAA records, then shuffled MX records.
So clients that take the first address spread over a headless Service's pods.

CoreDNS draws from ``dns.Id()``; we draw from a seeded ``random.Random`` so the same
seed gives the same order.  Without a generator nothing is shuffled (the order the
kubernetes plugin produced: EndpointSlices by name, endpoints in slice order).
"""
from __future__ import annotations

import random

from .types import Record, Reply

__all__ = ["round_robin", "shuffle_reply"]


def _shuffle(records: list[Record], rng: random.Random) -> None:
    n = len(records)
    if n == 2:
        if rng.randrange(2) == 0:
            records[0], records[1] = records[1], records[0]
        return
    for j in range(n if n > 2 else 0):
        p = j + rng.randrange(n - j)
        records[j], records[p] = records[p], records[j]


def round_robin(section: tuple[Record, ...], rng: random.Random) -> tuple[Record, ...]:
    """roundRobin: one section reordered as the plugin does."""
    if len(section) <= 1:
        return section
    first = section[0].type
    if first in ("A", "AAAA") and all(r.type == first for r in section):
        out = list(section)
        _shuffle(out, rng)
        return tuple(out)
    cname = [r for r in section if r.type == "CNAME"]
    address = [r for r in section if r.type in ("A", "AAAA")]
    mx = [r for r in section if r.type == "MX"]
    rest = [r for r in section if r.type not in ("CNAME", "A", "AAAA", "MX")]
    _shuffle(address, rng)
    _shuffle(mx, rng)
    return tuple(cname + rest + address + mx)


def shuffle_reply(reply: Reply, rng: random.Random | None) -> Reply:
    """The reply as a client sees it after ``loadbalance`` (only NOERROR is touched)."""
    if rng is None or reply.rcode != "NOERROR" or reply.qtype in ("AXFR", "IXFR"):
        return reply
    if len(reply.answer) <= 1 and len(reply.authority) <= 1 and len(reply.additional) <= 1:
        return reply  # nothing to reorder, and round_robin would draw nothing either
    return Reply(qname=reply.qname, qtype=reply.qtype, rcode=reply.rcode,
                 answer=round_robin(reply.answer, rng),
                 authority=round_robin(reply.authority, rng),
                 additional=round_robin(reply.additional, rng),
                 authoritative=reply.authoritative,
                 recursion_available=reply.recursion_available)
