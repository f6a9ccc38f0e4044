"""Exercise 14 checks: each question is checked by simulation (requests from each node's client
through its kube-proxy, the EndpointSlice hints, the kube-proxy ConfigMap and /proxyMode).
Rules: pkg/proxy/topology.go CategorizeEndpoints, proxier.go ('has no local endpoints' DROP,
the hairpin KUBE-MARK-MASQ), trafficdist.go, topologycache.go getAllocations."""
from __future__ import annotations

import pytest

from k8snet.grader import ex14_traffic_policies_topology as ex
from k8snet.grader.core import Outcome

QS = dict(ex.exercise.problems)
ROWS = [(f"{q} {i}", q, answer, words) for q, problem in QS.items()
        for i, (answer, words) in enumerate(problem.wrong_answers)]


@pytest.mark.parametrize("q,answer,words", [r[1:] for r in ROWS], ids=[r[0] for r in ROWS])
def test_wrong_answers_explain(q, answer, words):
    fb = QS[q].grade(answer, record=False)
    assert fb.outcome is Outcome.INCORRECT and words in fb.message, fb.message


@pytest.mark.parametrize("q,truth", [
    ("q1", "connection timed out"),                     # proxier.go: DROP "has no local endpoints"
    ("q2", frozenset({"node-3", "node-4"})),            # trafficdist.go + CategorizeEndpoints
    ("q5", "172.18.0.3"),                               # hairpin: masqueraded to node-2's address
], ids=["itp-local drop", "same-zone endpoints", "hairpin source"])
def test_truth_is_measured(q, truth):
    assert QS[q].truth() == truth


def test_auto_donates_an_endpoint_to_zone_a():
    """topologycache.go: zone-a has 1/3 of the workers' CPU and no endpoint: it receives one."""
    assert ex.q4.scenario_hints() == [("zone-b", "zone-a"), ("zone-b", "zone-b"), ("zone-b", "zone-b")]


def test_scenario_places_web_on_three_nodes():
    c = ex.scenario_cluster()
    assert sorted(p["spec"]["nodeName"] for p in c.list("pods") if p["metadata"]["labels"].get("app") == "web") == [
        "node-2", "node-3", "node-4"]
