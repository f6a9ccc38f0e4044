"""Exercise 08 (Gateway API): reference answers pass; typical wrong answers fail with the
intended feedback; blanks are incomplete; malformed YAML is reported, never raised.

Rules checked (Gateway API spec, gateway-api.sigs.k8s.io: HTTPRouteRule "matches" precedence —
Exact, longest PathPrefix, method, headers, query params; HTTPBackendRef.weight;
Listener.allowedRoutes -> Accepted=False/NotAllowedByListeners; ReferenceGrant in the target
namespace, else ResolvedRefs=False/RefNotPermitted; Gateway Programmed=False/AddressNotAssigned;
TCPRoute: the oldest route takes a listener (conformance tcproute-multiple-routes-attachment);
TLSRoute: a TLS Passthrough listener routes by SNI, the pod ends TLS (tlsroute-simple-same-namespace)).
"""
from __future__ import annotations

import pytest

from k8snet.grader import ex08_gateway_api as ex

QUESTIONS = [ex.q1, ex.q2, ex.q3, ex.q4, ex.q5, ex.q6, ex.q7, ex.q8]
IDS = [f"q{i}" for i in range(1, 9)]
BUILD = (ex.q4, ex.q5, ex.q8)


ROUTE = ex.q4._solution_answer
GRANT = ex.q5._solution_answer

WRONG = [
    ("q1 infra provider owns GatewayClass", ex.q1, "a", ["GatewayClass"]),
    ("q1 app developer owns routes", ex.q1, "c", ["HTTPRoutes"]),
    ("q2 header before path", ex.q2, "store-v2", ["equally long paths"]),
    ("q2 not in the route", ex.q2, "checkout", ["not in the route"]),
    ("q3 wrong case", ex.q3, "notallowedbylisteners", ["case-sensitive"]),
    ("q3 another reason", ex.q3, "RefNotPermitted", ["not the reason"]),
    ("q4 parentRef without namespace", ex.q4,
     ROUTE.replace("  - name: web-gw\n    namespace: infra\n", "  - name: web-gw\n"), ["parentRefs"]),
    ("q4 equal weights", ex.q4, ROUTE.replace("weight: 20", "weight: 80"), ["about 20%"]),
    ("q4 unknown backend", ex.q4, ROUTE.replace("name: store-v2\n      port: 8080\n  - backendRefs",
                                                "name: store-v9\n      port: 8080\n  - backendRefs"),
     ["ResolvedRefs=False", "BackendNotFound"]),
    ("q4 wrong namespace for the route", ex.q4, ROUTE.replace("  namespace: store\n", "  namespace: default\n", 1),
     ["no HTTPRoute named store"]),
    ("q4 broken YAML", ex.q4, "kind: HTTPRoute\n  spec: [", ["could not read your YAML", "line"]),
    ("q5 grant in the route's namespace", ex.q5, GRANT.replace("namespace: payments", "namespace: store"),
     ["RefNotPermitted", "namespace of the target"]),
    ("q5 grant from the wrong namespace", ex.q5, GRANT.replace("namespace: store", "namespace: sandbox"),
     ["RefNotPermitted"]),
    ("q6 GatewayClass", ex.q6, "a", ["Accepted would be False"]),
    # tcproute_types.go / conformance tcproute-multiple-routes-attachment: the oldest route wins
    ("q7 the newer route", ex.q7, "postgres-b", ["newer route", "oldest"]),
    ("q7 a route name", ex.q7, "db-a", ["is a route"]),
    # tlsroute_types.go: a TLS listener takes TLSRoutes only; Passthrough: the pod ends TLS
    ("q8 the plain TCP port", ex.q8, ex.q8._solution_answer.replace("port: 8443", "port: 3000"), ["plain TCP"]),
    ("q8 the TCP listener", ex.q8, ex.q8._solution_answer.replace("sectionName: tls", "sectionName: tcp"),
     ["NotAllowedByListeners"]),
]


@pytest.mark.parametrize("label,q,answer,words", WRONG, ids=[w[0] for w in WRONG])
def test_wrong_answer_feedback(label, q, answer, words):
    q.assert_check_failed(answer, words)


def test_conditions_helper_reads_route_status():
    c = ex.q5.cluster()
    assert ex.conditions(c, "checkout", "store")["ResolvedRefs"] == ("False", "RefNotPermitted")
