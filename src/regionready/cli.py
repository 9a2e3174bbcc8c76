"""regionready command line: collect, evaluate, scan, demo, rules, iam-policy.

The CLI owns files, flags and exit codes; it wires collectors, the engine and the
reporters together and never lets a traceback reach the user for bad input.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import yaml

from regionready import __version__, registry, sanitize
from regionready.errors import RegionReadyError
from regionready.gate import EXIT_OK, EXIT_USAGE, FAIL_ON_CHOICES, exit_code
from regionready.rules import Rule, RuleError, load_rules
from regionready.wording import plural

REGION_HELP = "AWS Region code"
EPILOG = textwrap.dedent(
    """\
    exit codes:
      0  ready: no finding at or above --fail-on
      1  findings at or above --fail-on (default: high)
      2  usage or configuration error (bad flag, rule file or snapshot), or an
         output that cannot be written (the line names the path)
      3  incomplete: something could not be read (ERROR results); see --allow-incomplete

    examples:
      regionready demo                                   # no AWS account needed
      regionready scan --source me-central-1 --target eu-central-1 --out scan/
      regionready collect --source me-central-1 --target eu-central-1 --out scan/
      regionready evaluate scan/ --cutover-date 2026-12-01 --format json --out reports/
      regionready iam-policy --services acm,kms > regionready-readonly.json
    """
)


class UsageError(RegionReadyError):
    """Bad input from the user: printed as one line, exit 2."""


def _one_line(text: object) -> str:
    """A message on one inert line: text from input files (a key, a role name, a
    suppression's owner) must not forge lines or drive the terminal (regionready.sanitize)."""
    return sanitize.message(text)


# -- argument helpers ------------------------------------------------------------------


def _time(text: str) -> dt.datetime:
    from regionready.functions import parse_time

    parsed = parse_time(text)
    if parsed is None:
        raise argparse.ArgumentTypeError(f"not an ISO-8601 date or time: {text!r}")
    return parsed


def _csv(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


#: CloudTrail event history keeps 90 days of management events.
CLOUDTRAIL_MAX_DAYS = 90


def _cloudtrail_days(text: str) -> float:
    try:
        days = float(text)
    except ValueError:
        days = float("nan")
    if not 0 < days <= CLOUDTRAIL_MAX_DAYS:  # also refuses nan
        raise argparse.ArgumentTypeError(
            f"--cloudtrail-days wants a number of days above 0 and at most "
            f"{CLOUDTRAIL_MAX_DAYS}, got {text!r}"
        )
    return days


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return value


def _param(text: str) -> tuple[str, str, Any]:
    """``ACM-003.days=45`` -> ("ACM-003", "days", 45)."""
    if "=" not in text or "." not in text.split("=", 1)[0]:
        raise argparse.ArgumentTypeError(f"--param wants RULE.NAME=VALUE, got {text!r}")
    left, raw = text.split("=", 1)
    rule_id, name = left.split(".", 1)
    try:
        return rule_id, name, yaml.safe_load(raw)
    except yaml.YAMLError as exc:  # e.g. an unknown tag: argparse only catches ValueError
        problem = " ".join(str(getattr(exc, "problem", None) or "not a YAML value").split())
        raise argparse.ArgumentTypeError(f"--param {text!r}: {problem}") from exc


def _add_rule_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--rules",
        action="append",
        type=Path,
        default=[],
        metavar="DIR",
        help="extra rules directory (<DIR>/<service>/<ID>.yaml); repeatable",
    )
    parser.add_argument(
        "--only", type=_csv, default=None, metavar="IDS", help="only these rule ids (comma list)"
    )
    parser.add_argument(
        "--param",
        action="append",
        type=_param,
        default=[],
        metavar="RULE.NAME=VALUE",
        help="override a rule parameter, e.g. --param ACM-003.days=45; repeatable",
    )


def _add_evaluate_options(parser: argparse.ArgumentParser) -> None:
    _add_rule_options(parser)
    parser.add_argument(
        "--now", type=_time, default=None, help="evaluate as of this time (default: the clock)"
    )
    parser.add_argument(
        "--cutover-date",
        type=_time,
        default=None,
        help="count expiry windows from this date instead of now",
    )
    parser.add_argument(
        "--format",
        type=_csv,
        default=["table"],
        help="comma list of outputs: table (console) and report formats "
        f"({', '.join(_formats())}); default: table",
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="directory for report files (default: .)"
    )
    parser.add_argument(
        "--fail-on",
        choices=FAIL_ON_CHOICES,
        default="high",
        help="lowest severity that fails the gate (default: high)",
    )
    parser.add_argument(
        "--allow-incomplete",
        action="store_true",
        help="do not exit 3 when something could not be read (ERROR results stay in reports)",
    )
    parser.add_argument("--redact", action="store_true", help="mask account ids in reports")
    parser.add_argument(
        "--suppressions",
        type=Path,
        default=None,
        metavar="FILE",
        help="YAML of accepted findings (rule, resource glob, reason, owner, expires)",
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        default=None,
        metavar="REPORT",
        help="a previous JSON report: fail only on findings that are new since it",
    )
    parser.add_argument(
        "--step-summary",
        action="store_true",
        help="append the Markdown report to $GITHUB_STEP_SUMMARY (GitHub Actions)",
    )


def _add_collect_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--source", required=True, metavar="REGION", help=f"source {REGION_HELP}, e.g. me-central-1"
    )
    parser.add_argument(
        "--target", required=True, metavar="REGION", help=f"target {REGION_HELP}, e.g. eu-central-1"
    )
    parser.add_argument(
        "--services",
        type=_csv,
        default=None,
        help=f"comma list of services (default: all: {', '.join(registry.service_names())})",
    )
    parser.add_argument("--profile", default=None, help="AWS shared-config profile")
    parser.add_argument("--role-arn", default=None, help="role to assume for the scan")
    parser.add_argument("--external-id", default=None, help="external id for --role-arn")
    parser.add_argument(
        "--endpoint-url",
        default=None,
        help="send every AWS call here (e.g. a moto server); AWS_ENDPOINT_URL also works",
    )
    parser.add_argument(
        "--accounts",
        type=Path,
        default=None,
        metavar="FILE",
        help="organisation scan: YAML list of accounts (id, role, external_id, source, target)",
    )
    parser.add_argument(
        "--shard",
        default=None,
        metavar="I/N",
        help="with --accounts: scan only the I-th of N slices (CI matrix); join with 'merge'",
    )
    parser.add_argument(
        "--cloudtrail-days",
        type=_cloudtrail_days,
        default=7,
        metavar="DAYS",
        help="STS calls are looked up in this many days of CloudTrail history (default 7)",
    )
    parser.add_argument(
        "--cloudtrail-max-events",
        type=_positive_int,
        default=1000,
        metavar="N",
        help="read at most N CloudTrail events per Region, newest first (default 1000)",
    )
    parser.add_argument(
        "--iac",
        "--code",
        action="append",
        type=Path,
        default=[],
        metavar="PATH",
        help="also check templates, policies, config and code under PATH (repeatable)",
    )
    parser.add_argument(
        "--checkov", default=None, metavar="PATH", help="checkov executable for IAC-003"
    )
    parser.add_argument(
        "--checkov-timeout",
        type=_positive_int,
        default=900,
        metavar="SECONDS",
        help="stop checkov after SECONDS per scanned folder; IAC-003 is then ERROR (default 900)",
    )
    parser.add_argument("--workers", type=int, default=8, help="parallel collectors (default 8)")
    parser.add_argument("--quiet", action="store_true", help="no progress output on stderr")
    parser.add_argument(
        "--debug",
        action="store_true",
        help="a collector that fails with a Python error: append its traceback to debug.log "
        "in the snapshot folder (the error names the entry)",
    )
    add_region_options(parser)


