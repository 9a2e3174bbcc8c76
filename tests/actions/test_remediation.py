"""Remediation: planned by default, applied on request, only in the target, idempotent."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from regionready.cli import main
from regionready.demo.seed import DemoPlan
from regionready.remediation import TargetClients, UnsafeCall

from .conftest import SOURCE, TARGET

KMS_RULES = ("KMS-001", "KMS-002", "KMS-003")


def collect(out: Path) -> Path:
    args = [
        "collect",
        "--source",
        SOURCE,
        "--target",
        TARGET,
        "--services",
        "kms",
        "--out",
        str(out),
        "--quiet",
    ]
    assert main(args) == 0
    return out


def failing(scan: Path, tmp: Path) -> set[tuple[str, str]]:
    out = tmp / f"eval-{scan.name}"
    main(
        [
            "evaluate",
            str(scan),
            "--only",
            ",".join(KMS_RULES),
            "--format",
            "json",
            "--out",
            str(out),
        ]
    )
    report = json.loads((out / "regionready.json").read_text())
    return {(r["rule_id"], r["resource_id"]) for r in report["results"] if r["status"] == "FAIL"}


def remediate(scan: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, Any]:
    code = main(
        ["remediate", str(scan), "--format", "json", *(f"--rule={r}" for r in KMS_RULES), *extra]
    )
    out = capsys.readouterr().out
    start = out.index("{")
    plan, _ = json.JSONDecoder().raw_decode(out[start:])
    return code, plan


def test_plan_changes_nothing_and_apply_fixes_the_findings(
    seeded: DemoPlan, hooked_sessions: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = collect(tmp_path / "before")
    assert failing(before, tmp_path) == {
        ("KMS-001", "alias/billing"),
        ("KMS-001", "alias/audit-mrk"),
        ("KMS-001", "alias/ledger"),  # the re-encryption demo's source-only key
        ("KMS-002", seeded.failing["KMS-002"][0]),
        ("KMS-003", seeded.failing["KMS-003"][0]),
    }
    code, plan = remediate(before, capsys)
    assert code == 0
    actions = sorted((c["action"], c["resource"]) for c in plan["changes"])
    assert actions == sorted(
        [
            ("create-key", "alias/billing"),
            ("create-key", "alias/ledger"),
            ("replicate-key", seeded.failing["KMS-002"][0]),
            ("sync-key-policy", seeded.failing["KMS-003"][0]),
        ]
    )
    assert all(c["region"] == TARGET for c in plan["changes"])
    # A plan changes nothing.
    assert failing(collect(tmp_path / "planned"), tmp_path) == failing(before, tmp_path)

    # --apply without a terminal needs --yes.
    assert remediate(before, capsys, "--apply")[0] == 2

    regions: list[tuple[str, str, dict[str, Any]]] = []

    def watch(model: Any, params: dict[str, Any], request_signer: Any, **_: Any) -> None:
        # before-call sees the wire form: KMS speaks JSON, so the body holds the parameters.
        if not model.name.startswith(("List", "Describe", "Get")):
            body = json.loads(params.get("body") or b"{}")
            regions.append((model.name, request_signer.region_name, body))

    hooked_sessions.extra.append(("before-call", watch))
    log = tmp_path / "audit.jsonl"
    code, _ = remediate(before, capsys, "--apply", "--yes", "--audit-log", str(log))
    assert code == 0
    assert regions, "the watcher saw the changes"
    for name, region, params in regions:
        assert not name.startswith(("Delete", "Disable", "Schedule", "Remove")), name
        if name == "ReplicateKey":
            assert region == SOURCE and params["ReplicaRegion"] == TARGET
        else:
            assert region == TARGET, (name, region)

    after = collect(tmp_path / "after")
    assert failing(after, tmp_path) == set()

    entries = [json.loads(line) for line in log.read_text().splitlines()]
    assert {e["outcome"] for e in entries} == {"applied"}
    assert {"time", "action", "resource", "region", "outcome"} <= set(entries[0])
    assert "Statement" not in log.read_text(), "no policy documents in the audit log"

    # Idempotent: a fresh scan plans nothing; replaying the old plan changes nothing.
    assert remediate(after, capsys)[1]["changes"] == []
    regions.clear()
    code, _ = remediate(before, capsys, "--apply", "--yes", "--audit-log", str(log))
    assert code == 0
    assert regions == [], "replaying an applied plan makes no change"
    replay = [json.loads(line) for line in log.read_text().splitlines()][len(entries) :]
    assert {e["outcome"] for e in replay} == {"unchanged"}


def test_a_failure_stops_the_run_and_says_what_was_not_done(
    seeded: DemoPlan, hooked_sessions: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = collect(tmp_path / "before")

    def fail(**_: Any) -> None:
        raise ClientError(
            {"Error": {"Code": "LimitExceededException", "Message": "no"}}, "CreateKey"
        )

    hooked_sessions.extra.append(("before-call.kms.CreateKey", fail))
    log = tmp_path / "audit.jsonl"
    code = main(
        [
            "remediate",
            str(before),
            "--rule",
            "KMS-001",
            "--rule",
            "KMS-002",
            "--apply",
            "--yes",
            "--audit-log",
            str(log),
        ]
    )
    out = capsys.readouterr().out
    assert code == 2
    assert "failed    create-key alias/billing: " in out
    assert "not-run   replicate-key " in out
    outcomes = [json.loads(line)["outcome"] for line in log.read_text().splitlines()]
    assert outcomes == ["failed"], "the failure is logged and nothing is tried after it"


def test_guard_refuses_deletes_and_other_regions() -> None:
    made: list[Any] = []

    def make(service: str, region: str) -> Any:
        client = boto3.client(service, region_name=region, endpoint_url="http://127.0.0.1:9")
        made.append(client)
        return client

    clients = TargetClients(make, SOURCE, TARGET)
    with pytest.raises(UnsafeCall, match="never deletes"):
        clients("kms").delete_alias(AliasName="alias/x")
    with pytest.raises(UnsafeCall, match=f"acts only in {TARGET}"):
        clients.in_source("kms").create_alias(AliasName="alias/x", TargetKeyId="k")
    with pytest.raises(UnsafeCall, match=f"acts only in {TARGET}"):
        clients.in_source("kms").replicate_key(KeyId="mrk-1", ReplicaRegion="us-west-2")
    with pytest.raises(UnsafeCall, match="never deletes"):
        clients("kms").schedule_key_deletion(KeyId="k")


def test_iam_policy_for_remediation(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["iam-policy", "--remediation"]) == 0
    actions = json.loads(capsys.readouterr().out)["Statement"][0]["Action"]
    assert {"kms:CreateKey", "kms:ReplicateKey", "kms:PutKeyPolicy"} <= set(actions)
    assert not any(a.split(":")[1].startswith("Delete") for a in actions)


def test_plan_table_filtered_by_resource_glob(
    seeded: DemoPlan, hooked_sessions: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = collect(tmp_path / "before")
    args = ["remediate", str(before), *(f"--rule={r}" for r in KMS_RULES)]
    assert main(args) == 0
    everything = capsys.readouterr()
    assert "remediation plan: 4 changes" in everything.out
    assert "dry run: nothing was changed" in everything.err
    # --resource GLOB keeps the findings whose resource matches (alias/* but not mrk-*).
    assert main([*args, "--resource", "alias/*"]) == 0
    out = capsys.readouterr().out
    assert "remediation plan: 2 changes" in out
    rows = [line for line in out.splitlines() if "create-key" in line]
    assert len(rows) == 2 and all(TARGET in row and "KMS-001" in row for row in rows)
    assert any("alias/billing" in row for row in rows)
    assert any("alias/ledger" in row for row in rows)
    assert "replicate-key" not in out and "sync-key-policy" not in out
    assert failing(collect(tmp_path / "after"), tmp_path) == failing(before, tmp_path)
