"""JSON ``null`` as the API server's decoder reads it (Go encoding/json: "the JSON null value
unmarshals into an interface, map, pointer, or slice by setting that Go value to nil ...
otherwise, unmarshaling a JSON null into any other Go type has no effect"): the field keeps its
zero value, so validation then speaks about that zero value.  Found by tests/fuzz (both rows
used to end in ``AttributeError: 'NoneType' object has no attribute 'get'``)."""
from __future__ import annotations

import pytest

from k8snet import Cluster
from k8snet.apiserver.schema import without_nulls
from k8snet.errors import ValidationError

SVC = {"apiVersion": "v1", "kind": "Service"}

# (object, the validation errors the API server answers, rule)
ROWS = [
    (dict(SVC, metadata=None, spec={"ports": [{"port": 80}]}),
     ["metadata.name: Required value: name or generateName is required"],
     "metadata: null is an empty ObjectMeta"),
    (dict(SVC, metadata={"name": "web"}, spec={"ports": [None, {"name": "dns", "port": 53, "protocol": "UDP"}]}),
     ["spec.ports[0].name: Required value", "spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive",
      "spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive"],
     "a null element of []ServicePort is ServicePort{} (targetPort defaulted from port 0)"),
    (dict(SVC, metadata={"name": "web"}, spec={"ports": [{}]}),
     ["spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive",
      "spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive"],
     "SetDefaults_Service: targetPort = intstr.FromInt32(port), 0 for a zero port"),
]


@pytest.mark.parametrize("obj, errors, rule", ROWS, ids=[r[2] for r in ROWS])
def test_null_is_the_zero_value(obj, errors, rule):
    c = Cluster(seed=1)
    before = c.store.version
    with pytest.raises(ValidationError) as e:
        c.apply(obj)
    body = str(e.value).split(" is invalid: ", 1)[1]  # one error inline, several as "* " lines
    got = [line.removeprefix("* ") for line in body.splitlines() if line.strip()]
    assert got == errors, rule
    assert c.store.version == before


# (object, without nulls, rule)
SHAPES = [
    ({"kind": "Service", "metadata": {"name": "a", "labels": {"x": None}}, "spec": {"clusterIPs": [None]}},
     {"kind": "Service", "metadata": {"name": "a", "labels": {"x": ""}}, "spec": {"clusterIPs": [""]}},
     "map[string]string and []string: null is the empty string"),
    ({"kind": "Service", "spec": {"sessionAffinityConfig": None, "ports": [{"port": 80, "name": None}]}},
     {"kind": "Service", "spec": {"ports": [{"port": 80}]}}, "a null pointer or scalar field: left out"),
    ({"kind": "Gateway", "metadata": None, "spec": {"listeners": None}}, {"kind": "Gateway", "spec": {"listeners": None}},
     "a kind without a declared struct: only its ObjectMeta"),
]


@pytest.mark.parametrize("obj, want, rule", SHAPES, ids=[r[2] for r in SHAPES])
def test_without_nulls(obj, want, rule):
    assert without_nulls(obj) == want, rule


def test_a_null_in_an_applied_manifest_deletes_the_field():
    """kubectl apply: a null in the manifest is a delete in the patch kubectl sends (JSON merge
    patch, RFC 7386), so `strategy: {type: Recreate, rollingUpdate: null}` switches a
    Deployment to Recreate; nulls become zero values only after the merge (chapter 13 does this)."""
    dep = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
           "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
                    "template": {"metadata": {"labels": {"app": "web"}},
                                 "spec": {"containers": [{"name": "web", "image": "nginx"}]}}}}
    c = Cluster(seed=1)
    c.apply(dep)
    assert "rollingUpdate" in c.get("deploy", "web")["spec"]["strategy"]  # defaulted 25%/25%
    recreate = dict(dep, spec=dict(dep["spec"], strategy={"type": "Recreate", "rollingUpdate": None}))
    assert c.apply(recreate) == ["deployment.apps/web configured"]
    assert c.get("deploy", "web")["spec"]["strategy"] == {"type": "Recreate"}
