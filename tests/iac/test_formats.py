"""``regionready iac`` on the fixtures: exactly the planted hazards, at their lines, in
every output format (JSON locations, SARIF regions, JUnit ``Location:``, Markdown
``at path:line``); and ``regionready scan --iac`` reports the same hazards."""

from __future__ import annotations

import argparse
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from regionready.cli.commands import iac as iac_cli

from .conftest import FIXTURES

FORMATS = "json,sarif,junit,markdown"
Where = tuple[str, str, int, int]  # (rule, path, line, column)
IAC_RULES = {"IAC-001", "IAC-002", "IAC-003", "IAC-004", "STS-002"}

# The hazard trees of test_fixture_trees (IAC-002, IAC-004, STS-002) and their clean twins.
MIGRATING = [
    "cfn_region",
    "cfn_region_clean",
    "cfn_region_json",
    "config_signin",
    "config_signin_clean",
    "oidc_audience",
    "policy_region",
    "policy_region_clean",
    "python_sts",
    "python_sts_clean",
    "sts_legacy",
    "sts_other",
    "sts_other_clean",
    "terraform_region",
    "terraform_region_clean",
]
PLANTED: set[Where] = {
    ("IAC-002", "cfn_region/template.yaml", 22, 36),
    ("IAC-002", "cfn_region/template.yaml", 28, 25),
    ("IAC-002", "cfn_region/template.yaml", 33, 32),
    ("IAC-002", "cfn_region_json/template.json", 7, 50),
    ("IAC-002", "policy_region/policy.json", 7, 43),
    ("IAC-002", "terraform_region/main.tf", 8, 13),
    ("IAC-002", "terraform_region/main.tf", 15, 27),
    ("IAC-004", "config_signin/saml.ini", 3, 19),
    ("IAC-004", "python_sts/app.py", 15, 82),
    ("IAC-004", "sts_legacy/deploy.env", 3, 30),
    ("STS-002", "python_sts/app.py", 10, 11),
    ("STS-002", "python_sts/app.py", 15, 82),
    ("STS-002", "python_sts/app.py", 19, 10),
    ("STS-002", "python_sts/app.py", 20, 13),
    ("STS-002", "sts_legacy/config", 3, 1),
    ("STS-002", "sts_legacy/deploy.env", 2, 1),
    ("STS-002", "sts_legacy/deploy.env", 3, 30),
    ("STS-002", "sts_other/Identity.java", 5, 35),
    ("STS-002", "sts_other/client.js", 4, 13),
    ("STS-002", "sts_other/client.js", 5, 16),
    ("STS-002", "sts_other/main.go", 10, 9),
}
UNAVAILABLE: set[Where] = {("IAC-001", "cfn_unavailable/waf.yaml", 4, 5)}
CHECKOV: set[Where] = {
    ("IAC-003", "checkov_kms/kms.yaml", 3, 3),
    ("IAC-003", "checkov_kms/main.tf", 1, 1),
}


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="regionready iac")
    iac_cli.add_arguments(parser)
    return iac_cli.run(parser.parse_args(list(argv)))


def json_locations(out: Path) -> set[Where]:
    report = json.loads((out / "regionready.json").read_text())
    return {
        (r["rule_id"], r["location"]["path"], r["location"]["line"], r["location"]["column"])
        for r in report["results"]
        if r["status"] == "FAIL" and r["rule_id"] in IAC_RULES
    }


def sarif_locations(out: Path) -> set[Where]:
    doc = json.loads((out / "regionready.sarif").read_text())
    found = set()
    for result in doc["runs"][0]["results"]:
        if result["ruleId"] not in IAC_RULES:
            continue
        physical = result["locations"][0]["physicalLocation"]
        region = physical["region"]
        found.add(
            (
                result["ruleId"],
                physical["artifactLocation"]["uri"],
                region["startLine"],
                region["startColumn"],
            )
        )
    return found


def junit_locations(out: Path) -> set[Where]:
    root = ET.parse(out / "regionready.xml").getroot()
    found = set()
    for case in root.iter("testcase"):
        failure = case.find("failure")
        if failure is None:
            continue
        match = re.search(r"^Location: (.+):(\d+):(\d+)$", failure.text or "", re.MULTILINE)
        assert match, failure.text
        rule = case.attrib["classname"].rsplit(".", 1)[1]
        found.add((rule, match.group(1), int(match.group(2)), int(match.group(3))))
    return found


