"""Exercise 10 checks. Rules: cloud-provider-aws (ELB instance targets -> NodePort), Service
"type LoadBalancer" and "externalTrafficPolicy" (kubernetes.io/docs/concepts/services-networking/service/),
DNS for Services and Pods ("Namespaces of Services": unqualified names resolve in the pod's own
namespace), "Source IP for Services with Type=LoadBalancer" (tutorials/services/source-ip)."""
from __future__ import annotations

import pytest

from k8snet.grader import ex10_internet_to_container as ex
from k8snet.grader.core import Outcome

QS = {"q1": ex.q1, "q2": ex.q2, "q3": ex.q3, "q4": ex.q4, "q5": ex.q5}
Q4 = ex.q4._solution_answer

WRONG = [
    ("q1 the Service port", "q1", 80, "nodePort"),
    ("q1 another nodePort", "q1", 30001, "is not it"),
    ("q2 LB before DNS", "q2", ["cloud load balancer", "DNS", "kube-proxy", "Ingress controller", "container"],
     "position 1"),
    ("q2 controller before kube-proxy", "q2", ["DNS", "cloud load balancer", "Ingress controller", "kube-proxy",
                                              "container"], "position 3"),
    ("q3 short name from another namespace", "q3", "jdbc:postgresql://postgres:5432/app", "NXDOMAIN"),
    ("q3 localhost", "q3", "jdbc:postgresql://localhost:5432/app", "own pod"),
    ("q3 wrong port", "q3", "jdbc:postgresql://postgres.db:5433/app", "5432"),
    ("q4 NodePort has no external address", "q4", Q4.replace("LoadBalancer", "NodePort"), "no external address"),
    ("q4 wrong targetPort", "q4", Q4.replace("targetPort: http", "targetPort: 8080"), "refused"),
    ("q5 user's address", "q5", "a", "externalTrafficPolicy: Local"),
    ("q5 the LB IP", "q5", "c", "destination"),
]


@pytest.mark.parametrize("q,answer,words", [r[1:] for r in WRONG], ids=[r[0] for r in WRONG])
def test_wrong_answers_explain(q, answer, words):
    QS[q].assert_check_failed(answer, words)


@pytest.mark.parametrize("q,answer,words", [
    ("q1", "eighty", "port number"),
    ("q2", ["DNS"], "each of these once"),
    ("q3", "postgres.db:5432", "should look like"),
    ("q4", "kind: Service\n  bad: [\n", "could not read your YAML"),
], ids=["q1 not a number", "q2 incomplete list", "q3 not a JDBC URL", "q4 broken YAML"])
def test_malformed_answers(q, answer, words):
    QS[q].assert_check_failed(answer, words)


def test_q1_truth_is_the_controllers_nodeport():
    c = ex.shop_cluster()
    svc = c.get("svc", "ingress-nginx-controller", "ingress-nginx")
    assert ex.q1.truth() == svc["spec"]["ports"][0]["nodePort"]


@pytest.mark.parametrize("url", ["jdbc:postgresql://postgres.db:5432/app",
                                 "jdbc:postgresql://postgres.db.svc:5432/app",
                                 "jdbc:postgresql://postgres.db.svc.cluster.local/app"],
                         ids=["service.namespace", "service.namespace.svc", "FQDN, default port"])
def test_q3_other_working_names(url):
    assert ex.q3.grade(url).outcome is Outcome.CORRECT
