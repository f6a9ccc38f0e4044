"""CoreDNS's *cache* plugin (plugin/cache, CoreDNS v1.14.6), and a TTL-honouring client cache.

kubeadm v1.37's Corefile (cmd/kubeadm/app/phases/addons/dns/manifests.go, since kubernetes
PR #128359) says::

    cache 30 {
       disable success cluster.local
       disable denial cluster.local
    }

``CacheConfig.from_corefile`` reads that directive (setup.go ``cacheParse``); ``Cache`` keeps
one CoreDNS replica's entries over simulated time (handler.go ``ServeDNS``, cache.go
``WriteMsg``/``set``, item.go):

* the cache covers the server block's zones (``.:53``: every name);
* a reply is classified (pkg/response ``Typify``): NoError, NameError (NXDOMAIN), NoData
  (NOERROR + SOA), ServerError (SERVFAIL/NOTIMP), Delegation or OtherError;
* its duration is the smallest TTL in the reply (dnsutil ``MinimalTTLWithMaximum``; 5 s if the
  reply has no records), clamped to [MINTTL, TTL]: ``cache 30`` makes TTL 30 for both the
  success and the denial cache, MINTTL stays 5; SERVFAIL is kept 5 s (``servfail`` default);
* every TTL in the reply is set to that duration, cached or not ("avoid jarring TTL");
* NXDOMAIN without an SOA, truncated replies and OtherError are never stored (``key``);
* ``disable success|denial ZONES`` skips storing for names in those zones (``set``): with
  kubeadm's Corefile nothing under ``cluster.local`` is stored, but forwarded names and the
  reverse zones (``in-addr.arpa``, ``ip6.arpa``) are;
* a hit is served while its remaining TTL is > 0, with that remaining TTL on every record and
  the AA bit set (item.go ``toMsg``); the denial cache is looked at first (``getIfNotStale``);
* ``prefetch`` and ``serve_stale`` are off unless configured (kubeadm configures neither); the
  simulator refuses a Corefile that turns them on rather than pretend.

Capacity and random eviction (9984 entries) are not modelled: a lesson never comes close.

``ClientCache`` is the other place answers are kept: a resolver in the client (nscd,
systemd-resolved, a JVM, NodeLocal DNSCache) that keeps each answer for its TTL and each
NXDOMAIN for the SOA's negative TTL (RFC 2308 section 5: min(SOA TTL, SOA MINIMUM)).
glibc's own stub resolver keeps nothing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Callable

from .types import DNSResult, Reply

__all__ = ["CacheConfig", "Cache", "ClientCache", "typify", "negative_ttl", "KUBEADM_CACHE", "MAX_TTL", "MAX_NTTL",
           "MIN_TTL", "FAIL_TTL"]

#: cache.go maxTTL (dnsutil.MaximumDefaultTTL), maxNTTL (half of it), minTTL/minNTTL
#: (dnsutil.MinimalDefaultTTL) and the SERVFAIL duration New() starts with.
MAX_TTL, MAX_NTTL, MIN_TTL, FAIL_TTL = 3600, 1800, 5, 5


def _fqdn(name: str) -> str:
    name = name.lower()
    return name if name.endswith(".") else name + "."


def _in_zones(name: str, zones: tuple[str, ...]) -> bool:
    # plugin.Zones.Matches: the name equals a zone or ends in "."+zone; "." matches all.
    name = _fqdn(name)
    return any(z == "." or name == z or name.endswith("." + z) for z in zones)


@dataclass(frozen=True, slots=True)
class CacheConfig:
    """What one ``cache`` directive says (setup.go ``cacheParse``; defaults from ``New()``).

    ``zones`` are absolute; ``disable_success``/``disable_denial`` are the ``pexcept`` and
    ``nexcept`` lists.  ``enabled`` is False when the server block has no ``cache`` at all."""

    enabled: bool = True
    zones: tuple[str, ...] = (".",)
    success_ttl: int = MAX_TTL
    success_min_ttl: int = MIN_TTL
    denial_ttl: int = MAX_NTTL
    denial_min_ttl: int = MIN_TTL
    servfail_ttl: int = FAIL_TTL
    disable_success: tuple[str, ...] = ()
    disable_denial: tuple[str, ...] = ()
    keepttl: bool = False

    @classmethod
    def from_corefile(cls, corefile: str) -> "CacheConfig":
        """The ``cache`` directive of the Corefile's first server block (``.:53``).

        Raises ``ValueError`` worded like CoreDNS's setup errors for what it would reject,
        and for ``prefetch``/``serve_stale``, which the simulator does not model."""
        block = _server_block(corefile)
        lines = [ln.split("#", 1)[0].strip() for ln in block.splitlines()]
        start = next((i for i, ln in enumerate(lines) if ln == "cache" or ln.startswith("cache ")), None)
        if start is None:
            return cls(enabled=False)
        args = lines[start].removesuffix("{").split()[1:]
        cfg: dict = {}
        if args and args[0].lstrip("-").isdigit():
            ttl = int(args.pop(0))
            if ttl <= 0:
                raise ValueError(f"plugin/cache: cache TTL can not be zero or negative: {ttl}")
            cfg.update(success_ttl=ttl, denial_ttl=ttl)
        if args:
            cfg["zones"] = tuple(_fqdn(z) for z in args)
        if lines[start].endswith("{"):
            for ln in lines[start + 1:]:
                if ln == "}":
                    break
                if ln:
                    _option(ln.split(), cfg)
        return cls(**cfg)


def _server_block(corefile: str) -> str:
    """The lines inside the first server block (``.:53 { ... }``), nested blocks included."""
    out, depth = [], 0
    for line in corefile.splitlines():
        text = line.split("#", 1)[0]
        if depth:
            depth += text.count("{") - text.count("}")
            if depth <= 0:
                break
            out.append(line)
        elif text.strip().endswith("{"):
            depth = 1
    return "\n".join(out)


def _option(words: list[str], cfg: dict) -> None:
    name, args = words[0], words[1:]
    if name in ("success", "denial"):
        if not args:
            raise ValueError(f"plugin/cache: Wrong argument count or unexpected line ending after '{name}'")
        numbers = [int(a) for a in args[:3]]
        if len(numbers) > 1:
            cfg[f"{name}_ttl"] = numbers[1]
        if len(numbers) > 2:
            cfg[f"{name}_min_ttl"] = numbers[2]
    elif name == "servfail":
        seconds = _duration(args[0]) if args else None
        if seconds is None or seconds < 0 or seconds > 300:
            raise ValueError("plugin/cache: invalid negative ttl for servfail" if seconds is not None and seconds < 0
                             else "plugin/cache: caching SERVFAIL responses over 5 minutes is not permitted")
        cfg["servfail_ttl"] = seconds
    elif name == "disable":
        if not args or args[0] not in ("success", "denial"):
            raise ValueError('plugin/cache: cache type for disable must be "success" or "denial"')
        cfg[f"disable_{args[0]}"] = tuple(_fqdn(z) for z in args[1:]) or (".",)
    elif name == "keepttl":
        cfg["keepttl"] = True
    elif name in ("prefetch", "serve_stale", "serve_stale_policy"):
        raise ValueError(f"plugin/cache: {name} is valid CoreDNS but not modelled by k8snet "
                         "(kubeadm's Corefile does not use it)")
    else:
        raise ValueError(f"plugin/cache: unknown property '{name}'")


def _duration(text: str) -> int | None:
    m = re.fullmatch(r"(\d+)(s|m)?", text)
    return None if not m else int(m.group(1)) * (60 if m.group(2) == "m" else 1)


#: kubeadm v1.37's cache directive, as ``CacheConfig``.
KUBEADM_CACHE = CacheConfig(success_ttl=30, denial_ttl=30, disable_success=("cluster.local.",),
                            disable_denial=("cluster.local.",))


def typify(reply: Reply) -> str:
    """pkg/response ``Typify`` for the replies k8snet produces."""
    if reply.answer and reply.rcode == "NOERROR":
        return "NoError"
    if reply.answer and reply.rcode == "NXDOMAIN":
        return "OtherError"
    soa = any(r.type == "SOA" for r in reply.authority)
    ns = any(r.type == "NS" for r in reply.authority)
    if soa and reply.rcode == "NOERROR":
        return "NoData"
    if reply.rcode == "NXDOMAIN":
        return "NameError"
    if reply.rcode in ("SERVFAIL", "NOTIMP"):
        return "ServerError"
    if ns and reply.rcode == "NOERROR":
        return "Delegation"
    return "NoError" if reply.rcode == "NOERROR" else "OtherError"


def _minimal_ttl(reply: Reply, kind: str, maximum: int) -> int:
    # dnsutil.MinimalTTLWithMaximum
    if kind not in ("NoError", "NameError", "NoData"):
        return MIN_TTL
    records = reply.answer + reply.authority + reply.additional
    if not records:
        return MIN_TTL
    return min([maximum] + [r.ttl for r in records])


def _with_ttl(reply: Reply, ttl: int, **flags) -> Reply:
    # filterRRSlice: every record gets the same TTL.  The values are frozen, so a reply whose
    # records all have that TTL already (the kubernetes plugin's 30 under ``cache 30``) and
    # whose flags are as asked is handed back as it is: the same value, not rebuilt.
    sections = (reply.answer, reply.authority, reply.additional)
    if all(r.ttl == ttl for rrs in sections for r in rrs) and \
            all(getattr(reply, flag) == value for flag, value in flags.items()):
        return reply

    def fix(rrs):
        return tuple(r if r.ttl == ttl else replace(r, ttl=ttl) for r in rrs)
    return replace(reply, answer=fix(reply.answer), authority=fix(reply.authority),
                   additional=fix(reply.additional), **flags)


@dataclass(frozen=True, slots=True)
class _Item:
    reply: Reply
    stored: float
    orig_ttl: int

    def ttl(self, now: float) -> int:
        # item.go ttl(): origTTL - int(elapsed seconds), truncated like Go's int(float64).
        return self.orig_ttl - int(now - self.stored)


class Cache:
    """One CoreDNS replica's cache (it lives in the process: a new pod starts empty)."""

    __slots__ = ("config", "_success", "_denial", "hits", "misses")

    def __init__(self, config: CacheConfig = KUBEADM_CACHE):
        self.config = config
        self._success: dict[tuple[str, str], _Item] = {}
        self._denial: dict[tuple[str, str], _Item] = {}
        self.hits = self.misses = 0

    def serve(self, now: float, qname: str, qtype: str, next_plugin: Callable[[], Reply]) -> Reply:
        """Answer ``qname``/``qtype`` at time ``now`` from the cache, or ask ``next_plugin``
        (kubernetes, then forward) and store what may be stored."""
        cfg = self.config
        if not cfg.enabled or not _in_zones(qname, cfg.zones):
            return next_plugin()
        key = (_fqdn(qname), qtype.upper())
        item = self._fresh(now, key)
        if item is not None:
            self.hits += 1
            ttl = item.orig_ttl if cfg.keepttl else item.ttl(now)
            return _with_ttl(replace(item.reply, qname=qname), max(ttl, 0), authoritative=True)
        self.misses += 1
        reply = next_plugin()
        kind = typify(reply)
        if kind in ("NameError", "NoData"):
            duration = min(max(_minimal_ttl(reply, kind, cfg.denial_ttl), cfg.denial_min_ttl), cfg.denial_ttl)
        elif kind == "ServerError":
            duration = cfg.servfail_ttl
        else:
            duration = min(max(_minimal_ttl(reply, kind, cfg.success_ttl), cfg.success_min_ttl), cfg.success_ttl)
        reply = _with_ttl(reply, duration)
        storable = kind not in ("OtherError",) and not (kind == "NameError" and not
                                                        any(r.type == "SOA" for r in reply.authority))
        if storable and duration > 0:
            if kind in ("NoError", "Delegation"):
                if not _in_zones(qname, cfg.disable_success):
                    self._success[key] = _Item(reply, now, duration)
            elif not _in_zones(qname, cfg.disable_denial):
                self._denial[key] = _Item(reply, now, duration)
        return reply

    def _fresh(self, now: float, key: tuple[str, str]) -> _Item | None:
        # getIfNotStale: the denial cache first; a cached SERVFAIL gives way to a valid success.
        neg, pos = self._denial.get(key), self._success.get(key)
        if neg is not None and neg.ttl(now) > 0:
            if neg.reply.rcode == "SERVFAIL" and pos is not None and pos.ttl(now) > 0:
                return pos
            return neg
        if pos is not None and pos.ttl(now) > 0:
            return pos
        return None

    def entries(self, now: float) -> list[tuple[str, str, str, int]]:
        """``(cache, name, type, remaining TTL)`` for every live entry, sorted: what the
        ``coredns_cache_entries`` metric counts."""
        out = [(which, name, qtype, item.ttl(now))
               for which, table in (("denial", self._denial), ("success", self._success))
               for (name, qtype), item in table.items() if item.ttl(now) > 0]
        return sorted(out)


