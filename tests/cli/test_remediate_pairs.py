"""remediate with several Region pairs: each finding's change is made in its own pair's
target, and no pair's source Region is changed."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from regionready.cli import main

A, B, C = "me-central-1", "eu-central-1", "eu-west-1"


def aliases(region: str) -> set[str]:
    kms = boto3.client("kms", region_name=region)
    return {a["AliasName"] for a in kms.list_aliases()["Aliases"] if "aws/" not in a["AliasName"]}


def test_each_target_gets_its_own_key_and_the_source_is_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    snap = tmp_path / "scan"
    with mock_aws():
        kms = boto3.client("kms", region_name=A)
        key = kms.create_key(Description="app")["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName="alias/app", TargetKeyId=key)
        flags = ["--source", A, "--target", f"{B},{C}", "--services", "kms", "--quiet"]
        assert main(["collect", *flags, "--out", str(snap)]) == 0
        capsys.readouterr()
        assert main(["remediate", str(snap), "--rule", "KMS-001", "--format", "json"]) == 0
        planned = json.loads(capsys.readouterr().out)["changes"]
        assert sorted((c["source"], c["target"], c["region"]) for c in planned) == [
            (A, B, B),
            (A, C, C),
        ]
        source_keys = boto3.client("kms", region_name=A).list_keys()["Keys"]
        code = main(["remediate", str(snap), "--rule", "KMS-001", "--apply", "--yes"])
        assert code == 0, capsys.readouterr()
        assert "alias/app" in aliases(B) and "alias/app" in aliases(C)
        assert boto3.client("kms", region_name=A).list_keys()["Keys"] == source_keys
        assert aliases(A) == {"alias/app"}
