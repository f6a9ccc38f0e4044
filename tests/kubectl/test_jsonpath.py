"""JSONPath rows taken from client-go util/jsonpath/jsonpath_test.go (TestTypesInput,
TestStructInput, TestJSONInput, TestKubernetes, TestNestedRanges, TestNegativeIndex,
TestFilterPartialMatchesSometimesMissingAnnotations)."""
from __future__ import annotations

import pytest

from k8snet.kubectl.jsonpath import JSONPathError, execute

TYPES = {"bools": [True, False, True, False], "integers": [1, 2, 3, 4], "floats": [1.0, 2.2, 3.3, 4.0],
         "strings": ["one", "two", "three", "four"], "interfaces": [True, "one", 1, 1.1],
         "maps": [{"name": "one", "value": 1}, {"name": "two", "value": 2.02}]}
POINTS = [{"id": "i1", "x": 4, "y": -5}, {"id": "i2", "x": -2, "y": -5, "z": 1}, {"id": "i3", "x": 8, "y": 3},
          {"id": "i7", "x": None, "y": 4}]
NODES = {"kind": "List", "items": [
    {"kind": "None", "metadata": {"name": "127.0.0.1", "labels": {"kubernetes.io/hostname": "127.0.0.1"}},
     "status": {"capacity": {"cpu": "4"}, "ready": True,
                "addresses": [{"type": "LegacyHostIP", "address": "127.0.0.1"}]}},
    {"kind": "None", "metadata": {"name": "127.0.0.2", "labels": {"kubernetes.io/hostname": "127.0.0.2"}},
     "status": {"capacity": {"cpu": "8"}, "ready": False,
                "addresses": [{"type": "LegacyHostIP", "address": "127.0.0.2"},
                              {"type": "another", "address": "127.0.0.3"}]}}],
    "users": [{"name": "myself", "user": {}}, {"name": "e2e", "user": {"username": "admin", "password": "secret"}}]}
PODS = {"items": [
    {"metadata": {"name": "pod1"}, "spec": {"containers": [{"name": "foo"}, {"name": "bar"}]}},
    {"metadata": {"name": "pod2"}, "spec": {"containers": [{"name": "baz"}]}}]}
CONTAINERS = {"spec": {"containers": [{"name": f"fake{i}"} for i in range(4)]}}
ANNOTATED = {"items": [{"metadata": {"name": "pod1", "annotations": {"color": "blue"}}},
                       {"metadata": {"name": "pod2"}},
                       {"metadata": {"name": "pod4", "annotations": {"color": "blue"}}}]}