def add_region_options(parser: argparse.ArgumentParser) -> None:
    """The flag every command taking ``--source``/``--target`` has (``_check_regions``)."""
    parser.add_argument(
        "--allow-unknown-region",
        action="store_true",
        help="accept a well-formed Region code this botocore does not know yet (a new Region)",
    )


def _formats() -> list[str]:
    try:
        return registry.formats()
    except Exception:  # pragma: no cover - only while a reporter is broken
        return []


def _collectors() -> list[str]:
    return registry.names("collectors")


# -- commands ----------------------------------------------------------------------------


def _load_rules(args: argparse.Namespace) -> list[Rule]:
    rules = load_rules(args.rules)
    if getattr(args, "only", None):
        known = {r.id for r in rules}
        unknown = sorted(set(args.only) - known)
        if unknown:
            raise UsageError(f"--only names unknown rules: {', '.join(unknown)}")
        rules = [r for r in rules if r.id in set(args.only)]
    overrides: dict[str, dict[str, Any]] = {}
    for rule_id, name, value in getattr(args, "param", []) or []:
        overrides.setdefault(rule_id, {})[name] = value
    by_id = {r.id: r for r in rules}
    for rule_id, values in overrides.items():
        if rule_id not in by_id:
            raise UsageError(f"--param names unknown rule {rule_id}")
        by_id[rule_id] = by_id[rule_id].with_params(values)
    return sorted(by_id.values(), key=lambda r: r.id)


def _check_formats(formats: list[str]) -> list[str]:
    known = set(_formats())
    reports = []
    for name in formats:
        if name == "table":
            continue
        if name not in known:
            raise UsageError(f"unknown format '{name}' (known: table, {', '.join(sorted(known))})")
        reports.append(name)
    return reports


