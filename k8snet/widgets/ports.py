"""Chapter 03's piece: set a Service's ``port``, ``targetPort`` and ``nodePort``, send a request.

The scenario is fixed: a Deployment ``web`` of two ``registry.k8s.io/echoserver:1.10`` pods,
which listen on 8080 and declare ``containerPort: 8080`` named ``http``; a ``client`` pod
(curl).  Every render builds a fresh cluster with the same seed, applies the Service the
controls describe, and sends one request:

* from the client pod to ``http://web:<port>/`` (DNS name, ClusterIP, kube-proxy DNAT to
  ``podIP:targetPort``), or
* from the internet to ``http://<node-1 IP>:<nodePort>/`` (only for ``type: NodePort``).

What the learner sees is what curl and the API server would say: the validation error
(``nodePort`` outside 30000-32767), or ``connection refused`` when ``targetPort`` names a
port nothing listens on (the pod's kernel answers with a TCP reset — upstream docs,
"Debug Services", section "Does the Service work by IP?").
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field

from ..errors import K8sNetError
from ..magics import keep_current
from .base import View, pre, svg_html

__all__ = ["PortsView", "PortsResult", "SCENARIO", "parse_port"]

#: The pods the Service points at, and a client to send from.
SCENARIO = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: echo
        image: registry.k8s.io/echoserver:1.10   # listens on 8080
        ports:
        - name: http
          containerPort: 8080
---
apiVersion: v1
kind: Pod
metadata:
  name: client
spec:
  containers:
  - name: curl
    image: curlimages/curl
    command: ["sleep", "infinity"]
"""

CLIENTS = ("from the client pod", "from the internet (NodePort)")


def parse_port(text) -> int | str | None:
    """A port as a learner types it: ``"8080"`` -> 8080, ``"http"`` -> "http", ``""`` -> None.

    Kubernetes' ``targetPort`` is an IntOrString (a number, or the *name* of a container
    port), so names stay strings; the API server validates both forms."""
    if text is None:
        return None
    if isinstance(text, int):
        return text
    text = str(text).strip()
    if not text:
        return None
    return int(text) if text.isdigit() else text


@dataclass
class PortsResult:
    """What one try gave: the Service YAML, what ``kubectl apply`` printed, and the request."""

    yaml: str
    applied: list[str] = field(default_factory=list)
    error: str | None = None  # the API server's refusal, if any
    svc_line: str = ""  # `kubectl get svc web` without its header
    url: str = ""
    response: object = None  # k8snet Response, or None when nothing was sent

    @property
    def outcome(self) -> str:
        """One line: ``HTTP 200 from default/web-…``, ``connection refused``, ``rejected by the API
        server``, or why nothing was sent."""
        if self.error:
            return "rejected by the API server"
        if self.response is None:
            return "nothing to send to: a ClusterIP Service has no nodePort, so no node listens for it"
        r = self.response
        return f"HTTP {r.status} from {r.pod}" if r.status is not None else str(r.error)


class PortsView(View):
    """Three port fields, a client choice, and what happened (see the module docstring)."""

    outputs = ("result", "path")

    def __init__(self, *, seed: int = 3):
        self.seed = seed

    @staticmethod
    def service_yaml(port, target_port, node_port) -> str:
        """The Service the controls describe (``type: NodePort`` when a nodePort is given or
        asked for; ``targetPort`` left out when blank, so it defaults to ``port``)."""
        port, target, node = parse_port(port), parse_port(target_port), parse_port(node_port)
        lines = ["apiVersion: v1", "kind: Service", "metadata:", "  name: web", "spec:"]
        lines.append("  type: NodePort" if node is not None else "  type: ClusterIP")
        lines += ["  selector:", "    app: web", "  ports:", f"  - port: {port}"]
        if target is not None:
            lines.append(f"    targetPort: {target}")
        if node is not None and node != "auto":
            lines.append(f"    nodePort: {node}")
        return "\n".join(lines) + "\n"

    def attempt(self, port, target_port, node_port, client: str = CLIENTS[0]) -> PortsResult:
        """Build the scenario, apply the Service, send one request; never raises for bad input."""
        from .. import Cluster
        res = PortsResult(self.service_yaml(port, target_port, node_port))
        with keep_current():  # this private cluster must not take over %kubectl
            cluster = Cluster(seed=self.seed)
        cluster.apply(SCENARIO)
        try:
            res.applied = cluster.apply(res.yaml)
        except K8sNetError as e:
            res.error = str(e)
            return res
        res.svc_line = cluster.kubectl("get svc web").splitlines()[-1]
        svc = cluster.get("svc", "web")
        sp = svc["spec"]["ports"][0]
        if client == CLIENTS[1]:
            if not sp.get("nodePort"):
                return res  # a ClusterIP Service opens nothing on the nodes
            node = cluster.get("node", "node-1")
            ip = next(a["address"] for a in node["status"]["addresses"] if a["type"] == "InternalIP")
            res.url = f"http://{ip}:{sp['nodePort']}/"
            res.response = cluster.request(res.url, from_internet=True)
        else:
            res.url = f"http://web:{sp['port']}/" if sp["port"] != 80 else "http://web/"
            res.response = cluster.request(res.url, from_pod="default/client")
        return res

    def controls(self) -> dict:
        import ipywidgets as w
        style = {"description_width": "initial"}
        return {
            "port": w.BoundedIntText(value=80, min=1, max=65535, description="port", style=style,
                                     layout=w.Layout(width="140px")),
            "target_port": w.Text(value="8080", description="targetPort", style=style,
                                  layout=w.Layout(width="180px")),
            "node_port": w.Text(value="", placeholder="blank: ClusterIP, auto: allocate", description="nodePort",
                                style=style, layout=w.Layout(width="260px")),
            "client": w.Dropdown(options=list(CLIENTS), value=CLIENTS[0], description="send",
                                 layout=w.Layout(width="300px")),
        }

    def render(self, port=80, target_port="8080", node_port="", client=CLIENTS[0]) -> dict[str, str]:
        """``result``: the YAML, kubectl's answer and the request's outcome; ``path``: its hops."""
        res = self.attempt(port, target_port, node_port, client)
        ok = res.response is not None and res.response.status == 200
        colour = "#1b5e20" if ok else "#b71c1c"
        parts = ['<div style="display:flex;gap:16px;flex-wrap:wrap">',
                 '<div><b>Service</b>' + pre(res.yaml) + "</div><div>"]
        if res.error:
            parts.append("<b>kubectl apply -f service.yaml</b>" + pre(res.error))
        else:
            parts.append("<b>kubectl apply -f service.yaml</b>" + pre("\n".join(res.applied)))
            parts.append("<b>kubectl get svc web</b>" + pre(res.svc_line))
            if res.response is None:
                parts.append("<p>A ClusterIP Service has no nodePort: nothing listens on the nodes for it. "
                             "Type <code>auto</code> or a number in nodePort to make it a NodePort Service.</p>")
            else:
                parts.append(f"<b>curl {html.escape(res.url)}</b>")
        parts.append("</div></div>")
        parts.append(f'<div style="font-size:15px;color:{colour};font-weight:bold">{html.escape(res.outcome)}</div>')
        path = ""
        if res.response is not None:
            hops = "\n".join(f"{i}. {h}" for i, h in enumerate(res.response.hops, 1))
            path = pre(hops)
            try:
                path += svg_html(res.response.graph())
            except Exception:  # no Graphviz `dot`: the hops above say the same
                pass
        return {"result": "".join(parts), "path": path}
