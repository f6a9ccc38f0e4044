"""`--dry-run` and drain's flags: a command either does what its flags say or is refused
before it changes anything (docs/API.md, "Errors"; a dry run that changed the cluster would
teach the opposite of kubectl).

Rules: kubectl pkg/cmd/util/helpers.go GetDryRunStrategy (values none/server/client and its
error text); pkg/cmd/drain (flags parsed and validated in Complete before RunCordonOrUncordon);
pkg/drain Helper.PodSelector (only matching pods are evicted).
"""
from __future__ import annotations

import json

import pytest

from k8snet import Cluster
from k8snet.errors import UsageError

from ..cluster.objects import deployment, manifest, service

WEB = manifest(deployment(replicas=4, container="web", image="nginx", ports=[]), service())


def _cluster():
    c = Cluster(3, seed=4)
    c.apply(WEB)
    c.advance(5)
    return c


def _state(c):
    kinds = ("pods", "services", "deployments", "replicasets", "nodes", "endpointslices")
    return json.dumps([c.now] + [c.list(kind, None) for kind in kinds], sort_keys=True)


@pytest.mark.parametrize("line, words", [
    ("scale deploy/web --replicas=1 --dry-run=client", "not simulated for `kubectl scale`"),
    ("label svc web a=b --dry-run=client", "not simulated for `kubectl label`"),
    ("rollout undo deploy/web --dry-run=client", "not simulated for `kubectl rollout`"),
    ("drain node-2 --ignore-daemonsets --dry-run=client", "not simulated for `kubectl drain`"),
    ("create deployment x --image=nginx --dry-run=server", "--dry-run=server is not simulated"),
    ("create deployment x --image=nginx --dry-run=bogus",
     'Invalid dry-run value (bogus). Must be "none", "server", or "client".'),
    ("drain node-2 --ignore-daemonsets --grace-period=x", 'invalid argument "x" for "--grace-period" flag'),
    ("drain node-2 --ignore-daemonsets --pod-selector='a in (b'", "unable to parse requirement"),
    ("drain node-9 --ignore-daemonsets", 'nodes "node-9" not found'),
], ids=lambda v: v if " " in v else None)
def test_refused_before_anything_changes(line, words):
    # kubectl() prints what kubectl prints, errors included (it does not raise for them).
    c = _cluster()
    before = _state(c)
    out = c.kubectl(line)
    assert words in out
    assert out.startswith(("error:", "Error from server"))
    assert _state(c) == before


@pytest.mark.parametrize("line", ["delete svc web --dry-run=client", "delete pods --all --dry-run=client",
                                  "delete deploy web --dry-run=server --cascade=orphan"])
def test_a_dry_run_delete_changes_nothing(line):
    # delete.go DeleteResult: a dry run prints "(dry run)" / "(server dry run)" and deletes nothing.
    c = _cluster()
    before = _state(c)
    out = c.kubectl(line)
    assert out.rstrip("\n").endswith("dry run)") and _state(c) == before


def test_client_dry_run_of_create_changes_nothing():
    c = _cluster()
    before = _state(c)
    assert c.kubectl("create deployment x --image=nginx --dry-run=client") == \
        "deployment.apps/x created (dry run)\n"
    assert c.kubectl("create deployment x --image=nginx --dry-run=none") == "deployment.apps/x created\n"
    assert _state(c) != before


def test_drain_pod_selector_evicts_only_matching_pods():
    c = _cluster()
    c.apply({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "api"},
             "spec": {"replicas": 4, "selector": {"matchLabels": {"app": "api"}},
                      "template": {"metadata": {"labels": {"app": "api"}},
                                   "spec": {"containers": [{"name": "api", "image": "nginx"}]}}}})
    c.advance(5)
    on_node = lambda app: sorted(p["metadata"]["name"] for p in c.list("pods")
                                 if p["spec"].get("nodeName") == "node-2"
                                 and p["metadata"]["labels"].get("app") == app)
    web_before = on_node("web")
    assert web_before and on_node("api")
    out = c.kubectl("drain node-2 --ignore-daemonsets --pod-selector=app=api --timeout=60s")
    assert "node/node-2 drained" in out
    assert on_node("api") == []
    assert on_node("web") == web_before
    assert all(f"evicting pod default/{name}" not in out for name in web_before)


def test_traffic_reports_a_drain_that_failed_after_cordoning():
    # `kubectl drain` without --ignore-daemonsets cordons, then refuses (DaemonSet pods):
    # traffic(during=...) must say the action failed, not count requests around an eviction
    # that never happened.
    c = _cluster()
    with pytest.raises(UsageError) as info:
        c.traffic("http://web", from_node="node-1", rate=5, duration=4, during=[(1, "drain node-2")])
    assert "unable to drain node" in str(info.value)


@pytest.mark.parametrize("line, want", [
    # label.go: --all and -l choose the objects; none chosen is "No resources found".
    ("label pods --all tier=web", "pod/a labeled\npod/b labeled\n"),
    ("label pods -l x=1 team=red", "pod/b labeled\n"),
    ("label pods -l x=9 team=red", "No resources found in default namespace.\n"),
    ("label pods team=red", "error: resource(s) were provided, but no name was specified"),
    # rollout history with a resource and no name lists every Deployment of the namespace.
    ("rollout history deployment", "deployment.apps/a \nREVISION  CHANGE-CAUSE\n1         <none>\n\n"),
    # undo.go builds with ResourceTypeOrNameArgs(true, ...) too: a type alone selects them all.
    ("rollout undo deployment", 'error: no rollout history found for deployment "a"'),
])
def test_label_and_history_without_names(line, want):
    c = Cluster(seed=1)
    c.kubectl("create deployment a --image=nginx")
    c.kubectl("delete pods --all")  # the Deployment's pods are replaced; label the two below
    for name, extra in (("a", ""), ("b", " --labels=x=1")):
        c.kubectl(f"run {name} --image=nginx{extra}")
    if line.startswith("label"):
        c.kubectl("scale deploy/a --replicas=0")
    assert c.kubectl(line).rstrip("\n") == want.rstrip("\n")


def test_rollout_undo_of_a_type_with_no_objects():
    assert Cluster(seed=1).kubectl("rollout undo deployment") == "No resources found in default namespace.\n"
