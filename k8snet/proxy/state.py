"""One node's kube-proxy: its maps, its rendered rules and its kernel state.

``ProxyState`` plays upstream's ``Proxier`` minus the kernel calls: it owns the two change
trackers, knows which node it programs, and renders the rules of its mode.  Like
``syncProxyRules``' partial sync, it keeps the rendered rules of every Service port and
re-renders only the ones whose Service or endpoints changed since the last sync.

Everything a sync needs is kept up to date event by event, so that one pod going away in a
5,000-Service cluster costs one Service's work, not 5,000: the Service port names in sort
order (a bisect-maintained list), the endpoint count behind iptables' "large cluster mode",
and the set of Service ports each backend must re-render.
"""
from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING, Callable, Iterable, Mapping

from ..errors import UsageError
from . import iptables, ipvs
from .iptables_tables import IptablesTables, sync_proxy_rules
from .changetracker import EndpointsChangeTracker, ServiceChangeTracker
from .runtime import NodeRuntime
from .types import LARGE_CLUSTER_THRESHOLD, ProxyConfig, ServicePortInfo, ServicePortName

if TYPE_CHECKING:  # the nftables and ipvs-mode backends load when a proxier of that mode syncs
    from . import ipvs_ipset, nftables

__all__ = ["ProxyState"]


def node_internal_ip(node: Mapping | None, family: str | None = None) -> str:
    """The node's first ``InternalIP`` (of ``family``, when given) from ``status.addresses``
    ('' when unknown)."""
    for addr in ((node or {}).get("status") or {}).get("addresses") or ():
        if addr.get("type") == "InternalIP" and (family is None or (":" in addr["address"]) == (family == "IPv6")):
            return addr["address"]
    return ""


