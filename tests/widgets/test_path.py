"""HopStepper (chapter 10): step through Response.hops with the current hop highlighted.

Rows follow the path the AWS cloud provider builds (kubernetes/cloud-provider-aws: an ELB/NLB
with instance targets sends to a node's NodePort; kube-proxy then DNATs to a pod), and the
GCP one (a passthrough load balancer keeps the destination IP; kube-proxy matches the LB IP).
"""
from __future__ import annotations

import pytest

from k8snet import Cluster
from k8snet.widgets.path import HIGHLIGHT, HopStepper

APP = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: shop}}
  template:
    metadata: {labels: {app: shop}}
    spec: {containers: [{name: app, image: hashicorp/http-echo, args: ["-text=hi"], ports: [{containerPort: 5678}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: shop}
spec: {type: LoadBalancer, selector: {app: shop}, ports: [{port: 80, targetPort: 5678}]}
"""


def response(cloud):
    c = Cluster(seed=7, cloud=cloud)
    c.apply(APP)
    c.advance(10)
    ing = c.get("svc", "shop")["status"]["loadBalancer"]["ingress"][0]
    c.add_external_host("shop.example.com", ing["ip"]) if "ip" in ing else None
    host = ing.get("ip") or ing["hostname"]
    if "hostname" in ing:  # AWS publishes a DNS name; let the public resolver answer it
        return c.request(f"http://{c.resolve(host).answers[-1][2]}/", from_internet=True) \
            if c.resolve(host).answers else None
    return c.request(f"http://{host}/", from_internet=True)


@pytest.mark.parametrize("cloud,components", [
    ("gcp", ["client", "cloud load balancer", "kube-proxy", "pod"]),
], ids=["gcp passthrough LB keeps the destination"])
def test_steps_follow_the_hops(cloud, components):
    r = response(cloud)
    s = HopStepper(r, graph=False)
    seen = [h.component for h in r.hops]
    assert all(x in seen for x in components)
    for step in range(1, s.count + 1):
        text = s.hop_text(step)
        assert f"▶ {step:>2}. {r.hops[step - 1].component}" in text
        assert f"hop {step} of {s.count}" in text
    assert s.hop_text(s.count).rstrip().endswith(f"HTTP 200 from {r.pod}")


@pytest.mark.parametrize("step,expected", [(0, 1), (1, 1), (99, "last")], ids=["below", "first", "beyond"])
def test_step_is_clamped(step, expected):
    s = HopStepper(response("gcp"), graph=False)
    want = s.count if expected == "last" else expected
    assert f"hop {want} of {s.count}" in s.hop_text(step)


def test_later_hops_hide_their_action_until_reached():
    r = response("gcp")
    s = HopStepper(r, graph=False)
    first = s.hop_text(1).splitlines()
    assert first[-1 - len(r.hops[0].detail.splitlines())].strip() == r.hops[0].action
    assert r.hops[-1].action not in s.hop_text(1)


def test_picture_outlines_the_current_hop():
    s = HopStepper(response("gcp"))
    g = s.picture(3)
    assert f'hop3 [color="{HIGHLIGHT}" penwidth=4]' in g.source
    out = s.render(step=3)
    assert out["picture"].lstrip().startswith("<svg") and "hop 3 of" in out["hop"]


def test_failed_request_marks_the_failing_hop():
    c = Cluster(seed=7)
    c.apply(APP.replace("app: shop}, ports", "app: shopp}, ports"))
    c.advance(5)
    c.apply("apiVersion: v1\nkind: Pod\nmetadata: {name: client}\nspec: {containers: [{name: c, image: busybox}]}\n")
    r = c.request("http://shop/", from_pod="default/client")
    s = HopStepper(r, graph=False)
    failing = next(i for i, h in enumerate(r.hops, 1) if not h.ok)
    assert "(FAILED here)" in s.hop_text(failing)
    assert "error: connection refused" in s.hop_text(s.count)


def test_long_detail_is_cut():
    r = response("gcp")
    s = HopStepper(r, graph=False, max_detail_lines=2)
    kp = next(i for i, h in enumerate(r.hops, 1) if h.component == "kube-proxy")
    assert f"more lines: response.hops[{kp - 1}].detail" in s.hop_text(kp)


def test_widget_buttons_move_the_slider():
    s = HopStepper(response("gcp"), graph=False)
    s.widget()
    back, nxt = s._buttons
    nxt.click(); nxt.click()
    assert s._controls["step"].value == 3 and "hop 3 of" in s._areas["hop"].value
    back.click()
    assert s._controls["step"].value == 2


def test_no_hops_is_refused():
    from k8snet.response import Response
    with pytest.raises(ValueError, match="no hops"):
        HopStepper(Response(url="http://x/"))
