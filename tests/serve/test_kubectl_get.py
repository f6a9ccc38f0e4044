"""The real kubectl reads the served cluster: its tables are the emulation's tables.

Each row names the upstream code whose output it compares: kubectl's own printers
(cli-runtime ``tableprinter.go``, ``jsonpath``, ``customcolumn``) run on what our server
answers (the Table of apiserver ``handlers/response.go``, the objects of ``handlers/get.go``).
"""
from __future__ import annotations

import json
import re

import pytest

# AGE and other wall-clock cells may differ by a second between the two runs.
_AGE = re.compile(r"\b\d+(s|m\d*s?|h\d*m?)\b")


def _same_but_age(a: str) -> str:
    return _AGE.sub("AGE", a)


@pytest.mark.parametrize("command", [
    "get pods",                      # printers.go printPod via server-side Table
    "get pods -o wide",              # priority-1 columns (IP, NODE, ...)
    "get svc",                       # printService
    "get svc -o wide",
    "get deploy",                    # printDeployment
    "get rs -o wide",
    "get ds -n kube-system",
    "get nodes",
    "get ns",
    "get endpointslices",
    "get pods -l app=web",           # ?labelSelector=
    "get pods -A",                   # NAMESPACE from each row's PartialObjectMetadata
    "get deploy,svc",                # kind/name prefixes, blank line between tables
    "get pods --show-labels",
    "get sa -A",                     # printServiceAccount: NAME SECRETS AGE
    "describe sa default",           # describe.go describeServiceAccount, run by kubectl itself
    "describe sa coredns -n kube-system",
    "get cm -A",                     # printConfigMap, kube-system's and every namespace's ConfigMaps
])
def test_get_prints_what_the_emulation_prints(served, kubectl, command):
    code, out, err = kubectl(command)
    assert code == 0, err
    want = served.cluster.kubectl(command)
    assert _same_but_age(out) == _same_but_age(want)


@pytest.mark.parametrize("command, check", [
    ("get svc web -o json", lambda o: json.loads(o)["spec"]["type"] == "NodePort"),
    ("get svc web -o yaml", lambda o: "kind: Service" in o and "nodePort: " in o),
    ("get svc web -o jsonpath={.spec.ports[0].port}", lambda o: o == "80"),
    ("get pods -o custom-columns=NAME:.metadata.name,NODE:.spec.nodeName --no-headers",
     lambda o: len(o.splitlines()) == 2 and all("node-" in line for line in o.splitlines())),
    ("get pods --field-selector=status.phase=Running -o name", lambda o: o.count("pod/web-") == 2),
    ("get pods --field-selector=spec.nodeName=node-2 -o name", lambda o: o.count("pod/") >= 1),  # a worker
])
def test_output_formats_run_kubectls_own_printers(kubectl, command, check):
    code, out, err = kubectl(command)
    assert code == 0, err
    assert check(out), out


def test_a_request_without_the_token_is_unauthorized(served):
    # apiserver authentication filter: 401 with a Status whose message is "Unauthorized".
    import ssl
    import urllib.error
    import urllib.request
    ctx = ssl.create_default_context(cadata=served.certificates.ca_pem.decode())
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(served.url + "/api/v1/pods", context=ctx, timeout=60)
    assert info.value.code == 401
    body = json.loads(info.value.read())
    assert (body["kind"], body["reason"], body["message"]) == ("Status", "Unauthorized", "Unauthorized")


def test_a_nodeport_answers_curl_through_the_simulated_path(served):
    import urllib.request
    svc = served.cluster.get("svc", "web")
    port = svc["spec"]["ports"][0]["nodePort"]
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=60) as resp:
        assert resp.status == 200
        assert b"Welcome to nginx!" in resp.read()


GATEWAY = """
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw}
spec:
  gatewayClassName: k8snet
  listeners: [{name: http, protocol: HTTP, port: 80}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web}
spec:
  parentRefs: [{name: gw}]
  hostnames: [web.example]
  rules: [{backendRefs: [{name: web, port: 80}]}]
"""


@pytest.mark.parametrize("command", [
    "get gatewayclasses",           # the CRD's additionalPrinterColumns, through the Table
    "get gateways",
    "get httproutes",
    "get gateways.v1beta1.gateway.networking.k8s.io",   # a served older version
])
def test_gateway_api_is_served_once_its_crds_are_installed(served, kubectl, command):
    with served.cluster.lock:
        if "gateway" not in served.cluster.addons:
            served.cluster.enable_addon("gateway")
            served.cluster.apply(GATEWAY)
    code, out, err = kubectl(command)
    assert code == 0, err
    want = served.cluster.kubectl(command.replace(".v1beta1.gateway.networking.k8s.io", ""))
    assert _same_but_age(out) == _same_but_age(want)


@pytest.mark.parametrize("command, want", [
    ("get --raw /healthz", "ok"),       # the apiserver's health checks
    ("get --raw /readyz", "ok"),
    ("version -o json", '"gitVersion": "v1.37.0"'),
])
def test_health_and_version(kubectl, command, want):
    code, out, err = kubectl(command)
    assert code == 0 and want in out, err


# gateway-api v1.6.1 config/crd/standard: the kinds that joined the standard channel (v1 only).
L4_AND_POLICY = """
apiVersion: gateway.networking.k8s.io/v1
kind: TCPRoute
metadata: {name: db}
spec:
  parentRefs: [{name: gw}]
  rules: [{backendRefs: [{name: web, port: 80}]}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: TLSRoute
metadata: {name: secure}
spec:
  parentRefs: [{name: gw}]
  hostnames: [secure.example]
  rules: [{backendRefs: [{name: web, port: 80}]}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: UDPRoute
metadata: {name: dns}
spec:
  parentRefs: [{name: gw}]
  rules: [{backendRefs: [{name: web, port: 80}]}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: ListenerSet
metadata: {name: team-a}
spec:
  parentRef: {name: gw}
  listeners: [{name: extra, port: 8080, protocol: HTTP}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: BackendTLSPolicy
metadata: {name: web-tls}
spec:
  targetRefs: [{group: "", kind: Service, name: web}]
  validation: {hostname: web.example, wellKnownCACertificates: System}
"""


@pytest.mark.parametrize("command", [
    "get tcproutes", "get tlsroutes", "get udproutes",   # additionalPrinterColumns: Age only
    "get listenersets",                                    # Accepted, Programmed, Age
    "get lset", "get btlspolicy",                          # the CRDs' shortNames
    "get tcproute db -o jsonpath={.status.parents[0].conditions[*].reason}",
    "get gatewayclass k8snet -o jsonpath={.status.supportedFeatures[*].name}",
])
def test_standard_channel_kinds_apply_and_get_with_the_real_kubectl(served, kubectl, command):
    with served.cluster.lock:
        if "gateway" not in served.cluster.addons:
            served.cluster.enable_addon("gateway")
            served.cluster.apply(GATEWAY)
    code, out, err = kubectl("apply -f -", stdin=L4_AND_POLICY)
    assert code == 0, err   # no "no matches for kind": discovery and the OpenAPI schemas know them
    code, out, err = kubectl(command)
    assert code == 0, err
    assert _same_but_age(out) == _same_but_age(served.cluster.kubectl(command))
