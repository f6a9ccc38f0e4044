"""How a bad value prints in a field error: apimachinery ``field.Error.ErrorBody`` (v1.37, with
kubernetes#132314): numbers and booleans with %v, strings with %q, nil as "null", and every
other value (lists, maps, structs) as JSON from ``json.Marshal``."""
from __future__ import annotations

import pytest

from k8snet.errors import ErrorType, FieldError

ROWS = [
    ("int", FieldError.invalid("spec.replicas", -1, "must be greater than or equal to 0"),
     "spec.replicas: Invalid value: -1: must be greater than or equal to 0", "int64/int32: %v"),
    ("bool", FieldError.invalid("x", True, "d"), "x: Invalid value: true: d", "bool: %v"),
    ("float", FieldError.invalid("x", 1234567.5, "d"), "x: Invalid value: 1.2345675e+06: d", "float64: %v (%g)"),
    ("string", FieldError.invalid("x", 'a"b', "d"), 'x: Invalid value: "a\\"b": d', "string: %q"),
    ("nil", FieldError.invalid("x", None, "d"), 'x: Invalid value: "null": d', 'nil: the string "null", quoted'),
    ("list", FieldError.invalid("spec.clusterIPs", ["10.96.0.1", "fd00::1"], "d"),
     'spec.clusterIPs: Invalid value: ["10.96.0.1","fd00::1"]: d', "[]string: json.Marshal"),
    ("map-sorted", FieldError.invalid("x", {"b": "2", "a": "1"}, "d"), 'x: Invalid value: {"a":"1","b":"2"}: d',
     "map[string]string: json.Marshal sorts keys"),
    ("html-escaped", FieldError.invalid("x", ["<a&b>"], "d"), 'x: Invalid value: ["\\u003ca\\u0026b\\u003e"]: d',
     "json.Marshal escapes <, > and &"),
    ("required-has-no-value", FieldError.required("spec.ports"), "spec.ports: Required value", "Required: no value"),
    ("forbidden-has-no-value", FieldError.forbidden("x", "d"), "x: Forbidden: d", "Forbidden: no value"),
    ("not-supported", FieldError.not_supported("spec.type", "Bogus", ["ClusterIP", "NodePort"]),
     'spec.type: Unsupported value: "Bogus": supported values: "ClusterIP", "NodePort"', "NotSupported quotes each"),
    ("too-many", FieldError.too_many("endpoints", 1001, 1000), "endpoints: Too many: 1001: must have at most 1000 items",
     "TooMany: the count, then the limit"),
    ("duplicate", FieldError.duplicate("x", "a"), 'x: Duplicate value: "a"', "Duplicate"),
]


@pytest.mark.parametrize("err,want,rule", [r[1:] for r in ROWS], ids=[r[0] for r in ROWS])
def test_field_error_text(err, want, rule):
    assert str(err) == want, rule


def test_error_types_carry_apimachinerys_words():
    assert [t.value for t in ErrorType] == ["Not found", "Required value", "Duplicate value", "Invalid value",
                                            "Unsupported value", "Forbidden", "Too long", "Too many",
                                            "Internal error"]
