"""--source/--target lists, --pairs and --active-active on the command line: each Region
is collected once, every pair is judged, and the combinations with no single meaning are
one-line usage errors (exit 2) before anything is read."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from regionready import runner
from regionready.cli import main
from regionready.engine.evaluation import Clock
from regionready.engine.rules import load_rules
from regionready.snapshot_manifest import read_scan
from regionready.topology import Pair

A, B, C = "me-central-1", "eu-central-1", "eu-west-1"


def one_error_line(code: int, err: str) -> str:
    assert code == 2, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("regionready: error: "), err
    return lines[0]


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--pairs", f"{A}:{B}", "--source", A], "--pairs lists every pair"),
        (["--source", f"{A},{C}", "--target", f"{B},eu-north-1"], "say which go together"),
        (["--source", A, "--target", f"{B},{C}", "--active-active"], "exactly two Regions"),
        (["--pairs", f"{A}-{B}"], "is not SOURCE:TARGET"),
        (["--pairs", f"{A}:{B},{A}:{B}"], "is given twice"),
        (["--source", A], "name the Regions"),
        (["--source", A, "--target", f"{B},eu-wst-1"], "--target 'eu-wst-1' is not a known"),
        (["--pairs", f"{A}:eu-centrl-1"], "did you mean eu-central-1?"),
    ],
)
@pytest.mark.parametrize("command", ["collect", "scan"])
def test_refused_before_anything_is_read(
    command: str, argv: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    line = one_error_line(main([command, *argv]), capsys.readouterr().err)
    assert expected in line


def test_iac_is_refused_with_several_pairs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["collect", "--source", A, "--target", f"{B},{C}", "--iac", str(tmp_path)]
    line = one_error_line(main([*argv, "--out", str(tmp_path / "s")]), capsys.readouterr().err)
    assert "--iac checks code for one Region pair" in line


@pytest.mark.parametrize(
    ("flags", "pairs"),
    [
        (["--source", A, "--target", f"{B},{C}"], [Pair(A, B), Pair(A, C)]),
        (["--source", A, "--target", B, "--active-active"], [Pair(A, B), Pair(B, A)]),
        (["--source", f"{A},{C}", "--target", B], [Pair(A, B), Pair(C, B)]),
        (["--pairs", f"{A}:{B},{C}:{A}"], [Pair(A, B), Pair(C, A)]),
    ],
)
def test_each_region_is_collected_once_and_every_pair_judged(
    flags: list[str], pairs: list[Pair], tmp_path: Path
) -> None:
    out = tmp_path / "scan"
    with mock_aws():
        for region in (A, B, C):
            kms = boto3.client("kms", region_name=region)
            key = kms.create_key()["KeyMetadata"]["KeyId"]
            kms.create_alias(AliasName=f"alias/in-{region}", TargetKeyId=key)
        code = main(["collect", *flags, "--services", "kms", "--quiet", "--out", str(out)])
    assert code == 0
    scan = read_scan(out)
    assert scan.pairs() == pairs
    regions = {p.source for p in pairs} | {p.target for p in pairs}
    account = scan.accounts[0]
    assert {r for a, r in scan.documents if a == account} - {"global"} == regions
    rules = [r for r in load_rules() if r.id == "KMS-001"]
    report = runner.build_report(scan, rules, Clock(dt.datetime.now(dt.UTC)))
    assert report.scan.pairs == [p.to_dict() for p in pairs]
    failed = {(r.pair, r.resource_id) for r in report.results if r.is_finding}
    # Every source alias is missing in every target of its pair.
    assert failed == {(p.label, f"alias/in-{p.source}") for p in pairs}
