"""Which Ingresses an Ingress controller serves (IngressClass selection).

ingress.md "Ingress class" and "Default IngressClass", and ingress-nginx's store
(``internal/ingress/controller/store/store.go`` GetIngressClass):

1. ``spec.ingressClassName`` names an IngressClass; the controller serves it when that
   class's ``spec.controller`` is its own controller name (``k8s.io/ingress-nginx``).
   A class name that does not exist, or belongs to another controller: ignored.
2. Without ``ingressClassName``, the deprecated annotation ``kubernetes.io/ingress.class``
   is read; ingress-nginx serves the value it was started with (``--ingress-class=nginx``).
3. Without either, the Ingress belongs to the default IngressClass (annotation
   ``ingressclass.kubernetes.io/is-default-class: "true"``). On a real cluster the
   DefaultIngressClass admission plugin writes that class into ``spec.ingressClassName``
   when the Ingress is created (``apiserver/admission.py``); Ingresses created before a
   default existed are resolved here at routing time.
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT_CLASS_ANNOTATION", "LEGACY_CLASS_ANNOTATION", "INGRESS_NGINX",
           "default_ingress_class", "ClassDecision", "ingress_class_of", "served_ingresses"]

DEFAULT_CLASS_ANNOTATION = "ingressclass.kubernetes.io/is-default-class"
LEGACY_CLASS_ANNOTATION = "kubernetes.io/ingress.class"
#: ingress-nginx's default ``--controller-class``.
INGRESS_NGINX = "k8s.io/ingress-nginx"


def _meta(obj: dict) -> dict:
    return obj.get("metadata") or {}


def default_ingress_class(ingress_classes: list[dict]) -> dict | None:
    """The default IngressClass, or None.

    When several are marked default, the DefaultIngressClass admission plugin picks the
    most recently created one (Kubernetes >= 1.28 behaviour; equal times: the first name).
    """
    defaults = [c for c in ingress_classes
                if (_meta(c).get("annotations") or {}).get(DEFAULT_CLASS_ANNOTATION) == "true"]
    if not defaults:
        return None
    # getDefaultClass: newest first; equal creation times sort by name, the first one wins.
    by_name = sorted(defaults, key=lambda c: _meta(c).get("name", ""))
    return max(by_name, key=lambda c: _meta(c).get("creationTimestamp") or "")


@dataclass(frozen=True, slots=True)
class ClassDecision:
    """Whether the controller serves one Ingress, the class it resolved to, and why."""

    served: bool
    class_name: str | None
    why: str


def ingress_class_of(ingress: dict, ingress_classes: list[dict], *, controller: str = INGRESS_NGINX,
                     annotation_class: str = "nginx") -> ClassDecision:
    """Decide whether ``controller`` serves ``ingress`` (see the module docstring)."""
    spec = ingress.get("spec") or {}
    by_name = {_meta(c).get("name"): c for c in ingress_classes}
    name = spec.get("ingressClassName")
    if name:
        cls = by_name.get(name)
        if cls is None:
            return ClassDecision(False, name, f'IngressClass "{name}" does not exist')
        theirs = (cls.get("spec") or {}).get("controller")
        if theirs != controller:
            return ClassDecision(False, name, f'IngressClass "{name}" belongs to controller {theirs}, not {controller}')
        return ClassDecision(True, name, f'spec.ingressClassName "{name}" is served by {controller}')
    legacy = (_meta(ingress).get("annotations") or {}).get(LEGACY_CLASS_ANNOTATION)
    if legacy is not None:
        ok = legacy == annotation_class
        return ClassDecision(ok, legacy, f'annotation {LEGACY_CLASS_ANNOTATION}="{legacy}" '
                             + ("matches" if ok else f'is not "{annotation_class}"'))
    default = default_ingress_class(ingress_classes)
    if default is None:
        return ClassDecision(False, None, "no ingressClassName and no default IngressClass")
    dname = _meta(default).get("name")
    if (default.get("spec") or {}).get("controller") != controller:
        return ClassDecision(False, dname, f'no ingressClassName; the default class "{dname}" belongs to another controller')
    return ClassDecision(True, dname, f'no ingressClassName; uses the default IngressClass "{dname}"')


def served_ingresses(ingresses: list[dict], ingress_classes: list[dict], *,
                     controller: str = INGRESS_NGINX, annotation_class: str = "nginx") -> list[dict]:
    """The Ingresses ``controller`` serves, in the order ingress-nginx merges them.

    store.go sortIngressSlice: oldest ``creationTimestamp`` first; on equal timestamps
    ``namespace/name`` in *descending* order (the Go code compares ``in > jn``).
    """
    served = [i for i in ingresses
              if ingress_class_of(i, ingress_classes, controller=controller,
                                  annotation_class=annotation_class).served]
    served.sort(key=lambda i: f"{_meta(i).get('namespace', 'default')}/{_meta(i).get('name', '')}", reverse=True)
    served.sort(key=lambda i: _meta(i).get("creationTimestamp") or "")
    return served