def _apply_gate_inputs(args: argparse.Namespace, report: Any) -> tuple[list[Any], Any]:
    """Suppressions and baseline; returns the results the gate judges and, with
    ``--baseline``, the comparison with it (a ``baseline.Diff``; else None)."""
    from regionready import baseline, suppressions
    from regionready.model import Status

    if args.suppressions:
        entries = suppressions.load(args.suppressions)
        today = dt.date.fromisoformat(report.scan.now[:10])
        for notice in suppressions.apply(report.results, entries, today):
            print(f"regionready: warning: {_one_line(notice)}", file=sys.stderr)
    gated = list(report.results)
    changes = None
    if args.baseline:
        old = baseline.load_report(args.baseline)
        new = {id(r) for r in baseline.mark_new(report.results, old)}
        gated = [r for r in report.results if r.status is not Status.FAIL or id(r) in new]
        # A baseline finding whose check is ERROR now is "not evaluated", never "fixed".
        changes = baseline.diff(old, {"results": baseline.records(report.results)})
    return gated, changes


def _emit(args: argparse.Namespace, report: Any) -> int:
    from regionready.runner import write_reports

    report_formats = _check_formats(args.format)
    gated, changes = _apply_gate_inputs(args, report)
    out = args.out or Path(".")
    if report_formats:
        _make_dir(out)  # before anything is printed: an unusable --out is exit 2 at once
    if "table" in args.format or not report_formats:
        from regionready.console import print_summary  # rich: only for the table

        print_summary(
            report,
            fail_on=args.fail_on,
            gated=gated if changes is not None else None,
            baseline=changes.summary() + " since the baseline" if changes is not None else None,
        )
    if report_formats:
        for path in write_reports(
            report, report_formats, out, redact=args.redact, fail_on=args.fail_on
        ):
            print(f"wrote {sanitize.text(path)}", file=sys.stderr)
        if "table" not in args.format:
            # Without the table a CI log would hold only "wrote ..." lines: the verdict
            # still goes to stdout, where the table puts it (every report is a file).
            from regionready.console import plain_verdict_line

            gate = gated if changes is not None else None
            print(plain_verdict_line(report, fail_on=args.fail_on, gated=gate))
    if args.step_summary:
        _append_step_summary(report, args)
    return exit_code(gated, fail_on=args.fail_on, allow_incomplete=args.allow_incomplete)


def _make_dir(path: Path) -> None:
    """Create the output folder ``path`` now (an OSError names it: exit 2, one line)."""
    path.mkdir(parents=True, exist_ok=True)


def _append_step_summary(report: Any, args: argparse.Namespace) -> None:
    from regionready import registry
    from regionready.model import Severity

    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        print(
            "regionready: warning: --step-summary: GITHUB_STEP_SUMMARY is not set", file=sys.stderr
        )
        return
    gate = Severity(args.fail_on) if args.fail_on != "none" else None
    text = registry.reporter("markdown").render(report, redact=args.redact, fail_on=gate)
    with open(target, "a", encoding="utf-8") as handle:
        handle.write(text if text.endswith("\n") else text + "\n")


def _clock(args: argparse.Namespace) -> Any:
    from regionready.runner import Clock

    return Clock(now=args.now or dt.datetime.now(dt.UTC), cutover=args.cutover_date)


def cmd_evaluate(args: argparse.Namespace) -> int:
    from regionready.runner import build_report
    from regionready.snapshot import read_scan

    rules = _load_rules(args)
    _check_formats(args.format)
    # The snapshot is released as soon as the report exists: the reporters reuse its memory.
    report = build_report(read_scan(args.snapshot), rules, _clock(args))
    return _emit(args, report)


