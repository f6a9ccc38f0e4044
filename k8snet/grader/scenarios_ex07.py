"""Exercise 07's scenario (notebook ``exercises/ex07_ingress.ipynb``): four echo apps behind
ingress-nginx, the Ingresses the questions start from, and :func:`send`, a request from the
internet to the controller with the URL's host as the ``Host`` header (``curl -H``)."""
from __future__ import annotations

import json
from urllib.parse import urlsplit

from .core import Problem
from .scenario import backend_service, echo_app, fresh_cluster

__all__ = ["APPS", "SITE", "BROKEN", "CLUSTER_ARGS", "send"]

#: Every ex07 scenario cluster: ingress-nginx installed (its controller behind a LoadBalancer Service).
CLUSTER_ARGS = {"seed": 7, "addons": ["ingress-nginx"]}


#: Four echo apps (each answers with the request it received, as JSON), Services on port 80.
APPS = "---\n".join(echo_app(n) for n in ("shop", "api", "api-v2", "blog"))


SITE = """---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: site}
spec:
  ingressClassName: nginx
  rules:
  - host: shop.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: shop, port: {number: 80}}}}
      - {path: /api, pathType: Prefix, backend: {service: {name: api, port: {number: 80}}}}
      - {path: /api/v2, pathType: Exact, backend: {service: {name: api-v2, port: {number: 80}}}}
---
apiVersion: v1
kind: Secret
metadata: {name: secure-tls}
type: kubernetes.io/tls
data: {tls.crt: LS0tLS1CRUdJTi4uLg==, tls.key: LS0tLS1CRUdJTi4uLg==}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: secure}
spec:
  ingressClassName: nginx
  tls: [{hosts: [secure.example.com], secretName: secure-tls}]
  rules:
  - host: secure.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: shop, port: {number: 80}}}}
"""


BROKEN = """---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: store}
spec:
  ingressClassName: nginx
  rules:
  - host: store.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: shop, port: {number: 8080}}}}
"""


def send(cluster, url: str, method: str = "GET"):
    """``url`` from the internet to the Ingress controller, the URL's host as ``Host`` header."""
    parts = urlsplit(url)
    addr = None
    for ing in cluster.list("ingress", None):
        for lb in ((ing.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []:
            addr = addr or lb.get("ip")
    if addr is None:
        return cluster.request(url, from_internet=True, method=method)
    target = f"{parts.scheme}://{addr}{parts.path or '/'}" + (f"?{parts.query}" if parts.query else "")
    return cluster.request(target, from_internet=True, method=method, headers={"Host": parts.hostname})


def _what(resp) -> str:
    if resp.status is None:
        return resp.error
    return f"HTTP {resp.status}" + (f" from Service {backend_service(resp)}" if resp.backend else " from the controller itself")


def _reasoning(resp) -> str:
    """The controller's hop: what it matched and why (what `response.explain()` shows)."""
    hop = next((h for h in resp.hops if h.component == "Ingress controller"), None)
    if hop is None:
        return ""
    return "The controller says: " + hop.action + ("\n" + hop.detail if hop.detail else "")


def _backend_path(resp) -> str | None:
    try:
        return json.loads(resp.body)["path"]
    except (ValueError, KeyError, TypeError):
        return None


class _Scenario(Problem):
    scenario = APPS + SITE

    def cluster(self):
        """The scenario cluster (ingress-nginx, four echo apps, Ingresses site and secure)."""
        return fresh_cluster(self.scenario, **CLUSTER_ARGS)
