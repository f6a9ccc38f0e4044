"""One node's kube-proxy: its maps, its rendered rules and its kernel state.

``ProxyState`` plays upstream's ``Proxier`` minus the kernel calls: it owns the two change
trackers, knows which node it programs, and renders the rules of its mode.  Like
``syncProxyRules``' partial sync, it keeps the rendered rules of every Service port and
re-renders only the ones whose Service or endpoints changed since the last sync.
"""
from __future__ import annotations

from typing import Iterable, Mapping

from ..errors import UsageError
from . import iptables, ipvs, nftables
from .changetracker import EndpointsChangeTracker, ServiceChangeTracker
from .runtime import NodeRuntime
from .types import LARGE_CLUSTER_THRESHOLD, ProxyConfig, ServicePortInfo, ServicePortName

__all__ = ["ProxyState"]


def node_internal_ip(node: Mapping | None) -> str:
    """The node's first ``InternalIP`` from ``status.addresses`` ('' when unknown)."""
    for addr in ((node or {}).get("status") or {}).get("addresses") or ():
        if addr.get("type") == "InternalIP":
            return addr["address"]
    return ""


class ProxyState:
    """kube-proxy on one node: trackers, per-Service render cache, and kernel state.

    ``ProxyState(config, services=..., slices=..., nodes=...)`` builds everything from
    lists of API objects; ``update_service``/``update_endpoint_slice``/``update_node`` apply
    watch events.  ``iptables_save(table, now)``, ``nft()`` and ``ipvsadm()`` render the mode's
    view; ``runtime`` holds the per-node kernel state (recent lists, nft affinity sets, IPVS
    scheduler positions and connection counts) used by :func:`k8snet.proxy.trace.trace`.
    """

    def __init__(self, config: ProxyConfig, *, services: Iterable[Mapping] = (),
                 slices: Iterable[Mapping] = (), nodes: Iterable[Mapping] = ()) -> None:
        self.config = config
        self.services = ServiceChangeTracker()
        self.endpoints = EndpointsChangeTracker(config.node_name)
        self.node_ip = ""
        self.node_labels: dict[str, str] = {}
        self.runtime = NodeRuntime()
        self._cache: dict[tuple[str, ServicePortName], object] = {}
        # The assembled result of the last sync per backend, until something changes.
        self._synced: dict[str, object] = {}
        self._large_cluster: bool | None = None
        #: How many Service ports each backend rendered (tests use it to see partial syncs).
        self.render_count: dict[str, int] = {"iptables": 0, "nftables": 0, "ipvs": 0}
        for node in nodes:
            self.update_node(node)
        for svc in services:
            self.services.update(None, svc)
        for sl in slices:
            self.endpoints.update_endpoint_slice(None, sl)

    # --- events ---------------------------------------------------------------------
    def update_service(self, old: Mapping | None, new: Mapping | None) -> set[ServicePortName]:
        """A Service was added (old=None), changed, or deleted (new=None)."""
        changed = self.services.update(old, new)
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
        ip, labels = node_internal_ip(node), dict(node["metadata"].get("labels") or {})
        if (ip, labels) == (self.node_ip, self.node_labels):
            return False
        self.node_ip, self.node_labels = ip, labels
        self._cache.clear()
        self._synced.clear()
        return True

    def _invalidate(self, names: Iterable[ServicePortName]) -> None:
        names = list(names)
        if names:
            self._synced.clear()
        for name in names:
            for backend in ("iptables", "nftables", "ipvs"):
                self._cache.pop((backend, name), None)

    # --- maps -----------------------------------------------------------------------
    def service_port_map(self) -> dict[ServicePortName, ServicePortInfo]:
        """The current ServicePortMap."""
        return self.services.service_port_map()

    def endpoints_map(self):
        """The current EndpointsMap."""
        return self.endpoints.endpoints_map()

    def _ordered(self) -> list[tuple[ServicePortName, ServicePortInfo]]:
        # Upstream iterates a Go map (random order); we sort so output is reproducible.
        return sorted(self.service_port_map().items(), key=lambda kv: kv[0])

    def _rendered(self, backend: str, name: ServicePortName, build):
        key = (backend, name)
        if key not in self._cache:
            self._cache[key] = build()
            self.render_count[backend] += 1
        return self._cache[key]

    # --- backends -------------------------------------------------------------------
    def iptables_tables(self) -> iptables.IptablesTables:
        """The nat and filter tables this node's kube-proxy (iptables mode) programs."""
        if "iptables" not in self._synced:
            self._synced["iptables"] = self._sync_iptables()
        return self._synced["iptables"]

    def _sync_iptables(self) -> iptables.IptablesTables:
        ordered = self._ordered()
        total = sum(len(self.endpoints.endpoints_for(n)) for n, _ in ordered)
        large = total > LARGE_CLUSTER_THRESHOLD
        if large != self._large_cluster:
            # Crossing the threshold changes every SEP comment: re-render all.
            self._large_cluster = large
            for key in [k for k in self._cache if k[0] == "iptables"]:
                del self._cache[key]
        per_service = [
            self._rendered("iptables", name, lambda name=name, info=info: iptables.service_rules(
                info, self.endpoints.endpoints_for(name), self.config, self.node_labels,
                self.node_ip, large))
            for name, info in ordered]
        return iptables.sync_proxy_rules(per_service, self.config)

    def iptables_save(self, table: str = "nat", now: float = 0.0) -> str:
        """What ``iptables-save -t <table>`` prints on this node (simulated time ``now``)."""
        return self.iptables_tables().save(table, now)

    def nft_table(self) -> nftables.NFTable:
        """The ``ip kube-proxy`` table this node's kube-proxy (nftables mode) programs."""
        if "nftables" not in self._synced:
            self._synced["nftables"] = self._sync_nftables()
        return self._synced["nftables"]

    def _sync_nftables(self) -> nftables.NFTable:
        per_service = [
            self._rendered("nftables", name, lambda name=name, info=info: nftables.service_objects(
                info, self.endpoints.endpoints_for(name), self.config, self.node_labels, self.node_ip))
            for name, info in self._ordered()]
        return nftables.sync_proxy_rules(per_service, self.config, self.node_ip)

    def nft(self) -> str:
        """What ``nft list table ip kube-proxy`` prints on this node."""
        return self.nft_table().render()

    def ipvs_services(self) -> list[ipvs.VirtualServer]:
        """The IPVS virtual servers this node's kube-proxy (ipvs mode) programs."""
        if "ipvs" not in self._synced:
            self._synced["ipvs"] = self._sync_ipvs()
        return list(self._synced["ipvs"])

    def _sync_ipvs(self) -> list[ipvs.VirtualServer]:
        out: list[ipvs.VirtualServer] = []
        for name, info in self._ordered():
            out += self._rendered("ipvs", name, lambda name=name, info=info: ipvs.service_virtual_servers(
                info, self.endpoints.endpoints_for(name), self.config, self.node_labels, self.node_ip))
        return ipvs.sort_services(out)

    def ipvsadm(self) -> str:
        """What ``ipvsadm -Ln`` prints on this node (connection counts from ``runtime``)."""
        return ipvs.ipvsadm_ln(self.ipvs_services(), self.runtime.ipvs)

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
