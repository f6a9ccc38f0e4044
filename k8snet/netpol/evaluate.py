"""Is one connection allowed?  ``evaluate()`` and its ``Verdict``.

The rules, from concepts/services-networking/network-policies.md ("The two sorts of pod
isolation"):

* a pod is isolated for ingress (egress) when some NetworkPolicy in its namespace selects
  it and has ``Ingress`` (``Egress``) among its effective policyTypes;
* an isolated pod accepts (opens) only the connections that the ingress (egress) rules of
  those policies allow, taken together: policies are additive, order does not matter;
* a connection from pod A to pod B needs A's egress *and* B's ingress to allow it; a pod's
  connection to an outside address needs only its egress, one from outside only ingress;
* reply traffic of an allowed connection is implicitly allowed (``Verdict.reply_allowed``);
* "a pod cannot block access to itself" and the connections "from the pod's node" are
  always allowed (the e2e suite ignores loopback cells: network_policy.go,
  ``ignoreLoopback``, kubernetes/kubernetes#95879).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterable, Mapping

from ..errors import NotFoundError, UsageError
from .plugins import PLUGINS, Plugin, plugin as get_plugin
from .policy import (PROTOCOLS, Endpoint, NetworkPolicyPeer, Policy, Rule, ip_endpoint,
                     namespace_labels, pod_endpoint)

__all__ = ["Verdict", "evaluate", "decide", "check_connection", "Context"]


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether ``src`` may open a connection to ``dst`` on ``protocol``/``port``; truthy
    when allowed.

    ``reason`` is one sentence naming the policies that decided.  The two sides are kept
    apart, as the CNI checks them: ``egress_*`` for the source pod (empty when the source
    is not a pod-network pod), ``ingress_*`` for the destination pod.  ``*_policies`` are
    the deciding policies of that side: the ones whose rules allow the connection, or,
    when that side denies it, the ones that isolate the pod.  ``enforced`` is False when
    the CNI ignores NetworkPolicy.  A verdict is about *opening* the connection; its reply
    packets ride on it (conntrack) and are allowed whenever it is: ``reply_allowed``.
    """

    allowed: bool
    reason: str
    src: str
    dst: str
    port: int
    protocol: str = "TCP"
    egress_allowed: bool = True
    ingress_allowed: bool = True
    egress_isolated: bool = False
    ingress_isolated: bool = False
    egress_policies: tuple[str, ...] = ()
    ingress_policies: tuple[str, ...] = ()
    enforced: bool = True

    def __bool__(self) -> bool:
        return self.allowed

    @property
    def reply_allowed(self) -> bool:
        """Replies (dst -> src packets of this connection) pass exactly when it does, even
        if dst could not open a connection to src on its own."""
        return self.allowed


@dataclass(frozen=True, slots=True)
class _Side:
    isolated: bool
    allowed: bool
    policies: tuple[str, ...]