def markdown_locations(out: Path) -> set[tuple[str, str, int]]:
    text = (out / "regionready.md").read_text()
    pattern = re.compile(r"^- \*\*([A-Z0-9-]+)\*\* .*? · at (\S+?):(\d+)\)", re.MULTILINE)
    return {(m[1], m[2].replace("\\", ""), int(m[3])) for m in pattern.finditer(text)}


def assert_every_format(out: Path, expected: set[Where]) -> None:
    assert json_locations(out) == expected
    assert sarif_locations(out) == expected
    assert junit_locations(out) == expected
    assert markdown_locations(out) == {(rule, path, line) for rule, path, line, _ in expected}


@pytest.mark.parametrize(
    ("trees", "source", "target", "expected"),
    [
        (MIGRATING, "me-central-1", "eu-central-1", PLANTED),
        (["cfn_unavailable", "cfn_unavailable_clean"], "eu-central-1", "me-central-1", UNAVAILABLE),
    ],
    ids=["region-and-endpoints", "cfn-lint"],
)
def test_every_format_reports_exactly_the_planted_hazards(
    tmp_path: Path, trees: list[str], source: str, target: str, expected: set[Where]
) -> None:
    code = run(
        *(str(FIXTURES / tree) for tree in trees),
        *("--source", source, "--target", target, "--no-checkov", "--base", str(FIXTURES)),
        *("--fail-on", "medium", "--format", FORMATS, "--out", str(tmp_path)),
    )
    assert code == 1
    assert_every_format(tmp_path, expected)


def test_checkov_failures_in_every_format(tmp_path: Path, checkov_path: str) -> None:
    code = run(
        str(FIXTURES / "checkov_kms"),
        str(FIXTURES / "checkov_kms_clean"),
        *("--source", "me-central-1", "--target", "eu-central-1", "--checkov", checkov_path),
        *("--base", str(FIXTURES), "--fail-on", "low", "--format", FORMATS),
        *("--out", str(tmp_path)),
    )
    assert code == 1
    # main.tf's key fails two checkov checks (CKV_AWS_7, CKV2_AWS_64) at the same line.
    report = json.loads((tmp_path / "regionready.json").read_text())
    ids = sorted(r["resource_id"] for r in report["results"] if r["status"] == "FAIL")
    assert ids == [
        "checkov_kms/kms.yaml:3:3:CKV_AWS_7",
        "checkov_kms/main.tf:1:1:CKV2_AWS_64",
        "checkov_kms/main.tf:1:1:CKV_AWS_7",
    ]
    assert_every_format(tmp_path, CHECKOV)


def test_scan_iac_reports_the_planted_hazards(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from moto import mock_aws

    from regionready.cli import main

    monkeypatch.chdir(FIXTURES)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    # A checkov that starts but fails on the scan: IAC-003 is ERROR, the rest is judged.
    failing = tmp_path / "bin" / "checkov"
    failing.parent.mkdir()
    failing.write_text(
        '#!/bin/sh\n[ "$1" = --version ] && echo 3.2.0 && exit 0\n'
        'echo "parser crashed" >&2\nexit 2\n'
    )
    failing.chmod(0o755)
    with mock_aws():
        code = main(
            [
                *("scan", "--source", "me-central-1", "--target", "eu-central-1"),
                *("--services", "iac", "--iac", "python_sts", "--iac", "terraform_region"),
                *("--checkov", str(failing), "--quiet", "--allow-incomplete"),
                *("--fail-on", "medium", "--format", "json,sarif", "--out", str(tmp_path)),
            ]
        )
    assert code == 1
    expected = {w for w in PLANTED if w[1].split("/")[0] in ("python_sts", "terraform_region")}
    assert json_locations(tmp_path) == expected
    assert sarif_locations(tmp_path) == expected
    report = json.loads((tmp_path / "regionready.json").read_text())
    errors = [(r["rule_id"], r["status"]) for r in report["results"] if r["rule_id"] == "IAC-003"]
    assert errors == [("IAC-003", "ERROR")]
