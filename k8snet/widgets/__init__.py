"""Interactive views for the notebooks (ipywidgets), one module per chapter's piece.

Every view keeps its logic in plain methods that take the controls' values and return
text/HTML (tested by pytest without a browser); ``widget()`` only wires ipywidgets controls
to those methods.  Outputs go into ``widgets.HTML``/``Label`` (never an ``Output`` widget),
so triggering a view from a later cell adds no cell output and strict nbval stays stable.
"""
from .base import View, svg_html, pre, table_html

__all__ = ["View", "svg_html", "pre", "table_html"]
