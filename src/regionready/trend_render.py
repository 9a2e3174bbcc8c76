"""A :class:`regionready.trend.Trend` as Markdown, and the pieces the HTML page
(:mod:`regionready.trend_html`) shares with it.

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

from regionready.model import Severity
from regionready.reporters.markdown import SEVERITY_ICONS, escape
from regionready.trend import DEFAULT_TOP, Finding, Trend
from regionready.wording import plural

#: Eight bars from 0 to 100: a score of 100 is always the full bar.
SPARKS = "▁▂▃▄▅▆▇█"
#: A scan without the service (or pair): a gap in the sparkline.
SPARK_GAP = "·"
NONE = "—"
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
    lines += ["", f"### Oldest open findings ({shown(top, total)})", ""]
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


def shown(top: int, total: int) -> str:
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
