"""Six accounts in moto (in-process), entered through AssumeRole, for the organisation
collection tests (test_org_stream.py, test_org_pool.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from moto import mock_aws

from .conftest import SOURCE, TARGET
from .test_organisation import assumed

ACCOUNTS = [f"{n}" * 12 for n in range(1, 7)]  # 111111111111 ... 666666666666
SERVICES = ["acm", "kms"]


@contextmanager
def organisation(folder: Path) -> Iterator[Path]:
    """moto with six accounts, each with a KMS alias and a certificate in the source and
    the odd ones in the target too; the accounts file (role ``audit`` in each)."""
    with mock_aws():
        for index, account in enumerate(ACCOUNTS):
            session = assumed(account)
            for region in (SOURCE, TARGET) if index % 2 else (SOURCE,):
                kms = session.client("kms", region_name=region)
                key = kms.create_key(Description=f"app {account}")["KeyMetadata"]["KeyId"]
                kms.create_alias(AliasName="alias/app", TargetKeyId=key)
                acm = session.client("acm", region_name=region)
                acm.request_certificate(DomainName=f"app-{account}.example.com")
        path = folder / "accounts.yaml"
        lines = ["accounts:"] + [f'  - {{id: "{a}", role: audit}}' for a in ACCOUNTS]
        path.write_text("\n".join(lines) + "\n")
        yield path


def collect_argv(out: Path, accounts: Path, *extra: str) -> list[str]:
    return [
        "collect",
        "--source",
        SOURCE,
        "--target",
        TARGET,
        "--services",
        ",".join(SERVICES),
        "--accounts",
        str(accounts),
        "--out",
        str(out),
        *extra,
    ]


def account_of(spec: Any) -> str:
    """The account a SessionSpec's role is in."""
    return str(spec.role_arn).split(":")[4]


def without_time(document: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in document.items() if key != "collected_at"}


def snapshot_files(root: Path) -> dict[str, dict[str, Any]]:
    """Every file the snapshot's manifest lists, by path, without its collection time."""
    manifest = json.loads((root / "manifest.json").read_text())
    return {
        entry["path"]: without_time(json.loads((root / entry["path"]).read_text()))
        for entry in manifest["files"]
    }
