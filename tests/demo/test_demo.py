"""`regionready demo`: no account, no network; every report written and schema-valid."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import xmlschema

from regionready.cli import main

SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"
README = Path(__file__).resolve().parents[2] / "README.md"
#: Every service of the check catalogue (docs/checks.md), as results name it.
CATALOGUE_SERVICES = {
    "acm",
    "kms",
    "idc",
    "iam",
    "sts",
    "accessanalyzer",
    "guardduty",
    "secretsmanager",
    "cognito-idp",
    "cognito-identity",
    "waf",
    "gen",
    "iac",
}


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    assert main(["demo", "--out", str(out)]) == 0
    return out


def test_demo_writes_snapshot_and_every_report(demo_out: Path) -> None:
    for name in ("regionready.json", "regionready.sarif", "regionready.xml", "regionready.md"):
        assert (demo_out / name).stat().st_size > 0
    manifest = json.loads((demo_out / "snapshot" / "manifest.json").read_text())
    assert manifest["source_region"] == "me-central-1"
    assert manifest["target_region"] == "eu-central-1"
    # One file per account and Region, plus global.json, local.json and manifest.json.
    snapshot = demo_out / "snapshot"
    [account] = manifest["accounts"]
    files = sorted(str(p.relative_to(snapshot)) for p in snapshot.rglob("*") if p.is_file())
    assert files == [
        f"{account}/eu-central-1.json",
        f"{account}/global.json",
        f"{account}/me-central-1.json",
        "local.json",
        "manifest.json",
    ]
    from regionready.snapshot import SNAPSHOT_SCHEMA_VERSION
    from regionready.snapshot import schema as load_schema

    validator = jsonschema.Draft202012Validator(load_schema("snapshot.schema.json"))
    for name in files[:4]:
        doc = json.loads((snapshot / name).read_text())
        validator.validate(doc)
        assert doc["schema_version"] == SNAPSHOT_SCHEMA_VERSION
        # Every collector records its status.
        assert doc["services"] and all(s["status"] == "ok" for s in doc["services"].values())
    assert {"acm", "kms"} <= set(json.loads((snapshot / files[0]).read_text())["services"])


def test_demo_reports_are_valid(demo_out: Path) -> None:
    sarif = json.loads((demo_out / "regionready.sarif").read_text())
    schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text())
    jsonschema.Draft7Validator(schema).validate(sarif)
    assert sarif["runs"][0]["results"], "the demo has findings"
    xmlschema.XMLSchema(str(SCHEMAS / "junit-ant.xsd")).validate(str(demo_out / "regionready.xml"))
    from regionready.snapshot import schema as load_schema

    report = json.loads((demo_out / "regionready.json").read_text())
    jsonschema.Draft202012Validator(load_schema("report.schema.json")).validate(report)


def test_demo_shows_failing_and_passing_checks_per_service(demo_out: Path) -> None:
    report = json.loads((demo_out / "regionready.json").read_text())
    by_service: dict[str, set[str]] = {}
    for result in report["results"]:
        by_service.setdefault(result["service"], set()).add(result["status"])
    for service, statuses in by_service.items():
        assert {"PASS", "FAIL"} <= statuses, service
    assert set(by_service) >= CATALOGUE_SERVICES
    assert not [r for r in report["results"] if r["status"] == "ERROR"]


def test_demo_prints_the_verdict_and_where_files_are(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "NOT READY" in out
    assert f"report:   {tmp_path}/regionready.sarif" in out
    # Why exit 0 after NOT READY (issue 21): the last line says the demo does not gate.
    assert out.splitlines()[-1].startswith("exit 0: the demo does not gate; "), out[-500:]
    assert "--fail-on high exits 1" in out.splitlines()[-1]


def test_demo_remediate_shows_before_and_after(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--out", str(tmp_path), "--remediate"]) == 0
    out = capsys.readouterr().out
    # The before verdict, then what the user supplies, the plan, the outcomes, the after.
    marks = [
        "before remediation:",
        "NOT READY for cutover",
        "remediation input, as a user would supply it:",
        "--trail-bucket regionready-demo-trail-",
        "--pem-dir ",
        "remediation plan:",
        "remediation outcomes:",
        "after remediation:",
    ]
    positions = [out.find(mark) for mark in marks]
    assert -1 not in positions and positions == sorted(positions), dict(
        zip(marks, positions, strict=True)
    )
    outcomes = out.split("remediation outcomes:", 1)[1].split("after remediation:", 1)[0]
    assert "skipped" not in outcomes and "failed" not in outcomes, outcomes
    assert "applied   create-trail regionready-eu-central-1" in outcomes
    assert "applied   reimport arn:aws:acm:eu-central-1:" in outcomes
    # The re-issued private key does not outlive the run.
    assert not list(tmp_path.rglob("key.pem"))

    def failing(path: Path) -> set[str]:
        report = json.loads(path.read_text())
        return {r["rule_id"] for r in report["results"] if r["status"] == "FAIL"}

    before = failing(tmp_path / "regionready.json")
    after = failing(tmp_path / "after" / "regionready.json")
    fixed = {"KMS-001", "KMS-002", "KMS-003", "KMS-004", "GEN-002", "ACM-003", "ACM-004"}
    assert fixed <= before
    assert not fixed & after, fixed & after
    lines = (tmp_path / "remediation-audit.jsonl").read_text().splitlines()
    audit = [json.loads(line) for line in lines]
    assert audit and all(e["region"] in ("eu-central-1", "local") for e in audit)
    # The one local change (set-sts-regional) edits the demo's own AWS config only.
    local = [e for e in audit if e["region"] == "local"]
    assert [e["action"] for e in local] == ["set-sts-regional"]
    assert f"{tmp_path}/local/config" in local[0]["detail"]


def test_readme_shows_the_demo_output_for_every_service() -> None:
    """The README's demo block is real output: its readiness table has a failing and a
    passing check for every service of the catalogue."""
    text = README.read_text()
    block = text.split("## What the demo shows", 1)[1].split("```", 2)[1]
    assert "NOT READY for cutover me-central-1 -> eu-central-1" in block
    rows = {
        m[1]: (int(m[2]), int(m[3]))
        for m in re.finditer(r"^│ (\S+)\s+│\s+(\d+) │\s+(\d+) │", block, re.MULTILINE)
    }
    assert set(rows) == CATALOGUE_SERVICES
    assert all(passed and failed for passed, failed in rows.values()), rows
