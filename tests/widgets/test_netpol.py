"""PolicyToggles (chapter 09): checkboxes apply/delete NetworkPolicies; the matrix redraws.

Rules checked (kubernetes.io/docs/concepts/services-networking/network-policies/):
* "Isolated and Non-isolated Pods": with no policy every pod reaches every pod;
* "Default deny all ingress traffic": podSelector {} with no rules isolates the whole namespace;
* "Behavior of to and from selectors": an allow rule opens exactly the pods it selects;
* "Prerequisites": a CNI without NetworkPolicy support (flannel) ignores the objects.
"""
from __future__ import annotations

import pytest

from k8snet import Cluster
from k8snet.widgets.netpol import PolicyToggles, matrix_html

BASE = """
apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec: {containers: [{name: web, image: nginx}]}
---
apiVersion: v1
kind: Pod
metadata: {name: frontend, labels: {app: frontend}}
spec: {containers: [{name: c, image: busybox, command: [sleep, "3600"]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: other, labels: {app: other}}
spec: {containers: [{name: c, image: busybox, command: [sleep, "3600"]}]}
"""
DENY = """apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all}
spec: {podSelector: {}}
"""
ALLOW = """apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-frontend}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress: [{from: [{podSelector: {matchLabels: {app: frontend}}}]}]
"""


def make(cni="calico"):
    c = Cluster(seed=5, cni=cni)
    c.apply(BASE)
    c.advance(5)
    return c, PolicyToggles(c, {"deny-all": DENY, "allow-frontend": ALLOW}, namespaces=["default"], graph=False)


def cell(view, src, dst):
    return view.matrix().allowed(f"default/{src}", f"default/{dst}", 80)


# (id, enabled policies, cni, frontend->web, other->web, other->frontend, rule)
ROWS = [
    ("no policy: default allow", [], "calico", True, True, True, "Isolated and Non-isolated Pods"),
    ("deny-all isolates everything", ["deny-all"], "calico", False, False, False, "Default deny all ingress"),
    ("allow rule opens only the selected peer", ["deny-all", "allow-frontend"], "calico", True, False, False,
     "Behavior of to and from selectors"),
    ("allow alone isolates only web", ["allow-frontend"], "calico", True, False, True, "Isolated and Non-isolated Pods"),
    ("flannel ignores policies", ["deny-all"], "flannel", True, True, True, "Prerequisites: network plugin support"),
]


@pytest.mark.parametrize("enabled,cni,fw,ow,of,rule", [r[1:] for r in ROWS], ids=[r[0] for r in ROWS])
def test_toggles_change_the_matrix(enabled, cni, fw, ow, of, rule):
    c, view = make(cni)
    out = view.render(**{k: k in enabled for k in ("deny-all", "allow-frontend")})
    assert (cell(view, "frontend", "web"), cell(view, "other", "web"), cell(view, "other", "frontend")) == (fw, ow, of)
    assert sorted(p["metadata"]["name"] for p in c.list("networkpolicy")) == sorted(enabled)
    assert "X" in out["matrix"] or not enabled or cni == "flannel"
    assert ("nothing is blocked" in out["reasons"]) == all((fw, ow, of))


def test_unticking_deletes_the_policy_and_logs_kubectl_lines():
    c, view = make()
    assert view.set_enabled(["deny-all"]) == ["networkpolicy.networking.k8s.io/deny-all created"]
    assert view.set_enabled(["deny-all"]) == []  # unchanged lines are not repeated
    assert view.set_enabled([]) == ['networkpolicy.networking.k8s.io "deny-all" deleted from default namespace']
    assert c.list("networkpolicy") == []


def test_reasons_name_the_deciding_policy():
    c, view = make()
    view.render(**{"deny-all": True, "allow-frontend": True})
    lines = view.reasons()
    assert ("default/other -> default/web: denied: default/allow-frontend, default/deny-all isolate default/web"
            in "\n".join(lines))
    assert all("->" in x for x in lines)


def test_matrix_html_marks_cells_like_the_e2e_truth_table():
    c, view = make()
    view.set_enabled(["deny-all"])
    html = matrix_html(view.matrix(), 80)
    # 3 pods: 3 self-cells allowed ('.'), 6 denied ('X')
    assert html.count(">.</td>") == 3 and html.count(">X</td>") == 6


def test_graph_area_holds_inline_svg():
    c = Cluster(seed=5)
    c.apply(BASE)
    view = PolicyToggles(c, {"deny-all": DENY}, namespaces=["default"])
    out = view.render(**{"deny-all": True})
    assert out["graph"].lstrip().startswith("<svg")


def test_controls_and_widget_build():
    c, view = make()
    box = PolicyToggles(c, {"deny-all": DENY}, namespaces=["default"], graph=False, initially=["deny-all"]).widget()
    assert box is not None and [p["metadata"]["name"] for p in c.list("networkpolicy")] == ["deny-all"]


@pytest.mark.parametrize("policies,initially,msg", [
    ({"x": "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 80}]}\n"}, (), "exactly one"),
    ({"deny-all": DENY}, ("nope",), "unknown"),
], ids=["not a NetworkPolicy", "unknown initial label"])
def test_bad_arguments(policies, initially, msg):
    c = Cluster(seed=5)
    with pytest.raises(ValueError, match=msg):
        PolicyToggles(c, policies, initially=initially)