class ProxyState:
    """kube-proxy on one node: trackers, per-Service render cache, and kernel state.

    ``ProxyState(config, services=..., slices=..., nodes=...)`` builds everything from
    lists of API objects; ``update_service``/``update_endpoint_slice``/``update_node`` apply
    watch events.  ``iptables_save(table, now)``, ``nft()``, ``ipvsadm()`` and ``ipset_list()``
    render the mode's views (in ipvs mode ``iptables_save`` shows IPVS mode's own rules);
    ``runtime`` holds the per-node kernel state (recent lists, nft affinity sets, IPVS
    scheduler positions and connection counts) used by :func:`k8snet.proxy.trace.trace`.
    """

    #: What a state can render, each with its own cache: the three modes' rules, and the
    #: ipset entries of IPVS mode (its iptables rules are built from them).
    BACKENDS = ("iptables", "nftables", "ipvs", "ipset")

    def __init__(self, config: ProxyConfig, *, services: Iterable[Mapping] = (),
                 slices: Iterable[Mapping] = (), nodes: Iterable[Mapping] = ()) -> None:
        self.config = config
        self.services = ServiceChangeTracker(config.family)
        self.endpoints = EndpointsChangeTracker(config.node_name, config.family)
        self.node_ip = ""
        self.node_labels: dict[str, str] = {}
        self.runtime = NodeRuntime()
        # Upstream iterates a Go map (random order); we keep the names sorted so output is
        # reproducible, inserting and removing as Services come and go.
        self._names: list[ServicePortName] = []
        # Endpoints per Service port and their sum: iptables' large-cluster switch.
        self._endpoint_counts: dict[ServicePortName, int] = {}
        self._endpoint_total = 0
        # backend -> Service port -> its rendered rules; and the ports to render again.
        self._cache: dict[str, dict[ServicePortName, object]] = {b: {} for b in self.BACKENDS}
        self._stale: dict[str, set[ServicePortName]] = {b: set() for b in self.BACKENDS}
        # The assembled result of the last sync per backend, until something changes.
        self._synced: dict[str, object] = {}
        self._large_cluster: bool | None = None
        #: How many Service ports each backend rendered (tests use it to see partial syncs).
        self.render_count: dict[str, int] = {b: 0 for b in self.BACKENDS}
        for node in nodes:
            self.update_node(node)
        for svc in services:
            self.update_service(None, svc)
        for sl in slices:
            self.update_endpoint_slice(None, sl)

    # --- events ---------------------------------------------------------------------
    def update_service(self, old: Mapping | None, new: Mapping | None) -> set[ServicePortName]:
        """A Service was added (old=None), changed, or deleted (new=None)."""
        changed = self.services.update(old, new)
        for name in changed:
            i = bisect.bisect_left(self._names, name)
            listed = i < len(self._names) and self._names[i] == name
            if self.services.get(name) is None:
                if listed:
                    del self._names[i]
            elif not listed:
                self._names.insert(i, name)
        self._invalidate(changed)
        return changed

    def update_endpoint_slice(self, old: Mapping | None, new: Mapping | None) -> set[ServicePortName]:
        """An EndpointSlice was added, changed or deleted."""
        changed = self.endpoints.update_endpoint_slice(old, new)
        self._invalidate(changed)
        return changed

    def update_node(self, node: Mapping) -> bool:
        """A Node changed.  Only this node's IP and labels matter; a change forces a full
        re-render (upstream sets ``needFullSync`` when the node's labels change)."""
        if node.get("metadata", {}).get("name") != self.config.node_name:
            return False
        ip, labels = node_internal_ip(node, self.config.family), dict(node["metadata"].get("labels") or {})
        if (ip, labels) == (self.node_ip, self.node_labels):
            return False
        self.node_ip, self.node_labels = ip, labels
        for backend in self.BACKENDS:
            self._rerender_all(backend)
        return True

    def _invalidate(self, names: Iterable[ServicePortName]) -> None:
        # Called with the Service ports whose info or endpoints changed.
        for name in names:
            self._synced.clear()
            count = len(self.endpoints.endpoints_for(name)) if self.services.get(name) else 0
            self._endpoint_total += count - self._endpoint_counts.pop(name, 0)
            if count:
                self._endpoint_counts[name] = count
            for backend in self.BACKENDS:
                self._cache[backend].pop(name, None)
                self._stale[backend].add(name)

    def _rerender_all(self, backend: str) -> None:
        # needFullSync: every Service port of this backend is rendered again.
        self._cache[backend].clear()
        self._stale[backend] = set(self._names)
        self._synced.pop(backend, None)

    # --- maps -----------------------------------------------------------------------
    def service_port_map(self) -> dict[ServicePortName, ServicePortInfo]:
        """The current ServicePortMap."""
        return self.services.service_port_map()

    def endpoints_map(self):
        """The current EndpointsMap."""
        return self.endpoints.endpoints_map()

    def _blocks(self, backend: str, build: Callable[[ServicePortInfo, tuple], object]) -> list:
        """The backend's rendered blocks in Service-port order, re-rendering stale ones only."""
        cache = self._cache[backend]
        for name in self._stale[backend]:
            info = self.services.get(name)
            if info is not None:
                cache[name] = build(info, self.endpoints.endpoints_for(name))
                self.render_count[backend] += 1
        self._stale[backend].clear()
        return [cache[name] for name in self._names]

    # --- backends -------------------------------------------------------------------
    def iptables_tables(self) -> IptablesTables:
        """The nat and filter tables this node's kube-proxy (iptables mode) programs."""
        if "iptables" not in self._synced:
            self._synced["iptables"] = self._sync_iptables()
        return self._synced["iptables"]

    def _sync_iptables(self) -> IptablesTables:
        large = self._endpoint_total > LARGE_CLUSTER_THRESHOLD
        if large != self._large_cluster:
            # Crossing the threshold changes every SEP comment: re-render all.
            self._large_cluster = large
            self._rerender_all("iptables")
        per_service = self._blocks("iptables", lambda info, eps: iptables.service_rules(
            info, eps, self.config, self.node_labels, self.node_ip, large))
        return sync_proxy_rules(per_service, self.config)

    def iptables_save(self, table: str = "nat", now: float = 0.0) -> str:
        """What ``iptables-save -t <table>`` prints on this node (simulated time ``now``).

        In ipvs mode these are IPVS mode's rules (:meth:`ipvs_iptables_tables`).
        """
        tool = "ip6tables-save" if self.config.family == "IPv6" else "iptables-save"
        if self.config.mode == "ipvs":
            text = self.ipvs_iptables_tables().save(table, now, tool)
            # The IPv6 proxier's rules match its own sets, named KUBE-6-... (ipvs/ipset.go).
            if self.config.family == "IPv6":
                from . import ipvs_ipset
                text = re.sub(r"--match-set (KUBE-[A-Z0-9-]+)",
                              lambda m: "--match-set " + ipvs_ipset.set_name(m.group(1), "IPv6"), text)
            return text
        return self.iptables_tables().save(table, now, tool)

    def nft_table(self) -> nftables.NFTable:
        """The ``ip kube-proxy`` table this node's kube-proxy (nftables mode) programs."""
        if "nftables" not in self._synced:
            self._synced["nftables"] = self._sync_nftables()
        return self._synced["nftables"]

    def _sync_nftables(self) -> nftables.NFTable:
        from . import nftables  # only an nftables-mode proxier loads its backend
        per_service = self._blocks("nftables", lambda info, eps: nftables.service_objects(
            info, eps, self.config, self.node_labels, self.node_ip))
        return nftables.sync_proxy_rules(per_service, self.config, self.node_ip)

    def nft(self) -> str:
        """What ``nft list table ip kube-proxy`` prints on this node (``ip6 kube-proxy`` for
        the IPv6 proxier)."""
        return self.nft_table().render(self.config.family)

    def ipvs_services(self) -> list[ipvs.VirtualServer]:
        """The IPVS virtual servers this node's kube-proxy (ipvs mode) programs."""
        if "ipvs" not in self._synced:
            self._synced["ipvs"] = self._sync_ipvs()
        return list(self._synced["ipvs"])

    def _sync_ipvs(self) -> list[ipvs.VirtualServer]:
        out: list[ipvs.VirtualServer] = []
        for servers in self._blocks("ipvs", lambda info, eps: ipvs.service_virtual_servers(
                info, eps, self.config, self.node_labels, self.node_ip)):
            out += servers
        return ipvs.sort_services(out)

    def ipvsadm(self) -> str:
        """What ``ipvsadm -Ln`` prints on this node (connection counts from ``runtime``)."""
        return ipvs.ipvsadm_ln(self.ipvs_services(), self.runtime.ipvs)

    def ipsets(self) -> ipvs_ipset.IPSets:
        """kube-proxy's ipsets (ipvs mode) and their members after the last sync."""
        return self._sync_ipsets()[0]

    def ipvs_iptables_tables(self) -> IptablesTables:
        """The nat and filter tables kube-proxy programs in ipvs mode (rules over ipsets)."""
        return self._sync_ipsets()[1]

    def _sync_ipsets(self) -> tuple[ipvs_ipset.IPSets, IptablesTables]:
        if "ipset" not in self._synced:
            from . import ipvs_iptables, ipvs_ipset  # only an ipvs-mode proxier loads these
            sets = ipvs_ipset.sync_ipsets(self._blocks("ipset", lambda info, eps: ipvs_ipset.service_entries(
                info, eps, self.node_ip)))
            self._synced["ipset"] = (sets, ipvs_iptables.sync_tables(sets, self.config))
        return self._synced["ipset"]

    def ipset_list(self) -> str:
        """What ``ipset list`` prints on this node for kube-proxy's sets (ipvs mode)."""
        from . import ipvs_iptables, ipvs_ipset
        sets, tables = self._sync_ipsets()
        return ipvs_ipset.ipset_list(sets, ipvs_iptables.set_references(tables), self.config.node_name,
                                     self.config.family)

    def render(self, now: float = 0.0) -> str:
        """The main view of this node's mode (iptables: the nat table)."""
        mode = self.config.mode
        if mode == "iptables":
            return self.iptables_save("nat", now)
        if mode == "nftables":
            return self.nft()
        if mode == "ipvs":
            return self.ipvsadm()
        raise UsageError(f"unknown proxy mode {mode!r}: use iptables, nftables or ipvs")
