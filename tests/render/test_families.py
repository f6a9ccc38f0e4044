"""The dual-stack picture (``k8snet.render.families``), row by row: a Service, and a fact about
the DOT source that the upstream rule in the row demands."""
from __future__ import annotations

import pytest

from k8snet import Cluster
from k8snet.render.families import FAMILY_COLOURS, families_graph

from .test_pictures import edge, statement


def _cluster():
    c = Cluster(3, ip_families=("IPv4", "IPv6"), seed=17)
    deploy = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
              "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                       "template": {"metadata": {"labels": {"app": "web"}},
                                    "spec": {"containers": [{"name": "web", "image": "nginx"}]}}}}
    svc = lambda name, **spec: {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name},
                                "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}], **spec}}
    c.apply([deploy, svc("single"), svc("dual", ipFamilyPolicy="PreferDualStack"), svc("v6", ipFamilies=["IPv6"])])
    return c


@pytest.fixture(scope="module")
def cluster():
    return _cluster()


ROWS = [
    # (rule, service, address types its slices show)
    ("getAddressTypesForService: a SingleStack Service has IPv4 slices only", "single", ["IPv4"]),
    ("getAddressTypesForService: a PreferDualStack Service has a slice per family", "dual", ["IPv4", "IPv6"]),
    ("getAddressTypesForService: ipFamilies [IPv6] has IPv6 slices only", "v6", ["IPv6"]),
]


@pytest.mark.parametrize("rule,service,types", ROWS, ids=[r[0] for r in ROWS])
def test_one_slice_node_per_address_type(cluster, rule, service, types):
    g = families_graph(cluster, service)
    spec = cluster.get("svc", service)["spec"]
    slices = [s for s in cluster.list("endpointslice")
              if s["metadata"]["labels"].get("kubernetes.io/service-name") == service]
    assert sorted(s["addressType"] for s in slices) == types
    for s in slices:
        e = edge(g.source, "svc", f"slice/{s['metadata']['name']}")
        assert FAMILY_COLOURS[s["addressType"]] in e
        for ep in s["endpoints"]:  # getEndpointAddresses: the pod's IP of the slice's family
            assert ep["addresses"][0] in edge(g.source, f"slice/{s['metadata']['name']}",
                                              f"pod/{ep['targetRef']['name']}")
    for fam, ip in zip(spec["ipFamilies"], spec["clusterIPs"]):
        assert f"{fam}  {ip}" in statement(g.source, "svc")


def test_pods_show_every_pod_ip(cluster):
    g = families_graph(cluster, "dual")
    for pod in cluster.list("pod"):
        text = statement(g.source, f"pod/{pod['metadata']['name']}")
        assert all(p["ip"] in text for p in pod["status"]["podIPs"])
