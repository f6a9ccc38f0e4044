"""LoadBalancer Services end to end: who provisions an address on each simulated cloud and on
bare metal (MetalLB), internal load balancers, loadBalancerClass, allocateLoadBalancerNodePorts
and loadBalancerSourceRanges as kube-proxy and the clouds enforce them.  Every row names the
upstream rule or document it follows."""
from __future__ import annotations

import ipaddress
import re

import pytest

from k8snet import Cluster, ValidationError

POOL = """
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: first-pool, namespace: metallb-system}
spec: {addresses: [192.168.1.240-192.168.1.241]}
"""
L2 = """
apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata: {name: l2, namespace: metallb-system}
"""


def _svc(name="web", annotations=None, **spec):
    return {"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": name, **({"annotations": annotations} if annotations else {})},
            "spec": {"type": "LoadBalancer", "selector": {"app": "web"}, "ports": [{"port": 80}], **spec}}


def _cluster(cloud=None, addons=(), objects=(), svc=None, replicas=2):
    c = Cluster(nodes=3, cloud=cloud, addons=addons)
    c.kubectl(f"create deployment web --image=nginx --replicas={replicas}")
    for o in objects:
        c.apply(o)
    if svc is not None:
        c.apply(svc)
    c.advance(30)
    return c


def _ingress(c, name="web"):
    return ((c.store.peek("Service", "default", name).get("status") or {}).get("loadBalancer") or {}).get("ingress") or []


def _in(cidr):
    return lambda addr: ipaddress.ip_address(addr) in ipaddress.ip_network(cidr)


def _public(addr):
    return not ipaddress.ip_address(addr).is_private


HOSTNAME_CLB = re.compile(r"^a[0-9a-f]{31}-\d+\.us-east-1\.elb\.amazonaws\.com$")
PROVISION = [
    # (id, cloud, addons, objects, service, want: None = pending | ("ip", predicate) | ("hostname", regex), rule)
    ("bare-metal-pending", None, (), (), _svc(), None,
     "Service docs: with no cloud controller nothing sets status.loadBalancer (EXTERNAL-IP <pending>)"),
    ("aws-classic-elb", "aws", (), (), _svc(), ("hostname", HOSTNAME_CLB),
     "cloud-provider-aws: a Classic ELB named GetLoadBalancerName, '<name>-<n>.<region>.elb.amazonaws.com'"),
    ("aws-internal-elb", "aws", (), (), _svc(annotations={"service.beta.kubernetes.io/aws-load-balancer-internal": "true"}),
     ("hostname", re.compile(r"^internal-a[0-9a-f]{31}-\d+\.us-east-1\.elb\.amazonaws\.com$")),
     "cloud-provider-aws ServiceAnnotationLoadBalancerInternal; ELB docs: internal-name-123456789.region.elb.amazonaws.com"),
    ("aws-internal-false-is-public", "aws", (), (),
     _svc(annotations={"service.beta.kubernetes.io/aws-load-balancer-internal": "false"}), ("hostname", HOSTNAME_CLB),
     "cloud-provider-aws: the value \"false\" keeps the ELB internet-facing"),
    ("aws-in-tree-nlb", "aws", (), (), _svc(annotations={"service.beta.kubernetes.io/aws-load-balancer-type": "nlb"}),
     ("hostname", re.compile(r"^a[0-9a-f]{31}-[0-9a-f]{16}\.elb\.us-east-1\.amazonaws\.com$")),
     "cloud-provider-aws: aws-load-balancer-type nlb gives an NLB ('<name>-<16 hex>.elb.<region>.amazonaws.com')"),
    ("aws-external-left-to-lbc", "aws", (), (), _svc(annotations={"service.beta.kubernetes.io/aws-load-balancer-type": "external"}),
     None, "cloud-provider-aws: aws-load-balancer-type external is ImplementedElsewhere (the AWS Load Balancer Controller)"),
    ("aws-lbc-nlb", "aws", ("aws-load-balancer-controller",), (), _svc(),
     ("hostname", re.compile(r"^k8s-default-web-[0-9a-f]{10}-[0-9a-f]{16}\.elb\.us-east-1\.amazonaws\.com$")),
     "aws-load-balancer-controller: service mutator webhook sets service.k8s.aws/nlb; buildLoadBalancerName k8s-%.8s-%.8s-%.10s"),
    ("gcp-external", "gcp", (), (), _svc(), ("ip", _public), "cloud-provider-gcp: an external passthrough NLB, a public IP"),
    ("gcp-internal", "gcp", (), (), _svc(annotations={"networking.gke.io/load-balancer-type": "Internal"}),
     ("ip", _in("10.128.0.0/20")), "GKE: networking.gke.io/load-balancer-type Internal → an IP of the node subnet"),
    ("gcp-internal-legacy-key", "gcp", (), (), _svc(annotations={"cloud.google.com/load-balancer-type": "Internal"}),
     ("ip", _in("10.128.0.0/20")), "GKE: the older cloud.google.com/load-balancer-type key still works"),
    ("azure-external", "azure", (), (), _svc(), ("ip", _public), "cloud-provider-azure: a public frontend IP"),
    ("azure-internal", "azure", (), (), _svc(annotations={"service.beta.kubernetes.io/azure-load-balancer-internal": "true"}),
     ("ip", _in("10.224.0.0/16")), "cloud-provider-azure ServiceAnnotationLoadBalancerInternal → an IP of the AKS subnet"),
    ("class-ignored-by-cloud", "gcp", (), (), _svc(loadBalancerClass="example.com/my-lb"), None,
     "k8s.io/cloud-provider controllers/service wantsLoadBalancer: LoadBalancerClass set → not the cloud's"),
    ("metallb-no-pool-pending", None, ("metallb",), (), _svc(), None,
     "metallb controller/service.go convergeBalancer: pools are empty → nothing assigned"),
    ("metallb-first-address", None, ("metallb",), (POOL, L2), _svc(), ("ip", lambda a: a == "192.168.1.240"),
     "metallb allocator: the first free address of the pool (ranges are summarised into CIDRs)"),
    ("metallb-requested-ip", None, ("metallb",), (POOL, L2), _svc(annotations={"metallb.io/loadBalancerIPs": "192.168.1.241"}),
     ("ip", lambda a: a == "192.168.1.241"), "metallb getDesiredLbIPs: annotation metallb.io/loadBalancerIPs"),
    ("metallb-ignores-a-class", None, ("metallb",), (POOL, L2), _svc(loadBalancerClass="example.com/other"), None,
     "metallb service_controller.go filterByLoadBalancerClass: no --lb-class → only Services without a class"),
]


