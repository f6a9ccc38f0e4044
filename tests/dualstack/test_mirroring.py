"""The EndpointSlice mirroring controller and diagnose() on dual-stack and IPv6 clusters.

Rows name upstream: pkg/controller/endpointslicemirroring ``reconciler.go`` (``reconcile``,
``reconcileByPortMapping``, ``maxEndpointsPerSubset``), ``reconciler_helpers.go`` (``initPorts``,
``addAddress``: one key per address type and port set, ``recycleSlices``), ``utils.go``
(``addressToEndpoint``, ``newEndpointSlice``, ``skipMirror``), and the course's own diagnose
rules (docs/API.md)."""
from __future__ import annotations

import pytest

from k8snet import Cluster

DUAL = ("IPv4", "IPv6")


def _cluster(families=DUAL):
    c = Cluster(nodes=3, ip_families=families)
    c.kubectl("create deployment web --image=nginx --replicas=2")
    c.advance(10)
    return c


def _service(name="ext", **spec):
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name},
            "spec": {"ports": [{"port": 80}], "ipFamilyPolicy": "PreferDualStack", **spec}}


def _endpoints(subsets, name="ext", labels=None, annotations=None):
    meta = {"name": name}
    if labels:
        meta["labels"] = labels
    if annotations:
        meta["annotations"] = annotations
    return {"apiVersion": "v1", "kind": "Endpoints", "metadata": meta, "subsets": subsets}


def _slices(c, name="ext"):
    return sorted((s for s in c.store.items("EndpointSlice", "default")
                   if (s["metadata"].get("labels") or {}).get("kubernetes.io/service-name") == name),
                  key=lambda s: (s["addressType"], [p["port"] for p in s.get("ports") or []]))


def _summary(c, name="ext"):
    return [(s["addressType"], [p["port"] for p in s["ports"]],
             [(e["addresses"][0], e["conditions"]) for e in s["endpoints"]]) for s in _slices(c, name)]


R, N = {"ready": True}, {"ready": False}
MIRROR = [
    # (id, subsets, want [(addressType, ports, [(address, conditions)])], rule)
    ("ipv6-address-into-ipv6-slice",
     [{"addresses": [{"ip": "192.0.2.10"}, {"ip": "2001:db8::10"}], "ports": [{"port": 8080}]}],
     [("IPv4", [8080], [("192.0.2.10", R)]), ("IPv6", [8080], [("2001:db8::10", R)])],
     "reconciler_helpers.go initPorts/addAddress: a key per address type; addressToEndpoint's type from the IP"),
    ("ipv6-only",
     [{"addresses": [{"ip": "2001:db8::10"}], "notReadyAddresses": [{"ip": "2001:db8::11"}], "ports": [{"port": 80}]}],
     [("IPv6", [80], [("2001:db8::10", R), ("2001:db8::11", N)])],
     "reconciler.go reconcile: notReadyAddresses mirror with ready=false; only the ready condition is set"),
    ("canonical-form",
     [{"addresses": [{"ip": "2001:DB8:0:0::0A"}], "ports": [{"port": 80}]}],
     [("IPv6", [80], [("2001:db8::a", R)])],
     "utils.go addressToEndpoint: 'We parse and restringify the Endpoints IP'"),
    ("subsets-with-other-ports",
     [{"addresses": [{"ip": "192.0.2.10"}], "ports": [{"port": 80}]},
      {"addresses": [{"ip": "2001:db8::10"}, {"ip": "192.0.2.11"}], "ports": [{"port": 81}]}],
     [("IPv4", [80], [("192.0.2.10", R)]), ("IPv4", [81], [("192.0.2.11", R)]), ("IPv6", [81], [("2001:db8::10", R)])],
     "utils.go addrTypePortMapKey: one slice per address type and port set"),
    ("same-ports-merge",
     [{"addresses": [{"ip": "2001:db8::10"}], "ports": [{"port": 80}]},
      {"addresses": [{"ip": "2001:db8::11"}], "ports": [{"port": 80}]}],
     [("IPv6", [80], [("2001:db8::10", R), ("2001:db8::11", R)])],
     "reconciler_helpers.go initPorts: subsets with the same ports share a key"),
]


@pytest.mark.parametrize("case", MIRROR, ids=[r[0] for r in MIRROR])
def test_mirroring_by_address_type(case):
    _, subsets, want, rule = case
    c = _cluster()
    c.apply([_service(), _endpoints(subsets)])
    assert _summary(c) == want, rule
    for s in _slices(c):
        assert s["metadata"]["labels"]["endpointslice.kubernetes.io/managed-by"] == \
            "endpointslicemirroring-controller.k8s.io"
        assert s["metadata"]["ownerReferences"][0]["kind"] == "Endpoints"


def test_mirrored_slices_copy_labels_and_annotations():
    """utils.go newEndpointSlice: every label of the Endpoints (service-name and managed-by
    overwritten) and every annotation but last-change-trigger-time and last-applied-configuration."""
    c = _cluster()
    c.apply([_service(), _endpoints([{"addresses": [{"ip": "2001:db8::10"}], "ports": [{"port": 80}]}],
                                    labels={"team": "a"},
                                    annotations={"example.com/owner": "ops",
                                                 "endpoints.kubernetes.io/last-change-trigger-time": "x"})])
    (s,) = _slices(c)
    assert s["metadata"]["labels"]["team"] == "a"
    assert s["metadata"].get("annotations") == {"example.com/owner": "ops"}


