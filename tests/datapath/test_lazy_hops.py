"""A Hop whose detail is deferred (a zero-argument function) behaves as one given the text.

``Response.hops`` is public (contract: "each hop naming the component"): reading ``.detail``,
comparing, hashing and printing a hop must not show whether its detail was built eagerly.
"""
from __future__ import annotations

import dataclasses

import pytest

from k8snet.response import Hop, Response

DETAILS = [
    # (id, detail text) -- the shapes connect.py and l7.py defer
    ("empty", ""),
    ("iptables-steps", "[nat] -A PREROUTING -j KUBE-SERVICES\n[nat] -A KUBE-SVC-X -j KUBE-SEP-Y  (p=0.3333)"),
    ("gateway-explain", "MATCH listener http (*): hostname fits\nno    HTTPRoute a/b: not attached"),
]


@pytest.mark.parametrize("text", [d[1] for d in DETAILS], ids=[d[0] for d in DETAILS])
@pytest.mark.parametrize("ok", [True, False], ids=["ok", "failed"])
def test_lazy_hop_equals_eager(text, ok):
    calls = []
    lazy = Hop("kube-proxy", "DNAT", lambda: calls.append(1) or text, ok)
    eager = Hop("kube-proxy", "DNAT", text, ok)
    assert calls == []  # nothing built until read
    assert lazy.detail == text and isinstance(lazy.detail, str)
    assert (lazy, hash(lazy), repr(lazy), str(lazy)) == (eager, hash(eager), repr(eager), str(eager))
    assert calls == [1]  # built once, then kept
    assert dataclasses.asdict(lazy) == dataclasses.asdict(eager)
    with pytest.raises(dataclasses.FrozenInstanceError):
        lazy.detail = "changed"


def test_response_explain_reads_lazy_details():
    eager = Response("http://x", status=200, hops=tuple(Hop("c", "a", t) for _, t in DETAILS))
    lazy = Response("http://x", status=200, hops=tuple(Hop("c", "a", (lambda t=t: t)) for _, t in DETAILS))
    assert lazy.explain() == eager.explain()
