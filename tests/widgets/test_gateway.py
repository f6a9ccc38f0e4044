"""Chapter 08's CanaryView, without a browser: the slider rewrites backendRef weights and the
split follows them.

Rules (Gateway API spec, HTTPBackendRef.weight: traffic is proportional to weight / sum of
weights in the rule; weight 0 gets no traffic).
"""
from __future__ import annotations

import pytest

from k8snet import Cluster
from k8snet.grader.ex08_gateway_api import SCENARIO
from k8snet.widgets.gateway import CanaryView

ROUTE = """
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: store, namespace: store}
spec:
  parentRefs: [{name: web-gw, namespace: infra}]
  hostnames: [store.example.com]
  rules:
  - backendRefs:
    - {name: store-v1, port: 8080, weight: 90}
    - {name: store-v2, port: 8080, weight: 10}
"""


def make_view(seed=8):
    c = Cluster(seed=seed, addons=["gateway"], cloud="gcp")
    c.apply(SCENARIO)
    c.apply(ROUTE)
    return CanaryView(c, route="store", namespace="store", url="http://store.example.com/")


V1, V2 = "store/store-v1:8080", "store/store-v2:8080"

SPLITS = [
    # (id, canary weight, n, check)
    ("0 percent: no canary traffic", 0, 100, lambda c: c[V2] == 0 and c[V1] == 100),
    ("100 percent: all canary", 100, 100, lambda c: c[V1] == 0 and c[V2] == 100),
    ("50 percent: about half", 50, 400, lambda c: 160 <= c[V2] <= 240),
    ("20 percent: about a fifth", 20, 400, lambda c: 50 <= c[V2] <= 110),
]


@pytest.mark.parametrize("weight,n,ok", [s[1:] for s in SPLITS], ids=[s[0] for s in SPLITS])
def test_split_follows_weights(weight, n, ok):
    counts = make_view().split(weight, n)
    assert sum(counts.values()) == n and "error" not in counts
    assert ok(counts), counts


def test_set_weight_writes_the_route():
    v = make_view()
    assert v.set_weight(30) == ["httproute.gateway.networking.k8s.io/store configured"]
    refs = v.cluster.get("httproute", "store", "store")["spec"]["rules"][0]["backendRefs"]
    assert [r["weight"] for r in refs] == [70, 30]
    assert v.backends() == [V1, V2]


def test_same_seed_same_counts():
    assert make_view().split(35, 200) == make_view().split(35, 200)


def test_render_shows_counts_and_bars():
    html = make_view().render(weight=25, n=20)["main"]
    assert "20 requests to http://store.example.com/" in html
    assert html.count("background:#42a5f5") == 2 and "<td style=\"padding:2px 8px\">75</td>" in html


def test_render_reports_a_missing_route():
    v = make_view()
    v.cluster.delete("httproute/store", namespace="store")
    assert "error:" in v.render(weight=10, n=20)["main"]


def test_widget_slider_reapplies():
    v = make_view()
    v.widget()
    v._controls["weight"].value = 0
    refs = v.cluster.get("httproute", "store", "store")["spec"]["rules"][0]["backendRefs"]
    assert refs[-1]["weight"] == 0