def _collect(args: argparse.Namespace, out: Path) -> Path:
    from regionready import accounts, collect
    from regionready.snapshot import DEBUG_LOG, check_replaceable, write_scan

    if args.shard and not args.accounts:
        raise UsageError("--shard needs --accounts (it splits the account list)")
    # Before minutes of collection: a folder that cannot be replaced fails now.
    check_replaceable(out)
    services = registry.collector_names(args.services) if args.services else _collectors()
    for name in services:
        registry.collector(name)
    options: dict[str, Any] = {
        "cloudtrail_days": args.cloudtrail_days,
        "cloudtrail_max_events": args.cloudtrail_max_events,
    }
    if getattr(args, "debug", False):
        # Appended to while collecting; write_scan keeps it in the new snapshot folder.
        options[collect.DEBUG_LOG_OPTION] = str(out / DEBUG_LOG)
    if args.iac:
        from regionready.iac import cli as iac_cli

        iac_cli.check_checkov(args)
        options |= {
            "code_paths": [str(p) for p in args.iac],
            "code_base": str(Path.cwd()),
            "source_region": args.source,
            "target_region": args.target,
            "checkov": args.checkov,
            "checkov_timeout": args.checkov_timeout,
        }
        if "iac" not in services:
            services.append("iac")
    endpoint = args.endpoint_url or os.environ.get("AWS_ENDPOINT_URL")
    _limit_malloc_arenas()
    started = dt.datetime.now(dt.UTC)
    spec = collect.SessionSpec(args.profile, args.role_arn, args.external_id, endpoint)
    session = collect.open_session(spec)
    account_regions: dict[str, dict[str, str]] = {}
    if args.accounts:
        specs = accounts.load(args.accounts)
        if args.shard:
            specs = accounts.shard(specs, *accounts.parse_shard(args.shard))
        if not specs:
            raise UsageError(f"--shard {args.shard} selects no account")
        results = collect.collect_organisation(
            session,
            specs,
            source=args.source,
            target=args.target,
            services=services,
            endpoint_url=endpoint,
            workers=args.workers,
            progress=not args.quiet,
            options=options,
        )
        account_regions = {
            s.id: {"source": s.source or args.source, "target": s.target or args.target}
            for s in specs
            if s.source or s.target
        }
    else:
        account = collect.AccountSession(session, endpoint, collect.botocore_config())
        results = [
            collect.collect_account(
                account,
                regions=[args.source, args.target],
                services=services,
                workers=args.workers,
                progress=not args.quiet,
                options=options,
            )
        ]
    manifest = collect.build_manifest(
        source=args.source,
        target=args.target,
        results=results,
        services=services,
        started_at=started,
        finished_at=dt.datetime.now(dt.UTC),
        rules_version=__version__,
        account_regions=account_regions,
    )
    documents = {key: doc for result in results for key, doc in result.documents.items()}
    local = next((r.local for r in results if r.local), None)
    write_scan(out, manifest, documents, local)
    return out


#: glibc's malloc arenas for the collector threads (its default is 8 per core). The
#: threads spend their time waiting on the network or holding the GIL, so more arenas buy
#: no speed, only memory that stays mapped after each burst of parsing (~15 MiB in a
#: full-catalogue scan). ``MALLOC_ARENA_MAX`` in the environment wins.
MALLOC_ARENAS = 2
_M_ARENA_MAX = -8  # mallopt() parameter number, from glibc's malloc.h


def _libc() -> Any:
    """glibc through ctypes, or None (another C library, another OS)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt  # noqa: B018 - present in glibc only
        libc.malloc_trim  # noqa: B018
    except (OSError, AttributeError):
        return None
    return libc


def _limit_malloc_arenas() -> None:
    """Cap glibc's malloc arenas before the collector threads start (see MALLOC_ARENAS)."""
    if "MALLOC_ARENA_MAX" in os.environ:
        return
    libc = _libc()
    if libc is not None:
        libc.mallopt(_M_ARENA_MAX, MALLOC_ARENAS)


def _release_memory() -> None:
    """Collect garbage and return free heap memory to the OS (glibc's malloc_trim)."""
    import gc

    gc.collect()
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)


def _check_regions(args: argparse.Namespace) -> None:
    """``--source`` and ``--target`` against botocore's Regions (regionready.region_codes),
    before credentials, sessions or files: a typo is one line with "did you mean", exit 2;
    a well-formed code botocore does not know passes only with --allow-unknown-region."""
    from regionready import region_codes

    allow = bool(getattr(args, "allow_unknown_region", False))
    for flag in ("source", "target"):
        problem = region_codes.problem(f"--{flag}", getattr(args, flag), allow_unknown=allow)
        if problem:
            raise UsageError(problem)
        verdict = region_codes.classify(getattr(args, flag))
        note = region_codes.warning(f"--{flag}", verdict)
        if note:
            print(f"regionready: warning: {_one_line(note)}", file=sys.stderr)
    if args.source == args.target:
        raise UsageError("--source and --target must be different Regions")


def cmd_collect(args: argparse.Namespace) -> int:
    _check_regions(args)
    out = args.out or Path("regionready-scan")
    _collect(args, out)
    print(f"snapshot written to {out}/ (next: regionready evaluate {out})", file=sys.stderr)
    return EXIT_OK


def cmd_scan(args: argparse.Namespace) -> int:
    from regionready.runner import build_report
    from regionready.snapshot import read_scan

    _check_regions(args)
    rules = _load_rules(args)
    _check_formats(args.format)
    snapshot_dir = args.snapshot_dir or (args.out or Path(".")) / "snapshot"
    _collect(args, snapshot_dir)
    # The collection's clients, models and documents are garbage now: hand their memory
    # back before the snapshot is read again and evaluated.
    _release_memory()
    report = build_report(read_scan(snapshot_dir), rules, _clock(args))
    return _emit(args, report)


