"""Chapter 06's view: type a name, pick the client pod, see every name its resolver tries.

A pod's resolver (glibc or musl) reads ``/etc/resolv.conf``: a name with fewer dots than
``ndots`` (5 in Kubernetes) is tried with each search domain appended first, and as written
last; a name ending in ``.`` is absolute and asked once (resolv.conf(5), "ndots").  The view
asks the cluster for the whole lookup (``cluster.resolve(name, from_pod=...)``) and then
asks CoreDNS each tried name on its own, so the learner sees the answer to every step.

    >>> view = DNSLookupView(cluster)
    >>> view.widget()                       # in a notebook
    >>> view.rows("web", "default/client")  # the same logic, as data
"""
from __future__ import annotations

import html

from .base import View, pre, table_html

__all__ = ["DNSLookupView", "NO_POD"]

#: The pod choice meaning "no pod": the name is asked as an absolute name (like dig).
NO_POD = "(none: ask CoreDNS directly)"

_QTYPES = ("A", "AAAA", "SRV", "CNAME", "PTR")


class DNSLookupView(View):
    """A name box, a client-pod menu and a query-type menu; shows the names tried and the answer."""

    outputs = ("main",)

    def __init__(self, cluster, name: str = "web", pod: str | None = None, qtype: str = "A"):
        self.cluster = cluster
        self.name, self.qtype = name, qtype
        pods = self.pods()
        self.pod = pod if pod is not None else (pods[0] if pods else NO_POD)

    def pods(self) -> list[str]:
        """Running pods with an IP, as ``namespace/name``, sorted (the client choices)."""
        out = []
        for p in self.cluster.list("Pod", namespace=None):
            if (p.get("status") or {}).get("podIP") and p["metadata"]["namespace"] != "kube-system":
                out.append(f"{p['metadata']['namespace']}/{p['metadata']['name']}")
        return sorted(out)

    def lookup(self, name: str, pod: str | None, qtype: str = "A"):
        """``cluster.resolve`` for the view's choices (``NO_POD``/None: absolute name)."""
        from_pod = None if pod in (None, "", NO_POD) else pod
        return self.cluster.resolve(name, qtype=qtype, from_pod=from_pod)

    def rows(self, name: str, pod: str | None, qtype: str = "A") -> list[tuple[str, str, str]]:
        """One row per name tried: ``(absolute name, rcode or NODATA, answer values)``.

        Each tried name is asked again on its own, as an absolute name, which is exactly
        the query the pod's resolver sent for that step."""
        result = self.lookup(name, pod, qtype)
        rows = []
        for tried in result.tried:
            step = self.cluster.resolve(tried, qtype=qtype)
            values = ", ".join(v for _, t, v in step.answers if t == qtype) or ", ".join(
                f"{t} {v}" for _, t, v in step.answers)
            code = "NODATA" if step.rcode == "NOERROR" and not step.answers else step.rcode
            rows.append((tried, code, values))
        return rows

    def controls(self) -> dict:
        import ipywidgets as w
        return {
            "name": w.Text(value=self.name, description="name", continuous_update=False),
            "pod": w.Dropdown(options=self.pods() + [NO_POD], value=self.pod, description="from pod"),
            "qtype": w.Dropdown(options=list(_QTYPES), value=self.qtype, description="type",
                                layout=w.Layout(width="140px")),
        }

    def render(self, name: str = "", pod: str | None = None, qtype: str = "A") -> dict[str, str]:
        """The names tried (a table) and the final answer, as HTML."""
        name = (name or "").strip()
        if not name:
            return {"main": "<i>type a name, e.g. web, web.default, google.com or google.com.</i>"}
        try:
            result = self.lookup(name, pod, qtype)
            rows = self.rows(name, pod, qtype)
        except Exception as e:  # a bad name or pod: show what went wrong, not a traceback
            return {"main": pre(f"error: {e}")}
        table = table_html(["#", "name asked", "CoreDNS says", "answer"],
                           [[i, t, code, v] for i, (t, code, v) in enumerate(rows, 1)])
        final = (", ".join(f"{t} {v}" for _, t, v in result.answers) if result.answers
                 else result.rcode)
        head = (f"<b>{html.escape(name)}</b> from <b>{html.escape(pod or NO_POD)}</b>: "
                f"{len(rows)} quer{'y' if len(rows) == 1 else 'ies'}, answer: <b>{html.escape(final)}</b>")
        return {"main": f"<div>{head}</div>{table}"}

    def summary(self, name: str, pod: str | None, qtype: str = "A") -> str:
        """The same as text: one line per name tried, then the answer (stable across runs)."""
        lines = [f"{i}. {t:<48} {code:<8} {v}".rstrip() for i, (t, code, v) in enumerate(self.rows(name, pod, qtype), 1)]
        result = self.lookup(name, pod, qtype)
        final = ", ".join(f"{t} {v}" for _, t, v in result.answers) or result.rcode
        return "\n".join(lines + [f"=> {final}"])

    def __repr__(self) -> str:
        return f"<DNSLookupView name={self.name!r} pod={self.pod!r} type={self.qtype}>"
