"""Services of every type, and the ClusterIP and NodePort allocators.

Rows cite the Kubernetes docs page "Service" (sections per type) and
pkg/registry/core/service/{ipallocator,portallocator}.
"""
from __future__ import annotations

import ipaddress
import re

import pytest

from k8snet import Cluster, ValidationError

from .objects import deployment, endpoints_of, service


def _cluster(cloud=None) -> Cluster:
    c = Cluster(seed=5, cloud=cloud)
    c.apply(deployment(replicas=2))
    return c


def _get_svc_line(c: Cluster, name: str) -> list[str]:
    return c.kubectl(f"get svc {name}").splitlines()[1].split()


@pytest.mark.parametrize("spec, check", [
    # "Type ClusterIP": a virtual IP from the Service CIDR.
    pytest.param({}, lambda s, line: s["spec"]["type"] == "ClusterIP"
                 and ipaddress.ip_address(s["spec"]["clusterIP"]) in ipaddress.ip_network("10.96.0.0/12")
                 and line[3] == "<none>", id="clusterip"),
    # "Type NodePort": a port from 30000-32767 on every node, plus a ClusterIP.
    pytest.param({"type": "NodePort"}, lambda s, line: 30000 <= s["spec"]["ports"][0]["nodePort"] <= 32767
                 and line[4] == f"80:{s['spec']['ports'][0]['nodePort']}/TCP", id="nodeport"),
    # "Type LoadBalancer" without a cloud: node ports allocated, EXTERNAL-IP <pending> for ever.
    pytest.param({"type": "LoadBalancer"}, lambda s, line: s["status"]["loadBalancer"] == {}
                 and line[3] == "<pending>" and s["spec"]["ports"][0]["nodePort"] >= 30000, id="loadbalancer-no-cloud"),
    # "Type ExternalName": a CNAME, no ClusterIP, no endpoints.
    pytest.param({"type": "ExternalName", "externalName": "db.example.com", "selector": None},
                 lambda s, line: "clusterIP" not in s["spec"] and line[2:4] == ["<none>", "db.example.com"],
                 id="externalname"),
    # "Headless Services": clusterIP None.
    pytest.param({"clusterIP": "None"}, lambda s, line: s["spec"]["clusterIPs"] == ["None"] and line[2] == "None",
                 id="headless"),
])
def test_service_types(spec, check):
    c = _cluster()
    body = service(**{k: v for k, v in spec.items() if k != "selector"})
    if "selector" in spec:
        body["spec"].pop("selector")
    c.apply(body)
    assert check(c.get("svc", "web"), _get_svc_line(c, "web"))


@pytest.mark.parametrize("cloud, field, shape", [
    # cloud-provider-aws publishes an ELB hostname; GCP and Azure an IP.
    # k8s.io/cloud-provider DefaultLoadBalancerName: "a" + UID without dashes, cut to 32 characters;
    # ELB appends "-<number>.<region>.elb.amazonaws.com".
    pytest.param("aws", "hostname", lambda v: re.fullmatch(r"a[0-9a-f]{31}-[1-9][0-9]*\.us-east-1\.elb\.amazonaws\.com", v),
                 id="aws"),
    pytest.param("gcp", "ip", lambda v: ipaddress.ip_address(v).is_global, id="gcp"),
    pytest.param("azure", "ip", lambda v: ipaddress.ip_address(v).is_global, id="azure"),
])
def test_loadbalancer_gets_an_address_from_the_cloud(cloud, field, shape):
    c = _cluster(cloud)
    c.apply(service(type="LoadBalancer"))
    (ingress,) = c.get("svc", "web")["status"]["loadBalancer"]["ingress"]
    assert shape(ingress[field])
    assert _get_svc_line(c, "web")[3] == ingress[field]
    r = c.request(f"http://{ingress[field]}/", from_internet=True)
    assert r.status == 200 and r.backend == "default/web:80"


