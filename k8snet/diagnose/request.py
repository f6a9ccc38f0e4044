"""Checks on one failed request, read from its hops."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .. import labels, workloads
from ..controllers.endpointslice import find_port, pod_is_ready
from ..controllers.kubelet import _resolve_probe_port
from ..errors import UsageError
from .findings import *  # noqa: F403
from .findings import _sel, _pod_ref, _match, _names, _owner, _live_pods, _crashing, _listening, _node_down  # noqa: F401
from .service import _service, _unknown_service  # noqa: F401

__all__ = ["request_findings"]


_DROP = re.compile(r"drops the connection to (\S+):(\d+)")
_STOPPED = re.compile(r"not running on ([\w.-]+?)[:,]? ")


def _request(cluster, resp) -> list[Finding]:
    from urllib.parse import urlsplit
    from ..connect import _index
    if resp.error is None and not any(not h.ok for h in resp.hops):
        return []
    failed = next((h for h in resp.hops if not h.ok), None)
    out: list[Finding] = []
    host = urlsplit(resp.url if "://" in resp.url else "http://" + resp.url)
    if failed is not None and failed.component == "NetworkPolicy" and (m := _DROP.search(failed.action)):
        out.append(Finding(
            what=f"NetworkPolicy drops the connection to {m.group(1)} on port {m.group(2)}: {failed.detail}",
            why="a policy selects the pod (or the client) and no rule allows this connection; the CNI drops the "
                "SYN without a reply, so curl waits and says connection timed out",
            fix="add an ingress rule for this client (and, if the client is isolated for egress, an egress rule "
                "to the pod and to kube-dns on 53/UDP)",
            evidence=f"kubectl get networkpolicy -A; kubectl describe pod {m.group(1).split('/')[1]}"))
    stopped = _STOPPED.search(f"{failed.action} {failed.detail}") if failed is not None else None
    if stopped and failed.component in ("kube-proxy", "DNS"):
        node = stopped.group(1)
        dns = failed.component == "DNS"
        out.append(Finding(
            what=f"kube-proxy is not running on {node}, the node the request left from, and the rules it left "
                 "behind do not cover this " + (f"query to kube-dns ({_dns_ip(cluster)})" if dns else "Service"),
            severity=ERROR,
            why="a stopped kube-proxy's rules stay on the node but no longer follow the API: Services created since "
                "have no rule there and endpoint changes are not applied, so the packet goes nowhere"
                + (" and curl says could not resolve host" if dns else " (curl: connection timed out)")
                + "; older Services keep working on the stale rules",
            fix="restart kube-proxy on that node (kubectl -n kube-system delete pod <kube-proxy pod there>; the "
                "DaemonSet recreates it and it resyncs every rule) — here: cluster.start_kube_proxy(node); or send "
                "from another node",
            evidence="kubectl -n kube-system get pods -l k8s-app=kube-proxy -o wide"))
    # Which Service did the request aim at?  From the answer, the DNS hop, or the URL.
    svc = None
    if resp.backend:
        ns, _, rest = resp.backend.partition("/")
        svc = cluster.store.peek("Service", ns, rest.rsplit(":", 1)[0])
    ip = next((h.action.split(" -> ", 1)[1].split(" ", 1)[0] for h in resp.hops if h.component == "DNS" and h.ok
               and " -> " in h.action), host.hostname)
    idx = _index(cluster)
    port = host.port or (443 if host.scheme == "https" else 80)
    if svc is None:
        svc = idx["cluster_ip"].get(ip) or idx["lb"].get(ip)
    if svc is None and ip in idx["node"]:
        svc = next((s for s in cluster.store.items("Service") for p in s["spec"].get("ports") or []
                    if p.get("nodePort") == port), None)
    if svc is None and resp.error == "could not resolve host":
        parts = (host.hostname or "").split(".")
        ns = parts[1] if len(parts) > 1 and cluster.store.peek("Namespace", "", parts[1]) else "default"
        svc = cluster.store.peek("Service", ns, parts[0])
        if svc is None:
            return out + [_unknown_service(cluster, parts[0], ns)]
    if svc is not None:
        cluster_ips = svc["spec"].get("clusterIPs") or [svc["spec"].get("clusterIP")]  # either family's
        if ip in cluster_ips and not any(p["port"] == port for p in svc["spec"].get("ports") or []):
            out.append(Finding(
                what=f"service/{svc['metadata']['name']} has no port {port} (its ports: "
                     f"{', '.join(str(p['port']) for p in svc['spec']['ports'])})", severity=ERROR,
                why="kube-proxy only writes rules for the Service's ports; other ports of the ClusterIP match no rule",
                fix=f"request port {svc['spec']['ports'][0]['port']}, or add port {port} to the Service",
                evidence=f"kubectl get svc {svc['metadata']['name']}"))
        seen = {f.what for f in out}
        out += [f for f in _service(cluster, svc) if f.what not in seen
                and not (f.what.startswith("kube-proxy") and any(o.what.startswith("kube-proxy") for o in out))]
    return out


def _dns_ip(cluster) -> str:
    """kube-dns's ClusterIP: 10.96.0.10, or fd00:10:96::a on an IPv6-primary cluster."""
    from .. import dnsview
    return dnsview.zone(cluster).dns_service_ip


request_findings = _request
