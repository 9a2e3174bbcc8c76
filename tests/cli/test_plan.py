"""``regionready plan SNAPSHOT``: the runbook of a small snapshot (a key alias with no key
in the target blocks two secrets; certificates), each format, the exit codes, --help."""

from __future__ import annotations

import argparse
import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from regionready import cli
from regionready.cli import main
from regionready.cutover.phases import PHASES

from .conftest import CERT_EXPIRING, CERT_SOURCE, make_scan

NOW = "2026-11-23T00:00:00Z"
ONLY = "KMS-001,SM-001,ACM-001,ACM-003"
HOSTILE = 'evil"]`\n## injected <b>x</b>'


def _secret(name: str, key: str | None) -> dict[str, Any]:
    item: dict[str, Any] = {
        "ARN": f"arn:aws:secretsmanager:me-central-1:111111111111:secret:{name}-AAAAAA",
        "Name": name,
        "ReplicationStatus": [],
    }
    if key is not None:
        item["KmsKeyId"] = key
    return item


@pytest.fixture
def scan(tmp_path: Path) -> Path:
    """KMS-001 fails for alias/gone, which blocks SM-001 for two secrets under it (one with
    a hostile name); a third secret, under the AWS managed key, waits for nothing; ACM-001
    (high) and ACM-003 (medium on 2026-11-23) fail too."""
    alias = {
        "AliasName": "alias/gone",
        "TargetKeyId": "k-gone",
        "Key": {"KeyId": "k-gone", "KeyState": "Enabled", "KeyManager": "CUSTOMER"},
    }
    return make_scan(
        tmp_path / "scan",
        {
            "secretsmanager": {
                "secret": [
                    _secret("app/db", "alias/gone"),
                    _secret(HOSTILE, "alias/gone"),
                    _secret("plain", None),
                ]
            },
            "kms": {"alias": [alias], "key": []},
            "acm": {"certificate": [CERT_SOURCE], "private_ca": []},
        },
        {
            "secretsmanager": {"secret": []},
            "kms": {"alias": [], "key": []},
            "acm": {"certificate": [CERT_EXPIRING], "private_ca": []},
        },
    )


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_markdown_runbook_on_stdout(scan: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "plan", str(scan), "--now", NOW, "--only", ONLY)
    assert code == 1, err  # high findings: the gate's exit code, as evaluate's
    assert out.startswith("# Cutover plan: me-central-1 → eu-central-1\n")
    steps = re.findall(r"^### Step (\d+): (\S+)", out, flags=re.M)
    assert steps == [("1", "KMS-001"), ("2", "ACM-001"), ("3", "ACM-003"), ("4", "SM-001")]
    assert f"`regionready remediate {scan} --rule KMS-001`" in out
    assert "Unblocks step 4 (2 findings)." in out
    assert "Waits for step 1." in out
    assert "```mermaid" in out
    assert "<b>" not in out and "\n## injected" not in out


