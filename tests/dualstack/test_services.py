"""Service IP families on IPv4, IPv6 and dual-stack clusters, as the v1.37 registry fills them in
(pkg/registry/core/service/storage/alloc.go ``initIPFamilyFields``, ``allocClusterIPs``,
``updateClusterIPs``) and refuses them (worded as the API server words them)."""
from __future__ import annotations

import ipaddress

import pytest

from k8snet import Cluster, ValidationError

V4, V6, DUAL, DUAL6 = ("IPv4",), ("IPv6",), ("IPv4", "IPv6"), ("IPv6", "IPv4")


def _svc(name="web", **spec):
    body = {"selector": {"app": name}, "ports": [{"port": 80}], **spec}
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name}, "spec": body}


def _family(ip):
    return "IPv6" if ipaddress.ip_address(ip).version == 6 else "IPv4"


CREATED = [
    # (upstream rule, cluster families, spec, policy, families)
    ("initIPFamilyFields: no policy on create is SingleStack, the default family", V4, {},
     "SingleStack", ["IPv4"]),
    ("initIPFamilyFields: the default family is --service-cluster-ip-range[0] (IPv6-only)", V6, {},
     "SingleStack", ["IPv6"]),
    ("initIPFamilyFields: dual-stack cluster, no policy: SingleStack in the primary family", DUAL, {},
     "SingleStack", ["IPv4"]),
    ("initIPFamilyFields: IPv6-primary dual-stack cluster defaults to IPv6", DUAL6, {},
     "SingleStack", ["IPv6"]),
    ("initIPFamilyFields: PreferDualStack on a dual-stack cluster appends the other family", DUAL,
     {"ipFamilyPolicy": "PreferDualStack"}, "PreferDualStack", ["IPv4", "IPv6"]),
    ("initIPFamilyFields: PreferDualStack on a single-stack cluster stays single", V4,
     {"ipFamilyPolicy": "PreferDualStack"}, "PreferDualStack", ["IPv4"]),
    ("initIPFamilyFields: RequireDualStack gets both families", DUAL,
     {"ipFamilyPolicy": "RequireDualStack"}, "RequireDualStack", ["IPv4", "IPv6"]),
    ("initIPFamilyFields: ipFamilies[0] chooses the primary family of the Service", DUAL,
     {"ipFamilyPolicy": "PreferDualStack", "ipFamilies": ["IPv6"]}, "PreferDualStack", ["IPv6", "IPv4"]),
    ("initIPFamilyFields: SingleStack in the secondary family", DUAL,
     {"ipFamilies": ["IPv6"]}, "SingleStack", ["IPv6"]),
    ("initIPFamilyFields: ipFamilies inferred from the clusterIPs asked for", DUAL,
     {"ipFamilyPolicy": "RequireDualStack", "clusterIPs": ["fd00:10:96::100", "10.96.1.1"]},
     "RequireDualStack", ["IPv6", "IPv4"]),
    ("initIPFamilyFields: headless + selectorless defaults to RequireDualStack, both families", V4,
     {"clusterIP": "None", "selector": None}, "RequireDualStack", ["IPv4", "IPv6"]),
    ("initIPFamilyFields: headless with a selector follows the headful rules", DUAL,
     {"clusterIP": "None", "ipFamilyPolicy": "PreferDualStack"}, "PreferDualStack", ["IPv4", "IPv6"]),
]


@pytest.mark.parametrize("rule,families,spec,policy,want", CREATED, ids=[r[0] for r in CREATED])
def test_ip_family_fields_on_create(rule, families, spec, policy, want):
    c = Cluster(nodes=2, ip_families=families)
    obj = _svc(**spec)
    if obj["spec"].get("selector") is None:
        obj["spec"].pop("selector")
    c.apply(obj)
    got = c.get("svc", "web")["spec"]
    assert (got["ipFamilyPolicy"], got["ipFamilies"]) == (policy, want)
    if got.get("clusterIP") != "None":
        # allocClusterIPs: one address per family, in ipFamilies order, clusterIP = clusterIPs[0]
        assert [_family(ip) for ip in got["clusterIPs"]] == want
        assert got["clusterIP"] == got["clusterIPs"][0]
        for ip in got["clusterIPs"]:
            net = "fd00:10:96::/112" if _family(ip) == "IPv6" else "10.96.0.0/12"
            assert ipaddress.ip_address(ip) in ipaddress.ip_network(net)


