"""The rows of tests/kubectl/test_change_rows.py run through the real kubectl, each against
its own fresh cluster served: the expectations are what kubectl v1.37 prints (its cascade
flag, DeleteOptions' propagationPolicy on the wire, -o name), and our server answers the
DELETE as apiserver ``handlers/delete.go`` and the registry's GC finalizers do.  Also the
422 a bad propagationPolicy gets (apimachinery ValidateDeleteOptions)."""
from __future__ import annotations

import os
import shlex
import subprocess

import pytest

from tests.kubectl import test_change_rows as rows
from tests.serve.crosscheck import normalize
from tests.serve.test_status_errors import _call


def _run(kubectl_bin, env, line: str) -> tuple[int, str]:
    # One pipe for both streams: what kubectl writes, in the order a terminal shows it.
    done = subprocess.run([kubectl_bin, *shlex.split(line)], env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=120)
    return done.returncode, normalize(done.stdout)


@pytest.mark.parametrize("setup, lines, want, rule", rows.ROWS, ids=[" ; ".join(r[1]) for r in rows.ROWS])
def test_the_real_kubectl_prints_the_delete_rows(kubectl_bin, tmp_path, setup, lines, want, rule):
    server = rows.SETUPS[setup]().serve()
    try:
        env = dict(os.environ, KUBECONFIG=server.kubeconfig, HOME=str(tmp_path))
        assert [_run(kubectl_bin, env, rows.line_of(line)) for line in lines] == want, rule
    finally:
        server.stop()


def test_a_bad_propagation_policy_is_a_422_from_delete_options():
    cluster = rows.web()
    server = cluster.serve()
    try:
        code, body = _call(server, "DELETE", "/apis/apps/v1/namespaces/default/deployments/web",
                           {"kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": "Sideways"})
        assert (code, body["message"], body["details"]["causes"][0]["field"]) == (
            422, 'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "Sideways": '
                 'supported values: "Foreground", "Background", "Orphan", "nil"', "propagationPolicy"), \
            "handlers/delete.go: ValidateDeleteOptions, errors.NewInvalid(meta.k8s.io DeleteOptions)"
        assert cluster.store.peek("Deployment", "default", "web") is not None
    finally:
        server.stop()
