"""The picture of one request: the hops of a ``Response`` top to bottom, numbered as
``explain()`` numbers them.  The endpoint kube-proxy (or a proxy) picked is written on the edge
that leaves that hop and the answering pod is drawn bold; a failing hop is red and shows why.
It uses the palette and boxes of ``graphviz.py``; graphviz is imported only when it is drawn.
"""
from __future__ import annotations

import re

from .graphviz import MUTED, PALETTE, RED, TEXT, _box, _html, _n, _new, _wrap

__all__ = ["request_graph"]

#: hop component -> palette kind; anything else (an external host's name) is drawn as a client.
_HOP_KIND = {
    "client": "client", "DNS": "dns", "cloud load balancer": "entry", "NodePort": "entry",
    "Ingress controller": "entry", "Gateway": "entry", "node": "node", "pod network": "node",
    "network": "node", "internet": "node", "kube-apiserver": "node", "kube-proxy": "service",
    "NetworkPolicy": "policy", "pod": "pod", "container": "pod",
}
#: "DNAT to 10.244.1.3:80" (kube-proxy), "-> endpoint 10.244.1.3:80" (Ingress controller, Gateway)
_CHOSEN = re.compile(r"(?:DNAT to|endpoint) (\d+\.\d+\.\d+\.\d+:\d+)")


def _hop_label(i: int, hop, failed: bool) -> str:
    detail = hop.detail.splitlines()
    if failed:  # the reason is the point of the picture: the rule that rejected, or all of it
        telling = [d for d in detail if "REJECT" in d or "DROP" in d] or detail
        small = [x for d in telling for x in _wrap(d, 70)][:8]
    elif detail:
        # One line, the telling one (kube-proxy's DNAT rule); the rest is in the tooltip.
        line = next((d for d in detail if "DNAT" in d), detail[0])
        if len(line) > 72 and " -j " in line:  # keep the rule's chain and its target
            line = " ".join(line.split()[:3]) + " …" + line[line.rindex(" -j "):]
        small = [line if len(line) <= 80 else line[:78] + " …"]
        if len(detail) > 1:
            small.append(f"(+{len(detail) - 1} more lines: hover to see them)")
    else:
        small = []
    return _html(f"{i}. {hop.component}", _wrap(hop.action), small, colour=RED if failed else TEXT)


def request_graph(response):
    """The path ``response`` took (a ``Response`` of ``Cluster.request``), hop by hop.

    Each hop's full ``detail`` (kube-proxy's rules, the DNS names tried, the policies that
    decided) is the node's tooltip; its first line is printed small under the action."""
    hops = list(response.hops)
    outcome = f"HTTP {response.status}" if response.status is not None else response.error or "no answer"
    summary = f"request path, {_n(len(hops), 'hop')}, {outcome}"
    g, card = _new("request", summary, f"GET {response.url}", "TB")
    chosen = None
    with card as c:
        for i, hop in enumerate(hops, 1):
            failed = not hop.ok
            picked = _CHOSEN.search(hops[i - 2].action) if i > 1 else None
            chosen = picked.group(1) if picked else chosen
            kind = "failed" if failed else _HOP_KIND.get(hop.component, "client")
            attrs = _box(kind, shape="ellipse" if kind == "client" else "box",
                         style="filled" if kind == "client" else "rounded,filled")
            if failed:
                attrs["penwidth"] = "2.2"
            elif chosen and hop.component == "pod" and f"({chosen.split(':')[0]})" in hop.action:
                attrs["penwidth"] = "2.8"  # the endpoint that was picked
            c.node(f"hop{i}", _hop_label(i, hop, failed), tooltip=hop.detail or hop.action, **attrs)
            if picked:
                c.edge(f"hop{i - 1}", f"hop{i}", label=f" endpoint {chosen}", fontcolor=PALETTE["pod"][1],
                       color=PALETTE["pod"][1], penwidth="2")
            elif i > 1:
                c.edge(f"hop{i - 1}", f"hop{i}", color=RED if failed else MUTED)
        ok = response.error is None and response.status is not None and response.status < 400
        where = f"from {response.pod}" if response.pod else ("" if response.status is None else "")
        lines = [where] if where else []
        if response.backend:
            lines.append(f"via Service {response.backend}")
        c.node("outcome", _html(("✓ " if ok else "✗ ") + outcome, lines, colour=TEXT if ok else RED),
               **_box("pod" if ok else "failed", shape="box", style="filled,bold"))
        if hops:
            c.edge(f"hop{len(hops)}", "outcome", color=PALETTE["pod" if ok else "failed"][1], style="bold")
    return g
