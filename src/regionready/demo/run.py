"""``regionready demo``: the real product against a simulated account, in one command.

moto runs in-process (no AWS account, no network); the account is seeded with known
readiness gaps, then the same collectors, engine and reporters as a real scan run.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import boto3

from regionready import __version__, registry, topology
from regionready.errors import EXIT_OK, EXIT_USAGE, UsageError
from regionready.topology import Pair
from regionready.wording import plural

SOURCE = "me-central-1"
TARGET = "eu-central-1"
#: Why ``--remediate`` and ``--topology`` do not go together (a usage error).
REMEDIATE_ONE_PAIR = "--remediate works on the one pair of the default demo: leave out --topology"
#: Printed under a topology's first line: why its reports have no IaC results.
IAC_NOTE = (
    "no IaC checks: they read code for one pair "
    "('regionready iac PATH --source S --target T' for each)"
)


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
    pairs: list[Pair],
    now: dt.datetime,
    services: list[str],
    options: dict[str, Any],
    progress: bool,
) -> Path:
    """Collect every Region of ``pairs`` once and write the snapshot of those pairs."""
    from regionready.collect import driver as collect
    from regionready.collect import sessions
    from regionready.snapshot_write import write_scan

    account = sessions.AccountSession(session, None, sessions.botocore_config())
    result = collect.collect_account(
        account,
        regions=topology.regions(pairs),
        services=services,
        progress=progress,
        options=options,
    )
    manifest = collect.build_manifest(
        pairs=pairs,
        results=[result],
        services=services,
        started_at=now,
        finished_at=dt.datetime.now(dt.UTC),
        rules_version=__version__,
    )
    write_scan(folder, manifest, result.documents, result.local)
    return folder


def run_demo(
    out: Path,
    fail_on: str = "high",
    *,
    progress: bool = True,
    remediate: bool = False,
    topology_name: str | None = None,
) -> int:
    """Seed the simulated account, scan it and print the verdict. ``topology_name``
    (:data:`regionready.demo.topologies.TOPOLOGIES`): several Region pairs instead of
    the one, each judged and printed on its own; ``remediate`` needs the one pair."""
    if remediate and topology_name is not None:
        raise UsageError(REMEDIATE_ONE_PAIR)
    # moto reads this when it is imported: requested certificates are issued at once.
    os.environ["MOTO_ACM_VALIDATION_WAIT"] = "0"
    try:
        from moto import mock_aws
    except ImportError:
        return _moto_missing()

    from regionready.console import print_summary
    from regionready.demo import moto_gaps
    from regionready.demo.seed import seed_demo
    from regionready.demo.topologies import seed_topology, story
    from regionready.engine.evaluation import Clock
    from regionready.engine.rules import load_rules
    from regionready.runner import build_report, write_reports
    from regionready.snapshot_manifest import read_scan

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
            pairs = seed_topology(session, plan, topology_name)
            options = _scan_options(plan, pairs)
            snapshot_dir = _snapshot(
                session,
                out / "snapshot",
                pairs=pairs,
                now=now,
                services=services,
                options=options,
                progress=progress,
            )
            report = build_report(read_scan(snapshot_dir), rules, Clock(now))
            scanned = f"{SOURCE} -> {TARGET}"
            if topology_name is not None:
                scanned = f"{topology_name}, {', '.join(str(p) for p in pairs)}"
            print(
                f"regionready demo: simulated account {plan.account_id}, "
                f"{scanned} (moto, in-process; nothing left this machine)"
            )
            if topology_name is not None:
                for line in story(topology_name):
                    print(f"  {line}")
                print(f"  {IAC_NOTE}")
            print()
            if remediate:
                print("before remediation:")
            print_summary(report, fail_on=fail_on)
            for line in target_difference(report.results, pairs):
                print(line)
            after = None
            if remediate:
                print()
                after = _remediate(
                    session,
                    plan.account_id,
                    report,
                    rules,
                    snapshot_dir,
                    out,
                    now,
                    services,
                    options,
                )
    finally:
        for key, value in saved_env.items():
            if value is not None:
                os.environ[key] = value
    # Every format whose library is installed (ocsf needs the [ocsf] extra).
    formats = [name for name in registry.formats() if not registry.missing_dependency(name)]
    written = write_reports(report, formats, out, fail_on=fail_on)
    if after is not None:
        written_after = write_reports(after, ["json", "markdown"], out / "after", fail_on=fail_on)
        print("\nafter remediation:")
        print_summary(after, fail_on=fail_on)
        print(f"after-remediation reports: {', '.join(str(p) for p in written_after)}")
    print(f"\nsnapshot: {snapshot_dir}/")
    for path in written:
        print(f"report:   {path}")
    for name in sorted(set(registry.formats()) - set(formats)):
        print(f"report:   no {name}: {registry.missing_dependency(name)}")
    print(f"finished in {time.perf_counter() - started:.1f} s")
    note = no_gate_note(after if after is not None else report, fail_on)
    if note:
        print(note)
    return EXIT_OK


def _scan_options(plan: Any, pairs: list[Pair]) -> dict[str, Any]:
    """The seeders' collection options for ``pairs``: the IaC checks read code for one
    pair (``collect --iac`` refuses several), so a topology's demo leaves theirs out."""
    if len(pairs) == 1:
        return dict(plan.options)
    from regionready.demo import seed_iac

    iac = set(seed_iac.scan_options(plan))
    return {key: value for key, value in plan.options.items() if key not in iac}


