"""kubectl delete's grace-period flags, rollout history/undo/status and minReadySeconds.

Rules: kubectl pkg/cmd/delete/delete.go (Complete, Validate, PrintObj), pkg/cmd/rollout
(rollout_history.go, rollout_undo.go), pkg/polymorphichelpers (history.go, rollback.go,
rollout_status.go DeploymentStatusViewer), pkg/controller/deployment (sync.go
SetNewReplicaSetAnnotations, rolling.go), replica_set_utils.go (available = Ready for
minReadySeconds).
"""
from __future__ import annotations

import pytest

from k8snet import Cluster
from k8snet.widgets.rollout import _manifest

FORCE = ("Warning: Immediate deletion does not wait for confirmation that the running resource has been "
         "terminated. The resource may continue to run on the cluster indefinitely.\n")


def _web(prestop=5, replicas=2, **extra):
    import yaml
    c = Cluster(3, seed=13)
    docs = list(yaml.safe_load_all(_manifest(replicas, "RollingUpdate", "1", "0", True, prestop, 30)))
    docs[0]["spec"].update(extra)
    c.apply(docs)
    c.advance(10)
    return c


@pytest.mark.parametrize("flags, out, waited, left", [
    pytest.param("", 'pod "{pod}" deleted from default namespace\n', 5, False,
                 id="--wait=true (default): kubectl waits for the preStop sleep and the exit"),
    pytest.param("--wait=false", 'pod "{pod}" deleted from default namespace\n', 0, True,
                 id="--wait=false: the pod is left Terminating"),
    pytest.param("--grace-period=2 --wait=false", 'pod "{pod}" deleted from default namespace\n', 0, True,
                 id="--grace-period=2 shortens the hook"),
    pytest.param("--grace-period=0 --wait=false", 'pod "{pod}" deleted from default namespace\n', 0, True,
                 id="--grace-period=0 without --force means 1"),
    pytest.param("--force", FORCE + 'pod "{pod}" force deleted from default namespace\n', 0, False,
                 id="--force: grace 0, removed at once, with kubectl's warning"),
    pytest.param("--force --grace-period=0", FORCE + 'pod "{pod}" force deleted from default namespace\n', 0, False,
                 id="--force --grace-period=0"),
    pytest.param("--force --grace-period=5", "error: --force and --grace-period greater than 0 cannot be specified "
                 "together", 0, True, id="Validate: --force with a positive grace period"),
    pytest.param("--now --grace-period=5", "error: --now and --grace-period cannot be specified together", 0, True,
                 id="Complete: --now with --grace-period"),
])
def test_delete_flags(flags, out, waited, left):
    c = _web()
    pod = c.list("pod")[0]["metadata"]["name"]
    before = c.now
    assert c.kubectl(f"delete pod {pod} {flags}") == out.format(pod=pod)
    assert c.now - before == waited
    assert (c.store.peek("Pod", "default", pod) is not None) == left


def test_grace_period_flag_sets_deletion_grace_period():
    c = _web()
    pod = c.list("pod")[0]["metadata"]["name"]
    c.kubectl(f"delete pod {pod} --grace-period=2 --wait=false")
    assert c.get("pod", pod)["metadata"]["deletionGracePeriodSeconds"] == 2
    c.advance(2)  # the hook is cut at the grace period; the app exits on SIGTERM
    assert c.store.peek("Pod", "default", pod) is None


def test_rollout_history_and_undo():
    c = _web(prestop=0)
    d = c.get("deployment", "web")
    d["metadata"].setdefault("annotations", {})["kubernetes.io/change-cause"] = "text v2"
    d["spec"]["template"]["spec"]["containers"][0]["args"] = ["-text=v2"]
    c.apply(d)
    c.advance(10)
    steps = [
        ("rollout history deployment/web",
         "deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         text v2\n\n"),
        ("rollout undo deployment/web --to-revision=7", "error: unable to find specified revision 7 in history"),
        ("rollout undo deployment/web", "deployment.apps/web rolled back\n"),
        # sync.go: the old ReplicaSet becomes revision 3; revision 1 is gone from the list.
        ("rollout history deployment/web",
         "deployment.apps/web \nREVISION  CHANGE-CAUSE\n2         text v2\n3         <none>\n\n"),
        ("rollout undo deployment/web --to-revision=3",
         "deployment.apps/web skipped rollback (current template already matches revision 3)\n"),
    ]
    for command, want in steps:
        assert c.kubectl(command) == want, command
        c.advance(10)
    assert c.request("http://web").body == "hello\n"


def test_min_ready_seconds_holds_the_rollout():
    # replica_set_utils: a pod counts as available minReadySeconds after it turned Ready, so
    # rolling.go (maxUnavailable 0) keeps every old pod until then.
    c = _web(prestop=0, replicas=2, minReadySeconds=6)
    c.kubectl("rollout restart deployment/web")
    c.advance(4)  # the new pod is Ready (startup 2 s + probe) but not yet available
    st = c.get("deployment", "web")["status"]
    assert (st["updatedReplicas"], st["replicas"], st.get("availableReplicas")) == (1, 3, 2)
    out = c.kubectl("rollout status deployment/web")
    assert out.splitlines()[-1] == 'deployment "web" successfully rolled out'
    assert 'Waiting for deployment "web" rollout to finish: 1 out of 2 new replicas have been updated...' in out


def test_apply_null_deletes_a_defaulted_field():
    # Strategic merge patch: an explicit null deletes the field, so a Deployment whose defaulted
    # rollingUpdate was never applied can switch to Recreate (`rollingUpdate: null`).
    c = _web(prestop=0)
    d = c.get("deployment", "web")
    d["spec"]["strategy"] = {"type": "Recreate", "rollingUpdate": None}
    for k in ("uid", "resourceVersion", "creationTimestamp", "generation"):
        d["metadata"].pop(k, None)
    c.apply(d)
    assert c.get("deployment", "web")["spec"]["strategy"] == {"type": "Recreate"}


GATED = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: gated}
spec:
  replicas: 2
  selector: {matchLabels: {app: gated}}
  template:
    metadata:
      labels: {app: gated}
      annotations: {k8snet.io/readiness-gate-seconds: "4"}
    spec:
      readinessGates: [{conditionType: "example.com/lb-ready"}]
      containers: [{name: web, image: nginx}]
"""


@pytest.mark.parametrize("at, ready, reason, gates_column", [
    pytest.param(0, "False", "ReadinessGatesNotReady", "0/1",
                 id="GeneratePodReadyCondition: containers ready, the gate's condition does not exist"),
    pytest.param(4, "True", None, "1/1", id="the gate's condition turns True: the pod is Ready"),
])
def test_readiness_gates_hold_ready(at, ready, reason, gates_column):
    c = Cluster(3, seed=13)
    c.apply(GATED)
    c.advance(at)
    pod = c.list("pod")[0]
    cond = next(x for x in pod["status"]["conditions"] if x["type"] == "Ready")
    assert (cond["status"], cond.get("reason")) == (ready, reason)
    assert c.kubectl("get pods -o wide").splitlines()[1].split()[-1] == gates_column
    if reason:
        assert cond["message"] == 'corresponding condition of pod readiness gate "example.com/lb-ready" does not exist.'
