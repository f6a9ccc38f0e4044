"""Per-node kernel state that lives between packets.

* iptables mode: the ``xt_recent`` lists behind ``-m recent --set`` / ``--rcheck --seconds``
  (one list per ``KUBE-SEP`` chain name, keyed by source IP — ``--rsource``);
* nftables mode: the dynamic ``affinity-…`` sets with per-element timeouts;
* ipvs mode: :class:`~k8snet.proxy.ipvs.IPVSRuntime` (scheduler positions, connection
  counts, persistence templates).

Time is the simulated clock (seconds), never the wall clock.
"""
from __future__ import annotations

from .ipvs import IPVSRuntime

__all__ = ["NodeRuntime"]


class NodeRuntime:
    """Kernel state of one node's datapath; pass it to :func:`k8snet.proxy.trace.trace`."""

    def __init__(self) -> None:
        #: xt_recent: list name -> source IP -> time last seen.
        self.recent: dict[str, dict[str, float]] = {}
        #: nft dynamic sets: set name -> element (source IP) -> expiry time.
        self.nft_sets: dict[str, dict[str, float]] = {}
        self.ipvs = IPVSRuntime()

    # --- xt_recent ------------------------------------------------------------------
    def recent_set(self, name: str, src: str, now: float) -> None:
        """``-m recent --set --name name --rsource``: remember ``src`` at ``now``."""
        self.recent.setdefault(name, {})[src] = now

    def recent_rcheck(self, name: str, src: str, now: float, seconds: int, reap: bool = True) -> bool:
        """``--rcheck --seconds S --reap``: was ``src`` seen within the last ``S`` seconds?

        xt_recent counts a stamp as a hit when it is not older than ``now - S``; ``--reap``
        drops older stamps from the list.
        """
        table = self.recent.get(name, {})
        seen = table.get(src)
        if seen is None:
            return False
        if seconds and now - seen > seconds:
            if reap:
                del table[src]
            return False
        return True

    # --- nft dynamic sets -----------------------------------------------------------
    def nft_update(self, set_name: str, element: str, now: float, timeout: int) -> None:
        """``update @set { ip saddr }``: add or refresh an element with the set's timeout."""
        self.nft_sets.setdefault(set_name, {})[element] = now + timeout

    def nft_lookup(self, set_name: str, element: str, now: float) -> bool:
        """``ip saddr @set``: is ``element`` in the set and not yet expired?"""
        expires = self.nft_sets.get(set_name, {}).get(element)
        if expires is None:
            return False
        if now >= expires:
            del self.nft_sets[set_name][element]
            return False
        return True
