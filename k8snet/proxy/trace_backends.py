"""Packet walks for the nftables and IPVS modes (see :mod:`.trace` for the iptables one).

nftables: the base chains run in hook order and priority (filter-prerouting-pre-dnat at
dstnat-10 before nat-prerouting at dstnat; filter-output-pre-dnat, nat-output, then
filter-output at filter priority), verdict
maps are looked up with the packet's ``daddr . l4proto . dport``, and ``numgen random mod N``
draws ``int(rng.random() * N)``.

IPVS: the ClusterIPs sit on the ``kube-ipvs0`` dummy interface, so a packet for a virtual
server is local and meets IPVS on LOCAL_IN; the scheduler (rr, lc, sh, with persistence for
``ClientIP`` affinity) picks the real server.  Masquerading follows the iptables rules
kube-proxy's ipvs mode keeps (KUBE-MARK-MASQ for off-cluster sources to a ClusterIP, for
NodePort / LoadBalancer / external-IP traffic unless ``externalTrafficPolicy: Local``, and
KUBE-LOOP-BACK for a pod reaching itself).
"""
from __future__ import annotations

from .trace import Entry, Packet, TraceResult, TraceStep, Verdict, _remember, _Replay, in_cidr, is_local

__all__ = ["trace_nftables", "trace_ipvs"]

_HOOKS = {
    "prerouting": ("filter-prerouting-pre-dnat", "nat-prerouting"),
    "input": ("filter-input",),
    "forward": ("filter-forward",),
    "output": ("filter-output-pre-dnat", "nat-output", "filter-output"),
    "postrouting": ("nat-postrouting",),
}


def _addr_match(ip: str, value: str) -> bool:
    values = [v.strip() for v in value.strip("{} ").split(",")]
    return any(in_cidr(ip, v) for v in values)


class _NftWalker:
    def __init__(self, table, pkt: Packet, node_ip: str, rng, runtime, now: float):
        self.table, self.pkt, self.node_ip = table, pkt, node_ip
        self.rng, self.runtime, self.now = rng, runtime, now
        self.steps: list[TraceStep] = []
        #: (N, pick) of each ``numgen random mod N`` met, and how many were met before the walk
        #: first read or wrote the node's affinity sets (None: it never did).
        self.draws: list[tuple[int, int]] = []
        self.draws_before_state: int | None = None

    def _state(self) -> None:
        if self.draws_before_state is None:
            self.draws_before_state = len(self.draws)

    def _lookup(self, map_name: str, key: str) -> str | None:
        for k, v, comment in self.table.set(map_name).elements:
            if k == key:
                if comment and self.pkt.service is None:
                    self.pkt.service = comment  # no-endpoint elements carry "ns/name:port"
                return v
        return None

    def _cond(self, e: tuple) -> bool:
        p, kind = self.pkt, e[0]
        if kind == "ct_new":
            return "NEW" in p.ct
        if kind in ("daddr", "saddr"):
            return _addr_match(p.dst if kind == "daddr" else p.src, e[1]) != e[2]
        if kind == "dport":
            return p.proto == e[1] and p.dport == e[2]
        if kind == "l4proto":
            return p.proto == e[1]
        if kind in ("daddr_set", "saddr_set"):
            ip = p.dst if kind == "daddr_set" else p.src
            if e[1].startswith("affinity-"):
                self._state()
                return self.runtime.nft_lookup(e[1], ip, self.now)
            return any(k == ip for k, _, _ in self.table.set(e[1]).elements)
        if kind == "fib_local":
            return is_local(p.src if e[1] == "saddr" else p.dst, self.node_ip)
        if kind == "mark_zero":
            return p.mark & e[1] == 0
        return True

    def run(self, chain: str) -> str | None:
        """Run a chain: a final verdict ('accept', 'drop', 'reject'), or None to go back."""
        for rule in self.table.chain(chain).rules:
            text, prob, verdict = rule.text(), None, None
            ok = True
            for e in rule.exprs:
                kind = e[0]
                if kind in ("jump", "goto"):
                    verdict = (kind, e[1])
                elif kind == "vmap":
                    p = self.pkt
                    key = f"{p.dst} . {p.proto} . {p.dport}" if e[1] == "addr" else f"{p.proto} . {p.dport}"
                    found = self._lookup(e[2], key)
                    if found is None:
                        ok = False
                        break
                    verdict = tuple(found.split(" ", 1)) if " " in found else (found,)
                elif kind == "numgen":
                    n = len(e[1])
                    pick = int(self.rng.random() * n)
                    self.draws.append((n, pick))
                    prob = 1.0 / n
                    verdict = ("goto", e[1][pick])
                elif kind == "mark_or":
                    self.pkt.mark |= e[1]
                elif kind == "mark_xor":
                    self.pkt.mark ^= e[1]
                elif kind == "masquerade":
                    self.pkt.masqueraded = True
                    verdict = ("accept",)
                elif kind == "dnat":
                    self.pkt.dnat = e[1]
                    self.pkt.dst, port = e[1].rsplit(":", 1)
                    self.pkt.dport = int(port)
                    self.pkt.ct.add("DNAT")
                    verdict = ("accept",)
                elif kind == "update":
                    self._state()
                    timeout = self.table.set(e[1]).timeout
                    self.runtime.nft_update(e[1], self.pkt.src, self.now, timeout)
                elif kind in ("reject", "drop", "return"):
                    verdict = (kind,)
                elif not self._cond(e):
                    ok = False
                    break
            if not ok:
                continue
            if "/" in chain and chain.startswith(("service-", "local-")):
                self.pkt.service = self.pkt.service or _service_of(chain)
            action = " ".join(verdict) if verdict else "continue"
            self.steps.append(TraceStep("ip kube-proxy", chain, text, action, prob))
            if verdict is None:
                continue
            if verdict[0] == "jump":
                res = self.run(verdict[1])
                if res is not None:
                    return res
                continue
            if verdict[0] == "goto":
                return self.run(verdict[1])
            if verdict[0] == "return":
                return None
            return verdict[0]
        return None

    def hook(self, name: str) -> str | None:
        """Run every base chain on one hook, in priority order; 'drop'/'reject' or None."""
        for chain in _HOOKS[name]:
            res = self.run(chain)
            if res in ("drop", "reject"):
                return res
        return None


