"""The values DNS hands back: one resource record, one reply, one resolver result.

A ``Record`` is one line of a dig answer section::

    web.default.svc.cluster.local.	30	IN	A	10.96.0.15

``Reply`` is what one DNS server sends for one question (rcode, the answer, authority
and additional sections, the AA flag).  ``DNSResult`` is what a pod's resolver ends up
with after walking its search list: the deciding reply plus every name it asked.

All three are frozen; the lists they show (``DNSResult.answers``, ``DNSResult.tried``)
are fresh copies each time.
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Record", "Reply", "DNSResult", "RCODES", "columns"]

#: The response codes k8snet's DNS produces (RFC 1035 section 4.1.1 names).
RCODES = ("NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED")


@dataclass(frozen=True, slots=True)
class Record:
    """One resource record: owner ``name`` (absolute, ends in ``.``), ``type`` (``"A"``,
    ``"SRV"`` ...), ``ttl`` in seconds and ``value``, the RDATA in presentation format:
    the IP for A/AAAA, the target for CNAME/PTR/NS, ``"priority weight port target"`` for
    SRV, ``"mname rname serial refresh retry expire minimum"`` for SOA, ``'"text"'`` for TXT.
    """

    name: str
    type: str
    ttl: int
    value: str

    def text(self) -> str:
        """The record as dig prints it: TTL, class, type and data at columns 24, 32, 40, 48."""
        return columns((self.name, str(self.ttl), "IN", self.type, self.value), (24, 32, 40, 48))

    def triple(self) -> tuple[str, str, str]:
        """``(name, type, value)``, the shape of ``DNSResult.answers`` entries."""
        return (self.name, self.type, self.value)


@dataclass(frozen=True, slots=True)
class Reply:
    """One server's answer to one question (``qname``, ``qtype``).

    ``authoritative`` is the AA bit: CoreDNS's kubernetes plugin sets it on everything
    it answers for its zones; answers forwarded upstream come back without it.
    ``recursion_available`` is the RA bit: CoreDNS's own answers do not set it (dig warns
    "recursion requested but not available"), the upstream resolver's do.
    """

    qname: str
    qtype: str
    rcode: str
    answer: tuple[Record, ...] = ()
    authority: tuple[Record, ...] = ()
    additional: tuple[Record, ...] = ()
    authoritative: bool = True
    recursion_available: bool = False

    @property
    def nodata(self) -> bool:
        """NOERROR with an empty answer section (RFC 2308 "NODATA")."""
        return self.rcode == "NOERROR" and not self.answer


def columns(fields: tuple[str, ...], stops: tuple[int, ...]) -> str:
    """bind9 lib/dns/masterdump.c ``indent()``: each field after the first starts at its tab
    stop (8-column tabs), or after one space when the text already reaches past it."""
    out = fields[0]
    for text, stop in zip(fields[1:], stops):
        col = len(out.expandtabs(8))
        out += " " if col >= stop else "\t" * (stop // 8 - col // 8)
        out += text
    return out


@dataclass(frozen=True, slots=True)
class DNSResult:
    """What a resolver got for a name: the contract's ``resolve()`` result.

    - ``rcode``: ``"NOERROR"`` or ``"NXDOMAIN"`` (``"REFUSED"``/``"SERVFAIL"`` in the rare
      cases CoreDNS sends those);
    - ``answers``: list of ``(name, type, value)`` with absolute names;
    - ``tried``: the absolute names queried, in order;
    - ``records``: the answer section with TTLs (``Record``);
    - ``authority``/``additional``: the other sections of the deciding reply;
    - ``qname``/``qtype``: the question of the deciding reply;
    - ``server``: the nameserver the resolver asked (its resolv.conf's first): the cluster
      DNS Service (10.96.0.10) or, for ``dnsPolicy: Default`` and host-network pods, the
      node's resolver; ``""`` when not known;
    - ``answered_by``: the CoreDNS pod (``"kube-system/coredns-..."``) that sent the
      deciding reply, ``""`` when CoreDNS was not asked.
    """

    rcode: str
    qname: str
    qtype: str
    records: tuple[Record, ...] = ()
    queried: tuple[str, ...] = ()
    authority: tuple[Record, ...] = ()
    additional: tuple[Record, ...] = ()
    authoritative: bool = True
    recursion_available: bool = False
    server: str = ""
    answered_by: str = ""

    @property
    def answers(self) -> list[tuple[str, str, str]]:
        """The answer section as ``(name, type, value)`` triples (a fresh list)."""
        return [r.triple() for r in self.records]

    @property
    def tried(self) -> list[str]:
        """Every absolute name the resolver asked, in order (a fresh list)."""
        return list(self.queried)

    @classmethod
    def from_reply(cls, reply: Reply, tried: tuple[str, ...] | list[str] = (),
                   rcode: str | None = None, server: str = "", answered_by: str = "") -> "DNSResult":
        """A result carrying ``reply``'s sections; ``rcode`` overrides the reply's own
        (the resolver reports NODATA from an earlier search name, see resolvconf.py);
        ``server`` is the nameserver asked, ``answered_by`` the CoreDNS pod that replied."""
        return cls(rcode=rcode or reply.rcode, qname=reply.qname, qtype=reply.qtype,
                   records=reply.answer, queried=tuple(tried) or (reply.qname,),
                   authority=reply.authority, additional=reply.additional,
                   authoritative=reply.authoritative,
                   recursion_available=reply.recursion_available, server=server,
                   answered_by=answered_by)

    def dig(self) -> str:
        """What ``dig +noedns`` prints for the deciding reply, from ";; Got answer:" to the last
        section (bind9 bin/dig/dighost.c and lib/dns/message.c): the header line with the
        opcode, status and query id, the flags line with the section counts, then the sections.
        The id is drawn by dig at random; here it is derived from the question, so the same
        query prints the same id."""
        import hashlib
        qid = int.from_bytes(hashlib.sha256(f"{self.qname}/{self.qtype}".encode()).digest()[:2], "big")
        # QR is set in every reply, RD was set by dig and is echoed; AA and RA as the server set them.
        flags = " ".join(["qr"] + (["aa"] if self.authoritative else []) + ["rd"]
                         + (["ra"] if self.recursion_available else []))
        lines = [";; Got answer:", f";; ->>HEADER<<- opcode: QUERY, status: {self.rcode}, id: {qid}",
                 f";; flags: {flags}; QUERY: 1, ANSWER: {len(self.records)}, AUTHORITY: {len(self.authority)}, "
                 f"ADDITIONAL: {len(self.additional)}", "", ";; QUESTION SECTION:",
                 columns((f";{self.qname}", "IN", self.qtype), (32, 40)), ""]
        for title, records in (("ANSWER", self.records), ("AUTHORITY", self.authority),
                               ("ADDITIONAL", self.additional)):
            if records:
                lines.append(f";; {title} SECTION:")
                lines.extend(r.text() for r in records)
                lines.append("")
        return "\n".join(lines)