CASES = [
    ("boolSlice", "{ .bools }", TYPES, "[true,false,true,false]"),
    ("boolSliceIndex-1", "{ .bools[-1] }", TYPES, "false"),
    ("boolSubSliceStep2", "{ .bools[:4:2] }", TYPES, "true true"),
    ("integerSliceIndexReverse", "{ .integers[-2] }", TYPES, "3"),
    ("floatSlice", "{ .floats }", TYPES, "[1,2.2,3.3,4]"),
    ("floatSubSliceFirst2", "{ .floats[0:2] }", TYPES, "1 2.2"),
    ("stringSubSliceStep2", "{ .strings[:4:2] }", TYPES, "one three"),
    ("interfaceSlice", "{ .interfaces }", TYPES, '[true,"one",1,1.1]'),
    ("mapSliceIndex", "{ .maps[0] }", TYPES, '{"name":"one","value":1}'),
    ("plain", "hello jsonpath", None, "hello jsonpath"),
    ("recursive", "{..}", [1, 2, 3], "[1,2,3]"),
    ("filter", "{[?(@<5)]}", [2, 6, 3, 7], "2 3"),
    ("quote", '{"{"}', None, "{"),
    ("union", "{[1,3,4]}", [0, 1, 2, 3, 4], "1 3 4"),
    ("array", "{[0:2]}", ["Monday", "Tudesday"], "Monday Tudesday"),
    ("exists filter", "{[?(@.z)].id}", POINTS, "i2"),
    ("bracket key", "{[0]['id']}", POINTS, "i1"),
    ("nil value", "{[-1]['x']}", POINTS, "null"),
    ("range item", "{range .items[*]}{.metadata.name}, {end}{.kind}", NODES, "127.0.0.1, 127.0.0.2, List"),
    ("range item with quote", '{range .items[*]}{.metadata.name}{"\\t"}{end}', NODES, "127.0.0.1\t127.0.0.2\t"),
    ("range addresss", "{.items[*].status.addresses[*].address}", NODES, "127.0.0.1 127.0.0.2 127.0.0.3"),
    ("double range", "{range .items[*]}{range .status.addresses[*]}{.address}, {end}{end}", NODES,
     "127.0.0.1, 127.0.0.2, 127.0.0.3, "),
    ("item name", "{.items[*].metadata.name}", NODES, "127.0.0.1 127.0.0.2"),
    ("union nodes capacity", "{.items[*]['metadata.name', 'status.capacity']}", NODES,
     '127.0.0.1 127.0.0.2 {"cpu":"4"} {"cpu":"8"}'),
    ("range nodes capacity", "{range .items[*]}[{.metadata.name}, {.status.capacity}] {end}", NODES,
     '[127.0.0.1, {"cpu":"4"}] [127.0.0.2, {"cpu":"8"}] '),
    ("user password", '{.users[?(@.name=="e2e")].user.password}', NODES, "secret"),
    ("hostname", "{.items[0].metadata.labels.kubernetes\\.io/hostname}", NODES, "127.0.0.1"),
    ("hostname filter", '{.items[?(@.metadata.labels.kubernetes\\.io/hostname=="127.0.0.1")].kind}', NODES, "None"),
    ("bool item", "{.items[?(@..ready==true)].metadata.name}", NODES, "127.0.0.1"),
    ("nested range", '{range .items[*]}{.metadata.name}{":"}{range @.spec.containers[*]}{.name}{","}{end}{"+"}{end}',
     PODS, "pod1:foo,bar,+pod2:baz,+"),
    ("empty range", "{range .items[*]}{.metadata.name}{end}", {"items": []}, ""),
    ("containers[0:-1]", "{.spec.containers[0:-1].name}", CONTAINERS, "fake0 fake1 fake2"),
    ("containers[-1:]", "{.spec.containers[-1:].name}", CONTAINERS, "fake3"),
    ("containers[0:0]", "{.spec.containers[0:0].name}", CONTAINERS, ""),
    ("filter tolerates missing", '{.items[?(@.metadata.annotations.color=="blue")].metadata.name}', ANNOTATED,
     "pod1 pod4"),
    ("missing key prints nothing", "before-{.hello}after", {}, "before-after"),
]


@pytest.mark.parametrize("template,data,want", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_client_go_cases(template, data, want):
    assert execute(template, data) == want


ERRORS = [  # (template, data, error) -- testFailJSONPath and parser errors, missing keys not allowed
    ("{hello}", {}, "unrecognized identifier hello"),
    ("{.hello}", {}, "hello is not found"),
    ("{.Labels[0]}", {"Labels": {"a": 1}}, "map[string]interface {} is not array or slice"),
    ("{.Book[?(@.Price<>10)]}", {"Book": [{"Price": 1}]}, "unrecognized filter operator <>"),
    ("{range .Labels.*}{@}{end}{end}", {"Labels": {"a": 1}}, "not in range, nothing to end"),
    ("{.spec.containers[-1:0].name}", CONTAINERS, "starting index 3 is greater than ending index 0"),
    ("{.spec.containers[-5]}", CONTAINERS, "array index out of bounds: index -1, length 4"),
    ("{.a", {}, "unclosed action"),
    ("{.a[0}", {}, "unterminated array"),
]


@pytest.mark.parametrize("template,data,error", ERRORS, ids=[e[2] for e in ERRORS])
def test_client_go_errors(template, data, error):
    with pytest.raises(JSONPathError, match=error.replace("[", r"\[").replace("(", r"\(")):
        execute(template, data, allow_missing_keys=False)