def target_difference(results: Iterable[Any], pairs: list[Pair]) -> list[str]:
    """Lines that set each further target of one source against the first target: the
    checks that pass in it but fail in the first, by rule and resource name, and how
    many fail there only. No lines unless ``pairs`` are one source's several targets."""
    from regionready import sanitize
    from regionready.model import Status

    if topology.shape(pairs) != "several targets":
        return []

    def verdicts(pair: Pair) -> dict[tuple[str, str], Status]:
        found: dict[tuple[str, str], Status] = {}
        for r in results:
            if r.pair == pair.label and r.status in (Status.PASS, Status.FAIL):
                key = (r.rule_id, sanitize.text(r.resource_name or r.resource_id))
                if found.get(key) is not Status.FAIL:
                    found[key] = r.status
        return found

    first = pairs[0]
    theirs = verdicts(first)
    lines: list[str] = []
    for pair in pairs[1:]:
        ours = verdicts(pair)
        ready = sorted(
            k for k, s in ours.items() if s is Status.PASS and theirs.get(k) is Status.FAIL
        )
        only = sorted(
            k for k, s in ours.items() if s is Status.FAIL and theirs.get(k) is not Status.FAIL
        )
        lines.append(
            f"\n{pair.target} against {first.target} (both take over from {first.source}):"
        )
        listed = ", ".join(f"{rule} {name}" for rule, name in ready) or "nothing"
        lines.append(f"  ready in {pair.target}, not in {first.target}: {listed}")
        lines.append(
            f"  failing in {pair.target} only: {plural(len(only), 'check')}"
            + (" (see the reports)" if only else "")
        )
    return lines


def no_gate_note(report: Any, fail_on: str) -> str:
    """Why the demo exits 0 although its verdict fails ("" when a scan would exit 0 too):
    the demo shows the product, it does not gate; ``scan`` and ``evaluate`` do."""
    from regionready.errors import EXIT_INCOMPLETE
    from regionready.gate import exit_code

    code = exit_code(report.results, fail_on=fail_on, allow_incomplete=False)
    if code == EXIT_OK:
        return ""
    why = "incomplete" if code == EXIT_INCOMPLETE else f"findings at or above {fail_on}"
    return (
        f"exit 0: the demo does not gate; 'regionready scan' (or 'evaluate') with "
        f"--fail-on {fail_on} exits {code} on this verdict ({why})"
    )


#: What the demo's user supplies to remediation, as ``regionready remediate`` options.
TRAIL_BUCKET = "regionready-demo-trail-{account}-{region}"


