"""Chapter 05's piece: send N requests through kube-proxy and count which pod answered.

The learner picks kube-proxy's mode (iptables, nftables, or IPVS with the rr/lc/sh
scheduler), the number of replicas, ``sessionAffinity``, and who sends (one pod, three pods,
or many people on the internet behind one NAT address).  Every render builds a fresh cluster
with the same seed, so the same choices always give the same histogram.

What to look for (upstream: "Virtual IPs and Service Proxies", sections "iptables proxy
mode", "nftables proxy mode", "IPVS proxy mode", "Session affinity"):

* iptables: the KUBE-SVC chain tries endpoint i with ``--probability 1/(n-i)`` — the last
  rule has no probability — so each pod gets about 1/n of the connections;
* nftables: one ``numgen random mod n`` verdict map does the same in one lookup;
* IPVS ``rr`` takes turns exactly; ``sh`` (source hashing) sends each client IP to one pod;
* ``sessionAffinity: ClientIP`` keys on the *source IP*: clients behind one NAT look like
  one client, and all land on one pod.
"""
from __future__ import annotations

import html
from collections import Counter

from ..magics import keep_current
from .base import View, pre

__all__ = ["LoadBalancingView", "MODES", "CLIENTS", "build_cluster", "send", "histogram_html", "rules_excerpt"]

#: label -> (proxy_mode, ipvs_scheduler)
MODES: dict[str, tuple[str, str]] = {
    "iptables": ("iptables", "rr"),
    "nftables": ("nftables", "rr"),
    "ipvs (rr)": ("ipvs", "rr"),
    "ipvs (lc)": ("ipvs", "lc"),
    "ipvs (sh)": ("ipvs", "sh"),
}

CLIENTS = ("one pod", "three pods", "the internet (one NAT address)")


def _manifest(replicas: int, affinity: str) -> str:
    aff = "  sessionAffinity: ClientIP\n" if affinity == "ClientIP" else ""
    clients = "".join(
        f"---\napiVersion: v1\nkind: Pod\nmetadata: {{name: client-{i}}}\n"
        f"spec:\n  containers: [{{name: curl, image: curlimages/curl, command: [sleep, infinity]}}]\n"
        for i in (1, 2, 3))
    return (f"apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web}}\nspec:\n  replicas: {replicas}\n"
            "  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n"
            "    spec:\n      containers:\n      - {name: echo, image: 'registry.k8s.io/echoserver:1.10', "
            "ports: [{containerPort: 8080}]}\n"
            "---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  type: NodePort\n"
            f"{aff}  selector: {{app: web}}\n  ports:\n  - {{port: 80, targetPort: 8080, nodePort: 30080}}\n"
            + clients)


def build_cluster(mode: str = "iptables", replicas: int = 3, affinity: str = "None", *, seed: int = 5):
    """A fresh cluster: ``replicas`` echoserver pods behind NodePort Service ``web``, three clients."""
    from .. import Cluster
    proxy_mode, scheduler = MODES[mode]
    with keep_current():  # a widget's private cluster must not take over %kubectl
        cluster = Cluster(seed=seed, proxy_mode=proxy_mode, ipvs_scheduler=scheduler)
    cluster.apply(_manifest(replicas, affinity))
    return cluster


def send(cluster, n: int, clients: str = CLIENTS[0]) -> Counter:
    """Send ``n`` requests to Service ``web``; count the answering pods (errors count by their text)."""
    counts: Counter = Counter()
    for i in range(n):
        if clients == CLIENTS[2]:
            r = cluster.request("http://172.18.0.2:30080/", from_internet=True)
        else:
            who = f"default/client-{1 + i % 3}" if clients == CLIENTS[1] else "default/client-1"
            r = cluster.request("http://web/", from_pod=who)
        counts[(r.pod or "").split("/")[-1] or f"({r.error})"] += 1
    return counts


def histogram_html(counts: dict[str, int], *, pods: list[str] = ()) -> str:
    """A horizontal bar chart as HTML: one row per pod (``pods`` first, in order, even at 0)."""
    names = list(pods) + sorted(k for k in counts if k not in pods)
    total = sum(counts.values()) or 1
    top = max([counts.get(k, 0) for k in names] + [1])
    rows = []
    for name in names:
        c = counts.get(name, 0)
        width = round(300 * c / top)
        rows.append('<tr><td style="padding:1px 8px;font-family:monospace">' + html.escape(name) + "</td>"
                    f'<td style="padding:1px 0"><div style="background:#1a56db;height:14px;width:{width}px">'
                    f'</div></td><td style="padding:1px 8px">{c} ({100 * c / total:.0f}%)</td></tr>')
    return '<table style="border-collapse:collapse;font-size:13px">' + "".join(rows) + "</table>"


