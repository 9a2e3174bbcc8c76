"""Issue 16: nothing is skipped silently (unreadable files are ERROR items with their
reason, templates that do not parse are cfn-lint E0000, a symlink loop affects only its
own path), nested stacks are followed, third-party-only templates are recognised, one
cfn-lint pass covers both Regions, checkov is killed with its whole process group."""

from __future__ import annotations

import argparse
import json
import os
import stat
import time
from pathlib import Path

import pytest

from regionready import inputfile
from regionready.cli.commands import iac as iac_cli
from regionready.iac import cfn, checkov, files
from regionready.iac.scan import ScanOptions, ScanOutcome, scan

from .conftest import NO_CHECKOV, hits

TEMPLATE = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n"


def _scan(root: Path, source: str = "me-central-1", target: str = "eu-central-1") -> ScanOutcome:
    return scan(ScanOptions([root], root, source, target, checkov_path=NO_CHECKOV))


def _items(outcome: ScanOutcome, path: str) -> dict[str, dict[str, object]]:
    return {
        rtype: found
        for rtype, items in outcome.items.items()
        if rtype != "file"
        for found in items
        if found.get("Id") == path
    }


def _per_item_errors(outcome: ScanOutcome, path: str) -> list[tuple[str, str]]:
    return sorted((e.check, e.code) for e in outcome.errors if e.item == path)


def test_binary_latin1_and_oversized_templates_are_error_items_with_their_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "ok.yaml").write_text(TEMPLATE)
    (tmp_path / "binary.yaml").write_bytes(b"AWSTemplateFormatVersion: x\x00\x01")
    (tmp_path / "latin1.yaml").write_bytes(TEMPLATE.replace("Q:", "Caf\xe9:").encode("latin-1"))
    (tmp_path / "big.json").write_text('{"Resources": {}}' + " " * 4000)
    monkeypatch.setenv(inputfile.LIMITS["iac"][1], "2048")
    outcome = _scan(tmp_path)
    reasons = {s.rel: (s.code, s.reason) for s in outcome.skipped}
    assert reasons["binary.yaml"][0] == "Binary"
    assert reasons["latin1.yaml"][0] == "NotUtf8" and "UTF-8" in reasons["latin1.yaml"][1]
    assert reasons["big.json"][0] == "TooLarge"
    assert "REGIONREADY_MAX_IAC_BYTES" in reasons["big.json"][1]
    for path in ("binary.yaml", "latin1.yaml", "big.json"):
        found = _items(outcome, path)
        assert {"cfn_lint", "region_literal", "global_endpoint"} <= set(found), path
        assert all(i["Message"].startswith("not scanned: ") for i in found.values())
        assert all(i["Clean"] is False for i in found.values())
        assert {c for c, _ in _per_item_errors(outcome, path)} == {"IAC-001", "IAC-002", "IAC-004"}
    # the readable template beside them is judged as usual
    assert ("IAC-001", "ok.yaml") in {(i["Check"], i["Id"]) for i in outcome.items["cfn_lint"]}
    skipped = [f for f in outcome.items["file"] if f["Skipped"]]
    assert len(skipped) == 3


