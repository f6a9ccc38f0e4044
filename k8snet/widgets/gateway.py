"""Chapter 08's view: move the canary weight, send N requests, count who answered.

An HTTPRoute rule with several ``backendRefs`` splits requests in proportion to their
``weight`` (Gateway API spec, HTTPBackendRef.weight: "proportional to the sum of all
weights in this rule"; weight 0 gets no traffic).  The slider rewrites the weights of one
rule (stable = 100 - canary, canary = slider) with ``kubectl apply``, then sends requests
through the Gateway and counts the backends, like a load test against a real one.

    >>> view = CanaryView(cluster, route="store", url="http://store.example.com/")
    >>> view.widget()
    >>> view.split(20, n=200)     # {"default/store-v1:80": ..., "default/store-v2:80": ...}
"""
from __future__ import annotations

import copy
import html

from .base import View, table_html

__all__ = ["CanaryView"]


class CanaryView(View):
    """A weight slider and a request count; shows the per-backend counts as bars."""

    outputs = ("main",)

    def __init__(self, cluster, route: str, url: str, *, namespace: str = "default", rule: int = -1,
                 n: int = 100, weight: int = 10, headers: dict | None = None):
        self.cluster, self.route, self.url, self.namespace = cluster, route, url, namespace
        self.rule, self.n, self.weight, self.headers = rule, n, weight, headers

    def backends(self) -> list[str]:
        """The rule's backendRefs as ``namespace/name:port`` (first = stable, last = canary)."""
        rule = self._rule(self.cluster.get("HTTPRoute", self.route, self.namespace))
        return [f"{b.get('namespace', self.namespace)}/{b['name']}:{b.get('port')}" for b in rule.get("backendRefs") or []]

    def _rule(self, route: dict) -> dict:
        rules = route["spec"].get("rules") or []
        if not rules:
            raise ValueError(f"HTTPRoute {self.namespace}/{self.route} has no rules")
        return rules[self.rule]

    def set_weight(self, canary: int) -> list[str]:
        """Give the last backendRef ``canary`` and the first ``100 - canary``; apply the route."""
        canary = max(0, min(100, int(canary)))
        route = self.cluster.get("HTTPRoute", self.route, self.namespace)
        manifest = {"apiVersion": route["apiVersion"], "kind": "HTTPRoute",
                    "metadata": {"name": self.route, "namespace": self.namespace},
                    "spec": copy.deepcopy(route["spec"])}
        refs = self._rule(manifest)["backendRefs"]
        if len(refs) < 2:
            raise ValueError("the rule needs two backendRefs (stable first, canary last)")
        refs[0]["weight"], refs[-1]["weight"] = 100 - canary, canary
        return self.cluster.apply(manifest)

    def split(self, canary: int, n: int | None = None) -> dict[str, int]:
        """Set the weight, send ``n`` requests, return how many each backend answered
        (every backend of the rule listed, in rule order; failures under ``"error"``)."""
        self.set_weight(canary)
        counts = {b: 0 for b in self.backends()}
        for _ in range(self.n if n is None else n):
            r = self.cluster.request(self.url, from_internet=True, headers=self.headers)
            key = r.backend if r.status is not None and r.backend else "error"
            counts[key] = counts.get(key, 0) + 1
        return counts

    def controls(self) -> dict:
        import ipywidgets as w
        return {"weight": w.IntSlider(value=self.weight, min=0, max=100, step=5, description="canary %",
                                      continuous_update=False),
                "n": w.Dropdown(options=[20, 100, 500], value=self.n, description="requests",
                                layout=w.Layout(width="180px"))}

    def render(self, weight: int = 10, n: int = 100) -> dict[str, str]:
        """Bars, one per backend, with counts and the share the weights promise."""
        try:
            counts = self.split(weight, n)
        except Exception as e:  # e.g. the route was deleted: say so, no traceback
            return {"main": f"<pre>error: {html.escape(str(e))}</pre>"}
        backends = self.backends()
        want = {backends[0]: 100 - weight, backends[-1]: weight} if backends else {}
        rows = []
        for b, k in counts.items():
            bar = f'<div style="background:#42a5f5;height:12px;width:{round(300 * k / max(n, 1))}px"></div>'
            rows.append([b, want.get(b, "-"), k, bar])
        table = table_html(["backend", "weight", "requests", ""], [r[:3] + [""] for r in rows])
        # table_html escapes cells, so the bars are spliced in after it.
        for r in rows:
            table = table.replace(f"<td style=\"padding:2px 8px\">{r[2]}</td><td style=\"padding:2px 8px\"></td>",
                                  f"<td style=\"padding:2px 8px\">{r[2]}</td><td style=\"padding:2px 8px\">{r[3]}</td>", 1)
        return {"main": f"<div>{n} requests to {html.escape(self.url)}</div>{table}"}

    def __repr__(self) -> str:
        return f"<CanaryView HTTPRoute {self.namespace}/{self.route}>"
