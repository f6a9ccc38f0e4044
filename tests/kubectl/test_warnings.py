"""Server warnings kubectl prints (pkg/api/service/warnings.go, the v1 Endpoints deprecation)."""
from __future__ import annotations

import pytest

from k8snet.kubectl.warnings import ENDPOINTS_DEPRECATED, kubectl_warning, warnings_for

from .fixtures import service


def _ingress(annotations):
    return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "i", "annotations": annotations}}


CASES = [
    ("endpoints-deprecated", {"apiVersion": "v1", "kind": "Endpoints"},
     ["v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"]),
    ("plain-service", service(), []),
    ("externalIPs-deprecated", service(externalIPs=["1.2.3.4"]),
     ["spec.externalIPs is deprecated and may no longer be implemented in some clusters"]),
    ("headless-affinity", service(cluster_ip="None", sessionAffinity="ClientIP"),
     ["spec.SessionAffinity is ignored for headless services"]),
    ("externalName-ignored", service(externalName="x.example.com"),
     ['spec.externalName is ignored when spec.type is not "ExternalName"']),
    ("ingress-class-annotation", _ingress({"kubernetes.io/ingress.class": "nginx"}),
     ["annotation \"kubernetes.io/ingress.class\" is deprecated, please use 'spec.ingressClassName' instead"]),
]


@pytest.mark.parametrize("obj,want", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_warnings_for(obj, want):
    assert warnings_for(obj) == want


def test_kubectl_prefix():
    assert kubectl_warning(ENDPOINTS_DEPRECATED).startswith("Warning: v1 Endpoints is deprecated")
