"""The review APIs ``kubectl auth can-i`` and ``kubectl auth whoami`` ask: SelfSubjectAccessReview
(authorization.k8s.io/v1, pkg/registry/authorization/selfsubjectaccessreview/rest.go),
SelfSubjectRulesReview (``can-i --list``) and SelfSubjectReview (authentication.k8s.io/v1,
pkg/registry/authentication/selfsubjectreview/rest.go).  They are create-only and store nothing;
the served API (serve/reviews.py) and the simulated kubectl (kubectl/auth.py) both answer from here.

Who asks: the bearer token in the served kubeconfig, and the simulated kubectl, stand for
kubeadm's admin user, ``kubernetes-admin`` in group ``kubeadm:cluster-admins`` (kubeadm's
admin.conf since v1.29), which kubeadm binds to ClusterRole ``cluster-admin``.  The simulator
keeps no RBAC objects, so the answer is the one that binding gives (everything is allowed),
without an RBAC reason naming objects that do not exist.
"""
from __future__ import annotations

from ..errors import FieldError, ValidationError

__all__ = ["USER", "GROUPS", "access_review", "rules_review", "self_review"]

#: kubeadm's admin user (kubeconfig phase: admin.conf's client certificate subject).
USER = "kubernetes-admin"
GROUPS = ("kubeadm:cluster-admins", "system:authenticated")


def access_review(body: dict) -> dict:
    """SelfSubjectAccessReview: ``status.allowed`` (true: the user is a cluster admin)."""
    spec = body.get("spec") or {}
    if not spec.get("resourceAttributes") and not spec.get("nonResourceAttributes"):
        error = ValidationError("SelfSubjectAccessReview", "", [FieldError.invalid(
            "spec.resourceAttributes", None, "exactly one of nonResourceAttributes or resourceAttributes must be "
                                             "specified")])
        raise error
    return {"kind": "SelfSubjectAccessReview", "apiVersion": "authorization.k8s.io/v1",
            "metadata": {"creationTimestamp": None}, "spec": spec, "status": {"allowed": True}}


def rules_review(body: dict) -> dict:
    """SelfSubjectRulesReview: the cluster-admin ClusterRole's rules (everything)."""
    spec = body.get("spec") or {}
    return {"kind": "SelfSubjectRulesReview", "apiVersion": "authorization.k8s.io/v1",
            "metadata": {"creationTimestamp": None}, "spec": spec,
            "status": {"resourceRules": [{"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}],
                       "nonResourceRules": [{"verbs": ["*"], "nonResourceURLs": ["*"]}], "incomplete": False}}


def self_review(body: dict) -> dict:
    """SelfSubjectReview: the user the request authenticated as."""
    return {"kind": "SelfSubjectReview", "apiVersion": "authentication.k8s.io/v1",
            "metadata": {"creationTimestamp": None},
            "status": {"userInfo": {"username": USER, "groups": list(GROUPS)}}}
