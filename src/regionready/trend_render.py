"""A :class:`regionready.trend.Trend` as Markdown and as one self-contained HTML page.

Both show the same things in the same order: a headline (how many scans, from when to
when, the score then and now, the findings open now), the overall score over time (a
mermaid ``xychart-beta`` line chart in Markdown, GitHub renders it; an inline SVG chart in
HTML, with a line per Region pair when there are several), one row per scan (score,
verdict, findings open, and against the previous scan: new, fixed, still open, not
evaluated, suppressed, new errors), the score of each service (and pair) in the first,
previous and latest scan with its change and a sparkline over every scan, the oldest open
findings (``top`` of them), and what changed in the latest scan.

Report values are untrusted (anyone who can name a resource writes them; a file name is
anybody's): in Markdown each goes through :func:`regionready.reporters.markdown.escape`
(one line, HTML entities, Markdown metacharacters escaped, no @-mention); the HTML page is
rendered by Jinja2 with autoescaping on and no ``|safe`` filter on any value, each value
first kept on one line by :func:`regionready.sanitize.text` (a line break or a
bidirectional override in a name is shown as its escape). The page loads nothing: no
script, no stylesheet, font or image from elsewhere.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import jinja2

from regionready import sanitize
from regionready.model import Severity
from regionready.reporters.markdown import SEVERITY_ICONS, escape
from regionready.trend import DEFAULT_TOP, Finding, Trend
from regionready.wording import plural

TEMPLATE = "trend.html.j2"
#: Eight bars from 0 to 100: a score of 100 is always the full bar.
SPARKS = "▁▂▃▄▅▆▇█"
#: A scan without the service (or pair): a gap in the sparkline.
SPARK_GAP = "·"
NONE = "—"
#: Colours of the chart's lines: the overall score first, then one per pair.
COLOURS = ("#0969da", "#bf3989", "#1a7f37", "#9a6700", "#8250df", "#cf222e", "#57606a")
_MERMAID_UNSAFE = re.compile(r"[^A-Za-z0-9 ._:/-]")


# -- shared pieces -------------------------------------------------------------------------


def pair_text(label: str) -> str:
    """A ``source:target`` label as people read it: ``source → target``."""
    return label.replace(":", " → ", 1)


def score_text(value: float | None) -> str:
    return NONE if value is None else f"{value:.1f}"


def change_text(new: float | None, old: float | None) -> str:
    """``+12.5``, ``-3.0``, ``±0.0``; empty when either is missing."""
    if new is None or old is None:
        return ""
    delta = round(new - old, 1)
    if delta == 0:
        return "±0.0"
    return f"{delta:+.1f}"


def spark(series: Sequence[float | None]) -> str:
    """A score series as bars on the 0..100 scale, ``·`` where a scan has no value."""
    bars = []
    for value in series:
        if value is None:
            bars.append(SPARK_GAP)
        else:
            index = min(len(SPARKS) - 1, max(0, int(value / 100 * len(SPARKS))))
            bars.append(SPARKS[index])
    return "".join(bars)


def day(time: dt.datetime) -> str:
    return time.strftime("%Y-%m-%d")


def moment(time: dt.datetime) -> str:
    return time.strftime("%Y-%m-%d %H:%M")


def second(time: dt.datetime) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S")


def labels(trend: Trend) -> list[str]:
    """The scans' dates; with the time (UTC) when two scans share a day, and its seconds
    when two share a minute."""
    for form in (day, moment, second):
        found = [form(p.time) for p in trend.points]
        if len(set(found)) == len(found):
            return found
    return found


def stamps(trend: Trend) -> list[str]:
    """The scans' times (UTC) to the minute, or to the second when two share a minute."""
    found = [moment(p.time) for p in trend.points]
    if len(set(found)) == len(found):
        return found
    return [second(p.time) for p in trend.points]


def title(trend: Trend) -> str:
    pairs = [pair_text(p) for p in trend.pairs]
    if len(pairs) > 3:
        return f"Readiness trend: {plural(len(pairs), 'Region pair')}"
    return "Readiness trend: " + ", ".join(pairs)


