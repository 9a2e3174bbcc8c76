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


def run_demo(out: Path, fail_on: str = "high", *, progress: bool = True) -> int:
    # moto reads this when it is imported: requested certificates are issued at once.
    os.environ["MOTO_ACM_VALIDATION_WAIT"] = "0"
    try:
        from moto import mock_aws
    except ImportError:
        return _moto_missing()

    from regionready import collect
    from regionready.console import print_summary
    from regionready.demo.seed import seed_demo
    from regionready.rules import load_rules
    from regionready.runner import Clock, build_report, write_reports
    from regionready.snapshot import read_scan, write_scan
    from regionready.testing import moto_gaps

    started = time.perf_counter()
    now = dt.datetime.now(dt.UTC)
    services = registry.names("collectors")
    snapshot_dir = out / "snapshot"
    saved_env = {k: os.environ.get(k) for k in ("AWS_ENDPOINT_URL", "AWS_PROFILE")}
    for key in saved_env:
        os.environ.pop(key, None)
    try:
        with mock_aws():
            session = boto3.Session(region_name=SOURCE)
            moto_gaps.install(session)
            plan = seed_demo(session, source=SOURCE, target=TARGET, now=now)
            account = collect.AccountSession(session, None, collect.botocore_config())
            result = collect.collect_account(
                account, regions=[SOURCE, TARGET], services=services, progress=progress
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
            write_scan(snapshot_dir, manifest, result.documents, result.local)
    finally:
        for key, value in saved_env.items():
            if value is not None:
                os.environ[key] = value
    report = build_report(read_scan(snapshot_dir), load_rules(), Clock(now))
    written = write_reports(report, registry.formats(), out, fail_on=fail_on)
    print(
        f"regionready demo: simulated account {plan.account_id}, "
        f"{SOURCE} -> {TARGET} (moto, in-process; nothing left this machine)\n"
    )
    print_summary(report, fail_on=fail_on)
    print(f"\nsnapshot: {snapshot_dir}/")
    for path in written:
        print(f"report:   {path}")
    print(f"finished in {time.perf_counter() - started:.1f} s")
    return EXIT_OK
