"""A Response names the method that was sent, as curl -v's request line does (``DELETE /``),
whether the request was answered or failed on the way."""
from __future__ import annotations

import pytest

from k8snet import Cluster

from ..cluster.objects import deployment, manifest, service

WEB = manifest(deployment(replicas=1, container="nginx", image="nginx"), service())

# (url, method given, method shown, answered?, rule)
ROWS = [
    ("http://web/", "GET", "GET", True, "curl's default method"),
    ("http://web/", "post", "POST", True, "curl -X sends the method as given; request() upper-cases it"),
    ("http://web/", "DELETE", "DELETE", True, "RFC 9110 9.3.5 DELETE"),
    ("http://nope/", "PUT", "PUT", False, "a failed request still names its method"),
]


@pytest.fixture(scope="module")
def cluster():
    c = Cluster(seed=1)
    c.apply(WEB)
    c.advance(30)  # the pod becomes Ready
    return c


@pytest.mark.parametrize("url, method, shown, answered, rule", ROWS, ids=[r[4] for r in ROWS])
def test_response_names_its_method(cluster, url, method, shown, answered, rule):
    r = cluster.request(url, method=method)
    assert r.method == shown, rule
    assert str(r).startswith(f"{shown} {url}: "), rule
    assert (r.status is not None) == answered, (rule, str(r))
