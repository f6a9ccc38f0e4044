"""The connectivity matrix of every pod to every pod: the e2e "reachability" truth table.

test/e2e/network/netpol probes every ordered pair of pods and prints the result with
``TruthTable.PrettyPrint``: a header ``-`` followed by the destination names, one row per
source, ``.`` for connected and ``X`` for blocked, tab-separated.  ``Matrix.to_text()``
prints the same table.

Speed: the booleans come from bit masks, one Python int per pod (bit *j* = pod *j*), so a
cell costs a shift and an AND.  Which policies select which pods, and which pods each
peer matches, is computed once per distinct selector.  Full ``Verdict``s (with reasons)
are computed on demand, per cell, with the same rules as ``evaluate()``.
"""
from __future__ import annotations

from typing import Iterable, Mapping, Sequence

from ..errors import UsageError
from .evaluate import Context, Verdict, check_connection, decide
from .plugins import Plugin, plugin as get_plugin
from .policy import Endpoint, NetworkPolicyPeer, Policy, Rule

__all__ = ["Matrix", "matrix"]


class _Masks:
    """Bit masks over the matrix pods, cached by selector so shared selectors cost once."""

    def __init__(self, ctx: Context, pods: Sequence[Endpoint], cni: Plugin):
        self.ctx, self.pods, self.cni = ctx, pods, cni
        self.all = (1 << len(pods)) - 1
        self.by_ns: dict[str, int] = {}
        for i, ep in enumerate(pods):
            if ep.on_pod_network:
                self.by_ns[ep.namespace] = self.by_ns.get(ep.namespace, 0) | (1 << i)
        self._cache: dict[object, int] = {}

    def _pods_where(self, candidates: int, test) -> int:
        mask, rest = 0, candidates
        while rest:
            low = rest & -rest
            i = low.bit_length() - 1
            if test(self.pods[i]):
                mask |= low
            rest ^= low
        return mask

    def selected(self, policy: Policy) -> int:
        """Pods the policy's spec.podSelector selects (pod-network pods of its namespace)."""
        return self.peer(policy, NetworkPolicyPeer(pod_selector=policy.pod_selector))

    def peer(self, policy: Policy, peer: NetworkPolicyPeer) -> int:
        """Pods a from/to entry of ``policy`` matches."""
        if peer.ip_block is not None:
            key: object = ("ip", peer.ip_block)
        elif peer.namespace_selector is None:
            key = ("pod", policy.namespace, peer.pod_selector)
        else:
            key = ("ns", peer.namespace_selector, peer.pod_selector)
        if key not in self._cache:
            if peer.ip_block is not None or (peer.namespace_selector is None
                                              and peer.pod_selector is None):
                mask = self._pods_where(self.all, lambda ep: self.ctx.peer_matches(
                    policy, peer, ep, self.cni))
            elif peer.namespace_selector is None:
                mask = self._pods_where(self.by_ns.get(policy.namespace, 0),
                                        lambda ep: peer.pod_selector.matches(ep.labels))
            else:
                mask = 0
                for ns, in_ns in self.by_ns.items():
                    if peer.namespace_selector.matches(self.ctx.namespace_labels(ns)):
                        mask |= in_ns if peer.pod_selector is None else self._pods_where(
                            in_ns, lambda ep: peer.pod_selector.matches(ep.labels))
            self._cache[key] = mask
        return self._cache[key]

    def rule_peers(self, policy: Policy, rule: Rule) -> int:
        """Pods matched by any peer of the rule (every pod when it has none)."""
        if rule.peers is None:
            return self.all
        mask = 0
        for peer in rule.peers:
            mask |= self.peer(policy, peer)
        return mask

    def rule_dest_ports(self, rule: Rule, port: int, protocol: str) -> int:
        """Egress: destination pods on which the rule's ports match ``port``."""
        if rule.ports is None:
            return self.all
        mask = 0
        for p in rule.ports:
            if p.port is None or isinstance(p.port, int):
                if p.matches(port, protocol, None):
                    return self.all
            else:
                key = ("named", p, port, protocol)
                if key not in self._cache:
                    self._cache[key] = self._pods_where(
                        self.all, lambda ep: p.matches(port, protocol, ep))
                mask |= self._cache[key]
        return mask


def _reachability(masks: _Masks, port: int, protocol: str) -> tuple[int, ...]:
    """Row bit masks: bit d of row s is set when s may connect to d."""
    ctx, pods, full = masks.ctx, masks.pods, masks.all
    n, cni = len(pods), masks.cni
    if not cni.enforces:
        return (full,) * n
    egress_rows, ingress_free, by_in_mask = [], full, {}
    for i, ep in enumerate(pods):
        out = ctx.applying(ep, "egress")
        row = full if not out else 0
        for pol in out:
            for rule in pol.egress_rules:
                row |= masks.rule_peers(pol, rule) & masks.rule_dest_ports(rule, port, protocol)
        egress_rows.append(row)
        into = ctx.applying(ep, "ingress")
        if into:
            ingress_free &= ~(1 << i)
            allowed_from = 0
            for pol in into:
                for rule in pol.ingress_rules:
                    if rule.ports is None or any(p.matches(port, protocol, ep) for p in rule.ports):
                        allowed_from |= masks.rule_peers(pol, rule)
            by_in_mask[allowed_from] = by_in_mask.get(allowed_from, 0) | (1 << i)
    # Transpose "d accepts from s" into rows, once per distinct ingress mask.
    ingress_rows = [ingress_free] * n
    for allowed_from, dests in by_in_mask.items():
        rest = allowed_from
        while rest:
            low = rest & -rest
            s = low.bit_length() - 1
            ingress_rows[s] |= dests
            rest ^= low
    rows = []
    for s, ep in enumerate(pods):
        row = egress_rows[s] & ingress_rows[s] | (1 << s)  # a pod cannot block itself
        if ep.host_network:  # node traffic: always allowed into the node's own pods
            row |= masks._pods_where(full, lambda d: d.on_pod_network and (
                d.host_ip == ep.ip or (ep.node is not None and d.node == ep.node)))
        rows.append(row)
    return tuple(rows)


