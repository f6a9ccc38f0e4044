"""Adoption and release (pkg/controller/controller_ref_manager.go ClaimObject, as called by
syncReplicaSet's claimPods and syncDeployment's getReplicaSetsForDeployment).

Each row builds a fresh cluster, runs a few steps and checks who controls which pod or
ReplicaSet afterwards, and how many pods the selector counts."""
from __future__ import annotations

import pytest

from k8snet import Cluster

DEPLOY = """apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx}]}
"""
RS = """apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx}]}
"""
BARE = """apiVersion: v1
kind: Pod
metadata: {name: bare, labels: {app: web}}
spec: {containers: [{name: web, image: nginx}]}
"""
OTHER_OWNED = """apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: other}
spec:
  replicas: 1
  selector: {matchLabels: {app: web, tier: other}}
  template:
    metadata: {labels: {app: web, tier: other}}
    spec: {containers: [{name: web, image: nginx}]}
"""


def _pods(c: Cluster, **labels) -> dict[str, str | None]:
    """Live pods of default carrying ``labels`` -> the name of their controller (None: orphan)."""
    out = {}
    for p in c.list("Pod", "default"):
        meta = p["metadata"]
        if meta.get("deletionTimestamp") or any((meta.get("labels") or {}).get(k) != v for k, v in labels.items()):
            continue
        ctl = [r["name"] for r in meta.get("ownerReferences") or [] if r.get("controller")]
        out[meta["name"]] = ctl[0] if ctl else None
    return out


def _first(c: Cluster, prefix: str) -> str:
    return sorted(n for n in _pods(c) if n.startswith(prefix))[0]


def relabel_out(c):  # ClaimObject: owned, selector no longer matches -> ReleasePod
    c.apply(RS); c.advance(5)
    victim = _first(c, "web-")
    c.kubectl(f"label pod {victim} app=debug --overwrite"); c.advance(5)
    selected = _pods(c, app="web")
    assert len(selected) == 2 and victim not in selected and set(selected.values()) == {"web"}
    assert _pods(c)[victim] is None  # released: still running, no controller
    assert "ownerReferences" not in c.get("Pod", victim)["metadata"]


def relabel_back(c):  # ReleasePod, then AdoptPod of the orphan; the surplus is scaled down
    c.apply(RS); c.advance(5)
    victim = _first(c, "web-")
    c.kubectl(f"label pod {victim} app=debug --overwrite"); c.advance(5)
    c.kubectl(f"label pod {victim} app=web --overwrite"); c.advance(5)
    selected = _pods(c, app="web")
    assert len(selected) == 2 and set(selected.values()) == {"web"}


def bare_pod_first(c):  # ClaimObject: orphan, selector matches -> AdoptPod; it counts toward replicas
    c.apply(BARE); c.advance(5)
    c.apply(RS); c.advance(5)
    pods = _pods(c, app="web")
    assert pods["bare"] == "web" and len(pods) == 2
    ref = c.get("Pod", "bare")["metadata"]["ownerReferences"][0]
    assert ref["kind"] == "ReplicaSet" and ref["controller"] is True and ref["blockOwnerDeletion"] is True
    assert ref["uid"] == c.get("ReplicaSet", "web")["metadata"]["uid"]


def bare_pod_after(c):  # addPod of an orphan wakes the matching ReplicaSets: adopt, then one too many
    c.apply(RS); c.advance(5)
    c.apply(BARE); c.advance(5)
    pods = _pods(c, app="web")
    assert len(pods) == 2 and set(pods.values()) == {"web"}


def owned_by_another(c):  # ClaimObject: controlled by someone else -> ignored, whatever its labels
    c.apply(OTHER_OWNED); c.advance(5)
    c.apply(RS); c.advance(5)
    pods = _pods(c, app="web")
    assert sorted(pods.values()) == ["other", "web", "web"]


def orphaned_rs_pods_adopted(c):  # delete rs --cascade=orphan: the Deployment's new RS adopts the pods
    c.apply(DEPLOY); c.advance(5)
    before = _pods(c, app="web")
    rs = c.list("ReplicaSet", "default")[0]["metadata"]["name"]
    c.delete(f"rs/{rs}", propagation_policy="Orphan"); c.advance(5)
    after = _pods(c, app="web")
    assert set(after) == set(before) and set(after.values()) == {rs}
    assert c.get("ReplicaSet", rs)["metadata"]["uid"] != ""


def deployment_readopts_rs(c):  # delete deploy --cascade=orphan, apply again: ClaimReplicaSets adopts
    c.apply(DEPLOY); c.advance(5)
    pods = _pods(c, app="web")
    rs = c.list("ReplicaSet", "default")[0]["metadata"]["name"]
    c.delete("deployment/web", propagation_policy="Orphan"); c.advance(5)
    assert "ownerReferences" not in c.get("ReplicaSet", rs)["metadata"]
    c.apply(DEPLOY); c.advance(5)
    assert [r["metadata"]["name"] for r in c.list("ReplicaSet", "default")] == [rs]
    ref = c.get("ReplicaSet", rs)["metadata"]["ownerReferences"][0]
    assert ref["uid"] == c.get("Deployment", "web")["metadata"]["uid"]
    assert _pods(c, app="web") == pods


ROWS = [relabel_out, relabel_back, bare_pod_first, bare_pod_after, owned_by_another,
        orphaned_rs_pods_adopted, deployment_readopts_rs]


@pytest.mark.parametrize("row", ROWS, ids=[r.__name__ for r in ROWS])
def test_claim(row):
    row(Cluster(nodes=2, seed=7))


def test_claim_decisions():
    """refmanager.claim alone: keep, release, adopt, ignore (ClaimObject's four outcomes)."""
    from k8snet.controllers.refmanager import claim
    owner = {"metadata": {"uid": "u1"}}
    mine = {"metadata": {"name": "a", "labels": {"app": "web"}, "ownerReferences": [{"uid": "u1", "controller": True}]}}
    strayed = {"metadata": {"name": "b", "labels": {"app": "x"}, "ownerReferences": [{"uid": "u1", "controller": True}]}}
    orphan = {"metadata": {"name": "c", "labels": {"app": "web"}}}
    dying = {"metadata": {"name": "d", "labels": {"app": "web"}, "deletionTimestamp": "2025-01-01T00:00:00Z"}}
    theirs = {"metadata": {"name": "e", "labels": {"app": "web"}, "ownerReferences": [{"uid": "u2", "controller": True}]}}
    match = lambda o: o["metadata"]["labels"].get("app") == "web"  # noqa: E731
    claimed, adopt, release = claim(owner, [mine, strayed, orphan, dying, theirs], match)
    assert ([o["metadata"]["name"] for o in claimed], [o["metadata"]["name"] for o in adopt],
            [o["metadata"]["name"] for o in release]) == (["a", "c"], ["c"], ["b"])
    owner["metadata"]["deletionTimestamp"] = "2025-01-01T00:00:00Z"  # being deleted: no adopt, no release
    claimed, adopt, release = claim(owner, [mine, strayed, orphan], match)
    assert ([o["metadata"]["name"] for o in claimed], adopt, release) == (["a"], [], [])