@pytest.mark.parametrize("cloud,addons,objects,svc,want,rule", [r[1:] for r in PROVISION], ids=[r[0] for r in PROVISION])
def test_who_provisions_what(cloud, addons, objects, svc, want, rule):
    c = _cluster(cloud, addons, objects, svc)
    ingress = _ingress(c)
    if want is None:
        assert ingress == [], rule
        assert "<pending>" in c.kubectl("get svc web"), rule
        return
    field, check = want
    assert len(ingress) == 1 and field in ingress[0], (rule, ingress)
    value = ingress[0][field]
    assert (check.match(value) if hasattr(check, "match") else check(value)), (rule, value)
    assert value in c.kubectl("get svc web"), rule


def test_lbc_webhook_runs_on_create_only():
    """aws-load-balancer-controller service_mutator.go: MutateCreate sets the class; the webhook is
    registered for verbs=create, so a Service that *becomes* a LoadBalancer keeps no class and the
    in-tree controller provisions a Classic ELB for it."""
    c = _cluster("aws", ("aws-load-balancer-controller",))
    c.apply(_svc("later", type="ClusterIP"))
    c.apply(_svc("later", type="LoadBalancer"))
    c.apply(_svc("fresh"))
    c.advance(5)
    assert c.store.peek("Service", "default", "fresh")["spec"]["loadBalancerClass"] == "service.k8s.aws/nlb"
    assert "loadBalancerClass" not in c.store.peek("Service", "default", "later")["spec"]
    assert HOSTNAME_CLB.match(_ingress(c, "later")[0]["hostname"])
    assert "Successfully reconciled" in c.kubectl("describe svc fresh")