def test_service_without_selector_and_manual_endpoints():
    # "Services without selectors": no EndpointSlice controller; hand-written Endpoints are
    # mirrored into an EndpointSlice by the endpointslicemirroring controller.
    c = _cluster()
    c.apply([service("ext", selector={}, ports=[{"port": 80, "targetPort": 8080}]),
             {"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": "ext"},
              "subsets": [{"addresses": [{"ip": "192.0.2.10"}], "ports": [{"port": 8080}]}]}])
    (s,) = [s for s in c.list("EndpointSlice") if s["metadata"]["labels"]["kubernetes.io/service-name"] == "ext"]
    assert s["metadata"]["labels"]["endpointslice.kubernetes.io/managed-by"] == "endpointslicemirroring-controller.k8s.io"
    assert [e["addresses"] for e in s["endpoints"]] == [["192.0.2.10"]]
    assert s["ports"][0]["port"] == 8080
    assert "192.0.2.10:8080" in c.kubectl("describe svc ext")


def test_service_without_selector_and_manual_endpointslice():
    # "Custom EndpointSlices": a slice labelled kubernetes.io/service-name is used as is.
    c = _cluster()
    c.apply([service("ext2", selector={}, ports=[{"name": "http", "port": 80}]),
             {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
              "metadata": {"name": "ext2-1", "labels": {"kubernetes.io/service-name": "ext2"}},
              "addressType": "IPv4", "endpoints": [{"addresses": ["192.0.2.20"]}],
              "ports": [{"name": "http", "port": 80}]}])
    assert [s["metadata"]["name"] for s in c.list("EndpointSlice")
            if s["metadata"]["labels"].get("kubernetes.io/service-name") == "ext2"] == ["ext2-1"]
    assert c.list("Endpoints") and c.store.peek("Endpoints", "default", "ext2") is None
    assert "192.0.2.20:80" in c.kubectl("describe svc ext2")


def test_describe_service_lists_only_its_own_endpoints():
    # describe.go: Endpoints of a Service come from slices labelled with *its* name.
    c = _cluster()
    c.apply([service("web"), service("other", selector={}, ports=[{"port": 80}])])
    text = c.kubectl("describe svc other")
    assert "Endpoints:                <none>" in text
    for ip in endpoints_of(c, "web"):
        assert ip not in text


# --- allocators ---------------------------------------------------------------------------

@pytest.mark.parametrize("first, second, error", [
    # ipallocator: an asked-for clusterIP in range is honoured; asking for it again is refused.
    pytest.param(service("a", clusterIP="10.96.100.100"), service("b", clusterIP="10.96.100.100"),
                 'The Service "b" is invalid: spec.clusterIPs: Invalid value: ["10.96.100.100"]: '
                 "failed to allocate IP 10.96.100.100: provided IP is already allocated", id="clusterip-taken"),
    pytest.param(None, service("b", clusterIP="10.0.0.5"),
                 'The Service "b" is invalid: spec.clusterIPs: Invalid value: ["10.0.0.5"]: '
                 "failed to allocate IP 10.0.0.5: the provided IP (10.0.0.5) is not in the valid range. "
                 "The range of valid IPs is 10.96.0.0/12", id="clusterip-out-of-range"),
    pytest.param(None, service("b", clusterIP="10.96.0.10"),
                 'The Service "b" is invalid: spec.clusterIPs: Invalid value: ["10.96.0.10"]: '
                 "failed to allocate IP 10.96.0.10: provided IP is already allocated", id="clusterip-of-kube-dns"),
    # portallocator: an explicit nodePort is honoured; the same port again is refused.
    pytest.param(service("a", type="NodePort", ports=[{"port": 80, "nodePort": 30080}]),
                 service("b", type="NodePort", ports=[{"port": 80, "nodePort": 30080}]),
                 'The Service "b" is invalid: spec.ports[0].nodePort: Invalid value: 30080: '
                 "provided port is already allocated", id="nodeport-taken"),
])
def test_allocator_refusals(first, second, error):
    c = Cluster(seed=0)
    if first is not None:
        c.apply(first)
    before = {s["metadata"]["name"] for s in c.list("svc")}
    with pytest.raises(ValidationError) as info:
        c.apply(second)
    assert str(info.value) == error
    assert {s["metadata"]["name"] for s in c.list("svc")} == before


