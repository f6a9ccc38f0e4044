"""Table-driven rows for the cell functions; each row names the printers.go function."""
from __future__ import annotations

import pytest

from k8snet.kubectl import cells as c

from .fixtures import NOW, pod, service


def _lb(*ingress, ext=None, type_="LoadBalancer"):
    s = service("s", type_)
    s["status"] = {"loadBalancer": {"ingress": list(ingress)}}
    if ext:
        s["spec"]["externalIPs"] = ext
    return s


EXTERNAL_IP = [
    ("clusterip-none", service(), "<none>"),                                          # getServiceExternalIP
    ("clusterip-externalIPs", service(externalIPs=["1.2.3.4", "5.6.7.8"]), "1.2.3.4,5.6.7.8"),
    ("lb-pending", _lb(), "<pending>"),
    ("lb-ip", _lb({"ip": "203.0.113.10"}), "203.0.113.10"),
    ("lb-hostname", _lb({"hostname": "a1b2.elb.amazonaws.com"}), "a1b2.elb.amazonaws.com"),
    ("lb-sorted-dedup", _lb({"ip": "9.9.9.9"}, {"ip": "1.1.1.1"}, {"ip": "9.9.9.9"}), "1.1.1.1,9.9.9.9"),
    ("lb-plus-externalIPs", _lb({"ip": "9.9.9.9"}, ext=["1.2.3.4"]), "9.9.9.9,1.2.3.4"),
    ("externalname", service("x", "ExternalName", externalName="db.example.com"), "db.example.com"),
]


@pytest.mark.parametrize("svc,want", [r[1:] for r in EXTERNAL_IP], ids=[r[0] for r in EXTERNAL_IP])
def test_get_service_external_ip(svc, want):
    assert c.get_service_external_ip(svc) == want


def test_load_balancer_status_stringer_clips_only_when_not_wide():
    # printers.go loadBalancerStatusStringer: 16 bytes, "..." (the server always sends wide).
    status = {"ingress": [{"hostname": "a1b2c3d4e5f6.elb.amazonaws.com"}]}
    assert c.load_balancer_status_stringer(status, wide=False) == "a1b2c3d4e5f6...."  # r[0:13] + "..."
    assert c.load_balancer_status_stringer(status, wide=True) == "a1b2c3d4e5f6.elb.amazonaws.com"


PORTS = [  # makePortString
    ("clusterip", [{"port": 80, "protocol": "TCP"}], "80/TCP"),
    ("nodeport", [{"port": 80, "protocol": "TCP", "nodePort": 30080}], "80:30080/TCP"),
    ("several", [{"port": 53, "protocol": "UDP"}, {"port": 53, "protocol": "TCP"}], "53/UDP,53/TCP"),
    ("none", [], ""),
]


@pytest.mark.parametrize("ports,want", [r[1:] for r in PORTS], ids=[r[0] for r in PORTS])
def test_make_port_string(ports, want):
    assert c.make_port_string(ports) == want


def _endpoints(n, ports=({"name": "http", "port": 80},)):
    return {"subsets": [{"addresses": [{"ip": f"10.0.0.{i}"} for i in range(1, n + 1)], "ports": list(ports)}]}


ENDPOINTS = [  # formatEndpoints
    ("no-subsets", {}, None, "<none>"),
    ("one", _endpoints(1), None, "10.0.0.1:80"),
    ("three", _endpoints(3), None, "10.0.0.1:80,10.0.0.2:80,10.0.0.3:80"),
    ("five-truncated", _endpoints(5), None, "10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 2 more..."),
    ("two-ports", _endpoints(2, ({"name": "a", "port": 1}, {"name": "b", "port": 2})), None,
     "10.0.0.1:1,10.0.0.2:1,10.0.0.1:2 + 1 more..."),
    ("port-filter", _endpoints(2, ({"name": "a", "port": 1}, {"name": "b", "port": 2})), {"b"}, "10.0.0.1:2,10.0.0.2:2"),
    ("headless-no-ports", _endpoints(2, ()), None, "10.0.0.1,10.0.0.2"),
    ("ipv6", {"subsets": [{"addresses": [{"ip": "fd00::1"}], "ports": [{"port": 80}]}]}, None, "[fd00::1]:80"),
]


@pytest.mark.parametrize("ep,ports,want", [r[1:] for r in ENDPOINTS], ids=[r[0] for r in ENDPOINTS])
def test_format_endpoints(ep, ports, want):
    assert c.format_endpoints(ep, ports) == want


