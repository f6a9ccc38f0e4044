"""Exercise 08's scenario (notebook ``exercises/ex08_gateway_api.ipynb``): Gateway ``infra/web-gw``,
the store and payments echo apps, the routes the questions add, and the route conditions the
checks read. The L4 questions' scenario is in :mod:`.l4routes`."""
from __future__ import annotations

from .core import Problem
from .scenario import echo_app, fresh_cluster

__all__ = ["SCENARIO", "CLUSTER_ARGS", "conditions"]


SCENARIO = """apiVersion: v1
kind: Namespace
metadata: {name: infra}
---
apiVersion: v1
kind: Namespace
metadata: {name: store, labels: {gateway-access: "true"}}
---
apiVersion: v1
kind: Namespace
metadata: {name: payments}
---
apiVersion: v1
kind: Namespace
metadata: {name: sandbox}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: web-gw, namespace: infra}
spec:
  gatewayClassName: k8snet
  listeners:
  - name: http
    protocol: HTTP
    port: 80
    hostname: "*.example.com"
    allowedRoutes:
      namespaces:
        from: Selector
        selector: {matchLabels: {gateway-access: "true"}}
""" + "".join("---\n" + echo_app(name, ns, port=8080)
          for name, ns in (("store-v1", "store"), ("store-v2", "store"), ("checkout", "payments")))


PRECEDENCE = """---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: api, namespace: store}
spec:
  parentRefs: [{name: web-gw, namespace: infra}]
  hostnames: [api.example.com]
  rules:
  - matches:
    - path: {type: PathPrefix, value: /api}
      headers: [{name: x-beta, value: "1"}]
    backendRefs: [{name: store-v2, port: 8080}]
  - matches:
    - path: {type: PathPrefix, value: /api/orders}
    backendRefs: [{name: store-v1, port: 8080}]
"""


SANDBOX = """---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: demo, namespace: sandbox}
spec:
  parentRefs: [{name: web-gw, namespace: infra}]
  hostnames: [demo.example.com]
  rules:
  - backendRefs: [{name: demo, port: 80}]
"""


CHECKOUT = """---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: checkout, namespace: store}
spec:
  parentRefs: [{name: web-gw, namespace: infra}]
  hostnames: [store.example.com]
  rules:
  - matches: [{path: {type: PathPrefix, value: /checkout}}]
    backendRefs: [{name: checkout, namespace: payments, port: 8080}]
"""


#: Every ex08 scenario cluster (the L4 questions too): the gateway addon on a cloud that gives addresses.
CLUSTER_ARGS = {"seed": 8, "addons": ["gateway"], "cloud": "gcp"}


def conditions(cluster, route: str, namespace: str) -> dict[str, tuple[str, str]]:
    """``{type: (status, reason)}`` of the route's first parent status (what describe shows)."""
    obj = cluster.get("httproute", route, namespace)
    parents = (obj.get("status") or {}).get("parents") or []
    if not parents:
        return {}
    return {c["type"]: (c["status"], c["reason"]) for c in parents[0].get("conditions") or []}


class _Scenario(Problem):
    scenario = SCENARIO

    def cluster(self):
        """The scenario cluster (the same every time)."""
        return fresh_cluster(self.scenario, **CLUSTER_ARGS)
