"""A served cluster's times as real kubectl reads them: on the wall clock (apimachinery
metav1.Time; kubectl's describe and printers compute ages from the machine's clock), while the
stored objects, and so every unserved output, keep the simulated timeline (2025-01-01 + t).
And the kubelets' node Leases (kube-node-lease, coordination.k8s.io/v1) that ``kubectl
describe node`` reads."""
from __future__ import annotations

import calendar
import re
import time

import pytest

from k8snet import Cluster, clock
from k8snet.controllers import nodelease

from .conftest import web_manifest

CREATED_BEFORE = 30  # simulated seconds between the Deployment's creation and serve()


def _epoch(text: str) -> float:
    return calendar.timegm(time.strptime(text.split(".")[0].rstrip("Z"), "%Y-%m-%dT%H:%M:%S"))


@pytest.fixture(scope="module")
def wall(kubectl_bin, tmp_path_factory):
    import os
    import shlex
    import subprocess
    c = Cluster(3, seed=7)
    c.apply(web_manifest())
    c.advance(CREATED_BEFORE)
    before = c.kubectl("get deploy,pods -o jsonpath={..creationTimestamp}")
    server = c.serve()
    env = dict(os.environ, KUBECONFIG=server.kubeconfig, HOME=str(tmp_path_factory.mktemp("home")))

    def run(line: str) -> str:
        p = subprocess.run([kubectl_bin, *shlex.split(line)], env=env, capture_output=True, text=True, timeout=120)
        return p.stdout + p.stderr
    yield c, run, before, time.time()
    server.stop()


def test_creation_timestamps_are_on_the_wall_clock(wall):
    """metav1.Time: kubectl reads creationTimestamp as a point in time; the Deployment was made
    CREATED_BEFORE simulated seconds before serving, so that long before the wall's now."""
    c, run, _, served_at = wall
    got = _epoch(run("get deploy web -o jsonpath={.metadata.creationTimestamp}"))
    assert abs(got - (served_at - CREATED_BEFORE)) < 5


@pytest.mark.parametrize("line, pattern, rule", [
    ("describe deploy web", r"ScalingReplicaSet\s+(\d+)s\s", "describe.go DescribeEvents: translateTimestampSince"),
    ("get events", r"^(\d+)s\s", "printers.go printEvent: LAST SEEN from lastTimestamp"),
])
def test_ages_real_kubectl_computes_are_small(wall, line, pattern, rule):
    """Before: 703d (the simulated 2025 epoch seen from 2026's wall clock)."""
    out = wall[1](line)
    ages = [int(m.group(1)) for m in re.finditer(pattern, out, re.M)]
    assert ages and max(ages) < CREATED_BEFORE + 120, (rule, out)
    assert not re.search(r"\b\d+d\b", out), (rule, out)


def test_describe_node_reads_its_lease(wall):
    """describe.go describeNode: GET leases/<node> in kube-node-lease; 'Failed to get lease' when absent."""
    out = wall[1]("describe node node-2")
    assert "Failed to get lease" not in out
    assert re.search(r"^Lease:\n  HolderIdentity:  node-2\n  AcquireTime:     <unset>\n  RenewTime:       ", out, re.M)


def test_leases_list_like_a_kubeadm_cluster(wall):
    """printers.go printLease: NAME, HOLDER, AGE; one Lease per node, held by its kubelet."""
    out = wall[1]("get leases -n kube-node-lease")
    rows = [line.split()[:2] for line in out.splitlines()[1:]]
    assert out.splitlines()[0].split() == ["NAME", "HOLDER", "AGE"]
    assert rows == [["node-1", "node-1"], ["node-2", "node-2"], ["node-3", "node-3"]]


def test_times_real_tools_send_are_stored_simulated(wall):
    """kubectl rollout restart stamps restartedAt with its own clock (objectrestarter.go); the
    store keeps the simulated timeline, so unserved output stays comparable."""
    c, run, _, _ = wall
    run("rollout restart deploy/web")
    stamp = c.get("deploy", "web")["spec"]["template"]["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"]
    assert 0 <= clock.parse_rfc3339(stamp) <= c.now + 1


def test_stored_times_stay_simulated(wall):
    """Serving changes no stored timestamp: the emulated kubectl prints what it printed before."""
    c, _, before, _ = wall
    assert c.kubectl("get deploy,pods -o jsonpath={..creationTimestamp}").startswith(before.split()[0])
    assert before.startswith("2025-01-01T")


# -- the pure parts -------------------------------------------------------------------------
class _Fake:
    def __init__(self, wall: float):
        self.t, self.wall = 0.0, wall

    def mono(self):
        return self.t

    def now(self):
        return self.wall + self.t


