"""Chapter 13's piece: a rollout under load, drawn as a timeline of requests (ok / failed).

The learner picks the rollout strategy, ``maxSurge``/``maxUnavailable``, whether the pods
have a readiness probe, a ``preStop`` sleep and the grace period; each render builds a fresh
cluster with the same seed, restarts the Deployment while a client sends requests through the
Service (``Cluster.traffic``), and draws what came back.  The chart is SVG written here in
plain Python (no plotting library): one bar per time slice, green for answered requests, red
for failed ones, with a line where the rollout began.

What to look for (upstream: "Pod Lifecycle" section "Termination of Pods", "Deployments"
section "Rolling Update Deployment", KEP-1669 "Proxy terminating endpoints"):

* without a readiness probe a new pod joins the Service before its app listens;
* without a ``preStop`` sleep an old pod stops listening before every kube-proxy has
  dropped it (the change takes up to about a second to arrive);
* ``Recreate`` stops every old pod before the first new one starts: an outage;
* one replica with ``maxSurge: 0`` leaves the Service with no endpoint while it rolls.
"""
from __future__ import annotations

import functools
import html

from ..magics import keep_current
from .base import View, pre

__all__ = ["RolloutView", "timeline_svg", "build_cluster", "simulate", "STRATEGIES"]

STRATEGIES = ("RollingUpdate", "Recreate")
OK_COLOR, ERROR_COLOR = "#4caf50", "#e53935"


def _manifest(replicas: int, strategy: str, max_surge: str, max_unavailable: str, probe: bool,
              prestop: int, grace: int) -> str:
    def intstr(v) -> str:  # 1 is a count, '25%' a percentage (IntOrString)
        return str(v) if str(v).isdigit() else repr(str(v))
    rolling = (f"    rollingUpdate: {{maxSurge: {intstr(max_surge)}, maxUnavailable: {intstr(max_unavailable)}}}\n"
               if strategy == "RollingUpdate" else "")
    probe_yaml = ("        readinessProbe: {tcpSocket: {port: 5678}, periodSeconds: 1}\n" if probe else "")
    hook = f"        lifecycle: {{preStop: {{sleep: {{seconds: {prestop}}}}}}}\n" if prestop else ""
    return (f"apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web}}\nspec:\n  replicas: {replicas}\n"
            f"  strategy:\n    type: {strategy}\n{rolling}"
            "  selector: {matchLabels: {app: web}}\n  template:\n"
            "    metadata:\n      labels: {app: web}\n      annotations: {k8snet.io/startup-seconds: '2'}\n"
            f"    spec:\n      terminationGracePeriodSeconds: {grace}\n      containers:\n"
            "      - name: web\n        image: hashicorp/http-echo\n        args: ['-text=hello']\n"
            f"        ports: [{{containerPort: 5678}}]\n{probe_yaml}{hook}"
            "---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n"
            "  ports: [{port: 80, targetPort: 5678}]\n")


def build_cluster(replicas: int = 3, strategy: str = "RollingUpdate", max_surge: str = "25%",
                  max_unavailable: str = "25%", probe: bool = False, prestop: int = 0, grace: int = 30, *,
                  seed: int = 13):
    """A fresh cluster with Deployment ``web`` (http-echo, its app listening 2 s after it
    starts) behind Service ``web``, settled."""
    from .. import Cluster
    with keep_current():  # a widget's private cluster must not take over %kubectl
        cluster = Cluster(nodes=3, seed=seed)
    cluster.apply(_manifest(replicas, strategy, max_surge, max_unavailable, probe, prestop, grace))
    cluster.advance(10)
    return cluster


@functools.lru_cache(maxsize=64)  # the same settings give the same run: redraws are instant
def simulate(replicas: int = 3, strategy: str = "RollingUpdate", max_surge: str = "25%",
             max_unavailable: str = "25%", probe: bool = False, prestop: int = 0, grace: int = 30,
             rate: float = 6, duration: float = 14):
    """Restart ``web`` 2 s into a stream of requests (6 a second for 14 s); the ``Traffic`` result."""
    cluster = build_cluster(replicas, strategy, max_surge, max_unavailable, probe, prestop, grace)
    return cluster.traffic("http://web", rate=rate, duration=duration, at=2,
                           during="rollout restart deployment/web")


