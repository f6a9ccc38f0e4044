"""Chapter 09's view: switch NetworkPolicies on and off and watch the connectivity matrix.

Each checkbox stands for one NetworkPolicy.  Ticking it is ``kubectl apply -f`` of that
policy; unticking it is ``kubectl delete networkpolicy``.  After every change the view
recomputes ``cluster.connectivity()`` — the same reachability truth table the upstream e2e
suite (test/e2e/network/netpol) prints — and shows it as a coloured table, the reasons for
every blocked pair (``Verdict.reason``), and optionally the graphviz picture.

    view = PolicyToggles(cluster, {"deny-all": DENY_ALL, "allow-web": ALLOW_WEB})
    view.widget()                       # in a notebook
    view.render(**{"deny-all": True})   # in a test: {"matrix": html, "reasons": html, ...}
"""
from __future__ import annotations

import html
from typing import Iterable, Mapping

from .. import manifest
from .base import View, pre, svg_html

__all__ = ["PolicyToggles", "matrix_html"]

_OK, _NO = "#e8f5e9", "#ffebee"


def matrix_html(m, port: int | None = None) -> str:
    """The matrix as an HTML table: rows are sources, columns destinations; ``.`` allowed,
    ``X`` denied (the marks of the e2e ``TruthTable``), on green or red."""
    rows = m.rows(port)
    head = "".join(f'<th style="padding:2px 6px;font-weight:normal;text-align:center">{html.escape(d)}</th>'
                   for d in m.pods)
    body = []
    for src, cells in rows:
        tds = "".join(
            f'<td style="text-align:center;padding:2px 6px;background:{_OK if ok else _NO};color:#111">'
            f'{"." if ok else "X"}</td>' for ok in cells)
        body.append(f'<tr><th style="text-align:left;padding:2px 6px;font-weight:normal">{html.escape(src)}</th>'
                    f"{tds}</tr>")
    return ('<table style="border-collapse:collapse;font-size:12px;font-family:monospace">'
            f'<tr><th style="text-align:left;padding:2px 6px">from \\ to</th>{head}</tr>{"".join(body)}</table>')


class PolicyToggles(View):
    """Checkboxes over named NetworkPolicies; the connectivity matrix redraws on each change.

    ``policies`` maps a checkbox label to the policy (YAML text or a dict).  ``namespaces``
    and ``ports`` are passed to ``cluster.connectivity``; ``port`` picks the port shown.
    ``graph=False`` leaves the graphviz picture out (it needs Graphviz's ``dot``)."""

    outputs = ("matrix", "reasons", "graph")

    def __init__(self, cluster, policies: Mapping[str, str | dict], *, namespaces: Iterable[str] | None = None,
                 port: int = 80, initially: Iterable[str] = (), graph: bool = True):
        self.cluster, self.port, self.show_graph = cluster, port, graph
        self.namespaces = list(namespaces) if namespaces is not None else None
        self.policies: dict[str, dict] = {}
        for label, source in policies.items():
            docs = manifest.load(source)
            if len(docs) != 1 or docs[0].obj.get("kind") != "NetworkPolicy":
                raise ValueError(f"{label!r}: give exactly one NetworkPolicy")
            self.policies[label] = docs[0].obj
        self.initially = set(initially)
        unknown = self.initially - set(self.policies)
        if unknown:
            raise ValueError(f"initially names unknown policies: {sorted(unknown)}")
        self.log: list[str] = []

    # -- the logic (tested without a browser) -------------------------------------------
    def set_enabled(self, enabled: Iterable[str]) -> list[str]:
        """Apply the policies in ``enabled`` and delete the others; the kubectl lines printed."""
        enabled = set(enabled)
        lines = []
        for label, obj in self.policies.items():
            meta = obj["metadata"]
            ns = meta.get("namespace", "default")
            exists = self.cluster.store.peek("NetworkPolicy", ns, meta["name"]) is not None
            if label in enabled:
                lines += [x for x in self.cluster.apply(obj) if not x.endswith(" unchanged")]
            elif exists:
                lines.append(self.cluster.delete(f"networkpolicy/{meta['name']}", namespace=ns))
        self.log += lines
        return lines

    def matrix(self):
        """The connectivity matrix of the cluster as it is now."""
        return self.cluster.connectivity(namespaces=self.namespaces, ports=(self.port,))

    def reasons(self, m=None) -> list[str]:
        """One line per blocked pair: ``src -> dst: reason`` (self-connections are always allowed)."""
        m = m or self.matrix()
        out = []
        for src, cells in m.rows(self.port):
            for dst, ok in zip(m.pods, cells):
                if not ok:
                    out.append(f"{src} -> {dst}: {m.verdict(src, dst, self.port).reason}")
        return out

    def render(self, **enabled) -> dict[str, str]:
        """``enabled`` maps each label to True/False (the checkboxes); returns the HTML areas."""
        self.set_enabled([label for label, on in enabled.items() if on and label in self.policies])
        m = self.matrix()
        on = sorted(label for label in self.policies
                    if self.cluster.store.peek("NetworkPolicy", self.policies[label]["metadata"].get(
                        "namespace", "default"), self.policies[label]["metadata"]["name"]) is not None)
        title = (f"<b>TCP/{self.port}, CNI {html.escape(self.cluster.cni)}</b> — policies on: "
                 f"{html.escape(', '.join(on) or 'none (every pod can reach every pod)')}")
        blocked = self.reasons(m)
        reasons = pre("\n".join(blocked) if blocked else "nothing is blocked", wrap=True)
        picture = svg_html(m.to_graph(self.port, denied="omit")) if self.show_graph else ""
        return {"matrix": title + matrix_html(m, self.port), "reasons": reasons, "graph": picture}

    def controls(self) -> dict:
        import ipywidgets as w
        return {label: w.Checkbox(value=label in self.initially, description=label, indent=False,
                                  layout=w.Layout(width="auto"))
                for label in self.policies}
