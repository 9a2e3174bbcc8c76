"""`regionready scan` against a moto server over HTTP, seeded with the demo account:
the failing (rule, resource) pairs are exactly the planted ones."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import boto3
import pytest

from regionready.cli import main
from regionready.demo import moto_gaps
from regionready.demo.seed import DemoPlan, seed_demo

SOURCE = "me-central-1"
TARGET = "eu-central-1"
#: The rule IDs the seeded account fails, written out (not taken from the seed's plan) so
#: a seeder that silently plants nothing, or a rule that stops firing, cannot go unseen.
#: The scan here reads no demo files, so STS-001/002 and IAC-* (local and iac) stay quiet.
FAILING_RULES = {
    "AA-002",
    "ACM-001",
    "ACM-002",
    "ACM-003",
    "ACM-004",
    "ACM-005",
    "ACM-006",
    "ACM-010",
    "ACM-011",
    "ACM-013",
    "ACM-016",
    "COG-001",
    "COG-002",
    "COG-003",
    "COG-004",
    "GD-002",
    "GD-003",
    "GEN-002",
    "GEN-003",
    "IAM-001",
    "IAM-002",
    "IAM-003",
    "IAM-004",
    "IDC-004",
    "IDC-008",
    "KMS-001",
    "KMS-002",
    "KMS-003",
    "KMS-004",
    "KMS-005",
    "KMS-006",
    "KMS-007",
    "KMS-008",
    "KMS-010",
    "KMS-011",
    "KMS-012",
    "KMS-013",
    "SM-001",
    "SM-002",
    "SM-003",
    "SM-004",
    "SM-005",
    "STS-003",
    "WAF-001",
    "WAF-003",
    "WAF-004",
    "WAF-005",
    "WAF-006",
    "WAF-007",
}


@pytest.fixture(scope="module")
def scanned(
    empty_moto_server: str, tmp_path_factory: pytest.TempPathFactory
) -> tuple[DemoPlan, Path]:
    out = tmp_path_factory.mktemp("e2e")
    with pytest.MonkeyPatch.context() as mp, moto_gaps.everywhere():
        mp.setenv("AWS_ENDPOINT_URL", empty_moto_server)
        plan = seed_demo(
            boto3.Session(region_name=SOURCE),
            source=SOURCE,
            target=TARGET,
            now=dt.datetime.now(dt.UTC),
        )
        code = main(
            [
                "scan",
                "--source",
                SOURCE,
                "--target",
                TARGET,
                "--out",
                str(out),
                "--format",
                "json,sarif,junit,markdown",
                "--quiet",
            ]
        )
    assert code == 1
    return plan, out


def report(out: Path) -> dict[str, Any]:
    return json.loads((out / "regionready.json").read_text())


def test_scan_over_http_fails_exactly_the_planted_resources(scanned: tuple[DemoPlan, Path]) -> None:
    plan, out = scanned
    results = report(out)["results"]
    failing = {(r["rule_id"], r["resource_id"]) for r in results if r["status"] == "FAIL"}
    planted = {(check, rid) for check, ids in plan.failing.items() for rid in ids}
    assert failing == planted
    assert {rule for rule, _ in failing} == FAILING_RULES
    assert not [r for r in results if r["status"] == "ERROR"], "every collector read everything"


def test_healthy_resources_pass(scanned: tuple[DemoPlan, Path]) -> None:
    plan, out = scanned
    failing_ids = {r["resource_id"] for r in report(out)["results"] if r["status"] == "FAIL"}
    assert not failing_ids & set(plan.healthy)


def test_every_report_was_written(scanned: tuple[DemoPlan, Path]) -> None:
    _, out = scanned
    for name in ("regionready.json", "regionready.sarif", "regionready.xml", "regionready.md"):
        assert (out / name).stat().st_size > 0, name
    manifest = json.loads((out / "snapshot" / "manifest.json").read_text())
    # Every AWS collector made calls; local and iac read this machine, not AWS.
    aws = {k: v for k, v in manifest["api_calls"].items() if k not in ("local", "iac")}
    assert aws and all(count > 0 for count in aws.values()), manifest["api_calls"]
