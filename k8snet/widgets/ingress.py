"""Chapter 07's view: type a URL; the Ingress rule that matches, and its backend, light up.

The table lists every host/path the Ingress controller serves (all Ingresses of its class,
merged per host as ingress-nginx merges them into one nginx ``server`` per host).  The
request is sent from the internet to the controller's address with the URL's host as the
``Host`` header, as ``curl -H 'Host: shop.example.com' http://$INGRESS_IP/`` does on a
kind or minikube cluster, so wildcard hosts work without any DNS record.

    >>> view = IngressRouteView(cluster)
    >>> view.widget()
    >>> view.decide("http://shop.example.com/api/v1")   # the routing decision
"""
from __future__ import annotations

import html
from urllib.parse import urlsplit

from .base import View, pre

__all__ = ["IngressRouteView", "RuleRow"]

# What k8snet's ingress-nginx addon calls its controller (ingressclass.py: INGRESS_NGINX).
from ..routing import INGRESS_NGINX, route_ingress


class RuleRow(tuple):
    """``(ingress, host, path, pathType, backend)`` of one Ingress path (a plain tuple)."""

    __slots__ = ()


def _backend_text(backend: dict | None) -> str:
    svc = (backend or {}).get("service") or {}
    port = svc.get("port") or {}
    if not svc:
        return "(resource backend)" if backend else "-"
    return f"{svc.get('name')}:{port.get('number', port.get('name'))}"


class IngressRouteView(View):
    """A URL box; shows the served rules with the matching one highlighted, and the answer."""

    outputs = ("main",)

    def __init__(self, cluster, url: str = "http://shop.example.com/"):
        self.cluster, self.url = cluster, url

    def rules(self) -> list[RuleRow]:
        """Every (Ingress, host, path) in the cluster, sorted by Ingress then rule order."""
        rows = []
        for ing in self.cluster.list("Ingress", namespace=None):
            key = f"{ing['metadata']['namespace']}/{ing['metadata']['name']}"
            spec = ing.get("spec") or {}
            for rule in spec.get("rules") or []:
                for p in (rule.get("http") or {}).get("paths") or []:
                    rows.append(RuleRow((key, rule.get("host") or "*", p.get("path") or "/",
                                         p.get("pathType", ""), _backend_text(p.get("backend")))))
            if spec.get("defaultBackend"):
                rows.append(RuleRow((key, "*", "(defaultBackend)", "", _backend_text(spec["defaultBackend"]))))
        return rows

    def address(self) -> str | None:
        """The controller's address, as the ADDRESS column of ``kubectl get ingress`` shows it."""
        for ing in self.cluster.list("Ingress", namespace=None):
            for lb in ((ing.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []:
                if lb.get("ip") or lb.get("hostname"):
                    return lb.get("ip") or lb.get("hostname")
        return None

    def decide(self, url: str):
        """The controller's routing decision for ``url`` (``routing.route_ingress``)."""
        parts = urlsplit(url if "://" in url else "http://" + url)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return route_ingress(self.cluster.list("Ingress", namespace=None),
                             self.cluster.list("IngressClass", namespace=None),
                             controller=INGRESS_NGINX, scheme=parts.scheme or "http",
                             host=parts.hostname, path=path)

    def send(self, url: str):
        """Send ``url`` from the internet to the controller, with the URL's host as Host header."""
        parts = urlsplit(url if "://" in url else "http://" + url)
        addr = self.address()
        if addr is None or not parts.hostname:
            return self.cluster.request(url, from_internet=True)
        target = f"{parts.scheme or 'http'}://{addr}{parts.path or '/'}" + (f"?{parts.query}" if parts.query else "")
        return self.cluster.request(target, from_internet=True, headers={"Host": parts.hostname})

    def matched(self, url: str) -> RuleRow | None:
        """The rule row the decision used (None when the controller answers 404 itself)."""
        d = self.decide(url)
        if d.ingress is None:
            return None
        host = d.rule_host or "*"
        rows = [r for r in self.rules() if r[0] == d.ingress]
        for row in rows:
            # ingress-nginx treats ImplementationSpecific as Prefix (k8s.SetDefaultNGINXPathType),
            # and the decision reports the type it used.
            ptype = "Prefix" if row[3] in ("", "ImplementationSpecific") else row[3]
            if row[1] == host and row[2] == d.path and ptype == d.path_type:
                return row
        # No path of that Ingress matched: its spec.defaultBackend served the request (the
        # controller's "/" location for that server points at it).
        return next((r for r in rows if r[2] == "(defaultBackend)"), None)

    def controls(self) -> dict:
        import ipywidgets as w
        return {"url": w.Text(value=self.url, description="URL", continuous_update=False,
                              layout=w.Layout(width="460px"))}

    def outcome(self, url: str) -> str:
        """One line: what came back, from where, and what path the backend saw."""
        d = self.decide(url)
        resp = self.send(url)
        if resp.status is None:
            return f"{resp.error}"
        where = f" from {resp.pod}" if resp.pod else " from the controller itself"
        extra = ""
        if d.status in (301, 302, 307, 308):
            extra = f" (Location: {dict(d.headers).get('Location')})"
        elif d.backend is not None:
            extra = f" (backend {resp.backend} got path {d.upstream_path})"
        return f"HTTP {resp.status}{where}{extra}"

    def render(self, url: str = "") -> dict[str, str]:
        """The rules table (matched row highlighted), the outcome and the controller's reasoning."""
        url = (url or "").strip()
        if not url:
            return {"main": "<i>type a URL such as http://shop.example.com/api/v1</i>"}
        try:
            match, outcome, why = self.matched(url), self.outcome(url), self.decide(url).explain()
        except Exception as e:  # a malformed URL: say so, no traceback
            return {"main": pre(f"error: {e}")}
        head = "".join(f'<th style="text-align:left;padding:2px 8px">{h}</th>'
                       for h in ("Ingress", "host", "path", "pathType", "backend"))
        body = ""
        for row in self.rules():
            style = ' style="background:#c8e6c9;font-weight:bold"' if row == match else ""
            body += f"<tr{style}>" + "".join(f'<td style="padding:2px 8px">{html.escape(str(c))}</td>'
                                              for c in row) + "</tr>"
        note = "" if match else "<div><i>no rule matched: the controller's default backend answers</i></div>"
        return {"main": (f'<table style="border-collapse:collapse;font-size:13px"><tr>{head}</tr>{body}</table>'
                         f"{note}<div><b>{html.escape(outcome)}</b></div>{pre(why, wrap=True)}")}

    def __repr__(self) -> str:
        return f"<IngressRouteView url={self.url!r}>"