def _trail_bucket(session: boto3.Session, account: str) -> str:
    """The S3 bucket a user names with --trail-bucket: made in the simulated target, with
    the bucket policy CloudTrail needs to deliver to it."""
    import json

    bucket = TRAIL_BUCKET.format(account=account, region=TARGET)
    trail_arn = f"arn:aws:cloudtrail:{TARGET}:{account}:trail/*"
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AWSCloudTrailAclCheck",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "s3:GetBucketAcl",
                "Resource": f"arn:aws:s3:::{bucket}",
                "Condition": {"ArnLike": {"aws:SourceArn": trail_arn}},
            },
            {
                "Sid": "AWSCloudTrailWrite",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": f"arn:aws:s3:::{bucket}/AWSLogs/{account}/*",
                "Condition": {
                    "StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"},
                    "ArnLike": {"aws:SourceArn": trail_arn},
                },
            },
        ],
    }
    s3 = session.client("s3", region_name=TARGET)
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": TARGET})
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
    return bucket


def _reissue(changes: list[Any], pem_dir: Path, now: dt.datetime) -> list[str]:
    """Write re-issued material (cert.pem, key.pem) for every reimport the plan asks
    material for, as the demo's user would: made here, never read from AWS. The domains."""
    from regionready.demo.certs import self_signed
    from regionready.remediation.actions import reimport

    written = []
    for change in changes:
        if change.action != reimport.ACTION or not change.blocked:
            continue
        domain = str(change.params["DomainName"])
        expect = change.params["Expect"]
        not_after = now + dt.timedelta(days=395)
        if expect.get("NotAfterAtLeast"):
            not_after = max(not_after, reimport.snapshot_time(expect["NotAfterAtLeast"]))
        cert_pem, key_pem = self_signed(
            domain,
            sorted(expect["Names"]),
            key_algorithm=str(expect["KeyAlgorithm"]),
            not_before=now - dt.timedelta(days=1),
            not_after=not_after.replace(microsecond=0) + dt.timedelta(days=1),
        )
        folder = reimport.material_folder(pem_dir, domain)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / reimport.CERT_FILE).write_bytes(cert_pem)
        key_path = folder / reimport.KEY_FILE
        key_path.touch(mode=0o600)
        key_path.write_bytes(key_pem)
        written.append(domain)
    return written


def _remediate(
    session: boto3.Session,
    account: str,
    report: Any,
    rules: list[Any],
    snapshot_dir: Path,
    out: Path,
    now: dt.datetime,
    services: list[str],
    options: dict[str, Any],
) -> Any:
    """Supply what a user would (a trail bucket, re-issued certificate material), plan,
    apply in the simulated target, re-scan: the before-and-after verdict."""
    import tempfile

    from regionready import remediation
    from regionready.engine.evaluation import Clock
    from regionready.runner import build_report
    from regionready.snapshot_manifest import read_scan

    scan = read_scan(snapshot_dir)
    by_id = {r.id: r for r in rules}
    with tempfile.TemporaryDirectory(prefix="pem-", dir=out) as pem_dir:
        supplied: dict[str, Any] = {"trail_bucket": _trail_bucket(session, account)}
        first, _ = remediation.plan(report.results, by_id, scan, options=supplied)
        reissued = _reissue(first, Path(pem_dir), now)
        if reissued:
            supplied["pem_dir"] = pem_dir
        changes, notes = remediation.plan(report.results, by_id, scan, options=supplied)
        print("remediation input, as a user would supply it:")
        print(f"  --trail-bucket {supplied['trail_bucket']} (made in {TARGET}, CloudTrail policy)")
        if reissued:
            print(
                f"  --pem-dir {pem_dir} (re-issued here for {', '.join(reissued)}; "
                "removed once applied)"
            )
        print(f"remediation plan: {plural(len(changes), 'change')} in {TARGET}")
        for change in changes:
            print(f"  {change.action:22} {change.resource}: {change.summary}")
            if change.blocked:
                print(f"  {'':22} blocked: {change.blocked}")
        for note in notes:
            print(f"  note: {note}")

        def clients_for(_change: remediation.Change) -> remediation.TargetClients:
            return remediation.TargetClients(
                lambda service, region: session.client(service, region_name=region),
                SOURCE,
                TARGET,
            )

        outcomes = remediation.apply(
            changes, clients_for, audit_log=out / "remediation-audit.jsonl"
        )
    print("remediation outcomes:")
    for outcome in outcomes:
        line = f"  {outcome.status:9} {outcome.change.action} {outcome.change.resource}"
        if outcome.status in ("skipped", "failed", "not-run"):
            line += f": {outcome.detail}"
        print(line)
    after_dir = _snapshot(
        session,
        out / "snapshot-after",
        pairs=[Pair(SOURCE, TARGET)],
        now=now,
        services=services,
        options=options,
        progress=False,
    )
    return build_report(read_scan(after_dir), rules, Clock(now))
