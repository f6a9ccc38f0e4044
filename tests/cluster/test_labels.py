"""Label selectors: equality and set-based (apimachinery pkg/labels/selector_test.go rows,
metav1.LabelSelectorAsSelector, docs page "Labels and Selectors")."""
from __future__ import annotations

import pytest

from k8snet import Cluster, labels
from k8snet.errors import UsageError

from .objects import pod


# (selector text, labels, matches) -- from selector_test.go TestSelectorMatches / TestSetSelectorParser
# and TestRequirementSelectorMatching.
PARSE_MATCH = [
    ("", {"x": "y"}, True),
    ("x=y", {"x": "y"}, True),
    ("x=y,z=w", {"x": "y", "z": "w"}, True),
    ("x!=y,z!=w", {"x": "z", "z": "a"}, True),
    ("notin=in", {"notin": "in"}, True),
    ("x", {"x": "z"}, True),
    ("!x", {"y": "z"}, True),
    ("x>1", {"x": "2"}, True),
    ("x<1", {"x": "0"}, True),
    ("x=z", {}, False),
    ("x=y", {"x": "z"}, False),
    ("x=y,z=w", {"x": "w", "z": "w"}, False),
    ("x!=y,z!=w", {"x": "z", "z": "w"}, False),
    ("x", {"y": "z"}, False),
    ("!x", {"x": "z"}, False),
    ("x>1", {"x": "0"}, False),
    ("x<1", {"x": "2"}, False),
    ("foo=bar,foobar=bar,baz=blah", {"foo": "bar", "baz": "blah"}, False),
    ("x==y", {"x": "y"}, True),
    ("x in (foo),y notin (alpha)", {"x": "foo", "y": "baz"}, True),
    ("x in (foo),y in (alpha)", {"x": "foo", "y": "baz"}, False),
    ("x notin (),y", {"y": ""}, True),           # NotIn ("") with x absent; y exists
    ("!x,y", {"y": ""}, True),
    ("x notin (),!y", {"y": ""}, False),
    ("x in ()", {"y": "baz"}, False),
    ("x in ()", {"x": ""}, True),                # "()" is the set {""}
    ("x in (abc,)", {"x": ""}, True),            # "(abc,)" is {"abc", ""}
    ("z>1", {"z": "v2"}, False),                 # not an integer: no match
    ("this-is-a-dns.domain.com/key-with-dash", {"this-is-a-dns.domain.com/key-with-dash": "v"}, True),
    ("0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)", {"0.1.2.domain/99": "10.10.100.1"}, False),
    ("a in (x,y,notin, z,in)", {"a": "in"}, True),
    ("x notin (abc,def),bar,z in (),w", {"bar": "1", "w": "", "z": ""}, True),
]


@pytest.mark.parametrize("text, lbls, want", [pytest.param(*r, id=f"{r[0] or 'empty'}->{r[2]}") for r in PARSE_MATCH])
def test_kubectl_selector_matches(text, lbls, want):
    assert labels.parse(text).matches(lbls) is want


@pytest.mark.parametrize("text", [
    # selector_test.go TestSelectorParse testBadStrings and TestSetSelectorParser invalid rows.
    "x=a||y=b", "x==a==b", "!x=a", "x<a", ",x,y", "x nott in (y)", "a in (xyz),", "a in (xyz abc)", "a notin(", "(",
])
def test_kubectl_selector_rejects(text):
    with pytest.raises(UsageError, match="unable to parse requirement"):
        labels.parse(text)


@pytest.mark.parametrize("selector, lbls, want", [
    # metav1.LabelSelectorAsSelector: {} matches everything, nil (None) matches nothing.
    pytest.param({}, {"app": "web"}, True, id="empty-matches-all"),
    pytest.param(None, {"app": "web"}, False, id="nil-matches-nothing"),
    pytest.param({"matchLabels": {"app": "web"}}, {"app": "web", "tier": "fe"}, True, id="matchLabels-subset"),
    pytest.param({"matchLabels": {"app": "web", "tier": "be"}}, {"app": "web", "tier": "fe"}, False,
                 id="matchLabels-all-must-match"),
    pytest.param({"matchExpressions": [{"key": "env", "operator": "In", "values": ["prod", "qa"]}]}, {"env": "qa"},
                 True, id="In"),
    pytest.param({"matchExpressions": [{"key": "env", "operator": "NotIn", "values": ["prod"]}]}, {}, True,
                 id="NotIn-matches-missing-key"),
    pytest.param({"matchExpressions": [{"key": "env", "operator": "Exists"}]}, {"env": ""}, True, id="Exists"),
    pytest.param({"matchExpressions": [{"key": "canary", "operator": "DoesNotExist"}]}, {"canary": "true"}, False,
                 id="DoesNotExist"),
    pytest.param({"matchLabels": {"app": "web"},
                  "matchExpressions": [{"key": "tier", "operator": "In", "values": ["fe"]}]},
                 {"app": "web", "tier": "be"}, False, id="labels-and-expressions-ANDed"),
])
def test_label_selector_object(selector, lbls, want):
    assert labels.matches(selector, lbls) is want


@pytest.fixture(scope="module")
def labelled() -> Cluster:
    c = Cluster(seed=1)
    c.apply([pod("fe-prod", labels={"app": "shop", "tier": "fe", "env": "prod"}),
             pod("be-prod", labels={"app": "shop", "tier": "be", "env": "prod"}),
             pod("fe-qa", labels={"app": "shop", "tier": "fe", "env": "qa"}),
             pod("canary", labels={"app": "shop", "tier": "fe", "env": "prod", "canary": "true"})])
    return c


@pytest.mark.parametrize("flag, names", [
    pytest.param("-l tier=fe", ["canary", "fe-prod", "fe-qa"], id="equality"),
    pytest.param("-l tier!=fe", ["be-prod"], id="inequality"),
    pytest.param("-l 'env in (qa)'", ["fe-qa"], id="in"),
    pytest.param("-l 'env notin (qa),!canary'", ["be-prod", "fe-prod"], id="notin-and-not-exists"),
    pytest.param("--selector canary", ["canary"], id="exists-long-flag"),
    pytest.param("-l app=nothing", [], id="no-match"),
])
def test_kubectl_get_with_selector(labelled, flag, names):
    out = labelled.kubectl(f"get pods {flag}")
    if not names:
        assert out == "No resources found in default namespace.\n"
    else:
        assert [line.split()[0] for line in out.splitlines()[1:]] == names


def test_deployment_with_match_expressions_selects_its_pods():
    c = Cluster(seed=1)
    c.apply({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
             "spec": {"replicas": 2, "selector": {"matchExpressions": [
                 {"key": "app", "operator": "In", "values": ["web", "www"]}]},
                 "template": {"metadata": {"labels": {"app": "www"}},
                              "spec": {"containers": [{"name": "app", "image": "nginx"}]}}}})
    assert c.get("deploy", "web")["status"]["readyReplicas"] == 2
