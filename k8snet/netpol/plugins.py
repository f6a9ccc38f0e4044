"""Which network plugins enforce NetworkPolicy, and where they differ.

The NetworkPolicy API is enforced by the network plugin, not by Kubernetes itself
(concepts/services-networking/network-policies.md, "Prerequisites": "Creating a
NetworkPolicy resource without a controller that implements it will have no effect").
The API leaves a few behaviours to the implementation; this table records the choices
of the plugins the course offers.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import UsageError

__all__ = ["Plugin", "PLUGINS", "plugin"]


@dataclass(frozen=True, slots=True)
class Plugin:
    """One network plugin's NetworkPolicy behaviour.

    ``enforces``: whether it implements NetworkPolicy at all.
    ``ipblock_matches_pods``: whether an ``ipBlock`` peer matches the IP of a pod (or of a
    node, for hostNetwork pods) in the cluster.  The API says ipBlocks "should be
    cluster-external IPs" and leaves pod IPs implementation-defined.
    """

    name: str
    enforces: bool
    ipblock_matches_pods: bool


PLUGINS: dict[str, Plugin] = {
    # Calico (Felix) renders ipBlock as a plain `nets` match on the packet's address, so a
    # pod IP inside the block matches like any other IP; the upstream e2e test "should allow
    # egress access to server in CIDR block" (test/e2e/network/netpol/network_policy.go)
    # relies on exactly that and passes on Calico.  This is the default the course uses.
    "calico": Plugin("calico", True, True),
    # Cilium identifies pods (and nodes) by security identity, not IP: "CIDR rules do not
    # apply to traffic where both sides of the connection are either managed by Cilium or
    # use an IP belonging to a node in the cluster (including host networking pods)"
    # (cilium Documentation/security/policy/language.rst, "IP/CIDR based").
    "cilium": Plugin("cilium", True, False),
    # weave-npc matches ipBlocks with ipsets of addresses: pod IPs match like any IP.  Weave Net
    # is archived (Weaveworks closed in 2024): kept for clusters that still run it.
    "weave": Plugin("weave", True, True),
    # kind >= v0.24.0 ships kindnetd with kube-network-policies (kubernetes-sigs/kind
    # PR #3612, issue #842), which filters packets by address like Calico and passes the
    # upstream NetworkPolicy e2e suite.  (Opt out with networking.disableNetworkPolicies.)
    "kindnet": Plugin("kindnet", True, True),
    # flannel only moves packets: it accepts NetworkPolicy objects (the API server stores
    # them) and enforces none of them.  (Since flannel v0.25.5 kube-network-policies can run
    # beside it, flannel Documentation/netpol.md; that combination enforces like kindnet.)
    "flannel": Plugin("flannel", False, True),
}


def plugin(name: str) -> Plugin:
    """The ``Plugin`` called ``name``; a ``UsageError`` naming the known ones otherwise."""
    try:
        return PLUGINS[name]
    except KeyError:
        known = ", ".join(sorted(PLUGINS))
        raise UsageError(f"unknown CNI {name!r}: choose one of {known}") from None
