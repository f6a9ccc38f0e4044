"""The shortcuts the controllers take to do less work per write keep their answers: the pod
template hash remembered per template text, uids written out directly, controller-built pods
defaulted in place, a readiness probe and a ReplicaSet scale writing new versions that share the
unchanged parts, and watchers that hear only the kinds they watch.  Each row names the upstream
rule (or store rule) it checks.
"""
from __future__ import annotations

import copy
import json
import uuid

import pytest

from k8snet import Cluster
from k8snet.apiserver.defaults import default
from k8snet.apiserver.store import Store
from k8snet.controllers import daemonset, replicaset, statefulset
from k8snet.controllers.manager import ORDER
from k8snet.controllers.names import _fnv32a, safe_encode, template_hash

from .objects import deployment


def _uncached_hash(template: dict) -> str:
    return safe_encode(str(_fnv32a(json.dumps(template, sort_keys=True, separators=(",", ":")).encode())))


_TEMPLATE = {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", "image": "nginx"}]}}


def _changed(path: str, value) -> dict:
    t = copy.deepcopy(_TEMPLATE)
    target = t
    *parents, last = path.split(".")
    for p in parents:
        target = target.setdefault(p, {})
    target[last] = value
    return t


HASH_ROWS = [
    # (rule, a template that differs from _TEMPLATE)
    ("kubectl rollout restart: the restartedAt annotation gives a new pod-template-hash",
     _changed("metadata.annotations", {"kubectl.kubernetes.io/restartedAt": "2025-01-01T00:00:02Z"})),
    ("a new image gives a new pod-template-hash (controller_utils.go ComputeHash)",
     {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", "image": "nginx:1.28"}]}}),
    ("a new label gives a new pod-template-hash", _changed("metadata.labels", {"app": "web", "tier": "front"})),
]


@pytest.mark.parametrize("rule, other", HASH_ROWS, ids=[r[0] for r in HASH_ROWS])
def test_template_hash_follows_the_template(rule, other):
    first = template_hash(_TEMPLATE)
    assert template_hash(other) == _uncached_hash(other) != first, rule
    assert template_hash(_TEMPLATE) == first == _uncached_hash(_TEMPLATE), rule
    edited = copy.deepcopy(_TEMPLATE)
    template_hash(edited)
    edited["spec"]["containers"][0]["image"] = other["spec"]["containers"][0]["image"]
    edited["metadata"] = other["metadata"]  # the same dict changed after it was hashed: a new hash
    assert template_hash(edited) == _uncached_hash(other), rule


UID_ROWS = [
    # (rule, the 128 random bits drawn)
    ("RFC 4122 4.4: all bits zero still carry version 4 and variant 10", 0),
    ("RFC 4122 4.4: all bits one have version and variant overwritten", 2 ** 128 - 1),
    ("alternating bits", int("10" * 64, 2)),
    ("a draw of the seeded stream", 0x1F0E_2D3C_4B5A_6978_8796_A5B4_C3D2_E1F0),
]


class _Bits:
    def __init__(self, value: int):
        self.value = value

    def getrandbits(self, k: int) -> int:
        assert k == 128
        return self.value


@pytest.mark.parametrize("rule, bits", UID_ROWS, ids=[r[0] for r in UID_ROWS])
def test_new_uid_is_a_version_4_uuid(rule, bits):
    c = Cluster(nodes=1, seed=1)
    c.api.uid_rng = _Bits(bits)
    assert c.api.new_uid() == str(uuid.UUID(int=bits, version=4)), rule


def _owner(kind: str) -> dict:
    d = deployment(replicas=2)
    return {"apiVersion": "apps/v1", "kind": kind,
            "metadata": {"name": "web", "namespace": "default", "uid": "u-1",
                         "annotations": {"k8snet.io/startup-seconds": "2"}},
            "spec": {"selector": d["spec"]["selector"], "template": d["spec"]["template"], "serviceName": "web"}}


FRESH_ROWS = [
    # (rule, a pod as the controller builds it, the owner it came from)
    ("replica_set.go manageReplicas: a ReplicaSet's pod", lambda o: replicaset.pod_from_template(o, "web-abcde"),
     "ReplicaSet"),
    ("daemon_controller.go syncNodes: a DaemonSet's pod", lambda o: daemonset.pod_for(o, "node-1", "web-abcde"),
     "DaemonSet"),
    ("stateful_set_utils.go newVersionedStatefulSetPod", lambda o: statefulset.pod_for(o, 0), "StatefulSet"),
]


@pytest.mark.parametrize("rule, build, kind", FRESH_ROWS, ids=[r[0] for r in FRESH_ROWS])
def test_a_fresh_pod_is_defaulted_in_place_as_a_copy_would_be(rule, build, kind):
    owner = _owner(kind)
    template_before = copy.deepcopy(owner["spec"]["template"])
    pod = build(owner)
    copied = default(copy.deepcopy(pod))
    assert default(pod, fresh=True) is pod, rule
    assert pod == copied, rule
    assert owner["spec"]["template"] == template_before, rule  # nothing the owner holds was defaulted


def test_a_readiness_probe_leaves_the_previous_version_as_it_was():
    """store.py: stored objects are never changed in place (the probe's write shares the
    unchanged parts with the version before it, so that version must keep its status)."""
    c = Cluster(nodes=2, seed=4)
    c.apply(deployment(replicas=1, probe_delay=3))
    c.advance(1)
    pod = next(p for p in c.store.items("Pod", "default"))
    before = copy.deepcopy(pod)
    c.advance(5)
    after = c.store.peek("Pod", "default", pod["metadata"]["name"])
    assert pod == before
    ready = lambda p: next(x["status"] for x in p["status"]["conditions"] if x["type"] == "Ready")
    assert (ready(before), ready(after)) == ("False", "True")
    assert after["status"]["containerStatuses"][0]["ready"] is True


EVENT_ROWS = [
    # (rule, object written, the controller queue it wakes: None = none)
    ("replica_set.go: a pod wakes its node's kubelet", {"apiVersion": "v1", "kind": "Pod", "metadata":
     {"name": "p", "namespace": "default"}, "spec": {"nodeName": "node-1", "containers": [{"name": "c", "image": "x"}]}},
     "kubelet"),
    ("endpointslice controller: a Service wakes it", {"apiVersion": "v1", "kind": "Service", "metadata":
     {"name": "s", "namespace": "default"}, "spec": {"selector": {"app": "x"}, "ports": [{"port": 80}]}},
     "endpointslice"),
    ("no controller queue takes an Event", {"apiVersion": "v1", "kind": "Event", "metadata":
     {"name": "e.1", "namespace": "default"}, "involvedObject": {"kind": "Pod", "name": "p"}}, None),
    ("no controller queue takes a ConfigMap", {"apiVersion": "v1", "kind": "ConfigMap", "metadata":
     {"name": "cm", "namespace": "default"}, "data": {}}, None),
]


@pytest.mark.parametrize("rule, obj, queue", EVENT_ROWS, ids=[r[0] for r in EVENT_ROWS])
def test_watch_events_wake_the_queues_that_take_them(rule, obj, queue):
    c = Cluster(nodes=2, seed=5)
    indexes = copy.deepcopy(vars(c.controllers.idx))
    c.store.put(obj)
    woken = [q for q in ORDER if c.controllers.dirty[q]]
    assert (queue in woken) if queue else woken == [], (rule, woken)
    if queue is None:
        assert vars(c.controllers.idx) == indexes, rule


WATCH_ROWS = [
    # (rule, the kinds a watcher asked for, the kinds written, what it hears)
    ("an informer for one resource hears only that kind", ("Pod",), ("Pod", "Event", "Pod"), ["Pod", "Pod"]),
    ("an informer for several kinds hears each of them", ("Namespace", "ConfigMap"),
     ("ConfigMap", "Pod", "Namespace"), ["ConfigMap", "Namespace"]),
    ("a watcher without kinds hears every write", None, ("Pod", "Event", "Node"), ["Pod", "Event", "Node"]),
]


@pytest.mark.parametrize("rule, kinds, written, heard", WATCH_ROWS, ids=[r[0] for r in WATCH_ROWS])
def test_a_watcher_hears_the_kinds_it_watches(rule, kinds, written, heard):
    store, log = Store(), []
    store.watch(lambda verb, kind, old, new: log.append(("all", kind)))
    store.put({"kind": "Pod", "metadata": {"name": "warm", "namespace": "default"}})  # Pod's watchers worked out
    filtered = lambda verb, kind, old, new: log.append(("filtered", kind))  # noqa: E731
    store.watch(filtered, kinds=kinds)
    log.clear()
    for i, kind in enumerate(written):
        store.put({"kind": kind, "metadata": {"name": f"o{i}", "namespace": "default"}})
    assert [k for who, k in log if who == "filtered"] == heard, rule
    assert [k for who, k in log if who == "all"] == list(written), rule
    # each write reaches the watchers in the order they registered
    assert all(log[i - 1] == ("all", k) for i, (who, k) in enumerate(log) if who == "filtered"), rule
    store.unwatch(filtered)
    log.clear()
    store.remove(written[0], "default", "o0")
    assert log == [("all", written[0])], rule


def test_scaling_a_replicaset_leaves_its_previous_version_as_it_was():
    """store.py: stored objects are never changed in place; the Deployment controller's scale
    of a ReplicaSet (rolling.go scaleReplicaSet) shares the template with the version before."""
    c = Cluster(nodes=2, seed=6)
    c.apply(deployment(replicas=2))
    c.advance(5)
    (rs,) = c.store.items("ReplicaSet", "default")
    before = copy.deepcopy(rs)
    c.kubectl("scale deployment/web --replicas=4")
    after = c.store.peek("ReplicaSet", "default", rs["metadata"]["name"])
    assert rs == before
    assert (after["spec"]["replicas"],
            after["metadata"]["annotations"]["deployment.kubernetes.io/desired-replicas"]) == (4, "4")
