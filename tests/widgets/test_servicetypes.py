"""Chapter 04's ServiceTypesView: for each type, which ways in work (real requests)."""
from __future__ import annotations

import pytest

from k8snet.widgets.servicetypes import TYPES, ServiceTypesView, build_cluster, probes

# (pod by name, node by ClusterIP, internet by NodePort, internet by LB address)
ROWS = [
    # Service page, "Type ClusterIP": reachable only from within the cluster.
    ("ClusterIP", (True, True, False, False), "<none>"),
    # "Type NodePort": every node proxies the nodePort (30000-32767).
    ("NodePort", (True, True, True, False), "80:30080/TCP"),
    # "Type LoadBalancer": without a cloud controller the address stays <pending>, NodePort still works.
    ("LoadBalancer (minikube / bare metal)", (True, True, True, False), "<pending>"),
    # With a cloud provider, status.loadBalancer.ingress gets an address.
    ("LoadBalancer (cloud: GCP)", (True, True, True, True), "LoadBalancer"),
    # "Type ExternalName": a CNAME, no ClusterIP, no proxying.
    ("ExternalName", (True, False, False, False), "web.example.com"),
    # "Headless Services": clusterIP None, DNS returns pod IPs.
    ("Headless (clusterIP: None)", (True, False, False, False), "None"),
]


@pytest.mark.parametrize("choice, reach, in_get", ROWS, ids=[r[0].split()[0] + str(i) for i, r in enumerate(ROWS)])
def test_ways_in(choice, reach, in_get):
    cluster = build_cluster(choice)
    got = tuple(p.ok for p in probes(cluster))
    assert got == reach, [str(p) for p in probes(cluster)]
    assert in_get in cluster.kubectl("get svc web")


@pytest.mark.parametrize("choice, qtype_value", [
    ("ClusterIP", "A"), ("ExternalName", "CNAME"), ("Headless (clusterIP: None)", "A")],
    ids=["clusterip-A", "externalname-CNAME", "headless-A-per-pod"])
def test_dns_answers(choice, qtype_value):
    # DNS spec for Kubernetes (dns/docs/specification.md), sections 2.3.1-2.3.3.
    cluster = build_cluster(choice)
    answers = cluster.resolve("web", from_pod="default/client").answers
    assert answers[0][1] == qtype_value
    svc = cluster.get("svc", "web")
    if choice.startswith("Headless"):
        pod_ips = sorted(p["status"]["podIP"] for p in cluster.list("pod") if p["metadata"]["name"].startswith("web-"))
        assert sorted(v for _, _, v in answers) == pod_ips
    elif choice == "ClusterIP":
        assert answers[0][2] == svc["spec"]["clusterIP"]


def test_every_type_renders_deterministically():
    v = ServiceTypesView(picture=False)
    for choice in TYPES:
        a = v.render(choice)
        assert a == v.render(choice)
        assert "kubectl get svc web" in a["summary"]


def test_picture_is_inline_svg():
    out = ServiceTypesView().render("NodePort")
    assert "<svg" in out["picture"] or "Graphviz" in out["picture"]


def test_widget_wires_controls():
    v = ServiceTypesView(picture=False)
    v.widget()
    v._controls["choice"].value = "ExternalName"
    assert "CNAME" in v._areas["summary"].value


def test_widget_clusters_do_not_take_over_the_magics():
    from k8snet import Cluster
    from k8snet.magics import current
    mine = Cluster(seed=11)
    ServiceTypesView(picture=False).render("NodePort")
    assert current() is mine