def rules_excerpt(cluster, service: str = "default/web", node: str = "node-1") -> str:
    """The lines of kube-proxy's rules on ``node`` that choose an endpoint for ``service``."""
    if cluster.proxy_mode == "iptables":
        return "\n".join(line for line in cluster.iptables_save(node).splitlines()
                         if line.startswith("-A KUBE-SVC-") and f'"{service} ->' in line)
    if cluster.proxy_mode == "nftables":
        out, keep = [], False
        for line in cluster.nft(node).splitlines():
            if line.strip().startswith(f"chain service-") and f"-{service}/" in line:
                keep = True
            if keep:
                out.append(line.strip())
                if line.strip() == "}":
                    break
        return "\n".join(out)
    svc = cluster.get("svc", service.split("/")[1], service.split("/")[0])
    vip = f"{svc['spec']['clusterIP']}:{svc['spec']['ports'][0]['port']}"
    out, keep = [], False
    for line in cluster.ipvsadm(node).splitlines():
        if line.startswith(("TCP", "UDP")):
            keep = vip in line
        if keep:
            out.append(line.rstrip())
    return "\n".join(out)


class LoadBalancingView(View):
    """Mode, replicas, affinity, clients and N; a histogram of who answered and the rules."""

    outputs = ("histogram", "rules")

    def __init__(self, *, seed: int = 5):
        self.seed = seed

    def controls(self) -> dict:
        import ipywidgets as w
        return {
            "mode": w.Dropdown(options=list(MODES), value="iptables", description="mode",
                               layout=w.Layout(width="200px")),
            "replicas": w.IntSlider(value=3, min=1, max=5, description="replicas"),
            "affinity": w.ToggleButtons(options=["None", "ClientIP"], value="None", description="affinity",
                                        style={"button_width": "80px"}),
            "clients": w.Dropdown(options=list(CLIENTS), value=CLIENTS[0], description="clients",
                                  layout=w.Layout(width="320px")),
            "n": w.IntSlider(value=60, min=6, max=300, step=6, description="requests"),
        }

    def widget(self, layout=None):
        """The controls in two rows above the histogram and the rules.

        All five in one row overflow a notebook's width, and the browser then squeezes the
        sliders to a few pixels (the requests slider could not be dragged at all)."""
        import ipywidgets as w

        def rows(c, areas):
            return w.VBox([w.HBox([c["mode"], c["clients"], c["affinity"]]),
                           w.HBox([c["replicas"], c["n"]]), *areas.values()])
        return super().widget(layout or rows)

    def run(self, mode="iptables", replicas=3, affinity="None", clients=CLIENTS[0], n=60):
        """``(cluster, counts, pod names)`` for one setting."""
        cluster = build_cluster(mode, replicas, affinity, seed=self.seed)
        pods = sorted(p["metadata"]["name"] for p in cluster.list("pod") if p["metadata"]["name"].startswith("web-"))
        return cluster, send(cluster, n, clients), pods

    def render(self, mode="iptables", replicas=3, affinity="None", clients=CLIENTS[0], n=60) -> dict[str, str]:
        """``histogram``: bars per pod; ``rules``: the lines of the node's rules that pick a pod."""
        cluster, counts, pods = self.run(mode, replicas, affinity, clients, n)
        head = (f"<b>{n} requests, {html.escape(clients)}, kube-proxy {html.escape(mode)}, "
                f"sessionAffinity {html.escape(affinity)}</b>")
        tool = {"iptables": "iptables-save -t nat | grep 'default/web ->'",
                "nftables": "nft list chain ip kube-proxy service-…-default/web/tcp/",
                "ipvs": "ipvsadm -Ln -t CLUSTER-IP:80"}[cluster.proxy_mode]
        return {"histogram": head + histogram_html(counts, pods=pods),
                "rules": f"<b>on node-1: {html.escape(tool)}</b>" + pre(rules_excerpt(cluster))}