def cmd_demo(args: argparse.Namespace) -> int:
    from regionready.demo.run import run_demo

    return run_demo(out=args.out, fail_on=args.fail_on, remediate=args.remediate)


def cmd_rules_list(args: argparse.Namespace) -> int:
    from regionready.reads import rule_reads

    rules = load_rules(args.rules)
    if args.format == "json":
        rows = [
            {
                "id": r.id,
                "service": r.service,
                "kind": r.kind,
                "severity": r.severity.value,
                "title": r.title,
                "path": r.path,
                # What the rule reads: a result is ERROR exactly when this is incomplete.
                "reads": rule_reads(r).to_dict(),
            }
            for r in rules
        ]
        print(json.dumps(rows, indent=2))
        return EXIT_OK
    from rich.console import Console
    from rich.table import Table

    table = Table(title=plural(len(rules), "rule"), title_justify="left")
    for column in ("id", "service", "kind", "severity", "title"):
        table.add_column(column, overflow="fold")
    for r in rules:
        table.add_row(r.id, r.service, r.kind, r.severity.value, r.title)
    Console(soft_wrap=True).print(table)
    return EXIT_OK


def cmd_rules_validate(args: argparse.Namespace) -> int:
    """Every problem of every rule file, one ``path:line: field: message`` line each on
    stdout, then one error line (the first problem) and exit 2; or ``N rule files valid``."""
    from regionready.rules import validate_rules

    count, errors = validate_rules(args.paths, args.rules)
    if errors:
        for error in errors:
            print(_one_line(error))
        more = len(errors) - 1
        raise RuleError(
            errors[0] + (f" (and {more} more, all {len(errors)} listed on stdout)" if more else "")
        )
    print(f"{plural(count, 'rule file')} valid")
    return EXIT_OK


def cmd_rules_test(args: argparse.Namespace) -> int:
    from regionready.fixtures import fixture_files, run_fixture_file
    from regionready.rules import builtin_rules_dir

    rules = {r.id: r for r in load_rules(args.rules)}
    dirs = [builtin_rules_dir(), *args.rules]
    outcomes = []
    for directory in dirs:
        for path in fixture_files(directory):
            outcomes.extend(run_fixture_file(path, rules))
    if args.only:
        outcomes = [o for o in outcomes if o.rule_id in set(args.only)]
    failed = [o for o in outcomes if not o.ok]
    for outcome in outcomes:
        mark = "ok  " if outcome.ok else "FAIL"
        if args.verbose or not outcome.ok:
            print(f"{mark} {outcome.label}  ({outcome.path}:{outcome.line})")
        for problem in outcome.problems:
            print(f"       {problem}")
    untested = sorted(set(rules) - {o.rule_id for o in outcomes})
    if untested and not args.only:
        print(f"rules with no fixture: {', '.join(untested)}")
    print(f"{len(outcomes) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed or (untested and not args.only) else EXIT_OK


def cmd_rules_docs(args: argparse.Namespace) -> int:
    from regionready.ruledocs import catalogue_path, stale_pages, write_docs

    rules = load_rules(args.rules)
    if args.check:
        stale = stale_pages(rules, args.out)
        if stale:
            names = ", ".join(str(path) for path in stale)
            print(f"out of date: {names} (run 'regionready rules docs')")
            return 1
        print(f"{args.out} and {catalogue_path(args.out)} are up to date")
        return EXIT_OK
    written = write_docs(rules, args.out)
    print(
        f"wrote {plural(len(written), 'file')}: {args.out}/ and {catalogue_path(args.out)}",
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_rules_schema(args: argparse.Namespace) -> int:
    from regionready.rules import rule_schema

    print(json.dumps(rule_schema(), indent=2))
    return EXIT_OK


def cmd_rules_functions(args: argparse.Namespace) -> int:
    from regionready.functions import (
        BUILTIN_FUNCTIONS,
        CUSTOM_FUNCTIONS,
        function_arguments,
        function_summary,
    )
    from regionready.operators import OPERATORS

    # The same summaries as docs/checks.md (regionready.ruledocs): one docstring each.
    print("regionready functions:")
    for name in CUSTOM_FUNCTIONS:
        print(f"  {name}({', '.join(function_arguments(name))})  {function_summary(name)}")
    print("JMESPath built-ins: " + ", ".join(BUILTIN_FUNCTIONS))
    print("operators:")
    for op in OPERATORS.values():
        print(f"  {op.name:13} {op.doc}")
    return EXIT_OK


def cmd_merge(args: argparse.Namespace) -> int:
    from regionready.merge import merge_scans

    manifest = merge_scans(args.out, args.shards)
    print(
        f"merged {plural(len(args.shards), 'snapshot')} "
        f"({plural(len(manifest['accounts']), 'account')}) "
        f"into {args.out}/",
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_diff(args: argparse.Namespace) -> int:
    from regionready import baseline
    from regionready.gate import EXIT_FINDINGS
    from regionready.model import Severity

    # A finding of OLD whose check is ERROR (or did not run) in NEW is "not evaluated",
    # never "fixed"; one SUPPRESSED in NEW is "suppressed" (see regionready.baseline).
    changes = baseline.diff(baseline.load_report(args.old), baseline.load_report(args.new))
    if args.format == "json":
        print(json.dumps(changes.to_dict(), indent=2, sort_keys=True))
    else:
        for label, items in (
            ("new", changes.new),
            ("fixed", changes.fixed),
            ("unchanged", changes.unchanged),
            ("not evaluated", changes.not_evaluated),
            ("suppressed", changes.suppressed),
        ):
            for item in items:
                # Report text is untrusted: names and messages leave here made inert.
                severity, rule_id, region, message = (
                    sanitize.text(item.get(key) or "")
                    for key in ("severity", "rule_id", "region", "message")
                )
                print(f"{label:13} {severity:8} {rule_id} {region}: {message}")
        print(changes.summary())
    if args.fail_on == "none":
        return EXIT_OK
    threshold = Severity(args.fail_on)
    gating = [r for r in changes.new if Severity(r.get("severity", "note")).at_least(threshold)]
    return EXIT_FINDINGS if gating else EXIT_OK


def cmd_iam_policy(args: argparse.Namespace) -> int:
    from regionready.collect import iam_policy

    if args.remediation:
        from regionready import remediation

        names = args.actions or remediation.action_names()
        policy = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "RegionReadyRemediation",
                    "Effect": "Allow",
                    "Action": remediation.permissions(names),
                    "Resource": "*",
                }
            ],
        }
        print(json.dumps(policy, indent=2))
        return EXIT_OK
    services = registry.collector_names(args.services) if args.services else _collectors()
    print(json.dumps(iam_policy(services), indent=2))
    return EXIT_OK


