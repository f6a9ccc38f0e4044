"""What ``kubectl exec POD -- nslookup NAME`` prints, with busybox's nslookup.

Current busybox (networking/nslookup.c, the FEATURE_NSLOOKUP_BIG build every busybox
image ships) does not use the C library's resolver.  It reads /etc/resolv.conf itself:

* a name that looks like an IP becomes one PTR query (``5.1.244.10.in-addr.arpa``);
* otherwise it sends an A and an AAAA query.  If the name has **no dot at all** and
  resolv.conf has a ``search`` line, it asks ``name.<domain>`` for *every* search domain
  (and never the bare name); a name with a dot is asked exactly as written, with no
  search at all (so ``nslookup web.prod`` fails where ``curl web.prod`` works);
* it prints ``Server:``/``Address:`` once, then for each reply, in order:
  ``** server can't find NAME: NXDOMAIN`` for an error, else ``Non-authoritative answer:``
  when the AA bit is clear followed by the records, then an empty line (also for an empty
  NODATA reply);
* exit status 1 if any reply was an error (kubectl then says
  ``command terminated with exit code 1`` on stderr).

busybox sends all queries at once and prints replies as they arrive; we print them in
the order they were sent (all A queries, then all AAAA queries), which is what a fast
local CoreDNS usually produces.
"""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Mapping

from .resolvconf import NODE_RESOLV_CONF, ResolvConf, pod_resolv_conf
from .reverse import reverse_name
from .types import Reply

__all__ = ["NslookupOutput", "nslookup", "QUERY_TYPES"]

#: busybox's qtypes[] table, in its order (``-type=`` accepts these, any case).
QUERY_TYPES = ("SOA", "NS", "A", "AAAA", "CNAME", "MX", "TXT", "SRV", "PTR", "ANY")


@dataclass(frozen=True, slots=True)
class NslookupOutput:
    """``stdout`` as printed, and the ``exit_code`` busybox returns."""

    stdout: str
    exit_code: int

    def __str__(self) -> str:
        return self.stdout


def _bare(name: str) -> str:
    # dn_expand prints names without the trailing dot.
    return name[:-1] if name.endswith(".") and name != "." else name


def _format_record(rtype: str, owner: str, value: str) -> str:
    """parse_reply: one answer record as busybox prints it."""
    name = _bare(owner)
    if rtype in ("A", "AAAA"):
        return f"Name:\t{name}\nAddress: {value}\n"
    if rtype in ("NS", "CNAME", "PTR"):
        label = {"NS": "nameserver", "CNAME": "canonical name", "PTR": "name"}[rtype]
        return f"{name}\t{label} = {_bare(value)}\n"
    if rtype == "MX":
        pref, target = value.split(None, 1)
        return f"{name}\tmail exchanger = {pref} {_bare(target)}\n"
    if rtype == "TXT":
        text = value.split('" "')[0].strip('"')
        return f'{name}\ttext = "{text}"\n' if text else ""
    if rtype == "SRV":
        prio, weight, port, target = value.split()
        return f"{name}\tservice = {prio} {weight} {port} {_bare(target)}\n"
    if rtype == "SOA":
        mname, rname, serial, refresh, retry, expire, minimum = value.split()
        return (f"{name}\n\torigin = {_bare(mname)}\n\tmail addr = {_bare(rname)}\n"
                f"\tserial = {serial}\n\trefresh = {refresh}\n\tretry = {retry}\n"
                f"\texpire = {expire}\n\tminimum = {minimum}\n")
    return ""


def _queries(name: str, qtype: str | None, searches: tuple[str, ...]) -> list[tuple[str, str]]:
    """add_query / add_query_with_search: ``(name as busybox keeps it, type)`` in order."""
    if qtype is None:
        try:
            return [(_bare(reverse_name(str(ipaddress.ip_address(name)))), "PTR")]
        except ValueError:
            types = ["A", "AAAA"]
    else:
        types = [qtype.upper()]
    out = []
    for t in types:
        if t == "PTR" or not searches or "." in name:
            out.append((name, t))
        else:
            out.extend((f"{name}.{domain}", t) for domain in searches)
    return out


def nslookup(zone, name: str, pod: Mapping | None = None, qtype: str | None = None,
             node_resolv_conf: str = NODE_RESOLV_CONF, ask_cluster_dns=None) -> NslookupOutput:
    """busybox ``nslookup [-type=QTYPE] NAME`` run in ``pod`` against ``zone``.

    ``pod=None`` is ``nslookup NAME 10.96.0.10`` from outside any pod: the cluster DNS as
    server, no search list.  ``ask_cluster_dns(fqdn, qtype)`` stands for CoreDNS when given
    (the cluster's replicas and their caches); else ``zone.query``."""
    if qtype is not None and qtype.upper() not in QUERY_TYPES:
        return NslookupOutput(f'nslookup: invalid query type "{qtype}"\n', 1)
    if pod is None:
        conf = ResolvConf((zone.dns_service_ip,))
    else:
        conf = pod_resolv_conf(pod, zone.cluster_domain, (zone.dns_service_ip,), node_resolv_conf)
    # parse_resolvconf: no nameserver line -> 127.0.0.1; "search ." means no search.
    server = conf.nameservers[0] if conf.nameservers else "127.0.0.1"
    searches = tuple(d for d in conf.searches if d not in ("", "."))
    if server == zone.dns_service_ip:
        ask = ask_cluster_dns or zone.query
    elif server in ("127.0.0.1", "::1"):
        ask = None  # nothing listens on port 53 inside the pod
    else:
        ask = zone.upstream.query
    if ask is None:
        return NslookupOutput(";; connection timed out; no servers could be reached\n\n", 1)
    address = f"[{server}]:53" if ":" in server else f"{server}:53"
    out = [f"Server:\t\t{server}\n", f"Address:\t{address}\n\n"]
    exit_code = 0
    for qname, rtype in _queries(name, qtype, searches):
        reply: Reply = ask(qname if qname.endswith(".") else qname + ".", rtype)
        if reply.rcode != "NOERROR":
            out.append(f"** server can't find {qname}: {reply.rcode}\n")
            exit_code = 1
        else:
            if not reply.authoritative:
                out.append("Non-authoritative answer:\n")
            out.extend(_format_record(r.type, r.name, r.value) for r in reply.answer)
        out.append("\n")
    return NslookupOutput("".join(out), exit_code)