# (steps, offset expected, rule)
CLOCK_ROWS = [
    ((), None, "not served: no wall offset, outputs deterministic"),
    (("follow",), 1_764_950_400 - 1_735_689_600 - 100, "served at sim t=100: wall - EPOCH - now"),
    (("follow", ("jump", 60)), 1_764_950_400 - 1_735_689_600 - 160, "advance(60) while served: all 60 s older"),
    (("follow", "stop"), None, "stopped: back to the simulated timeline"),
]


@pytest.mark.parametrize("steps, offset, rule", CLOCK_ROWS, ids=[r[2] for r in CLOCK_ROWS])
def test_wall_offset(steps, offset, rule):
    fake = _Fake(1_764_950_400.0)  # 2025-12-05T16:00:00Z
    c = clock.Clock(monotonic=fake.mono, wall=fake.now)
    c.set(100)
    for step in steps:
        if step == "follow":
            c.follow_wall()
        elif step == "stop":
            c.stop_following()
        else:
            c.jump(step[1])
    assert c.wall_offset == offset, rule


# (object, offset, expected, rule)
SHIFT_ROWS = [
    ({"metadata": {"creationTimestamp": "2025-01-01T00:00:10Z"}}, 3600,
     {"metadata": {"creationTimestamp": "2025-01-01T01:00:10Z"}}, "metav1.Time"),
    ({"spec": {"renewTime": "2025-01-01T00:00:10.250000Z"}}, 60,
     {"spec": {"renewTime": "2025-01-01T00:01:10.250000Z"}}, "metav1.MicroTime keeps its fraction"),
    ({"status": {"conditions": [{"lastTransitionTime": "2025-01-01T00:00:00Z", "message": "2025-01-01T00:00:00Z"}]}},
     1, {"status": {"conditions": [{"lastTransitionTime": "2025-01-01T00:00:01Z", "message": "2025-01-01T00:00:00Z"}]}},
     "only time fields move, never free text"),
    ({"metadata": {"annotations": {"kubectl.kubernetes.io/restartedAt": "2025-01-01T00:00:00Z"}}}, 1,
     {"metadata": {"annotations": {"kubectl.kubernetes.io/restartedAt": "2025-01-01T00:00:01Z"}}},
     "objectrestarter.go's annotation is a time"),
    ({"metadata": {"creationTimestamp": None}}, 5, {"metadata": {"creationTimestamp": None}}, "a null time stays null"),
]


@pytest.mark.parametrize("obj, offset, want, rule", SHIFT_ROWS, ids=[r[3] for r in SHIFT_ROWS])
def test_to_wall_and_back(obj, offset, want, rule):
    assert clock.to_wall(obj, offset) == want, rule
    assert clock.from_wall(want, offset) == obj, rule
    assert clock.to_wall(obj, None) is obj


NODE = {"metadata": {"name": "node-1", "uid": "u1"}}


# (lease renewed at, now, kubelet up, written renewTime or None, rule)
LEASE_ROWS = [
    (None, 5.0, True, "2025-01-01T00:00:05.000000Z", "no Lease yet: the kubelet creates it"),
    (0.0, 9.5, True, None, "renewed 9.5 s ago: before renewInterval (0.25 x 40 s)"),
    (0.0, 10.25, True, "2025-01-01T00:00:10.250000Z", "renewInterval passed: renewTime moves"),
    (0.0, 60.0, False, None, "a stopped kubelet renews nothing (the Lease goes stale)"),
]


@pytest.mark.parametrize("renewed, now, up, want, rule", LEASE_ROWS, ids=[r[4] for r in LEASE_ROWS])
def test_node_lease(renewed, now, up, want, rule):
    lease = None if renewed is None else nodelease.desired(NODE, None, renewed)
    got = nodelease.desired(NODE, lease, now, up)
    assert (got and got["spec"]["renewTime"]) == want, rule
    if got is not None:
        assert got["metadata"]["ownerReferences"] == [{"apiVersion": "v1", "kind": "Node", "name": "node-1", "uid": "u1"}]
        assert got["spec"]["holderIdentity"] == "node-1" and got["spec"]["leaseDurationSeconds"] == 40


def test_log_timestamps_are_on_the_wall_clock(wall):
    """kubectl logs --timestamps: the kubelet's RFC3339Nano prefix (kuberuntime timeFormatOut),
    read against the wall clock like every other served time."""
    c, run, _, served_at = wall
    pod = next(p["metadata"]["name"] for p in c.list("pods") if p["status"].get("phase") == "Running")
    first = run(f"logs {pod} --timestamps").splitlines()[0]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z .*", first), first
    assert abs(_epoch(first.split()[0]) - served_at) < CREATED_BEFORE + 120, first
