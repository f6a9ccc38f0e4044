"""The matrix: its text (the e2e TruthTable.PrettyPrint layout), its picture, its API.

Golden files: tests/golden/netpol/ (regenerate with K8SNET_REGOLD=1).
"""
from __future__ import annotations

import pytest

from k8snet.errors import UsageError
from k8snet.netpol import evaluate, matrix

from ._model import assert_golden, match, model, policy

PODS, NAMESPACES = model()
# "should work with Ingress, Egress specified together" (network_policy.go) plus a
# default-deny-ingress in z: a matrix with ingress and egress isolation on both ports.
POLICIES = [
    policy("allow-client-a-via-pod-selector", pod_selector=match(pod="a"),
           ingress=[{"from": [{"podSelector": match(pod="b")}]}], egress=[{"ports": [{"port": 80}]}]),
    policy("deny-ingress", "z", ingress=[]),
]

GOLDEN_TEXT = [
    # id, golden file, policies, ports, pod_names
    ("deny-ingress-z-80", "deny_ingress_z_80.txt", POLICIES[1:], (80,), None),
    ("ingress-egress-80-81", "ingress_egress_80_81.txt", POLICIES, (80, 81), None),
    ("subset-in-given-order", "subset_order.txt", POLICIES, (81,), ["z/a", "x/b", "x/a"]),
]


@pytest.mark.parametrize("row_id,golden,policies,ports,pod_names", GOLDEN_TEXT, ids=[g[0] for g in GOLDEN_TEXT])
def test_to_text_golden(row_id, golden, policies, ports, pod_names):
    """test/e2e/network/netpol/truthtable.go PrettyPrint: "-" then destinations, tab-separated;
    "." connected, "X" blocked."""
    m = matrix(policies, PODS, NAMESPACES, ports=ports, pod_names=pod_names)
    assert_golden(golden, m.to_text() + "\n")


def test_to_text_layout_matches_prettyprint():
    m = matrix(POLICIES[1:], PODS, NAMESPACES)
    lines = m.to_text().split("\n")
    assert lines[0].split("\t") == ["-", *m.pods]
    assert lines[1].split("\t") == ["x/a", ".", ".", ".", ".", ".", ".", "X", "X", "X"]
    assert lines[7].split("\t") == ["z/a", ".", ".", ".", ".", ".", ".", ".", "X", "X"]


def test_output_is_deterministic():
    a = matrix(POLICIES, PODS, NAMESPACES, ports=(80, 81))
    b = matrix(list(reversed(POLICIES)), list(reversed(PODS)), NAMESPACES, ports=(80, 81))
    assert a.to_text() == b.to_text()
    assert a.to_graph(81).source == b.to_graph(81).source


def test_every_cell_agrees_with_evaluate():
    m = matrix(POLICIES, PODS, NAMESPACES, ports=(80, 81))
    for port in m.ports:
        for src in m.pods:
            for dst in m.pods:
                v = evaluate(POLICIES, PODS, NAMESPACES, src=src, dst=dst, port=port)
                assert m.allowed(src, dst, port) is v.allowed
                assert m[src, dst, port] == v


def test_to_graph_golden():
    """Pods grouped by namespace (clusters); allowed edges green and labelled with the
    allowing policies; denied edges red, dashed, labelled with the isolating ones."""
    m = matrix(POLICIES, PODS, NAMESPACES, ports=(80, 81), pod_names=["x/a", "x/b", "y/a", "z/a"])
    g = m.to_graph(81)
    assert_golden("ingress_egress_81.gv", g.source)
    assert "subgraph cluster_x" in g.source and 'bgcolor="#ffffff"' in g.source


def test_to_graph_can_omit_denied_edges():
    m = matrix(POLICIES[1:], PODS, NAMESPACES, pod_names=["x/a", "z/a"])
    source = m.to_graph(denied="omit").source
    assert '"x/a" -> "z/a"' not in source and '"z/a" -> "x/a"' in source
    with pytest.raises(UsageError):
        m.to_graph(denied="hidden")


MISUSE = [
    ("port-not-in-matrix", lambda m: m.allowed("x/a", "x/b", 443), "not in this matrix"),
    ("pod-not-in-matrix", lambda m: m.verdict("x/a", "q/q"), "not a pod of this matrix"),
]


@pytest.mark.parametrize("row_id,call,text", MISUSE, ids=[r[0] for r in MISUSE])
def test_misuse(row_id, call, text):
    m = matrix(POLICIES, PODS, NAMESPACES, pod_names=["x/a", "x/b"])
    with pytest.raises(UsageError, match=text):
        call(m)


def test_matrix_rejects_bad_ports_and_protocols():
    with pytest.raises(UsageError):
        matrix([], PODS, NAMESPACES, ports=())
    with pytest.raises(UsageError):
        matrix([], PODS, NAMESPACES, ports=(70000,))
    with pytest.raises(UsageError):
        matrix([], PODS, NAMESPACES, protocol="tcp")


def test_pod_names_must_be_pods():
    with pytest.raises(UsageError, match="not 8.8.8.8"):
        matrix([], PODS, NAMESPACES, pod_names=["x/a", "8.8.8.8"])


def test_inputs_are_not_mutated():
    """docs/ARCHITECTURE.md: engines never mutate their inputs."""
    import copy
    before = copy.deepcopy((POLICIES, PODS, NAMESPACES))
    matrix(POLICIES, PODS, NAMESPACES, ports=(80, 81)).to_graph()
    evaluate(POLICIES, PODS, NAMESPACES, src="x/a", dst="z/a", port=80)
    assert (POLICIES, PODS, NAMESPACES) == before


def test_graphviz_is_imported_lazily():
    import subprocess
    import sys
    code = "import sys, k8snet.netpol; assert 'graphviz' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
