"""Deployment -> ReplicaSet -> Pods, rollouts over the simulated clock, scale, rollout status.

The rolling-update rows follow pkg/controller/deployment/rolling.go: ``reconcileNewReplicaSet``
grows the new ReplicaSet while all pods stay <= replicas + maxSurge (maxSurge rounded up), and
``reconcileOldReplicaSets`` shrinks old ones while available pods stay >= replicas -
maxUnavailable (rounded down; deploymentutil.ResolveFenceposts).  Pods have a readiness probe
with ``initialDelaySeconds: 10``, so a new pod becomes available 10 s after it starts.
Each step is (seconds since the template change, (ready, not ready) of new pods,
(ready, not ready) of old pods).
"""
from __future__ import annotations

import pytest

from k8snet import Cluster

from .objects import deployment, is_ready, live_pods, pods_by_hash


def _rollout(replicas: int, strategy: dict | None, steps: list[tuple[int, tuple, tuple]]):
    c = Cluster(seed=3)
    c.apply(deployment(replicas=replicas, strategy=strategy, probe_delay=10))
    c.advance(10)  # every first-revision pod Ready
    (old_hash,) = pods_by_hash(c)
    c.apply(deployment(replicas=replicas, strategy=strategy, probe_delay=10, image="nginx:1.28"))
    start, seen = c.now, []
    for at, _, _ in steps:
        c.advance(start + at - c.now)
        by_hash = pods_by_hash(c)
        new = next((v for h, v in by_hash.items() if h != old_hash), (0, 0))
        seen.append((at, new, by_hash.get(old_hash, (0, 0))))
    return seen


ROLLING = [
    pytest.param(4, None, [
        # 25%/25% of 4: surge 1, unavailable 1 -> at most 5 pods, at least 3 available.
        (0, (0, 2), (3, 0)),   # new RS to 1 (5 pods), old to 3 (3 available), new to 2
        (5, (0, 2), (3, 0)),   # nothing is ready yet: no move is allowed
        (10, (2, 2), (1, 0)),  # 2 new available: old 3 -> 1, new 2 -> 4
        (15, (2, 2), (1, 0)),
        (20, (4, 0), (0, 0)),  # last old pod goes once 4 new are available
    ], id="default-25%-25%-replicas-4"),
    pytest.param(4, {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1}}, [
        # no surge: never more than 4 pods; one pod replaced at a time.
        (0, (0, 1), (3, 0)),
        (10, (1, 1), (2, 0)),
        (20, (2, 1), (1, 0)),
        (30, (3, 1), (0, 0)),
        (40, (4, 0), (0, 0)),
    ], id="maxSurge-0-maxUnavailable-1"),
    pytest.param(4, {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "100%", "maxUnavailable": 0}}, [
        # blue/green: 4 new pods next to 4 old; old ones go only when all new are available.
        (0, (0, 4), (4, 0)),
        (5, (0, 4), (4, 0)),
        (10, (4, 0), (0, 0)),
    ], id="maxSurge-100%-maxUnavailable-0"),
    pytest.param(3, {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}}, [
        (0, (0, 1), (3, 0)),
        (10, (1, 1), (2, 0)),
        (20, (2, 1), (1, 0)),
        (30, (3, 0), (0, 0)),
    ], id="maxSurge-1-maxUnavailable-0"),
]


@pytest.mark.parametrize("replicas, strategy, steps", ROLLING)
def test_rolling_update_steps(replicas, strategy, steps):
    assert _rollout(replicas, strategy, steps) == steps


@pytest.mark.parametrize("replicas, strategy, steps", ROLLING)
def test_rolling_update_bounds_hold_at_every_step(replicas, strategy, steps):
    # rolling.go's two invariants, checked on what the cluster really held at each step.
    from k8snet.controllers.deployment import resolve_fenceposts
    surge, unavailable = resolve_fenceposts(deployment(replicas=replicas, strategy=strategy))
    for _, new, old in _rollout(replicas, strategy, steps):
        assert sum(new) + sum(old) <= replicas + surge
        assert new[0] + old[0] >= replicas - unavailable


def test_recreate_has_no_pod_between_old_gone_and_new_ready():
    # recreate.go: scale old ReplicaSets to 0, wait until no old pod is left, then scale up the
    # new one -- so for initialDelaySeconds nothing is ready and the Service has no endpoints.
    strategy = {"type": "Recreate"}
    steps = [(0, (0, 3), (0, 0)), (5, (0, 3), (0, 0)), (10, (3, 0), (0, 0))]
    assert _rollout(3, strategy, steps) == steps


