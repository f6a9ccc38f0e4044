"""Pod deletion as the kubelet does it (pkg/kubelet/kuberuntime/kuberuntime_container.go
killContainer, executePreStopHook; pkg/registry/core/pod/strategy.go CheckGracefulDelete;
docs "Pod Lifecycle" section "Termination of Pods").

Each ``plan`` row: the pod's shutdown settings -> (hook text, stop signal at, the app stops
listening at, the pod is removed at, SIGKILL ended it), seconds after the DELETE.
"""
from __future__ import annotations

import pytest

from k8snet import Cluster, ValidationError
from k8snet.controllers.termination import plan


def _pod(*, grace=30, hook=None, image="hashicorp/http-echo", on_sigterm=None, deletion_grace=None):
    container = {"name": "app", "image": image}
    if hook is not None:
        container["lifecycle"] = {"preStop": hook}
    meta = {"name": "p", "namespace": "default", "uid": "u"}
    if on_sigterm:
        meta["annotations"] = {"k8snet.io/on-sigterm": on_sigterm}
    if deletion_grace is not None:
        meta["deletionGracePeriodSeconds"] = deletion_grace
    return {"metadata": meta, "spec": {"terminationGracePeriodSeconds": grace, "containers": [container]}}


@pytest.mark.parametrize("pod, want", [
    pytest.param(_pod(), ("", 0, 0, 0, False), id="killContainer: no hook, the app exits on SIGTERM at once"),
    pytest.param(_pod(hook={"sleep": {"seconds": 5}}), ("sleep 5s", 5, 5, 5, False),
                 id="preStop sleep action runs before the stop signal"),
    pytest.param(_pod(hook={"exec": {"command": ["/bin/sh", "-c", "sleep 7"]}}),
                 ("exec ['/bin/sh', '-c', 'sleep 7']", 7, 7, 7, False), id="preStop exec of sleep in a shell"),
    pytest.param(_pod(hook={"httpGet": {"path": "/shutdown", "port": 80}}), ("httpGet /shutdown", 0, 0, 0, False),
                 id="preStop httpGet returns at once"),
    pytest.param(_pod(hook={"exec": {"command": ["sleep", "40"]}}, on_sigterm="ignore"),
                 ("exec ['sleep', '40']", 30, 32, 32, True),
                 id="hook cut at the grace period, then minimumGracePeriodInSeconds (2s) before SIGKILL"),
    pytest.param(_pod(on_sigterm="ignore"), ("", 0, 30, 30, True), id="an app ignoring SIGTERM serves until SIGKILL"),
    pytest.param(_pod(image="nginx:1.27"), ("", 0, 0, 0, False), id="nginx (STOPSIGNAL SIGQUIT) stops accepting at once"),
    pytest.param(_pod(hook={"sleep": {"seconds": 5}}, deletion_grace=0), ("", 0, 0, 0, True),
                 id="CheckGracefulDelete grace 0 (force): no hook, no wait"),
    pytest.param(_pod(hook={"sleep": {"seconds": 5}}, deletion_grace=3), ("sleep 5s", 3, 3, 3, False),
                 id="kubectl delete --grace-period overrides the spec (deletionGracePeriodSeconds)"),
])
def test_kill_pod_plan(pod, want):
    t = plan(pod, 100.0)
    got = (t.hook, t.signal - 100, t.stop_listening - 100, t.exit - 100, t.killed)
    assert got == want


def test_nginx_drains_and_generic_apps_cut_in_flight_requests():
    # nginx's graceful shutdown lets requests finish until SIGKILL; most apps cut them at exit.
    assert plan(_pod(image="nginx"), 0).hard_stop() == 30
    assert plan(_pod(), 0).hard_stop() == 0


WEB = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 20
      containers:
      - name: web
        image: hashicorp/http-echo
        args: ["-text=hi"]
        lifecycle: {preStop: {sleep: {seconds: 8}}}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 5678}]
"""


def _conditions(c: Cluster, pod: str) -> dict:
    for s in c.list("endpointslice"):
        for e in s.get("endpoints") or []:
            if (e.get("targetRef") or {}).get("name") == pod:
                return e["conditions"]
    return {}


@pytest.mark.parametrize("at, status, conditions", [
    pytest.param(0, "Terminating", {"ready": False, "serving": True, "terminating": True},
                 id="endpointslice podToEndpoint: terminating, serving as Ready says, never ready"),
    pytest.param(7, "Terminating", {"ready": False, "serving": True, "terminating": True},
                 id="the preStop sleep keeps the pod (and its app) up"),
    pytest.param(8, None, {}, id="after the hook: SIGTERM, the app exits, the pod is removed"),
])
def test_deleted_pod_lingers_terminating(at, status, conditions):
    c = Cluster(2, seed=3)
    c.apply(WEB)
    pod = c.list("pod")[0]["metadata"]["name"]
    c.delete(f"pod/{pod}")
    c.advance(at)
    rows = [line.split() for line in c.kubectl("get pods").splitlines()[1:]]
    assert next((r[2] for r in rows if r[0] == pod), None) == status
    assert _conditions(c, pod) == conditions


@pytest.mark.parametrize("patch, error", [
    pytest.param({"lifecycle": {"preStop": {"sleep": {"seconds": 25}}}},
                 "spec.template.spec.containers[0].lifecycle.preStop.sleep: Invalid value: 25: must be non-negative "
                 "and less than terminationGracePeriodSeconds (20)", id="validateSleepAction: longer than the grace period"),
    pytest.param({"lifecycle": {"preStop": {"sleep": {"seconds": -1}}}},
                 "spec.template.spec.containers[0].lifecycle.preStop.sleep: Invalid value: -1: must be non-negative",
                 id="validateSleepAction: negative"),
    pytest.param({"lifecycle": {"preStop": {}}},
                 "spec.template.spec.containers[0].lifecycle.preStop: Required value: must specify a handler type",
                 id="validateLifecycleHandler: no handler"),
    pytest.param({"readinessProbe": {"tcpSocket": {"port": 5678}, "periodSeconds": -3}},
                 "spec.template.spec.containers[0].readinessProbe.periodSeconds: Invalid value: -3: must be greater "
                 "than or equal to 0", id="validateProbe: negative periodSeconds"),
])
def test_bad_shutdown_settings_are_refused(patch, error):
    c = Cluster(1, seed=0)
    import yaml
    docs = list(yaml.safe_load_all(WEB))
    ct = docs[0]["spec"]["template"]["spec"]["containers"][0]
    ct.pop("lifecycle")
    ct.update(patch)
    with pytest.raises(ValidationError) as e:
        c.apply(docs[0])
    assert error in str(e.value)
    assert c.list("deployment") == []  # nothing half-applied


def test_negative_grace_period_is_treated_as_1_with_a_warning(tmp_path):
    # kubernetes#98866/#115606: negative values are treated as 1; pkg/api/pod/warnings.go warns.
    c = Cluster(1, seed=0)
    f = tmp_path / "pod.yaml"
    f.write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  terminationGracePeriodSeconds: -5\n"
                 "  containers: [{name: c, image: nginx}]\n")
    out = c.kubectl(f"apply -f {f}")
    assert out == ("Warning: spec.terminationGracePeriodSeconds: must be >= 0; negative values are invalid and "
                   "will be treated as 1\npod/p created\n")
    assert c.get("pod", "p")["spec"]["terminationGracePeriodSeconds"] == 1