REFUSED = [
    ("initIPFamilyFields: RequireDualStack on a single-stack cluster", V4, {"ipFamilyPolicy": "RequireDualStack"},
     'The Service "web" is invalid: spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not '
     'configured for dual-stack services'),
    ("initIPFamilyFields: a family the cluster does not have (IPv6 on IPv4)", V4, {"ipFamilies": ["IPv6"]},
     'The Service "web" is invalid: spec.ipFamilies[0]: Invalid value: "IPv6": not configured on this cluster'),
    ("initIPFamilyFields: a family the cluster does not have (IPv4 on IPv6)", V6, {"ipFamilies": ["IPv4"]},
     'The Service "web" is invalid: spec.ipFamilies[0]: Invalid value: "IPv4": not configured on this cluster'),
    ("initIPFamilyFields: a clusterIP of a family the cluster does not have", V4, {"clusterIP": "fd00:10:96::10"},
     'The Service "web" is invalid: spec.clusterIPs[0]: Invalid value: ["fd00:10:96::10"]: IPv6 is not '
     'configured on this cluster'),
    ("initIPFamilyFields: SingleStack with two families", DUAL,
     {"ipFamilyPolicy": "SingleStack", "ipFamilies": ["IPv4", "IPv6"]},
     'The Service "web" is invalid: spec.ipFamilyPolicy: Invalid value: "SingleStack": must be '
     "'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified"),
    ("ValidateServiceClusterIPsRelatedFields: two IPs of one family", DUAL,
     {"ipFamilyPolicy": "RequireDualStack", "clusterIPs": ["10.96.1.1", "10.96.1.2"]},
     'The Service "web" is invalid: spec.clusterIPs: Invalid value: ["10.96.1.1","10.96.1.2"]: '
     'may specify no more than one IP for each IP family'),
    ("ValidateServiceClusterIPsRelatedFields: the same family twice", DUAL,
     {"ipFamilyPolicy": "RequireDualStack", "ipFamilies": ["IPv4", "IPv4"]},
     'The Service "web" is invalid: spec.ipFamilies[1]: Duplicate value: "IPv4"'),
    ("allocIPs: the IPv6 clusterIP must be inside the IPv6 Service CIDR", DUAL,
     {"ipFamilyPolicy": "RequireDualStack", "clusterIPs": ["10.96.1.1", "fd00:10:97::1"]},
     'The Service "web" is invalid: spec.clusterIPs: Invalid value: ["10.96.1.1","fd00:10:97::1"]: failed to '
     'allocate IP fd00:10:97::1: the provided IP (fd00:10:97::1) is not in the valid range. The range of valid IPs '
     'is fd00:10:96::/112'),
]


@pytest.mark.parametrize("rule,families,spec,message", REFUSED, ids=[r[0] for r in REFUSED])
def test_ip_family_fields_refused(rule, families, spec, message):
    c = Cluster(nodes=2, ip_families=families)
    before = c.kubectl("get svc -A")
    with pytest.raises(ValidationError) as e:
        c.apply(_svc(**spec))
    assert str(e.value).splitlines()[0] == message
    assert c.kubectl("get svc -A") == before  # nothing half-made


UPDATES = [
    # (rule, first spec, update spec, want policy, want families, or an error message)
    ("updateClusterIPs CASE C: SingleStack -> PreferDualStack allocates the secondary IP",
     {}, {"ipFamilyPolicy": "PreferDualStack"}, "PreferDualStack", ["IPv4", "IPv6"], None),
    ("updateClusterIPs CASE D: back to SingleStack releases the secondary IP",
     {"ipFamilyPolicy": "PreferDualStack"}, {"ipFamilyPolicy": "SingleStack"}, "SingleStack", ["IPv4"], None),
    ("initIPFamilyFields: reducing families needs SingleStack",
     {"ipFamilyPolicy": "RequireDualStack"}, {"ipFamilyPolicy": "RequireDualStack", "ipFamilies": ["IPv4"]},
     None, None, 'The Service "web" is invalid: spec.ipFamilyPolicy: Invalid value: "RequireDualStack": must be '
                 "'SingleStack' to release the secondary IP family"),
    ("initIPFamilyFields pre-validation: swapped families no longer match the kept clusterIPs",
     {"ipFamilyPolicy": "PreferDualStack"}, {"ipFamilyPolicy": "PreferDualStack", "ipFamilies": ["IPv6", "IPv4"]},
     None, None, "spec.clusterIPs[0]: Invalid value: \"{0}\": expected an IPv6 value as indicated by `ipFamilies[0]`"),
]


@pytest.mark.parametrize("rule,first,update,policy,want,message", UPDATES, ids=[r[0] for r in UPDATES])
def test_upgrade_and_downgrade(rule, first, update, policy, want, message):
    c = Cluster(nodes=2, ip_families=DUAL)
    c.apply(_svc(**first))
    before = c.get("svc", "web")["spec"]
    if message:
        with pytest.raises(ValidationError) as e:
            c.apply(_svc(**update))
        text = str(e.value)
        assert message.format(*before["clusterIPs"]) in text.splitlines()[0] + "\n" + text
        assert c.get("svc", "web")["spec"] == before
        return
    c.apply(_svc(**update))
    got = c.get("svc", "web")["spec"]
    assert (got["ipFamilyPolicy"], got["ipFamilies"]) == (policy, want)
    assert got["clusterIPs"][0] == before["clusterIPs"][0]  # ClusterIPs[0] is immutable
    assert [_family(ip) for ip in got["clusterIPs"]] == want
    released = set(before["clusterIPs"]) - set(got["clusterIPs"])
    for ip in released:  # the released address can be asked for again
        c.apply(_svc("other", clusterIP=ip, ipFamilies=[_family(ip)]))
        assert c.get("svc", "other")["spec"]["clusterIP"] == ip


def test_system_services_stay_single_stack_in_the_primary_family():
    """The API server's kubernetes Service and kubeadm's kube-dns (manifests.go: clusterIP only)."""
    for families, api_ip, dns_ip in ((DUAL, "10.96.0.1", "10.96.0.10"), (V6, "fd00:10:96::1", "fd00:10:96::a"),
                                     (DUAL6, "fd00:10:96::1", "fd00:10:96::a")):
        c = Cluster(nodes=1, ip_families=families)
        api, dns = c.get("svc", "kubernetes")["spec"], c.get("svc", "kube-dns", "kube-system")["spec"]
        assert (api["clusterIPs"], api["ipFamilyPolicy"]) == ([api_ip], "SingleStack")
        assert (dns["clusterIPs"], dns["ipFamilyPolicy"]) == ([dns_ip], "SingleStack")
