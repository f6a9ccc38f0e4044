"""describe node's Lease block (kubectl pkg/describe/describe.go describeNode, describeNodeLease).

The block's layout was checked against kubectl v1.37.1 describing a served cluster
(``Lease:`` then HolderIdentity, AcquireTime ``<unset>``, RenewTime in RFC1123Z)."""
from __future__ import annotations

import pytest

from k8snet import Cluster
from k8snet.controllers import nodelease


def _lease_lines(text: str) -> list[str]:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Lease:"))
    end = next(i for i in range(start + 1, len(lines)) if not lines[i].startswith("  "))
    return [" ".join(line.split()) for line in lines[start:end]]


# (what the store holds, the block describe prints (whitespace collapsed), upstream rule)
ROWS = [
    (None, ['Lease: Failed to get lease: leases.coordination.k8s.io "node-1" not found'],
     "describeNode: the Lease Get failed (an unserved cluster's kubelets write no Lease)"),
    ({}, ["Lease:", "HolderIdentity: node-1", "AcquireTime: <unset>", "RenewTime: Wed, 01 Jan 2025 00:00:30 +0000"],
     "describeNodeLease: the kubelet's Lease (nodelease.desired), MicroTime printed as RFC1123Z"),
    ({"acquireTime": "2025-01-01T00:00:10.500000Z", "holderIdentity": None},
     ["Lease:", "HolderIdentity: <unset>", "AcquireTime: Wed, 01 Jan 2025 00:00:10 +0000",
      "RenewTime: Wed, 01 Jan 2025 00:00:30 +0000"],
     "describeNodeLease: <unset> for a nil HolderIdentity; AcquireTime when set"),
]


@pytest.mark.parametrize("spec, want, rule", ROWS, ids=[r[2] for r in ROWS])
def test_describe_node_prints_the_lease(spec, want, rule):
    cluster = Cluster(seed=1)
    cluster.advance(30)
    if spec is not None:
        lease = nodelease.desired(cluster.get("node", "node-1"), None, cluster.now)
        lease["spec"].update(spec)
        lease["spec"] = {k: v for k, v in lease["spec"].items() if v is not None}
        cluster.api.create(lease)
    assert _lease_lines(cluster.kubectl("describe node node-1")) == want, rule
