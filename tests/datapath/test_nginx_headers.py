"""nginx's response headers, in the order nginx writes them.

Rule: nginx src/http/ngx_http_header_filter_module.c ``ngx_http_header_filter``: the status
line, then Server, Date, Content-Type, Content-Length, Last-Modified, Connection, then the
headers of ``headers_out.headers`` (ETag and Accept-Ranges from the static module, an
absolute Location).  ingress-nginx runs with ``server_tokens off`` ("Server: nginx").
"""
from __future__ import annotations

import pytest

from k8snet import Cluster

INGRESS = """
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, annotations: {nginx.ingress.kubernetes.io/ssl-redirect: "true"}}
spec:
  ingressClassName: nginx
  tls: [{hosts: [web.example.com]}]
  rules:
  - host: web.example.com
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
"""


@pytest.fixture(scope="module")
def cluster() -> Cluster:
    c = Cluster(seed=3, addons=["ingress-nginx"])
    c.kubectl("create deployment web --image=nginx")
    c.kubectl("expose deployment web --port=80")
    c.apply(INGRESS)
    c.advance(10)
    return c


@pytest.mark.parametrize("url, kwargs, status, names", [
    # The static file: Last-Modified before Connection, ETag and Accept-Ranges after it.
    ("http://web/", {}, 200, ["Server", "Date", "Content-Type", "Content-Length", "Last-Modified", "Connection",
                              "ETag", "Accept-Ranges"]),
    # An error page: no Last-Modified, no ETag.
    ("http://web/nope", {}, 404, ["Server", "Date", "Content-Type", "Content-Length", "Connection"]),
    # ingress-nginx's redirect to https: the absolute Location comes after Connection.
    ("http://web.example.com/", {"from_internet": True}, 308,
     ["Server", "Date", "Content-Type", "Content-Length", "Connection", "Location"]),
    # ingress-nginx's own 404 (no rule for the host).
    ("http://web.example.com/", {"from_internet": True, "headers": {"Host": "other.example.com"}}, 404,
     ["Server", "Date", "Content-Type", "Content-Length", "Connection"]),
])
def test_header_order(cluster, url, kwargs, status, names):
    r = cluster.request(url, **kwargs)
    assert r.status == status, r.explain()
    assert list(r.headers) == names
    assert r.headers["Content-Length"] == str(len(r.body.encode()))


@pytest.mark.parametrize("url, server", [("http://web/", "nginx/1.27.3"), ("http://web.example.com/", "nginx")])
def test_server_header(cluster, url, server):
    kw = {"from_internet": True} if "example" in url else {}
    assert cluster.request(url, **kw).headers["Server"] == server
