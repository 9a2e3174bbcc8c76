"""IAC-003: checkov as an external program (its own environment), offline, and the
"checkov absent" path, which never needs checkov."""

from __future__ import annotations

import json
import stat
import sys
from pathlib import Path

import pytest

from regionready.iac import checkov
from regionready.iac.scan import ScanOutcome

from .conftest import clean, hits, item, run_scan


@pytest.fixture(scope="module")
def scanned(checkov_path: str) -> ScanOutcome:
    return run_scan("checkov_kms", "checkov_kms_clean", checkov=checkov_path)


def test_failures_on_migrated_resource_types_become_findings_at_the_resource(
    scanned: ScanOutcome,
) -> None:
    assert scanned.errors == []
    assert hits(scanned, "IAC-003") == {
        ("IAC-003", "checkov_kms/kms.yaml", 3, 3, "CKV_AWS_7"),
        ("IAC-003", "checkov_kms/main.tf", 1, 1, "CKV_AWS_7"),
        ("IAC-003", "checkov_kms/main.tf", 1, 1, "CKV2_AWS_64"),
    }
    found = item(scanned, "checkov_kms/kms.yaml:3:3:CKV_AWS_7")
    assert "AWS::KMS::Key.DataKey" in found["Message"]


def test_failures_on_other_resource_types_are_dropped(scanned: ScanOutcome) -> None:
    # The S3 bucket in checkov_kms/kms.yaml (lines 15-16) fails several checkov checks.
    assert all(line < 15 for _, path, line, _, _ in hits(scanned) if path.endswith("kms.yaml"))


def test_a_clean_template_passes_iac_003(scanned: ScanOutcome) -> None:
    assert ("IAC-003", "checkov_kms_clean/kms.yaml") in clean(scanned)
    assert ("IAC-003", "checkov_kms/kms.yaml") not in clean(scanned)


def test_checkov_absent_is_an_error_for_iac_003_only() -> None:
    outcome = run_scan("checkov_kms")
    assert [(e.check, e.code) for e in outcome.errors] == [("IAC-003", "NotFound")]
    assert outcome.items["checkov"] == []
    assert "pipx install checkov" in outcome.errors[0].action
    assert ("IAC-002", "checkov_kms/kms.yaml") in clean(outcome)


def test_not_on_path_and_no_option_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(checkov.ENV_VAR, raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    found = checkov.locate(None)
    assert not isinstance(found, str)
    assert found.code == "NotInstalled"
    assert "pipx install checkov" in found.action


def test_lookup_order_is_option_then_environment_then_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = _script(tmp_path / "a", "exit 0"), _script(tmp_path / "b", "exit 0")
    monkeypatch.setenv(checkov.ENV_VAR, str(second))
    assert checkov.locate(str(first)) == str(first)
    assert checkov.locate(None) == str(second)
    monkeypatch.delenv(checkov.ENV_VAR)
    monkeypatch.setenv("PATH", str(tmp_path / "a"))
    assert checkov.locate(None) == str(first)


def _script(folder: Path, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "checkov"
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_checkov_runs_offline_with_the_documented_switches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = tmp_path / "record.json"
    recorder = tmp_path / "record.py"
    recorder.write_text(
        "import json, os, sys\n"
        f"out = open({str(record)!r}, 'w')\n"
        "json.dump({'argv': sys.argv[1:], 'env': dict(os.environ)}, out)\n"
        "print('{}')\n"
    )
    fake = _script(tmp_path / "bin", f'exec {sys.executable} {recorder} "$@"')
    monkeypatch.setenv("BC_API_KEY", "must-not-reach-checkov")
    run = checkov.run(str(fake), ["-d", str(tmp_path)])
    assert run.errors == [] and run.failures == []
    seen = json.loads(record.read_text())
    argv = seen["argv"]
    for switch in ("--skip-download", "--quiet", "--compact"):
        assert switch in argv
    assert argv[argv.index("-o") + 1] == "json"
    assert argv[argv.index("--framework") + 1 : argv.index("--framework") + 3] == [
        "cloudformation",
        "terraform",
    ]
    env = seen["env"]
    assert "BC_API_KEY" not in env
    assert env["BC_SKIP_MAPPING"] == "TRUE"
    assert env["CKV_SKIP_PACKAGE_UPDATE_CHECK"] == "TRUE"
    assert env["CHECKOV_RUN_SCA_PACKAGE_SCAN_V2"] == "false"
    assert env["DOWNLOAD_EXTERNAL_MODULES"] == "false"


def test_a_crashing_checkov_is_an_error_not_a_pass(tmp_path: Path) -> None:
    fake = _script(tmp_path, 'echo "Traceback: boom" >&2; exit 2')
    outcome = run_scan("checkov_kms", checkov=str(fake))
    assert [(e.check, e.code) for e in outcome.errors] == [("IAC-003", "Failed")]
    assert "boom" in outcome.errors[0].message
    assert outcome.items["checkov"] == []


def test_unreadable_output_is_an_error(tmp_path: Path) -> None:
    fake = _script(tmp_path, "echo not-json; exit 1")
    outcome = run_scan("checkov_kms", checkov=str(fake))
    assert [(e.check, e.code) for e in outcome.errors] == [("IAC-003", "BadOutput")]


def test_report_shapes_list_single_and_summary_only() -> None:
    failed = {
        "check_id": "CKV_AWS_7",
        "check_name": "rotation",
        "resource": "aws_kms_key.k",
        "file_abs_path": "/x/main.tf",
        "file_line_range": [4, 9],
        "severity": "high",
    }
    report = {"check_type": "terraform", "results": {"failed_checks": [failed]}}
    assert len(checkov.failures(checkov.parse(json.dumps([report, report])))) == 2
    single = checkov.failures(checkov.parse(json.dumps(report)))
    assert single == [
        checkov.Failure(Path("/x/main.tf"), 4, "CKV_AWS_7", "rotation", "aws_kms_key.k", "HIGH")
    ]
    assert checkov.parse(json.dumps({"passed": 0, "failed": 0})) == []


@pytest.mark.parametrize(
    ("resource", "expected"),
    [
        ("AWS::KMS::Key.DataKey", True),
        ("AWS::CertificateManager::Certificate.Cert", True),
        ("AWS::WAFv2::WebACL.Acl", True),
        ("AWS::SecretsManager::Secret.S", True),
        ("AWS::Cognito::UserPool.P", True),
        ("AWS::IAM::Role.R", True),
        ("aws_kms_key.k", True),
        ("module.app.aws_iam_role.r", True),
        ("aws_acm_certificate.c", True),
        ("aws_wafv2_web_acl.a", True),
        ("aws_secretsmanager_secret.s", True),
        ("aws_cognito_user_pool.p", True),
        ("AWS::S3::Bucket.Logs", False),
        ("aws_s3_bucket.logs", False),
        ("aws_kmsx_thing.k", False),
    ],
)
def test_touched_resource_types(resource: str, expected: bool) -> None:
    assert checkov.touched(resource) is expected
