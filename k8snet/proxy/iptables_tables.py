"""One iptables sync's result: an ordered sequence of rule blocks, printed on demand.

Upstream ``syncProxyRules`` (pkg/proxy/iptables/proxier.go) regenerates only the chains of
Services that changed since the last sync (a *partial* sync) and keeps the rest as they
are in the kernel.  Here the same idea: a sync is a snapshot of blocks — the fixed head,
one :class:`~k8snet.proxy.iptables.ServiceRules` per Service port in name order, the fixed
tail.  Unchanged blocks are the very objects of the previous sync, so making a snapshot
only copies references; the ``iptables-save`` text and the per-chain index for packet walks
are computed the first time someone asks, and each block prints its own lines only once.
"""
from __future__ import annotations

import functools
from typing import Sequence

from ..errors import UsageError
from .iptables import (KUBE_EXTERNAL_SERVICES, KUBE_FIREWALL, KUBE_FORWARD, KUBE_MARK_MASQ,
                       KUBE_NODEPORTS, KUBE_POSTROUTING, KUBE_PROXY_CANARY, KUBE_PROXY_FIREWALL,
                       KUBE_SERVICES, ServiceRules, base_rules, tail_rules)
from .iptables_save import Rule, table_body, wrap_table
from .types import ProxyConfig

__all__ = ["IptablesTables", "sync_proxy_rules", "fixed_blocks"]

_TABLES = ("nat", "filter")


class IptablesTables:
    """One sync's result: the chains and rules of the nat and filter tables.

    ``blocks`` is the ordered sequence the tables are made of; ``save(table, now)`` prints
    one table as ``iptables-save`` does and ``chain(table, name)`` gives one chain's rules.
    """

    def __init__(self, blocks: Sequence[ServiceRules]) -> None:
        self.blocks = tuple(blocks)
        self._bodies: dict[str, str] = {}
        self._index: dict[str, dict[str, list[Rule]]] = {}

    def _check(self, table: str) -> None:
        if table not in _TABLES:
            raise UsageError(f"iptables-save: table {table!r} is not one kube-proxy writes (nat, filter)")

    @property
    def nat_chains(self) -> tuple[str, ...]:
        """The nat chains kube-proxy creates (built-in chains excepted), in sync order."""
        return tuple(c for b in self.blocks for c in b.nat_chains)

    @property
    def nat_rules(self) -> tuple[Rule, ...]:
        """Every nat rule in the order kube-proxy writes them."""
        return tuple(r for b in self.blocks for r in b.nat_rules)

    @property
    def filter_chains(self) -> tuple[str, ...]:
        """The filter chains kube-proxy creates."""
        return tuple(c for b in self.blocks for c in b.filter_chains)

    @property
    def filter_rules(self) -> tuple[Rule, ...]:
        """Every filter rule in the order kube-proxy writes them."""
        return tuple(r for b in self.blocks for r in b.filter_rules)

    def save(self, table: str, now: float, tool: str = "iptables-save") -> str:
        """``iptables-save -t table`` text at simulated time ``now`` (``ip6tables-save``'s
        header for the IPv6 tables)."""
        self._check(table)
        if table not in self._bodies:
            # Only the header and footer carry the time: the body is kept per snapshot.
            chains = (c for b in self.blocks for c in b.chains(table))
            groups = (g for b in self.blocks for g in b.saved_lines(table).items())
            self._bodies[table] = table_body(table, chains, groups)
        return wrap_table(table, self._bodies[table], now, tool)

    def chain(self, table: str, name: str) -> tuple[Rule, ...]:
        """The rules of one chain, in order (empty for an unknown chain or table)."""
        if table not in _TABLES:
            return ()
        if table not in self._index:
            index: dict[str, list[Rule]] = {}
            for b in self.blocks:
                for c, rules in b.by_chain(table).items():
                    index.setdefault(c, []).extend(rules)
            self._index[table] = index
        return tuple(self._index[table].get(name, ()))


@functools.lru_cache(maxsize=64)
def fixed_blocks(config: ProxyConfig) -> tuple[ServiceRules, ServiceRules]:
    """``(head, tail)``: the fixed rules and chains of every sync as two blocks.

    ``head`` holds :func:`base_rules` and the chains kube-proxy always creates; ``tail``
    holds :func:`tail_rules`.  They depend only on the (frozen) config, so they are built
    once per config.
    """
    nat, flt = base_rules(config)
    nat_chains = (KUBE_SERVICES, KUBE_NODEPORTS, KUBE_POSTROUTING, KUBE_MARK_MASQ, KUBE_PROXY_CANARY)
    flt_chains = (KUBE_SERVICES, KUBE_EXTERNAL_SERVICES, KUBE_FORWARD, KUBE_NODEPORTS,
                  KUBE_PROXY_FIREWALL, KUBE_PROXY_CANARY, KUBE_FIREWALL)
    head = ServiceRules(nat_chains, tuple(nat), tuple(flt), (), flt_chains)
    tail_nat, tail_flt = tail_rules(config)
    return head, ServiceRules((), tuple(tail_nat), tuple(tail_flt), ())


def sync_proxy_rules(per_service: Sequence[ServiceRules], config: ProxyConfig) -> IptablesTables:
    """One full sync from the (ordered) per-Service blocks: head, Services, tail."""
    head, tail = fixed_blocks(config)
    return IptablesTables((head, *per_service, tail))
