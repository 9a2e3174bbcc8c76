"""The gate: suppressions (with expiry), baselines, diff, step summary."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from regionready.cli import main

from .conftest import relist

NOW = "2026-11-23T00:00:00Z"
API = "arn:aws:acm:me-central-1:111111111111:certificate/api"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def suppressions(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "suppressions.yaml"
    path.write_text(body)
    return path


def evaluate(scan: Path, out: Path, *extra: str) -> list[str]:
    return [
        "evaluate",
        str(scan),
        "--now",
        NOW,
        "--only",
        "ACM-001",
        "--format",
        "json",
        "--out",
        str(out),
        *extra,
    ]


def test_active_suppression_suppresses_and_passes_the_gate(
    acm_scan: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = suppressions(
        tmp_path,
        f"""\
suppressions:
  - rule: ACM-*
    resource: "{API[:-3]}*"
    reason: re-issued with the December release
    owner: platform@example.com
    expires: 2026-12-31
""",
    )
    code, _, _ = run(capsys, *evaluate(acm_scan, tmp_path / "o", "--suppressions", str(path)))
    assert code == 0
    report = json.loads((tmp_path / "o" / "regionready.json").read_text())
    (result,) = [r for r in report["results"] if r["resource_id"] == API]
    assert result["status"] == "SUPPRESSED"
    assert result["suppression"]["owner"] == "platform@example.com"


def test_expired_suppression_stops_suppressing_and_says_so(
    acm_scan: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = suppressions(
        tmp_path,
        f"""\
suppressions:
  - {{rule: ACM-001, resource: "{API}", reason: old, owner: ops, expires: 2026-11-01}}
""",
    )
    code, _, err = run(capsys, *evaluate(acm_scan, tmp_path / "o", "--suppressions", str(path)))
    assert code == 1
    assert "expired on 2026-11-01" in err
    report = json.loads((tmp_path / "o" / "regionready.json").read_text())
    (result,) = [r for r in report["results"] if r["resource_id"] == API]
    assert result["status"] == "FAIL"
    assert result["details"]["expired_suppression"]["owner"] == "ops"


def test_expired_suppression_that_matches_nothing_is_reported(
    acm_scan: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = suppressions(
        tmp_path,
        """\
suppressions:
  - {rule: ACM-001, resource: "arn:aws:acm:*:gone", reason: old, owner: ops, expires: 2026-11-01}
  - {rule: ACM-001, resource: "arn:aws:acm:*:gone", reason: new, owner: ops, expires: 2027-01-01}
""",
    )
    code, _, err = run(capsys, *evaluate(acm_scan, tmp_path / "o", "--suppressions", str(path)))
    assert code == 1  # nothing was suppressed
    warnings = [line for line in err.splitlines() if "suppression for" in line]
    assert warnings == [
        "regionready: warning: suppression for ACM-001 arn:aws:acm:*:gone (owner ops) "
        "expired on 2026-11-01 and matches no finding: remove it"
    ]


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (
            "suppressions:\n  - {rule: ACM-001, resource: x, reason: r, owner: o}\n",
            ":2: suppression is missing expires",
        ),
        (
            "suppressions:\n  - {rule: ACM-001, resource: x, reason: r, owner: o, expires: soon}\n",
            ":2: expires must be a date",
        ),
        (
            "suppressions:\n  - {rule: ACM-001, resource: x, reason: r, owner: o,"
            " expires: 2027-01-01, team: y}\n",
            ":2: unknown field team",
        ),
        ("- just a list\n", ":1: expected a top-level 'suppressions:' list"),
    ],
)
def test_bad_suppression_files_exit_2(
    acm_scan: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str, fragment: str
) -> None:
    path = suppressions(tmp_path, body)
    code, _, err = run(capsys, *evaluate(acm_scan, tmp_path / "o", "--suppressions", str(path)))
    assert code == 2
    assert f"{path}{fragment}" in err


def test_baseline_fails_only_on_new_findings(
    acm_scan: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = tmp_path / "first"
    assert run(capsys, *evaluate(acm_scan, first))[0] == 1
    baseline = first / "regionready.json"
    code, _, _ = run(capsys, *evaluate(acm_scan, tmp_path / "second", "--baseline", str(baseline)))
    assert code == 0
    # A new finding appears: a second uncovered source certificate.
    path = acm_scan / "111111111111" / "me-central-1.json"
    doc = json.loads(path.read_text())
    new_cert = dict(doc["services"]["acm"]["resources"]["certificate"][0])
    new_cert["CertificateArn"] += "-2"
    new_cert["DomainName"] = "new.example.com"
    doc["services"]["acm"]["resources"]["certificate"].append(new_cert)
    path.write_text(json.dumps(doc))
    relist(acm_scan)
    third = tmp_path / "third"
    code, _, _ = run(capsys, *evaluate(acm_scan, third, "--baseline", str(baseline)))
    assert code == 1
    report = json.loads((third / "regionready.json").read_text())
    marks = {
        r["resource_id"]: r["details"].get("baseline")
        for r in report["results"]
        if r["status"] == "FAIL"
    }
    assert marks == {API: "existing", API + "-2": "new"}

    code, out, _ = run(capsys, "diff", str(baseline), str(third / "regionready.json"))
    assert code == 1
    assert "1 new, 0 fixed, 1 unchanged findings" in out
    listed = [line.split()[0] for line in out.splitlines()[:-1]]
    assert listed == ["new", "unchanged"]
    code, out, _ = run(
        capsys, "diff", str(third / "regionready.json"), str(baseline), "--format", "json"
    )
    assert code == 0
    changes = json.loads(out)
    assert [r["resource_id"] for r in changes["fixed"]] == [API + "-2"]


def test_bad_baseline_is_exit_2(
    acm_scan: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "b.json"
    bad.write_text('{"results": [{"status": "FAIL"}]}')
    code, _, err = run(capsys, *evaluate(acm_scan, tmp_path / "o", "--baseline", str(bad)))
    assert code == 2 and "has no fingerprint/status" in err


def test_step_summary_appends_markdown(
    acm_scan: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("previous step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    run(capsys, *evaluate(acm_scan, tmp_path / "o", "--step-summary"))
    run(capsys, *evaluate(acm_scan, tmp_path / "o", "--step-summary"))
    text = summary.read_text()
    assert text.startswith("previous step\n")
    assert text.count("NOT READY") >= 2


def test_an_incomplete_collection_exits_3_even_when_no_rule_needed_the_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from .conftest import CERT_SOURCE, make_scan

    denied = {
        "acm": [
            {
                "api": "acm:ListTagsForCertificate",
                "code": "AccessDeniedException",
                "action": "acm:ListTagsForCertificate",
                "resource_types": ["unused_type"],
            }
        ]
    }
    scan = make_scan(
        tmp_path / "scan",
        {"acm": {"certificate": [CERT_SOURCE], "private_ca": []}},
        {"acm": {"certificate": [], "private_ca": []}},
        errors={"target": denied},
    )
    args = ["evaluate", str(scan), "--now", NOW, "--only", "ACM-003,GEN-005", "--fail-on", "none"]
    code, out, _ = run(capsys, *args)
    assert code == 3
    assert "INCOMPLETE" in out
    assert run(capsys, *args, "--allow-incomplete")[0] == 0
