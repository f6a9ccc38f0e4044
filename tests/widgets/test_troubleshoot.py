"""TroubleshootLab (chapter 11): every scenario is broken as built, and its reference fix works.

Each row names the upstream guide section the failure comes from: "Debug Services"
(kubernetes.io/docs/tasks/debug/debug-application/debug-service/), "Network Policies",
"Deployments: Strategy" (kubernetes.io/docs/concepts/workloads/controllers/deployment/#strategy)
and "Service: type LoadBalancer".
"""
from __future__ import annotations

import pytest

from k8snet.widgets.troubleshoot import SCENARIOS, TroubleshootLab, trigger_rollout

# (scenario key, what the broken probe shows, upstream rule)
ROWS = [
    ("empty-endpoints", "connection refused", "Debug Services: Does the Service have any Endpoints?"),
    ("wrong-targetport", "refuses port 8080", "Debug Services: Is the Service defined correctly? (targetPort)"),
    ("loopback", "127.0.0.1", "Debug Services: Are the Pods working? (listening on the pod IP)"),
    ("readiness", "not Ready", "Pod lifecycle: readiness probes remove pods from Service endpoints"),
    ("netpol", "connection timed out", "Network Policies: isolated pods drop unallowed connections"),
    ("lb-pending", "<pending>", "Service type LoadBalancer needs a cloud controller"),
    ("too-broad", "refuses port 5678", "Services: the selector picks every pod with those labels"),
    ("rolling-maxunavailable", "no endpoints", "Deployment strategy: maxUnavailable"),
    ("recreate", "no endpoints", "Deployment strategy: Recreate"),
    ("kube-proxy", "kube-proxy is not running on node-2", "Debug Services: Is kube-proxy running?"),
]


def test_every_scenario_has_a_row():
    assert sorted(SCENARIOS) == sorted(r[0] for r in ROWS)


@pytest.mark.parametrize("key,shown,rule", ROWS, ids=[r[0] for r in ROWS])
def test_broken_as_built(key, shown, rule):
    s = SCENARIOS[key]
    result = s.verify(s.build())
    assert not result.ok
    assert shown in result.text


@pytest.mark.parametrize("key,shown,rule", ROWS, ids=[r[0] for r in ROWS])
def test_reference_fix_works(key, shown, rule):
    s = SCENARIOS[key]
    c = s.build()
    if s.fix:
        c.apply(s.fix)
    else:
        c.start_kube_proxy("node-2")
    result = s.verify(c)
    assert result.ok, result.text
    assert "✗" not in result.text


def test_lab_flow_investigate_fix_recheck():
    lab = TroubleshootLab(start="wrong-targetport")
    assert "Wrong targetPort" in lab.load("wrong-targetport")
    assert "NAME" in lab.kubectl("kubectl get endpointslices")
    assert "targetPort" in lab.diagnose()
    assert not lab.check()
    assert lab.apply(SCENARIOS["wrong-targetport"].fix) == "service/web configured"
    assert lab.check().ok


@pytest.mark.parametrize("line,expected", [
    ("", "type a kubectl command"),
    ("get pods nope", 'pods "nope" not found'),
], ids=["empty", "kubectl error printed, not raised"])
def test_kubectl_box(line, expected):
    assert expected in TroubleshootLab(start="empty-endpoints").kubectl(line)


@pytest.mark.parametrize("text,expected", [
    ("", "no objects passed to apply"),
    ("apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{port: 99999}]}\n", "Invalid value"),
    ("kind: [\n", "error"),
], ids=["empty", "invalid object", "broken YAML"])
def test_apply_box_prints_errors(text, expected):
    assert expected in TroubleshootLab(start="empty-endpoints").apply(text)


def test_render_switches_scenario_and_unknown_is_refused():
    lab = TroubleshootLab()
    out = lab.render(scenario="netpol")
    assert lab.key == "netpol" and "NetworkPolicy" in out["story"]
    with pytest.raises(KeyError, match="no scenario"):
        lab.load("nope")


def test_trigger_rollout_makes_a_new_replicaset():
    s = SCENARIOS["recreate"]
    c = s.build()
    c.advance(60)
    before = len(c.list("replicaset"))
    assert trigger_rollout(c, "web") == "deployment.apps/web configured"
    assert len(c.list("replicaset")) == before + 1


def test_widget_buttons():
    lab = TroubleshootLab(start="wrong-targetport")
    lab.widget()
    run, apply_, check, diag = lab._buttons
    run.click()
    assert "endpointslices" in lab._areas["console"].value
    check.click()
    assert "STILL BROKEN" in lab._areas["status"].value
