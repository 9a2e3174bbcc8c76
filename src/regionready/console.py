"""Console output: the verdict, a per-service table and the findings, with rich."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import IO

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from regionready.gate import gating_findings, verdict
from regionready.model import SEVERITIES_DESCENDING, Report, Status

MAX_FINDINGS_SHOWN = 40

# Control characters (newlines, ESC), line separators and bidirectional overrides in
# untrusted text (resource names, tags) would forge or reorder console lines.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def _safe(text: str) -> str:
    """Untrusted text as one inert line: control characters become spaces, rich markup
    is escaped."""
    return escape(_UNSAFE.sub(" ", text))


def print_summary(report: Report, *, fail_on: str, file: IO[str] | None = None) -> None:
    console = Console(file=file, highlight=False, soft_wrap=True, emoji=False)
    scan = report.scan
    state = verdict(report.results, fail_on)
    colour = {"READY": "green", "NOT READY": "red", "INCOMPLETE": "yellow"}[state]
    counts = report.failing_severity_counts()
    by_sev = ", ".join(
        f"{counts[s.value]} {s.value}" for s in SEVERITIES_DESCENDING if counts[s.value]
    )
    console.print(
        f"[bold {colour}]{state}[/] for cutover {_safe(scan.source_region)} -> "
        f"{_safe(scan.target_region)}: {len(report.findings())} findings"
        + (f" ({by_sev})" if by_sev else "")
        + f", {len(gating_findings(report.results, fail_on))} at or above --fail-on {fail_on}"
    )
    table = Table(title="Readiness by service", title_justify="left")
    for column in ("service", "PASS", "FAIL", "ERROR", "SUPPRESSED", "N/A"):
        table.add_column(column, justify="left" if column == "service" else "right")
    per_service: dict[str, dict[Status, int]] = defaultdict(lambda: defaultdict(int))
    for result in report.results:
        per_service[result.service][result.status] += 1
    for service in sorted(per_service):
        row = per_service[service]
        table.add_row(
            service,
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
