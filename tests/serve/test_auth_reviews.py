"""The review APIs through the kubernetes client (k8snet/serve/reviews.py over
k8snet/apiserver/reviews.py; pkg/registry/authorization/selfsubjectaccessreview/rest.go)."""
from __future__ import annotations

import pytest

from tests.kubectl.get_flags_cluster import build

kubernetes = pytest.importorskip("kubernetes")


@pytest.fixture(scope="module")
def api():
    server = build().serve()
    yield kubernetes.config.new_client_from_config(server.kubeconfig)
    server.stop()


# (spec, allowed or the 422's message part, upstream rule)
ROWS = [
    ({"resource_attributes": {"verb": "delete", "resource": "nodes"}}, True,
     "kubernetes-admin is in kubeadm:cluster-admins, bound to cluster-admin"),
    ({"non_resource_attributes": {"verb": "get", "path": "/metrics"}}, True, "non-resource URLs too"),
    ({}, "exactly one of nonResourceAttributes or resourceAttributes must be specified",
     "validation.ValidateSelfSubjectAccessReviewSpec"),
]


@pytest.mark.parametrize("spec, want, rule", ROWS, ids=[r[2] for r in ROWS])
def test_self_subject_access_review(api, spec, want, rule):
    authz = kubernetes.client.AuthorizationV1Api(api)
    body = kubernetes.client.V1SelfSubjectAccessReview(spec=kubernetes.client.V1SelfSubjectAccessReviewSpec(**spec))
    if want is True:
        assert authz.create_self_subject_access_review(body).status.allowed is True, rule
    else:
        with pytest.raises(kubernetes.client.exceptions.ApiException) as e:
            authz.create_self_subject_access_review(body)
        assert e.value.status == 422 and want in e.value.body, rule


def test_self_subject_review_names_kubeadms_admin(api):
    review = kubernetes.client.AuthenticationV1Api(api).create_self_subject_review(
        kubernetes.client.V1SelfSubjectReview())
    assert (review.status.user_info.username, review.status.user_info.groups) == (
        "kubernetes-admin", ["kubeadm:cluster-admins", "system:authenticated"])
