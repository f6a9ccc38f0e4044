"""The small base every notebook view builds on."""
from __future__ import annotations

import html
from typing import Any, Callable

__all__ = ["View", "svg_html", "pre", "table_html"]


def pre(text: str, *, wrap: bool = False) -> str:
    """Monospaced text as HTML: tables (kubectl output, iptables rules) keep their columns and
    scroll; prose (``wrap=True``: explanations, reasons) wraps at the output's width."""
    space = "pre-wrap;overflow-wrap:anywhere" if wrap else "pre;overflow-x:auto"
    return (f'<pre style="font-size:12px;line-height:1.35;margin:4px 0;white-space:{space}">'
            + html.escape(text) + "</pre>")


def table_html(header: list[str], rows: list[list[Any]]) -> str:
    """A compact HTML table."""
    th = "".join(f'<th style="text-align:left;padding:2px 8px">{html.escape(str(h))}</th>' for h in header)
    trs = "".join("<tr>" + "".join(f'<td style="padding:2px 8px">{html.escape(str(c))}</td>' for c in r) + "</tr>"
                  for r in rows)
    return f'<table style="border-collapse:collapse;font-size:13px"><tr>{th}</tr>{trs}</table>'


def _not_ready() -> type[BaseException]:
    """``k8snet_viz.NotReady`` in a browser course site; natively a class nothing raises."""
    try:
        from k8snet_viz import NotReady
    except ImportError:
        return _NeverRaised
    return NotReady


class _NeverRaised(Exception):
    """Stands for ``k8snet_viz.NotReady`` where that module does not exist."""


def _redraw_when_pictures_load(refresh: Callable[[], None]) -> None:
    """In a browser still loading Graphviz, call ``refresh`` again once it has loaded."""
    from ..runtime import in_browser
    if not in_browser():
        return
    try:
        import k8snet_viz
    except ImportError:
        return
    if not k8snet_viz.ready():
        k8snet_viz.when_ready(refresh)


def svg_html(digraph) -> str:
    """A graphviz picture as inline SVG for a ``widgets.HTML`` (nodes stay inspectable)."""
    try:
        from ..render.display import svg_text
        svg = svg_text(digraph)
    except _not_ready() as exc:  # a browser still loading Graphviz: View.widget redraws later
        return f"<pre>{html.escape(str(exc))}</pre>"
    except ImportError:  # the display helpers are optional; fall back to graphviz directly
        svg = digraph.pipe(format="svg", encoding="utf-8")
    # dot sizes the picture in points; a wide graph would be clipped at the output's right
    # edge, so let it shrink to the width it gets (the viewBox keeps its proportions).
    return svg.replace("<svg ", '<svg style="max-width:100%;height:auto" ', 1)


class View:
    """A view: ``render(**values) -> dict[name, html]`` is the logic; ``widget()`` the wiring.

    Subclasses define ``controls()`` (a dict of ipywidgets controls, built lazily) and
    ``render(**values)``; each key of the returned dict names an ``HTML`` output area."""

    outputs: tuple[str, ...] = ("main",)

    def controls(self) -> dict:
        return {}

    def render(self, **values) -> dict[str, str]:  # pragma: no cover - overridden
        raise NotImplementedError

    def widget(self, layout: Callable | None = None):
        """The ipywidgets box: controls on top, output areas below, refreshed on change."""
        import ipywidgets as w
        controls = self.controls()
        areas = {name: w.HTML() for name in self.outputs}

        def refresh(*_):
            values = {k: c.value for k, c in controls.items() if hasattr(c, "value")}
            for name, text in self.render(**values).items():
                areas[name].value = text

        for c in controls.values():
            if hasattr(c, "observe") and hasattr(c, "value"):
                c.observe(refresh, names="value")
            if isinstance(c, w.Button):
                c.on_click(refresh)
        refresh()
        _redraw_when_pictures_load(refresh)
        self._controls, self._areas = controls, areas
        if layout is not None:
            return layout(controls, areas)
        return w.VBox([w.HBox(list(controls.values())), *areas.values()])
