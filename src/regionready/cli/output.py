"""What the report commands (evaluate, scan, iac) print and write, and the exit code.

:func:`emit` is the one ending of every command that judges a snapshot: suppressions and
the baseline applied, the console table (or, without it, the plain verdict line on
stdout: every run says its verdict), the report files, the GitHub step summary, with
``--security-hub`` the import into Security Hub (:mod:`regionready.securityhub`; a refusal
is exit 2, after the reports), then the gate's exit code
(:func:`regionready.gate.exit_code`). Warnings and errors are one ``regionready:
warning|error: ...`` line each on stderr, made inert by :func:`regionready.sanitize.message`
(text from input files must not forge lines).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from regionready import baseline, registry, runner, sanitize, suppressions
from regionready.console import plain_verdict_line, print_summary
from regionready.engine.evaluation import Clock, not_collected
from regionready.engine.rules import Rule
from regionready.gate import exit_code
from regionready.model import Report, Result, ResultSet, Severity, Status
from regionready.results import ResultView
from regionready.snapshot import Scan, iso

#: The console output of ``--format``: every other format is a report file.
TABLE = "table"


def warn(message: object) -> None:
    """``regionready: warning: <message>`` on one inert line on stderr."""
    print(f"regionready: warning: {sanitize.message(message)}", file=sys.stderr)


def error(message: object) -> None:
    """``regionready: error: <message>`` on one inert line on stderr."""
    print(f"regionready: error: {sanitize.message(message)}", file=sys.stderr)


class GateInputs:
    """``--suppressions`` and ``--baseline``: loaded before judging starts and applied to
    each account's results as they are judged (:meth:`prepare`, given to
    :func:`regionready.runner.build_report`), so every report reads suppressed findings
    and baseline marks without the results being held; :meth:`finish` then gives what the
    gate judges."""

    def __init__(self, args: argparse.Namespace, clock: Clock) -> None:
        self._suppressor = None
        if args.suppressions:
            entries = suppressions.load(args.suppressions)
            today = dt.date.fromisoformat(iso(clock.now)[:10])
            self._suppressor = suppressions.Suppressor(entries, today)
        self._old = baseline.load_report(args.baseline) if args.baseline else None

    def prepare(self, results: list[Result]) -> None:
        if self._suppressor is not None:
            for notice in self._suppressor.apply(results):
                warn(notice)
        if self._old is not None:
            baseline.mark_new(results, self._old)

    def finish(self, report: Report) -> tuple[ResultSet, baseline.Diff | None]:
        """The results the gate judges (with ``--baseline``, only new findings fail) and
        the comparison with the baseline (None without one)."""
        if self._suppressor is not None:
            for notice in self._suppressor.unmatched():
                warn(notice)
        if self._old is None:
            return report.results, None
        gated = ResultView(report.results, keep=_gated)
        # A baseline finding whose check is ERROR now is "not evaluated", never "fixed".
        changes = baseline.diff(self._old, {"results": baseline.records(report.results)})
        return gated, changes


def _gated(result: Result) -> bool:
    """Whether the gate judges ``result`` under a baseline: all but known findings."""
    return result.status is not Status.FAIL or result.details.get("baseline") != "existing"


def judge(args: argparse.Namespace, scan: Scan, rules: list[Rule], clock: Clock) -> int:
    """Judge ``scan`` with ``rules`` as of ``clock``, one account at a time, then print and
    write the report as ``args`` asks (:func:`emit`); the exit code. Checks the snapshot
    holds no data for get no result: a last ``note:`` line says how many, and of which
    services."""
    inputs = GateInputs(args, clock)
    report = runner.build_report(scan, rules, clock, prepare=inputs.prepare)
    code = emit(args, report, inputs)
    unjudged = not_collected(scan, rules)
    if unjudged:
        services = sorted({rule.collector for rule in unjudged})
        them = "it" if len(services) == 1 else "them"
        text = (
            f"{len(unjudged)} of {len(rules)} checks not judged: the snapshot holds no data "
            f"of {', '.join(services)} (collect {them}, or choose checks with --only)"
        )
        print(f"note: {sanitize.message(text)}", file=sys.stderr)
    return code


def emit(args: argparse.Namespace, report: Report, inputs: GateInputs) -> int:
    """Print and write ``report`` as ``args`` asks; the exit code. ``args.format`` was
    checked by :func:`regionready.cli.options.check_formats` before the work began."""
    report_formats = [name for name in args.format if name != TABLE]
    gated, changes = inputs.finish(report)
    gate = gated if changes is not None else None
    out = args.out or Path(".")
    if report_formats:
        # Before anything is printed: an unusable --out is exit 2 at once (an OSError
        # naming the path).
        out.mkdir(parents=True, exist_ok=True)
    if TABLE in args.format or not report_formats:
        print_summary(
            report,
            fail_on=args.fail_on,
            gated=gate,
            baseline=changes.summary() + " since the baseline" if changes is not None else None,
        )
    if report_formats:
        written = runner.write_reports(
            report, report_formats, out, redact=args.redact, fail_on=args.fail_on
        )
        for path in written:
            print(f"wrote {sanitize.text(path)}", file=sys.stderr)
        if TABLE not in args.format:
            # Without the table a CI log would hold only "wrote ..." lines: the verdict
            # still goes to stdout, where the table puts it (every report is a file).
            print(plain_verdict_line(report, fail_on=args.fail_on, gated=gate))
    if args.step_summary:
        append_step_summary(report, args)
    code = exit_code(gated, fail_on=args.fail_on, allow_incomplete=args.allow_incomplete)
    if getattr(args, "security_hub", False):
        # Last: the reports are written whatever Security Hub answers (a refusal is one
        # line and exit 2, raised from here).
        publish_to_security_hub(report, args)
    return code


def append_step_summary(report: Report, args: argparse.Namespace) -> None:
    """``--step-summary``: the Markdown report appended to ``$GITHUB_STEP_SUMMARY``."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        warn("--step-summary: GITHUB_STEP_SUMMARY is not set")
        return
    gate = Severity(args.fail_on) if args.fail_on != "none" else None
    text = registry.reporter("markdown").render(report, redact=args.redact, fail_on=gate)
    with open(target, "a", encoding="utf-8") as handle:
        handle.write(text if text.endswith("\n") else text + "\n")


def publish_to_security_hub(report: Report, args: argparse.Namespace) -> None:
    """``--security-hub``: the findings imported into Security Hub
    (:func:`regionready.securityhub.publish`), one summary line on stderr; a refusal
    raises :class:`regionready.securityhub.SecurityHubError` (exit 2)."""
    from regionready import securityhub

    summary = securityhub.publish(report, security_hub_clients(args))
    for line in summary.warnings():
        warn(line)
    print(sanitize.text(summary.line()), file=sys.stderr)


def security_hub_clients(args: argparse.Namespace) -> Callable[[str, str], Any]:
    """A ``(service, region) -> client`` factory from the command's session options
    (``--profile``, ``--role-arn``, ``--external-id``, ``--endpoint-url``); a command
    without them (evaluate, iac) uses the default credential chain and
    ``AWS_ENDPOINT_URL``."""
    # Imported here: boto3 only for the runs that talk to AWS.
    from regionready.collect import sessions

    endpoint = getattr(args, "endpoint_url", None) or os.environ.get("AWS_ENDPOINT_URL")
    spec = sessions.SessionSpec(
        getattr(args, "profile", None),
        getattr(args, "role_arn", None),
        getattr(args, "external_id", None),
        endpoint,
    )
    account = sessions.AccountSession(
        sessions.open_session(spec), endpoint, sessions.botocore_config()
    )
    return account.client
