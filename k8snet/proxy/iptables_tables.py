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
from .iptables import (_NFACCT_INVALID, KUBE_EXTERNAL_SERVICES, KUBE_FIREWALL, KUBE_FORWARD, KUBE_MARK_MASQ,
                       KUBE_NODEPORTS, KUBE_POSTROUTING, KUBE_PROXY_CANARY, KUBE_PROXY_FIREWALL,
                       KUBE_SERVICES, NODEPORTS_COMMENT, ServiceRules, _addrtype, _comment, _ctstate, _mark,
                       _mark_or, _nfacct)
from .iptables_save import Rule, table_body, wrap_table
from .types import ProxyConfig

__all__ = ["IptablesTables", "sync_proxy_rules", "fixed_blocks", "base_rules", "tail_rules"]

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


def base_rules(config: ProxyConfig) -> tuple[list[Rule], list[Rule]]:
    """The fixed rules of every sync: ``(nat_rules, filter_rules)`` before any Service.

    Includes the jumps from the built-in chains (``iptablesJumpChains``).  kube-proxy adds
    each with ``EnsureRule(Prepend, ...)`` in list order, so in a built-in chain they end
    up in *reverse* list order; that is the order listed here.
    """
    mark = config.mark_value
    ct_new = _ctstate("NEW")
    nat = [
        Rule("nat", "PREROUTING", (_comment("kubernetes service portals"),), target=KUBE_SERVICES),
        Rule("nat", "OUTPUT", (_comment("kubernetes service portals"),), target=KUBE_SERVICES),
        Rule("nat", "POSTROUTING", (_comment("kubernetes postrouting rules"),), target=KUBE_POSTROUTING),
        Rule("nat", KUBE_POSTROUTING, (_mark(mark, negated=True),), target="RETURN"),
        Rule("nat", KUBE_POSTROUTING, (), target="MARK", target_opts=f"--set-xmark {mark:#x}/0x0"),
        Rule("nat", KUBE_POSTROUTING, (_comment("kubernetes service traffic requiring SNAT"),),
             target="MASQUERADE", target_opts="--random-fully"),
        Rule("nat", KUBE_MARK_MASQ, (), **_mark_or(mark)),
    ]
    lb_fw, ext_portals = "kubernetes load balancer firewall", "kubernetes externally-visible service portals"
    flt = [
        Rule("filter", "INPUT", (), target=KUBE_FIREWALL),
        Rule("filter", "INPUT", (ct_new, _comment(lb_fw)), target=KUBE_PROXY_FIREWALL),
        Rule("filter", "INPUT", (_comment("kubernetes health check service ports"),), target=KUBE_NODEPORTS),
        Rule("filter", "INPUT", (ct_new, _comment(ext_portals)), target=KUBE_EXTERNAL_SERVICES),
        Rule("filter", "FORWARD", (ct_new, _comment(lb_fw)), target=KUBE_PROXY_FIREWALL),
        Rule("filter", "FORWARD", (_comment("kubernetes forwarding rules"),), target=KUBE_FORWARD),
        Rule("filter", "FORWARD", (ct_new, _comment("kubernetes service portals")), target=KUBE_SERVICES),
        Rule("filter", "FORWARD", (ct_new, _comment(ext_portals)), target=KUBE_EXTERNAL_SERVICES),
        Rule("filter", "OUTPUT", (), target=KUBE_FIREWALL),
        Rule("filter", "OUTPUT", (ct_new, _comment(lb_fw)), target=KUBE_PROXY_FIREWALL),
        Rule("filter", "OUTPUT", (ct_new, _comment("kubernetes service portals")), target=KUBE_SERVICES),
    ]
    if config.localhost_nodeports:
        # The route_localnet hole is closed by this rule (issue 90259).
        flt.append(Rule("filter", KUBE_FIREWALL, (_comment("block incoming localnet connections"),
                                                  _ctstate("RELATED,ESTABLISHED,DNAT", negated=True)),
                        target="DROP", dst="127.0.0.0/8", src="127.0.0.0/8", src_neg=True))
    return nat, flt


def tail_rules(config: ProxyConfig) -> tuple[list[Rule], list[Rule]]:
    """The fixed rules written after every Service: ``(nat_rules, filter_rules)``.

    The KUBE-SERVICES → KUBE-NODEPORTS tail call (it must stay last in KUBE-SERVICES)
    and the KUBE-FORWARD rules.
    """
    nodeports = Rule("nat", KUBE_SERVICES, (_comment(NODEPORTS_COMMENT), _addrtype("dst")),
                     target=KUBE_NODEPORTS,
                     # "For IPv6 they never work": localhost NodePorts are blocked with ! -d ::1/128.
                     **({"dst": "::1/128", "dst_neg": True} if config.family == "IPv6" else
                        {} if config.localhost_nodeports else {"dst": "127.0.0.0/8", "dst_neg": True}))
    invalid = (_ctstate("INVALID"),) + ((_nfacct(_NFACCT_INVALID),) if config.nfacct else ())
    flt = [
        Rule("filter", KUBE_FORWARD, invalid, target="DROP"),
        Rule("filter", KUBE_FORWARD, (_comment("kubernetes forwarding rules"), _mark(config.mark_value)),
             target="ACCEPT"),
        Rule("filter", KUBE_FORWARD, (_comment("kubernetes forwarding conntrack rule"),
                                      _ctstate("RELATED,ESTABLISHED")), target="ACCEPT"),
    ]
    return [nodeports], flt
