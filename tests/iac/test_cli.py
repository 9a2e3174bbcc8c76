"""``regionready iac``: only the iac collector (no AWS), only IAC-*/STS-002, the CLI's exit
codes, and SARIF regions that point at the exact lines."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pytest

from regionready import cli
from regionready.cli.commands import iac as iac_cli
from regionready.iac import checkov

from .conftest import FIXTURES, NO_CHECKOV


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="regionready iac")
    iac_cli.add_arguments(parser)
    return iac_cli.run(parser.parse_args(list(argv)))


def sarif_results(out: Path) -> list[dict[str, Any]]:
    doc = json.loads((out / "regionready.sarif").read_text())
    results: list[dict[str, Any]] = doc["runs"][0]["results"]
    return results


def where(result: dict[str, Any]) -> tuple[str, str, int, int]:
    physical = result["locations"][0]["physicalLocation"]
    region = physical["region"]
    return (
        result["ruleId"],
        physical["artifactLocation"]["uri"],
        region["startLine"],
        region.get("startColumn", 0),
    )


def test_sarif_regions_point_at_the_findings(tmp_path: Path) -> None:
    code = run(
        str(FIXTURES / "cfn_unavailable"),
        str(FIXTURES / "python_sts"),
        str(FIXTURES / "config_signin"),
        *("--source", "eu-central-1", "--target", "me-central-1"),
        *("--no-checkov", "--base", str(FIXTURES)),
        *("--format", "sarif,json", "--out", str(tmp_path)),
    )
    assert code == 1  # IAC-001 is high, the default --fail-on
    assert sorted(where(r) for r in sarif_results(tmp_path)) == [
        ("IAC-001", "cfn_unavailable/waf.yaml", 4, 5),
        ("IAC-004", "config_signin/saml.ini", 3, 19),
        ("IAC-004", "python_sts/app.py", 15, 82),
        ("STS-002", "python_sts/app.py", 10, 11),
        ("STS-002", "python_sts/app.py", 15, 82),
        ("STS-002", "python_sts/app.py", 19, 10),
        ("STS-002", "python_sts/app.py", 20, 13),
    ]
    report = json.loads((tmp_path / "regionready.json").read_text())
    rule_ids = {r["rule_id"] for r in report["results"]}
    assert rule_ids == {"IAC-001", "IAC-002", "IAC-003", "IAC-004", "STS-002"}
    assert [r for r in report["results"] if r["status"] == "ERROR"] == []
    passes = {(r["rule_id"], r["resource_id"]) for r in report["results"] if r["status"] == "PASS"}
    assert ("IAC-002", "cfn_unavailable/waf.yaml") in passes
    assert ("STS-002", "config_signin/saml.ini") in passes


def test_a_named_checkov_that_does_not_run_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = (str(FIXTURES / "cfn_unavailable_clean"), "--source", "eu-central-1")
    args += ("--target", "me-central-1", "--format", "json", "--out", str(tmp_path))
    monkeypatch.delenv(checkov.ENV_VAR, raising=False)
    with pytest.raises(cli.UsageError, match=r"checkov not found at /nonexistent/checkov"):
        run(*args, "--checkov", NO_CHECKOV)
    broken = tmp_path / "bin" / "checkov"
    broken.parent.mkdir()
    broken.write_text(
        "#!/bin/sh\necho 'ModuleNotFoundError: No module named checkov' >&2\nexit 1\n"
    )
    broken.chmod(0o755)
    with pytest.raises(cli.UsageError, match=r"does not work: '--version' exited 1: Module"):
        run(*args, "--checkov", str(broken))
    monkeypatch.setenv(checkov.ENV_VAR, str(broken))
    with pytest.raises(cli.UsageError, match=rf"{checkov.ENV_VAR} .* does not work"):
        run(*args)
    assert not (tmp_path / "regionready.json").exists()


def test_checkov_not_installed_is_not_run_said_once_never_error_nor_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv(checkov.ENV_VAR, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    code = run(
        str(FIXTURES / "cfn_unavailable_clean"),
        str(FIXTURES / "checkov_kms"),
        *("--source", "eu-central-1", "--target", "me-central-1"),
        *("--format", "json", "--out", str(tmp_path)),
    )
    report = json.loads((tmp_path / "regionready.json").read_text())
    iac_003 = [(r["status"], r["message"]) for r in report["results"] if r["rule_id"] == "IAC-003"]
    assert iac_003 == [("NOT_APPLICABLE", f"not run: {checkov.NOT_INSTALLED_NOTE}")]
    assert "pipx install checkov" in iac_003[0][1]
    assert code == 0
    assert capsys.readouterr().err.count("IAC-003 was not run") == 1


def test_clean_code_exits_zero_and_paths_default_to_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(FIXTURES)
    code = run(
        "python_sts_clean",
        "sts_other_clean",
        *("--source", "me-central-1", "--target", "eu-central-1"),
        *("--format", "json", "--out", str(tmp_path)),
    )
    assert code == 0
    report = json.loads((tmp_path / "regionready.json").read_text())
    passed = {r["resource_id"] for r in report["results"] if r["status"] == "PASS"}
    assert "python_sts_clean/app.py" in passed
    assert "sts_other_clean/main.go" in passed


def test_medium_findings_gate_with_fail_on_medium(tmp_path: Path) -> None:
    args = (str(FIXTURES / "config_signin"), "--source", "me-central-1", "--target")
    assert run(*args, "eu-central-1", "--format", "json", "--out", str(tmp_path)) == 0
    fail_on = ("--fail-on", "medium", "--format", "json", "--out", str(tmp_path))
    assert run(*args, "eu-central-1", *fail_on) == 1


def test_bad_region_and_missing_path_are_usage_errors() -> None:
    with pytest.raises(cli.UsageError, match="not an AWS Region"):
        run(str(FIXTURES / "python_sts"), "--source", "nowhere", "--target", "eu-central-1")
    with pytest.raises(cli.UsageError, match="no such file"):
        run(str(FIXTURES / "nope"), "--source", "me-central-1", "--target", "eu-central-1")


def test_collect_options_are_what_scan_iac_passes() -> None:
    parser = argparse.ArgumentParser()
    iac_cli.add_arguments(parser)
    args = parser.parse_args(["a", "b", "--source", "me-central-1", "--target", "eu-central-1"])
    options = iac_cli.collect_options(args)
    assert options["code_paths"] == ["a", "b"]
    assert options["source_region"] == "me-central-1"
    assert options["target_region"] == "eu-central-1"
    assert options["checkov"] is None
    assert options["skip_checkov"] is False
    assert options["code_base"] == str(Path.cwd())


def test_no_checkov_reports_iac_003_not_applicable(tmp_path: Path) -> None:
    code = run(
        str(FIXTURES / "cfn_unavailable_clean"),
        *("--source", "eu-central-1", "--target", "me-central-1", "--no-checkov"),
        *("--format", "json", "--out", str(tmp_path)),
    )
    assert code == 0
    report = json.loads((tmp_path / "regionready.json").read_text())
    iac_003 = [
        (r["status"], r["resource_id"], r["message"])
        for r in report["results"]
        if r["rule_id"] == "IAC-003"
    ]
    assert iac_003 == [
        (
            "NOT_APPLICABLE",
            "iac.checkov@me-central-1",
            "not run: checkov was turned off (--no-checkov)",
        )
    ]