class Context:
    """Policies, pods and namespaces read once, with the questions evaluation asks.

    ``evaluate()`` builds one per call; ``matrix()`` builds one and reuses it, so a
    pod's applicable policies are looked up once (memoised by pod key).
    """

    def __init__(self, policies: Iterable[Mapping], pods: Iterable[Mapping],
                 namespaces: Iterable[Mapping]):
        compiled = sorted((Policy.from_dict(p) for p in policies), key=lambda p: p.key)
        self.policies: tuple[Policy, ...] = tuple(compiled)
        self.by_namespace: dict[str, list[Policy]] = {}
        for p in compiled:
            self.by_namespace.setdefault(p.namespace, []).append(p)
        self.ns_labels = namespace_labels(namespaces)
        pods = list(pods)
        self.pods: tuple[Endpoint, ...] = tuple(pod_endpoint(p) for p in pods)
        self._by_key = {e.key: e for e in self.pods}
        self._by_ip = {e.ip: e for e in self.pods if e.on_pod_network and e.ip}
        # A dual-stack pod's other address (status.podIPs) is the same pod, seen from that
        # family: an ipBlock is matched against the address the connection uses.
        for pod, e in zip(pods, self.pods):
            for extra in ((pod.get("status") or {}).get("podIPs") or ())[1:]:
                if e.on_pod_network and extra.get("ip"):
                    self._by_ip[extra["ip"]] = replace(e, ip=extra["ip"])
        self._applying: dict[tuple[str, str], tuple[Policy, ...]] = {}

    def endpoint(self, ref: Mapping | str) -> Endpoint:
        """A pod dict, ``"namespace/name"`` of a known pod, or an IP address.

        An address that is a (pod-network) pod's IP is that pod."""
        if isinstance(ref, Mapping):
            return pod_endpoint(ref)
        if "/" in ref:
            found = self._by_key.get(ref)
            if found is None:
                ns, _, name = ref.partition("/")
                raise NotFoundError(f'Error from server (NotFound): pods "{name}" not found'
                                    f' in namespace "{ns}"')
            return found
        ep = ip_endpoint(ref)
        return self._by_ip.get(ep.ip, ep)

    def namespace_labels(self, namespace: str) -> dict[str, str]:
        """A namespace's labels; an unlisted namespace still has its name label."""
        return self.ns_labels.get(namespace) or {"kubernetes.io/metadata.name": namespace}

    def applying(self, ep: Endpoint, direction: str) -> tuple[Policy, ...]:
        """The policies that apply to pod ``ep`` for ``direction``, sorted by key.

        hostNetwork pods get none: the docs' "most common implementation" cannot tell
        their traffic from the node's ("NetworkPolicy and hostNetwork pods")."""
        if not ep.on_pod_network:
            return ()
        cached = self._applying.get((ep.key, direction))
        if cached is None:
            cached = tuple(p for p in self.by_namespace.get(ep.namespace, ())
                           if p.applies(direction) and p.pod_selector.matches(ep.labels))
            self._applying[(ep.key, direction)] = cached
        return cached

    def peer_matches(self, policy: Policy, peer: NetworkPolicyPeer, ep: Endpoint,
                     cni: Plugin) -> bool:
        """Does ``peer`` (a from/to entry of ``policy``) match endpoint ``ep``?"""
        if peer.ip_block is not None:
            if ep.ip is None or (ep.is_pod and not cni.ipblock_matches_pods):
                return False
            return peer.ip_block.contains(ep.ip)
        if not ep.on_pod_network:
            return False  # selectors never match outside addresses or hostNetwork pods
        if peer.namespace_selector is None:
            if peer.pod_selector is None:
                return False
            return ep.namespace == policy.namespace and peer.pod_selector.matches(ep.labels)
        if not peer.namespace_selector.matches(self.namespace_labels(ep.namespace)):
            return False
        return peer.pod_selector is None or peer.pod_selector.matches(ep.labels)

    def rule_allows(self, policy: Policy, rule: Rule, other: Endpoint, dest: Endpoint,
                    port: int, protocol: str, cni: Plugin) -> bool:
        """Does ``rule`` let the connection to/from peer ``other`` through?  ``dest`` is the
        connection's destination, where named ports are looked up."""
        if rule.ports is not None and not any(p.matches(port, protocol, dest) for p in rule.ports):
            return False
        return rule.peers is None or any(self.peer_matches(policy, peer, other, cni)
                                         for peer in rule.peers)

    def side(self, direction: str, subject: Endpoint, other: Endpoint, port: int,
             protocol: str, cni: Plugin) -> _Side:
        """The egress (subject = source) or ingress (subject = destination) decision."""
        policies = self.applying(subject, direction)
        if not policies:
            return _Side(False, True, ())
        dest = other if direction == "egress" else subject
        allowing = tuple(p.key for p in policies
                         if any(self.rule_allows(p, r, other, dest, port, protocol, cni)
                                for r in p.rules(direction)))
        return _Side(True, bool(allowing), allowing or tuple(p.key for p in policies))


def evaluate(policies: Iterable[Mapping], pods: Iterable[Mapping], namespaces: Iterable[Mapping],
             *, src: Mapping | str, dst: Mapping | str, port: int, protocol: str = "TCP",
             cni: str = "calico") -> Verdict:
    """May ``src`` open a connection to ``dst`` on ``protocol``/``port`` under ``cni``?

    ``src``/``dst``: a Pod dict, ``"namespace/name"`` of one of ``pods``, or an IP
    address (an outside host, or a node).  ``pods`` are the cluster's pods, needed to
    resolve names and addresses; ``namespaces`` give namespaceSelectors their labels.
    """
    ctx = Context(policies, pods, namespaces)
    return decide(ctx, ctx.endpoint(src), ctx.endpoint(dst), port, protocol, get_plugin(cni))


