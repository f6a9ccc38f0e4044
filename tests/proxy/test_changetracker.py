"""Service/EndpointSlice → ServicePortMap/EndpointsMap, and topology categorisation.

Rows name upstream: pkg/proxy/serviceport.go newBaseServiceInfo, servicechangetracker.go,
endpointslicecache.go addEndpoints, topology.go CategorizeEndpoints.
"""
from __future__ import annotations

import pytest

from k8snet.proxy import EndpointInfo, ServicePortName
from k8snet.proxy.changetracker import (EndpointsChangeTracker, ServiceChangeTracker,
                                        service_port_infos, slice_endpoints)
from k8snet.proxy.topology import categorize_endpoints

from .objects import endpoint, endpoint_slice, service

WEB = ServicePortName("default", "web", "http", "TCP")


@pytest.mark.parametrize("svc,want_names", [
    (service("web", "10.96.0.5", [{"name": "http", "port": 80}]), [WEB]),
    (service("web", "None", [{"name": "http", "port": 80}]), []),
    ({**service("ext", "", [{"name": "http", "port": 80}]),
      "spec": {"type": "ExternalName", "externalName": "example.com"}}, []),
    (service("dns", "10.96.0.10", [{"name": "dns", "port": 53, "protocol": "UDP"},
                                    {"name": "dns-tcp", "port": 53}], ns="kube-system"),
     [ServicePortName("kube-system", "dns", "dns", "UDP"), ServicePortName("kube-system", "dns", "dns-tcp", "TCP")]),
], ids=["clusterip", "headless-skipped (ShouldSkipService)", "externalname-skipped (ShouldSkipService)",
        "one-info-per-port"])
def test_service_port_infos(svc, want_names):
    """serviceToServiceMap: one ServicePortInfo per port; headless/ExternalName skipped."""
    assert sorted(service_port_infos(svc)) == sorted(want_names)


@pytest.mark.parametrize("kwargs,field,want", [
    (dict(affinity_seconds=600), "sticky_max_age_seconds", 600),
    (dict(type="LoadBalancer", etp="Local", lb_ips=("1.2.3.4",), hc_port=32000),
     "health_check_node_port", 32000),
    (dict(type="NodePort", etp="Local"), "external_policy_local", True),
    (dict(etp="Local"), "external_policy_local", False),
    (dict(itp="Local"), "internal_policy_local", True),
    (dict(type="LoadBalancer", lb_ips=("1.2.3.4",)), "load_balancer_vips", ("1.2.3.4",)),
], ids=["sessionAffinityConfig.clientIP.timeoutSeconds", "healthCheckNodePort (NeedsHealthCheck)",
        "ETP Local on NodePort", "ETP ignored on ClusterIP (ExternalPolicyLocal)",
        "ITP Local", "LB ingress IPs"])
def test_service_port_info_fields(kwargs, field, want):
    """newBaseServiceInfo field derivation."""
    svc = service("web", "10.96.0.5", [{"name": "http", "port": 80, "nodePort": 30001}], **kwargs)
    assert getattr(service_port_infos(svc)[WEB], field) == want


def test_lb_ingress_ipmode_proxy_is_not_a_vip():
    """newBaseServiceInfo: ingress with ipMode Proxy is not programmed (KEP-1860)."""
    svc = service("web", "10.96.0.5", [{"name": "http", "port": 80}], type="LoadBalancer", lb_ips=("1.2.3.4",))
    svc["status"]["loadBalancer"]["ingress"][0]["ipMode"] = "Proxy"
    assert service_port_infos(svc)[WEB].load_balancer_vips == ()


@pytest.mark.parametrize("conditions,want", [
    ({}, (True, True, False)),
    ({"ready": False}, (False, False, False)),
    ({"ready": False, "serving": True, "terminating": True}, (False, True, True)),
], ids=["nil-conditions-mean-ready", "not-ready", "serving-terminating"])
def test_slice_condition_defaults(conditions, want):
    """endpointslicecache.go addEndpoints: nil ready/serving → true, nil terminating → false."""
    sl = endpoint_slice("web", [{"addresses": ["10.244.1.5"], "conditions": conditions, "nodeName": "node-1"}],
                        [{"name": "http", "port": 8080}])
    (ep,) = slice_endpoints(sl, "node-1")[WEB]
    assert (ep.ready, ep.serving, ep.terminating, ep.is_local) == want + (True,)