def test_json_to_a_file_validates(
    scan: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out" / "plan.json"
    target.parent.mkdir()
    code, out, err = run(
        capsys,
        "plan",
        str(scan),
        "--now",
        NOW,
        "--only",
        ONLY,
        "--format",
        "json",
        "--output",
        str(target),
    )
    assert code == 1 and out == ""
    assert f"wrote {target}: 4 steps, 6 findings" in err
    document = json.loads(target.read_text("utf-8"))
    schema = json.loads(
        resources.files("regionready.schemas").joinpath("plan.schema.json").read_text("utf-8")
    )
    jsonschema.Draft202012Validator(schema).validate(document)
    assert [p["name"] for p in document["phases"]] == list(PHASES)
    assert [s["rule_id"] for s in document["steps"]] == ["KMS-001", "ACM-001", "ACM-003", "SM-001"]
    assert len(document["edges"]) == 2
    sm = document["steps"][3]
    assert sm["waits_for"] == [1]
    assert {f["resource_name"] for f in sm["findings"]} == {"app/db", HOSTILE, "plain"}
    assert not list(target.parent.glob(".*.tmp")), "written through a temp file, renamed"


def test_dot_on_stdout(scan: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "plan", str(scan), "--now", NOW, "--only", ONLY, "--format", "dot")
    assert code == 1
    assert out.startswith("digraph cutover {\n") and out.endswith("}\n")
    assert len(re.findall(r"^  f\d+ -> f\d+;$", out, flags=re.M)) == 2
    assert '"SM-001 evil\\"]` ## injected <b>x</b>"' in out


def test_suppressions_leave_findings_out_and_fail_on_sets_the_exit_code(
    scan: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    accepted = tmp_path / "suppressions.yaml"
    accepted.write_text(
        "suppressions:\n"
        "  - rule: ACM-*\n"
        '    resource: "*"\n'
        "    reason: certificates move with the December release\n"
        "    owner: platform-team@example.com\n"
        "    expires: 2027-01-31\n"
    )
    code, out, err = run(
        capsys,
        "plan",
        str(scan),
        "--now",
        NOW,
        "--only",
        ONLY,
        "--suppressions",
        str(accepted),
        "--fail-on",
        "critical",
    )
    assert code == 0, err
    assert re.findall(r"^### Step \d+: (\S+)", out, flags=re.M) == ["KMS-001", "SM-001"]
    assert "2 suppressed findings left out." in out


def test_no_open_finding_is_an_empty_plan_and_exit_0(
    scan: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # ACM-003 on 2026-01-01: the certificate expires in almost a year
    code, out, _ = run(
        capsys, "plan", str(scan), "--now", "2026-01-01T00:00:00Z", "--only", "ACM-003"
    )
    assert code == 0
    assert "Nothing to do: no open finding." in out


def test_an_output_that_cannot_be_written_is_exit_2(
    scan: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    code, out, err = run(
        capsys, "plan", str(scan), "--only", ONLY, "--output", str(blocker / "plan.md")
    )
    assert code == 2 and out == ""
    assert err.startswith("regionready: error: ") and str(blocker) in err


def test_help_teaches_the_plan_phases_needs_source_and_exit_codes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as info:
        main(["plan", "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: regionready plan")
    for phase in PHASES:
        assert re.search(rf"^  \d\. {phase} ", out, flags=re.M), phase
    assert "needs_source:" in out and "while the\n  source Region still answers" in out
    assert "exit codes" in out
    for code in ("0  no open finding", "1  open findings", "2  usage", "3  incomplete"):
        assert code in out
    assert "regionready remediate SNAPSHOT --rule ID" in out


def test_every_option_has_help() -> None:
    (command,) = [c for c in cli.COMMANDS if c.NAME == "plan"]
    parser = argparse.ArgumentParser(prog="regionready plan")
    command.add_arguments(parser)
    assert all(action.help for action in parser._actions)


def test_the_plan_lists_the_reencryption_inventory_and_its_steps(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key_arn = "arn:aws:kms:me-central-1:111111111111:key/k-ledger"
    root = make_scan(
        tmp_path / "inventory",
        {
            "kms": {
                "key": [
                    {"KeyId": "k-ledger", "KeyManager": "CUSTOMER", "Aliases": ["alias/ledger"]}
                ],
                "alias": [
                    {
                        "AliasName": "alias/ledger",
                        "TargetKeyId": "k-ledger",
                        "Key": {
                            "KeyId": "k-ledger",
                            "KeyState": "Enabled",
                            "KeyManager": "CUSTOMER",
                        },
                    }
                ],
            },
            "ec2": {
                "volume": [
                    {"VolumeId": "vol-1", "Size": 50, "Encrypted": True, "KmsKeyId": key_arn}
                ],
                "snapshot": [],
                "ebs_encryption": [],
            },
        },
        {
            "kms": {"key": [], "alias": []},
            "ec2": {"volume": [], "snapshot": [], "ebs_encryption": []},
        },
    )
    code, out, _ = run(capsys, "plan", str(root), "--now", NOW, "--only", "KMS-001,KMS-010")
    assert code == 1
    assert "## Data under customer keys of me-central-1" in out
    assert "| alias/ledger | 111111111111 | 1 | 50 GiB | 1 ec2.volume |" in out
    steps = re.findall(r"^### Step (\d+): (\S+)", out, flags=re.M)
    assert steps == [("1", "KMS-001"), ("2", "KMS-010")]  # the key, then the data under it
    assert "Before the source Region (me-central-1) is lost, do steps 1 and 2" in out
    # The alias's finding names what uses its key: the volume.
    assert "| Blocked by | Used by |" in out and "| ec2.volume vol-1 |" in out
    code, out, _ = run(
        capsys, "plan", str(root), "--now", NOW, "--only", "KMS-001,KMS-010", "--format", "json"
    )
    document = json.loads(out)
    assert document["inventory"] == [
        {
            "account": "111111111111",
            "region": "me-central-1",
            "key_id": "k-ledger",
            "name": "alias/ledger",
            "multi_region": False,
            "resources": 1,
            "size_bytes": 50 * 1024**3,
            "unsized": 0,
            "by_type": {"ec2.volume": 1},
        }
    ]
    [data_step] = [s for s in document["steps"] if s["rule_id"] == "KMS-010"]
    assert data_step["waits_for"] == [1] and data_step["needs_source_region"] is True
    [key_step] = [s for s in document["steps"] if s["rule_id"] == "KMS-001"]
    assert key_step["findings"][0]["used_by"] == ["ec2.volume vol-1"]
