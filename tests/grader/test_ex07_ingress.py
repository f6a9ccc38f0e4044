"""Exercise 07 (Ingress): reference answers pass; typical wrong answers fail with the
intended feedback; blanks are incomplete; malformed YAML is reported, never raised.

Rules checked (Kubernetes docs, Concepts > Ingress: "Path types", "Examples", "Hostname
wildcards", "TLS"; ingress-nginx docs: rewrite-target, ssl-redirect with 308): Exact must equal
the path; Prefix is element-wise and the longest wins; a wildcard host covers one label;
hosts in spec.tls are redirected from http with 308; an Ingress of a class nobody serves
gets no address; a backend port the Service does not expose answers 503.
"""
from __future__ import annotations

import pytest

from k8snet.grader import ex07_ingress as ex

QUESTIONS = [ex.q1, ex.q2, ex.q3, ex.q4, ex.q5, ex.q6, ex.q7]
IDS = [f"q{i}" for i in range(1, 8)]
BUILD = (ex.q4, ex.q5, ex.q6)


SITE = ex.q4._solution_answer
REWRITE = ex.q5._solution_answer

WRONG = [
    ("q1 one LB per rule", ex.q1, "a", ["only its own Service"]),
    ("q1 no proxy", ex.q1, "d", ["proxy"]),
    ("q2 Exact does not cover subpaths", ex.q2, "api-v2", ["Exact /api/v2 matches only"]),
    ("q2 longest prefix beats /", ex.q2, "shop", ["longer prefix"]),
    ("q3 301 instead of 308", ex.q3, 301, ["keeps the method"]),
    ("q3 not a number", ex.q3, "redirect", ["status code"]),
    ("q4 Exact /api misses /api/orders", ex.q4,
     SITE.replace("path: /api\n        pathType: Prefix", "path: /api\n        pathType: Exact"),
     ["/api/orders should reach Service api", "Exact needs the same path"]),
    ("q4 class nobody serves", ex.q4, SITE.replace("ingressClassName: nginx", "ingressClassName: traefik"),
     ["no ADDRESS", "traefik"]),
    ("q4 bare host instead of wildcard", ex.q4, SITE.replace('"*.blog.example.com"', "blog.example.com"),
     ["alice.blog.example.com", "404 from the controller itself"]),
    ("q4 wrong Ingress name", ex.q4, SITE.replace("name: web", "name: site"), ["no Ingress named web"]),
    ("q4 broken YAML", ex.q4, "kind: Ingress\n  metadata: [", ["could not read your YAML", "line"]),
    ("q5 wrong capture group", ex.q5, REWRITE.replace("/$2", "/$1"), ["it should arrive as '/users?id=3'"]),
    ("q5 no rewrite annotation", ex.q5,
     REWRITE.replace("    nginx.ingress.kubernetes.io/rewrite-target: /$2\n", "    note: none\n"),
     ["should reach Service api"]),
    ("q6 unchanged broken Ingress", ex.q6, ex.BROKEN, ["503", "no ready endpoints"]),
    ("q6 targetPort instead of port", ex.q6, ex.BROKEN.replace("number: 8080", "number: 3000"), ["503"]),
    ("q7 Ingress API removed", ex.q7, "a", ["frozen, not removed"]),
]


@pytest.mark.parametrize("label,q,answer,words", WRONG, ids=[w[0] for w in WRONG])
def test_wrong_answer_feedback(label, q, answer, words):
    q.assert_check_failed(answer, words)


def test_send_routes_wildcard_hosts_by_host_header():
    """send() reaches the controller's address with the URL's host as Host header."""
    c = ex.q4.cluster()
    c.apply(SITE)
    r = ex.send(c, "http://carol.blog.example.com/")
    assert (r.status, r.backend) == (200, "default/blog:80")
