"""Markdown for pull request comments and ``$GITHUB_STEP_SUMMARY``.

Layout: the verdict is the first line (``## ✅ READY for cutover`` or
``## ❌ NOT READY for cutover: N findings``, N counting FAIL results at or above
``fail_on``), then the Region pair, score and counts by severity, a per-service readiness
table, mermaid bar charts of the per-service score and of the passing and failing checks
per service, the root causes (findings that block others), then every finding grouped by
severity (critical first; within a severity, root causes before the findings they block,
which say "blocked by X"), the checks that could not be evaluated, and the suppressions.

A scan of several Region pairs says "N Region pairs" where the pair was, lists one verdict
line per pair under it (worded as the first line, with the pair's score and gate count),
and has one readiness table per pair (``### Readiness by service: a → b``) instead of
one; the charts and findings cover every pair (each message names its pair).

Resource ids, names, messages, tags and suppression reasons are untrusted input (anyone
who can tag a resource writes them). Every such value goes through :func:`escape`:
control characters and line breaks become spaces, bidirectional overrides are removed,
values over 300 characters are cut with "…", ``& < > | `` ` are written as HTML
entities, Markdown metacharacters ``\\ * _ [ ] ( ) # ! ~`` are backslash-escaped, and
``@`` gets a word joiner after it so a tag cannot @-mention a user or team.

GitHub truncates a step summary over 1 MiB, so the document is capped at ``max_bytes``
(UTF-8): findings beyond the cap are omitted and a final line says how many.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from functools import partial
from typing import IO

from regionready.model import SEVERITIES_DESCENDING, Report, Result, Severity, Status
from regionready.results import Counts, select
from regionready.scoring import (
    DEFAULT_FAIL_ON,
    Scorecard,
    for_reporter,
    pair_scorecards,
    several_pairs,
)
from regionready.wording import plural

FORMAT = "markdown"
EXTENSION = ".md"

#: GitHub's step summary limit is 1 MiB; keep a margin for the omission notice.
MAX_BYTES = 1024 * 1024
MAX_VALUE_CHARS = 300
#: Bar colours of the pass/fail chart (GitHub's danger and success colours).
CHART_FAIL_COLOR = "#cf222e"
CHART_PASS_COLOR = "#2da44e"

SEVERITY_ICONS = {
    Severity.CRITICAL: "🟥",
    Severity.HIGH: "🟧",
    Severity.MEDIUM: "🟨",
    Severity.LOW: "🟦",
    Severity.NOTE: "⬜",
}

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u0085]+")
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_SPACES = re.compile(r" {2,}")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "|": "&#124;", "`": "&#96;"}
_BACKSLASHED = set("\\*_[]()#!~")
#: One str.translate does every per-character replacement of :func:`escape`.
_ESCAPES = {
    **{ord(char): entity for char, entity in _ENTITIES.items()},
    **{ord(char): "\\" + char for char in _BACKSLASHED},
    ord("@"): "@\u2060",
}
_MERMAID_UNSAFE = re.compile(r"[^A-Za-z0-9 ._/-]")


def escape(value: object, limit: int = MAX_VALUE_CHARS) -> str:
    """Untrusted text made inert for Markdown and HTML, on one line, at most ``limit`` chars."""
    text = str(value)
    plain = text.isascii()  # surrogates and invisible characters are all non-ASCII
    if not plain:
        text = _SURROGATE.sub("\ufffd", text)
    text = _CONTROL.sub(" ", text)
    if not plain:
        text = _INVISIBLE.sub("", text)
    text = _SPACES.sub(" ", text).strip()
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text.translate(_ESCAPES)


def render(
    report: Report,
    *,
    redact: bool = False,
    fail_on: Severity | None = DEFAULT_FAIL_ON,
    max_bytes: int = MAX_BYTES,
) -> str:
    """The report as GitHub-flavoured Markdown (deterministic, pure)."""
    return "\n".join(_lines(report, redact=redact, fail_on=fail_on, max_bytes=max_bytes)) + "\n"


def write(
    report: Report,
    handle: IO[str],
    *,
    redact: bool = False,
    fail_on: Severity | None = DEFAULT_FAIL_ON,
    max_bytes: int = MAX_BYTES,
) -> None:
    """Write :func:`render`'s text to ``handle`` line by line.

    The document holds emoji, so as one string it takes 4 bytes per character: written
    line by line it never exists whole.
    """
    lines = _lines(report, redact=redact, fail_on=fail_on, max_bytes=max_bytes)
    for line in lines:
        handle.write(line + "\n")
    if not lines:
        handle.write("\n")


def _lines(
    report: Report,
    *,
    redact: bool,
    fail_on: Severity | None,
    max_bytes: int,
) -> list[str]:
    """The document's lines: ``"\\n".join(lines) + "\\n"`` is the text."""
    report, card = for_reporter(report, redact=redact, fail_on=fail_on)
    head = _head(report, card, fail_on)
    sections = itertools.chain(_findings(report), _errors(report), _suppressed(report))

    budget = max_bytes - _size(head) - 200  # room for the omission notice
    body: list[str] = []
    used = 0
    full = False
    omitted = 0
    for kind, entry in sections:
        if full:
            # Past the cap only the omitted items are counted: their text is never made.
            omitted += kind == "item"
            continue
        line = entry if isinstance(entry, str) else entry()
        size = len(line.encode("utf-8")) + 1
        if used + size > budget:
            full = True
            omitted += kind == "item"
            continue
        body.append(line)
        used += size
    if full:
        # Drop the headings the cap left without items.
        while body and (body[-1].startswith("#") or body[-1] == ""):
            body.pop()
        body += [
            "",
            f"_… {omitted} more entries omitted to stay under {max_bytes} bytes; "
            "the SARIF and JSON reports have every result._",
        ]
    lines = head + body
    # What "\n".join(lines).rstrip("\n") drops: trailing empty lines, trailing newlines.
    while lines and not lines[-1].rstrip("\n"):
        lines.pop()
    if lines:
        lines[-1] = lines[-1].rstrip("\n")
    return lines


