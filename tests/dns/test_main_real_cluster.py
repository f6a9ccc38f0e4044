"""``python -m k8snet dns`` end to end: a real subprocess, a real Cluster, queried over UDP.

Upstream rule: the kubernetes/dns specification section 2.3.1 (A records of a ClusterIP
Service) and 2.3.2 (SRV records for named ports), as served by CoreDNS; the server must
answer what ``Cluster.resolve()`` answers.
"""
from __future__ import annotations

import re
import subprocess
import sys
import time

import dns.message
import dns.query
import pytest

from k8snet import Cluster

WEB = """\
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80}]
"""


@pytest.fixture
def server(tmp_path):
    manifest = tmp_path / "web.yaml"
    manifest.write_text(WEB)
    # --port 0: the server picks a port free for UDP and TCP itself and prints it (choosing one
    # here and passing it on would race with every other process on the machine).
    proc = subprocess.Popen([sys.executable, "-m", "k8snet", "dns", "-f", str(manifest), "--port", "0",
                             "--seed", "7"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 30
    lines = []
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        lines.append(line)
        if "listening on" in line:
            break
    else:
        proc.kill()
        pytest.fail("the DNS server did not start: " + "".join(lines))
    port = int(re.search(r"listening on [^ ]+:(\d+) ", lines[-1]).group(1))
    yield port, "".join(lines)
    proc.terminate()
    proc.wait(timeout=10)


@pytest.mark.parametrize("qname,qtype", [
    pytest.param("web.default.svc.cluster.local.", "A", id="spec 2.3.1: A record of a ClusterIP Service"),
    pytest.param("_http._tcp.web.default.svc.cluster.local.", "SRV", id="spec 2.3.2: SRV record of a named port"),
    pytest.param("kubernetes.default.svc.cluster.local.", "A", id="spec 2.3.1: the kubernetes Service"),
    pytest.param("nope.default.svc.cluster.local.", "A", id="spec 2.3.1: no such Service -> NXDOMAIN"),
])
def test_subprocess_server_answers_what_resolve_answers(server, qname, qtype):
    port, banner = server
    assert "service/web created" in banner
    reply = dns.query.udp(dns.message.make_query(qname, qtype), "127.0.0.1", port=port, timeout=5)
    wire = sorted((rrset.name.to_text(), dns.rdatatype.to_text(rrset.rdtype), rr.to_text())
                  for rrset in reply.answer for rr in rrset)
    want = Cluster(seed=7)
    want.apply(WEB)
    expected = want.resolve(qname, qtype=qtype)
    assert dns.rcode.to_text(reply.rcode()) == expected.rcode
    assert [v for _, _, v in wire] == sorted(v for _, _, v in expected.answers)