def decide(ctx: Context, src: Endpoint, dst: Endpoint, port: int, protocol: str,
           cni: Plugin) -> Verdict:
    """The verdict for endpoints already resolved against ``ctx``."""
    check_connection(port, protocol)
    base = dict(src=src.key, dst=dst.key, port=port, protocol=protocol)
    if not cni.enforces:
        would = decide(ctx, src, dst, port, protocol, PLUGINS["calico"])
        reason = (f"allowed: the {cni.name} CNI accepts NetworkPolicy objects but does not "
                  f"enforce them")
        if not would:
            reason += f" (a CNI that enforces them would deny it: {would.reason[len('denied: '):]})"
        return Verdict(True, reason, enforced=False, **base)
    if src.is_pod and src.key == dst.key:
        return Verdict(True, f"allowed: {src.key} is connecting to itself, and a pod cannot "
                             f"block access to itself", **base)
    if _from_own_node(src, dst):
        what = f"{src.key} (hostNetwork) runs on" if src.is_pod else f"{src.key} is"
        return Verdict(True, f"allowed: {what} {dst.key}'s node, and traffic from a pod's own "
                             f"node is always allowed", **base)
    eg = ctx.side("egress", src, dst, port, protocol, cni) if src.on_pod_network else None
    ing = ctx.side("ingress", dst, src, port, protocol, cni) if dst.on_pod_network else None
    allowed = (eg is None or eg.allowed) and (ing is None or ing.allowed)
    return Verdict(
        allowed, _reason(src, dst, port, protocol, eg, ing, allowed),
        egress_allowed=eg is None or eg.allowed, ingress_allowed=ing is None or ing.allowed,
        egress_isolated=bool(eg and eg.isolated), ingress_isolated=bool(ing and ing.isolated),
        egress_policies=eg.policies if eg else (), ingress_policies=ing.policies if ing else (),
        **base)


def check_connection(port: int, protocol: str) -> None:
    """UsageError unless ``port`` is 1-65535 and ``protocol`` one of TCP, UDP, SCTP."""
    if protocol not in PROTOCOLS:
        raise UsageError(f"protocol {protocol!r} is not supported: use one of {', '.join(PROTOCOLS)}")
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        raise UsageError(f"port {port!r} must be a number between 1 and 65535")


def _from_own_node(src: Endpoint, dst: Endpoint) -> bool:
    # "the only allowed connections into the pod are those from the pod's node and those
    # allowed by the ingress list" -- kubelet probes must keep working under default deny.
    # The other way (a pod to its own node) stays subject to the pod's egress policy, as
    # Calico (policy before DefaultEndpointToHostAction) and Cilium (host entity) do.
    if not dst.on_pod_network:
        return False
    if src.ip is not None and src.ip == dst.host_ip and (src.host_network or not src.is_pod):
        return True
    return src.host_network and src.node is not None and src.node == dst.node


def _names(keys: tuple[str, ...]) -> str:
    return ", ".join(keys)


def _verb(keys: tuple[str, ...], singular: str, plural: str) -> str:
    return singular if len(keys) == 1 else plural


def _reason(src: Endpoint, dst: Endpoint, port: int, protocol: str, eg: _Side | None,
            ing: _Side | None, allowed: bool) -> str:
    on = f"{protocol}/{port}"
    if not allowed:
        parts = []
        if eg is not None and not eg.allowed:
            parts.append(f"{_names(eg.policies)} {_verb(eg.policies, 'isolates', 'isolate')} "
                         f"{src.key} for egress and no policy allows {dst.key} on {on}")
        if ing is not None and not ing.allowed:
            parts.append(f"{_names(ing.policies)} {_verb(ing.policies, 'isolates', 'isolate')} "
                         f"{dst.key} for ingress and no policy allows {src.key} on {on}")
        return "denied: " + "; ".join(parts)
    by, free = [], []
    if eg is not None:
        if eg.isolated:
            by.append(f"{_names(eg.policies)} (egress from {src.key})")
        else:
            free.append(f"{src.key} for egress")
    if ing is not None:
        if ing.isolated:
            by.append(f"{_names(ing.policies)} (ingress to {dst.key})")
        else:
            free.append(f"{dst.key} for ingress")
    if not by and not free:
        return f"allowed: neither {src.key} nor {dst.key} is a pod that NetworkPolicy can isolate"
    unisolated = "no NetworkPolicy isolates " + " or ".join(free)
    if not by:
        return "allowed: " + unisolated
    return "allowed by " + " and ".join(by) + ("; " + unisolated if free else "")