def headline(trend: Trend) -> list[str]:
    """The facts under the title, each a short phrase."""
    first, latest = trend.first, trend.latest.point
    facts = [
        f"{plural(len(trend.steps), 'scan')} from {day(first.time)} to {day(latest.time)}",
        f"score {score_text(first.score)} → {score_text(latest.score)} "
        f"({change_text(latest.score, first.score)})"
        if len(trend.steps) > 1
        else f"score {score_text(latest.score)}",
        f"{plural(latest.open, 'open finding')} in the latest scan",
    ]
    changes = trend.latest.changes
    if changes is not None:
        facts.append(f"{len(changes.new)} new, {len(changes.fixed)} fixed since the previous scan")
    if latest.errors:
        facts.append(f"{plural(latest.errors, 'check')} not evaluated (ERROR)")
    if len(trend.accounts) == 1:
        facts.append(f"account {trend.accounts[0]}")
    elif trend.accounts:
        facts.append(plural(len(trend.accounts), "account"))
    return facts


MIXED_NOTE = (
    "The scans do not all judge the same accounts and Region pairs (--allow-mixed): "
    "compare the scores per pair; a finding of a pair or account a scan left out is "
    "not evaluated, not fixed."
)

SCAN_COLUMNS = (
    "Scan (UTC)",
    "Report",
    "Verdict",
    "Score",
    "Change",
    "Open",
    "New",
    "Fixed",
    "Still open",
    "Not evaluated",
    "Suppressed",
    "New errors",
)


def scan_rows(trend: Trend) -> list[list[str]]:
    """One row per scan, :data:`SCAN_COLUMNS` (plus Pairs and Accounts when mixed)."""
    rows = []
    previous: float | None = None
    for step, stamp in zip(trend.steps, stamps(trend), strict=True):
        point, changes = step.point, step.changes
        counts = (
            [NONE] * 6
            if changes is None
            else [
                str(len(items))
                for items in (
                    changes.new,
                    changes.fixed,
                    changes.still_open,
                    changes.not_evaluated,
                    changes.suppressed,
                    changes.new_errors,
                )
            ]
        )
        row = [
            stamp + (" ⚠ scope changed" if step.scope_changed else ""),
            point.name,
            point.verdict.replace("_", " "),
            score_text(point.score),
            change_text(point.score, previous),
            str(point.open),
            *counts,
        ]
        if trend.mixed:
            row += [str(len(point.pairs)), str(len(point.accounts))]
        rows.append(row)
        previous = point.score
    return rows


def scan_columns(trend: Trend) -> list[str]:
    return [*SCAN_COLUMNS, *(("Pairs", "Accounts") if trend.mixed else ())]


def series_columns(trend: Trend, what: str) -> list[str]:
    return [
        what,
        f"First ({day(trend.first.time)})",
        "Previous",
        f"Latest ({day(trend.latest.point.time)})",
        "Since previous",
        "Since first",
        "Over time",
    ]


@dataclass(frozen=True)
class Series:
    """One service's (or pair's) scores, as a table row shows them."""

    name: str
    values: list[float | None]

    def row(self) -> list[str]:
        first, latest = self.values[0], self.values[-1]
        previous = self.values[-2] if len(self.values) > 1 else None
        return [
            self.name,
            score_text(first),
            score_text(previous),
            score_text(latest),
            change_text(latest, previous),
            change_text(latest, first) if len(self.values) > 1 else "",
            spark(self.values),
        ]


def service_series(trend: Trend) -> list[Series]:
    return [Series(name, trend.service_series(name)) for name in trend.services]


def pair_series(trend: Trend) -> list[Series]:
    """One series per pair, when the scans judge more than one (else none)."""
    if not trend.several_pairs:
        return []
    return [Series(pair_text(label), trend.pair_series(label)) for label in trend.pairs]


def oldest_columns(trend: Trend) -> list[str]:
    columns = ["First seen", "Open for", "Severity", "Rule", "Resource"]
    if trend.several_pairs:
        columns.append("Region pair")
    if len(trend.accounts) > 1:
        columns.append("Account")
    return columns


def oldest_rows(trend: Trend, top: int) -> list[tuple[Severity, list[str]]]:
    """(severity, cells) of the ``top`` oldest open findings (the severity cell is the
    severity's name: each format adds its own mark)."""
    rows = []
    for item in trend.oldest(top):
        f = item.finding
        cells = [
            day(item.first_seen),
            f"{plural(item.days, 'day')}, {plural(item.scans, 'scan')}",
            f.severity.value,
            f.rule_id,
            f.resource,
        ]
        if trend.several_pairs:
            cells.append(pair_text(f.pair))
        if len(trend.accounts) > 1:
            cells.append(f.account)
        rows.append((f.severity, cells))
    return rows


