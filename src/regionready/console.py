"""Console output: the verdict, a per-service table and the findings, with rich.

The verdict word is the reports' (READY or NOT READY, :func:`regionready.gate.verdict`);
an incomplete scan (exit 3) says so after it: ``NOT READY for cutover A -> B: ...;
INCOMPLETE: N checks could not be evaluated``. A scan of several Region pairs gets a line
for all of them (``... for cutover of 2 Region pairs: ...``), then one line and one
per-service table per pair; the findings list stays one (each message names its pair).
Every untrusted value goes through :func:`regionready.sanitize.text`, then rich's markup
escape.
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
from regionready.model import SEVERITIES_DESCENDING, Report, Result, Status, pair_title
from regionready.scoring import results_by_pair, several_pairs
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
    gated: list[Result] | None = None,
) -> list[str]:
    """One line per Region pair (rich markup), indented, worded as :func:`verdict_line`;
    none for a one-pair scan."""
    if not several_pairs(report):
        return []
    gated_by_pair: dict[str, list[Result]] = {}
    for result in gated or ():
        gated_by_pair.setdefault(result.pair, []).append(result)
    return [
        "  "
        + _verdict(
            _safe(pair_title(label)),
            results,
            fail_on=fail_on,
            gated=None if gated is None else gated_by_pair.get(label, []),
        )
        for label, results in results_by_pair(report).items()
    ]


def _verdict(
    subject: str, results: list[Result], *, fail_on: str, gated: list[Result] | None
) -> str:
    """``READY for cutover <subject>: N findings (...), M at or above --fail-on X``."""
    state = verdict(results, fail_on)
    colour = "green" if state == READY else "red"
    findings = [r for r in results if r.status is Status.FAIL]
    counts = {s.value: 0 for s in SEVERITIES_DESCENDING}
    for result in findings:
        counts[result.severity.value] += 1
    by_sev = ", ".join(
        f"{counts[s.value]} {s.value}" for s in SEVERITIES_DESCENDING if counts[s.value]
    )
    total = len(gating_findings(results, fail_on))
    at_or_above = str(total)
    if gated is not None:
        at_or_above = f"{len(gating_findings(gated, fail_on))} new ({total} in total)"
    return (
        f"[bold {colour}]{state}[/] for cutover {subject}: "
        f"{plural(len(findings), 'finding')}"
        + (f" ({by_sev})" if by_sev else "")
        + f", {at_or_above} at or above --fail-on {fail_on}"
        + _incomplete_note(results)
    )


def plain_verdict_line(
    report: Report,
    *,
    fail_on: str,
    gated: list[Result] | None = None,
) -> str:
    """:func:`verdict_line` as plain text (no markup, no colour): the line printed when
    the table is not (``--format json``, say), so every run still says its verdict. For
    several Region pairs, each pair's line follows it (one per line)."""
    lines = [verdict_line(report, fail_on=fail_on, gated=gated)]
    lines += pair_verdict_lines(report, fail_on=fail_on, gated=gated)
    return "\n".join(Text.from_markup(line).plain for line in lines)


def _table(title: str, results: list[Result]) -> Table:
    """Results per service and status; ``title`` is plain text (made inert here)."""
    table = Table(title=_safe(title), title_justify="left")
    for column in ("service", "PASS", "FAIL", "ERROR", "SUPPRESSED", "N/A"):
        table.add_column(
            column, justify="left" if column == "service" else "right", overflow="fold"
        )
    per_service: dict[str, dict[Status, int]] = defaultdict(lambda: defaultdict(int))
    for result in results:
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
    return table


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
    for line in pair_verdict_lines(report, fail_on=fail_on, gated=gated):
        console.print(line)
    if baseline is not None:
        console.print(f"baseline: {_safe(baseline)}")
    if several_pairs(report):
        for label, results in results_by_pair(report).items():
            console.print(_table(f"Readiness by service: {pair_title(label)}", results))
    else:
        console.print(_table("Readiness by service", report.results))
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
