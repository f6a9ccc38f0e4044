"""The Service create path as the v1.37 registry runs it: BeginCreate allocates (alloc.go:
IP families, ClusterIPs, NodePorts) before the strategy validates, so allocation errors come
alone; the IP-family fields are checked against this IPv4 single-stack cluster; ports that
share a port number share a nodePort; bad values print as apimachinery prints them (JSON for
lists).  Every row names the upstream rule."""
from __future__ import annotations

import pytest

from k8snet import Cluster
from k8snet.errors import K8sNetError

from .objects import service


def _svc(name="web", annotations=None, **spec):
    obj = service(name, **spec)
    if annotations:
        obj["metadata"]["annotations"] = annotations
    return obj


def _ports(*ports):
    return [dict(p) for p in ports]


REFUSED = [
    # -- alloc.go initIPFamilyFields: ValidateServiceClusterIPsRelatedFields before any allocation
    ("malformed-clusterip", _svc(clusterIP="10.96.0.300", ports=[{"port": 0}]),
     'The Service "web" is invalid: spec.clusterIPs[0]: Invalid value: "10.96.0.300": must be a valid IP address, '
     "(e.g. 10.9.8.7 or 2001:db8::ffff)",
     "initIPFamilyFields -> ValidateServiceClusterIPsRelatedFields: reported alone (port 0 not yet validated)"),
    ("clusterips-not-matching", _svc(clusterIP="10.96.0.51", clusterIPs=["10.96.0.52"]),
     'The Service "web" is invalid: spec.clusterIPs: Invalid value: ["10.96.0.52"]: first value must match '
     "`clusterIP`", "ValidateServiceClusterIPsRelatedFields: ClusterIPs[0] must match ClusterIP"),
    ("two-ipv4-clusterips", _svc(clusterIP="10.96.0.61", clusterIPs=["10.96.0.61", "10.96.0.62"],
                                 ipFamilyPolicy="PreferDualStack"),
     'The Service "web" is invalid: spec.clusterIPs: Invalid value: ["10.96.0.61","10.96.0.62"]: may specify no '
     "more than one IP for each IP family", "ValidateServiceClusterIPsRelatedFields: IsDualStackIPStrings"),
    ("require-dual-stack", _svc(ipFamilyPolicy="RequireDualStack"),
     'The Service "web" is invalid: spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not '
     "configured for dual-stack services", "initIPFamilyFields: demanding dual-stack on a single-stack cluster"),
    ("ipv6-family", _svc(ipFamilies=["IPv6"]),
     'The Service "web" is invalid: spec.ipFamilies[0]: Invalid value: "IPv6": not configured on this cluster',
     "initIPFamilyFields: a requested family must be configured"),
    ("ipv6-clusterip", _svc(clusterIP="fd00::10"),
     'The Service "web" is invalid: spec.clusterIPs[0]: Invalid value: ["fd00::10"]: IPv6 is not configured on '
     "this cluster", "initIPFamilyFields: inferring the family of a user-provided IP"),
    ("two-clusterips-single-stack", _svc(clusterIP="10.96.0.60", clusterIPs=["10.96.0.60", "fd00::1"]),
     'The Service "web" is invalid: \n'
     "* spec.ipFamilyPolicy: Invalid value: \"SingleStack\": must be 'RequireDualStack' or 'PreferDualStack' when "
     "multiple cluster IPs are specified\n"
     '* spec.clusterIPs[1]: Invalid value: ["10.96.0.60","fd00::1"]: IPv6 is not configured on this cluster',
     "initIPFamilyFields: SingleStack (the default) with two clusterIPs, then the family inference"),
    ("family-value", _svc(ipFamilies=["IPv5"]),
     'The Service "web" is invalid: spec.ipFamilies[0]: Unsupported value: "IPv5": supported values: "IPv4", "IPv6"',
     "ValidateServiceClusterIPsRelatedFields: supportedServiceIPFamily"),
    # -- alloc.go initNodePorts, before validation
    ("nodeport-taken-reported-alone", _svc("Bad_Name", type="NodePort",
                                           ports=[{"port": 80, "nodePort": 30080, "protocol": "XYZ"}]),
     'The Service "Bad_Name" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already '
     "allocated", "BeginCreate allocates before the strategy validates: the name and protocol errors wait"),
    ("nodeport-out-of-range", _svc(type="NodePort", ports=[{"port": 80, "nodePort": 80}]),
     'The Service "web" is invalid: spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid '
     "range. The range of valid ports is 30000-32767", "portallocator ErrNotInRange"),
    ("same-nodeport-other-port-number", _svc(type="NodePort", ports=_ports(
        {"name": "a", "port": 81, "nodePort": 30081}, {"name": "b", "port": 82, "nodePort": 30081})),
     'The Service "web" is invalid: spec.ports[1].nodePort: Invalid value: 30081: provided port is already '
     "allocated", "initNodePorts: only ports with the same port number share a nodePort"),
    # -- alloc.go allocHealthCheckNodePort: its failure is an internal error
    ("negative-health-check-nodeport", _svc(type="LoadBalancer", externalTrafficPolicy="Local",
                                            healthCheckNodePort=-1),
     "Internal error occurred: failed to allocate requested HealthCheck NodePort -1: provided port is not in the "
     "valid range. The range of valid ports is 30000-32767", "txnAllocNodePorts -> errors.NewInternalError"),
    # -- ValidateService, after allocation
    ("health-check-nodeport-without-local", _svc(type="LoadBalancer", healthCheckNodePort=30500),
     'The Service "web" is invalid: spec.healthCheckNodePort: Invalid value: 30500: may only be set when `type` is '
     "'LoadBalancer' and `externalTrafficPolicy` is 'Local'", "validateServiceExternalTrafficPolicy"),
    ("source-ranges-annotation-bad", _svc(type="LoadBalancer", annotations={
        "service.beta.kubernetes.io/load-balancer-source-ranges": "10.0.0.0/8, 10.0.0.0/33"}),
     'The Service "web" is invalid: metadata.annotations[service.beta.kubernetes.io/load-balancer-source-ranges]: '
     'Invalid value: "10.0.0.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
     "ValidateService: the annotation when spec.loadBalancerSourceRanges is empty, split on commas"),
    ("source-ranges-annotation-not-lb", _svc(annotations={
        "service.beta.kubernetes.io/load-balancer-source-ranges": "10.0.0.0/8"}),
     'The Service "web" is invalid: metadata.annotations[service.beta.kubernetes.io/load-balancer-source-ranges]: '
     "Forbidden: may only be used when `type` is 'LoadBalancer'", "ValidateService: source ranges need a LoadBalancer"),
    ("topology-annotations-disagree", _svc(annotations={"service.kubernetes.io/topology-mode": "Auto",
                                                        "service.kubernetes.io/topology-aware-hints": "Disabled"}),
     'The Service "web" is invalid: metadata.annotations[service.kubernetes.io/topology-mode]: Invalid value: '
     '"Auto": must match annotations[service.kubernetes.io/topology-aware-hints] when both are specified',
     "ValidateService: topology-mode and the deprecated topology-aware-hints must agree"),
    ("traffic-distribution-value", _svc(trafficDistribution="Nearest"),
     'The Service "web" is invalid: spec.trafficDistribution: Unsupported value: "Nearest": supported values: '
     '"PreferClose", "PreferSameZone", "PreferSameNode"',
     "validateServiceTrafficDistribution (PreferSameTrafficDistribution GA)"),
    ("duplicate-port-json", _svc(ports=_ports({"name": "a", "port": 80}, {"name": "b", "port": 80})),
     'The Service "web" is invalid: spec.ports[1]: Duplicate value: {"Name":"","Protocol":"TCP","AppProtocol":null,'
     '"Port":80,"TargetPort":0,"NodePort":0}',
     "ValidateService duplicate (protocol, port); field.Error renders the internal struct as JSON (#132314)"),
]


