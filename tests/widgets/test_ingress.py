"""Chapter 07's IngressRouteView, without a browser: the matching rule is highlighted and the
request really goes through the controller.

Rules (Kubernetes docs, Concepts > Ingress: "Path types", "Multiple matches", "Hostname
wildcards"; ingress-nginx: hosts under spec.tls are redirected from http with 308).
"""
from __future__ import annotations

import pytest

from k8snet import Cluster
from k8snet.grader.ex07_ingress import APPS
from k8snet.widgets.ingress import IngressRouteView

INGRESS = """
apiVersion: v1
kind: Secret
metadata: {name: shop-tls}
type: kubernetes.io/tls
data: {tls.crt: LS0tLS1CRUdJTi4uLg==, tls.key: LS0tLS1CRUdJTi4uLg==}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop}
spec:
  ingressClassName: nginx
  tls: [{hosts: [secure.example.com], secretName: shop-tls}]
  rules:
  - host: shop.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: shop, port: {number: 80}}}}
      - {path: /api, pathType: Prefix, backend: {service: {name: api, port: {number: 80}}}}
      - {path: /api/v2, pathType: Exact, backend: {service: {name: api-v2, port: {number: 80}}}}
  - host: "*.blog.example.com"
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: blog, port: {number: 80}}}}
  - host: secure.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: shop, port: {number: 80}}}}
"""


@pytest.fixture(scope="module")
def view():
    c = Cluster(seed=7, addons=["ingress-nginx"])
    c.apply(APPS)
    c.apply(INGRESS)
    return IngressRouteView(c)


CASES = [
    # (id, url, matched (host, path, pathType) or None, status, backend Service)
    ("prefix root", "http://shop.example.com/cart", ("shop.example.com", "/", "Prefix"), 200, "default/shop:80"),
    ("longest prefix", "http://shop.example.com/api/orders", ("shop.example.com", "/api", "Prefix"), 200, "default/api:80"),
    ("element-wise, not string prefix", "http://shop.example.com/apiary", ("shop.example.com", "/", "Prefix"), 200,
     "default/shop:80"),
    ("exact wins when equal", "http://shop.example.com/api/v2", ("shop.example.com", "/api/v2", "Exact"), 200,
     "default/api-v2:80"),
    ("wildcard covers one label", "http://alice.blog.example.com/x", ("*.blog.example.com", "/", "Prefix"), 200,
     "default/blog:80"),
    ("wildcard not two labels", "http://a.b.blog.example.com/", None, 404, None),
    ("unknown host: default backend 404", "http://nothing.example.net/", None, 404, None),
    ("tls host redirects http", "http://secure.example.com/login", ("secure.example.com", "/", "Prefix"), 308, None),
    ("tls host over https", "https://secure.example.com/login", ("secure.example.com", "/", "Prefix"), 200,
     "default/shop:80"),
]


@pytest.mark.parametrize("url,match,status,backend", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_match_and_outcome(view, url, match, status, backend):
    row = view.matched(url)
    assert (row[1:4] if row else None) == match
    resp = view.send(url)
    assert (resp.status, resp.backend) == (status, backend)


def test_rules_table_lists_every_path(view):
    assert [r[1:4] for r in view.rules()][:3] == [("shop.example.com", "/", "Prefix"),
                                                  ("shop.example.com", "/api", "Prefix"),
                                                  ("shop.example.com", "/api/v2", "Exact")]
    assert len(view.rules()) == 5


def test_render_highlights_exactly_one_row(view):
    html = view.render(url="http://shop.example.com/api/orders")["main"]
    assert html.count("background:#c8e6c9") == 1
    assert "HTTP 200 from default/api-" in html and "got path /api/orders" in html


def test_render_no_match_and_redirect(view):
    assert "no rule matched" in view.render(url="http://nothing.example.net/")["main"]
    assert "Location: https://secure.example.com/login" in view.outcome("http://secure.example.com/login")


@pytest.mark.parametrize("url,needle", [("", "type a URL"), ("http://[bad", "error:")], ids=["empty", "malformed"])
def test_render_bad_input(view, url, needle):
    assert needle in view.render(url=url)["main"]


def test_widget_refreshes_on_url(view):
    view.widget()
    view._controls["url"].value = "http://bob.blog.example.com/"
    assert "default/blog:80" in view._areas["main"].value
