"""What a cluster lets you look at: DNS as CoreDNS and the kubelet see it, and the rules
kube-proxy wrote on each node (per IP family on a dual-stack node).  A mixin of ``Cluster``:
the methods run under the cluster's lock like every public method (see ``cluster.py``).
"""
from __future__ import annotations

from .errors import UsageError, require

__all__ = ["ClusterViews"]


class ClusterViews:
    """``Cluster``'s DNS and kube-proxy views (see docs/API.md)."""

    # -- DNS -------------------------------------------------------------------------
    def resolve(self, name: str, *, qtype: str = "A", from_pod: str | None = None):
        """Resolve ``name`` as CoreDNS answers it; from a pod, through its resolv.conf search
        list and ``ndots:5`` (``.tried`` lists every name asked)."""
        from . import dnsview
        require("resolve()", "name", name, (str,), "a DNS name")
        require("resolve()", "qtype", qtype, (str,), "a record type such as 'A' or 'SRV'")
        require("resolve()", "from_pod", from_pod, (str, type(None)), "a pod as 'namespace/name'")
        return dnsview.resolve(self, name, qtype, from_pod)

    def resolv_conf(self, pod: str) -> str:
        """The /etc/resolv.conf the kubelet wrote for ``pod`` ("ns/name")."""
        from . import dnsview
        return dnsview.resolv_conf(self, pod)

    def pod_env(self, pod: str) -> list[tuple[str, str]]:
        """The environment ``env`` prints in ``pod``, Service variables included."""
        from . import dnsview
        return dnsview.pod_env(self, pod)

    def nslookup(self, name: str, *, from_pod: str | None = None) -> tuple[str, int]:
        """What busybox ``nslookup NAME`` prints in ``from_pod``, and its exit code."""
        from . import dnsview
        return dnsview.nslookup(self, name, from_pod)

    # -- kube-proxy's rules ---------------------------------------------------------------
    def iptables_save(self, node: str, table: str = "nat", *, family: str | None = None) -> str:
        """What ``iptables-save -t TABLE`` prints on ``node`` for kube-proxy's rules (iptables
        mode; in ipvs mode, the few rules over ipsets that IPVS mode writes): the IPv4
        proxier's.  ``family="IPv6"`` is ``ip6tables-save``: the IPv6 proxier's rules."""
        require("iptables_save()", "node", node, (str,), "a node name")
        require("iptables_save()", "table", table, (str,), "'nat' or 'filter'")
        require("iptables_save()", "family", family, (str, type(None)), "'IPv4' or 'IPv6'")
        if table not in ("nat", "filter"):
            raise UsageError(f"table={table!r}: kube-proxy writes the 'nat' and 'filter' tables")
        return self.kube_proxy.view(node, ("iptables", "ipvs"), lambda s: s.iptables_save(table, now=self._now),
                                    family=family or "IPv4")

    def ip6tables_save(self, node: str, table: str = "nat") -> str:
        """What ``ip6tables-save -t TABLE`` prints on ``node``: the IPv6 proxier's rules."""
        return self.iptables_save(node, table, family="IPv6")

    def nft(self, node: str, family: str = "ip") -> str:
        """What ``nft list table ip kube-proxy`` prints on ``node`` (nftables mode);
        ``family="ip6"`` is ``nft list table ip6 kube-proxy``, the IPv6 proxier's table."""
        require("nft()", "node", node, (str,), "a node name")
        if family not in ("ip", "ip6"):
            raise UsageError(f'nft(family={family!r}): kube-proxy\'s tables are "ip kube-proxy" (IPv4) and '
                             '"ip6 kube-proxy" (IPv6)')
        return self.kube_proxy.view(node, "nftables", lambda s: s.nft(), family="IPv6" if family == "ip6" else "IPv4")

    def ipvsadm(self, node: str) -> str:
        """What ``ipvsadm -Ln`` prints on ``node`` (ipvs mode): the virtual servers of every
        family (on a dual-stack node both proxiers program the same IPVS table)."""
        require("ipvsadm()", "node", node, (str,), "a node name")
        return self.kube_proxy.view(node, "ipvs", lambda s: self.kube_proxy.ipvsadm(node))

    def ipset(self, node: str) -> str:
        """What ``ipset list`` prints on ``node``: kube-proxy's ipsets and their members (ipvs mode;
        on a dual-stack node the IPv6 proxier's ``KUBE-6-`` sets follow the IPv4 ones)."""
        return self.kube_proxy.view(node, "ipvs", lambda s: "\n".join(
            self.kube_proxy.state(node, f).ipset_list() for f in self.ip_families), what="ipsets")

    def stop_kube_proxy(self, node: str) -> None:
        """kube-proxy on ``node`` stops (crashed, killed): the rules it wrote stay, stale.
        Services that existed keep working from there; new Services and endpoint changes
        are not applied on that node until kube-proxy runs again."""
        self._node(node)
        self.kube_proxy.stop(node)

    def start_kube_proxy(self, node: str) -> None:
        """kube-proxy on ``node`` runs again and resyncs every rule."""
        self._node(node)
        self.kube_proxy.start(node)
