"""NetworkPolicy objects (networking.k8s.io/v1) read into small frozen records.

The records keep the API's names (``NetworkPolicyPeer``, ``NetworkPolicyPort``,
``IPBlock``) so a learner can find them in the API reference.  The rules they encode:

* ``policyTypes`` (NetworkPolicySpec): when unset, ``Ingress`` is always in effect and
  ``Egress`` only when the policy has egress rules.  (The API server's defaulter,
  SetDefaults_NetworkPolicySpec, writes exactly that into stored objects.)
* a rule with no ``ports`` (or ``ports: []``) matches every port and protocol; a rule
  with no ``from``/``to`` (or an empty list) matches every peer.
* a NetworkPolicyPort's ``protocol`` defaults to TCP; no ``port`` means every port of that
  protocol; ``endPort`` makes ``port..endPort`` an inclusive range (numeric ports only).
* a named port is looked up in the *destination* pod's container ports, by name and
  protocol: for ingress the pod the policy protects, for egress the peer it connects to.
"""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from .. import labels
from ..errors import UsageError

__all__ = ["NAMESPACE_NAME_LABEL", "PROTOCOLS", "Endpoint", "IPBlock", "NetworkPolicyPort",
           "NetworkPolicyPeer", "Rule", "Policy", "pod_endpoint", "ip_endpoint",
           "namespace_labels"]

#: The immutable label the control plane sets on every namespace (value: its name).
NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name"
#: The protocols NetworkPolicy is defined for ("Network traffic filtering").
PROTOCOLS = ("TCP", "UDP", "SCTP")


@dataclass(frozen=True, slots=True, eq=False)
class Endpoint:
    """One end of a connection: a pod, or an address outside the pod network.

    ``key`` is ``"namespace/name"`` for a pod (the e2e PodString) and the address itself
    otherwise.  ``ports`` are the pod's container ports as ``(name, containerPort,
    protocol)``.  A hostNetwork pod keeps its identity for printing but, as the docs'
    "most common implementation" does, is treated as its node: selectors never match
    it, policies never isolate it, and its address is the node's.
    """

    key: str
    ip: str | None
    namespace: str | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    host_network: bool = False
    host_ip: str | None = None
    node: str | None = None
    ports: tuple[tuple[str, int, str], ...] = ()

    @property
    def is_pod(self) -> bool:
        """True for a pod (hostNetwork or not), False for an outside address."""
        return self.namespace is not None

    @property
    def on_pod_network(self) -> bool:
        """True for a pod with its own network namespace: the only kind policy selects."""
        return self.is_pod and not self.host_network


def pod_endpoint(pod: Mapping) -> Endpoint:
    """The ``Endpoint`` for a Pod dict as the API server stores it."""
    meta, spec, status = pod.get("metadata", {}), pod.get("spec", {}), pod.get("status", {})
    ports = []
    for container in spec.get("containers") or []:
        for p in container.get("ports") or []:
            if p.get("name"):
                ports.append((p["name"], int(p["containerPort"]), p.get("protocol", "TCP")))
    return Endpoint(
        key=f"{meta.get('namespace', 'default')}/{meta['name']}",
        ip=status.get("podIP"),
        namespace=meta.get("namespace", "default"),
        labels=dict(meta.get("labels") or {}),
        host_network=bool(spec.get("hostNetwork")),
        host_ip=status.get("hostIP"),
        node=spec.get("nodeName"),
        ports=tuple(ports),
    )


