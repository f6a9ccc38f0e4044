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

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Iterable

from .. import clock

__all__ = ["Match", "Rule", "save_string", "kernel_probability", "saved_probability",
           "render_table", "BUILTIN_CHAINS", "IPTABLES_VERSION", "ctime"]

#: The iptables shipped by the node image (Debian bookworm, nf_tables backend).
IPTABLES_VERSION = "v1.8.9 (nf_tables)"

#: Built-in chains of each table, in the order iptables-save lists them.
BUILTIN_CHAINS = {
    "nat": ("PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"),
    "filter": ("INPUT", "FORWARD", "OUTPUT"),
}

_NO_QUOTE = set("_-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def save_string(value: str) -> str:
    """``xtables_save_string``: bare when only ``[A-Za-z0-9_-]``, else double-quoted."""
    if value and all(c in _NO_QUOTE for c in value):
        return value
    escaped = "".join("\\" + c if c in "\"\\'" else c for c in value)
    return f'"{escaped}"'


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
        return f" -m {self.module}" + (f" {self.text}" if self.text else "")


def _addr(value: str) -> str:
    return value if "/" in value else value + "/32"


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
        out = [f"-A {self.chain}"]
        if self.src:
            out.append(f"{'! ' if self.src_neg else ''}-s {_addr(self.src)}")
        if self.dst:
            out.append(f"{'! ' if self.dst_neg else ''}-d {_addr(self.dst)}")
        if self.proto:
            out.append(f"-p {self.proto}")
        line = " ".join(out) + "".join(m.render() for m in self.matches)
        if self.target:
            line += f" -j {self.target}" + (f" {self.target_opts}" if self.target_opts else "")
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
    """A whole ``iptables-save -t table`` listing.

    Built-in chains come first with their policy and ``[0:0]`` counters (the simulation
    counts no packets), then user chains sorted by name (iptables-nft sorts them, as
    legacy libiptc did); rules are grouped by chain in that order.
    """
    builtin = BUILTIN_CHAINS[table]
    user = sorted(set(chains) - set(builtin))
    order = list(builtin) + user
    by_chain: dict[str, list[str]] = {c: [] for c in order}
    for rule in rules:
        by_chain.setdefault(rule.chain, []).append(rule.text())
    stamp = ctime(now)
    lines = [f"# Generated by iptables-save {IPTABLES_VERSION} on {stamp}", f"*{table}"]
    policies = policies or {}
    lines += [f":{c} {policies.get(c, 'ACCEPT')} [0:0]" for c in builtin]
    lines += [f":{c} - [0:0]" for c in user]
    for c in order:
        lines += by_chain[c]
    lines += ["COMMIT", f"# Completed on {stamp}"]
    return "\n".join(lines) + "\n"
