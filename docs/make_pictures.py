"""Regenerate the pictures in docs/ (the README shows ``docs/request-path.svg``).

    .venv/bin/python docs/make_pictures.py

The scenario: a shop of two nginx pods behind a LoadBalancer Service on a cloud, and a
client on the internet that opens ``http://shop.example.com/``.  The cloud is AWS because
its load balancer forwards to the Service's NodePort on a node (instance targets), so the
picture shows every stage: internet -> DNS -> cloud load balancer -> node (NodePort) ->
kube-proxy -> pod -> container.  (GCP's passthrough load balancer keeps the destination
address instead: kube-proxy matches the LoadBalancer IP itself and no NodePort hop appears.)
``shop.example.com`` answers with the load balancer's address, as a Route 53 alias record does.

Needs Graphviz's ``dot``.  Same code, same seed: the same SVG on the same machine.
"""
from __future__ import annotations

import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS.parent))  # run from a checkout without installing

from k8snet import Cluster  # noqa: E402
from k8snet.render.display import svg_text  # noqa: E402

SHOP = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: shop}}
  template:
    metadata: {labels: {app: shop}}
    spec:
      containers:
      - {name: shop, image: nginx, ports: [{containerPort: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: shop}
spec:
  type: LoadBalancer
  selector: {app: shop}
  ports: [{port: 80, targetPort: 80}]
"""


def request_path() -> str:
    """The SVG of one request from the internet to a shop pod."""
    cluster = Cluster(2, cloud="aws", seed=7)
    cluster.apply(SHOP)
    elb = cluster.get("svc", "shop")["status"]["loadBalancer"]["ingress"][0]["hostname"]
    address = next(v for (_, t, v) in cluster.resolve(elb).answers if t == "A")
    cluster.add_external_host("shop.example.com", address)
    response = cluster.request("http://shop.example.com/", from_internet=True)
    if response.status != 200:
        raise SystemExit(f"the scenario broke: {response}\n{response.explain()}")
    return svg_text(response.graph())


def main() -> None:
    """Write every picture into docs/."""
    out = DOCS / "request-path.svg"
    out.write_text(request_path() + "\n", encoding="utf-8")
    print(f"wrote {out.relative_to(DOCS.parent)}")


if __name__ == "__main__":
    main()