def _service_of(chain: str) -> str:
    # "service-HASH-ns/name/proto/port" -> "ns/name:port"
    ns, name, _proto, port = chain.split("-", 2)[2].split("/")
    return f"{ns}/{name}" + (f":{port}" if port else "")


# As for iptables (trace.py), the walks already made are remembered per table object (a sync
# builds a new one) as a tree of draws: an _NftFork is a ``numgen random mod N`` verdict, its
# branches the element drawn. Replaying draws ``rng.random()`` at each fork as the walk would;
# a branch not walked yet, or a path that reads the affinity sets, is walked for real.
class _NftFork:
    __slots__ = ("n", "branches")

    def __init__(self, n: int):
        self.n, self.branches = n, {}


# id(table) -> (table, packet key -> root). NFTable has slots and no weak references: the
# entry holds its table (so the id stays its own), and a few dozen tables are kept at most.
_NFT_PATHS: dict[int, tuple] = {}
_MAX_TABLES = 32


def trace_nftables(state, pkt: Packet, entry: Entry, rng, runtime, now) -> TraceResult:
    """Walk one packet through the ``ip kube-proxy`` table (or replay a walk made before)."""
    table = state.nft_table()
    known = _NFT_PATHS.get(id(table))
    if known is None or known[0] is not table:
        if len(_NFT_PATHS) >= _MAX_TABLES:
            _NFT_PATHS.clear()
        known = _NFT_PATHS[id(table)] = (table, {})
    paths = known[1]
    key = (state.node_ip, pkt.src, pkt.dst, pkt.dport, pkt.proto, entry)
    node, taken = paths.get(key), []
    while isinstance(node, _NftFork):
        value = rng.random()
        taken.append(value)
        node = node.branches.get(int(value * node.n))
    if isinstance(node, TraceResult):
        return node
    w = _NftWalker(table, pkt, state.node_ip, _Replay(rng, taken) if taken else rng, runtime, now)
    result = _walk_nftables(w, state, pkt, entry)
    _remember(paths, key, w, result, _NftFork)
    return result


def _walk_nftables(w: _NftWalker, state, pkt: Packet, entry: Entry) -> TraceResult:
    hooks = ["output"] if entry is Entry.NODE else ["prerouting"]
    res = w.hook(hooks[0])
    if res is None and entry is not Entry.NODE:
        res = w.hook("input" if is_local(pkt.dst, state.node_ip) else "forward")
    if res in ("drop", "reject"):
        return TraceResult(Verdict(res.upper()), None, False, pkt.service, tuple(w.steps), "nftables")
    w.hook("postrouting")
    v = Verdict.DNAT if pkt.dnat else Verdict.NO_MATCH
    return TraceResult(v, pkt.dnat, pkt.masqueraded, pkt.service, tuple(w.steps), "nftables")


