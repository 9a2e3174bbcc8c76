"""A :class:`regionready.trend.Trend` as one self-contained HTML page: the same things as
the Markdown (:mod:`regionready.trend_render`, whose pieces it uses), rendered by Jinja2
with autoescaping on and no ``|safe`` filter on any value, each value first kept on one
line by :func:`regionready.sanitize.text`; inline SVG charts, and nothing loaded from
elsewhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jinja2

from regionready import sanitize
from regionready.trend import DEFAULT_TOP, Trend
from regionready.trend_render import (
    MIXED_NOTE,
    Series,
    headline,
    labels,
    latest_changes,
    oldest_columns,
    oldest_rows,
    pair_series,
    pair_text,
    scan_columns,
    scan_rows,
    score_text,
    series_columns,
    service_series,
    shown,
    title,
    where,
)

TEMPLATE = "trend.html.j2"
#: Colours of the chart's lines: the overall score first, then one per pair.
COLOURS = ("#0969da", "#bf3989", "#1a7f37", "#9a6700", "#8250df", "#cf222e", "#57606a")
#: The chart's size and its plot area's margins, in SVG user units.
CHART_WIDTH, CHART_HEIGHT = 760, 280
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 48, 48, 16, 48
#: At most this many dates under the chart (every k-th scan beyond).
MAX_X_LABELS = 12
SPARK_WIDTH, SPARK_HEIGHT = 120, 24


def html(trend: Trend, *, top: int = DEFAULT_TOP) -> str:
    """The trend as one self-contained HTML page (deterministic)."""
    return _environment().get_template(TEMPLATE).render(**html_context(trend, top=top))


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("regionready", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # Every value on one line, control and bidirectional characters made visible
        # (as on a terminal), before autoescaping makes it inert HTML.
        finalize=lambda value: sanitize.text(value) if isinstance(value, str) else value,
    )


def html_context(trend: Trend, *, top: int = DEFAULT_TOP) -> dict[str, Any]:
    """What the template shows: plain text (the template escapes it) and chart geometry."""
    total = len(trend.open_findings)
    return {
        "title": title(trend),
        "facts": headline(trend),
        "mixed_note": MIXED_NOTE if trend.mixed else "",
        "chart": chart(trend),
        "scan_columns": scan_columns(trend),
        "scan_rows": scan_rows(trend),
        "series_tables": [
            (heading, series_columns(trend, what), [_spark_row(s) for s in series])
            for heading, what, series in (
                ("Score by service", "Service", service_series(trend)),
                ("Score by Region pair", "Region pair", pair_series(trend)),
            )
            if series
        ],
        "oldest_heading": f"Oldest open findings ({shown(top, total)})",
        "oldest_columns": oldest_columns(trend),
        "oldest_rows": [
            {"severity": severity.value, "cells": cells}
            for severity, cells in oldest_rows(trend, top)
        ],
        "changes": [
            {
                "label": label,
                "count": len(findings),
                "more": max(0, len(findings) - top),
                "findings": [
                    {
                        "severity": f.severity.value,
                        "rule": f.rule_id,
                        "resource": f.resource or "(no resource)",
                        "where": where(f, trend),
                        "message": f.message,
                    }
                    for f in findings[:top]
                ],
            }
            for label, findings in latest_changes(trend)
        ],
    }


def _spark_row(series: Series) -> dict[str, Any]:
    cells = series.row()
    return {"cells": cells[:-1], "spark": cells[-1], "svg": sparkline(series.values)}


def _y(value: float, top: float, height: float) -> float:
    return round(top + height * (1 - value / 100), 1)


def _segments(points: Sequence[tuple[float, float] | None]) -> list[str]:
    """``points`` as polyline point lists, broken where a point is missing."""
    segments: list[str] = []
    current: list[str] = []
    for point in points:
        if point is None:
            if current:
                segments.append(" ".join(current))
            current = []
        else:
            current.append(f"{point[0]},{point[1]}")
    if current:
        segments.append(" ".join(current))
    return segments


def chart(trend: Trend) -> dict[str, Any]:
    """The score chart's geometry: gridlines, date labels, and a line (with its points)
    for the overall score and, with several pairs, one per pair."""
    left, top = MARGIN_LEFT, MARGIN_TOP
    width = CHART_WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    height = CHART_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    count = len(trend.steps)
    xs = [
        round(left + (width / 2 if count == 1 else width * i / (count - 1)), 1)
        for i in range(count)
    ]
    texts = labels(trend)
    every = max(1, -(-count // MAX_X_LABELS))
    shown = {i for i in range(0, count, every)} | {count - 1}
    series_list: list[tuple[str, list[float | None]]] = [
        ("overall", [p.score for p in trend.points])
    ]
    if trend.several_pairs:
        series_list += [(pair_text(label), trend.pair_series(label)) for label in trend.pairs]
    lines = []
    for index, (name, values) in enumerate(series_list):
        points = [
            None if v is None else (x, _y(v, top, height)) for x, v in zip(xs, values, strict=True)
        ]
        lines.append(
            {
                "name": name,
                "colour": COLOURS[index % len(COLOURS)],
                "width": 3 if index == 0 else 1.5,
                "segments": _segments(points),
                "points": [
                    {"x": p[0], "y": p[1], "title": f"{name}, {texts[i]}: {score_text(v)}"}
                    for i, (p, v) in enumerate(zip(points, values, strict=True))
                    if p is not None
                ],
            }
        )
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "left": left,
        "right": left + width,
        "bottom": top + height,
        "grid": [{"y": _y(v, top, height), "label": str(v)} for v in (0, 25, 50, 75, 100)],
        "x_labels": [
            {
                "x": xs[i],
                "y": top + height + 18,
                "text": texts[i],
                # The first and the last label stay inside the chart.
                "anchor": "middle"
                if count == 1
                else ("start" if i == 0 else "end" if i == count - 1 else "middle"),
            }
            for i in sorted(shown)
        ],
        "lines": lines,
        "legend": len(lines) > 1,
    }


def sparkline(values: Sequence[float | None]) -> dict[str, Any]:
    """A small line of a series (0..100), broken where a scan has no value."""
    count = len(values)
    pad = 2
    width, height = SPARK_WIDTH - 2 * pad, SPARK_HEIGHT - 2 * pad
    points = [
        None
        if v is None
        else (
            round(pad + (width / 2 if count == 1 else width * i / (count - 1)), 1),
            _y(v, pad, height),
        )
        for i, v in enumerate(values)
    ]

    # A dot for the latest value, and for a value with no neighbour (a line needs two).
    def alone(i: int) -> bool:
        before = points[i - 1] if i > 0 else None
        after = points[i + 1] if i + 1 < count else None
        return before is None and after is None

    dots = [p for i, p in enumerate(points) if p is not None and (i == count - 1 or alone(i))]
    return {
        "width": SPARK_WIDTH,
        "height": SPARK_HEIGHT,
        "segments": _segments(points),
        "dots": [{"x": p[0], "y": p[1]} for p in dots],
    }
