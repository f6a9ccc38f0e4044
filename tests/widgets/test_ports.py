"""Chapter 03's PortsView: each row sets port/targetPort/nodePort and names the upstream rule
that decides what the request does."""
from __future__ import annotations

import pytest

from k8snet.widgets.ports import CLIENTS, PortsView, parse_port

POD, NET = CLIENTS


@pytest.mark.parametrize("port, target, node, client, want", [
    # Service concept page, "Defining a Service": traffic to port is forwarded to targetPort.
    (80, "8080", "", POD, "HTTP 200"),
    # Debug Services, "Does the Service work by IP?": nothing listens on 80 in echoserver -> RST.
    (80, "80", "", POD, "connection refused"),
    # ServicePort.targetPort defaults to port when omitted (types.go ServicePort docs).
    (80, "", "", POD, "connection refused"),
    # Named targetPort: looked up in containers[].ports[].name of each pod (Service concept page,
    # "Port definitions").
    (80, "http", "", POD, "HTTP 200"),
    # A name no container port has: the pod is left out, kube-proxy REJECTs.
    (80, "web", "", POD, "connection refused"),
    # port may be anything: clients use web:8081, targetPort still 8080.
    (8081, "8080", "", POD, "HTTP 200"),
    # NodePort: every node listens on the allocated nodePort (Service page, "Type NodePort").
    (80, "8080", "auto", NET, "HTTP 200"),
    (80, "8080", "30080", NET, "HTTP 200"),
    # nodePort outside --service-node-port-range is refused by validation.
    (80, "8080", "80", NET, "rejected by the API server"),
    # a ClusterIP Service opens nothing on the nodes.
    (80, "8080", "", NET, "nothing to send to"),
], ids=["target-8080", "target-80-refused", "target-defaults-to-port", "named-http", "named-missing",
        "port-8081", "nodeport-auto", "nodeport-30080", "nodeport-out-of-range", "clusterip-from-internet"])
def test_attempt_outcomes(port, target, node, client, want):
    res = PortsView().attempt(port, target, node, client)
    assert res.outcome.startswith(want), res.outcome


def test_out_of_range_nodeport_is_worded_like_the_apiserver():
    # apimachinery field error, as the contract's example.
    res = PortsView().attempt(80, "8080", "80", NET)
    assert "spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range" in res.error


@pytest.mark.parametrize("text, want", [("8080", 8080), ("http", "http"), ("", None), (" 80 ", 80), (None, None),
                                        (443, 443)],
                         ids=["number", "name", "blank", "spaces", "none", "int"])
def test_parse_port(text, want):
    assert parse_port(text) == want


@pytest.mark.parametrize("node, want_type, want_np", [("", "ClusterIP", False), ("auto", "NodePort", False),
                                                      ("30080", "NodePort", True)],
                         ids=["clusterip", "nodeport-auto", "nodeport-fixed"])
def test_service_yaml(node, want_type, want_np):
    text = PortsView.service_yaml(80, "8080", node)
    assert f"type: {want_type}" in text
    assert ("nodePort: 30080" in text) is want_np


def test_render_is_deterministic_and_shows_the_outcome():
    v = PortsView()
    a, b = v.render(80, "80", "", POD), v.render(80, "80", "", POD)
    assert a == b
    assert "connection refused" in a["result"]
    assert "refuses port 80" in a["path"]


def test_widget_wires_controls():
    v = PortsView()
    box = v.widget()
    v._controls["target_port"].value = "80"
    assert "connection refused" in v._areas["result"].value
    assert box is not None


def test_widget_clusters_do_not_take_over_the_magics():
    # %kubectl acts on the learner's cluster (k8snet.magics.current); a view's private cluster must not replace it.
    from k8snet import Cluster
    from k8snet.magics import current
    mine = Cluster(seed=11)
    PortsView().render()
    assert current() is mine
