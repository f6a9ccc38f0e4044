"""Ingress and Gateway addons, reached from the internet by hostname.

Rules: Ingress docs 'Name based virtual hosting' and ingress-nginx (the controller proxies to
endpoints, not the ClusterIP; unknown host -> its default backend answers 404); Gateway API
'HTTPRoute hostnames' and GEP-1364 status.addresses.  Contract: Ingress hosts and HTTPRoute
hostnames resolve from the internet to the controller / Gateway address (external-dns).
"""
from __future__ import annotations

import pytest

from .scenarios import cluster_with



def _components(r):
    return [h.component for h in r.hops]


@pytest.mark.parametrize("cloud,entry", [
    pytest.param(None, "node", id="bare metal: the controller's hostPort 80 on its node (minikube/kind)"),
    pytest.param("gcp", "cloud load balancer", id="gcp: the controller's LoadBalancer Service"),
])
def test_ingress_host_and_path_from_the_internet(cloud, entry):
    c = cluster_with("request/ingress.yaml", addons=["ingress-nginx"], cloud=cloud)
    # The status controller publishes the address (kubectl get ing ADDRESS); the host resolves to it.
    assert (c.get("ingress", "demo").get("status") or {}).get("loadBalancer", {}).get("ingress")
    r = c.request("http://demo.example.com/", from_internet=True)
    assert (r.status, r.backend) == (200, "default/web:80"), r.explain()
    assert r.pod.startswith("default/web-") and "Welcome to nginx!" in r.body
    comps = _components(r)
    assert comps[1] == "DNS" and comps[2] == entry and "Ingress controller" in comps
    assert "kube-proxy" not in comps[comps.index("Ingress controller"):]  # proxies to endpoints directly
    other = c.request(f"http://{r.hops[1].action.split(' -> ')[1]}/", from_internet=True,
                      headers={"Host": "other.example.com"})
    assert other.status == 404 and "nginx" in other.body, other.explain()


def test_gateway_httproute_from_the_internet():
    c = cluster_with("request/gateway.yaml", addons=["gateway"], cloud="gcp")
    assert (c.get("gateway", "public").get("status") or {}).get("addresses")
    r = c.request("http://gw.example.com/", from_internet=True)
    assert (r.status, r.backend) == (200, "default/web:80"), r.explain()
    comps = _components(r)
    assert comps[:3] == ["client", "DNS", "cloud load balancer"] and "Gateway" in comps
    assert r.pod.startswith("default/web-")


def test_ingress_backend_without_ready_endpoints_answers_503():
    """ingress-nginx: a backend Service with no ready endpoint -> 503 Service Temporarily Unavailable."""
    c = cluster_with("request/ingress.yaml", addons=["ingress-nginx"], cloud="gcp", web=False)
    assert (c.get("ingress", "demo").get("status") or {}).get("loadBalancer", {}).get("ingress")
    r = c.request("http://demo.example.com/", from_internet=True)
    assert (r.status, r.pod) == (503, None) and "503 Service Temporarily Unavailable" in r.body, r.explain()
