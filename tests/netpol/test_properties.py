"""Properties that follow from network-policies.md, checked on random policies (hypothesis).

* "Pods become isolated by having a NetworkPolicy that selects them": a policy that selects
  no pod changes no verdict.
* "Network policies do not conflict; they are additive" + "Allow all ingress/egress
  traffic": an allow-all ingress+egress policy in every namespace restores every
  pod-to-pod connection, whatever else exists.
* the fast matrix agrees with evaluate() on every cell.
"""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from k8snet.netpol import evaluate, matrix

from ._model import NAMESPACES, NODES, POD_NAMES, model, pod, policy

PODS, NS = model(protocols=("TCP", "UDP"))
# Two hostNetwork pods (one per node) for the matrix-vs-evaluate check: node traffic rules.
HOST_PODS = [pod("x", f"host-{node}", ip=ip, host_ip=ip, node=node, host_network=True)
             for node, ip in sorted(NODES.items())]
KEYS = [f"{ns}/{p}" for ns in NAMESPACES for p in POD_NAMES] + [f"x/host-{n}" for n in sorted(NODES)]

label_selectors = st.one_of(
    st.just({}),
    st.builds(lambda v: {"matchLabels": {"pod": v}}, st.sampled_from(POD_NAMES)),
    st.builds(lambda vs: {"matchExpressions": [{"key": "pod", "operator": "NotIn", "values": vs}]},
              st.lists(st.sampled_from(POD_NAMES), min_size=1, max_size=2, unique=True)),
)
ns_selectors = st.one_of(
    st.just({}),
    st.builds(lambda v: {"matchLabels": {"kubernetes.io/metadata.name": v}}, st.sampled_from(NAMESPACES)),
)
peers = st.one_of(
    st.builds(lambda s: {"podSelector": s}, label_selectors),
    st.builds(lambda s: {"namespaceSelector": s}, ns_selectors),
    st.builds(lambda p, n: {"podSelector": p, "namespaceSelector": n}, label_selectors, ns_selectors),
    st.builds(lambda c: {"ipBlock": {"cidr": c}}, st.sampled_from(["10.244.1.0/24", "10.244.0.0/16", "0.0.0.0/0", "172.18.0.3/32"])),
)
ports = st.one_of(
    st.builds(lambda p, proto: {"port": p, "protocol": proto}, st.sampled_from([80, 81]), st.sampled_from(["TCP", "UDP"])),
    st.builds(lambda n: {"port": n}, st.sampled_from(["serve-80-tcp", "serve-81-udp", "missing"])),
    st.just({"port": 79, "endPort": 80}),
    st.just({"protocol": "UDP"}),
)
rules = st.fixed_dictionaries({}, optional={"peers": st.lists(peers, max_size=2),
                                            "ports": st.lists(ports, max_size=2)})


def _rule(r, field):
    out = {}
    if "peers" in r:
        out[field] = r["peers"]
    if "ports" in r:
        out["ports"] = r["ports"]
    return out


@st.composite
def policies(draw, max_size=4):
    out = []
    for i in range(draw(st.integers(0, max_size))):
        ingress = draw(st.one_of(st.none(), st.lists(rules, max_size=2)))
        egress = draw(st.one_of(st.none(), st.lists(rules, max_size=2)))
        out.append(policy(f"p{i}", draw(st.sampled_from(NAMESPACES)), pod_selector=draw(label_selectors),
                          ingress=None if ingress is None else [_rule(r, "from") for r in ingress],
                          egress=None if egress is None else [_rule(r, "to") for r in egress]))
    return out


def _cells(m):
    return {(port, s): row for port in m.ports for s, row in m.rows(port)}


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(policies(), st.sampled_from(["TCP", "UDP"]))
def test_policy_selecting_no_pod_changes_nothing(pols, protocol):
    """#the-two-sorts-of-pod-isolation: only a policy that selects a pod affects it."""
    inert = policy("selects-nobody", "x", pod_selector={"matchLabels": {"pod": "nobody"}}, ingress=[], egress=[])
    before = matrix(pols, PODS, NS, ports=(80, 81), protocol=protocol)
    after = matrix(pols + [inert], PODS, NS, ports=(80, 81), protocol=protocol)
    assert _cells(before) == _cells(after)


@SETTINGS
@given(policies(), st.sampled_from(["TCP", "UDP"]))
def test_allow_all_everywhere_restores_connectivity(pols, protocol):
    """#allow-all-ingress-traffic and #allow-all-egress-traffic in every namespace."""
    allow = [policy(f"allow-all-{ns}", ns, ingress=[{}], egress=[{}]) for ns in NAMESPACES]
    m = matrix(pols + allow, PODS, NS, ports=(80, 81), protocol=protocol)
    assert all(all(row) for row in _cells(m).values())


@SETTINGS
@given(policies(max_size=3), st.sampled_from([80, 81]), st.sampled_from(["TCP", "UDP"]),
       st.sampled_from(["calico", "cilium"]))
def test_matrix_agrees_with_evaluate(pols, port, protocol, cni):
    """The bit-mask matrix and the per-connection evaluate() are one semantics."""
    m = matrix(pols, PODS + HOST_PODS, NS, ports=(port,), protocol=protocol, cni=cni)
    for src in KEYS:
        for dst in KEYS:
            v = evaluate(pols, PODS + HOST_PODS, NS, src=src, dst=dst, port=port, protocol=protocol, cni=cni)
            assert m.allowed(src, dst, port) is v.allowed, v.reason
