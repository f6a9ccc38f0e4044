"""Arguments of the public methods added since the contract was written are checked at the
surface (docs/API.md, "Errors": UsageError names the value and the fix), never a raw
TypeError/AttributeError from inside. Each row: the call, and words the message must hold."""
from __future__ import annotations

import pytest

from k8snet import Cluster
from k8snet.errors import ServeError, UsageError

ROWS = [
    ("get() kind not text", lambda c: c.get(None, "web"), UsageError, "get(): kind must be"),
    ("get() namespace not text", lambda c: c.get("svc", "kubernetes", 5), UsageError, "namespace must be"),
    ("list() kind not text", lambda c: c.list(5), UsageError, "list(): kind must be"),
    ("list() namespace not text", lambda c: c.list("pods", namespace=5), UsageError, "namespace must be"),
    ("connectivity() ports not a list", lambda c: c.connectivity(ports="80"), UsageError, "ports must be"),
    ("connectivity() a port not a number", lambda c: c.connectivity(ports=["x"]), UsageError, "ports[] must be"),
    ("connectivity() namespaces a number", lambda c: c.connectivity(namespaces=5), UsageError, "namespaces must be"),
    ("graph() namespaces a number", lambda c: c.graph(namespaces=5), UsageError, "namespaces must be"),
    ("serve() port negative", lambda c: c.serve(port=-1), UsageError, "port must be 0 to 65535"),
    ("serve() port a bool", lambda c: c.serve(port=True), UsageError, "port must be"),
    ("serve() kubeconfig a number", lambda c: c.serve(kubeconfig=5), UsageError, "kubeconfig must be"),
    ("dns.serve() port text", lambda c: __import__("k8snet.dns", fromlist=["serve"]).serve(c, port="x"),
     UsageError, "port must be"),
    ("dns.serve() host None", lambda c: __import__("k8snet.dns", fromlist=["serve"]).serve(c, host=None),
     UsageError, "host must be"),
    ("dns.serve() not loopback, as cluster.serve()",
     lambda c: __import__("k8snet.dns", fromlist=["serve"]).serve(c, host="0.0.0.0", port=0),
     ServeError, "loopback only"),
]


@pytest.mark.parametrize("name,call,exc,words", ROWS, ids=[r[0] for r in ROWS])
def test_bad_arguments_are_refused_in_words(name, call, exc, words):
    cluster = Cluster(seed=0)
    with pytest.raises(exc) as info:
        call(cluster)
    assert words in str(info.value)


def test_one_namespace_as_text_is_one_namespace():
    # graph() always took a string; connectivity() now reads it the same way (not as letters).
    c = Cluster(seed=0)
    c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a", "labels": {"app": "a"}},
             "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
    assert c.connectivity(namespaces="default").to_text() == c.connectivity(namespaces=["default"]).to_text()
    assert "a" in c.connectivity(namespaces="default").to_text()
