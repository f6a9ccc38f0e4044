"""Mutating admission the API server runs on create, after defaulting and before validation.

DefaultIngressClass (``plugin/pkg/admission/network/defaultingressclass/admission.go``): an
Ingress created with neither ``spec.ingressClassName`` nor the deprecated
``kubernetes.io/ingress.class`` annotation gets the default IngressClass written into
``spec.ingressClassName`` -- the class annotated ``ingressclass.kubernetes.io/is-default-class:
"true"``, the most recently created one when several are (equal times: the first name).  No
default class: the Ingress is stored without a class.  Updates are not touched.
"""
from __future__ import annotations

from typing import Iterable, Mapping

from ..routing.ingressclass import LEGACY_CLASS_ANNOTATION, default_ingress_class

__all__ = ["admit_create"]


def admit_create(obj: dict, ingress_classes: Iterable[Mapping]) -> None:
    """Run the mutating admission plugins k8snet models on a new object, in place."""
    if obj.get("kind") != "Ingress":
        return
    spec = obj.setdefault("spec", {})
    if not isinstance(spec, dict) or spec.get("ingressClassName") is not None:
        return
    if LEGACY_CLASS_ANNOTATION in ((obj.get("metadata") or {}).get("annotations") or {}):
        return
    default = default_ingress_class(list(ingress_classes))
    if default is not None:
        spec["ingressClassName"] = default["metadata"]["name"]
