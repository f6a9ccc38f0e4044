"""Chapter 06's DNSLookupView, without a browser: every name the pod's resolver asks, and the answer.

Rules (Kubernetes docs "DNS for Services and Pods"; resolv.conf(5) "ndots"; kubelet
pkg/kubelet/network/dns): the search list is <ns>.svc.<domain>, svc.<domain>, <domain>; a name
with fewer than ndots (5) dots is tried with each suffix first, then as written; a trailing
dot makes a name absolute (one query).
"""
from __future__ import annotations

import pytest

from k8snet import Cluster
from k8snet.widgets.dns import NO_POD, DNSLookupView

from ..cluster.objects import deployment, manifest, service

SCENARIO = manifest("""
apiVersion: v1
kind: Namespace
metadata: {name: shop}
""", deployment(replicas=1, container="nginx", ports=[{"name": "http", "containerPort": 80}]),
                    service(ports=[{"name": "http", "port": 80}]), """
apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  containers: [{name: sh, image: busybox, command: [sleep, "3600"]}]
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: shop}
spec:
  containers: [{name: sh, image: busybox, command: [sleep, "3600"]}]
""")


@pytest.fixture(scope="module")
def view():
    c = Cluster(seed=6)
    c.apply(SCENARIO)
    c.add_external_host("google.com", "142.250.74.46")
    return DNSLookupView(c)


ROWS = [
    # (id, name, pod, expected (name, code) rows, rule)
    ("short name, same namespace", "web", "default/client",
     [("web.default.svc.cluster.local.", "NOERROR")]),
    ("short name, other namespace", "web", "shop/client",
     [("web.shop.svc.cluster.local.", "NXDOMAIN"), ("web.svc.cluster.local.", "NXDOMAIN"),
      ("web.cluster.local.", "NXDOMAIN"), ("web.", "NXDOMAIN")]),
    ("name.namespace from another namespace", "web.default", "shop/client",
     [("web.default.shop.svc.cluster.local.", "NXDOMAIN"), ("web.default.svc.cluster.local.", "NOERROR")]),
    ("external name goes through the search list (ndots:5)", "google.com", "default/client",
     [("google.com.default.svc.cluster.local.", "NXDOMAIN"), ("google.com.svc.cluster.local.", "NXDOMAIN"),
      ("google.com.cluster.local.", "NXDOMAIN"), ("google.com.", "NOERROR")]),
    ("trailing dot: absolute, one query", "google.com.", "default/client", [("google.com.", "NOERROR")]),
    ("no pod: asked as written", "web.default.svc.cluster.local", NO_POD,
     [("web.default.svc.cluster.local.", "NOERROR")]),
]


@pytest.mark.parametrize("name,pod,want", [r[1:] for r in ROWS], ids=[r[0] for r in ROWS])
def test_rows_follow_the_resolver(view, name, pod, want):
    assert [(t, code) for t, code, _ in view.rows(name, pod)] == want


def test_answer_values_are_the_cluster_ip(view):
    ip = view.cluster.get("svc", "web")["spec"]["clusterIP"]
    assert view.rows("web", "default/client")[-1][2] == ip


def test_srv_rows_carry_the_port(view):
    rows = view.rows("_http._tcp.web.default.svc.cluster.local", NO_POD, "SRV")
    assert rows[0][1] == "NOERROR" and rows[0][2].split()[2] == "80"


def test_pods_menu_lists_clients_not_kube_system(view):
    pods = view.pods()
    assert "default/client" in pods and "shop/client" in pods
    assert not any(p.startswith("kube-system/") for p in pods)


def test_render_shows_every_query_and_the_answer(view):
    html = view.render(name="google.com", pod="default/client", qtype="A")["main"]
    assert html.count("<tr>") == 1 + 4  # header + 4 queries
    assert "142.250.74.46" in html and "4 queries" in html


@pytest.mark.parametrize("name,pod,needle", [("", "default/client", "type a name"),
                                             ("web", "default/nope", "error:")],
                         ids=["empty name", "unknown pod"])
def test_render_handles_bad_input(view, name, pod, needle):
    assert needle in view.render(name=name, pod=pod, qtype="A")["main"]


def test_summary_is_stable(view):
    assert view.summary("web.default", "shop/client") == view.summary("web.default", "shop/client")
    assert view.summary("web.default", "shop/client").endswith("=> A " + view.cluster.get("svc", "web")["spec"]["clusterIP"])


def test_widget_builds_without_a_browser(view):
    box = view.widget()
    # the box was refreshed once with the default choices (name "web" from the first pod)
    assert "web.default.svc.cluster.local." in view._areas["main"].value
    view._controls["name"].value = "google.com."
    assert "1 query" in view._areas["main"].value
    assert box.children