def cmd_remediate(args: argparse.Namespace) -> int:
    import fnmatch

    from regionready import collect, remediation
    from regionready.runner import build_report
    from regionready.snapshot import read_scan

    rules = load_rules(args.rules)
    by_id = {r.id: r for r in rules}
    scan = read_scan(args.snapshot)
    report = build_report(scan, rules, _clock(args))
    results = [
        r
        for r in report.results
        if (not args.rule or r.rule_id in args.rule)
        and (not args.resource or fnmatch.fnmatchcase(r.resource_id, args.resource))
    ]
    options = {
        "pem_dir": str(args.pem_dir) if args.pem_dir else None,
        "trail_bucket": args.trail_bucket,
        "aws_config_file": str(args.aws_config_file) if args.aws_config_file else None,
    }
    changes, notes = remediation.plan(results, by_id, scan, options=options)
    _print_plan(changes, notes, args.format)
    if not args.apply:
        if changes:
            print(
                "dry run: nothing was changed (add --apply to make these changes)", file=sys.stderr
            )
        return EXIT_OK
    if not changes:
        return EXIT_OK
    audit_log = args.audit_log or args.snapshot / "remediation-audit.jsonl"
    _check_audit_log(audit_log)  # every change is logged: fail before making any
    if not args.yes:
        if not sys.stdin.isatty():
            raise UsageError("--apply in a non-interactive run also needs --yes")
        answer = input(f"apply {plural(len(changes), 'change')}? [y/N] ").strip().lower()
        if answer not in ("y", "yes"):
            print("nothing was changed", file=sys.stderr)
            return EXIT_OK
    endpoint = args.endpoint_url or os.environ.get("AWS_ENDPOINT_URL")
    spec = collect.SessionSpec(args.profile, args.role_arn, args.external_id, endpoint)
    session = collect.open_session(spec)
    account = collect.AccountSession(session, endpoint, collect.botocore_config())

    def clients_for(account_id: str) -> remediation.TargetClients:
        source, target = scan.pair(account_id)
        return remediation.TargetClients(account.client, source, target)

    outcomes = remediation.apply(changes, clients_for, audit_log=audit_log)
    _print_outcomes(outcomes)
    print(f"audit log: {sanitize.text(audit_log)}", file=sys.stderr)
    return EXIT_USAGE if any(o.status == "failed" for o in outcomes) else EXIT_OK


def _check_audit_log(path: Path) -> None:
    """An OSError naming ``path`` (exit 2) unless the audit log can be appended to: a
    regular file, or none yet (it is created empty), never through a symlink."""
    import errno
    import stat

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


def _print_outcomes(outcomes: list[Any]) -> None:
    """One line per applied (or skipped, failed, not run) change; names and AWS error
    texts are untrusted and leave made inert (regionready.sanitize)."""
    for outcome in outcomes:
        print(
            f"{outcome.status:9} {sanitize.text(outcome.change.action)} "
            f"{sanitize.text(outcome.change.resource)}: {sanitize.text(outcome.detail)}"
        )


