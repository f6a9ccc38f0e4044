"""Load balancers, Ingress and Gateways on IPv6 and dual-stack clusters: one address per family
of the Service where the implementation gives one (MetalLB, GKE, cloud-provider-azure), a hostname
on AWS, and the single-stack Services ingress-nginx and the Gateway implementation create.  Each
row names the upstream rule or document it follows."""
from __future__ import annotations

import ipaddress

import pytest

from k8snet import Cluster

V4, V6, DUAL, DUAL6 = ("IPv4",), ("IPv6",), ("IPv4", "IPv6"), ("IPv6", "IPv4")
L2 = {"apiVersion": "metallb.io/v1beta1", "kind": "L2Advertisement",
      "metadata": {"name": "l2", "namespace": "metallb-system"}}


def _pool(*addresses, name="lan"):
    return {"apiVersion": "metallb.io/v1beta1", "kind": "IPAddressPool",
            "metadata": {"name": name, "namespace": "metallb-system"}, "spec": {"addresses": list(addresses)}}


DUAL_POOL = _pool("192.168.1.240-192.168.1.250", "fc00:f853:ccd:e799::/124")
V4_POOL = _pool("192.168.1.240-192.168.1.250")


def _svc(name="web", annotations=None, **spec):
    return {"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": name, **({"annotations": annotations} if annotations else {})},
            "spec": {"type": "LoadBalancer", "selector": {"app": "web"}, "ports": [{"port": 80}], **spec}}


def _cluster(families, cloud=None, addons=(), objects=(), svcs=()):
    c = Cluster(nodes=3, ip_families=families, cloud=cloud, addons=addons)
    c.kubectl("create deployment web --image=nginx --replicas=2")
    for o in [*objects, *svcs]:
        c.apply(o)
    c.advance(30)
    return c


def _addresses(c, name="web"):
    lb = (c.store.peek("Service", "default", name).get("status") or {}).get("loadBalancer") or {}
    return [i.get("ip") or i.get("hostname") for i in lb.get("ingress") or []]


def _families(addresses):
    return [("IPv6" if ipaddress.ip_address(a).version == 6 else "IPv4") for a in addresses]


def _url(address):
    return f"http://[{address}]/" if ":" in address else f"http://{address}/"


METALLB = [
    # (id, cluster families, pools, service spec, annotations, want families of status.loadBalancer.ingress, rule)
    ("dual-prefer", DUAL, [DUAL_POOL], {"ipFamilyPolicy": "PreferDualStack"}, None, ["IPv4", "IPv6"],
     "metallb allocator selectIPsForFamilyAndPolicy: a dual-stack Service gets an IPv4 and an IPv6 address"),
    ("dual-require-v6-first", DUAL, [DUAL_POOL], {"ipFamilyPolicy": "RequireDualStack", "ipFamilies": ["IPv6", "IPv4"]},
     None, ["IPv4", "IPv6"],
     "metallb selectIPsForFamilyAndPolicy returns [ipv4, ipv6] whatever the order of spec.ipFamilies"),
    ("single-v6", DUAL, [DUAL_POOL], {"ipFamilies": ["IPv6"]}, None, ["IPv6"],
     "metallb findBestPoolForService: a single-stack Service gets an address of its own family"),
    ("single-default-v6-primary", DUAL6, [DUAL_POOL], {}, None, ["IPv6"],
     "ipfamily.ForService: the family of the Service's clusterIPs (IPv6-primary cluster: IPv6)"),
    ("ipv6-only", V6, [DUAL_POOL], {}, None, ["IPv6"],
     "metallb getFreeIPsFromPool: the IPv6 CIDR of a pool serves an IPv6 Service"),
    ("prefer-one-family-pool", DUAL, [V4_POOL], {"ipFamilyPolicy": "PreferDualStack"}, None, ["IPv4"],
     "metallb findBestPoolForService: under PreferDualStack a pool of one family will do"),
    ("require-one-family-pool", DUAL, [V4_POOL], {"ipFamilyPolicy": "RequireDualStack"}, None, [],
     "metallb selectIPsForFamilyAndPolicy: RequireDualStack needs both families in one pool"),
    ("v6-service-v4-pool", DUAL, [V4_POOL], {"ipFamilies": ["IPv6"]}, None, [],
     "metallb findBestPoolForService: no pool of the Service's family, no address"),
    ("requested-pair", DUAL, [DUAL_POOL], {"ipFamilyPolicy": "RequireDualStack"},
     {"metallb.io/loadBalancerIPs": "192.168.1.245,fc00:f853:ccd:e799::5"}, ["IPv4", "IPv6"],
     "metallb getDesiredLbIPs: metallb.io/loadBalancerIPs takes one address per family"),
    ("requested-wrong-family", DUAL, [DUAL_POOL], {}, {"metallb.io/loadBalancerIPs": "fc00:f853:ccd:e799::5"}, [],
     "metallb allocateIPs: requested IPs must match the ipFamily of the service"),
]


