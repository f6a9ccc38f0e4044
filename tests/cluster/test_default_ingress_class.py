"""The DefaultIngressClass admission plugin
(plugin/pkg/admission/network/defaultingressclass/admission.go): on create, an Ingress with
no class gets the default IngressClass in ``spec.ingressClassName``."""
from __future__ import annotations

import pytest

from k8snet import Cluster

DEFAULT = {"ingressclass.kubernetes.io/is-default-class": "true"}


def _class(name, default=False):
    meta = {"name": name, **({"annotations": dict(DEFAULT)} if default else {})}
    return {"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass", "metadata": meta,
            "spec": {"controller": f"example.com/{name}"}}


def _ingress(name="web", class_name=None, annotations=None):
    spec = {"defaultBackend": {"service": {"name": "web", "port": {"number": 80}}}}
    if class_name:
        spec["ingressClassName"] = class_name
    meta = {"name": name, **({"annotations": annotations} if annotations else {})}
    return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": meta, "spec": spec}


ROWS = [
    ("one-default", [_class("a", True), _class("b")], _ingress(), "a", "getDefaultClass: the annotated class"),
    ("no-default", [_class("a"), _class("b")], _ingress(), None, "Admit: no default class, nothing written"),
    ("newest-default", [("t0", _class("old", True)), ("t1", _class("new", True))], _ingress(), "new",
     "getDefaultClass: several defaults -> the most recently created"),
    ("same-time-first-name", [_class("zeta", True), _class("alpha", True)], _ingress(), "alpha",
     "getDefaultClass: equal creation times sort by name"),
    ("class-given", [_class("a", True), _class("b")], _ingress(class_name="b"), "b",
     "Admit: IngressClassName set, left alone"),
    ("legacy-annotation", [_class("a", True)], _ingress(annotations={"kubernetes.io/ingress.class": "nginx"}), None,
     "Admit: the kubernetes.io/ingress.class annotation counts as a class"),
    ("annotation-not-true", [{**_class("a"), "metadata": {"name": "a", "annotations": {
        "ingressclass.kubernetes.io/is-default-class": "True"}}}], _ingress(), None,
     "getDefaultClass: the annotation value must be exactly \"true\""),
]


@pytest.mark.parametrize("classes,ing,want,rule", [r[1:] for r in ROWS], ids=[r[0] for r in ROWS])
def test_default_ingress_class_on_create(classes, ing, want, rule):
    c = Cluster(1)
    for item in classes:
        if isinstance(item, tuple):
            c.advance(1)
            item = item[1]
        c.apply(item)
    c.apply(ing)
    assert c.get("ingress", ing["metadata"]["name"])["spec"].get("ingressClassName") == want, rule


def test_only_on_create():
    """The plugin handles Create only: an Ingress stored without a class keeps none when a
    default class appears and the Ingress is applied again."""
    c = Cluster(1)
    c.apply(_ingress())
    c.apply(_class("a", True))
    assert c.apply(_ingress()) == ["ingress.networking.k8s.io/web unchanged"]
    assert c.get("ingress", "web")["spec"].get("ingressClassName") is None