def test_recreate_leaves_the_service_without_ready_endpoints_meanwhile():
    from .objects import endpoints_of, service
    c = Cluster(seed=3)
    c.apply([deployment(replicas=2, strategy={"type": "Recreate"}, probe_delay=10), service()])
    c.advance(10)
    assert sum(e["ready"] for e in endpoints_of(c, "web").values()) == 2
    c.apply(deployment(replicas=2, strategy={"type": "Recreate"}, probe_delay=10, image="nginx:1.28"))
    assert sum(e["ready"] for e in endpoints_of(c, "web").values()) == 0
    c.advance(10)
    assert sum(e["ready"] for e in endpoints_of(c, "web").values()) == 2


def test_deployment_owns_replicaset_owns_pods():
    # Deployment -> ReplicaSet "<deploy>-<pod-template-hash>" -> pods "<rs>-<5 chars>", each with
    # a controller ownerReference (docs: Deployments, "Creating a Deployment").
    c = Cluster(seed=1)
    c.apply(deployment(replicas=2))
    d = c.get("deploy", "web")
    (rs,) = c.list("rs")
    h = rs["metadata"]["labels"]["pod-template-hash"]
    assert rs["metadata"]["name"] == f"web-{h}"
    assert rs["metadata"]["ownerReferences"][0]["uid"] == d["metadata"]["uid"]
    assert rs["spec"]["selector"]["matchLabels"] == {"app": "web", "pod-template-hash": h}
    pods = live_pods(c, prefix="web-")
    assert len(pods) == 2
    for p in pods:
        assert p["metadata"]["name"].startswith(f"web-{h}-") and len(p["metadata"]["name"]) == len(f"web-{h}-") + 5
        assert p["metadata"]["ownerReferences"][0]["uid"] == rs["metadata"]["uid"]
    assert d["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "1"


@pytest.mark.parametrize("replicas", [pytest.param(n, id=f"to-{n}") for n in (5, 1, 0, 3)])
def test_kubectl_scale(replicas):
    # kubectl scale sets spec.replicas; the ReplicaSet controller creates/deletes pods to match.
    c = Cluster(seed=1)
    c.apply(deployment(replicas=3))
    assert c.kubectl(f"scale deployment web --replicas={replicas}") == "deployment.apps/web scaled\n"
    assert len(live_pods(c, prefix="web-")) == replicas
    assert c.get("rs", c.list("rs")[0]["metadata"]["name"])["spec"]["replicas"] == replicas


def test_rollout_status_prints_progress_until_done():
    # kubectl/pkg/polymorphichelpers/rollout_status.go DeploymentStatusViewer, one line per
    # change while it waits (the simulated clock advances as kubectl's watch would).
    c = Cluster(seed=3)
    c.apply(deployment(replicas=4, probe_delay=10))
    c.advance(10)
    c.apply(deployment(replicas=4, probe_delay=10, image="nginx:1.28"))
    assert c.kubectl("rollout status deployment/web") == (
        'Waiting for deployment "web" rollout to finish: 2 out of 4 new replicas have been updated...\n'
        'Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...\n'
        'deployment "web" successfully rolled out\n')
    assert all(is_ready(p) for p in live_pods(c, prefix="web-"))
    assert c.kubectl("rollout status deployment/web") == 'deployment "web" successfully rolled out\n'


def test_rollout_restart_replaces_every_pod():
    """kubectl polymorphichelpers/objectrestarter.go: `rollout restart` sets the template
    annotation kubectl.kubernetes.io/restartedAt; the Deployment controller then rolls out a
    new ReplicaSet (deployment_controller.go: a template change means a new pod-template-hash)."""
    from k8snet import Cluster
    c = Cluster(seed=5)
    c.apply(deployment(replicas=2))
    before = {p["metadata"]["name"] for p in c.list("pods")}
    c.advance(30)
    assert c.kubectl("rollout restart deployment/web") == "deployment.apps/web restarted\n"
    out = c.kubectl("rollout status deployment/web")
    assert out.endswith('deployment "web" successfully rolled out\n')
    after = {p["metadata"]["name"] for p in c.list("pods") if not p["metadata"].get("deletionTimestamp")}
    assert len(after) == 2 and not (after & before)
    tmpl = c.get("deploy", "web")["spec"]["template"]["metadata"]["annotations"]
    assert tmpl["kubectl.kubernetes.io/restartedAt"] == "2025-01-01T00:00:30Z"
    assert len(c.list("rs")) == 2  # the old ReplicaSet is kept at 0 (revisionHistoryLimit)