@pytest.mark.parametrize("case", METALLB, ids=[r[0] for r in METALLB])
def test_metallb_one_address_per_family(case):
    _, families, pools, spec, ann, want, rule = case
    c = _cluster(families, addons=["metallb"], objects=[*pools, L2], svcs=[_svc(annotations=ann, **spec)])
    got = _addresses(c)
    assert _families(got) == want, rule
    for address in got:
        r = c.request(_url(address), from_internet=True)
        assert r.status == 200 and r.pod, (rule, address, r.error)
        assert any(h.component == "MetalLB" and ("NDP" if ":" in address else "ARP") in h.action for h in r.hops)


FAILURES = [
    # (id, pools, spec, annotations, event message after 'Failed to allocate IP for "default/web": ', rule)
    ("require-dual-no-dual-pool", [V4_POOL], {"ipFamilyPolicy": "RequireDualStack"}, None, "no available IPs",
     "metallb Allocate: 'no available IPs' when no pool suits the family"),
    ("requested-family-mismatch", [DUAL_POOL], {}, {"metallb.io/loadBalancerIPs": "fc00:f853:ccd:e799::5"},
     'requested loadBalancer IP(s) ["fc00:f853:ccd:e799::5"] does not match the ipFamily of the service',
     "metallb controller allocateIPs: serviceIPFamily != desiredLbIPFamily"),
    ("named-pool-missing-family", [V4_POOL], {"ipFamilyPolicy": "RequireDualStack"},
     {"metallb.io/address-pool": "lan"}, "no available IPs in pool lan for dual IPFamily",
     "metallb Allocation.selectIPsForFamilyAndPolicy, through AllocateFromPool"),
]


@pytest.mark.parametrize("case", FAILURES, ids=[r[0] for r in FAILURES])
def test_metallb_dual_stack_failures_are_events(case):
    _, pools, spec, ann, message, rule = case
    c = _cluster(DUAL, addons=["metallb"], objects=[*pools, L2], svcs=[_svc(annotations=ann, **spec)])
    assert _addresses(c) == []
    events = c.kubectl("get events --field-selector involvedObject.name=web,reason=AllocationFailed")
    assert f'Failed to allocate IP for "default/web": {message}' in events, rule


def test_metallb_prefer_dual_stack_gets_the_missing_family_later():
    """metallb convergeBalancer: a PreferDualStack Service holding one address gets the missing
    family from the same pool once the pool has one (AllocateFromPoolForAdditionalFamily); the
    first address stays."""
    c = _cluster(DUAL, addons=["metallb"], objects=[V4_POOL, L2], svcs=[_svc(ipFamilyPolicy="PreferDualStack")])
    first = _addresses(c)
    assert _families(first) == ["IPv4"]
    c.apply(DUAL_POOL)
    c.advance(1)
    got = _addresses(c)
    assert got[0] == first[0] and _families(got) == ["IPv4", "IPv6"]


def test_metallb_announces_every_family_from_one_node():
    """metallb layer2Controller.ShouldAnnounce hashes toAnnounce[0]: the node elected for the
    first address answers for both families."""
    c = _cluster(DUAL, addons=["metallb"], objects=[DUAL_POOL, L2], svcs=[_svc(ipFamilyPolicy="RequireDualStack")])
    v4, v6 = _addresses(c)
    nodes = {c.controllers.metallb.announcement(c.store.peek("Service", "default", "web"), ip).node for ip in (v4, v6)}
    assert len(nodes) == 1 and None not in nodes


