"""iptables rules as records, printed the way ``iptables-save`` prints them.

kube-proxy writes its rules through ``iptables-restore`` in its own argument order
(``-m comment --comment ... -m tcp -p tcp -d 10.96.0.1 --dport 443 -j ...``).  The kernel
stores them parsed, and ``iptables-save`` prints them back in its canonical order: address
matches first (``-s``, ``-d`` with ``/32``), then ``-p``, then each ``-m`` match with its options
as the extension saves them, then ``-j`` and the target's options.  A learner reading a real
node sees that canonical form, so that is what :func:`Rule.text` produces:

* comments are quoted by ``xtables_save_string`` (anything but ``[A-Za-z0-9_-]`` → quotes);
* ``--probability 0.3333333333`` comes back as ``0.33333333349`` (libxt_statistic stores
  ``lround(p * 2**31)`` and saves ``%.11f``);
* ``-j MARK --or-mark 0x4000`` comes back as ``--set-xmark 0x4000/0x4000``;
* ``-m recent --name X --set`` comes back as ``--set --name X --mask 255.255.255.255 --rsource``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Iterable

from .. import clock

__all__ = ["Match", "Rule", "save_string", "kernel_probability", "saved_probability",
           "render_table", "table_body", "wrap_table", "BUILTIN_CHAINS", "IPTABLES_VERSION", "ctime"]

#: The iptables shipped by the node image (Debian bookworm, nf_tables backend).
IPTABLES_VERSION = "v1.8.9 (nf_tables)"

#: Built-in chains of each table, in the order iptables-save lists them.
BUILTIN_CHAINS = {
    "nat": ("PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"),
    "filter": ("INPUT", "FORWARD", "OUTPUT"),
}

_NO_QUOTE = re.compile(r"[A-Za-z0-9_-]+")
_ESCAPE = re.compile(r"[\"\\']")


def save_string(value: str) -> str:
    """``xtables_save_string``: bare when only ``[A-Za-z0-9_-]``, else double-quoted
    with ``"``, ``\\`` and ``'`` backslash-escaped."""
    if _NO_QUOTE.fullmatch(value):
        return value
    return '"' + _ESCAPE.sub(r"\\\g<0>", value) + '"'


def kernel_probability(text: str) -> int:
    """The 31-bit threshold libxt_statistic stores for ``--probability text``."""
    value = 0x80000000 * float(text)
    return int(value + 0.5)  # C lround() for a positive value


def saved_probability(text: str) -> str:
    """What iptables-save prints for a rule written with ``--probability text``."""
    return "%.11f" % (kernel_probability(text) / 0x80000000)


@dataclass(frozen=True, slots=True)
class Match:
    """One ``-m module options`` match: ``text`` as saved, ``value`` parsed for tracing."""

    module: str
    text: str = ""
    value: Any = None

    def render(self) -> str:
        """`` -m module options`` as iptables-save prints it."""
        return " -m " + self.module + (" " + self.text if self.text else "")


def _addr(value: str) -> str:
    # A bare address is a host route: /32, or /128 for IPv6 (ip6tables-save).
    return value if "/" in value else value + ("/128" if ":" in value else "/32")


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule of one chain; :meth:`text` is its ``iptables-save`` line."""

    table: str
    chain: str
    matches: tuple[Match, ...] = ()
    target: str = ""
    target_opts: str = ""
    src: str = ""
    src_neg: bool = False
    dst: str = ""
    dst_neg: bool = False
    proto: str = ""

    def text(self) -> str:
        """The line exactly as ``iptables-save -t <table>`` prints it."""
        line = "-A " + self.chain
        if self.src:
            line += (" ! -s " if self.src_neg else " -s ") + _addr(self.src)
        if self.dst:
            line += (" ! -d " if self.dst_neg else " -d ") + _addr(self.dst)
        if self.proto:
            line += " -p " + self.proto
        for m in self.matches:
            line += m.render()
        if self.target:
            line += " -j " + self.target + (" " + self.target_opts if self.target_opts else "")
        return line

    def match(self, module: str) -> Match | None:
        """The first match of this module, or None."""
        return next((m for m in self.matches if m.module == module), None)


def ctime(t: float) -> str:
    """C ``ctime()`` text for simulated time ``t``: ``Wed Jan  1 00:00:00 2025``."""
    dt = clock.EPOCH + timedelta(seconds=int(t))
    return f"{dt:%a %b} {dt.day:>2} {dt:%H:%M:%S %Y}"


def render_table(table: str, chains: Iterable[str], rules: Iterable[Rule], now: float,
                 policies: dict[str, str] | None = None) -> str:
    """A whole ``iptables-save -t table`` listing of ``rules`` (see :func:`table_body`)."""
    groups = ((rule.chain, rule.text() + "\n") for rule in rules)
    return wrap_table(table, table_body(table, chains, groups, policies), now)


def table_body(table: str, chains: Iterable[str], groups: Iterable[tuple[str, str]],
               policies: dict[str, str] | None = None) -> str:
    """The lines between ``*table`` and ``COMMIT``.

    ``groups`` are ``(chain, saved lines)`` pairs in rule order.  Built-in chains come
    first with their policy and ``[0:0]`` counters (the simulation counts no packets), then
    user chains sorted by name (iptables-nft sorts them, as legacy libiptc did); rules are
    grouped by chain in that order (a rule of an undeclared chain is not printed).
    """
    builtin = BUILTIN_CHAINS[table]
    user = sorted(set(chains) - set(builtin))
    by_chain: dict[str, list[str]] = {c: [] for c in builtin}
    by_chain.update((c, []) for c in user)
    for chain, text in groups:
        if chain in by_chain:
            by_chain[chain].append(text)
    policies = policies or {}
    head = [f":{c} {policies.get(c, 'ACCEPT')} [0:0]\n" for c in builtin]
    head += [f":{c} - [0:0]\n" for c in user]
    return "".join(head) + "".join(text for texts in by_chain.values() for text in texts)


def wrap_table(table: str, body: str, now: float, tool: str = "iptables-save") -> str:
    """``body`` with iptables-save's header, ``*table``, ``COMMIT`` and footer at time ``now``
    (``tool`` is ``ip6tables-save`` for the IPv6 tables)."""
    stamp = ctime(now)
    return (f"# Generated by {tool} {IPTABLES_VERSION} on {stamp}\n*{table}\n"
            f"{body}COMMIT\n# Completed on {stamp}\n")
