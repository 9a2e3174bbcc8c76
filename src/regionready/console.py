"""Console output: the verdict, a per-service table and the findings, with rich.

The verdict word is the reports' (READY or NOT READY, :func:`regionready.gate.verdict`);
an incomplete scan (exit 3) says so after it: ``NOT READY for cutover A -> B: ...;
INCOMPLETE: N checks could not be evaluated``. A scan of several Region pairs gets a line
for all of them (``... for cutover of 2 Region pairs: ...``), then one line and one
per-service table per pair; the findings list stays one (each message names its pair).
Every untrusted value goes through :func:`regionready.sanitize.text` and is printed as a
rich ``Text`` (:func:`_literal`), never as markup: rich's markup turns any backslash
before "[" into nothing, escaped or not, so a name with "\\[" would lose it. Only
Region names, which are validated, are written into markup lines (:func:`_safe`).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from typing import IO

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from regionready import sanitize
from regionready.gate import COLLECTION_RULE, READY, gating_count, incomplete, verdict
from regionready.model import SEVERITIES_DESCENDING, Report, Result, ResultSet, Status, pair_title
from regionready.results import Counts, select
from regionready.scoring import counts_by_service, results_by_pair, several_pairs
from regionready.wording import plural

MAX_FINDINGS_SHOWN = 40


def _safe(text: object) -> str:
    """A Region name or pair title for a markup line: made inert
    (:func:`regionready.sanitize.text`) and markup-escaped."""
    return escape(sanitize.text(text))


def _literal(text: object) -> Text:
    """Untrusted text as one inert line, shown as it is: control characters, escape
    sequences and bidi controls made visible (:func:`regionready.sanitize.text`), no
    markup read in it."""
    return Text(sanitize.text(text))


def _incomplete_note(results: Iterable[Result]) -> str:
    """Why the scan is incomplete (exit 3), or "" when it is not."""
    if not incomplete(results):
        return ""
    reasons = []
    counts = Counts.of(results)
    errors = counts.status(Status.ERROR)
    if errors:
        reasons.append(f"{plural(errors, 'check')} could not be evaluated")
    if counts.unread:
        reasons.append(f"the collection could not read everything ({COLLECTION_RULE})")
    return "; [bold yellow]INCOMPLETE[/]: " + ", ".join(reasons)


def verdict_line(
    report: Report,
    *,
    fail_on: str,
    gated: ResultSet | None = None,
) -> str:
    """The first console line (rich markup). ``gated``: the results the gate judges when
    they are not all of them (``--baseline``: only new findings fail). For several Region
    pairs it is the verdict on all of them (``... for cutover of 2 Region pairs: ...``);
    :func:`pair_verdict_lines` has each pair's."""
    scan = report.scan
    if several_pairs(report):
        subject = f"of {plural(len(scan.pairs), 'Region pair')}"
    else:
        subject = f"{_safe(scan.source_region)} -> {_safe(scan.target_region)}"
    return _verdict(subject, report.results, fail_on=fail_on, gated=gated)


def pair_verdict_lines(
    report: Report,
    *,
    fail_on: str,
    gated: ResultSet | None = None,
) -> list[str]:
    """One line per Region pair (rich markup), indented, worded as :func:`verdict_line`;
    none for a one-pair scan."""
    if not several_pairs(report):
        return []
    return [
        "  "
        + _verdict(
            _safe(pair_title(label)),
            results,
            fail_on=fail_on,
            gated=None if gated is None else select(gated, pair=label),
        )
        for label, results in results_by_pair(report).items()
    ]


