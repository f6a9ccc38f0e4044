"""``-o json|yaml|name|custom-columns`` and the tabwriter (cli-runtime printers, sigs.k8s.io/yaml)."""
from __future__ import annotations

import json

import pytest
import yaml

from k8snet.kubectl import as_list, to_custom_columns, to_json, to_name, to_yaml
from k8snet.kubectl.gojson import format_float, marshal
from k8snet.kubectl.tabwriter import TabWriter, describe_writer, table_writer

from .fixtures import pod, service

YAML_SCALARS = [  # go-yaml v2 encode.go stringv: quote what would read back as another type
    ("int-string", "80", '"80"'),
    ("bool-word", "true", '"true"'),
    ("yaml11-bool", "yes", '"yes"'),
    ("go-only-bool-y", "y", '"y"'),
    ("empty", "", '""'),
    ("null-word", "null", '"null"'),
    ("float", "1.5", '"1.5"'),
    ("exponent", "1e3", '"1e3"'),
    ("timestamp", "2025-01-01T00:00:00Z", '"2025-01-01T00:00:00Z"'),
    ("date", "2025-01-01", '"2025-01-01"'),
    ("base60", "1:20", '"1:20"'),
    ("ip", "10.96.0.1", "10.96.0.1"),
    ("cidr", "10.244.0.0/16", "10.244.0.0/16"),
    ("plain-word", "ClusterIP", "ClusterIP"),
    ("equals", "=", "="),
    ("needs-single-quotes", "*", "'*'"),
    ("colon-space", "a: b", "'a: b'"),
    ("int", 80, "80"),
    ("bool", True, "true"),
    ("none", None, "null"),
]


@pytest.mark.parametrize("value,want", [r[1:] for r in YAML_SCALARS], ids=[r[0] for r in YAML_SCALARS])
def test_yaml_scalar_quoting(value, want):
    assert to_yaml({"k": value}) == f"k: {want}\n"


def test_yaml_layout_and_round_trip(golden):
    svc = service()
    svc["metadata"]["annotations"] = {"kubectl.kubernetes.io/last-applied-configuration": '{"kind":"Service"}\n'}
    text = to_yaml(svc)
    golden("kubectl", "service.yaml", text)
    assert yaml.safe_load(text) == svc
    assert "\n  - name: http\n" in text  # list items at their key's indentation


def test_yaml_key_order_is_go_yamls():
    # yaml.v2 keyList.Less: non-letters before letters, digit runs by value.
    assert to_yaml({"b": 1, "a10": 1, "a9": 1, "_x": 1, "A": 1}) == "_x: 1\nA: 1\na9: 1\na10: 1\nb: 1\n"


def test_json_list_wrapper(golden):
    text = to_json(as_list([service()]))
    golden("kubectl", "services.json", text)
    assert json.loads(text) == {"apiVersion": "v1", "items": [service()], "kind": "List",
                                "metadata": {"resourceVersion": ""}}


GO_JSON = [  # encoding/json
    ("html-escape", {"a": "<b>&"}, '{"a":"\\u003cb\\u003e\\u0026"}'),
    ("sorted", {"b": 1, "a": [1.0, 2.5]}, '{"a":[1,2.5],"b":1}'),
    ("tiny-float", [1e-7], "[1e-7]"),
]


@pytest.mark.parametrize("value,want", [r[1:] for r in GO_JSON], ids=[r[0] for r in GO_JSON])
def test_go_json(value, want):
    assert marshal(value) == want


@pytest.mark.parametrize("f,want", [(4.0, "4"), (19.95, "19.95"), (1e6, "1e+06"), (123456.0, "123456"),
                                    (0.0001, "0.0001"), (0.00001, "1e-05")])
def test_go_fmt_float(f, want):
    assert format_float(f) == want  # fmt %v = strconv 'g', shortest


def test_name_output():
    dep = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}}
    assert to_name([service(), dep, pod("p")]) == "service/web\ndeployment.apps/web\npod/p\n"


def test_custom_columns():
    out = to_custom_columns("NAME:.metadata.name,SELECTOR:spec.selector,MISSING:{.spec.nope}", [service()])
    assert out == "NAME   SELECTOR       MISSING\nweb    map[app:web]   <none>\n"


TABWRITER = [  # text/tabwriter semantics
    ("last-cell-unpadded", table_writer(), "a\tbb\tc\nlonger\tb\tcccc\n", "a        bb    c\nlonger   b     cccc\n"),
    ("minwidth-6", table_writer(), "a\tb\n", "a     b\n"),
    ("blocks-end-at-tabless-line", describe_writer(), "Name:\tx\nSpec:\nLonger Key:\ty\n",
     "Name:  x\nSpec:\nLonger Key:  y\n"),
    ("trailing-empty-cell-padded", describe_writer(), "  foo.com\t\n  \t/ \tweb:80\n",
     "  foo.com  \n           /   web:80\n"),
]


@pytest.mark.parametrize("writer,text,want", [r[1:] for r in TABWRITER], ids=[r[0] for r in TABWRITER])
def test_tabwriter(writer: TabWriter, text, want):
    writer.write(text)
    assert writer.getvalue() == want
