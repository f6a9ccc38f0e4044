"""kubectl's exit status (``commands.execute(...).exit_code``): 0 on success, 1 after any error
(cmdutil.CheckErr, DefaultErrorExitCode), and ``kubectl exec`` passes the program's own status
on ("command terminated with exit code N").  Cluster.traffic(during=...) fails an action by this
status, not by reading the printed lines."""
from __future__ import annotations

import pytest

from k8snet import Cluster
from k8snet.errors import UsageError
from k8snet.kubectl.commands import execute

from ..cluster.objects import deployment, manifest, service

APP = manifest(deployment(replicas=2, container="nginx", image="nginx"), service(), """
apiVersion: v1
kind: Pod
metadata: {name: lonely}
spec: {containers: [{name: c, image: busybox}]}
""")

# (command line, exit status, upstream rule)
ROWS = [
    ("get pods", 0, "a listing succeeds"),
    ("get pods --foo", 1, "pflag: unknown flag -> CheckErr -> 1"),
    ("get svc nope", 1, "Error from server (NotFound) -> 1"),
    ("exec lonely -- wget -qO- -T 1 http://nope", 1, "exec.go: the remote command's status is kubectl's"),
    ("exec lonely -- ls", 1, "exec: the runtime could not start the program (InternalError) -> 1"),
    ("exec lonely -- wget -qO- -T 1 http://web", 0, "exec: the program succeeded"),
    ("run tmp --rm -i --restart=Never --image=busybox -- wget -qO- -T 1 http://nope", 1,
     "run --rm: 'pod ... terminated (Error)' is an error -> 1"),
    ("logs lonely -c nope", 1, "logs: an unknown container is an error"),
    ("drain node-2", 1, "drain: 'unable to drain node' after cordoning -> 1 (cordoned line printed first)"),
    ("drain node-3 --ignore-daemonsets --force", 0, "drain: every pod evicted"),
]


@pytest.fixture
def cluster():
    c = Cluster(3, seed=5)
    c.apply(APP)
    c.advance(10)
    return c


@pytest.mark.parametrize("line, code, rule", ROWS, ids=[r[2] for r in ROWS])
def test_exit_status(cluster, line, code, rule):
    out = execute(cluster, line)
    assert out.exit_code == code, (rule, str(out))
    assert str(out) == cluster.kubectl(line) or line.startswith(("drain", "run", "exec")), rule


def test_traffic_fails_an_action_by_its_exit_status(cluster):
    # A failing program prints no "error:" line ("command terminated with exit code 1"): the
    # exit status still fails the action, before anything else runs.
    with pytest.raises(UsageError, match=r"kubectl exited 1: wget: bad address 'nope'\ncommand terminated with "
                                         r"exit code 1"):
        cluster.traffic("http://web", rate=5, duration=4, at=1, during="exec lonely -- wget -qO- -T 1 http://nope")


def test_traffic_keeps_a_drain_that_retried(cluster):
    # drain prints "error when evicting ... (will retry after 5s)" while a budget blocks it, yet
    # exits 0 once every pod is gone: the action succeeded.
    cluster.apply({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "web"},
                   "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": "web"}}}})
    t = cluster.traffic("http://web", rate=5, duration=30, at=1,
                        during="drain node-3 --ignore-daemonsets --force --delete-emptydir-data")
    assert t.events and "drain" in t.events[0][1]