def _size(lines: list[str]) -> int:
    return sum(len(line.encode("utf-8")) + 1 for line in lines)


def _head(report: Report, card: Scorecard, fail_on: Severity | None) -> list[str]:
    scan = report.scan
    failing = report.failing_severity_counts()
    if card.ready:
        lines = ["## ✅ READY for cutover"]
    else:
        lines = [f"## ❌ NOT READY for cutover: {_reason(card)}"]
    pairs = pair_scorecards(report, fail_on) if several_pairs(report) else {}
    subject = (
        f"**{plural(len(pairs), 'Region pair')}**"
        if pairs
        else f"**{escape(scan.source_region)} → {escape(scan.target_region)}**"
    )
    lines += [
        "",
        f"{subject} · "
        f"readiness score **{card.overall.score:.1f}/100** · "
        f"gate: **{card.blocking_findings}** of {plural(len(report.findings()), 'finding')} "
        f"at or above **{card.fail_on_label}**",
    ]
    if pairs:
        lines.append("")
        lines += [_pair_line(label, pair_card) for label, pair_card in pairs.items()]
    lines += [
        "",
        "Findings by severity: "
        + " · ".join(
            f"{SEVERITY_ICONS[sev]} {sev.value} **{failing[sev.value]}**"
            for sev in SEVERITIES_DESCENDING
        ),
        "",
        f"Accounts: {', '.join(escape(a) for a in scan.accounts) or 'none'} · "
        f"evaluated at {escape(scan.now)}"
        + (f" · cutover date {escape(scan.cutover_date)}" if scan.cutover_date else ""),
    ]
    if pairs:
        for label, pair_card in pairs.items():
            lines += ["", f"### Readiness by service: {_pair(label)}", ""]
            lines += _service_table(pair_card)
    else:
        lines += ["", "### Readiness by service", ""]
        lines += _service_table(card)
    if card.services:
        labels = ", ".join(
            f'"{_MERMAID_UNSAFE.sub("", name)[:30] or "?"}"' for name in card.services
        )
        scores = ", ".join(f"{s.score:.1f}" for s in card.services.values())
        lines += [
            "",
            "```mermaid",
            "xychart-beta",
            '    title "Readiness score by service (0-100)"',
            f"    x-axis [{labels}]",
            '    y-axis "score" 0 --> 100',
            f"    bar [{scores}]",
            "```",
        ]
        # Pass and fail checks per service as stacked bars: mermaid draws the bar series
        # of an xychart over each other, so the pass+fail bar (red, behind) shows its fail
        # part above the pass bar (green, in front).
        passed = [s.passed for s in card.services.values()]
        totals = [s.passed + s.failed for s in card.services.values()]
        lines += [
            "",
            "```mermaid",
            '%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "'
            + CHART_FAIL_COLOR
            + ", "
            + CHART_PASS_COLOR
            + '"}}}}%%',
            "xychart-beta",
            '    title "Checks by service, pass (green) and fail (red)"',
            f"    x-axis [{labels}]",
            f'    y-axis "checks" 0 --> {max([1, *totals])}',
            f"    bar [{', '.join(map(str, totals))}]",
            f"    bar [{', '.join(map(str, passed))}]",
            "```",
        ]
    roots = _root_causes(report)
    if roots:
        lines += ["", "### Root causes first", ""]
        lines += [
            f"- {_cause(entry)} blocks {plural(count, 'other finding')}" for entry, count in roots
        ]
    lines.append("")
    return lines


