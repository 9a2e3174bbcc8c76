"""Organisation scans: accounts in parallel, failures isolated, shards merge to the whole."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from regionready.cli import main
from regionready.collect import sessions
from regionready.collect.sessions import CollectError
from regionready.demo import moto_gaps

from .conftest import SOURCE, TARGET

ACCOUNTS = ["111111111111", "222222222222", "333333333333", "444444444444"]


def assumed(account: str) -> boto3.Session:
    sts = boto3.client("sts", region_name=SOURCE)
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/audit", RoleSessionName="seed")[
        "Credentials"
    ]
    return moto_gaps.install(
        boto3.Session(
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"],
        )
    )


@pytest.fixture
def organisation(tmp_path: Path, hooked_sessions: Any) -> Iterator[Path]:
    """Four accounts; each has an alias in the source, only some in the target."""
    with mock_aws():
        for index, account in enumerate(ACCOUNTS):
            session = assumed(account)
            for region in (SOURCE, TARGET) if index % 2 else (SOURCE,):
                kms = session.client("kms", region_name=region)
                key = kms.create_key(Description=f"app {account}")["KeyMetadata"]["KeyId"]
                kms.create_alias(AliasName="alias/app", TargetKeyId=key)
        path = tmp_path / "accounts.yaml"
        lines = ["accounts:"]
        for account in ACCOUNTS:
            lines.append(f'  - {{id: "{account}", role: audit, external_id: ext-{account[:3]}}}')
        path.write_text("\n".join(lines) + "\n")
        yield path


def collect_args(out: Path, accounts: Path, *extra: str) -> list[str]:
    return [
        "collect",
        "--source",
        SOURCE,
        "--target",
        TARGET,
        "--services",
        "kms",
        "--accounts",
        str(accounts),
        "--out",
        str(out),
        "--quiet",
        *extra,
    ]


def results(scan: Path, out: Path) -> list[dict[str, Any]]:
    main(
        [
            "evaluate",
            str(scan),
            "--only",
            "KMS-001,GEN-005",
            "--format",
            "json",
            "--out",
            str(out),
            "--now",
            "2026-11-23T00:00:00Z",
        ]
    )
    return json.loads((out / "regionready.json").read_text())["results"]


def test_every_account_is_scanned_with_its_own_findings(organisation: Path, tmp_path: Path) -> None:
    assert main(collect_args(tmp_path / "all", organisation)) == 0
    manifest = json.loads((tmp_path / "all" / "manifest.json").read_text())
    assert manifest["accounts"] == ACCOUNTS
    found = results(tmp_path / "all", tmp_path / "r")
    failing = {r["account"] for r in found if r["rule_id"] == "KMS-001" and r["status"] == "FAIL"}
    assert failing == {"111111111111", "333333333333"}


def test_sharded_scan_equals_the_unsharded_one(organisation: Path, tmp_path: Path) -> None:
    assert main(collect_args(tmp_path / "all", organisation)) == 0
    for index in (1, 2, 3):
        assert (
            main(collect_args(tmp_path / f"s{index}", organisation, "--shard", f"{index}/3")) == 0
        )
    shard_accounts = [
        json.loads((tmp_path / f"s{i}" / "manifest.json").read_text())["accounts"]
        for i in (1, 2, 3)
    ]
    assert sorted(a for accounts in shard_accounts for a in accounts) == ACCOUNTS
    assert (
        main(["merge", *(str(tmp_path / f"s{i}") for i in (1, 2, 3)), "--out", str(tmp_path / "m")])
        == 0
    )
    whole = results(tmp_path / "all", tmp_path / "r1")
    merged = results(tmp_path / "m", tmp_path / "r2")
    assert merged == whole
    assert any(r["status"] == "FAIL" for r in whole)


def test_merge_refuses_overlapping_shards(
    organisation: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(collect_args(tmp_path / "a", organisation, "--shard", "1/2")) == 0
    code = main(["merge", str(tmp_path / "a"), str(tmp_path / "a"), "--out", str(tmp_path / "m")])
    assert code == 2
    assert "shards must not overlap" in capsys.readouterr().err


def test_one_account_failing_is_isolated(
    organisation: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = sessions.open_session

    def open_session(spec: Any, base: Any = None) -> Any:
        if spec.role_arn and "222222222222" in spec.role_arn:
            raise CollectError("cannot assume role arn:aws:iam::222222222222:role/audit: denied")
        return original(spec, base)

    monkeypatch.setattr(sessions, "open_session", open_session)
    assert main(collect_args(tmp_path / "all", organisation)) == 0
    found = results(tmp_path / "all", tmp_path / "r")
    by_account: dict[str, set[str]] = {}
    for r in found:
        by_account.setdefault(r["account"], set()).add(r["status"])
    assert "ERROR" in by_account["222222222222"] and "PASS" not in by_account["222222222222"]
    gen = [r for r in found if r["rule_id"] == "GEN-005" and r["account"] == "222222222222"]
    assert gen and all("sts:AssumeRole" in r["message"] for r in gen if r["status"] == "FAIL")
    assert "ERROR" not in by_account["111111111111"]


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("accounts:\n  - {id: 12345}\n", ":2: id must be a 12-digit account id"),
        (
            'accounts:\n  - {id: "111111111111", role: "arn:aws:iam::999999999999:role/x"}\n',
            "is not in account",
        ),
        (
            'accounts:\n  - {id: "111111111111"}\n  - {id: "111111111111"}\n',
            ":3: account 111111111111 is listed twice",
        ),
        ('accounts:\n  - {id: "111111111111", region: x}\n', ":2: unknown field region"),
    ],
)
def test_bad_accounts_files_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str, fragment: str
) -> None:
    path = tmp_path / "accounts.yaml"
    path.write_text(body)
    with mock_aws():
        code = main(collect_args(tmp_path / "o", path))
    assert code == 2
    assert fragment in capsys.readouterr().err


def test_shard_spec_errors(
    organisation: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(collect_args(tmp_path / "o", organisation, "--shard", "4/3")) == 2
    assert "i must be between 1 and N" in capsys.readouterr().err
    base = [
        "collect",
        "--source",
        SOURCE,
        "--target",
        TARGET,
        "--shard",
        "1/2",
        "--out",
        str(tmp_path),
    ]
    assert main(base) == 2
    assert "--shard needs --accounts" in capsys.readouterr().err


def test_external_id_and_an_accounts_own_region_pair_are_used(
    organisation: Path, tmp_path: Path, hooked_sessions: Any
) -> None:
    assumed_with: dict[str, str | None] = {}

    def record(params: dict[str, Any], **_: Any) -> None:
        assumed_with[params["RoleArn"].split(":")[4]] = params.get("ExternalId")

    hooked_sessions.extra.append(("before-parameter-build.sts.AssumeRole", record))
    # 111111111111 has its alias only in SOURCE: with its own pair (eu-west-1 -> SOURCE)
    # nothing of it is missing, while the default pair would report KMS-001.
    text = organisation.read_text().replace(
        'id: "111111111111",', f'id: "111111111111", source: eu-west-1, target: {SOURCE},'
    )
    organisation.write_text(text)
    assert main(collect_args(tmp_path / "all", organisation)) == 0
    assert assumed_with == {a: f"ext-{a[:3]}" for a in ACCOUNTS}
    own = sorted(p.name for p in (tmp_path / "all" / "111111111111").glob("*.json"))
    assert own == ["eu-west-1.json", f"{SOURCE}.json"]
    manifest = json.loads((tmp_path / "all" / "manifest.json").read_text())
    assert manifest["account_regions"] == {
        "111111111111": {"source": "eu-west-1", "target": SOURCE}
    }
    found = results(tmp_path / "all", tmp_path / "r")
    failing = {r["account"] for r in found if r["rule_id"] == "KMS-001" and r["status"] == "FAIL"}
    assert failing == {"333333333333"}
    assert not any(r["status"] == "ERROR" for r in found)
