"""The kubelet's node heartbeat: one Lease per node in ``kube-node-lease``
(coordination.k8s.io/v1), as kubelet's ``nodelease`` controller keeps it
(k8s.io/component-helpers/apimachinery/lease ``controller.go``): named after the node, owned
by the Node, ``holderIdentity`` the node's name, ``leaseDurationSeconds`` 40 (the kubelet's
``nodeLeaseDurationSeconds``) and ``renewTime`` renewed every 10 s (``renewIntervalFraction``
0.25 of the duration).  A stopped kubelet (``fail_node``) renews nothing, so its Lease goes stale.

k8snet writes node Leases only while a cluster is served (``serve/server.py`` ticks
:func:`renew`): real ``kubectl describe node`` reads the node's Lease, and an unserved
cluster stays byte-for-byte what it was (no extra writes, resourceVersions or uids).
"""
from __future__ import annotations

from .. import clock
from ..apiserver.store import clone

__all__ = ["NAMESPACE", "LEASE_DURATION", "RENEW_INTERVAL", "desired", "renew", "micro_time"]

NAMESPACE = "kube-node-lease"
LEASE_DURATION = 40
RENEW_INTERVAL = LEASE_DURATION * 0.25


def micro_time(t: float) -> str:
    """metav1.MicroTime as JSON: RFC 3339 with six fraction digits (``...00:00:10.250000Z``)."""
    return clock.rfc3339(t)[:-1] + f".{int(round((t - int(t)) * 1e6)) % 1000000:06d}Z"


def desired(node: dict, lease: dict | None, now: float, kubelet_up: bool = True) -> dict | None:
    """The Lease the node's kubelet writes at ``now``, or None when it writes nothing (it is
    stopped, or renewed less than RENEW_INTERVAL ago)."""
    if not kubelet_up:
        return None
    name = node["metadata"]["name"]
    if lease is not None:
        renewed = (lease.get("spec") or {}).get("renewTime")
        if renewed and now - clock.parse_rfc3339(renewed.split(".")[0] + "Z") < RENEW_INTERVAL:
            return None
        out = clone(lease)
        out["spec"]["renewTime"] = micro_time(now)
        return out
    return {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
            "metadata": {"name": name, "namespace": NAMESPACE,
                         "ownerReferences": [{"apiVersion": "v1", "kind": "Node", "name": name,
                                              "uid": node["metadata"].get("uid", "")}]},
            "spec": {"holderIdentity": name, "leaseDurationSeconds": LEASE_DURATION, "renewTime": micro_time(now)}}


def renew(cluster) -> int:
    """Create or renew every running kubelet's Lease (call with the cluster's lock held);
    returns how many were written."""
    written = 0
    up = cluster.controllers.kubelet_up
    for node in list(cluster.store.items("Node")):
        name = node["metadata"]["name"]
        lease = cluster.store.peek("Lease", NAMESPACE, name)
        want = desired(node, lease, cluster.now, up.get(name, True))
        if want is None:
            continue
        if lease is None:
            cluster.api.create(want)
        else:
            cluster.api.update(want)
        written += 1
    return written
