"""The composite action and the example workflows: schema-valid and wired to real flags."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

from regionready.cli import build_parser

REPO = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted([*REPO.glob(".github/workflows/*.yml"), *REPO.glob("examples/workflows/*.yml")])


def check_schema(schema: str, *paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, *map(str, paths)],
        capture_output=True,
        text=True,
    )


def test_workflows_and_action_match_the_schemastore_schemas() -> None:
    assert len(WORKFLOWS) >= 3
    done = check_schema("vendor.github-workflows", *WORKFLOWS)
    assert done.returncode == 0, done.stdout + done.stderr
    done = check_schema("vendor.github-actions", REPO / "action.yml")
    assert done.returncode == 0, done.stdout + done.stderr


def test_schema_check_rejects_a_broken_action(tmp_path: Path) -> None:
    broken = tmp_path / "action.yml"
    broken.write_text("name: x\nruns:\n  using: composite\n  steps: [{run: echo}]\n")
    assert check_schema("vendor.github-actions", broken).returncode != 0


def test_action_inputs_outputs_and_flags() -> None:
    action = yaml.safe_load((REPO / "action.yml").read_text())
    inputs = set(action["inputs"])
    assert {"source", "target", "role-to-assume", "fail-on", "formats", "suppressions"} <= inputs
    assert "sarif" in action["outputs"]
    assert action["runs"]["using"] == "composite"
    script = "\n".join(step.get("run", "") for step in action["runs"]["steps"])
    flags = set(re.findall(r"(--[a-z][a-z-]+)", script))
    assert "--step-summary" in flags
    scan = build_parser()._subparsers._group_actions[0].choices["scan"]  # type: ignore[union-attr]
    known = {opt for action_ in scan._actions for opt in action_.option_strings}
    assert flags - {"--quiet"} <= known, flags - known
    uses = [step.get("uses", "") for step in action["runs"]["steps"]]
    assert any(u.startswith("aws-actions/configure-aws-credentials@") for u in uses)


def test_weekly_example_assumes_a_role_through_oidc_and_uploads_sarif() -> None:
    weekly = yaml.safe_load((REPO / "examples/workflows/weekly-dr-scan.yml").read_text())
    assert weekly["permissions"]["id-token"] == "write"
    assert "schedule" in weekly[True]  # YAML 1.1 reads the key `on` as True
    steps = weekly["jobs"]["scan"]["steps"]
    assert any(s.get("uses", "").startswith("github/codeql-action/upload-sarif@") for s in steps)
    gate = yaml.safe_load((REPO / "examples/workflows/cutover-gate.yml").read_text())
    assert "pull_request" in gate[True]