@pytest.mark.parametrize("spec, field, want", [
    pytest.param({"clusterIP": "10.96.100.100"}, lambda s: s["spec"]["clusterIP"], "10.96.100.100",
                 id="clusterip-honoured"),
    pytest.param({"type": "NodePort", "ports": [{"port": 80, "nodePort": 30000}]},
                 lambda s: s["spec"]["ports"][0]["nodePort"], 30000, id="nodeport-lowest"),
    pytest.param({"type": "NodePort", "ports": [{"port": 80, "nodePort": 32767}]},
                 lambda s: s["spec"]["ports"][0]["nodePort"], 32767, id="nodeport-highest"),
])
def test_allocator_honours_explicit_values(spec, field, want):
    c = Cluster(seed=0)
    c.apply(service(**spec))
    assert field(c.get("svc", "web")) == want


def test_deleting_a_service_frees_its_ip_and_port():
    c = Cluster(seed=0)
    c.apply(service("a", type="NodePort", clusterIP="10.96.100.100", ports=[{"port": 80, "nodePort": 30080}]))
    c.delete("svc/a")
    c.apply(service("b", type="NodePort", clusterIP="10.96.100.100", ports=[{"port": 80, "nodePort": 30080}]))
    assert c.get("svc", "b")["spec"]["clusterIP"] == "10.96.100.100"


def test_allocated_values_are_unique_and_in_range():
    c = Cluster(seed=9)
    c.apply([service(f"s{i}", type="NodePort") for i in range(40)])
    svcs = [c.get("svc", f"s{i}") for i in range(40)]
    ips = [s["spec"]["clusterIP"] for s in svcs]
    ports = [s["spec"]["ports"][0]["nodePort"] for s in svcs]
    assert len(set(ips)) == 40 and len(set(ports)) == 40
    assert all(30000 <= p <= 32767 for p in ports)
    assert all(ipaddress.ip_address(ip) in ipaddress.ip_network("10.96.0.0/12") for ip in ips)


def test_dynamic_allocations_prefer_the_upper_band():
    # KEP-3070 (ClusterIP) and KEP-3668 (NodePort): the lower band of each range is kept for
    # values users ask for, so automatic ones come from above it -- min(max(16, size/16), 256)
    # addresses of 10.96.0.0/12 (10.96.0.0-10.96.0.255) and min(max(16, size/32), 128) ports of
    # 30000-32767 (2768/32 = 86: 30000-30085).
    c = Cluster(seed=9)
    c.apply([service(f"s{i}", type="NodePort") for i in range(40)])
    for i in range(40):
        spec = c.get("svc", f"s{i}")["spec"]
        assert ipaddress.ip_address(spec["clusterIP"]) not in ipaddress.ip_network("10.96.0.0/24")
        assert spec["ports"][0]["nodePort"] >= 30086


def test_one_node_port_may_serve_tcp_and_udp():
    """validation.go ValidateService: nodePorts must be unique per (nodePort, protocol), so one
    nodePort may carry the TCP and the UDP port of a DNS-like Service; the allocator takes it once."""
    from k8snet import Cluster
    c = Cluster(seed=8)
    c.apply({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "dns"},
             "spec": {"type": "NodePort", "selector": {"app": "dns"},
                      "ports": [{"name": "dns", "port": 53, "protocol": "UDP", "nodePort": 30053},
                                {"name": "dns-tcp", "port": 53, "protocol": "TCP", "nodePort": 30053}]}})
    assert [p["nodePort"] for p in c.get("svc", "dns")["spec"]["ports"]] == [30053, 30053]


@pytest.mark.parametrize("uid, name", [
    # cloud-provider's DefaultLoadBalancerName: 1 + 32 hex digits would be 33; cut to 32.
    ("3f2504e0-4f89-41d3-9a0c-0305e82c3301", "a3f2504e04f8941d39a0c0305e82c330"),
    ("00000000-0000-4000-8000-000000000000", "a0000000000004000800000000000000"),
])
def test_elb_name_is_cut_to_32_characters(uid, name):
    from k8snet.controllers.service import load_balancer_name
    assert load_balancer_name({"metadata": {"uid": uid}}) == name and len(name) == 32
