"""Wiring shared by the CLI commands: evaluate a scan into a report, write reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from regionready import __version__, atomic, registry
from regionready.engine import evaluate
from regionready.model import Report, ScanInfo, Severity
from regionready.rules import Rule
from regionready.snapshot import Scan, iso

REPORT_BASENAME = "regionready"


@dataclass
class Clock:
    now: dt.datetime
    cutover: dt.datetime | None = None


def build_report(
    scan: Scan,
    rules: list[Rule],
    clock: Clock,
    *,
    started_at: dt.datetime | None = None,
) -> Report:
    results = evaluate(scan, rules, now=clock.now, cutover=clock.cutover)
    used = {r.rule_id for r in results}
    return Report(
        scan=ScanInfo(
            source_region=scan.source_region,
            target_region=scan.target_region,
            accounts=scan.accounts,
            now=iso(clock.now),
            cutover_date=iso(clock.cutover) if clock.cutover else None,
            started_at=scan.manifest.get("started_at") or (iso(started_at) if started_at else None),
            finished_at=scan.manifest.get("finished_at"),
            tool_version=__version__,
        ),
        rules={rule.id: rule.info() for rule in rules if rule.id in used},
        results=results,
    )


def write_reports(
    report: Report,
    formats: list[str],
    out: Path,
    *,
    redact: bool = False,
    fail_on: str = "high",
) -> list[Path]:
    """Render each format and write it atomically as ``<out>/regionready.<ext>``.

    A reporter with a ``write(report, handle, **options)`` streams its document into the
    temporary file; otherwise ``render``'s text is written. One format at a time: each
    rendering is released before the next starts.
    """
    written = []
    gate = Severity(fail_on) if fail_on != "none" else None
    for name in formats:
        module = registry.reporter(name)
        path = out / f"{REPORT_BASENAME}{module.EXTENSION}"
        stream: Callable[..., object] | None = getattr(module, "write", None)
        if stream is not None:
            atomic.write_stream(path, partial(stream, report, redact=redact, fail_on=gate))
        else:
            text = module.render(report, redact=redact, fail_on=gate)
            atomic.write_text(path, text)
            del text
        written.append(path)
    return written
