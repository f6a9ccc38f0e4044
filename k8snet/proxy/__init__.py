"""kube-proxy, simulated: one shared model and three thin backends.

Data flows ``Service``/``EndpointSlice`` dicts → :mod:`.changetracker` (ServicePortMap,
EndpointsMap) → :mod:`.topology` (which endpoints this node uses) → a backend:
:mod:`.iptables` + :mod:`.iptables_tables` (``iptables-save``), :mod:`.nftables`
(``nft list table ip kube-proxy``) or :mod:`.ipvs` (``ipvsadm -Ln``).  :class:`ProxyState` is one node's kube-proxy;
:func:`trace` walks one packet through that node's rules.
"""
from __future__ import annotations

from .state import ProxyState
from .trace import Entry, TraceResult, TraceStep, Verdict, trace
from .types import EndpointInfo, ProxyConfig, ServicePortInfo, ServicePortName

__all__ = ["ProxyState", "ProxyConfig", "ServicePortName", "ServicePortInfo", "EndpointInfo",
           "trace", "Entry", "Verdict", "TraceResult", "TraceStep"]