@pytest.fixture()
def cluster():
    c = Cluster(1, seed=0)
    c.apply(_svc("first", type="NodePort", ports=[{"port": 80, "nodePort": 30080}]))
    return c


def _state(c):
    return (sorted(c.api.ips.used), sorted(c.api.node_ports.used), [s["metadata"]["name"] for s in c.list("svc")],
            c.api.ips.rng.getstate())


@pytest.mark.parametrize("obj,want,rule", [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED])
def test_refused_in_the_api_servers_words(cluster, obj, want, rule):
    before = _state(cluster)
    with pytest.raises(K8sNetError) as info:
        cluster.apply(obj)
    assert str(info.value) == want, rule
    assert _state(cluster) == before, "a refused Service gives back what the allocators took"


def test_health_check_failure_is_a_500_in_kubectl(cluster, tmp_path):
    """alloc.go: the health-check nodePort failure is errors.NewInternalError; kubectl prints
    the 500 as ``Error from server (InternalError): error when creating "<file>": ...``."""
    import json
    path = tmp_path / "lb.json"
    path.write_text(json.dumps(_svc(type="LoadBalancer", externalTrafficPolicy="Local", healthCheckNodePort=99)))
    assert cluster.kubectl(f"apply -f {path}") == (
        f'Error from server (InternalError): error when creating "{path}": Internal error occurred: failed to '
        "allocate requested HealthCheck NodePort 99: provided port is not in the valid range. The range of valid "
        "ports is 30000-32767\n")


