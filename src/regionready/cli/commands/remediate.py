"""``regionready remediate SNAPSHOT``: plan the fixes for a snapshot's findings, and with
``--apply`` make them, in the target Region only, each one in an audit log.

The plan is printed first (a table a person reads before ``--apply``, or JSON); nothing
is changed without ``--apply``, and not without ``--yes`` or a "y" at a terminal.
"""

from __future__ import annotations

import argparse
import errno
import fnmatch
import json
import os
import stat
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from regionready import remediation, runner, sanitize, snapshot_manifest
from regionready.cli import options
from regionready.cli.parser import (
    add_clock_options,
    add_rules_dir_option,
    add_session_options,
    add_table_or_json_option,
)
from regionready.engine.rules import load_rules
from regionready.errors import EXIT_OK, EXIT_USAGE, UsageError
from regionready.wording import plural

NAME = "remediate"
HELP = "plan (and with --apply, make) the fixes for a snapshot's findings, target Region only"
AUDIT_LOG = "remediation-audit.jsonl"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("snapshot", type=Path, help="snapshot directory written by 'collect'")
    parser.add_argument(
        "--rule", action="append", default=[], metavar="ID", help="only this rule; repeatable"
    )
    parser.add_argument(
        "--resource", default=None, metavar="GLOB", help="only resources whose id matches GLOB"
    )
    parser.add_argument(
        "--apply", action="store_true", help="make the changes (default: plan only)"
    )
    parser.add_argument("--yes", action="store_true", help="do not ask (needed without a terminal)")
    add_table_or_json_option(parser)
    parser.add_argument(
        "--audit-log",
        type=Path,
        default=None,
        metavar="FILE",
        help=f"with --apply: the JSON Lines log every change is appended to "
        f"(default: SNAPSHOT/{AUDIT_LOG})",
    )
    parser.add_argument(
        "--pem-dir",
        type=Path,
        default=None,
        help="certificate material for reimport: DIR/<domain>/cert.pem, key.pem, chain.pem",
    )
    parser.add_argument(
        "--trail-bucket",
        default=None,
        metavar="BUCKET",
        help="create-trail: the existing S3 bucket the new trail delivers to",
    )
    parser.add_argument(
        "--aws-config-file",
        type=Path,
        default=None,
        metavar="FILE",
        help="set-sts-regional: the AWS config file to edit (default: the one scanned)",
    )
    add_rules_dir_option(parser)
    add_clock_options(parser)
    add_session_options(parser, purpose="the changes (--apply)")


def run(args: argparse.Namespace) -> int:
    rules = load_rules(args.rules)
    by_id = {r.id: r for r in rules}
    scan = snapshot_manifest.read_scan(args.snapshot)
    report = runner.build_report(scan, rules, options.clock(args))
    results = [
        r
        for r in report.results
        if (not args.rule or r.rule_id in args.rule)
        and (not args.resource or fnmatch.fnmatchcase(r.resource_id, args.resource))
    ]
    plan_options = {
        "pem_dir": str(args.pem_dir) if args.pem_dir else None,
        "trail_bucket": args.trail_bucket,
        "aws_config_file": str(args.aws_config_file) if args.aws_config_file else None,
    }
    changes, notes = remediation.plan(results, by_id, scan, options=plan_options)
    print_plan(changes, notes, args.format)
    if not args.apply:
        if changes:
            print(
                "dry run: nothing was changed (add --apply to make these changes)", file=sys.stderr
            )
        return EXIT_OK
    if not changes:
        return EXIT_OK
    audit_log = args.audit_log or args.snapshot / AUDIT_LOG
    check_audit_log(audit_log)  # every change is logged: fail before making any
    if not args.yes:
        if not sys.stdin.isatty():
            raise UsageError("--apply in a non-interactive run also needs --yes")
        answer = input(f"apply {plural(len(changes), 'change')}? [y/N] ").strip().lower()
        if answer not in ("y", "yes"):
            print("nothing was changed", file=sys.stderr)
            return EXIT_OK
    # Imported here: regionready.collect.driver imports boto3 (about 0.2 s and 10 MiB); only
    # --apply talks to AWS.
    from regionready.collect import sessions

    endpoint = args.endpoint_url or os.environ.get("AWS_ENDPOINT_URL")
    spec = sessions.SessionSpec(args.profile, args.role_arn, args.external_id, endpoint)
    session = sessions.open_session(spec)
    account = sessions.AccountSession(session, endpoint, sessions.botocore_config())

    def clients_for(change: remediation.Change) -> remediation.TargetClients:
        return remediation.TargetClients(account.client, change.source, change.target)

    outcomes = remediation.apply(changes, clients_for, audit_log=audit_log)
    print_outcomes(outcomes)
    print(f"audit log: {sanitize.text(audit_log)}", file=sys.stderr)
    return EXIT_USAGE if any(o.status == "failed" for o in outcomes) else EXIT_OK


def check_audit_log(path: Path) -> None:
    """An OSError naming ``path`` (exit 2) unless the audit log can be appended to: a
    regular file, or none yet (it is created empty), never through a symlink."""
    path.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise OSError(exc.errno, "a symlink: give the log file itself", str(path)) from None
        if exc.errno == errno.ENXIO:  # a FIFO nobody reads
            raise OSError(exc.errno, "not a regular file", str(path)) from None
        raise
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
    finally:
        os.close(fd)


def print_outcomes(outcomes: list[remediation.Outcome]) -> None:
    """One line per applied (or skipped, failed, not run) change; names and AWS error
    texts are untrusted and leave made inert (regionready.sanitize)."""
    for outcome in outcomes:
        print(
            f"{outcome.status:9} {sanitize.text(outcome.change.action)} "
            f"{sanitize.text(outcome.change.resource)}: {sanitize.text(outcome.detail)}"
        )


def print_plan(changes: list[remediation.Change], notes: list[str], fmt: str) -> None:
    """The plan as JSON, or as the table a person reads before ``--apply``."""
    if fmt == "json":
        print(json.dumps({"changes": [c.to_dict() for c in changes], "notes": notes}, indent=2))
        return

    def cell(value: object) -> Text:
        # A human reads this table before --apply: no escape sequence, bidi override or
        # line break may change what it shows (regionready.sanitize), and no rich markup
        # is read in it (a Text, not a markup string: rich's markup eats a backslash
        # before "[", escaped or not).
        return Text(sanitize.text(value))

    table = Table(title=f"remediation plan: {plural(len(changes), 'change')}", title_justify="left")
    for column in ("action", "region", "resource", "fixes", "change"):
        # Long names wrap onto more lines, never cut short with "…".
        table.add_column(column, overflow="fold")
    for change in changes:
        table.add_row(
            cell(change.action),
            cell(change.region),
            cell(change.resource),
            cell(change.rule_id),
            cell(change.summary + (f" [needs: {change.blocked}]" if change.blocked else "")),
        )
    console = Console(soft_wrap=True, highlight=False, emoji=False)
    console.print(table)
    for note in notes:
        console.print(Text("note: ") + cell(note))