# -- reachability -----------------------------------------------------------------------
GCP_RANGED = _svc(loadBalancerSourceRanges=["198.51.100.0/24"])
REACH = [
    # (id, cloud, addons, objects, service, client, want (status or error), component that decided, rule)
    ("gcp-public-from-internet", "gcp", (), (), _svc(), "internet", 200, "container",
     "cloud-provider-gcp: passthrough LB keeps the destination; kube-proxy's KUBE-EXT takes it"),
    ("gcp-internal-from-internet", "gcp", (), (), _svc(annotations={"networking.gke.io/load-balancer-type": "Internal"}),
     "internet", "connection timed out", "internet", "GKE internal passthrough NLB: a private address"),
    ("gcp-internal-from-pod", "gcp", (), (), _svc(annotations={"networking.gke.io/load-balancer-type": "Internal"}),
     "pod", 200, "container", "kube-proxy captures the LB IP on the client's node (KUBE-SERVICES loadbalancer IP)"),
    ("azure-internal-from-internet", "azure", (), (),
     _svc(annotations={"service.beta.kubernetes.io/azure-load-balancer-internal": "true"}), "internet",
     "connection timed out", "internet", "cloud-provider-azure internal LB: a private frontend IP"),
    ("aws-internal-from-internet", "aws", (), (),
     _svc(annotations={"service.beta.kubernetes.io/aws-load-balancer-internal": "true"}), "internet",
     "connection timed out", "internet", "ELB docs: an internal ELB's DNS name resolves to private addresses"),
    ("aws-lbc-default-internal", "aws", ("aws-load-balancer-controller",), (), _svc(), "internet",
     "connection timed out", "internet", "LBC NLB docs: 'Since the v2.2.0 release, the LBC provisions an internal NLB by default'"),
    ("aws-lbc-internet-facing", "aws", ("aws-load-balancer-controller",), (),
     _svc(annotations={"service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing"}), "internet", 200,
     "container", "LBC annotation aws-load-balancer-scheme: internet-facing"),
    ("aws-lbc-ip-targets", "aws", ("aws-load-balancer-controller",), (),
     _svc(annotations={"service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
                       "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip"},
          allocateLoadBalancerNodePorts=False), "internet", 200, "container",
     "LBC nlb-target-type ip: the NLB sends to pod IPs, so no NodePort is needed"),
    ("gcp-source-range-blocks-internet", "gcp", (), (), GCP_RANGED, "internet", "connection timed out",
     "cloud load balancer", "servicehelper GetLoadBalancerSourceRanges → the cloud's firewall rule"),
    ("gcp-source-range-annotation", "gcp", (), (),
     _svc(annotations={"service.beta.kubernetes.io/load-balancer-source-ranges": "198.51.100.0/24"}), "internet",
     "connection timed out", "cloud load balancer", "GetLoadBalancerSourceRanges: the annotation when the field is empty"),
    ("gcp-source-range-blocks-pod", "gcp", (), (), GCP_RANGED, "pod", "connection timed out", "kube-proxy",
     "pkg/proxy/iptables: KUBE-FW chain, then KUBE-PROXY-FIREWALL DROP for other sources"),
    ("gcp-source-range-admits-internet", "gcp", (), (), _svc(loadBalancerSourceRanges=["203.0.113.0/24"]), "internet",
     200, "container", "KUBE-FW: -s <range> -j KUBE-EXT"),
    ("gcp-no-nodeports-still-works", "gcp", (), (), _svc(allocateLoadBalancerNodePorts=False), "internet", 200,
     "container", "Service docs: allocateLoadBalancerNodePorts false for LBs that route to pods directly (VIP kept)"),
    ("aws-elb-needs-nodeports", "aws", (), (), _svc(allocateLoadBalancerNodePorts=False), "internet",
     "connection timed out", "cloud load balancer", "cloud-provider-aws: the ELB's listeners forward to NodePorts"),
    ("metallb-l2", None, ("metallb",), (POOL, L2), _svc(), "internet", 200, "container",
     "metallb layer2: the elected speaker's node answers ARP; kube-proxy takes the LB IP"),
    ("metallb-no-advertisement", None, ("metallb",), (POOL,), _svc(), "internet", "connection timed out", "MetalLB",
     "metallb ShouldAnnounce: no L2Advertisement for the pool → assigned but not announced"),
    ("metallb-no-endpoints", None, ("metallb",), (POOL, L2), _svc(selector={"app": "nothing"}), "internet",
     "connection timed out", "MetalLB", "metallb ShouldAnnounce: activeEndpointExists"),
    ("metallb-range-kube-proxy", None, ("metallb",), (POOL, L2), GCP_RANGED, "internet", "connection timed out",
     "kube-proxy", "bare metal: only kube-proxy's KUBE-FW/KUBE-PROXY-FIREWALL enforces the ranges"),
    ("metallb-annotation-not-enforced", None, ("metallb",), (POOL, L2),
     _svc(annotations={"service.beta.kubernetes.io/load-balancer-source-ranges": "198.51.100.0/24"}), "internet", 200,
     "container", "pkg/proxy/serviceport.go newBaseServiceInfo reads only spec.LoadBalancerSourceRanges"),
]


