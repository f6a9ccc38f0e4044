"""Golden DOT source of the pictures (``digraph.source``; K8SNET_REGOLD=1 rewrites).

The DOT text is what the picture says, independent of the Graphviz build that lays it out,
so it is compared byte for byte.  Each request row also checks the outcome, so a golden file
can only ever hold the scenario its name promises.
"""
from __future__ import annotations

import pytest

from . import scenarios

TOPOLOGIES = [
    # (id, graph() keywords, the upstream rule the picture shows)
    ("base", {}, "endpoint-slices docs, Conditions: ready=false endpoints get no traffic; "
                 "Service docs, type NodePort: each node proxies the nodePort"),
    ("base-system", {"show_system": True}, "kubeadm: kube-dns Service and CoreDNS in kube-system; "
                                           "ingress-nginx deploy manifest: the controller's LoadBalancer Service"),
]


@pytest.mark.parametrize("name,options,rule", TOPOLOGIES, ids=[t[0] for t in TOPOLOGIES])
def test_topology_source(name, options, rule, golden):
    golden("render", f"topology-{name}.dot", scenarios.base().graph(**options).source)


REQUESTS = [
    # (id, status, error, the upstream rule behind the outcome)
    ("success-clusterip", 200, None, "pkg/proxy/iptables/proxier.go syncProxyRules: KUBE-SVC -> KUBE-SEP DNAT"),
    ("refused-no-endpoints", None, "connection refused",
     "pkg/proxy/iptables/proxier.go syncProxyRules: 'has no endpoints' REJECT in filter KUBE-SERVICES"),
    ("timeout-networkpolicy", None, "connection timed out",
     "network-policies docs, Isolated pods: connections no policy allows are dropped"),
]


@pytest.mark.parametrize("name,status,error,rule", REQUESTS, ids=[r[0] for r in REQUESTS])
def test_request_source(name, status, error, rule, golden):
    response = scenarios.REQUESTS[name](scenarios.base())
    assert (response.status, response.error) == (status, error), f"{rule}\n{response.explain()}"
    golden("render", f"request-{name}.dot", response.graph().source)
