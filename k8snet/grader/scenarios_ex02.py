"""Exercise 02's scenarios (notebook ``exercises/ex02_services_selectors_endpoints.ipynb``): pods
with overlapping labels, the ``front-end`` typo, the external host of the selector-less Service,
and the cluster and EndpointSlice helpers the checks use."""
from __future__ import annotations

__all__ = ["LABELLED_PODS", "TYPO_SCENARIO", "LEGACY_HOST", "LEGACY_IP"]


CLIENT = """
apiVersion: v1
kind: Pod
metadata: {name: client, labels: {app: client}}
spec:
  containers: [{name: curl, image: curlimages/curl, command: [sleep, infinity]}]
"""


def _echo_pod(name: str, labels: str) -> str:
    return f"""
---
apiVersion: v1
kind: Pod
metadata: {{name: {name}, labels: {{{labels}}}}}
spec:
  containers: [{{name: app, image: hashicorp/http-echo, args: ["-text={name}"]}}]
"""


#: Five pods with overlapping labels and a Service selecting app=shop AND tier=web.
LABELLED_PODS = (CLIENT
                 + _echo_pod("shop-web-1", "app: shop, tier: web")
                 + _echo_pod("shop-web-2", "app: shop, tier: web, track: canary")
                 + _echo_pod("shop-api", "app: shop, tier: api")
                 + _echo_pod("blog-web", "app: blog, tier: web")
                 + _echo_pod("shop-web-old", "app: Shop, tier: web") + """
---
apiVersion: v1
kind: Service
metadata: {name: shop}
spec:
  selector: {app: shop, tier: web}
  ports: [{port: 80, targetPort: 5678}]
""")


#: Deployment frontend (pods app=frontend) and a Service whose selector says front-end.
TYPO_SCENARIO = CLIENT + """
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: frontend}
spec:
  replicas: 2
  selector: {matchLabels: {app: frontend}}
  template:
    metadata: {labels: {app: frontend}}
    spec:
      containers:
      - {name: nginx, image: "nginx:1.27", ports: [{containerPort: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: frontend}
spec:
  selector: {app: front-end}
  ports: [{port: 80, targetPort: 80}]
"""


LEGACY_HOST, LEGACY_IP = "legacy.example.com", "203.0.113.10"


def _cluster(scenario: str, seed: int = 4):
    from .. import Cluster
    c = Cluster(seed=seed)
    c.add_external_host(LEGACY_HOST, LEGACY_IP)
    c.apply(scenario)
    return c


def _slice_pods(cluster, service: str) -> set[str]:
    names = set()
    for s in cluster.list("endpointslice"):
        if (s["metadata"].get("labels") or {}).get("kubernetes.io/service-name") == service:
            names.update(e["targetRef"]["name"] for e in s.get("endpoints") or [] if e.get("targetRef"))
    return names