def _print_plan(changes: list[Any], notes: list[str], fmt: str) -> None:
    if fmt == "json":
        print(json.dumps({"changes": [c.to_dict() for c in changes], "notes": notes}, indent=2))
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    def cell(value: object) -> str:
        # A human reads this table before --apply: no escape sequence, bidi override or
        # line break may change what it shows (regionready.sanitize), no rich markup.
        return escape(sanitize.text(value))

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
        console.print(f"note: {cell(note)}")


# -- parser ------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(
        prog="regionready",
        description=(
            "Is the target AWS Region ready for your security services? regionready "
            "snapshots a source and a target Region, checks readiness, parity and quotas "
            "with YAML rules, and reports in formats CI reads."
        ),
        epilog=EPILOG,
        formatter_class=formatter,
    )
    parser.add_argument("--version", action="version", version=f"regionready {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def add(name: str, func: Callable[[argparse.Namespace], int], help_text: str) -> Any:
        p = sub.add_parser(name, help=help_text, description=help_text, formatter_class=formatter)
        p.set_defaults(func=func)
        return p

    p = add("collect", cmd_collect, "snapshot the source and target Regions into a directory")
    _add_collect_options(p)
    p.add_argument(
        "--out", type=Path, default=None, help="snapshot directory (default: regionready-scan)"
    )

    p = add("evaluate", cmd_evaluate, "judge a snapshot directory with the rules (offline)")
    p.add_argument("snapshot", type=Path, help="snapshot directory written by 'collect'")
    _add_evaluate_options(p)

    p = add("scan", cmd_scan, "collect, then evaluate (the CI gate)")
    _add_collect_options(p)
    _add_evaluate_options(p)
    p.add_argument(
        "--snapshot-dir",
        type=Path,
        default=None,
        help="where to keep the snapshot (default: OUT/snapshot)",
    )

    p = add("demo", cmd_demo, "scan a simulated account (moto, in-process): no AWS account needed")
    p.add_argument("--out", type=Path, default=Path("regionready-demo"), help="output directory")
    p.add_argument(
        "--fail-on",
        choices=FAIL_ON_CHOICES,
        default="high",
        help="lowest severity the verdict counts as failing (default: high); the demo exits 0",
    )
    p.add_argument(
        "--remediate",
        action="store_true",
        help="also plan and apply the fixes in the simulated target, then scan again",
    )

    from regionready.iac import cli as iac_cli

    p = add("iac", iac_cli.run, iac_cli.HELP)
    iac_cli.add_arguments(p)

    p = add("merge", cmd_merge, "join snapshot shards (from --shard i/N) into one snapshot")
    p.add_argument("shards", nargs="+", type=Path, help="snapshot directories to join")
    p.add_argument("--out", type=Path, required=True, help="the merged snapshot directory")

    p = add("diff", cmd_diff, "new, fixed and unchanged findings between two JSON reports")
    p.add_argument("old", type=Path, help="the earlier JSON report")
    p.add_argument("new", type=Path, help="the later JSON report")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument(
        "--fail-on",
        choices=FAIL_ON_CHOICES,
        default="high",
        help="exit 1 when a NEW finding is at or above this severity (default: high)",
    )

    p = add("iam-policy", cmd_iam_policy, "print the least-privilege read-only IAM policy")
    p.add_argument(
        "--services",
        type=_csv,
        default=None,
        help="comma list of services, as for scan (default: all)",
    )
    p.add_argument(
        "--remediation",
        action="store_true",
        help="print the write permissions of the remediation actions instead",
    )
    p.add_argument("--actions", type=_csv, default=None, help="with --remediation: these actions")

    p = add(
        "remediate",
        cmd_remediate,
        "plan (and with --apply, make) the fixes for a snapshot's findings, target Region only",
    )
    p.add_argument("snapshot", type=Path, help="snapshot directory written by 'collect'")
    p.add_argument("--rule", action="append", default=[], metavar="ID", help="only this rule")
    p.add_argument("--resource", default=None, metavar="GLOB", help="only matching resources")
    p.add_argument("--apply", action="store_true", help="make the changes (default: plan only)")
    p.add_argument("--yes", action="store_true", help="do not ask (needed without a terminal)")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument(
        "--audit-log", type=Path, default=None, help="default: SNAPSHOT/remediation-audit.jsonl"
    )
    p.add_argument(
        "--pem-dir",
        type=Path,
        default=None,
        help="certificate material for reimport: DIR/<domain>/cert.pem, key.pem, chain.pem",
    )
    p.add_argument(
        "--trail-bucket",
        default=None,
        metavar="BUCKET",
        help="create-trail: the existing S3 bucket the new trail delivers to",
    )
    p.add_argument(
        "--aws-config-file",
        type=Path,
        default=None,
        metavar="FILE",
        help="set-sts-regional: the AWS config file to edit (default: the one scanned)",
    )
    p.add_argument("--rules", action="append", type=Path, default=[], metavar="DIR")
    p.add_argument("--now", type=_time, default=None)
    p.add_argument("--cutover-date", type=_time, default=None)
    p.add_argument("--profile", default=None)
    p.add_argument("--role-arn", default=None)
    p.add_argument("--external-id", default=None)
    p.add_argument("--endpoint-url", default=None)

    rules = add("rules", lambda a: EXIT_USAGE, "list, validate and test rules")
    rsub = rules.add_subparsers(dest="rules_command", metavar="ACTION", required=True)

    def radd(name: str, func: Callable[[argparse.Namespace], int], help_text: str) -> Any:
        p = rsub.add_parser(name, help=help_text, description=help_text, formatter_class=formatter)
        p.set_defaults(func=func)
        p.add_argument(
            "--rules",
            action="append",
            type=Path,
            default=[],
            metavar="DIR",
            help="extra rules directory; repeatable",
        )
        return p

    p = radd("list", cmd_rules_list, "list every rule (id, service, kind, severity, title)")
    p.add_argument(
        "--format", choices=("table", "json"), default="table", help="output (default: table)"
    )
    p = radd("validate", cmd_rules_validate, "check rule files against the schema and engine")
    p.add_argument("paths", nargs="*", type=Path, help="rule files or directories (default: all)")
    p = radd("test", cmd_rules_test, "run every rule's fixtures (fires / stays quiet)")
    p.add_argument(
        "--only", type=_csv, default=None, metavar="IDS", help="only these rule ids (comma list)"
    )
    p.add_argument("-v", "--verbose", action="store_true", help="list passing cases too")
    p = radd(
        "docs", cmd_rules_docs, "write docs/rules/<ID>.md and docs/checks.md from the rule files"
    )
    p.add_argument(
        "--out",
        type=Path,
        default=Path("docs/rules"),
        help="folder of the rule pages (default: docs/rules); checks.md goes beside it",
    )
    p.add_argument("--check", action="store_true", help="exit 1 if the docs are out of date")
    radd("schema", cmd_rules_schema, "print the rule file JSON Schema")
    radd("functions", cmd_rules_functions, "list the JMESPath functions and operators")
    return parser


def user_errors() -> tuple[type[BaseException], ...]:
    """Every exception :func:`main` reports as one line with exit 2, in one place:
    :class:`~regionready.errors.RegionReadyError` and the project's older error classes,
    until they derive from it too."""
    from regionready.accounts import AccountsError
    from regionready.collect import CollectError
    from regionready.inputfile import InputFileError
    from regionready.registry import UnknownPlugin
    from regionready.remediation import RemediationError
    from regionready.snapshot import SnapshotError
    from regionready.suppressions import SuppressionError
    from regionready.yamlsafe import YamlError

    return (
        RegionReadyError,  # UsageError, BaselineError, ...
        RuleError,
        SnapshotError,
        UnknownPlugin,
        CollectError,
        SuppressionError,
        AccountsError,
        RemediationError,
        InputFileError,
        YamlError,
    )


def _os_error(exc: OSError) -> str:
    """``<path>: <strerror>`` for an OSError about a path, else its own text."""
    if exc.filename is not None and exc.strerror:
        where = os.fsdecode(exc.filename)
        if exc.filename2 is not None:
            where += f" -> {os.fsdecode(exc.filename2)}"
        return f"{where}: {exc.strerror}"
    return str(exc) or type(exc).__name__


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; its exit code. Bad input, and any file that cannot be read or
    written (an OSError), is one ``regionready: error: ...`` line on stderr and exit 2,
    never a traceback. Everything printed goes through a :class:`sanitize.LineGuard`: no
    line of output can be taken for a GitHub Actions workflow command."""
    originals = (sys.stdout, sys.stderr)
    guarded = originals[0] is not None and originals[1] is not None
    if guarded:
        sys.stdout = sanitize.LineGuard(originals[0])
        sys.stderr = sanitize.LineGuard(originals[1])
    try:
        return _run(argv)
    finally:
        if guarded:
            for stream in (sys.stdout, sys.stderr):
                if isinstance(stream, sanitize.LineGuard):
                    with contextlib.suppress(OSError, ValueError):  # a closed pipe
                        stream.release()
            sys.stdout, sys.stderr = originals


def _run(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
        return code
    except user_errors() as exc:
        print(f"regionready: error: {_one_line(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("regionready: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except OSError as exc:  # an output (or input) that cannot be written or read
        print(f"regionready: error: {_one_line(_os_error(exc))}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