CLOUDS = [
    # (id, cloud, families, spec, annotations, want: families | "hostname", rule)
    ("gcp-dual", "gcp", DUAL, {"ipFamilyPolicy": "PreferDualStack"}, None, ["IPv4", "IPv6"],
     "GKE dual-stack LoadBalancer Services: an IPv4 and an IPv6 forwarding rule"),
    ("gcp-dual-v6-first", "gcp", DUAL, {"ipFamilyPolicy": "RequireDualStack", "ipFamilies": ["IPv6", "IPv4"]}, None,
     ["IPv6", "IPv4"], "GKE: one frontend per spec.ipFamilies entry, in its order"),
    ("gcp-single-v4", "gcp", DUAL, {}, None, ["IPv4"],
     "initIPFamilyFields: no policy is SingleStack, so the load balancer has one IPv4 frontend"),
    ("gcp-internal-dual", "gcp", DUAL, {"ipFamilyPolicy": "PreferDualStack"},
     {"networking.gke.io/load-balancer-type": "Internal"}, ["IPv4", "IPv6"],
     "GKE internal passthrough NLB: dual-stack frontends from the subnet's ranges"),
    ("azure-dual", "azure", DUAL, {"ipFamilyPolicy": "PreferDualStack"}, None, ["IPv4", "IPv6"],
     "kubernetes-sigs/cloud-provider-azure#3404: a public IP per family of a dual-stack Service"),
    ("azure-ipv6-only", "azure", V6, {}, None, ["IPv6"],
     "cloud-provider-azure: an IPv6 Service gets an IPv6 frontend"),
    ("aws-dual-hostname", "aws", DUAL, {"ipFamilyPolicy": "PreferDualStack"}, None, "hostname",
     "cloud-provider-aws: an ELB is published as one hostname, IPv4 only"),
]


@pytest.mark.parametrize("case", CLOUDS, ids=[r[0] for r in CLOUDS])
def test_cloud_load_balancer_families(case):
    _, cloud, families, spec, ann, want, rule = case
    c = _cluster(families, cloud=cloud, svcs=[_svc(annotations=ann, **spec)])
    got = _addresses(c)
    if want == "hostname":
        assert len(got) == 1 and got[0].endswith(".elb.amazonaws.com"), rule
        return
    assert _families(got) == want, rule
    internal = bool(ann)
    for address in got:
        assert ipaddress.ip_address(address).is_private == internal, (rule, address)
        r = c.request(_url(address), from_pod=_pod(c))
        assert r.status == 200, (rule, address, r.error)
        if not internal:
            r = c.request(_url(address), from_internet=True)
            assert r.status == 200, (rule, address, r.error)


def _pod(c):
    return "default/" + sorted(p["metadata"]["name"] for p in c.store.items("Pod", "default"))[0]


def test_cloud_firewall_admits_ipv6_by_default_and_source_ranges_still_apply():
    """servicehelper GetLoadBalancerSourceRanges: no ranges means everyone (0.0.0.0/0, and ::/0
    for the IPv6 frontend); given ranges admit only those clients."""
    c = _cluster(DUAL, cloud="gcp", svcs=[_svc(ipFamilyPolicy="RequireDualStack")])
    v6 = _addresses(c)[1]
    assert c.request(_url(v6), from_internet=True).status == 200
    c.apply(_svc(ipFamilyPolicy="RequireDualStack", loadBalancerSourceRanges=["192.0.2.0/24"]))
    c.advance(1)
    r = c.request(_url(v6), from_internet=True)
    assert r.status is None and r.error == "connection timed out"


GATEWAY = [
    # (id, families, want family of the Gateway's address, rule)
    ("dual-v4-primary", DUAL, "IPv4",
     "Envoy Gateway creates the Gateway's Service with no ipFamilyPolicy: SingleStack in the primary family"),
    ("dual-v6-primary", DUAL6, "IPv6", "initIPFamilyFields: the primary family of an IPv6-primary cluster"),
    ("ipv6-only", V6, "IPv6", "an IPv6-only cluster: everything IPv6, the ingress-nginx manifest's IPv4 pin edited"),
]


@pytest.mark.parametrize("case", GATEWAY, ids=[r[0] for r in GATEWAY])
def test_gateway_address_follows_its_service(case):
    _, families, want, rule = case
    c = _cluster(families, addons=["metallb", "gateway", "ingress-nginx"], objects=[DUAL_POOL, L2])
    c.kubectl("expose deployment web --port=80")
    c.apply([
        {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway", "metadata": {"name": "gw"},
         "spec": {"gatewayClassName": "k8snet", "listeners": [{"name": "http", "port": 80, "protocol": "HTTP"}]}},
        {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": {"name": "r"},
         "spec": {"parentRefs": [{"name": "gw"}], "hostnames": ["gw.example.com"],
                  "rules": [{"backendRefs": [{"name": "web", "port": 80}]}]}}])
    c.advance(5)
    gw = c.store.peek("Gateway", "default", "gw")
    addrs = gw["status"]["addresses"]
    assert [a["type"] for a in addrs] == ["IPAddress"] and _families([a["value"] for a in addrs]) == [want], rule
    r = c.request("http://gw.example.com/", from_internet=True)
    assert r.status == 200 and r.pod, (rule, r.error)
