"""Walk one packet through a node's kube-proxy rules, the way netfilter would.

``trace(state, src_ip=…, dst_ip=…, dst_port=…, protocol=…, rng=…, now=…, entry=…)``
follows the packet through the hooks its entry point crosses:

* ``Entry.POD`` / ``Entry.EXTERNAL`` (a packet arriving on an interface): nat PREROUTING,
  then filter INPUT (destination now local) or FORWARD, then nat POSTROUTING;
* ``Entry.NODE`` (a process on the node): nat OUTPUT, filter OUTPUT, nat POSTROUTING.

In iptables mode every rule is evaluated in order as the kernel does: ``-m statistic``
rules each draw ``rng.random()`` against the stored 31-bit threshold, so the measured spread
is the real one; ``-m recent`` reads and writes the node's lists in ``state.runtime`` at the
simulated time ``now``.  nftables and IPVS modes are walked in :mod:`.trace_backends`.
"""
from __future__ import annotations

import ipaddress
import random
import re
import weakref
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache

from ..errors import UsageError
from .iptables_save import Rule, kernel_probability

__all__ = ["Entry", "Verdict", "TraceStep", "TraceResult", "trace", "Packet"]


class Entry(str, Enum):
    """Where the packet comes from."""

    POD = "pod"            # a pod on this node (arrives on its veth: PREROUTING)
    NODE = "node"          # a process in the node's own network namespace (OUTPUT)
    EXTERNAL = "external"  # from outside the cluster: NodePort, LB IP, external IP


class Verdict(str, Enum):
    """What finally happened to the packet."""

    DNAT = "DNAT"
    REJECT = "REJECT"
    DROP = "DROP"
    NO_MATCH = "no rule matched"


@dataclass(frozen=True, slots=True)
class TraceStep:
    """One rule the packet met: where, the rule as the node prints it, and what it did."""

    table: str
    chain: str
    rule: str
    action: str
    probability: float | None = None
    matched: bool = True


@dataclass(frozen=True, slots=True)
class TraceResult:
    """The outcome of :func:`trace`."""

    verdict: Verdict
    endpoint: str | None
    masqueraded: bool
    service: str | None
    steps: tuple[TraceStep, ...]
    mode: str = "iptables"

    def describe(self) -> str:
        """A short text: the steps, one per line, then the verdict."""
        lines = [f"[{s.table}] {s.chain}: {s.rule}  => {s.action}" for s in self.steps]
        tail = f"{self.verdict.value}" + (f" to {self.endpoint}" if self.endpoint else "")
        return "\n".join(lines + [tail + (" (masqueraded)" if self.masqueraded else "")])


@dataclass
class Packet:
    """The mutable packet a walker carries: addresses, mark, conntrack state."""

    src: str
    dst: str
    dport: int
    proto: str
    mark: int = 0
    ct: set = field(default_factory=lambda: {"NEW"})
    dnat: str | None = None
    masqueraded: bool = False
    service: str | None = None


@lru_cache(maxsize=65536)  # a pure function of two strings, asked for every rule a packet meets
def in_cidr(ip: str, cidr: str) -> bool:
    """``ip`` inside ``cidr`` (a bare address counts as /32)."""
    try:
        return ipaddress.ip_address(ip) in ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return False


def is_local(ip: str, node_ip: str) -> bool:
    """``addrtype LOCAL`` / ``fib type local``: the node's own address or loopback."""
    return ip == node_ip or ip == "::1" or in_cidr(ip, "127.0.0.0/8")


_SERVICE_IN_COMMENT = re.compile(
    r"^(?:masquerade (?:LOCAL )?traffic for |pod traffic for |route LOCAL traffic for |other traffic to )?"
    r"([a-z0-9.-]+/[a-z0-9.-]+(?::[a-z0-9-]+)?)(?: |$)")


def service_from_comment(comment: str) -> str | None:
    """The ``ns/name:port`` a kube-proxy rule comment is about (None for fixed rules)."""
    m = _SERVICE_IN_COMMENT.match(comment)
    return m.group(1) if m else None


