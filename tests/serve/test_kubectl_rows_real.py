"""The rows of tests/kubectl/test_get_flags.py and test_auth.py, run through the real kubectl
against the same cluster served: the expectations are what kubectl v1.37 prints, not what we
think it prints (stderr first, as a terminal shows kubectl's warnings before its answer)."""
from __future__ import annotations

import os
import shlex
import subprocess

import pytest

from tests.kubectl.get_flags_cluster import build
from tests.kubectl import test_auth, test_get_flags
from tests.serve.crosscheck import normalize


@pytest.fixture(scope="module")
def real(kubectl_bin, tmp_path_factory):
    server = build().serve()
    env = dict(os.environ, KUBECONFIG=server.kubeconfig, HOME=str(tmp_path_factory.mktemp("home")))

    def run(line: str) -> tuple[int, str]:
        done = subprocess.run([kubectl_bin, *shlex.split(line)], env=env, capture_output=True, text=True, timeout=120)
        return done.returncode, normalize(done.stderr + done.stdout)
    yield run
    server.stop()


ROWS = test_get_flags.ROWS + test_auth.ROWS


@pytest.mark.parametrize("line, code, want, rule", ROWS, ids=[r[0] for r in ROWS])
def test_the_real_kubectl_prints_the_rows(real, line, code, want, rule):
    assert real(line) == (code, want), rule