def _reason(card: Scorecard) -> str:
    """Why a scorecard is NOT READY: ``N findings[, M checks not evaluated]``."""
    reason = plural(card.blocking_findings, "finding")
    if card.errors:
        reason += f", {plural(card.errors, 'check')}"
        reason += " not evaluated"
    return reason


def _pair(label: str) -> str:
    """A ``source:target`` label as ``source → target``, each Region escaped."""
    source, _, target = label.partition(":")
    return f"{escape(source)} → {escape(target)}"


def _pair_line(label: str, card: Scorecard) -> str:
    """One pair's verdict, worded as the document's first line."""
    if card.ready:
        verdict = f"✅ READY for cutover **{_pair(label)}**"
    else:
        verdict = f"❌ NOT READY for cutover **{_pair(label)}**: {_reason(card)}"
    return (
        f"- {verdict} · readiness score **{card.overall.score:.1f}/100** · "
        f"gate: **{card.blocking_findings}** of {plural(card.overall.failed, 'finding')} "
        f"at or above **{card.fail_on_label}**"
    )


def _service_table(card: Scorecard) -> list[str]:
    """The per-service readiness table, with an **all** row."""
    lines = [
        "| Service | Checks | Pass | Fail | Error | Suppressed | N/A | Score |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, s in card.services.items():
        lines.append(
            f"| {escape(name)} | {s.checks} | {s.passed} | {s.failed} | {s.errors} "
            f"| {s.suppressed} | {s.not_applicable} | {s.score:.1f} |"
        )
    o = card.overall
    lines.append(
        f"| **all** | {o.checks} | {o.passed} | {o.failed} | {o.errors} "
        f"| {o.suppressed} | {o.not_applicable} | **{o.score:.1f}** |"
    )
    return lines


def _cause(entry: str) -> str:
    """A ``blocked_by`` entry (``<rule id> <resource>``) with its rule id in bold."""
    rule_id, _, resource = entry.partition(" ")
    return f"**{escape(rule_id)}**" + (f" {escape(resource)}" if resource else "")


def _root_causes(report: Report) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for result in report.findings():
        for blocker in result.blocked_by:
            counts[blocker] = counts.get(blocker, 0) + 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def _where(result: Result) -> str:
    parts = []
    if result.account:
        parts.append(f"account {escape(result.account)}")
    if result.region:
        parts.append(f"Region {escape(result.region)}")
    if result.location is not None and result.location.line:
        parts.append(f"at {escape(result.location.path)}:{result.location.line}")
    return f" ({' · '.join(parts)})" if parts else ""


#: A section line: its text, or (for an item) a function that makes it, so the items
#: past the size cap are counted without being rendered.
_Entry = tuple[str, str | Callable[[], str]]


def _findings(report: Report) -> Iterator[_Entry]:
    counts = Counts.of(report.results)
    total = counts.status(Status.FAIL)
    if not total:
        yield ("heading", "### Findings")
        yield ("heading", "")
        yield ("text", "No findings.")
        yield ("text", "")
        return
    yield ("heading", f"### Findings ({total})")
    yield ("heading", "")
    findings = report.findings()
    for severity in SEVERITIES_DESCENDING:
        number = counts.failing(severity)
        if not number:
            continue
        yield (
            "heading",
            f"#### {SEVERITY_ICONS[severity]} {severity.value.title()} ({number})",
        )
        yield ("heading", "")
        # Root causes (not blocked) before the findings they block; report order otherwise.
        # Read again for each part: the findings are never all held.
        for blocked in (False, True):
            for result in findings:
                if result.severity is severity and bool(result.blocked_by) is blocked:
                    yield ("item", partial(_finding, result, report))
        yield ("heading", "")


def _finding(result: Result, report: Report) -> str:
    info = report.rules.get(result.rule_id)
    title = f" {escape(info.title)}" if info and info.title else ""
    resource = escape(result.resource_id or result.correlation_key or "(no resource)")
    line = (
        f"- **{escape(result.rule_id)}**{title} — {resource}{_where(result)}: "
        f"{escape(result.message)}"
    )
    if result.blocked_by:
        line += f"<br>⛓️ blocked by {', '.join(escape(b) for b in result.blocked_by)}"
    if info and info.remediation_text:
        line += f"<br>🔧 {escape(info.remediation_text)}"
    if info and info.remediation_action:
        line += f" (action: {escape(info.remediation_action)} via regionready remediate)"
    return line


def _errors(report: Report) -> Iterator[_Entry]:
    number = Counts.of(report.results).status(Status.ERROR)
    if not number:
        return
    errors = select(report.results, statuses=(Status.ERROR,))
    yield ("heading", f"### ⚠️ Not evaluated ({number})")
    yield ("heading", "")
    yield ("text", "These checks could not run, so readiness is unproven until they do.")
    yield ("text", "")
    for result in errors:
        yield ("item", partial(_error, result))
    yield ("heading", "")


def _error(result: Result) -> str:
    resource = escape(result.resource_id or result.correlation_key or "(no resource)")
    return f"- **{escape(result.rule_id)}** — {resource}{_where(result)}: {escape(result.message)}"


def _suppressed(report: Report) -> Iterator[_Entry]:
    number = Counts.of(report.results).status(Status.SUPPRESSED)
    if not number:
        return
    suppressed = select(report.results, statuses=(Status.SUPPRESSED,))
    yield ("heading", f"### Suppressed ({number})")
    yield ("heading", "")
    for result in suppressed:
        yield ("item", partial(_suppression, result))
    yield ("heading", "")


def _suppression(result: Result) -> str:
    details = result.suppression or {}
    extra = ", ".join(
        f"{escape(k)}: {escape(details[k])}" for k in sorted(details) if k != "reason"
    )
    resource = escape(result.resource_id or result.correlation_key or "(no resource)")
    return (
        f"- **{escape(result.rule_id)}** ({escape(result.severity.value)}) — {resource}: "
        f"{escape(details.get('reason', '') or 'no reason given')}"
        + (f" ({extra})" if extra else "")
    )
