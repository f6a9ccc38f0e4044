"""A picture of a reachability matrix: pods grouped by namespace, one edge per pair.

Design: each namespace is a box (a graphviz cluster) holding its pods.  Edges:

* green, solid, labelled with the deciding policies: allowed because a policy allows it;
* thin pale green, unlabelled: allowed because no policy isolates either side;
* red, dashed, labelled with the isolating policies: denied (or left out: ``denied="omit"``).

A pod's edge to itself is never drawn (always allowed).  Every colour is explicit and the
canvas is white, so the picture reads the same in light and dark notebook themes.
graphviz is imported here, lazily, so the rest of k8snet does not need it.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import UsageError

if TYPE_CHECKING:  # pragma: no cover
    from .matrix import Matrix

__all__ = ["matrix_graph", "COLORS"]

#: The palette: dark text on light fills; edge colours readable on white.
COLORS = {
    "background": "#ffffff",
    "text": "#1f2933",
    "namespace_fill": "#eef2f7",
    "namespace_border": "#52606d",
    "pod_fill": "#ffffff",
    "hostnetwork_fill": "#fff4d6",
    "allowed": "#1b7f3b",
    "allowed_default": "#9fd3ae",
    "denied": "#c62828",
}


def _label(policies: tuple[str, ...]) -> str:
    return "\n".join(policies)


def matrix_graph(m: "Matrix", port: int, *, denied: str = "dashed"):
    """The ``graphviz.Digraph`` of matrix ``m`` on ``port``."""
    # Picture: a Digraph with a fixed repr and byte-stable SVG, so notebooks stay nbval-stable.
    from ..render.display import Picture

    if denied not in ("dashed", "omit"):
        raise UsageError(f"denied={denied!r}: use 'dashed' or 'omit'")
    c = COLORS
    g = Picture(
        "reachability", summary=f"NetworkPolicy reachability, {len(m.pods)} pods, {m.protocol}/{port}",
        graph_attr={
            "label": f"NetworkPolicy reachability, {m.protocol}/{port}, CNI {m.cni}\n"
                     f"green: allowed (labelled with the allowing policies)   "
                     f"pale green: no policy isolates either side   "
                     f"red dashed: denied (labelled with the isolating policies)",
            "labelloc": "t", "fontname": "Helvetica", "fontsize": "12",
            "bgcolor": c["background"], "fontcolor": c["text"], "rankdir": "LR",
            "compound": "true", "nodesep": "0.4"},
        node_attr={"shape": "box", "style": "rounded,filled", "fontname": "Helvetica",
                   "fontsize": "11", "fillcolor": c["pod_fill"], "color": c["namespace_border"],
                   "fontcolor": c["text"]},
        edge_attr={"fontname": "Helvetica", "fontsize": "9", "arrowsize": "0.7"})
    by_ns: dict[str, list[str]] = {}
    for key in m.pods:
        by_ns.setdefault(m.endpoint(key).namespace, []).append(key)
    for ns in sorted(by_ns):
        with g.subgraph(name=f"cluster_{ns}") as sub:
            sub.attr(label=f"namespace {ns}", style="rounded,filled", fillcolor=c["namespace_fill"],
                     color=c["namespace_border"], fontcolor=c["text"])
            for key in by_ns[ns]:
                ep = m.endpoint(key)
                text = key.split("/", 1)[1] + (f"\n{ep.ip}" if ep.ip else "")
                if ep.host_network:
                    sub.node(key, text + "\n(hostNetwork)", fillcolor=c["hostnetwork_fill"])
                else:
                    sub.node(key, text)
    for src in m.pods:
        for dst in m.pods:
            if src == dst:
                continue
            v = m.verdict(src, dst, port)
            policies = tuple(sorted(set(v.egress_policies + v.ingress_policies)))
            if v.allowed and not policies:
                g.edge(src, dst, color=c["allowed_default"], penwidth="0.8")
            elif v.allowed:
                g.edge(src, dst, label=_label(policies), color=c["allowed"],
                       fontcolor=c["allowed"], penwidth="1.6")
            elif denied == "dashed":
                deciding = tuple(sorted(set(
                    (() if v.egress_allowed else v.egress_policies)
                    + (() if v.ingress_allowed else v.ingress_policies))))
                g.edge(src, dst, label=_label(deciding), color=c["denied"],
                       fontcolor=c["denied"], style="dashed", penwidth="1.0")
    return g
