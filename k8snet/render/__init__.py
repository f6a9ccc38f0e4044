"""Pictures: the cluster's topology and the path of one request, for notebooks and docs.

    >>> cluster.graph()              # a graphviz.Digraph; Jupyter shows it as SVG
    >>> cluster.request("http://web").graph()

``graphviz`` (the Python package, and Graphviz's ``dot`` to render) is needed only when a
picture is made: nothing here imports it until then, so ``import k8snet`` works without it.

* ``graphviz.py``: ``cluster_graph`` and the shared palette; ``requestpath.py``: ``request_graph``.
* ``zones.py``: ``zone_traffic`` and ``zone_traffic_graph`` (where each node's connections to a
  Service go, zone by zone).
* ``lbpaths.py``: ``load_balancer_paths``, the ways into a LoadBalancer Service (chapter 16).
* ``display.py``: ``Picture`` (a Digraph with a fixed repr and byte-stable SVG) and
  ``svg_text`` (SVG markup for ``ipywidgets.HTML``).
"""
from __future__ import annotations

__all__ = ["cluster_graph", "request_graph", "svg_text", "Picture", "load_balancer_paths"]


def __getattr__(name: str):
    # Lazy: importing k8snet.render must not import graphviz.
    if name == "cluster_graph":
        from .graphviz import cluster_graph
        return cluster_graph
    if name == "request_graph":
        from .requestpath import request_graph
        return request_graph
    if name == "load_balancer_paths":
        from .lbpaths import load_balancer_paths
        return load_balancer_paths
    if name in ("svg_text", "Picture"):
        from . import display
        return getattr(display, name)
    raise AttributeError(f"module 'k8snet.render' has no attribute {name!r}")
