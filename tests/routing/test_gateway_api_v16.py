"""Gateway API v1.6 end to end: the scenario YAML goes through the API server (CRD schema and
CEL rules of gateway-api v1.6.1), the controller and the data path; each row is one
ExpectedResponse of the conformance test it names (conformance/tests/<name>.yaml + .go)."""
from __future__ import annotations

import json

import pytest


from k8snet import Cluster
from k8snet.addons import GATEWAY_API_VERSION

from .conftest import NS, echo_backend, gateway_cluster, infra, namespace, same_namespace_gateway


# conformance/base/manifests.yaml (the part these tests use) + the tests' own routes.
SCENARIO = infra("infra-backend-v1", "infra-backend-v2",
               gateway=same_namespace_gateway("{namespaces: {from: Same}}")) + f"""---
# httproute-303-redirect, httproute-307-redirect, httproute-308-redirect
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {{name: redirects, namespace: {NS}}}
spec:
  parentRefs: [{{name: same-namespace}}]
  rules:
  - matches: [{{path: {{type: PathPrefix, value: /see-other}}}}]
    filters: [{{type: RequestRedirect, requestRedirect: {{statusCode: 303}}}}]
  - matches: [{{path: {{type: PathPrefix, value: /temporary}}}}]
    filters: [{{type: RequestRedirect, requestRedirect: {{statusCode: 307}}}}]
  - matches: [{{path: {{type: PathPrefix, value: /permanent}}}}]
    filters: [{{type: RequestRedirect, requestRedirect: {{statusCode: 308}}}}]
  - matches: [{{path: {{type: PathPrefix, value: /moved}}}}]
    filters: [{{type: RequestRedirect, requestRedirect: {{statusCode: 301}}}}]
  - matches: [{{path: {{type: PathPrefix, value: /found}}}}]
    filters: [{{type: RequestRedirect, requestRedirect: {{}}}}]
---
# httproute-rewrite-host
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {{name: rewrite-host, namespace: {NS}}}
spec:
  hostnames: [rewrite.example]
  parentRefs: [{{name: same-namespace}}]
  rules:
  - matches: [{{path: {{type: PathPrefix, value: /one}}}}]
    filters: [{{type: URLRewrite, urlRewrite: {{hostname: one.example.org}}}}]
    backendRefs: [{{name: infra-backend-v1, port: 8080}}]
  - filters: [{{type: URLRewrite, urlRewrite: {{hostname: example.org}}}}]
    backendRefs: [{{name: infra-backend-v2, port: 8080}}]
---
# httproute-reference-grant, with the grant written as v1 (gateway-api v1.5+) ...
{namespace("gateway-conformance-web-backend")}
---
{echo_backend("web-backend", "gateway-conformance-web-backend")}
---
apiVersion: gateway.networking.k8s.io/v1
kind: ReferenceGrant
metadata: {{name: reference-grant, namespace: gateway-conformance-web-backend}}
spec:
  from: [{{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: {NS}}}]
  to: [{{group: "", kind: Service, name: web-backend}}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {{name: reference-grant, namespace: {NS}}}
spec:
  hostnames: [grant.example]
  parentRefs: [{{name: same-namespace}}]
  rules:
  - backendRefs: [{{name: web-backend, namespace: gateway-conformance-web-backend, port: 8080}}]
"""


@pytest.fixture(scope="module")
def cluster():
    return gateway_cluster(SCENARIO, seed=16)


def _gateway_ip(c) -> str:
    gw = json.loads(c.kubectl(f"get gateway same-namespace -n {NS} -o json"))
    return gw["status"]["addresses"][0]["value"]


REDIRECT_ROWS = [
    # (conformance test, method, path, status, Location)
    ("httproute-303-redirect (Extended: SupportHTTPRoute303RedirectStatusCode)", "POST", "/see-other", 303,
     "http://{ip}/see-other"),
    ("httproute-307-redirect (Extended: SupportHTTPRoute307RedirectStatusCode)", "POST", "/temporary", 307,
     "http://{ip}/temporary"),
    ("httproute-308-redirect (Extended: SupportHTTPRoute308RedirectStatusCode)", "POST", "/permanent", 308,
     "http://{ip}/permanent"),
    ("httproute-redirect-host-and-status: 301 (Core)", "GET", "/moved", 301, "http://{ip}/moved"),
    ("HTTPRequestRedirectFilter.StatusCode +kubebuilder:default=302 (Core)", "GET", "/found", 302,
     "http://{ip}/found"),
]


@pytest.mark.parametrize("method,path,status,location", [r[1:] for r in REDIRECT_ROWS], ids=[r[0] for r in REDIRECT_ROWS])
def test_redirect_status_codes(cluster, method, path, status, location):
    ip = _gateway_ip(cluster)
    r = cluster.request(f"http://{ip}{path}", from_internet=True, method=method)
    assert (r.status, r.headers.get("Location")) == (status, location.format(ip=ip)), r.hops


REWRITE_ROWS = [
    # (conformance test row, host, path, backend Service, Host the backend sees)
    ("httproute-rewrite-host /one", "rewrite.example", "/one", "infra-backend-v1", "one.example.org"),
    ("httproute-rewrite-host /two", "rewrite.example", "/two", "infra-backend-v2", "example.org"),
    ("httproute-reference-grant (v1 ReferenceGrant)", "grant.example", "/", "web-backend", "grant.example"),
]


