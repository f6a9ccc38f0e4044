"""Exercise 02: each reference answer passes, typical wrong answers fail with the intended
feedback, blanks are incomplete, malformed answers are handled (never a traceback)."""
from __future__ import annotations

import pytest

from k8snet.grader import Outcome
from k8snet.grader import ex02_services_selectors_endpoints as ex

QUESTIONS = ["q1", "q2", "q3", "q4", "q5", "q6", "q7"]
FIX = ex.q4._solution_answer
SLICE = ex.q5._solution_answer


@pytest.mark.parametrize("name,answer,words", [
    # labels concept page: a Service selector is equality-based, requirements ANDed, values case-sensitive.
    ("q1", {"shop-web-1"}, ["shop-web-2 is selected"]),
    ("q1", {"shop-web-1", "shop-web-2", "shop-web-old"}, ["shop-web-old", "case-sensitive"]),
    ("q1", {"shop-web-1", "shop-web-2", "blog-web"}, ["blog-web", "not selected"]),
    # EndpointSlice conditions (docs: endpoint-slices "Conditions"): not-ready endpoints stay, ready=false.
    ("q2", "a", ["ready: false"]),
    ("q2", "d", ["liveness"]),
    # kube-proxy (pkg/proxy/iptables proxier.go): a Service without endpoints gets a REJECT rule.
    ("q3", "connection timed out", ["REJECT"]),
    ("q3", "could not resolve host", ["resolves"]),
    ("q3", "HTTP 200", ["front-end", "connection refused"]),
    # debug-service guide: the selector must match the pods' labels; targetPort must reach the app.
    ("q4", FIX.replace("app: frontend", "app: front-end"), ["connection refused", "did you mean app=frontend"]),
    ("q4", FIX.replace("targetPort: 80", "targetPort: 8080"), ["nothing listens", "targetPort: 80"]),
    # services "Custom EndpointSlices": linked by the kubernetes.io/service-name label; ports paired by name.
    ("q5", SLICE.replace("    kubernetes.io/service-name: legacy\n", ""), ["kubernetes.io/service-name: legacy"]),
    ("q5", SLICE.replace("- name: http\n  port: 80", "- port: 80"), ["port name", "by name"]),
    ("q5", SLICE.replace("203.0.113.10", "203.0.113.11"), ["timed out", "203.0.113.10:80"]),
    ("q5", SLICE.replace("spec:\n  ports:", "spec:\n  selector: {app: legacy}\n  ports:"), ["Leave `selector` out"]),
    ("q5", SLICE.split("---")[0], ["no EndpointSlice"]),
    # kubectl 1.33+: v1 Endpoints prints a deprecation warning; slice names are generated.
    ("q6", "kubectl get endpoints web", ["deprecated"]),
    ("q6", "kubectl get endpointslice web", ["NotFound", "by label"]),
    ("q6", "kubectl get endpointslices", ["db's too"]),
    ("q6", "kubectl get pods -o wide", ["not a list of EndpointSlices"]),
    # Service API: spec.selector is map[string]string.
    ("q7", "b", ["matchExpressions"]),
    ("q7", "a", ["one string"]),
], ids=lambda v: str(v)[:40].replace("\n", " "))
def test_wrong_answers_explain(name, answer, words):
    getattr(ex, name).assert_check_failed(answer, words)


@pytest.mark.parametrize("name,answer,words", [
    ("q1", 5, ["list of pod names"]),
    ("q1", {"nope"}, ["no pod named nope"]),
    ("q3", "blah", ["answer one of"]),
    ("q4", "apiVersion: v1\nkind: Service\nmetadata: {name: frontend\n", ["could not read your YAML", "line 4"]),
    # A ClusterIP Service gets no nodePort (alloc.go allocates none), so validation forbids the field.
    ("q4", FIX.replace("targetPort: 80", "nodePort: 80"), ["refused it", "may not be used when `type` is 'ClusterIP'"]),
    ("q5", "   ", ["incomplete"]),
    ("q6", 7, ["kubectl"]),
    ("q7", "zz", ["not one of the options"]),
], ids=lambda v: str(v)[:40].replace("\n", " "))
def test_malformed_answers_are_handled(name, answer, words):
    fb = getattr(ex, name).grade(answer)
    assert fb.outcome in (Outcome.INCORRECT, Outcome.INCOMPLETE)
    text = fb.outcome.value + " " + fb.message
    for w in words:
        assert w in text, text


def test_q4_leaves_the_deployment_alone():
    """Debugging question: fixing the pods' labels instead of the Service is not what was asked."""
    deploy = ex.TYPO_SCENARIO.split("---")[1].replace("app: frontend}", "app: front-end}")
    fb = ex.q4.grade(FIX + "---" + deploy)
    assert fb.outcome is Outcome.INCORRECT
