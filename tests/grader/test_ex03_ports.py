"""Exercise 03 (ports): reference answers pass, typical mistakes get the intended feedback."""
from __future__ import annotations

import pytest

from k8snet.grader import ex03_ports as ex

SVC = """apiVersion: v1
kind: Service
metadata: {{name: {name}}}
spec:
{spec}"""

ROWS = [
    # (question, wrong answer, words the feedback must contain) — rule named in each id
    ("q1", "a", "informational"),                        # types.go ContainerPort: informational
    ("q1", "c", "reset"),                                # closed port -> RST -> refused
    ("q2", 80, "Service's `port`"),                       # port vs targetPort
    ("q2", 8080, "name"),                                 # named targetPort resolved per pod
    ("q3", SVC.format(name="api", spec="  selector: {app: api}\n  ports: [{port: 80, targetPort: 80}]\n"),
     "connection refused"),                               # targetPort where nothing listens
    ("q3", SVC.format(name="api", spec="  selector: {app: api}\n  ports: [{port: 80, targetPort: http}]\n"),
     "type: NodePort"),                                   # ClusterIP has no nodePort
    ("q3", SVC.format(name="api", spec="  type: NodePort\n  selector: {app: api}\n"
                                       "  ports: [{port: 80, targetPort: http, nodePort: 8080}]\n"),
     "30000-32767"),                                      # --service-node-port-range
    ("q4", SVC.format(name="shop", spec="  selector: {app: shop}\n"
                                        "  ports: [{port: 80, targetPort: http}, {port: 9090, targetPort: metrics}]\n"),
     "spec.ports[0].name: Required value"),               # multi-port Services need names
    ("q4", SVC.format(name="shop", spec="  selector: {app: shop}\n  ports: [{port: 80, targetPort: http}]\n"),
     "second entry"),
    ("q5", ex.q5.broken, "declares a port named 'http'"),  # endpointslice: named port not found
    ("q5", ex.q5.broken.replace("catalog}", "katalog}", 1), "asks only for service/catalog"),
    ("q6", "a", "per protocol"),                          # ServicePort.protocol default TCP
    ("q6", "c", "defaults it to TCP"),
]


@pytest.mark.parametrize("name, answer, words", ROWS, ids=[f"{r[0]}-{i}" for i, r in enumerate(ROWS)])
def test_wrong_answers_get_specific_feedback(name, answer, words):
    type(getattr(ex, name))().assert_check_failed(answer, words)


@pytest.mark.parametrize("name, answer, words", [
    ("q1", "z", "not one of the options"),
    ("q2", "eighty", "port number"),
    ("q3", "apiVersion: v1\nkind: Service\nmetadata: {name: api\nspec:\n", "line"),
    ("q4", "- just\n- a list\n", "could not"),
    ("q5", 42, "is not a manifest"),
], ids=["mc-letter", "not-a-number", "broken-yaml-line", "not-an-object", "not-yaml"])
def test_malformed_answers_are_handled(name, answer, words):
    type(getattr(ex, name))().assert_check_failed(answer, words)


def test_exercise_lists_every_question():
    assert list(ex.exercise.problems) == ["q1", "q2", "q3", "q4", "q5", "q6"]


def test_checking_does_not_take_over_the_magics():
    # grader/core.py Problem.grade runs checks under magics.keep_current.
    from k8snet import Cluster
    from k8snet.magics import current
    mine = Cluster(seed=11)
    type(ex.q3)().assert_check_passed()
    assert current() is mine
