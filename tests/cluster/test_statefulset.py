"""StatefulSets (docs: StatefulSets, "Pod Identity", "Deployment and Scaling Guarantees";
pkg/controller/statefulset/stateful_set_control.go)."""
from __future__ import annotations

import pytest

from k8snet import Cluster

from .objects import is_ready, live_pods, service, statefulset


def _names(c: Cluster) -> list[tuple[str, bool]]:
    return [(p["metadata"]["name"], is_ready(p)) for p in live_pods(c, prefix="db-")]


@pytest.fixture
def cluster() -> Cluster:
    c = Cluster(seed=2)
    c.apply([service("db", clusterIP="None", ports=[{"name": "web", "port": 80}]), statefulset(replicas=3)])
    return c


def test_ordered_ready_creates_one_pod_at_a_time(cluster):
    # OrderedReady (the default podManagementPolicy): pod N is created only once 0..N-1 are
    # Running and Ready; the readiness probe fires initialDelaySeconds (5 s) after start.
    steps = []
    for _ in range(4):
        steps.append(_names(cluster))
        cluster.advance(5)
    assert steps == [
        [("db-0", False)],
        [("db-0", True), ("db-1", False)],
        [("db-0", True), ("db-1", True), ("db-2", False)],
        [("db-0", True), ("db-1", True), ("db-2", True)],
    ]


@pytest.mark.parametrize("ordinal", [0, 1, 2])
def test_stable_hostname_and_subdomain(cluster, ordinal):
    # "Stable Network ID": hostname <sts>-<ordinal>, subdomain = spec.serviceName, so the
    # headless Service gives each pod the DNS name <pod>.<service>.<ns>.svc.cluster.local.
    cluster.advance(15)
    pod = cluster.get("pod", f"db-{ordinal}")
    assert pod["spec"]["hostname"] == f"db-{ordinal}"
    assert pod["spec"]["subdomain"] == "db"
    assert pod["metadata"]["labels"]["statefulset.kubernetes.io/pod-name"] == f"db-{ordinal}"
    assert pod["metadata"]["labels"]["apps.kubernetes.io/pod-index"] == str(ordinal)
    res = cluster.resolve(f"db-{ordinal}.db.default.svc.cluster.local")
    assert res.answers == [(f"db-{ordinal}.db.default.svc.cluster.local.", "A", pod["status"]["podIP"])]
    # endpointutil.ShouldSetHostname: the slice endpoint carries the hostname.
    slice_hosts = {ep["addresses"][0]: ep.get("hostname") for s in cluster.list("EndpointSlice")
                   if s["metadata"]["labels"].get("kubernetes.io/service-name") == "db" for ep in s["endpoints"]}
    assert slice_hosts[pod["status"]["podIP"]] == f"db-{ordinal}"


def test_recreated_pod_keeps_its_name_but_not_its_ip(cluster):
    cluster.advance(15)
    before = cluster.get("pod", "db-1")
    cluster.delete("pod/db-1")
    cluster.advance(5)
    after = cluster.get("pod", "db-1")
    assert after["metadata"]["uid"] != before["metadata"]["uid"]
    assert after["spec"]["hostname"] == "db-1"
    assert after["status"]["podIP"] != before["status"]["podIP"]


def test_scale_down_removes_the_highest_ordinal_first(cluster):
    # "Scaling down: pods are terminated in reverse order, from {N-1..0}".
    cluster.advance(15)
    assert cluster.kubectl("scale statefulset db --replicas=1") == "statefulset.apps/db scaled\n"
    assert _names(cluster) == [("db-0", True)]
    events = sorted(cluster.list("Event"), key=lambda e: int(e["metadata"]["resourceVersion"]))
    deletes = [e["message"] for e in events
               if e["reason"] == "SuccessfulDelete" and e["involvedObject"]["name"] == "db"]
    assert deletes == ["delete Pod db-2 in StatefulSet db successful",
                       "delete Pod db-1 in StatefulSet db successful"]


def test_sts_rollout_status():
    # rollout_status.go StatefulSetStatusViewer: with the defaulted rollingUpdate.partition (0)
    # kubectl prints the "partitioned roll out" wording once every pod is ready.
    c = Cluster(seed=2)
    c.apply([service("db", clusterIP="None", ports=[{"name": "web", "port": 80}]), statefulset(replicas=2)])
    assert c.kubectl("rollout status statefulset/db") == (
        "Waiting for 2 pods to be ready...\n"
        "Waiting for 1 pods to be ready...\n"
        "partitioned roll out complete: 2 new pods have been updated...\n")