def timeline_svg(traffic, *, bucket: float = 0.5, width: int = 640, height: int = 180) -> str:
    """The requests of a ``Traffic`` as stacked bars per ``bucket`` seconds (SVG text)."""
    rows = traffic.timeline(bucket)
    left, right, top, bottom = 40, 10, 20, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max((ok + bad for _, ok, bad in rows), default=1) or 1
    bar_w = plot_w / len(rows)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" style="max-width:100%;height:auto;font-family:sans-serif;font-size:11px">',
             f'<title>{html.escape(traffic.url)}: {traffic.ok_count} ok, {len(traffic.errors)} failed</title>',
             f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#888"/>',
             f'<text x="{left - 4}" y="{top + 4}" text-anchor="end">{peak}</text>',
             f'<text x="{left - 4}" y="{top + plot_h}" text-anchor="end">0</text>']
    for i, (t, ok, bad) in enumerate(rows):
        x = left + i * bar_w
        h_ok, h_bad = plot_h * ok / peak, plot_h * bad / peak
        y = top + plot_h
        if ok:
            parts.append(f'<rect class="ok" x="{x:.1f}" y="{y - h_ok:.1f}" width="{max(bar_w - 1, 1):.1f}" '
                         f'height="{h_ok:.1f}" fill="{OK_COLOR}"><title>{t:g}s: {ok} ok</title></rect>')
        if bad:
            parts.append(f'<rect class="error" x="{x:.1f}" y="{y - h_ok - h_bad:.1f}" width="{max(bar_w - 1, 1):.1f}" '
                         f'height="{h_bad:.1f}" fill="{ERROR_COLOR}"><title>{t:g}s: {bad} failed</title></rect>')
    step = max(1, round(traffic.duration / 10))
    for s in range(0, int(traffic.duration) + 1, step):
        x = left + plot_w * s / traffic.duration
        parts.append(f'<text x="{x:.1f}" y="{height - 12}" text-anchor="middle">{s}s</text>')
    for t, action in traffic.events:
        x = left + plot_w * t / traffic.duration
        parts.append(f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{top + plot_h}" stroke="#1565c0" '
                     f'stroke-dasharray="3,2"/><text x="{x + 3:.1f}" y="{top - 8}" fill="#1565c0">'
                     f'{html.escape(action)}</text>')
    parts.append(f'<text x="{left + plot_w}" y="{height - 1}" text-anchor="end">'
                 f'{traffic.ok_count} ok, {len(traffic.errors)} failed</text></svg>')
    return "".join(parts)


class RolloutView(View):
    """Rollout settings -> a timeline of requests during ``kubectl rollout restart``."""

    outputs = ("chart", "summary")

    def controls(self) -> dict:
        import ipywidgets as w
        return {
            "replicas": w.IntSlider(value=3, min=1, max=6, description="replicas"),
            "strategy": w.Dropdown(options=STRATEGIES, value="RollingUpdate", description="strategy"),
            "max_surge": w.Dropdown(options=("0", "1", "25%"), value="25%", description="maxSurge"),
            "max_unavailable": w.Dropdown(options=("0", "1", "25%"), value="25%", description="maxUnavailable"),
            "probe": w.Checkbox(value=False, description="readiness probe"),
            "prestop": w.IntSlider(value=0, min=0, max=10, description="preStop sleep"),
            "grace": w.IntSlider(value=30, min=1, max=60, description="grace period"),
        }

    def render(self, replicas: int = 3, strategy: str = "RollingUpdate", max_surge: str = "25%",
               max_unavailable: str = "25%", probe: bool = False, prestop: int = 0, grace: int = 30) -> dict[str, str]:
        """The chart and the summary for these settings (or the API server's refusal)."""
        from ..errors import ValidationError
        try:  # the API server's own refusal (e.g. maxSurge and maxUnavailable both 0)
            result = simulate(replicas, strategy, max_surge, max_unavailable, probe, prestop, grace)
        except ValidationError as e:
            return {"chart": pre(str(e), wrap=True), "summary": ""}
        return {"chart": timeline_svg(result), "summary": pre(result.summary(), wrap=True)}
