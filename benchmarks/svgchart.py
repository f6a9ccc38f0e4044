"""A small SVG line chart, written by hand (no matplotlib, no graphviz).

``line_chart(panels, x_label)`` draws side-by-side panels, each with log-scaled axes and
one polyline per series.  A panel is ``(title, y_label, {series: [(x, y), ...]})``.
The output is deterministic text, so the same numbers give the same file.
"""
from __future__ import annotations

import math
from xml.sax.saxutils import escape

__all__ = ["line_chart"]

COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b")
_W, _H, _M = 420, 300, (56, 20, 44, 64)  # panel width/height, margins top/right/bottom/left


def _ticks(lo: float, hi: float) -> list[float]:
    return [10.0 ** e for e in range(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1)]


def _fmt(v: float) -> str:
    return f"{v:,.0f}" if v >= 1 else f"{v:g}"


def _panel(title: str, y_label: str, series: dict[str, list[tuple[float, float]]], x_label: str,
           ox: int) -> list[str]:
    top, right, bottom, left = _M
    pw, ph = _W - left - right, _H - top - bottom
    xs = [x for pts in series.values() for x, _ in pts]
    ys = [max(y, 1) for pts in series.values() for _, y in pts]
    xt, yt = _ticks(min(xs), max(xs)), _ticks(min(ys), max(ys))
    lx0, lx1, ly0, ly1 = (math.log10(xt[0]), math.log10(xt[-1]), math.log10(yt[0]), math.log10(yt[-1]))

    def px(x: float) -> float:
        return ox + left + (math.log10(x) - lx0) / ((lx1 - lx0) or 1) * pw

    def py(y: float) -> float:
        return top + ph - (math.log10(max(y, 1)) - ly0) / ((ly1 - ly0) or 1) * ph

    out = [f'<text x="{ox + _W / 2:.0f}" y="22" text-anchor="middle" font-weight="bold">{escape(title)}</text>',
           f'<rect x="{ox + left}" y="{top}" width="{pw}" height="{ph}" fill="none" stroke="#888"/>']
    for t in xt:
        out.append(f'<line x1="{px(t):.1f}" y1="{top}" x2="{px(t):.1f}" y2="{top + ph}" stroke="#eee"/>')
        out.append(f'<text x="{px(t):.1f}" y="{top + ph + 16}" text-anchor="middle">{_fmt(t)}</text>')
    for t in yt:
        out.append(f'<line x1="{ox + left}" y1="{py(t):.1f}" x2="{ox + left + pw}" y2="{py(t):.1f}" stroke="#eee"/>')
        out.append(f'<text x="{ox + left - 6}" y="{py(t) + 4:.1f}" text-anchor="end">{_fmt(t)}</text>')
    out.append(f'<text x="{ox + left + pw / 2:.0f}" y="{_H - 8}" text-anchor="middle">{escape(x_label)}</text>')
    out.append(f'<text transform="translate({ox + 14},{top + ph / 2:.0f}) rotate(-90)" '
               f'text-anchor="middle">{escape(y_label)}</text>')
    for k, (name, pts) in enumerate(series.items()):
        colour = COLOURS[k % len(COLOURS)]
        path = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in pts)
        out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for x, y in pts:
            out.append(f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3" fill="{colour}"/>')
        ly = top + 14 + 16 * k
        out.append(f'<line x1="{ox + left + 10}" y1="{ly - 4}" x2="{ox + left + 28}" y2="{ly - 4}" '
                   f'stroke="{colour}" stroke-width="2"/>')
        out.append(f'<text x="{ox + left + 32}" y="{ly}">{escape(name)}</text>')
    return out


def line_chart(panels: list[tuple[str, str, dict[str, list[tuple[float, float]]]]], x_label: str) -> str:
    """An SVG document with one log-log panel per entry of ``panels``."""
    width = _W * len(panels)
    body = []
    for i, (title, y_label, series) in enumerate(panels):
        body += _panel(title, y_label, series, x_label, i * _W)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{_H}" '
            f'viewBox="0 0 {width} {_H}" font-family="sans-serif" font-size="12">\n'
            f'<rect width="{width}" height="{_H}" fill="white"/>\n' + "\n".join(body) + "\n</svg>\n")