def trace_ipvs(state, pkt: Packet, entry: Entry, rng, runtime, now) -> TraceResult:
    """Find the virtual server, let its scheduler pick a real server, decide masquerade."""
    key = (pkt.proto.upper(), pkt.dst, pkt.dport)
    vs = next((v for v in state.ipvs_services() if v.key == key), None)
    if vs is None:
        return TraceResult(Verdict.NO_MATCH, None, False, None, (), "ipvs")
    steps = [TraceStep("ipvs", vs.line(), vs.line(), f"virtual server for {vs.service}")]
    if vs.kind == "loadbalancer" and _ipvs_firewall_drops(state, pkt, steps):
        return TraceResult(Verdict.DROP, None, False, vs.service, tuple(steps), "ipvs")
    rs, how = runtime.ipvs.schedule(vs, pkt.src, now)
    if rs is None:
        # The VIP is a local address (kube-ipvs0) with no real server and nothing
        # listening: the node's stack refuses the connection.
        steps.append(TraceStep("ipvs", vs.line(), "(no real servers)", "connection refused by the node"))
        return TraceResult(Verdict.REJECT, None, False, vs.service, tuple(steps), "ipvs")
    n = len([r for r in vs.real_servers if r.weight > 0])
    steps.append(TraceStep("ipvs", vs.line(), f"  -> {rs}", f"{how}; Masq to {rs}",
                           1.0 / n if vs.scheduler == "rr" or vs.scheduler == "sh" else None))
    cfg = state.config
    if vs.kind == "cluster":
        masq = cfg.masquerade_all or not in_cidr(pkt.src, cfg.cluster_cidr)
    else:
        masq = not vs.external_policy_local or entry is Entry.NODE
    if pkt.src == rs.address:
        masq = True  # KUBE-LOOP-BACK: a pod reaching itself through its Service
    if masq:
        steps.append(TraceStep("nat", "KUBE-POSTROUTING", '-A KUBE-POSTROUTING -m comment --comment '
                               '"kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully',
                               "MASQUERADE (SNAT to the node's address)"))
    return TraceResult(Verdict.DNAT, str(rs), masq, vs.service, tuple(steps), "ipvs")


def _ipvs_firewall_drops(state, pkt: Packet, steps: list) -> bool:
    """filter KUBE-PROXY-FIREWALL in ipvs mode (pkg/proxy/ipvs/proxier.go): a load-balancer IP:port
    in KUBE-LOAD-BALANCER-FW goes to KUBE-SOURCE-RANGES-FIREWALL, which RETURNs for a source in
    KUBE-LOAD-BALANCER-SOURCE-CIDR (or the LB IP itself, KUBE-LOAD-BALANCER-SOURCE-IP) and DROPs the rest."""
    import ipaddress
    from .ipvs_ipset import LB_SOURCE_CIDR, LB_SOURCE_IP, LOAD_BALANCER_FW
    sets = state.ipsets().members
    entry = f"{pkt.dst},{pkt.proto.lower()}:{pkt.dport}"
    if entry not in sets.get(LOAD_BALANCER_FW, ()):
        return False
    steps.append(TraceStep("filter", "KUBE-PROXY-FIREWALL", '-A KUBE-PROXY-FIREWALL -m comment --comment "Kubernetes '
                           'service load balancer ip + port for load balancer with sourceRange" -m set --match-set '
                           'KUBE-LOAD-BALANCER-FW dst,dst -j KUBE-SOURCE-RANGES-FIREWALL', "jump"))
    src = ipaddress.ip_address(pkt.src)
    for member in sets.get(LB_SOURCE_CIDR, ()):
        if member.startswith(entry + ",") and src in ipaddress.ip_network(member.rsplit(",", 1)[1], strict=False):
            return False
    if f"{entry},{pkt.src}" in sets.get(LB_SOURCE_IP, ()):
        return False
    steps.append(TraceStep("filter", "KUBE-SOURCE-RANGES-FIREWALL", "-A KUBE-SOURCE-RANGES-FIREWALL -j DROP", "DROP"))
    return True
