"""Charts of the annual report: matplotlib (Agg) drawn to SVG on the server, from suppressed
figures only. A hidden figure gets no bar, only its marker ("<5", "*"), so a chart never
shows more than its table.

The SVG goes into the page as a data: URI <img> (the CSP allows images from data:, and an
SVG shown as an image runs nothing and loads nothing); the same URI goes into the PDF. Drawn
charts are cached (the database cache) by a hash of exactly what they show.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import tempfile
import threading
from typing import Any

from django.core.cache import cache

from cdop.reporting.suppression import Cell

CACHE_SECONDS = 7 * 24 * 3600
_LOCK = threading.Lock()  # pyplot's state is global: one chart at a time


def _pyplot() -> Any:
    os.environ.setdefault("MPLCONFIGDIR", os.path.join(tempfile.gettempdir(), "cdop-matplotlib"))
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _wrap(label: str, width: int = 34) -> str:
    words, lines, line = label.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n".join(lines[:3])


def _key(title: str, series: list[tuple[str, Cell]], unit: str) -> str:
    shown = [title, unit, [(label, cell.display) for label, cell in series]]
    return "reporting-chart:" + hashlib.sha256(json.dumps(shown).encode()).hexdigest()


def bar_chart_svg(*, title: str, series: list[tuple[str, Cell]], unit: str) -> str:
    """A horizontal bar chart of the shown figures, as SVG text."""
    return bar_charts_svg([(title, series, unit)])[0]


def bar_charts_svg(charts: list[tuple[str, list[tuple[str, Cell]], str]]) -> list[str]:
    """Several charts (title, series, unit), from the cache in one query where drawn before."""
    keys = [_key(*chart) for chart in charts]
    cached = cache.get_many(keys)
    drawn = {}
    for key, (title, series, unit) in zip(keys, charts, strict=True):
        if key not in cached:
            drawn[key] = _draw(title=title, series=series, unit=unit)
    if drawn:
        cache.set_many(drawn, CACHE_SECONDS)
    return [str(cached.get(key) or drawn[key]) for key in keys]


def _draw(*, title: str, series: list[tuple[str, Cell]], unit: str) -> str:
    plt = _pyplot()
    labels = [_wrap(label) for label, _ in series]
    values = [cell.shown_value or 0 for _, cell in series]
    style = {"svg.fonttype": "none", "font.family": "sans-serif", "font.size": 9}
    with _LOCK, plt.rc_context(style):
        height = max(1.6, 0.42 * len(series) + 0.9)
        figure, axes = plt.subplots(figsize=(6.4, height))
        try:
            positions = list(range(len(series)))
            axes.barh(positions, values, color="#1d70b8")
            axes.set_yticks(positions, labels)
            axes.invert_yaxis()
            axes.set_xlabel(unit)
            axes.spines[["top", "right"]].set_visible(False)
            top = max(values, default=0) or 1
            axes.set_xlim(0, top * 1.15)
            for position, (_, cell) in zip(positions, series, strict=True):
                axes.text(
                    (cell.shown_value or 0) + top * 0.01,
                    position,
                    cell.display,
                    va="center",
                    fontsize=8,
                    color="#0b0c0c",
                )
            figure.tight_layout()
            out = io.StringIO()
            figure.savefig(out, format="svg", metadata={"Date": None})
        finally:
            plt.close(figure)
    return out.getvalue()


def svg_data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