ACCEPTED = [
    ("tcp-udp-share-nodeport", _svc(type="NodePort", ports=_ports(
        {"name": "dns", "port": 53, "protocol": "UDP"}, {"name": "dns-tcp", "port": 53, "protocol": "TCP"})),
     lambda s: s["ports"][0]["nodePort"] == s["ports"][1]["nodePort"],
     "initNodePorts: one nodePort per port number (svcPortToNodePort)"),
    ("tcp-udp-asked-nodeport", _svc(type="NodePort", ports=_ports(
        {"name": "dns", "port": 53, "protocol": "UDP", "nodePort": 30053},
        {"name": "dns-tcp", "port": 53, "protocol": "TCP"})),
     lambda s: [p["nodePort"] for p in s["ports"]] == [30053, 30053],
     "initNodePorts: findRequestedNodePort gives the asked-for port to every port of that number"),
    ("headless-selectorless-families", {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "hs"},
                                        "spec": {"clusterIP": "None", "ports": [{"port": 80}]}},
     lambda s: (s["ipFamilyPolicy"], s["ipFamilies"]) == ("RequireDualStack", ["IPv4", "IPv6"]),
     "initIPFamilyFields: headless and selectorless defaults to RequireDualStack with both families"),
    ("prefer-dual-stack-single", _svc(ipFamilyPolicy="PreferDualStack"),
     lambda s: (s["ipFamilyPolicy"], s["ipFamilies"]) == ("PreferDualStack", ["IPv4"]),
     "initIPFamilyFields: PreferDualStack on a single-stack cluster keeps one family"),
    ("affinity-config-dropped", _svc(sessionAffinityConfig={"clientIP": {"timeoutSeconds": 10}}),
     lambda s: "sessionAffinityConfig" not in s and s["sessionAffinity"] == "None",
     "SetDefaults_Service: sessionAffinity None drops sessionAffinityConfig"),
    ("prefer-same-node", _svc(trafficDistribution="PreferSameNode"),
     lambda s: s["trafficDistribution"] == "PreferSameNode", "validateServiceTrafficDistribution"),
]


@pytest.mark.parametrize("obj,check,rule", [r[1:] for r in ACCEPTED], ids=[r[0] for r in ACCEPTED])
def test_accepted_as_the_registry_stores_it(cluster, obj, check, rule):
    cluster.apply(obj)
    assert check(cluster.get("svc", obj["metadata"]["name"])["spec"]), rule


def test_shared_nodeport_released_once_on_delete(cluster):
    """A nodePort shared by TCP and UDP is one allocation: deleting the Service frees it."""
    cluster.apply(_svc("dns", type="NodePort", ports=_ports(
        {"name": "u", "port": 53, "protocol": "UDP", "nodePort": 30053}, {"name": "t", "port": 53, "protocol": "TCP"})))
    cluster.delete("svc/dns")
    cluster.apply(_svc("again", type="NodePort", ports=[{"port": 53, "nodePort": 30053}]))
    assert cluster.get("svc", "again")["spec"]["ports"][0]["nodePort"] == 30053