@pytest.mark.parametrize("host,path,backend,seen_host", [r[1:] for r in REWRITE_ROWS], ids=[r[0] for r in REWRITE_ROWS])
def test_backend_and_host_seen(cluster, host, path, backend, seen_host):
    """HTTPURLRewriteFilter.Hostname: "the value to be used to replace the Host header value
    during forwarding" — echo-basic reports the Host it received."""
    r = cluster.request(f"http://{host}{path}", from_internet=True)
    assert r.status == 200, r.hops
    assert r.backend.split("/")[1].split(":")[0] == backend
    assert json.loads(r.body)["host"] == seen_host


CRD_ROWS = [
    # (CRD, served versions, storage version) — config/crd/standard, gateway-api v1.6.1
    ("gatewayclasses.gateway.networking.k8s.io", ["v1", "v1beta1"], "v1"),
    ("gateways.gateway.networking.k8s.io", ["v1", "v1beta1"], "v1"),
    ("httproutes.gateway.networking.k8s.io", ["v1", "v1beta1"], "v1"),
    ("referencegrants.gateway.networking.k8s.io", ["v1", "v1beta1"], "v1beta1"),
    # v1.6: v1 only in the standard channel; the alpha versions stay listed with served: false
    ("grpcroutes.gateway.networking.k8s.io", ["v1"], "v1"),
    ("tlsroutes.gateway.networking.k8s.io", ["v1"], "v1"),
    ("tcproutes.gateway.networking.k8s.io", ["v1"], "v1"),
    ("udproutes.gateway.networking.k8s.io", ["v1"], "v1"),
    ("listenersets.gateway.networking.k8s.io", ["v1"], "v1"),
    ("backendtlspolicies.gateway.networking.k8s.io", ["v1"], "v1"),
]

UNSERVED_ROWS = [
    # config/crd/standard v1.6.1: "served: false" versions (the experimental channel serves them)
    ("tlsroutes.gateway.networking.k8s.io", ["v1alpha2", "v1alpha3"]),
    ("tcproutes.gateway.networking.k8s.io", ["v1alpha2"]),
    ("udproutes.gateway.networking.k8s.io", ["v1alpha2"]),
    ("backendtlspolicies.gateway.networking.k8s.io", ["v1alpha3"]),
]


@pytest.mark.parametrize("name,unserved", UNSERVED_ROWS, ids=[r[0] for r in UNSERVED_ROWS])
def test_alpha_versions_listed_but_not_served(cluster, name, unserved):
    crd = json.loads(cluster.kubectl(f"get crd {name} -o json"))
    assert [v["name"] for v in crd["spec"]["versions"] if not v["served"]] == unserved
    kind = crd["spec"]["names"]["kind"]
    with pytest.raises(Exception, match=f'no matches for kind "{kind}" in version "gateway.networking.k8s.io/{unserved[0]}"'):
        cluster.apply({"apiVersion": f"gateway.networking.k8s.io/{unserved[0]}", "kind": kind,
                       "metadata": {"name": "old"}, "spec": {}})


@pytest.mark.parametrize("name,served,storage", CRD_ROWS, ids=[r[0] for r in CRD_ROWS])
def test_installed_crds_report_bundle_version(cluster, name, served, storage):
    crd = json.loads(cluster.kubectl(f"get crd {name} -o json"))
    ann = crd["metadata"]["annotations"]
    assert ann["gateway.networking.k8s.io/bundle-version"] == GATEWAY_API_VERSION == "v1.6.1"
    assert ann["gateway.networking.k8s.io/channel"] == "standard"
    assert [v["name"] for v in crd["spec"]["versions"] if v["served"]] == served
    assert crd["status"]["storedVersions"] == [storage]
    assert {c["type"]: c["status"] for c in crd["status"]["conditions"]} == {"NamesAccepted": "True",
                                                                            "Established": "True"}


GRANT_VERSION_ROWS = [
    ("v1 (preferred since v1.5)", "gateway.networking.k8s.io/v1", None),
    ("v1beta1 (still served in v1.6)", "gateway.networking.k8s.io/v1beta1", None),
    ("v1alpha2 (no longer served)", "gateway.networking.k8s.io/v1alpha2",
     'no matches for kind "ReferenceGrant" in version "gateway.networking.k8s.io/v1alpha2"'),
]


@pytest.mark.parametrize("api_version,error", [r[1:] for r in GRANT_VERSION_ROWS], ids=[r[0] for r in GRANT_VERSION_ROWS])
def test_reference_grant_versions(api_version, error):
    c = Cluster(nodes=1, addons=["gateway"])
    grant = {"apiVersion": api_version, "kind": "ReferenceGrant", "metadata": {"name": "g"},
             "spec": {"from": [{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "namespace": "a"}],
                      "to": [{"group": "", "kind": "Service"}]}}
    if error:
        with pytest.raises(Exception, match=error):
            c.apply(grant)
        return
    assert c.apply(grant) == ["referencegrant.gateway.networking.k8s.io/g created"]
    # Returned in the preferred version, whichever version it was written in.
    assert json.loads(c.kubectl("get referencegrant g -o json"))["apiVersion"] == "gateway.networking.k8s.io/v1"