def latest_changes(trend: Trend) -> list[tuple[str, tuple[Finding, ...]]]:
    """(label, findings) of the latest scan against the previous one (none for one scan)."""
    changes = trend.latest.changes
    if changes is None:
        return []
    groups = [
        ("New", changes.new),
        ("Fixed", changes.fixed),
        ("Not evaluated (was open, its check is ERROR now or did not run)", changes.not_evaluated),
        ("Suppressed", changes.suppressed),
        ("New errors", changes.new_errors),
    ]
    # New, fixed and not evaluated always (a 0 says something); the others when any.
    return [(label, found) for i, (label, found) in enumerate(groups) if i < 3 or found]


def where(f: Finding, trend: Trend) -> str:
    """The finding's pair and account, when the trend has several of them."""
    parts = []
    if trend.several_pairs:
        parts.append(pair_text(f.pair))
    if len(trend.accounts) > 1:
        parts.append(f"account {f.account}")
    return ", ".join(parts)


# -- Markdown ------------------------------------------------------------------------------


def markdown(trend: Trend, *, top: int = DEFAULT_TOP) -> str:
    """The trend as GitHub-flavoured Markdown (deterministic)."""
    lines = [f"## 📈 {escape(title(trend))}", ""]
    lines.append(" · ".join(escape(fact) for fact in headline(trend)))
    if trend.mixed:
        lines += ["", f"> ⚠️ {escape(MIXED_NOTE)}"]
    scores = ", ".join(score_text(p.score) for p in trend.points)
    axis = ", ".join(f'"{_MERMAID_UNSAFE.sub("", label)}"' for label in labels(trend))
    lines += [
        "",
        "```mermaid",
        "xychart-beta",
        '    title "Readiness score (0-100)"',
        f"    x-axis [{axis}]",
        '    y-axis "score" 0 --> 100',
        f"    line [{scores}]",
        "```",
        "",
        "### Scans",
        "",
    ]
    lines += _table(scan_columns(trend), scan_rows(trend), numeric_from=3)
    lines += ["", "### Score by service", ""]
    services = service_series(trend)
    if services:
        lines += _table(
            series_columns(trend, "Service"), [s.row() for s in services], numeric_from=1
        )
    else:
        lines.append("No results.")
    pairs = pair_series(trend)
    if pairs:
        lines += ["", "### Score by Region pair", ""]
        lines += _table(
            series_columns(trend, "Region pair"), [s.row() for s in pairs], numeric_from=1
        )
    total = len(trend.open_findings)
    lines += ["", f"### Oldest open findings ({_shown(top, total)})", ""]
    if total:
        rows = [
            [cells[0], cells[1], f"{SEVERITY_ICONS[severity]} {cells[2]}", *cells[3:]]
            for severity, cells in oldest_rows(trend, top)
        ]
        lines += _table(oldest_columns(trend), rows, numeric_from=None)
        lines += [
            "",
            "_First seen: the earliest scan from which the finding is open in every scan "
            "(a scan that could not evaluate it does not interrupt the run)._",
        ]
    else:
        lines.append("No open finding in the latest scan.")
    changes = latest_changes(trend)
    if changes:
        lines += ["", "### The latest scan against the previous one", ""]
        for label, findings in changes:
            lines.append(f"**{escape(label)}**: {len(findings)}")
            lines += [_finding_line(f, trend) for f in findings[:top]]
            if len(findings) > top:
                lines.append(f"- … and {len(findings) - top} more")
            lines.append("")
        lines.pop()
    lines.append("")
    return "\n".join(lines)


def _shown(top: int, total: int) -> str:
    return f"{total}" if total <= top else f"{top} of {total}"


def _table(
    columns: Sequence[str], rows: Sequence[Sequence[str]], numeric_from: int | None
) -> list[str]:
    """A Markdown table; columns from ``numeric_from`` on are right-aligned."""

    def align(index: int) -> str:
        return "---:" if numeric_from is not None and index >= numeric_from else "---"

    lines = [
        "| " + " | ".join(columns) + " |",  # regionready's own words, not report values
        "|" + "|".join(align(i) for i in range(len(columns))) + "|",
    ]
    lines += ["| " + " | ".join(escape(cell) for cell in row) + " |" for row in rows]
    return lines


def _finding_line(f: Finding, trend: Trend) -> str:
    place = where(f, trend)
    return (
        f"- {SEVERITY_ICONS[f.severity]} {escape(f.severity.value)} **{escape(f.rule_id)}** "
        f"{escape(f.resource or '(no resource)')}"
        + (f" ({escape(place)})" if place else "")
        + f": {escape(f.message)}"
    )


# -- HTML ----------------------------------------------------------------------------------

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
        "oldest_heading": f"Oldest open findings ({_shown(top, total)})",
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