class Matrix:
    """Reachability of every pod to every pod, per port, under one CNI.

    ``pods`` are the ``namespace/name`` keys (rows = sources, columns = destinations).
    ``allowed(src, dst, port)`` is the boolean; ``verdict(src, dst, port)`` (also
    ``m[src, dst, port]``) the full ``Verdict``, computed when first asked.
    """

    def __init__(self, ctx: Context, pods: Sequence[Endpoint], ports: tuple[int, ...],
                 protocol: str, cni: Plugin):
        self._ctx, self._eps, self._cni = ctx, tuple(pods), cni
        self.pods: tuple[str, ...] = tuple(ep.key for ep in pods)
        self.ports, self.protocol, self.cni = ports, protocol, cni.name
        self._pos = {k: i for i, k in enumerate(self.pods)}
        masks = _Masks(ctx, self._eps, cni)
        self._rows = {port: _reachability(masks, port, protocol) for port in ports}
        self._verdicts: dict[tuple[str, str, int], Verdict] = {}

    def _port(self, port: int | None) -> int:
        if port is None:
            return self.ports[0]
        if port not in self._rows:
            raise UsageError(f"port {port} is not in this matrix (ports {list(self.ports)})")
        return port

    def _index(self, key: str) -> int:
        try:
            return self._pos[key]
        except KeyError:
            raise UsageError(f"{key!r} is not a pod of this matrix") from None

    def allowed(self, src: str, dst: str, port: int | None = None) -> bool:
        """May pod ``src`` connect to pod ``dst`` (``namespace/name``) on ``port``?"""
        row = self._rows[self._port(port)][self._index(src)]
        return bool(row >> self._index(dst) & 1)

    def verdict(self, src: str, dst: str, port: int | None = None) -> Verdict:
        """The ``Verdict`` for one cell, with the policies that decided it."""
        port = self._port(port)
        key = (src, dst, port)
        if key not in self._verdicts:
            s, d = self._eps[self._index(src)], self._eps[self._index(dst)]
            self._verdicts[key] = decide(self._ctx, s, d, port, self.protocol, self._cni)
        return self._verdicts[key]

    def __getitem__(self, key: tuple) -> Verdict:
        return self.verdict(*key)

    def rows(self, port: int | None = None) -> list[tuple[str, list[bool]]]:
        """``[(src, [allowed to each pod, in column order]), ...]`` for one port."""
        n = len(self.pods)
        return [(src, [bool(row >> d & 1) for d in range(n)])
                for src, row in zip(self.pods, self._rows[self._port(port)])]

    def to_text(self, port: int | None = None) -> str:
        """The table as the e2e ``TruthTable.PrettyPrint`` prints it: ``.`` allowed, ``X``
        denied.  With several ports and no ``port`` given, one table per port, each after
        a ``TCP/80:`` line, separated by blank lines."""
        if port is not None or len(self.ports) == 1:
            return self._table(self._port(port))
        return "\n\n".join(f"{self.protocol}/{p}:\n{self._table(p)}" for p in self.ports)

    def _table(self, port: int) -> str:
        n, marks = len(self.pods), str.maketrans("01", "X.")
        lines = ["\t".join(["-", *self.pods])]
        for src, row in zip(self.pods, self._rows[port]):
            bits = format(row, f"0{n}b")[::-1].translate(marks) if n else ""
            lines.append("\t".join([src, *bits]))
        return "\n".join(lines)

    def to_graph(self, port: int | None = None, *, denied: str = "dashed"):
        """A ``graphviz.Digraph`` of one port; see ``k8snet.netpol.graph``."""
        from .graph import matrix_graph
        return matrix_graph(self, self._port(port), denied=denied)

    def endpoint(self, key: str) -> Endpoint:
        """The pod endpoint behind a key (namespace, IP, node) for renderers."""
        return self._eps[self._index(key)]


def matrix(policies: Iterable[Mapping], pods: Iterable[Mapping], namespaces: Iterable[Mapping],
           *, ports: Iterable[int] = (80,), protocol: str = "TCP", cni: str = "calico",
           pod_names: Sequence[str] | None = None) -> Matrix:
    """The connectivity matrix of ``pods`` (or of ``pod_names``, in that order) on each of
    ``ports``.  Without ``pod_names`` the pods are sorted by namespace, then name, as the
    e2e model lists them (x/a, x/b, ..., z/c)."""
    ctx = Context(policies, pods, namespaces)
    if pod_names is None:
        eps = sorted(ctx.pods, key=lambda ep: (ep.namespace, ep.key))
    else:
        eps = [ctx.endpoint(name) for name in pod_names]
        outside = [ep.key for ep in eps if not ep.is_pod]
        if outside:
            raise UsageError(f"pod_names takes namespace/name of pods, not {', '.join(outside)}")
    ports = tuple(ports)
    if not ports:
        raise UsageError("matrix needs at least one port")
    for p in ports:
        check_connection(p, protocol)
    return Matrix(ctx, eps, ports, protocol, get_plugin(cni))
