"""Chapter 04's piece: pick a Service type, see ``kubectl get svc``, DNS and who can reach it.

Each choice builds a fresh cluster (same seed) holding a Deployment ``web`` (two nginx pods)
and a ``client`` pod, applies one Service named ``web`` of the chosen type, and tries every
way in (a table of real requests, not a lookup table):

* a pod asks for ``http://web/`` (cluster DNS -> ClusterIP, pod IPs, or a CNAME);
* a node curls the ClusterIP;
* the internet curls ``<node IP>:<nodePort>`` (NodePort and LoadBalancer open one on every node);
* the internet curls the load balancer's address (only once a cloud provisioned one: on
  minikube/bare metal ``EXTERNAL-IP`` stays ``<pending>``).

Upstream: "Service" concept page, section "Publishing Services (ServiceTypes)"; headless
Services in section "Headless Services"; ExternalName in section "ExternalName".
"""
from __future__ import annotations

import html
from dataclasses import dataclass

from ..magics import keep_current
from .base import View, pre, svg_html, table_html

__all__ = ["ServiceTypesView", "TYPES", "Probe", "build_cluster", "probes", "service_manifest"]

#: choice -> (spec lines under ``spec:``, cloud)
TYPES: dict[str, tuple[str, str | None]] = {
    "ClusterIP": ("  type: ClusterIP\n  selector: {app: web}\n  ports:\n  - port: 80\n", None),
    "NodePort": ("  type: NodePort\n  selector: {app: web}\n  ports:\n  - port: 80\n    nodePort: 30080\n", None),
    "LoadBalancer (minikube / bare metal)":
        ("  type: LoadBalancer\n  selector: {app: web}\n  ports:\n  - port: 80\n", None),
    "LoadBalancer (cloud: GCP)":
        ("  type: LoadBalancer\n  selector: {app: web}\n  ports:\n  - port: 80\n", "gcp"),
    "ExternalName": ("  type: ExternalName\n  externalName: web.example.com\n", None),
    "Headless (clusterIP: None)":
        ("  clusterIP: None\n  selector: {app: web}\n  ports:\n  - port: 80\n", None),
}

_WORKLOAD = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: nginx, image: "nginx:1.27", ports: [{containerPort: 80}]}
---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  containers: [{name: curl, image: curlimages/curl, command: [sleep, infinity]}]
"""

#: the outside host an ExternalName Service points at
EXTERNAL_HOST = ("web.example.com", "198.51.100.20")


def service_manifest(choice: str) -> str:
    """The Service YAML for one of ``TYPES``."""
    spec, _ = TYPES[choice]
    return "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n" + spec


def build_cluster(choice: str, *, seed: int = 4):
    """A fresh cluster with the workload and a Service ``web`` of type ``choice``."""
    from .. import Cluster
    _, cloud = TYPES[choice]
    with keep_current():  # a widget's private cluster must not take over %kubectl
        cluster = Cluster(seed=seed, cloud=cloud)
    cluster.add_external_host(*EXTERNAL_HOST)
    cluster.apply(_WORKLOAD)
    cluster.apply(service_manifest(choice))
    return cluster


@dataclass(frozen=True)
class Probe:
    """One way in: who asked, what URL, and what came back (or why it could not be tried)."""

    who: str
    url: str
    result: str
    ok: bool


def _node_ip(cluster, name: str) -> str:
    node = cluster.get("node", name)
    return next(a["address"] for a in node["status"]["addresses"] if a["type"] == "InternalIP")


def _outcome(resp) -> tuple[str, bool]:
    if resp.status is not None:
        who = resp.pod or "a host outside the cluster"
        return f"HTTP {resp.status} from {who}", resp.status < 400
    return resp.error or "no answer", False


def probes(cluster, service: str = "web") -> list[Probe]:
    """Try every way into ``service`` (in namespace default) and say what happened."""
    svc = cluster.get("svc", service)
    spec = svc["spec"]
    out = []
    r = cluster.request(f"http://{service}/", from_pod="default/client")
    out.append(Probe("pod client", f"http://{service}/", *_outcome(r)))
    ip = spec.get("clusterIP")
    if ip and ip != "None":
        r = cluster.request(f"http://{ip}/", from_node="node-1")
        out.append(Probe("node node-1", f"http://{ip}/", *_outcome(r)))
    else:
        why = "no ClusterIP (headless: DNS gives pod IPs)" if ip == "None" else "no ClusterIP (only a DNS CNAME)"
        out.append(Probe("node node-1", "-", why, False))
    node_port = next((p.get("nodePort") for p in spec.get("ports") or [] if p.get("nodePort")), None)
    if node_port:
        url = f"http://{_node_ip(cluster, 'node-2')}:{node_port}/"
        out.append(Probe("the internet", url, *_outcome(cluster.request(url, from_internet=True))))
    else:
        out.append(Probe("the internet", "-", "no nodePort: nothing listens on the nodes", False))
    ingress = ((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
    if ingress:
        addr = ingress[0].get("ip") or ingress[0].get("hostname")
        url = f"http://{addr}/"
        out.append(Probe("the internet", url, *_outcome(cluster.request(url, from_internet=True))))
    elif spec.get("type") == "LoadBalancer":
        out.append(Probe("the internet", "-", "EXTERNAL-IP <pending>: no cloud controller gave an address", False))
    else:
        out.append(Probe("the internet", "-", "no load balancer for this type", False))
    return out


class ServiceTypesView(View):
    """A type picker; the Service, ``kubectl get svc``, DNS, the ways in, and a picture."""

    outputs = ("summary", "picture")

    def __init__(self, *, seed: int = 4, picture: bool = True):
        self.seed, self.picture = seed, picture

    def controls(self) -> dict:
        import ipywidgets as w
        return {"choice": w.ToggleButtons(options=list(TYPES), value="ClusterIP", description="type",
                                          style={"button_width": "auto"})}

    def render(self, choice: str = "ClusterIP") -> dict[str, str]:
        """``summary``: YAML, kubectl, DNS and the table of probes; ``picture``: cluster.graph()."""
        cluster = build_cluster(choice, seed=self.seed)
        dns = cluster.resolve("web", from_pod="default/client")
        answers = "\n".join(f"{n}  {t}  {v}" for n, t, v in dns.answers) or dns.rcode
        table = table_html(["from", "URL", "result"],
                           [[p.who, p.url, ("✓ " if p.ok else "✗ ") + p.result] for p in probes(cluster)])
        summary = ('<div style="display:flex;gap:16px;flex-wrap:wrap"><div><b>service.yaml</b>'
                   + pre(service_manifest(choice)) + '</div><div><b>kubectl get svc web</b>'
                   + pre(cluster.kubectl("get svc web")) + "<b>nslookup web (from the client pod)</b>"
                   + pre(answers) + "</div></div>" + table)
        picture = ""
        if self.picture:
            try:
                picture = svg_html(cluster.graph())
            except Exception:  # no Graphviz `dot`: the table says the same
                picture = f"<i>{html.escape('(install Graphviz to see the picture)')}</i>"
        return {"summary": summary, "picture": picture}