class _IptablesWalker:
    def __init__(self, tables, pkt: Packet, node_ip: str, rng: random.Random, runtime, now: float):
        self.tables = tables
        self.pkt, self.node_ip, self.rng, self.runtime, self.now = pkt, node_ip, rng, runtime, now
        self.steps: list[TraceStep] = []
        # For the path cache below: every statistic rule met, as (threshold, matched), in
        # order; and how many had been met when a ``-m recent`` rule (node state) was first read.
        self.draws: list[tuple[int, bool]] = []
        self.draws_before_state: int | None = None

    def _matches(self, rule: Rule) -> tuple[bool, float | None]:
        p = self.pkt
        if rule.src and in_cidr(p.src, rule.src) == rule.src_neg:
            return False, None
        if rule.dst and in_cidr(p.dst, rule.dst) == rule.dst_neg:
            return False, None
        if rule.proto and rule.proto != p.proto:
            return False, None
        prob = None
        for m in rule.matches:
            ok = True
            if m.module in ("tcp", "udp", "sctp"):
                ok = m.module == p.proto and (m.value is None or m.value == p.dport)
            elif m.module == "addrtype":
                ok = is_local(p.src if m.value == "src" else p.dst, self.node_ip)
            elif m.module == "conntrack":
                states, negated = m.value
                ok = bool(set(states.split(",")) & p.ct) != negated
            elif m.module == "mark":
                value, negated = m.value
                ok = ((p.mark & value) == value) != negated
            elif m.module == "statistic":
                threshold = kernel_probability(m.value)
                prob = threshold / 0x80000000
                # xt_statistic: (get_random_u32() & 0x7FFFFFFF) < threshold
                ok = int(self.rng.random() * 0x80000000) < threshold
                self.draws.append((threshold, ok))
            elif m.module == "recent":
                if self.draws_before_state is None:
                    self.draws_before_state = len(self.draws)
                op, name, seconds = m.value
                if op == "set":
                    self.runtime.recent_set(name, p.src, self.now)
                else:
                    ok = self.runtime.recent_rcheck(name, p.src, self.now, seconds)
            if not ok:
                return False, prob
        return True, prob

    def run(self, table: str, chain: str) -> str | None:
        """Run a chain; returns a terminal verdict or None (fell through / RETURN)."""
        for rule in self.tables.chain(table, chain):
            ok, prob = self._matches(rule)
            if not ok:
                if prob is not None:
                    self.steps.append(TraceStep(table, chain, rule.text(), "random draw failed: next rule",
                                                prob, matched=False))
                continue
            t = rule.target
            comment = rule.match("comment")
            if comment and self.pkt.service is None:
                self.pkt.service = service_from_comment(str(comment.value))
            if t == "MARK":
                # --set-xmark value/mask: mark = (mark & ~mask) ^ value
                value, mask = (int(x, 16) for x in rule.target_opts.split()[1].split("/"))
                self.pkt.mark = (self.pkt.mark & ~mask) ^ value
                self.steps.append(TraceStep(table, chain, rule.text(), f"set mark {self.pkt.mark:#x}", prob))
                continue
            if t == "DNAT":
                to = rule.target_opts.split()[-1]
                self.pkt.dnat = to
                self.pkt.dst, self.pkt.dport = to.rsplit(":", 1)[0], int(to.rsplit(":", 1)[1])
                self.pkt.ct.add("DNAT")
                self.steps.append(TraceStep(table, chain, rule.text(), f"DNAT to {to}", prob))
                return "DNAT"
            if t == "MASQUERADE":
                self.pkt.masqueraded = True
                self.steps.append(TraceStep(table, chain, rule.text(), "MASQUERADE (SNAT to the node's address)", prob))
                return "ACCEPT"
            if t in ("REJECT", "DROP", "ACCEPT"):
                self.steps.append(TraceStep(table, chain, rule.text(), t, prob))
                return t
            if t == "RETURN":
                self.steps.append(TraceStep(table, chain, rule.text(), "RETURN", prob))
                return None
            if not t:
                self.steps.append(TraceStep(table, chain, rule.text(), "no target: continue", prob))
                continue
            self.steps.append(TraceStep(table, chain, rule.text(), f"jump {t}", prob))
            res = self.run(table, t)
            if res is not None:
                return res
        return None


# --- the path cache -------------------------------------------------------------------
# A burst of requests sends the same packet (same addresses, port and entry point) through
# the same rules again and again. The walk is a pure function of the packet and the rules,
# except for two things: each ``-m statistic`` rule draws ``rng.random()``, and ``-m recent``
# rules read the node's lists. So for each packet we remember the walks already made as a
# tree of random draws: a _Fork says "the next rule met is a statistic rule with this
# threshold", and its branches (draw matched / did not) lead to the next _Fork or to the
# TraceResult. Replaying draws ``rng.random()`` at each fork exactly as the walk would, in
# the same order, so the generator ends in the same state and the answer is the same. A
# branch not walked yet, or a path that reads ``-m recent`` state, is walked for real
# (handing the walker the draws already taken first). The tree belongs to one sync's
# tables object (a new sync builds a new object), so stale rules are never replayed.


@dataclass(slots=True)
class _Fork:
    threshold: int  # the statistic rule's 31-bit threshold, as the kernel compares it
    branches: dict = field(default_factory=dict)  # matched (bool) -> _Fork | TraceResult | _WALK


_WALK = "walk"  # this branch reads -m recent state: always walk it
_PATHS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()  # tables -> packet key -> root
_MAX_PACKETS = 4096  # distinct packets remembered per tables object
_LAST_PATHS: list = [None]  # (weak reference to the tables, their paths) of the last packet traced


