"""Test fixtures shaped like the upstream e2e NetworkPolicy model.

test/e2e/network/netpol/model.go: namespaces x, y, z, each with pods a, b, c; a pod is
labelled ``pod=<name>`` and has one container per (port, protocol), named
``cont-<port>-<proto>``, whose container port is named ``serve-<port>-<proto>``.
Namespaces carry ``ns=<name>`` and the automatic ``kubernetes.io/metadata.name``.
The e2e expectations are written with ``Reachability`` (reachability.go); ``Reach`` below
is a small port of it, and ``assert_reach`` compares it with a matrix the way
``ValidateOrFail`` does (loopback cells ignored) and prints both tables on mismatch.
"""
from __future__ import annotations

import yaml

from tests.conftest import check_golden

NAMESPACES = ("x", "y", "z")
POD_NAMES = ("a", "b", "c")


def namespace(name: str, labels: dict | None = None) -> dict:
    """A Namespace dict as the API server returns it."""
    return {"apiVersion": "v1", "kind": "Namespace",
            "metadata": {"name": name, "labels": {"ns": name, **(labels or {}),
                                                  "kubernetes.io/metadata.name": name}}}


def pod(ns: str, name: str, *, ip: str, labels: dict | None = None, node: str = "node-1",
        host_ip: str = "172.18.0.2", ports=((80, "TCP"), (81, "TCP")),
        host_network: bool = False) -> dict:
    """A running Pod dict shaped like the e2e model's pods."""
    containers = [{
        "name": f"cont-{port}-{proto.lower()}", "image": "registry.k8s.io/e2e-test-images/agnhost:2.53",
        "ports": [{"containerPort": port, "name": f"serve-{port}-{proto.lower()}", "protocol": proto}],
    } for port, proto in ports]
    spec = {"nodeName": node, "containers": containers}
    if host_network:
        spec["hostNetwork"] = True
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": ns,
                         "labels": {"pod": name} if labels is None else labels},
            "spec": spec,
            "status": {"phase": "Running", "podIP": ip, "hostIP": host_ip}}


NODES = {"node-1": "172.18.0.2", "node-2": "172.18.0.3"}


def model(ports=(80, 81), protocols=("TCP",), pod_labels: dict | None = None,
          ns_labels: dict | None = None) -> tuple[list[dict], list[dict]]:
    """The 3 x 3 e2e model: (pods, namespaces).  Pods alternate between two nodes;
    x/a is 10.244.1.10, x/b 10.244.2.11, ... (node-1 has 10.244.1.0/24)."""
    pods, i = [], 0
    for ns in NAMESPACES:
        for name in POD_NAMES:
            node = "node-1" if i % 2 == 0 else "node-2"
            subnet = 1 if node == "node-1" else 2
            pods.append(pod(ns, name, ip=f"10.244.{subnet}.{10 + i}", node=node,
                            host_ip=NODES[node],
                            labels=(pod_labels or {}).get(f"{ns}/{name}"),
                            ports=[(p, proto) for p in ports for proto in protocols]))
            i += 1
    namespaces = [namespace(ns, (ns_labels or {}).get(ns)) for ns in NAMESPACES]
    return pods, namespaces


def ip_of(pods: list[dict], key: str) -> str:
    """The podIP of ``namespace/name``."""
    for p in pods:
        if f"{p['metadata']['namespace']}/{p['metadata']['name']}" == key:
            return p["status"]["podIP"]
    raise KeyError(key)


def policy(name: str, ns: str = "x", *, pod_selector: dict | None = None, ingress=None,
           egress=None, policy_types=None) -> dict:
    """A NetworkPolicy as the e2e helpers build it (policies.go): passing ``ingress``
    (even ``[]``) adds ``Ingress`` to policyTypes, likewise ``egress``."""
    spec: dict = {"podSelector": pod_selector if pod_selector is not None else {}}
    types = []
    if ingress is not None:
        spec["ingress"] = ingress
        types.append("Ingress")
    if egress is not None:
        spec["egress"] = egress
        types.append("Egress")
    spec["policyTypes"] = policy_types if policy_types is not None else types
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": name, "namespace": ns}, "spec": spec}


def match(**labels) -> dict:
    """``{"matchLabels": labels}``."""
    return {"matchLabels": labels}


def from_yaml(text: str) -> list[dict]:
    """Every document of a YAML string."""
    return [d for d in yaml.safe_load_all(text) if d]


class Reach:
    """The e2e ``Reachability`` expectations: a truth table over pod keys, default True."""

    def __init__(self, pods: list[str], default: bool = True):
        self.pods = list(pods)
        self.table = {(f, t): default for f in self.pods for t in self.pods}

    @staticmethod
    def _matches(key: str, ns: str | None, name: str | None) -> bool:
        k_ns, k_name = key.split("/")
        return (ns is None or ns == k_ns) and (name is None or name == k_name)

    def expect(self, src: str, dst: str, connected: bool) -> "Reach":
        self.table[(src, dst)] = connected
        return self

    def expect_peer(self, connected: bool, *, from_ns=None, from_pod=None, to_ns=None,
                    to_pod=None) -> "Reach":
        """``ExpectPeer(&Peer{...}, &Peer{...}, connected)``: None matches anything."""
        for f in self.pods:
            for t in self.pods:
                if self._matches(f, from_ns, from_pod) and self._matches(t, to_ns, to_pod):
                    self.table[(f, t)] = connected
        return self

    def expect_all_ingress(self, dst: str, connected: bool) -> "Reach":
        return self.expect_peer(connected, to_ns=dst.split("/")[0], to_pod=dst.split("/")[1])

    def expect_all_egress(self, src: str, connected: bool) -> "Reach":
        return self.expect_peer(connected, from_ns=src.split("/")[0], from_pod=src.split("/")[1])

    def pretty(self, table=None) -> str:
        """``TruthTable.PrettyPrint``."""
        table = table or self.table
        lines = ["\t".join(["-", *self.pods])]
        for f in self.pods:
            lines.append("\t".join([f, *("." if table[(f, t)] else "X" for t in self.pods)]))
        return "\n".join(lines)


def assert_reach(m, expected: Reach, port: int) -> None:
    """Compare a Matrix with expectations, ignoring loopback as ValidateOrFail does."""
    observed = {(f, t): m.allowed(f, t, port) for f in expected.pods for t in expected.pods}
    wrong = [(f, t) for (f, t), want in expected.table.items()
             if f != t and observed[(f, t)] != want]
    if wrong:
        raise AssertionError(
            f"reachability on port {port}: {len(wrong)} wrong cells {wrong}\n"
            f"expected:\n{expected.pretty()}\nobserved:\n{expected.pretty(observed)}")


def assert_golden(name: str, text: str) -> None:
    """Compare ``text`` with tests/golden/netpol/<name> (tests/conftest.py ``check_golden``)."""
    check_golden("netpol", name, text)