def test_a_permission_error_is_reported_not_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "secret.tf").write_text('resource "x" "y" {}\n')
    real_open = os.open

    def refuse(path: object, *args: object, **kwargs: object) -> int:
        if str(path).endswith("secret.tf"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(inputfile.os, "open", refuse)
    outcome = _scan(tmp_path)
    (entry,) = outcome.skipped
    assert (entry.rel, entry.code, entry.kind) == ("secret.tf", "Unreadable", "terraform")
    assert "Permission denied" in entry.reason
    assert set(_per_item_errors(outcome, "secret.tf")) == {
        ("IAC-002", "FileNotRead"),
        ("IAC-004", "FileNotRead"),
    }


def test_a_symlink_loop_affects_only_its_own_path(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text(TEMPLATE.replace("SQS::Queue", "WAFRegional::WebACL"))
    os.symlink(tmp_path / "b.yaml", tmp_path / "a.yaml")
    os.symlink(tmp_path / "a.yaml", tmp_path / "b.yaml")
    outcome = _scan(tmp_path, source="eu-central-1", target="me-central-1")
    assert {(s.rel, s.code) for s in outcome.skipped} == {
        ("a.yaml", "SymlinkLoop"),
        ("b.yaml", "SymlinkLoop"),
    }
    assert all(e.item is not None for e in outcome.errors if e.check != "IAC-003")
    assert ("IAC-001", "template.yaml", 4, 5, "E3006") in hits(outcome, "IAC-001")


@pytest.mark.parametrize(
    ("name", "text", "line"),
    [
        ("broken.yaml", TEMPLATE + "  Bad: [unclosed\n", 6),
        ("broken.json", '{"AWSTemplateFormatVersion": "2010-09-09",\n "Resources": {,}}\n', 2),
    ],
)
def test_a_template_that_does_not_parse_is_e0000_under_iac_001(
    tmp_path: Path, name: str, text: str, line: int
) -> None:
    (tmp_path / name).write_text(text)
    outcome = _scan(tmp_path)
    found = [h for h in hits(outcome, "IAC-001") if h[4] == "E0000"]
    assert [(h[1], h[2]) for h in found] == [(name, line)]
    # IAC-002 could not search it: ERROR for that file, never a clean PASS
    assert ("IAC-002", "ParseError") in _per_item_errors(outcome, name)
    assert not any(i["Clean"] for i in outcome.items["region_literal"] if i["Id"] == name)


def test_the_command_reports_unreadable_files_and_is_incomplete(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "ok.yaml").write_text(TEMPLATE)
    (tree / "template.yaml").write_bytes(b"Resources:\n  Q:\n    Type: AWS::SQS::Queue # caf\xe9\n")
    out = tmp_path / "out"
    parser = argparse.ArgumentParser()
    iac_cli.add_arguments(parser)
    argv = [str(tree), "--source", "me-central-1", "--target", "eu-central-1", "--no-checkov"]
    argv += ["--base", str(tree), "--format", "json", "--out", str(out)]
    code = iac_cli.run(parser.parse_args(argv))
    assert code == 3  # incomplete: not READY
    report = json.loads((out / "regionready.json").read_text())
    errors = [r for r in report["results"] if r["status"] == "ERROR"]
    assert {r["rule_id"] for r in errors} >= {"IAC-001", "IAC-002", "IAC-004"}
    assert any("not UTF-8" in json.dumps(r) for r in errors)


def test_nested_stacks_and_sam_applications_with_local_templates_are_followed(
    tmp_path: Path,
) -> None:
    (tmp_path / "stacks").mkdir()
    (tmp_path / "parent.yaml").write_text(
        "Resources:\n"
        "  Child:\n    Type: AWS::CloudFormation::Stack\n"
        "    Properties:\n      TemplateURL: stacks/child.tmpl\n"
        "  App:\n    Type: AWS::Serverless::Application\n"
        "    Properties:\n      Location: ../outside/app.cfn\n"
        "  Remote:\n    Type: AWS::CloudFormation::Stack\n"
        "    Properties:\n      TemplateURL: https://example.com/x.yaml\n"
    )
    (tmp_path / "stacks" / "child.tmpl").write_text(
        "Resources:\n  P:\n    Type: AWS::SSM::Parameter\n    Properties:\n"
        "      Type: String\n      Value: arn:aws:kms:me-central-1:111122223333:key/k\n"
    )
    outside = tmp_path.parent / "outside"
    outside.mkdir(exist_ok=True)
    (outside / "app.cfn").write_text("Resources:\n  T:\n    Type: Acme::Queue::Thing\n")
    found = files.discover_all([tmp_path], tmp_path)
    kinds = {f.rel: f.kind for f in found.files}
    assert kinds["stacks/child.tmpl"] == "cloudformation"
    assert kinds["app.cfn"] == "cloudformation"
    outcome = _scan(tmp_path)
    assert ("IAC-002", "stacks/child.tmpl", 6, 26, "source-region-literal") in hits(outcome)


def test_a_template_of_third_party_types_only_is_a_template() -> None:
    text = (
        "Resources:\n  M:\n    Type: Datadog::Monitors::Monitor\n"
        "  N:\n    Type: MyOrg::Net::Vpc::MODULE\n"
    )
    source = files.classify(Path("stack.yaml"), "stack.yaml", text)
    assert source is not None and source.kind == "cloudformation"
    assert (
        files.classify(Path("v.yaml"), "v.yaml", "Resources:\n  a:\n    Type: t\n").kind == "config"
    )  # type: ignore[union-attr]


def test_the_source_is_linted_only_for_errors_that_may_differ_and_tags_by_rule_and_location(
    tmp_path: Path,
) -> None:
    text = (
        "Resources:\n  Acl:\n    Type: AWS::WAFRegional::WebACL\n    Properties:\n"
        "      Name: app\n      MetricName: app\n      DefaultAction: {Type: ALLOW}\n"
        "  Subnet:\n    Type: AWS::EC2::Subnet\n    Properties:\n      VpcId: vpc-1\n"
        "      CidrBlock: [eu-central-1]\n"
    )
    source = files.classify(tmp_path / "t.yaml", "t.yaml", text)
    assert source is not None
    linter = cfn.Linter()
    assert linter.prepare("me-central-1") is None
    found = cfn.scan(linter, source, "me-central-1", "eu-central-1")
    # the target, then the source for the one resource whose error names a Region
    assert linter.passes == 2
    by_code = {f.code: f.message for f in found}
    assert "(not reported for eu-central-1)" in by_code["E3006"]
    # the message quotes a Region name: still the same rule at the same place in both
    assert "'eu-central-1'" in by_code["E3012"]
    assert "(also reported for eu-central-1)" in by_code["E3012"]


def test_one_pass_when_no_error_can_differ_between_the_regions(tmp_path: Path) -> None:
    """A clean template, or one whose errors name no Region under types with the same
    schema in both, is linted once, for the target alone."""
    clean = "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n"
    same = (
        "Resources:\n  Subnet:\n    Type: AWS::EC2::Subnet\n    Properties:\n"
        "      VpcId: vpc-1\n      CidrBlock: [not-a-string]\n"
    )
    linter = cfn.Linter()
    assert linter.prepare("me-central-1") is None
    for name, text, expected in (("clean.yaml", clean, set()), ("same.yaml", same, {"E3012"})):
        source = files.classify(tmp_path / name, name, text)
        assert source is not None
        before = linter.passes
        found = cfn.scan(linter, source, "me-central-1", "eu-central-1")
        assert linter.passes == before + 1, name
        assert expected <= {f.code for f in found} and bool(found) == bool(expected)
        assert all("(also reported for eu-central-1)" in f.message for f in found)


def test_the_source_pass_keeps_the_lines_of_the_whole_template(tmp_path: Path) -> None:
    """The source is linted on the template cut down to the resources in question, and
    its errors keep their places: an error of the target at the same rule, line and
    column in the source is 'also reported', whatever resources come before it."""
    text = (
        "Resources:\n"
        + "".join(f"  Q{i}:\n    Type: AWS::SQS::Queue\n" for i in range(5))
        + "  Acl:\n    Type: AWS::WAFRegional::WebACL\n    Properties:\n"
        "      Name: app\n      MetricName: app\n      DefaultAction: {Type: ALLOW}\n"
    )
    source = files.classify(tmp_path / "t.yaml", "t.yaml", text)
    assert source is not None
    linter = cfn.Linter()
    assert linter.prepare("me-central-1") is None
    # WAF Classic exists in neither Region: the same E3006, at the same place, in both
    found = cfn.scan(linter, source, "me-central-1", "ap-southeast-7")
    assert [(f.code, f.line) for f in found] == [("E3006", 13)]
    assert "(also reported for ap-southeast-7)" in found[0].message


def test_named_regions_reads_cfn_lint_region_suffixes() -> None:
    assert cfn.named_regions("Resource type 'X' does not exist in 'me-central-1'") == {
        "me-central-1"
    }
    assert cfn.named_regions("bad in ['us-east-1', 'eu-west-1']") == {"us-east-1", "eu-west-1"}
    assert cfn.named_regions("['eu-central-1'] is not of type 'string'") is None


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


def test_checkov_timeout_kills_its_whole_process_group(tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    script = tmp_path / "checkov"
    script.write_text(f"#!/bin/sh\nsleep 300 &\necho $! >> {pids}\necho $$ >> {pids}\nsleep 300\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    started = time.monotonic()
    outcome = checkov.run(str(script), ["-d", str(tmp_path)], timeout=2)
    assert time.monotonic() - started < 30
    (error,) = outcome.errors
    assert error.code == "Timeout"
    assert "timed out" in error.message and "2 s" in error.message
    assert "--checkov-timeout" in error.action
    numbers = [int(p) for p in pids.read_text().split()]
    assert len(numbers) == 2
    deadline = time.monotonic() + 5
    while any(_alive(p) for p in numbers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(p) for p in numbers)


def test_checkov_timeout_option_is_a_positive_number_of_seconds() -> None:
    parser = argparse.ArgumentParser()
    iac_cli.add_arguments(parser)
    args = parser.parse_args(["x", "--source", "a", "--target", "b", "--checkov-timeout", "30"])
    assert iac_cli.collect_options(args)["checkov_timeout"] == 30
    with pytest.raises(SystemExit):
        parser.parse_args(["x", "--source", "a", "--target", "b", "--checkov-timeout", "0"])
