"""Mutating admission the API server runs on create, after defaulting and before validation.

DefaultIngressClass (``plugin/pkg/admission/network/defaultingressclass/admission.go``): an
Ingress created with neither ``spec.ingressClassName`` nor the deprecated
``kubernetes.io/ingress.class`` annotation gets the default IngressClass written into
``spec.ingressClassName`` -- the class annotated ``ingressclass.kubernetes.io/is-default-class:
"true"``, the most recently created one when several are (equal times: the first name).  No
default class: the Ingress is stored without a class.  Updates are not touched.

ServiceAccount (:mod:`.serviceaccount`): a Pod gets its service account (``default`` unless
named), which must exist, and the projected ``kube-api-access-*`` token volume.
"""
from __future__ import annotations

from typing import Any

from ..routing.ingressclass import LEGACY_CLASS_ANNOTATION, default_ingress_class
from . import serviceaccount

__all__ = ["admit_create"]


def admit_create(obj: dict, api: Any) -> None:
    """Run the mutating admission plugins k8snet models on a new object, in place; ``api`` is
    the APIServer (its store and its generator of volume names).  A plugin's refusal raises
    ``AdmissionDeniedError`` (Forbidden) before anything changes."""
    if obj.get("kind") == "Pod":
        reason = serviceaccount.admit_pod(obj, lambda ns, name: api.store.peek("ServiceAccount", ns, name),
                                          api.volume_rng)
        if reason is not None:
            from .server import AdmissionDeniedError
            raise AdmissionDeniedError("Pod", (obj.get("metadata") or {}).get("name", ""),
                                       serviceaccount.forbidden_text(obj, reason))
        return
    if obj.get("kind") != "Ingress":
        return
    spec = obj.setdefault("spec", {})
    if not isinstance(spec, dict) or spec.get("ingressClassName") is not None:
        return
    if LEGACY_CLASS_ANNOTATION in ((obj.get("metadata") or {}).get("annotations") or {}):
        return
    default = default_ingress_class(list(api.store.items("IngressClass")))
    if default is not None:
        spec["ingressClassName"] = default["metadata"]["name"]
