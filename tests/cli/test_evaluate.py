"""evaluate: exit codes, --fail-on, clocks, params, formats and bad snapshots."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from regionready.cli import main

from .conftest import make_scan, relist

NOW = "2026-11-23T00:00:00Z"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_findings_at_or_above_fail_on_exit_1(
    acm_scan: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "evaluate", str(acm_scan), "--now", NOW, "--only", "ACM-001,ACM-003")
    assert code == 1
    assert "NOT READY" in out
    assert "api.example.com" in out


def test_fail_on_critical_passes_high_findings(
    acm_scan: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys,
        "evaluate",
        str(acm_scan),
        "--now",
        NOW,
        "--fail-on",
        "critical",
        "--only",
        "ACM-001,ACM-003",
    )
    assert code == 0
    assert "READY" in out


def test_json_report_and_severity_follow_the_clock(
    acm_scan: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_dir = tmp_path / "out"
    args = [
        "evaluate",
        str(acm_scan),
        "--only",
        "ACM-003",
        "--format",
        "json",
        "--out",
        str(out_dir),
    ]
    code, _, _ = run(capsys, *args, "--now", NOW)  # 27 days left: within 30
    report = json.loads((out_dir / "regionready.json").read_text())
    (shop,) = [r for r in report["results"] if r["status"] == "FAIL"]
    assert shop["severity"] == "high"
    assert code == 1
    code, _, _ = run(capsys, *args, "--now", "2026-11-01T00:00:00Z")  # 49 days: 30..60
    report = json.loads((out_dir / "regionready.json").read_text())
    (shop,) = [r for r in report["results"] if r["status"] == "FAIL"]
    assert shop["severity"] == "medium"
    assert code == 0  # medium is below the default --fail-on high


def test_cutover_date_moves_the_window(
    acm_scan: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_dir = tmp_path / "out"
    base = [
        "evaluate",
        str(acm_scan),
        "--only",
        "ACM-003",
        "--format",
        "json",
        "--out",
        str(out_dir),
    ]
    run(capsys, *base, "--now", "2026-09-01T00:00:00Z")
    early = json.loads((out_dir / "regionready.json").read_text())
    assert [r["status"] for r in early["results"]] == ["PASS"]
    run(capsys, *base, "--now", "2026-09-01T00:00:00Z", "--cutover-date", "2026-12-10")
    late = json.loads((out_dir / "regionready.json").read_text())
    assert [(r["status"], r["severity"]) for r in late["results"]] == [("FAIL", "high")]


def test_param_override_changes_the_window(
    acm_scan: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_dir = tmp_path / "out"
    base = [
        "evaluate",
        str(acm_scan),
        "--only",
        "ACM-003",
        "--format",
        "json",
        "--out",
        str(out_dir),
    ]
    run(
        capsys,
        *base,
        "--now",
        NOW,
        "--param",
        "ACM-003.notice_days=10",
        "--param",
        "ACM-003.days=5",
    )
    report = json.loads((out_dir / "regionready.json").read_text())
    assert [r["status"] for r in report["results"]] == ["PASS"]


def test_unknown_param_and_format_are_usage_errors(
    acm_scan: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "evaluate", str(acm_scan), "--param", "ACM-003.weeks=2")
    assert code == 2 and "has no parameter weeks" in err
    code, _, err = run(capsys, "evaluate", str(acm_scan), "--format", "pdf")
    assert code == 2 and "unknown format 'pdf'" in err


def test_access_denied_is_error_never_pass_and_exits_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    denied = {
        "acm": [
            {
                "api": "acm:ListCertificates",
                "code": "AccessDeniedException",
                "action": "acm:ListCertificates",
                "resource_types": ["certificate"],
            }
        ]
    }
    scan = make_scan(
        tmp_path / "scan",
        {"acm": {"certificate": [], "private_ca": []}},
        {"acm": {"private_ca": []}},
        errors={"target": denied},
    )
    out_dir = tmp_path / "out"
    code, out, _ = run(
        capsys, "evaluate", str(scan), "--format", "table,json", "--out", str(out_dir)
    )
    assert code == 3
    assert "INCOMPLETE" in out
    report = json.loads((out_dir / "regionready.json").read_text())
    by_rule = {}
    for r in report["results"]:
        by_rule.setdefault(r["rule_id"], set()).add(r["status"])
    for rule in ("ACM-001", "ACM-002", "ACM-003", "ACM-004"):
        assert "PASS" not in by_rule[rule], rule
        assert "ERROR" in by_rule[rule], rule
    gen = [r for r in report["results"] if r["rule_id"] == "GEN-005" and r["status"] == "FAIL"]
    assert len(gen) == 1
    assert "acm:ListCertificates" in gen[0]["message"]
    assert "ACM-003" in gen[0]["message"]
    code, _, _ = run(capsys, "evaluate", str(scan), "--allow-incomplete", "--fail-on", "critical")
    assert code == 0


@pytest.mark.parametrize(
    ("prepare", "fragment"),
    [
        (lambda root: None, "no such snapshot directory"),
        (lambda root: root.mkdir(), "no manifest.json"),
        (
            lambda root: (
                root.mkdir(),
                (root / "manifest.json").write_text('{"kind": "regionready-manifest", "sche'),
            ),
            "not valid JSON",
        ),
        (
            lambda root: (root.mkdir(), (root / "manifest.json").write_text('{"hello": 1}')),
            "not a regionready manifest",
        ),
    ],
)
def test_bad_snapshot_dirs_exit_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], prepare: object, fragment: str
) -> None:
    root = tmp_path / "snap"
    prepare(root)  # type: ignore[operator]
    code, _, err = run(capsys, "evaluate", str(root))
    assert code == 2
    assert fragment in err
    assert "Traceback" not in err and err.count("\n") == 1


def test_truncated_account_file_is_refused(
    acm_scan: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = acm_scan / "111111111111" / "eu-central-1.json"
    path.write_text(path.read_text()[:100])
    relist(acm_scan)  # else refused for its size, before it is parsed
    code, _, err = run(capsys, "evaluate", str(acm_scan))
    assert code == 2
    assert f"{path}:" in err and "truncated" in err


def test_foreign_account_file_is_refused(
    acm_scan: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = acm_scan / "111111111111" / "eu-central-1.json"
    doc = json.loads(path.read_text())
    doc["services"]["acm"]["status"] = "maybe"
    path.write_text(json.dumps(doc))
    relist(acm_scan)  # else refused for its digest, before it is validated
    code, _, err = run(capsys, "evaluate", str(acm_scan))
    assert code == 2
    assert "not a valid regionready snapshot at services/acm/status" in err


def test_fail_on_none_never_gates_and_reports_agree(
    acm_scan: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_dir = tmp_path / "out"
    args = ["evaluate", str(acm_scan), "--now", NOW, "--fail-on", "none", "--only", "ACM-001"]
    code, _, _ = run(capsys, *args, "--format", "json,markdown", "--out", str(out_dir))
    assert code == 0
    report = json.loads((out_dir / "regionready.json").read_text())
    assert report["verdict"]["fail_on"] == "none"
    assert report["verdict"]["status"] == "READY"
    assert "NOT READY" not in (out_dir / "regionready.md").read_text()