class _Replay:
    """An rng for the walker: the draws already taken at forks first, then fresh draws."""

    def __init__(self, rng: random.Random, taken: list[float]):
        self.rng, self.taken = rng, taken

    def random(self) -> float:
        return self.taken.pop(0) if self.taken else self.rng.random()


def _replay(node, rng, taken: list[float]):
    """Follow the tree, drawing at each fork; the TraceResult, or None where it must walk."""
    while isinstance(node, _Fork):
        value = rng.random()
        taken.append(value)
        # xt_statistic's test, as in _IptablesWalker._matches
        node = node.branches.get(int(value * 0x80000000) < node.threshold)
    return node if isinstance(node, TraceResult) else None


def _remember(paths: dict, key: tuple, w, result: TraceResult, fork=_Fork) -> None:
    """Add one real walk to the packet's tree of ``fork`` nodes (``_Fork`` for iptables'
    statistic rules; trace_backends' ``_NftFork`` for nftables' numgen): each of the walker's
    ``draws`` is (the next fork's parameter, the branch taken)."""
    stateful = w.draws_before_state is not None
    draws = w.draws[:w.draws_before_state] if stateful else w.draws
    leaf = _WALK if stateful else result
    if key not in paths and len(paths) >= _MAX_PACKETS:
        paths.clear()  # a scan over many addresses: start afresh rather than grow without end
    if not draws:
        paths[key] = leaf
        return
    if not isinstance(paths.get(key), fork):
        paths[key] = fork(draws[0][0])
    node = paths[key]
    for i, (_, branch) in enumerate(draws):
        if i + 1 == len(draws):
            node.branches.setdefault(branch, leaf)
            return
        child = node.branches.get(branch)
        if not isinstance(child, fork):
            child = node.branches[branch] = fork(draws[i + 1][0])
        node = child


def _trace_iptables(state, src: str, dst: str, dport: int, proto: str, entry: Entry, rng, runtime,
                    now) -> TraceResult:
    tables = state.iptables_tables()
    last = _LAST_PATHS[0]
    if last is not None and last[0]() is tables:  # the same tables as the last packet: no WeakKeyDictionary lookup
        paths = last[1]
    else:
        paths = _PATHS.setdefault(tables, {})
        _LAST_PATHS[0] = (weakref.ref(tables), paths)
    key = (state.node_ip, src, dst, dport, proto, entry)
    taken: list[float] = []
    known = _replay(paths.get(key), rng, taken)
    if known is not None:
        return known
    pkt = Packet(src, dst, dport, proto)  # the walk's packet: made only when the rules are walked
    w = _IptablesWalker(tables, pkt, state.node_ip, _Replay(rng, taken) if taken else rng, runtime, now)
    result = _walk_hooks(w, pkt, entry, state.node_ip)
    _remember(paths, key, w, result)
    return result


def _walk_hooks(w: _IptablesWalker, pkt: Packet, entry: Entry, node_ip: str) -> TraceResult:
    """The netfilter hooks the packet's entry point crosses, in order."""
    w.run("nat", "OUTPUT" if entry is Entry.NODE else "PREROUTING")
    if entry is Entry.NODE:
        hook = "OUTPUT"
    else:
        hook = "INPUT" if is_local(pkt.dst, node_ip) else "FORWARD"
    verdict = w.run("filter", hook)
    if verdict in ("REJECT", "DROP"):
        return TraceResult(Verdict(verdict), None, False, pkt.service, tuple(w.steps))
    w.run("nat", "POSTROUTING")
    v = Verdict.DNAT if pkt.dnat else Verdict.NO_MATCH
    return TraceResult(v, pkt.dnat, pkt.masqueraded, pkt.service, tuple(w.steps))


def trace(state, *, src_ip: str, dst_ip: str, dst_port: int, protocol: str = "TCP",
          rng: random.Random, now: float = 0.0, entry: Entry | str = Entry.POD,
          runtime=None) -> TraceResult:
    """Walk one new connection through ``state``'s rules (its ``config.mode``).

    ``runtime`` defaults to ``state.runtime`` (the node's recent lists, nft affinity sets
    and IPVS scheduler state); it is updated, as the kernel's would be.
    """
    entry = entry if type(entry) is Entry else Entry(entry)  # Entry(...) is a Python call: skip it when we can
    runtime = runtime if runtime is not None else state.runtime
    mode = state.config.mode
    if mode == "iptables":
        return _trace_iptables(state, src_ip, dst_ip, int(dst_port), protocol.lower(), entry, rng, runtime, now)
    pkt = Packet(src_ip, dst_ip, int(dst_port), protocol.lower())
    from .trace_backends import trace_ipvs, trace_nftables
    if mode == "nftables":
        return trace_nftables(state, pkt, entry, rng, runtime, now)
    if mode == "ipvs":
        return trace_ipvs(state, pkt, entry, rng, runtime, now)
    raise UsageError(f"unknown proxy mode {mode!r}: use iptables, nftables or ipvs")