def _client_kw(c, client):
    if client == "internet":
        return {"from_internet": True}
    pod = sorted(p["metadata"]["name"] for p in c.store.items("Pod", "default"))[0]
    return {"from_pod": "default/" + pod}


@pytest.mark.parametrize("cloud,addons,objects,svc,client,want,component,rule", [r[1:] for r in REACH],
                         ids=[r[0] for r in REACH])
def test_reaching_a_load_balancer(cloud, addons, objects, svc, client, want, component, rule):
    c = _cluster(cloud, addons, objects, svc)
    ing = _ingress(c)
    assert ing, rule
    addr = ing[0].get("ip") or ing[0].get("hostname")
    r = c.request(f"http://{addr}/", **_client_kw(c, client))
    got = r.status if isinstance(want, int) else r.error
    assert got == want, (rule, [(h.component, h.action) for h in r.hops])
    last = r.hops[-1]
    assert last.component == component, (rule, last)


# -- the rules kube-proxy writes for a MetalLB address ----------------------------------------
RULES = [
    # (id, proxy mode, service, lines that must be there, lines that must not, upstream rule)
    ("iptables-fw-chain", "iptables", GCP_RANGED,
     ['-A KUBE-FW-LOLE4ISW44XBNF3G -s 198.51.100.0/24 -m comment --comment "default/web loadbalancer IP" '
      '-j KUBE-EXT-LOLE4ISW44XBNF3G',
      '-A KUBE-FW-LOLE4ISW44XBNF3G -m comment --comment "other traffic to default/web will be dropped by '
      'KUBE-PROXY-FIREWALL"',
      '-A KUBE-PROXY-FIREWALL -d 192.168.1.240/32 -p tcp -m comment --comment "default/web traffic not accepted by '
      'KUBE-FW-LOLE4ISW44XBNF3G" -m tcp --dport 80 -j DROP'], [],
     "pkg/proxy/iptables/proxier_test.go TestOverallIPTablesRules (svc5: LoadBalancerSourceRanges)"),
    ("iptables-annotation-no-fw", "iptables",
     _svc(annotations={"service.beta.kubernetes.io/load-balancer-source-ranges": "198.51.100.0/24"}),
     ['-A KUBE-SERVICES -d 192.168.1.240/32 -p tcp -m comment --comment "default/web loadbalancer IP" -m tcp '
      '--dport 80 -j KUBE-EXT-LOLE4ISW44XBNF3G'], ["KUBE-FW-"],
     "pkg/proxy/serviceport.go: the annotation is the cloud provider's, kube-proxy ignores it"),
    ("nftables-firewall-set", "nftables", GCP_RANGED,
     ["ip saddr != 198.51.100.0/24 drop", "192.168.1.240 . tcp . 80 : goto firewall-"], [],
     "pkg/proxy/nftables/proxier.go: firewall-ips map and the per-service firewall chain"),
    ("ipvs-source-ranges", "ipvs", GCP_RANGED,
     ["-A KUBE-SOURCE-RANGES-FIREWALL -j DROP"], [],
     "pkg/proxy/ipvs/proxier.go: KUBE-LOAD-BALANCER-FW and KUBE-SOURCE-RANGES-FIREWALL"),
]


