"""The EndpointSlice controller and the Endpoints controller kept in step with it.

Rules: pkg/controller/endpointslice (reconciler.go, utils.go podToEndpoint), docs page
"EndpointSlices" (sections "Conditions", "Management", "Distribution of EndpointSlices"),
pkg/controller/endpoint (endpoints_controller.go).
"""
from __future__ import annotations

import pytest

from k8snet import Cluster

from .objects import deployment, endpoints_of, live_pods, pod, service, slices_of


def test_slices_carry_the_service_name_label_and_owner():
    c = Cluster(seed=1)
    c.apply([deployment(replicas=3), service()])
    (s,) = slices_of(c, "web")
    labels = s["metadata"]["labels"]
    assert labels["kubernetes.io/service-name"] == "web"
    assert labels["endpointslice.kubernetes.io/managed-by"] == "endpointslice-controller.k8s.io"
    assert s["metadata"]["name"].startswith("web-") and len(s["metadata"]["name"]) == len("web-") + 5
    assert s["metadata"]["ownerReferences"][0]["kind"] == "Service"
    assert s["addressType"] == "IPv4"
    assert s["ports"] == [{"name": "", "port": 80, "protocol": "TCP"}]
    assert sorted(endpoints_of(c, "web")) == sorted(p["status"]["podIP"] for p in live_pods(c, prefix="web-"))


@pytest.mark.parametrize("annotations, publish, want", [
    # podToEndpoint: ready = serving = pod Ready (no terminating).
    pytest.param(None, False, {"ready": True, "serving": True, "terminating": False}, id="ready-pod"),
    # a pod whose readiness probe keeps failing is an endpoint, not ready and not serving.
    pytest.param({"k8snet.io/readiness": "fail"}, False, {"ready": False, "serving": False, "terminating": False},
                 id="probe-failing"),
    # publishNotReadyAddresses: ready is forced true; serving still says what the pod says.
    pytest.param({"k8snet.io/readiness": "fail"}, True, {"ready": True, "serving": False, "terminating": False},
                 id="publishNotReadyAddresses"),
])
def test_endpoint_conditions(annotations, publish, want):
    c = Cluster(seed=1)
    svc = service(publishNotReadyAddresses=publish) if publish else service()
    c.apply([deployment(replicas=1, probe_delay=5, annotations=annotations), svc])
    c.advance(30)
    assert list(endpoints_of(c, "web").values()) == [want]


def test_terminating_endpoints_stay_with_terminating_true():
    # ShouldPodBeInEndpoints: a terminating pod stays in the slice (terminating: true, ready:
    # false); the v1 Endpoints object drops it.  Seen here on a failed node whose pods were
    # evicted but cannot finish terminating.
    c = Cluster(2, seed=1)  # a control plane and one worker, which runs the web pods
    c.apply([deployment(replicas=1), service()])
    (victim,) = [p for p in live_pods(c, prefix="web-") if p["spec"]["nodeName"] == "node-2"] or [None]
    c.fail_node("node-2")
    c.advance(50 + 300)
    eps = endpoints_of(c, "web")
    assert eps[victim["status"]["podIP"]] == {"ready": False, "serving": False, "terminating": True}
    ep_obj = c.get("endpoints", "web")
    listed = [a["ip"] for sub in ep_obj.get("subsets") or [] for a in sub.get("addresses", []) + sub.get("notReadyAddresses", [])]
    assert victim["status"]["podIP"] not in listed


def test_readiness_probe_over_the_clock():
    # A pod is added not ready at start and turns ready when its first probe passes
    # (initialDelaySeconds 10): kube-proxy sends traffic only then.
    c = Cluster(seed=1)
    c.apply([deployment(replicas=2, probe_delay=10), service()])
    seen = []
    for _ in range(3):
        seen.append(sorted(e["ready"] for e in endpoints_of(c, "web").values()))
        c.advance(5)
    assert seen == [[False, False], [False, False], [True, True]]


def test_at_most_100_endpoints_per_slice():
    # --max-endpoints-per-slice defaults to 100: 250 pods -> 3 slices (100, 100, 50).
    c = Cluster(4, seed=1)  # three workers of 110 pods each hold the 250
    c.apply([deployment(replicas=250), service()])
    sizes = sorted((len(s["endpoints"]) for s in slices_of(c, "web")), reverse=True)
    assert sizes == [100, 100, 50]
    assert len(endpoints_of(c, "web")) == 250


def test_named_target_port_resolved_per_pod():
    # podutil.FindPort: targetPort "http" is looked up in each pod; pods that give the port
    # different numbers land in different slices (one slice per port set).
    c = Cluster(seed=1)
    c.apply([pod("a", labels={"app": "x"}, image="example/app", ports=[{"name": "http", "containerPort": 8080}]),
             pod("b", labels={"app": "x"}, image="example/app", ports=[{"name": "http", "containerPort": 9090}]),
             pod("c", labels={"app": "x"}, image="example/app", ports=[{"name": "admin", "containerPort": 7070}]),
             service("x", ports=[{"port": 80, "targetPort": "http"}])])
    got = {tuple(p["port"] for p in s["ports"]): sorted(e["targetRef"]["name"] for e in s["endpoints"])
           for s in slices_of(c, "x")}
    # getEndpointPorts skips a port the pod cannot resolve: pod c is listed with no ports,
    # so kube-proxy has nowhere to send port 80 on it.
    assert got == {(8080,): ["a"], (9090,): ["b"], (): ["c"]}
    answers = {c.request("http://x", from_pod="default/c").body for _ in range(12)}
    assert answers == {"a\n", "b\n"}


def test_slice_follows_label_changes():
    c = Cluster(seed=1)
    c.apply([pod("a", labels={"app": "web"}), service()])
    assert len(endpoints_of(c, "web")) == 1
    c.kubectl("label pod a app=other --overwrite")
    assert endpoints_of(c, "web") == {}
    assert len(slices_of(c, "web")) == 1  # reconciler.go keeps one empty placeholder slice


@pytest.mark.parametrize("replicas", [0, 1, 3])
def test_endpoints_object_in_step_with_slices(replicas):
    # The v1 Endpoints controller still runs (deprecated since 1.33): same ready addresses.
    c = Cluster(seed=1)
    c.apply([deployment(replicas=replicas), service()])
    ep_obj = c.get("endpoints", "web")
    listed = sorted(a["ip"] for sub in ep_obj.get("subsets") or [] for a in sub.get("addresses", []))
    assert listed == sorted(ip for ip, cond in endpoints_of(c, "web").items() if cond["ready"])
    assert len(listed) == replicas


def test_get_endpoints_prints_the_deprecation_warning():
    # kube-apiserver 1.33+ returns a warning header for v1 Endpoints; kubectl prints it.
    c = Cluster(seed=1)
    out = c.kubectl("get endpoints")
    assert out.splitlines()[0] == "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"
