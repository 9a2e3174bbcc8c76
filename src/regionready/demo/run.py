"""``regionready demo``: the real product against a simulated account, in one command.

moto runs in-process (no AWS account, no network); the account is seeded with known
readiness gaps, then the same collectors, engine and reporters as a real scan run.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from pathlib import Path
from typing import Any

import boto3

from regionready import __version__, registry
from regionready.gate import EXIT_OK, EXIT_USAGE

SOURCE = "me-central-1"
TARGET = "eu-central-1"


def _moto_missing() -> int:
    print(
        "regionready: error: the demo needs moto: pip install 'regionready[demo]'",
        file=sys.stderr,
    )
    return EXIT_USAGE


def _snapshot(
    session: boto3.Session,
    folder: Path,
    *,
    now: dt.datetime,
    services: list[str],
    options: dict[str, Any],
    progress: bool,
) -> Path:
    from regionready import collect
    from regionready.snapshot import write_scan

    account = collect.AccountSession(session, None, collect.botocore_config())
    result = collect.collect_account(
        account, regions=[SOURCE, TARGET], services=services, progress=progress, options=options
    )
    manifest = collect.build_manifest(
        source=SOURCE,
        target=TARGET,
        results=[result],
        services=services,
        started_at=now,
        finished_at=dt.datetime.now(dt.UTC),
        rules_version=__version__,
    )
    write_scan(folder, manifest, result.documents, result.local)
    return folder


def run_demo(
    out: Path, fail_on: str = "high", *, progress: bool = True, remediate: bool = False
) -> int:
    # moto reads this when it is imported: requested certificates are issued at once.
    os.environ["MOTO_ACM_VALIDATION_WAIT"] = "0"
    try:
        from moto import mock_aws
    except ImportError:
        return _moto_missing()

    from regionready.console import print_summary
    from regionready.demo.seed import seed_demo
    from regionready.rules import load_rules
    from regionready.runner import Clock, build_report, write_reports
    from regionready.snapshot import read_scan
    from regionready.testing import moto_gaps

    started = time.perf_counter()
    now = dt.datetime.now(dt.UTC)
    services = registry.names("collectors")
    rules = load_rules()
    saved_env = {k: os.environ.get(k) for k in ("AWS_ENDPOINT_URL", "AWS_PROFILE")}
    for key in saved_env:
        os.environ.pop(key, None)
    try:
        with mock_aws():
            session = boto3.Session(region_name=SOURCE)
            moto_gaps.install(session)
            plan = seed_demo(session, source=SOURCE, target=TARGET, now=now, workdir=out)
            options = plan.options
            snapshot_dir = _snapshot(
                session,
                out / "snapshot",
                now=now,
                services=services,
                options=options,
                progress=progress,
            )
            report = build_report(read_scan(snapshot_dir), rules, Clock(now))
            after = None
            if remediate:
                after = _remediate(
                    session, report, rules, snapshot_dir, out, now, services, options, fail_on
                )
    finally:
        for key, value in saved_env.items():
            if value is not None:
                os.environ[key] = value
    written = write_reports(report, registry.formats(), out, fail_on=fail_on)
    print(
        f"regionready demo: simulated account {plan.account_id}, "
        f"{SOURCE} -> {TARGET} (moto, in-process; nothing left this machine)\n"
    )
    print_summary(report, fail_on=fail_on)
    if after is not None:
        written_after = write_reports(after, ["json", "markdown"], out / "after", fail_on=fail_on)
        print("\nafter remediation:")
        print_summary(after, fail_on=fail_on)
        print(f"after-remediation reports: {', '.join(str(p) for p in written_after)}")
    print(f"\nsnapshot: {snapshot_dir}/")
    for path in written:
        print(f"report:   {path}")
    print(f"finished in {time.perf_counter() - started:.1f} s")
    return EXIT_OK


def _remediate(
    session: boto3.Session,
    report: Any,
    rules: list[Any],
    snapshot_dir: Path,
    out: Path,
    now: dt.datetime,
    services: list[str],
    options: dict[str, Any],
    fail_on: str,
) -> Any:
    """Plan, apply in the simulated target, re-scan: the before-and-after verdict."""
    from regionready import remediation
    from regionready.runner import Clock, build_report
    from regionready.snapshot import read_scan

    scan = read_scan(snapshot_dir)
    changes, notes = remediation.plan(report.results, {r.id: r for r in rules}, scan)
    print(f"remediation plan: {len(changes)} change(s) in {TARGET}")
    for change in changes:
        print(f"  {change.action:22} {change.resource}: {change.summary}")
    for note in notes:
        print(f"  note: {note}")

    def clients_for(_account: str) -> remediation.TargetClients:
        return remediation.TargetClients(
            lambda service, region: session.client(service, region_name=region), SOURCE, TARGET
        )

    outcomes = remediation.apply(changes, clients_for, audit_log=out / "remediation-audit.jsonl")
    for outcome in outcomes:
        print(f"  {outcome.status:9} {outcome.change.action} {outcome.change.resource}")
    after_dir = _snapshot(
        session,
        out / "snapshot-after",
        now=now,
        services=services,
        options=options,
        progress=False,
    )
    return build_report(read_scan(after_dir), rules, Clock(now))
