"""The IPython extension: %load_ext k8snet, %kubectl, %%apply (run in a real IPython shell)."""
from __future__ import annotations

import pytest

IPython = pytest.importorskip("IPython")


@pytest.fixture
def shell():
    from IPython.testing.globalipapp import get_ipython
    ip = get_ipython()
    ip.run_line_magic("load_ext", "k8snet")
    return ip


def test_kubectl_magic_prints_what_kubectl_prints(shell, capsys):
    from k8snet import Cluster
    c = Cluster(seed=3)
    shell.run_line_magic("kubectl", "get svc")
    out = capsys.readouterr().out
    assert out == c.kubectl("get svc")
    assert out.startswith("NAME         TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE\nkubernetes")


def test_apply_cell_magic_applies_and_reports_errors_without_traceback(shell, capsys):
    from k8snet import Cluster
    c = Cluster(seed=3)
    shell.run_cell_magic("apply", "", "apiVersion: v1\nkind: Service\nmetadata: {name: web}\n"
                                      "spec: {selector: {app: web}, ports: [{port: 80}]}\n")
    assert capsys.readouterr().out == "service/web created\n"
    assert c.get("svc", "web")["spec"]["ports"][0]["targetPort"] == 80
    shell.run_cell_magic("apply", "", "apiVersion: v1\nkind: Service\nmetadata: {name: bad}\n"
                                      "spec: {type: NodePort, ports: [{port: 80, nodePort: 80}]}\n")
    out = capsys.readouterr().out
    assert out == ('The Service "bad" is invalid: spec.ports[0].nodePort: Invalid value: 80: provided port is not '
                   "in the valid range. The range of valid ports is 30000-32767\n")


def test_use_switches_the_current_cluster(shell, capsys):
    from k8snet import Cluster
    first = Cluster(seed=1)
    shell.user_ns["first"] = first
    second = Cluster(seed=2, nodes=3)
    shell.run_line_magic("k8snet", "use first")
    capsys.readouterr()
    shell.run_line_magic("kubectl", "get nodes --no-headers")
    assert capsys.readouterr().out.count("node-") == 2
    del second
