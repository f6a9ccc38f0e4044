"""kubectl's columns on a dual-stack cluster, as kubectl v1.37 prints them: each row names the
printer (pkg/printers/internalversion/printers.go, kubectl describe.go) and what it prints."""
from __future__ import annotations

import re

import pytest

from k8snet import Cluster

from ..cluster.objects import deployment, service


@pytest.fixture(scope="module")
def cluster():
    c = Cluster(nodes=3, ip_families=("IPv4", "IPv6"), seed=17)
    c.apply([deployment("web", replicas=2, image="nginx"), service("web", ipFamilyPolicy="PreferDualStack"),
             service("six", selector={"app": "web"}, ipFamilies=["IPv6"])])
    return c


def _row(text: str, name: str) -> list[str]:
    return next(line.split() for line in text.splitlines() if line.split() and line.split()[0].startswith(name))


ROWS = [
    # (rule, command, check(cluster, output) -> bool)
    ("printService: CLUSTER-IP is ClusterIPs[0] (the IPv4 one of a PreferDualStack Service)", "get svc",
     lambda c, out: _row(out, "web")[2] == c.get("svc", "web")["spec"]["clusterIPs"][0]),
    ("printService: an IPv6-only Service shows its IPv6 ClusterIP", "get svc",
     lambda c, out: _row(out, "six")[2] == c.get("svc", "six")["spec"]["clusterIP"]
     and ":" in _row(out, "six")[2]),
    ("printPod: the IP column is podIPs[0]", "get pods -o wide",
     lambda c, out: all(_row(out, p["metadata"]["name"])[5] == p["status"]["podIPs"][0]["ip"]
                        for p in c.list("pods"))),
    ("printNode: INTERNAL-IP is the first InternalIP", "get nodes -o wide",
     lambda c, out: _row(out, "node-2")[5] == "172.18.0.3"),
    ("printEndpointSlice: one row per slice, ADDRESSTYPE IPv4 and IPv6", "get endpointslices",
     lambda c, out: sorted(r[1] for r in (line.split() for line in out.splitlines()[1:])
                           if r and r[0].startswith("web-")) == ["IPv4", "IPv6"]),
    ("describeService: IP Family Policy, IP Families, IP and IPs", "describe svc web",
     lambda c, out: "IP Family Policy:         PreferDualStack\n" in out
     and "IP Families:              IPv4,IPv6\n" in out
     and f"IPs:                      {','.join(c.get('svc', 'web')['spec']['clusterIPs'])}\n" in out),
    ("describePod: IPs lists every podIPs entry", "describe pod {pod}",
     lambda c, out: all(re.search(rf"^\s+IP:\s+{re.escape(ip['ip'])}$", out, re.M)
                        for ip in c.list("pods")[0]["status"]["podIPs"])),
]


@pytest.mark.parametrize("rule,command,check", ROWS, ids=[r[0] for r in ROWS])
def test_kubectl_columns(cluster, rule, command, check):
    out = cluster.kubectl(command.format(pod=cluster.list("pods")[0]["metadata"]["name"]))
    assert check(cluster, out), out
