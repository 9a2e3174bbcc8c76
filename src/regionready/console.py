"""Console output: the verdict, a per-service table and the findings, with rich.

The verdict word is the reports' (READY or NOT READY, :func:`regionready.gate.verdict`);
an incomplete scan (exit 3) says so after it: ``NOT READY for cutover A -> B: ...;
INCOMPLETE: N checks could not be evaluated``. Every untrusted value goes through
:func:`regionready.sanitize.text`, then rich's markup escape.
"""

from __future__ import annotations

from collections import defaultdict
from typing import IO

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from regionready import sanitize
from regionready.gate import COLLECTION_RULE, READY, gating_findings, incomplete, verdict
from regionready.model import SEVERITIES_DESCENDING, Report, Result, Status
from regionready.wording import plural

MAX_FINDINGS_SHOWN = 40


def _safe(text: object) -> str:
    """Untrusted text as one inert line: control characters, escape sequences and bidi
    controls made visible (:func:`regionready.sanitize.text`), rich markup escaped."""
    return escape(sanitize.text(text))


def _incomplete_note(results: list[Result]) -> str:
    """Why the scan is incomplete (exit 3), or "" when it is not."""
    if not incomplete(results):
        return ""
    reasons = []
    errors = sum(1 for r in results if r.status is Status.ERROR)
    if errors:
        reasons.append(f"{plural(errors, 'check')} could not be evaluated")
    if any(r.rule_id == COLLECTION_RULE and r.status is Status.FAIL for r in results):
        reasons.append(f"the collection could not read everything ({COLLECTION_RULE})")
    return "; [bold yellow]INCOMPLETE[/]: " + ", ".join(reasons)


def verdict_line(
    report: Report,
    *,
    fail_on: str,
    gated: list[Result] | None = None,
) -> str:
    """The first console line (rich markup). ``gated``: the results the gate judges when
    they are not all of them (``--baseline``: only new findings fail)."""
    scan = report.scan
    state = verdict(report.results, fail_on)
    colour = "green" if state == READY else "red"
    counts = report.failing_severity_counts()
    by_sev = ", ".join(
        f"{counts[s.value]} {s.value}" for s in SEVERITIES_DESCENDING if counts[s.value]
    )
    total = len(gating_findings(report.results, fail_on))
    at_or_above = str(total)
    if gated is not None:
        at_or_above = f"{len(gating_findings(gated, fail_on))} new ({total} in total)"
    return (
        f"[bold {colour}]{state}[/] for cutover {_safe(scan.source_region)} -> "
        f"{_safe(scan.target_region)}: {plural(len(report.findings()), 'finding')}"
        + (f" ({by_sev})" if by_sev else "")
        + f", {at_or_above} at or above --fail-on {fail_on}"
        + _incomplete_note(report.results)
    )


def plain_verdict_line(
    report: Report,
    *,
    fail_on: str,
    gated: list[Result] | None = None,
) -> str:
    """:func:`verdict_line` as plain text (no markup, no colour): the line printed when
    the table is not (``--format json``, say), so every run still says its verdict."""
    return Text.from_markup(verdict_line(report, fail_on=fail_on, gated=gated)).plain


def print_summary(
    report: Report,
    *,
    fail_on: str,
    file: IO[str] | None = None,
    gated: list[Result] | None = None,
    baseline: str | None = None,
) -> None:
    """The verdict line, the per-service table and the findings. ``gated`` and
    ``baseline`` (a one-line comparison with the baseline report) with ``--baseline``."""
    console = Console(file=file, highlight=False, soft_wrap=True, emoji=False)
    console.print(verdict_line(report, fail_on=fail_on, gated=gated))
    if baseline is not None:
        console.print(f"baseline: {_safe(baseline)}")
    table = Table(title="Readiness by service", title_justify="left")
    for column in ("service", "PASS", "FAIL", "ERROR", "SUPPRESSED", "N/A"):
        table.add_column(
            column, justify="left" if column == "service" else "right", overflow="fold"
        )
    per_service: dict[str, dict[Status, int]] = defaultdict(lambda: defaultdict(int))
    for result in report.results:
        per_service[result.service][result.status] += 1
    for service in sorted(per_service):
        row = per_service[service]
        table.add_row(
            _safe(service),
            str(row[Status.PASS]),
            f"[red]{row[Status.FAIL]}[/]" if row[Status.FAIL] else "0",
            f"[yellow]{row[Status.ERROR]}[/]" if row[Status.ERROR] else "0",
            str(row[Status.SUPPRESSED]),
            str(row[Status.NOT_APPLICABLE]),
        )
    console.print(table)
    problems = [r for r in report.results if r.status in (Status.FAIL, Status.ERROR)]
    problems.sort(
        key=lambda r: (
            r.status is not Status.ERROR,
            bool(r.blocked_by),
            -r.severity.rank,
            r.rule_id,
        )
    )
    for result in problems[:MAX_FINDINGS_SHOWN]:
        tag = "ERROR" if result.status is Status.ERROR else result.severity.value.upper()
        blocked = f" (blocked by {', '.join(result.blocked_by)})" if result.blocked_by else ""
        console.print(
            f"  [bold]{tag:8}[/] {_safe(result.rule_id)} {_safe(result.region)}: "
            f"{_safe(result.message)}{_safe(blocked)}"
        )
    if len(problems) > MAX_FINDINGS_SHOWN:
        console.print(f"  ... and {len(problems) - MAX_FINDINGS_SHOWN} more (see the reports)")