def negative_ttl(result: DNSResult | Reply) -> int:
    """RFC 2308 section 5: a negative answer is kept for min(SOA TTL, SOA MINIMUM); without
    an SOA it must not be cached (0)."""
    for r in result.authority:
        if r.type == "SOA":
            return min(r.ttl, int(r.value.split()[-1]))
    return 0


class ClientCache:
    """A caching resolver in the client: each lookup's result kept for its TTL (positive:
    the smallest TTL of the answer; negative: RFC 2308's SOA rule), keyed by the name as the
    program asked for it.  ``lookup(now, name, qtype, resolve)`` calls ``resolve()`` only
    when nothing fresh is kept."""

    __slots__ = ("_kept",)

    def __init__(self):
        self._kept: dict[tuple[str, str], tuple[DNSResult, float, int]] = {}

    def lookup(self, now: float, name: str, qtype: str, resolve: Callable[[], DNSResult]) -> tuple[DNSResult, bool]:
        """``(result, from_cache)`` for ``name`` at time ``now``."""
        key = (name.lower(), qtype.upper())
        kept = self._kept.get(key)
        if kept is not None and now - kept[1] < kept[2]:
            return kept[0], True
        result = resolve()
        if result.rcode == "NOERROR" and result.records:
            ttl = min(r.ttl for r in result.records)
        elif result.rcode == "NXDOMAIN" or (result.rcode == "NOERROR" and not result.records):
            ttl = negative_ttl(result)
        else:
            ttl = 0
        if ttl > 0:
            self._kept[key] = (result, now, ttl)
        else:
            self._kept.pop(key, None)
        return result, False

    def forget(self) -> None:
        """Flush everything (``nscd -i hosts``, ``resolvectl flush-caches``)."""
        self._kept.clear()