def ip_endpoint(address: str) -> Endpoint:
    """The ``Endpoint`` for an address outside the pod network; UsageError if malformed."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        raise UsageError(f"{address!r} is neither a pod nor an IP address") from None
    return Endpoint(key=str(ip), ip=str(ip))


def namespace_labels(namespaces: Iterable[Mapping]) -> dict[str, dict[str, str]]:
    """Each namespace's labels, with ``kubernetes.io/metadata.name`` always present.

    The API server sets that label on every namespace and keeps it equal to the name
    (since 1.21), so it is added here even when a hand-written dict lacks it.
    """
    out = {}
    for ns in namespaces:
        name = ns["metadata"]["name"]
        out[name] = {**(ns["metadata"].get("labels") or {}), NAMESPACE_NAME_LABEL: name}
    return out


@dataclass(frozen=True, slots=True)
class IPBlock:
    """``ipBlock``: every address in ``cidr`` except those in the ``except`` CIDRs."""

    cidr: ipaddress.IPv4Network | ipaddress.IPv6Network
    excepts: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()

    def contains(self, address: str) -> bool:
        """Is ``address`` in the block and outside every ``except``?"""
        ip = ipaddress.ip_address(address)
        if ip.version != self.cidr.version or ip not in self.cidr:
            return False
        return not any(ip in e for e in self.excepts if e.version == ip.version)

    def __str__(self) -> str:
        if not self.excepts:
            return str(self.cidr)
        return f"{self.cidr} except {', '.join(str(e) for e in self.excepts)}"


@dataclass(frozen=True, slots=True)
class NetworkPolicyPort:
    """One ``ports`` entry: protocol (default TCP), a number, a name or nothing, endPort."""

    protocol: str = "TCP"
    port: int | str | None = None
    end_port: int | None = None

    def matches(self, port: int, protocol: str, dest: Endpoint | None) -> bool:
        """Does a connection to ``port``/``protocol`` on ``dest`` match this entry?

        A named port only matches a pod-network destination that has a container port of
        that name and protocol whose number is ``port``.  (Calico resolves named ports on
        workload endpoints only; an outside address or a hostNetwork pod has none.)
        """
        if protocol != self.protocol:
            return False
        if self.port is None:
            return True
        if isinstance(self.port, int):
            return self.port <= port <= (self.end_port or self.port)
        if dest is None or not dest.on_pod_network:
            return False
        return any(n == self.port and pr == protocol and num == port for n, num, pr in dest.ports)

    def __str__(self) -> str:
        if self.port is None:
            return f"{self.protocol}/*"
        if self.end_port:
            return f"{self.protocol}/{self.port}-{self.end_port}"
        return f"{self.protocol}/{self.port}"


@dataclass(frozen=True, slots=True)
class NetworkPolicyPeer:
    """One ``from``/``to`` entry.

    * podSelector alone: pods of the policy's own namespace;
    * namespaceSelector alone: every pod of the selected namespaces;
    * both in one entry: the selected pods *within* the selected namespaces (AND);
    * ipBlock (on its own, as validation requires): addresses.
    """

    pod_selector: labels.Selector | None = None
    namespace_selector: labels.Selector | None = None
    ip_block: IPBlock | None = None


@dataclass(frozen=True, slots=True)
class Rule:
    """One ingress or egress rule; ``None`` peers or ports mean "all"."""

    peers: tuple[NetworkPolicyPeer, ...] | None
    ports: tuple[NetworkPolicyPort, ...] | None


@dataclass(frozen=True, slots=True)
class Policy:
    """A NetworkPolicy reduced to what enforcement needs."""

    namespace: str
    name: str
    pod_selector: labels.Selector
    ingress: bool  # "Ingress" in the effective policyTypes
    egress: bool   # "Egress" in the effective policyTypes
    ingress_rules: tuple[Rule, ...] = ()
    egress_rules: tuple[Rule, ...] = ()

    @property
    def key(self) -> str:
        """``namespace/name``, as reasons print it."""
        return f"{self.namespace}/{self.name}"

    def rules(self, direction: str) -> tuple[Rule, ...]:
        """The ingress or egress rules."""
        return self.ingress_rules if direction == "ingress" else self.egress_rules

    def applies(self, direction: str) -> bool:
        """Is ``direction`` ("ingress"/"egress") among the effective policyTypes?"""
        return self.ingress if direction == "ingress" else self.egress

    @classmethod
    def from_dict(cls, obj: Mapping) -> "Policy":
        """Read a NetworkPolicy dict (defaulted or not)."""
        meta, spec = obj.get("metadata", {}), obj.get("spec") or {}
        ingress = tuple(_rule(r, "from") for r in spec.get("ingress") or [])
        egress = tuple(_rule(r, "to") for r in spec.get("egress") or [])
        types = spec.get("policyTypes")
        if types:
            has_in, has_eg = "Ingress" in types, "Egress" in types
        else:
            # NetworkPolicySpec.policyTypes: Ingress always; Egress if egress rules exist.
            has_in, has_eg = True, bool(egress)
        return cls(
            namespace=meta.get("namespace", "default"),
            name=meta["name"],
            # podSelector is required; {} selects every pod in the namespace.
            pod_selector=labels.from_label_selector(spec.get("podSelector") or {}),
            ingress=has_in, egress=has_eg, ingress_rules=ingress, egress_rules=egress,
        )


def _rule(rule: Mapping, peers_field: str) -> Rule:
    peers = rule.get(peers_field) or None  # missing or [] -> every peer
    ports = rule.get("ports") or None      # missing or [] -> every port
    return Rule(
        peers=None if peers is None else tuple(_peer(p) for p in peers),
        ports=None if ports is None else tuple(_port(p) for p in ports),
    )


def _peer(peer: Mapping) -> NetworkPolicyPeer:
    block = peer.get("ipBlock")
    if block is not None:
        try:
            return NetworkPolicyPeer(ip_block=IPBlock(
                ipaddress.ip_network(block["cidr"], strict=False),
                tuple(ipaddress.ip_network(e, strict=False) for e in block.get("except") or ())))
        except ValueError as err:
            raise UsageError(f"ipBlock {block!r} is not a valid CIDR: {err}") from None
    pod_sel, ns_sel = peer.get("podSelector"), peer.get("namespaceSelector")
    # A peer with neither selector is rejected by validation ("must specify a peer");
    # a missing selector stays None here, and the peer then matches nothing.
    return NetworkPolicyPeer(
        pod_selector=None if pod_sel is None else labels.from_label_selector(pod_sel),
        namespace_selector=None if ns_sel is None else labels.from_label_selector(ns_sel),
    )


def _port(port: Mapping) -> NetworkPolicyPort:
    value = port.get("port")
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    end = port.get("endPort")
    return NetworkPolicyPort(protocol=port.get("protocol") or "TCP", port=value,
                             end_port=int(end) if end is not None else None)