def test_service_tracker_reports_only_changed_ports():
    """servicechangetracker.go Update: unchanged Services produce no change."""
    t = ServiceChangeTracker()
    old = service("web", "10.96.0.5", [{"name": "http", "port": 80}, {"name": "admin", "port": 9000}])
    assert t.update(None, old) == {WEB, ServicePortName("default", "web", "admin", "TCP")}
    assert t.update(old, old) == set()
    new = service("web", "10.96.0.5", [{"name": "http", "port": 81}, {"name": "admin", "port": 9000}])
    assert t.update(old, new) == {WEB}
    assert t.update(new, None) == {WEB, ServicePortName("default", "web", "admin", "TCP")}
    assert t.service_port_map() == {}


def test_endpoints_tracker_merges_slices_and_sorts():
    """EndpointSliceCache: endpoints of all slices of a Service, sorted by "ip:port" string."""
    t = EndpointsChangeTracker("node-1")
    a = endpoint_slice("web", [endpoint("10.244.1.5", "node-1")], [{"name": "http", "port": 80}], suffix="a")
    b = endpoint_slice("web", [endpoint("10.244.1.10", "node-2")], [{"name": "http", "port": 80}], suffix="b")
    assert t.update_endpoint_slice(None, a) == {WEB}
    assert t.update_endpoint_slice(None, b) == {WEB}
    assert [str(e) for e in t.endpoints_for(WEB)] == ["10.244.1.10:80", "10.244.1.5:80"]
    assert t.update_endpoint_slice(b, b) == set()
    assert t.update_endpoint_slice(b, None) == {WEB}
    assert [str(e) for e in t.endpoints_map()[WEB]] == ["10.244.1.5:80"]


def _ep(ip, *, local=False, ready=True, serving=None, terminating=False, hints=()):
    return EndpointInfo(ip, 80, ready=ready, serving=ready if serving is None else serving,
                        terminating=terminating, is_local=local, zone_hints=hints)


def _info(**kw):
    port = {"name": "http", "port": 80}
    if kw.get("type") == "NodePort":
        port["nodePort"] = 30001
    svc = service("web", "10.96.0.5", [port], **kw)
    return service_port_infos(svc)[WEB]


@pytest.mark.parametrize("info_kw,eps,labels,want", [
    ({}, [_ep("a", local=True), _ep("b")], {}, (["a:80", "b:80"], [], True)),
    ({}, [_ep("a", ready=False, serving=True, terminating=True), _ep("b", ready=False)], {},
     (["a:80"], [], True)),
    (dict(itp="Local"), [_ep("a"), _ep("b", local=True)], {}, ([], ["b:80"], True)),
    (dict(itp="Local"), [_ep("a")], {}, ([], [], True)),
    (dict(type="NodePort", etp="Local"), [_ep("a"), _ep("b", local=True)], {},
     (["a:80", "b:80"], ["b:80"], True)),
    ({}, [_ep("a", hints=("z1",)), _ep("b", hints=("z2",))], {"topology.kubernetes.io/zone": "z1"},
     (["a:80"], [], True)),
    ({}, [_ep("a", hints=("z1",)), _ep("b")], {"topology.kubernetes.io/zone": "z1"},
     (["a:80", "b:80"], [], True)),
    ({}, [], {}, ([], [], False)),
], ids=["cluster-ready", "fallback-serving-terminating (KEP-1669)", "itp-local",
        "itp-local-none-here-but-has-any", "etp-local-uses-both", "zone-hints-used",
        "hints-ignored-when-incomplete (canUseTopology)", "no-endpoints"])
def test_categorize_endpoints(info_kw, eps, labels, want):
    """topology.go CategorizeEndpoints."""
    cluster, local, _, has_any = categorize_endpoints(tuple(eps), _info(**info_kw), labels)
    assert ([str(e) for e in cluster], [str(e) for e in local], has_any) == want