def _rules(c, mode):
    if mode == "iptables":
        return c.iptables_save("node-2", table="nat") + c.iptables_save("node-2", table="filter")
    if mode == "nftables":
        return c.nft("node-2")
    return c.iptables_save("node-2", table="filter") + c.iptables_save("node-2", table="nat")


@pytest.mark.parametrize("mode,svc,present,absent,rule", [r[1:] for r in RULES], ids=[r[0] for r in RULES])
def test_source_range_rules(mode, svc, present, absent, rule):
    c = Cluster(nodes=3, proxy_mode=mode, addons=("metallb",))
    c.kubectl("create deployment web --image=nginx --replicas=2")
    c.apply(POOL)
    c.apply(L2)
    c.apply(svc)
    c.advance(30)
    text = _rules(c, mode)
    for line in present:
        assert line in text, (rule, line)
    for word in absent:
        assert word not in text, (rule, word)


def test_mixed_protocols_on_one_load_balancer():
    """KEP-1435 MixedProtocolLBService (GA in v1.26): TCP and UDP ports on one LoadBalancer;
    each port gets its own nodePort and kube-proxy rules for its protocol."""
    c = _cluster(None, ("metallb",), (POOL, L2), _svc("dns", ports=[
        {"name": "dns-udp", "port": 53, "protocol": "UDP", "targetPort": 5353},
        {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": 5353},
        {"name": "http", "port": 80, "protocol": "TCP"}]))
    row = c.kubectl("get svc dns").splitlines()[1]
    assert re.search(r"192\.168\.1\.240\s+53:3\d{4}/UDP,53:3\d{4}/TCP,80:3\d{4}/TCP", row), row
    nat = c.iptables_save("node-2", table="nat")
    assert '-A KUBE-SERVICES -d 192.168.1.240/32 -p udp -m comment --comment "default/dns:dns-udp loadbalancer IP" ' \
           '-m udp --dport 53 -j KUBE-EXT-' in nat
    assert '-d 192.168.1.240/32 -p tcp -m comment --comment "default/dns:dns-tcp loadbalancer IP" -m tcp --dport 53' in nat


# -- MetalLB: events, exhaustion, webhooks, kubectl --------------------------------------------
def test_metallb_events_and_exhaustion():
    """metallb controller/service.go: IPAllocated 'Assigned IP %q'; AllocationFailed 'Failed to allocate
    IP for %q: no available IPs'; annotation metallb.io/ip-allocated-from-pool; speaker nodeAssigned."""
    c = _cluster(None, ("metallb",), (POOL, L2))
    for name in ("a", "b", "c"):
        c.apply(_svc(name))
    c.advance(5)
    assert [(_ingress(c, n) or [{}])[0].get("ip") for n in "abc"] == ["192.168.1.240", "192.168.1.241", None]
    a, third = c.kubectl("describe svc a"), c.kubectl("describe svc c")
    assert 'IPAllocated   ' in a and 'Assigned IP ["192.168.1.240"]' in a
    assert re.search(r'nodeAssigned\s+\S+\s+metallb-speaker\s+announcing from node "node-\d" with protocol "layer2"', a)
    assert "metallb.io/ip-allocated-from-pool: first-pool" in a
    assert 'Warning  AllocationFailed' in third and 'Failed to allocate IP for "default/c": no available IPs' in third
    c.kubectl("delete svc a")
    c.advance(5)
    assert _ingress(c, "c")[0]["ip"] == "192.168.1.240"  # the freed address goes to the waiting Service


WEBHOOK = [
    ("pool-outside-namespace", POOL.replace("namespace: metallb-system", "namespace: default"),
     'admission webhook "ipaddresspoolvalidationwebhook.metallb.io" denied the request: resource must be created in '
     "metallb-system namespace", "webhookv1beta1 validateIPAddressPoolCreate: MetalLBNamespace"),
    ("pool-bad-range", POOL.replace("192.168.1.240-192.168.1.241", "192.168.1.250-192.168.1.240"),
     'admission webhook "ipaddresspoolvalidationwebhook.metallb.io" denied the request: parsing address pool '
     'first-pool: invalid CIDR "192.168.1.250-192.168.1.240" in pool "first-pool": invalid IP range '
     '"192.168.1.250-192.168.1.240": start IP "192.168.1.250" is after the end IP "192.168.1.240"',
     "internal/config ParseCIDR + addressPoolFromCR"),
    ("pool-bad-cidr", POOL.replace("192.168.1.240-192.168.1.241", "192.168.1.0/33"),
     'denied the request: parsing address pool first-pool: invalid CIDR "192.168.1.0/33" in pool "first-pool": '
     'invalid CIDR "192.168.1.0/33"', "internal/config ParseCIDR: net.ParseCIDR fails"),
]


@pytest.mark.parametrize("manifest,want,rule", [r[1:] for r in WEBHOOK], ids=[r[0] for r in WEBHOOK])
def test_metallb_webhooks(manifest, want, rule):
    c = Cluster(nodes=2, addons=("metallb",))
    with pytest.raises(ValidationError) as info:
        c.apply(manifest)
    assert want in str(info.value), rule
    assert not list(c.store.items("IPAddressPool")), "a denied object is not stored"


def test_metallb_kinds_need_the_addon_and_print_like_kubectl():
    """apiextensions: kinds are served only once their CRDs exist; additionalPrinterColumns
    (Auto Assign, Avoid Buggy IPs, Addresses) and no Age column."""
    bare = Cluster(nodes=2)
    with pytest.raises(Exception) as info:
        bare.apply(POOL)
    assert 'no matches for kind "IPAddressPool" in version "metallb.io/v1beta1"' in str(info.value)
    c = _cluster(None, ("metallb",), (POOL, L2))
    assert c.kubectl("get ipaddresspools -n metallb-system").splitlines() == [
        "NAME         AUTO ASSIGN   AVOID BUGGY IPS   ADDRESSES",
        'first-pool   true          false             ["192.168.1.240-192.168.1.241"]']
    assert "ipaddresspools.metallb.io" in c.kubectl("get crd")


# -- validation through the API server -----------------------------------------------------------
VALIDATION = [
    ("class-on-clusterip", None, _svc(type="ClusterIP", loadBalancerClass="example.com/lb"),
     "spec.loadBalancerClass: Forbidden: may only be used when service type is 'LoadBalancer'",
     "validation.go validateLoadBalancerClassField: !isTypeLoadBalancer"),
    ("class-not-qualified", None, _svc(loadBalancerClass="-bad-"),
     'spec.loadBalancerClass: Invalid value: "-bad-": name part must consist of alphanumeric characters',
     "validateLoadBalancerClass: ValidateQualifiedName"),
    ("class-immutable", _svc(loadBalancerClass="example.com/a"), _svc(loadBalancerClass="example.com/b"),
     'spec.loadBalancerClass: Invalid value: "example.com/b": may not change once set',
     "validateLoadBalancerClassField: old and new both LoadBalancer"),
    ("class-may-not-be-removed", _svc(loadBalancerClass="example.com/a"), _svc(loadBalancerClass=None),
     'spec.loadBalancerClass: Invalid value: "null": may not change once set',
     "validateLoadBalancerClassField: a nil *string prints as null"),
    ("alloc-nodeports-on-nodeport", None, _svc(type="NodePort", allocateLoadBalancerNodePorts=False),
     "spec.allocateLoadBalancerNodePorts: Forbidden: may only be used when `type` is 'LoadBalancer'",
     "ValidateService: AllocateLoadBalancerNodePorts only for LoadBalancer"),
]


@pytest.mark.parametrize("first,then,want,rule", [r[1:] for r in VALIDATION], ids=[r[0] for r in VALIDATION])
def test_load_balancer_validation(first, then, want, rule):
    c = Cluster(nodes=2, cloud="gcp")
    if first is not None:
        c.apply(first)
    before = c.store.peek("Service", "default", "web")
    if then["spec"].get("loadBalancerClass", "") is None:
        del then["spec"]["loadBalancerClass"]
    with pytest.raises(ValidationError) as info:
        c.apply(then)
    assert want in str(info.value), (rule, str(info.value))
    assert c.store.peek("Service", "default", "web") == before, "a refused change changes nothing"


def test_type_change_drops_class_and_nodeports_stay_unallocated():
    """storage.go dropTypeDependentFields: leaving LoadBalancer drops an unchanged loadBalancerClass;
    allocateLoadBalancerNodePorts false: no nodePort is allocated (alloc.go needsNodePort)."""
    c = Cluster(nodes=2)
    c.apply(_svc(loadBalancerClass="example.com/a", allocateLoadBalancerNodePorts=False))
    assert "nodePort" not in c.store.peek("Service", "default", "web")["spec"]["ports"][0]
    c.apply(_svc(type="ClusterIP", loadBalancerClass="example.com/a", allocateLoadBalancerNodePorts=False))
    spec = c.store.peek("Service", "default", "web")["spec"]
    assert "loadBalancerClass" not in spec and "allocateLoadBalancerNodePorts" not in spec


@pytest.mark.parametrize("mode", ["iptables", "nftables", "ipvs"])
def test_pod_outside_source_ranges_is_dropped_by_kube_proxy(mode):
    """A pod dialling a LoadBalancer IP never leaves its node: kube-proxy's firewall (iptables KUBE-FW +
    KUBE-PROXY-FIREWALL, nftables firewall-check, ipvs KUBE-SOURCE-RANGES-FIREWALL) drops a source outside
    spec.loadBalancerSourceRanges, so the client times out."""
    c = Cluster(nodes=3, cloud="gcp", proxy_mode=mode)
    c.kubectl("create deployment web --image=nginx --replicas=2")
    c.apply(GCP_RANGED)
    c.advance(30)
    r = c.request(f"http://{_ingress(c)[0]['ip']}/", **_client_kw(c, "pod"))
    assert r.error == "connection timed out" and r.hops[-1].component == "kube-proxy", r.hops
    assert "loadBalancerSourceRanges" in r.hops[-1].action


def _alb_cluster(scheme=None, target=None, svc_type="NodePort"):
    c = Cluster(nodes=3, cloud="aws", addons=("aws-load-balancer-controller",))
    c.kubectl("create deployment web --image=nginx --replicas=2")
    c.apply(_svc(type=svc_type))
    ann = {k: v for k, v in (("alb.ingress.kubernetes.io/scheme", scheme),
                             ("alb.ingress.kubernetes.io/target-type", target)) if v}
    c.apply({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
             "metadata": {"name": "web", **({"annotations": ann} if ann else {})},
             "spec": {"ingressClassName": "alb", "rules": [{"host": "shop.example.com", "http": {"paths": [
                 {"path": "/", "pathType": "Prefix",
                  "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}]}})
    c.advance(30)
    return c


ALB = [
    # (id, scheme, target type, backend Service type, want status/error, last hop component, rule)
    ("internal-by-default", None, None, "NodePort", "connection timed out", "internet",
     "LBC ingress annotations: alb.ingress.kubernetes.io/scheme defaults to internal"),
    ("internet-facing-instance", "internet-facing", None, "NodePort", 200, "container",
     "LBC: target-type instance (default) sends to the backend Service's NodePort"),
    ("instance-needs-nodeport", "internet-facing", None, "ClusterIP", "connection timed out", "ALB",
     "LBC endpointResolver.resolveModeInstance: the service must be of type NodePort or LoadBalancer"),
    ("ip-targets", "internet-facing", "ip", "ClusterIP", 200, "container",
     "LBC: target-type ip sends to the pods directly"),
]


@pytest.mark.parametrize("scheme,target,svc_type,want,component,rule", [r[1:] for r in ALB], ids=[r[0] for r in ALB])
def test_ingress_class_alb_gets_an_application_load_balancer(scheme, target, svc_type, want, component, rule):
    c = _alb_cluster(scheme, target, svc_type)
    point = c.store.peek("Ingress", "default", "web")["status"]["loadBalancer"]["ingress"][0]["hostname"]
    prefix = "internal-" if scheme is None else ""
    assert re.match(rf"^{prefix}k8s-default-web-[0-9a-f]{{10}}-\d+\.us-east-1\.elb\.amazonaws\.com$", point), point
    assert point in c.kubectl("get ingress web")
    r = c.request("http://shop.example.com/", from_internet=True)
    got = r.status if isinstance(want, int) else r.error
    assert got == want and r.hops[-1].component == component, (rule, [(h.component, h.action) for h in r.hops])
