"""Scenario loading for the routing tests: ``tests/manifests/routing/base.yaml`` plus one
scenario file, turned into the object lists the engines take (with the defaults the API
server would add: namespace, creationTimestamp, generation); and the YAML builders of
gateway-api's conformance base (conformance/base/manifests.yaml) the end-to-end routing tests
share: its infra namespace, echo backends and ``same-namespace`` Gateway."""
from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml

from k8snet.routing import route_http

MANIFESTS = Path(__file__).resolve().parent.parent / "manifests" / "routing"
#: The echo server gateway-api v1.6.1's conformance base runs (conformance/base/manifests.yaml).
ECHO = "registry.k8s.io/gateway-api/echo-basic:v1.5.1"
#: The conformance base's namespace for its Gateways, routes and backends.
NS = "gateway-conformance-infra"


def gateway_cluster(manifests: str, seed: int):
    """A 2-node cluster on a cloud with the gateway addon, ``manifests`` applied and settled."""
    from k8snet import Cluster
    c = Cluster(nodes=2, addons=["gateway"], cloud="gcp", seed=seed)
    c.apply(manifests)
    c.advance(30)
    return c


def echo_backend(name: str, namespace: str) -> str:
    """YAML of a one-replica echo-basic Deployment and its Service ``name`` (port 8080 -> 3000),
    as the conformance base declares its infra backends."""
    return f"""
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, namespace: {namespace}}}
spec:
  replicas: 1
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec: {{containers: [{{name: echo, image: "{ECHO}", ports: [{{containerPort: 3000}}]}}]}}
---
apiVersion: v1
kind: Service
metadata: {{name: {name}, namespace: {namespace}}}
spec: {{selector: {{app: {name}}}, ports: [{{port: 8080, targetPort: 3000}}]}}
"""


def namespace(name: str = NS) -> str:
    """YAML of Namespace ``name``."""
    return f"""
apiVersion: v1
kind: Namespace
metadata: {{name: {name}}}
"""


def same_namespace_gateway(allowed_routes: str | None = None) -> str:
    """YAML of the conformance base's Gateway ``same-namespace``: one HTTP listener on port 80
    (its ``allowedRoutes`` given as a YAML flow mapping, else left to the default, Same)."""
    extra = f", allowedRoutes: {allowed_routes}" if allowed_routes else ""
    return f"""
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {{name: same-namespace, namespace: {NS}}}
spec:
  gatewayClassName: k8snet
  listeners: [{{name: http, port: 80, protocol: HTTP{extra}}}]
"""


def infra(*backends: str, gateway: str | None = same_namespace_gateway()) -> str:
    """YAML of the infra namespace, an :func:`echo_backend` for each name in ``backends``, then
    ``gateway`` (the ``same-namespace`` Gateway unless told otherwise; None for none)."""
    docs = [namespace(), *(echo_backend(b, NS) for b in backends)] + ([gateway] if gateway else [])
    return "---".join(docs)


class Scenario:
    """Objects by kind, and a ``request()`` that routes through one Gateway."""

    def __init__(self, *files: str):
        self.objects: dict[str, list[dict]] = {}
        for name in ("base.yaml",) + files:
            for doc in yaml.safe_load_all((MANIFESTS / name).read_text()):
                meta = doc.setdefault("metadata", {})
                if doc["kind"] not in ("Namespace", "GatewayClass"):
                    meta.setdefault("namespace", "default")
                meta.setdefault("creationTimestamp", "2025-01-01T00:00:00Z")
                meta.setdefault("generation", 1)
                self.objects.setdefault(doc["kind"], []).append(doc)

    def kind(self, kind: str) -> list[dict]:
        """Every object of ``kind`` (``[]`` when none)."""
        return self.objects.get(kind, [])

    def get(self, kind: str, namespaced_name: str) -> dict:
        """One object by ``namespace/name`` (or ``name`` for cluster-scoped kinds)."""
        for obj in self.kind(kind):
            m = obj["metadata"]
            if namespaced_name in (m["name"], f"{m.get('namespace')}/{m['name']}"):
                return obj
        raise KeyError(namespaced_name)

    def request(self, gateway="gateway-conformance-infra/same-namespace", *, port=80, seed=0, **kw):
        """route_http through ``gateway`` with this scenario's objects."""
        return route_http(self.kind("Gateway"), self.kind("HTTPRoute"), self.kind("Service"),
                          self.kind("ReferenceGrant"), self.kind("Namespace"), gateway=gateway, port=port,
                          rng=random.Random(seed), gateway_classes=self.kind("GatewayClass"),
                          secrets=self.kind("Secret"), **kw)


@pytest.fixture
def scenario():
    """``scenario("matching.yaml")`` -> a :class:`Scenario` over base.yaml + that file."""
    return Scenario
