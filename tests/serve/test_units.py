"""Pure pieces of the served API, row by row against the rules they implement."""
from __future__ import annotations

import pytest

from k8snet.serve.handlers.patchtypes import PatchError, json_patch, merge_patch, strategic_merge_patch
from k8snet.serve.requestinfo import RequestInfo, request_info
from k8snet.serve.selectors import compile_filter
from k8snet.serve.status import StatusError


@pytest.mark.parametrize("method, path, query, want", [
    # requestinfo.go NewRequestInfo examples
    ("GET", "/api/v1/namespaces/default/pods", {}, RequestInfo("list", "", "v1", "pods", "default")),
    ("GET", "/api/v1/namespaces/default/pods/web", {}, RequestInfo("get", "", "v1", "pods", "default", "web")),
    ("GET", "/apis/apps/v1/deployments", {"watch": "true"}, RequestInfo("watch", "apps", "v1", "deployments")),
    ("GET", "/api/v1/watch/namespaces/default/pods", {}, RequestInfo("watch", "", "v1", "pods", "default")),
    ("PUT", "/apis/apps/v1/namespaces/ns/deployments/web/scale", {},
     RequestInfo("update", "apps", "v1", "deployments", "ns", "web", "scale")),
    ("GET", "/api/v1/namespaces/kube-system", {}, RequestInfo("get", "", "v1", "namespaces", "", "kube-system")),
    ("PUT", "/api/v1/namespaces/x/status", {}, RequestInfo("update", "", "v1", "namespaces", "", "x", "status")),
    ("DELETE", "/api/v1/namespaces/default/pods", {}, RequestInfo("deletecollection", "", "v1", "pods", "default")),
    ("GET", "/apis/apps", {}, None),
    ("GET", "/version", {}, None),
])
def test_request_info(method, path, query, want):
    assert request_info(method, path, query) == want


DOC = {"a": {"b": [1, 2]}, "c": "x"}


@pytest.mark.parametrize("ops, want", [
    # RFC 6902 appendix A examples
    ([{"op": "add", "path": "/a/b/1", "value": 9}], {"a": {"b": [1, 9, 2]}, "c": "x"}),
    ([{"op": "add", "path": "/a/b/-", "value": 3}], {"a": {"b": [1, 2, 3]}, "c": "x"}),
    ([{"op": "remove", "path": "/c"}], {"a": {"b": [1, 2]}}),
    ([{"op": "replace", "path": "/c", "value": "y"}], {"a": {"b": [1, 2]}, "c": "y"}),
    ([{"op": "move", "from": "/c", "path": "/d"}], {"a": {"b": [1, 2]}, "d": "x"}),
    ([{"op": "copy", "from": "/c", "path": "/a/e"}], {"a": {"b": [1, 2], "e": "x"}, "c": "x"}),
    ([{"op": "test", "path": "/c", "value": "x"}], DOC),
    ([{"op": "add", "path": "/a~1b", "value": 1}], {"a": {"b": [1, 2]}, "c": "x", "a/b": 1}),
])
def test_json_patch(ops, want):
    assert json_patch(DOC, ops) == want


@pytest.mark.parametrize("ops", [
    [{"op": "test", "path": "/c", "value": "z"}],        # A.9: a failed test
    [{"op": "remove", "path": "/nope"}],                 # A.12-like: a missing target
    [{"op": "replace", "path": "/nope", "value": 1}],
    {"op": "add"},                                       # not a list
])
def test_json_patch_errors(ops):
    with pytest.raises(PatchError):
        json_patch(DOC, ops)


def test_merge_patch_rfc7386_example():
    # RFC 7386 section 3
    target = {"title": "Goodbye!", "author": {"givenName": "John", "familyName": "Doe"},
              "tags": ["example", "sample"], "content": "This will be unchanged"}
    patch = {"title": "Hello!", "phoneNumber": "+01-123-456-7890", "author": {"familyName": None},
             "tags": ["example"]}
    assert merge_patch(target, patch) == {
        "title": "Hello!", "author": {"givenName": "John"}, "tags": ["example"],
        "content": "This will be unchanged", "phoneNumber": "+01-123-456-7890"}


SVC = {"spec": {"ports": [{"name": "http", "port": 80, "nodePort": 30080}, {"name": "https", "port": 443}],
                "selector": {"app": "web"}}}


@pytest.mark.parametrize("patch, want_ports", [
    # patchMergeKey "port": a port merges into its element, the server's nodePort stays
    ({"spec": {"ports": [{"port": 80, "targetPort": 8080}]}},
     [{"name": "http", "port": 80, "nodePort": 30080, "targetPort": 8080}, {"name": "https", "port": 443}]),
    # $patch: delete removes the element
    ({"spec": {"ports": [{"port": 443, "$patch": "delete"}]}}, [{"name": "http", "port": 80, "nodePort": 30080}]),
    # $setElementOrder orders the merged list (kubectl apply sends it)
    ({"spec": {"$setElementOrder/ports": [{"port": 443}, {"port": 80}]}},
     [{"name": "https", "port": 443}, {"name": "http", "port": 80, "nodePort": 30080}]),
    # $patch: replace replaces the list whole
    ({"spec": {"ports": [{"port": 8080}, {"$patch": "replace"}]}}, [{"port": 8080}]),
])
def test_strategic_merge_patch_uses_patch_merge_keys(patch, want_ports):
    assert strategic_merge_patch(SVC, patch)["spec"]["ports"] == want_ports


def test_strategic_merge_patch_null_deletes_and_retain_keys():
    out = strategic_merge_patch(SVC, {"spec": {"selector": None, "type": "NodePort"}})
    assert "selector" not in out["spec"] and out["spec"]["type"] == "NodePort"
    out = strategic_merge_patch({"spec": {"strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}}}},
                                {"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate"}}})
    assert out["spec"]["strategy"] == {"type": "Recreate"}


POD = {"kind": "Pod", "metadata": {"name": "p", "namespace": "ns", "labels": {"app": "web"}},
       "spec": {"nodeName": "node-1"}, "status": {"phase": "Running"}}


@pytest.mark.parametrize("labels, fields, want", [
    ("app=web", None, True),
    ("app!=web", None, False),
    (None, "spec.nodeName=node-1", True),
    (None, "status.phase!=Running", False),
    (None, "metadata.name=p,metadata.namespace=ns", True),
    ("app in (web,api)", "spec.nodeName==node-2", False),
])
def test_selectors(labels, fields, want):
    assert compile_filter("Pod", labels, fields)(POD) is want


def test_an_unsupported_field_label_is_a_bad_request():
    # registry GetAttrs: only the fields a kind exposes; fields.go wording.
    with pytest.raises(StatusError) as info:
        compile_filter("Pod", None, "spec.containers=x")
    assert (info.value.code, info.value.status["message"]) == (400, "field label not supported: spec.containers")