def _verdict(subject: str, results: ResultSet, *, fail_on: str, gated: ResultSet | None) -> str:
    """``READY for cutover <subject>: N findings (...), M at or above --fail-on X``."""
    state = verdict(results, fail_on)
    colour = "green" if state == READY else "red"
    counts = Counts.of(results)
    by_sev = ", ".join(
        f"{counts.failing(s)} {s.value}" for s in SEVERITIES_DESCENDING if counts.failing(s)
    )
    total = gating_count(results, fail_on)
    at_or_above = str(total)
    if gated is not None:
        at_or_above = f"{gating_count(gated, fail_on)} new ({total} in total)"
    return (
        f"[bold {colour}]{state}[/] for cutover {subject}: "
        f"{plural(counts.status(Status.FAIL), 'finding')}"
        + (f" ({by_sev})" if by_sev else "")
        + f", {at_or_above} at or above --fail-on {fail_on}"
        + _incomplete_note(results)
    )


def plain_verdict_line(
    report: Report,
    *,
    fail_on: str,
    gated: ResultSet | None = None,
) -> str:
    """:func:`verdict_line` as plain text (no markup, no colour): the line printed when
    the table is not (``--format json``, say), so every run still says its verdict. For
    several Region pairs, each pair's line follows it (one per line)."""
    lines = [verdict_line(report, fail_on=fail_on, gated=gated)]
    lines += pair_verdict_lines(report, fail_on=fail_on, gated=gated)
    return "\n".join(Text.from_markup(line).plain for line in lines)


def _table(title: str, results: ResultSet) -> Table:
    """Results per service and status; ``title`` is plain text (made inert here)."""
    table = Table(title=_literal(title), title_justify="left")
    for column in ("service", "PASS", "FAIL", "ERROR", "SUPPRESSED", "N/A"):
        table.add_column(
            column, justify="left" if column == "service" else "right", overflow="fold"
        )
    for service, counts in counts_by_service(results).items():
        failed, errors = counts.status(Status.FAIL), counts.status(Status.ERROR)
        table.add_row(
            _literal(service),
            str(counts.status(Status.PASS)),
            f"[red]{failed}[/]" if failed else "0",
            f"[yellow]{errors}[/]" if errors else "0",
            str(counts.status(Status.SUPPRESSED)),
            str(counts.status(Status.NOT_APPLICABLE)),
        )
    return table


def print_summary(
    report: Report,
    *,
    fail_on: str,
    file: IO[str] | None = None,
    gated: ResultSet | None = None,
    baseline: str | None = None,
) -> None:
    """The verdict line, the per-service table and the findings. ``gated`` and
    ``baseline`` (a one-line comparison with the baseline report) with ``--baseline``."""
    console = Console(file=file, highlight=False, soft_wrap=True, emoji=False)
    console.print(verdict_line(report, fail_on=fail_on, gated=gated))
    for line in pair_verdict_lines(report, fail_on=fail_on, gated=gated):
        console.print(line)
    if baseline is not None:
        console.print(Text("baseline: ") + _literal(baseline))
    if several_pairs(report):
        for label, results in results_by_pair(report).items():
            console.print(_table(f"Readiness by service: {pair_title(label)}", results))
    else:
        console.print(_table("Readiness by service", report.results))
    problems = select(report.results, statuses=(Status.FAIL, Status.ERROR))
    # The first few in this order, read in one pass (nsmallest is a stable sort's head).
    shown = heapq.nsmallest(
        MAX_FINDINGS_SHOWN,
        problems,
        key=lambda r: (
            r.status is not Status.ERROR,
            bool(r.blocked_by),
            -r.severity.rank,
            r.rule_id,
        ),
    )
    counts = Counts.of(report.results)
    total = counts.status(Status.FAIL) + counts.status(Status.ERROR)
    for result in shown:
        tag = "ERROR" if result.status is Status.ERROR else result.severity.value.upper()
        blocked = f" (blocked by {', '.join(result.blocked_by)})" if result.blocked_by else ""
        console.print(
            Text.assemble(
                "  ",
                (f"{tag:8}", "bold"),
                " ",
                _literal(result.rule_id),
                " ",
                _literal(result.region),
                ": ",
                _literal(result.message),
                _literal(blocked),
            )
        )
    if total > MAX_FINDINGS_SHOWN:
        console.print(f"  ... and {total - MAX_FINDINGS_SHOWN} more (see the reports)")