DISCOVERY = [  # formatDiscoveryPorts / formatDiscoveryEndpoints / listWithMoreString
    ("ports-unset", c.format_discovery_ports, [], "<unset>"),
    ("ports-number", c.format_discovery_ports, [{"port": 80}, {"port": 443}], "80,443"),
    ("ports-name-or-star", c.format_discovery_ports, [{"name": "http"}, {}], "http,*"),
    ("ports-more", c.format_discovery_ports, [{"port": p} for p in (1, 2, 3, 4, 5)], "1,2,3 + 2 more..."),
    ("endpoints-unset", c.format_discovery_endpoints, [], "<unset>"),
    ("endpoints-more", c.format_discovery_endpoints,
     [{"addresses": [f"10.0.0.{i}"]} for i in range(1, 5)], "10.0.0.1,10.0.0.2,10.0.0.3 + 1 more..."),
]


@pytest.mark.parametrize("fn,arg,want", [r[1:] for r in DISCOVERY], ids=[r[0] for r in DISCOVERY])
def test_discovery_cells(fn, arg, want):
    assert fn(arg) == want


HOSTS = [  # formatHosts, formatPorts
    ("no-rules", [], "*"),
    ("no-host", [{"http": {}}], "*"),
    ("two", [{"host": "a.com"}, {"host": "b.com"}], "a.com,b.com"),
    ("more", [{"host": f"h{i}.com"} for i in range(5)], "h0.com,h1.com,h2.com + 2 more..."),
]


@pytest.mark.parametrize("rules,want", [r[1:] for r in HOSTS], ids=[r[0] for r in HOSTS])
def test_format_hosts(rules, want):
    assert c.format_hosts(rules) == want


def test_format_ports():
    assert (c.format_ports([]), c.format_ports([{"hosts": ["a"]}])) == ("80", "80, 443")


POD = [  # printPod: (pod, READY, STATUS, RESTARTS)
    ("running", pod("p"), "1/1", "Running", "0"),
    ("crashloop", pod("p", ready=False, waiting="CrashLoopBackOff", restarts=3, last_finished=NOW - 125),
     "0/1", "CrashLoopBackOff", "3 (2m5s ago)"),
    ("restarts-without-last-state", pod("p", restarts=2), "1/1", "Running", "2"),
    ("container-creating", pod("p", ready=False, waiting="ContainerCreating", ip=""), "0/1", "ContainerCreating", "0"),
    ("terminating", pod("p", deleting=True), "1/1", "Terminating", "0"),
    ("pending-no-status", {"metadata": {"name": "p"}, "spec": {"containers": [{"name": "a"}, {"name": "b"}]},
                           "status": {"phase": "Pending"}}, "0/2", "Pending", "0"),
    ("evicted", {"metadata": {"name": "p"}, "spec": {"containers": [{"name": "a"}]},
                 "status": {"phase": "Failed", "reason": "Evicted"}}, "0/1", "Evicted", "0"),
    ("completed", {"metadata": {"name": "p"}, "spec": {"containers": [{"name": "a"}]},
                   "status": {"phase": "Succeeded", "containerStatuses": [
                       {"name": "a", "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}]}},
     "0/1", "Completed", "0"),
    ("exit-code", {"metadata": {"name": "p"}, "spec": {"containers": [{"name": "a"}]},
                   "status": {"phase": "Failed", "containerStatuses": [
                       {"name": "a", "state": {"terminated": {"exitCode": 137}}}]}}, "0/1", "ExitCode:137", "0"),
    ("init-waiting", {"metadata": {"name": "p"}, "spec": {"initContainers": [{"name": "i"}], "containers": [{"name": "a"}]},
                      "status": {"phase": "Pending", "initContainerStatuses": [
                          {"name": "i", "state": {"running": {}}}]}}, "0/1", "Init:0/1", "0"),
]


@pytest.mark.parametrize("p,ready,status,restarts", [r[1:] for r in POD], ids=[r[0] for r in POD])
def test_print_pod_cells(p, ready, status, restarts):
    cells = c.pod_row_cells(p, NOW)
    assert (cells["Ready"], cells["Status"], cells["Restarts"]) == (ready, status, restarts)


def test_find_node_roles_and_label_selector():
    node = {"metadata": {"labels": {"node-role.kubernetes.io/control-plane": "", "kubernetes.io/role": "edge",
                                    "node-role.kubernetes.io/": ""}}}
    assert c.find_node_roles(node) == ["control-plane", "edge"]                       # findNodeRoles
    sel = {"matchLabels": {"b": "2"}, "matchExpressions": [{"key": "a", "operator": "NotIn", "values": ["y", "x"]},
                                                           {"key": "c", "operator": "DoesNotExist"}]}
    assert c.format_label_selector(sel) == "a notin (x,y),b=2,!c"                      # FormatLabelSelector
    assert c.format_label_selector({}) == "<none>"
    assert c.format_labels({"b": "2", "a": "1"}) == "a=1,b=2"                          # labels.FormatLabels