def test_mirroring_follows_changes_and_does_not_churn():
    """reconcileByPortMapping: the first slice of a key is kept while its endpoints match (no
    write: resourceVersion stays); when the IPv4 address goes its slice goes, when it comes back a
    new one is made; recycleSlices reuses a deleted slice's name for a create of its type."""
    c = _cluster()
    both = [{"addresses": [{"ip": "192.0.2.10"}, {"ip": "2001:db8::10"}], "ports": [{"port": 80}]}]
    c.apply([_service(), _endpoints(both)])
    before = {s["metadata"]["name"]: s["metadata"]["resourceVersion"] for s in _slices(c)}
    c.apply(_endpoints(both, labels=None))  # unchanged
    c.kubectl("annotate svc ext example.com/x=y")
    c.advance(5)
    assert {s["metadata"]["name"]: s["metadata"]["resourceVersion"] for s in _slices(c)} == before
    c.apply(_endpoints([{"addresses": [{"ip": "2001:db8::10"}, {"ip": "2001:db8::11"}], "ports": [{"port": 80}]}]))
    assert [t for t, _, _ in _summary(c)] == ["IPv6"]
    (v6,) = _slices(c)
    assert v6["metadata"]["name"] in before and v6["metadata"]["resourceVersion"] != before[v6["metadata"]["name"]]


SKIP = [
    ("skip-mirror label", {"endpointslice.kubernetes.io/skip-mirror": "true"}, None,
     "utils.go skipMirror: the label endpointslice.kubernetes.io/skip-mirror=true"),
    ("leader election record", None, {"control-plane.alpha.kubernetes.io/leader": "{}"},
     "utils.go hasLeaderElection: Endpoints used as a lock are not mirrored"),
]


@pytest.mark.parametrize("case", SKIP, ids=[r[0] for r in SKIP])
def test_not_mirrored(case):
    _, labels, annotations, rule = case
    c = _cluster()
    c.apply([_service(), _endpoints([{"addresses": [{"ip": "2001:db8::10"}], "ports": [{"port": 80}]}],
                                    labels=labels, annotations=annotations)])
    assert _slices(c) == [], rule


def test_too_many_addresses_event():
    """reconciler.go: at most maxEndpointsPerSubset (1000) addresses of a subset are mirrored; the
    Endpoints gets a TooManyAddressesToMirror warning."""
    c = _cluster()
    addresses = [{"ip": f"2001:db8::{i:x}"} for i in range(1, 1003)]
    c.apply([_service(), _endpoints([{"addresses": addresses, "ports": [{"port": 80}]}])])
    assert sum(len(s["endpoints"]) for s in _slices(c)) == 1000
    events = c.kubectl("get events --field-selector reason=TooManyAddressesToMirror")
    assert "A max of 1000 addresses can be mirrored to EndpointSlices per Endpoints subset. 2 addresses were skipped" \
        in events


@pytest.mark.parametrize("families", [DUAL, ("IPv6", "IPv4"), ("IPv6",)], ids=["dual", "dual-v6-primary", "ipv6"])
def test_mirrored_ipv6_endpoints_carry_traffic(families):
    """kube-proxy reads the mirrored IPv6 slice: the Service's IPv6 ClusterIP reaches the pods
    written by hand into its Endpoints (Services docs 'Services without selectors')."""
    c = _cluster(families)
    pods = sorted(c.store.items("Pod", "default"), key=lambda p: p["metadata"]["name"])
    v6 = [next(i["ip"] for i in p["status"]["podIPs"] if ":" in i["ip"]) for p in pods]
    c.apply([_service(), _endpoints([{"addresses": [{"ip": ip} for ip in v6], "ports": [{"port": 80}]}])])
    svc = c.store.peek("Service", "default", "ext")
    ip6 = next(ip for ip in svc["spec"]["clusterIPs"] if ":" in ip)
    r = c.request(f"http://[{ip6}]/", from_pod="default/" + pods[0]["metadata"]["name"])
    assert r.status == 200 and r.pod in {"default/" + p["metadata"]["name"] for p in pods}, r.error


def test_diagnose_names_the_family_without_endpoints():
    """diagnose: a dual-stack selectorless Service whose Endpoints list only IPv4 addresses
    refuses on its IPv6 ClusterIP; the finding names that family and address."""
    c = _cluster()
    c.apply([_service(), _endpoints([{"addresses": [{"ip": "192.0.2.10"}], "ports": [{"port": 80}]}])])
    ip6 = c.store.peek("Service", "default", "ext")["spec"]["clusterIPs"][1]
    r = c.request(f"http://[{ip6}]/", from_pod="default/" + sorted(
        p["metadata"]["name"] for p in c.store.items("Pod", "default"))[0])
    assert r.error == "connection refused"
    whats = [f.what for f in c.diagnose(r)]
    assert any(f"lists no IPv6 endpoint: its IPv6 ClusterIP {ip6} refuses connections" in w for w in whats), whats


@pytest.mark.parametrize("families", [DUAL, ("IPv6", "IPv4"), ("IPv6",)], ids=["dual", "dual-v6-primary", "ipv6"])
def test_diagnose_wrong_port_on_every_cluster_ip(families):
    """diagnose: a request to a port the Service lacks is found on either family's ClusterIP
    (spec.clusterIPs, not only spec.clusterIP)."""
    c = _cluster(families)
    c.apply(_service("web", selector={"app": "web"}))
    pod = "default/" + sorted(p["metadata"]["name"] for p in c.store.items("Pod", "default"))[0]
    for ip in c.store.peek("Service", "default", "web")["spec"]["clusterIPs"]:
        r = c.request(f"http://[{ip}]:81/" if ":" in ip else f"http://{ip}:81/", from_pod=pod)
        assert "service/web has no port 81 (its ports: 80)" in [f.what for f in c.diagnose(r)], ip
