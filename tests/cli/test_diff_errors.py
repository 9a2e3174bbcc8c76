"""``regionready diff`` and ``--baseline``: a finding whose check could not be evaluated in
the newer report is "not evaluated", never "fixed".

Only evidence makes a finding fixed: its fingerprint is PASS or NOT_APPLICABLE in the new
report, or gone while its rule ran for that account without an ERROR. An ERROR of the
same fingerprint, or an ERROR result of the same rule and account (a whole resource type
that could not be read: ``acm.certificate@eu-central-1``, correlation key
``error@eu-central-1``), or a rule that did not run at all, makes it "not evaluated"; a
finding SUPPRESSED now is "suppressed". With ``--baseline`` the console verdict line
counts what the gate counts: "N new (M in total)".
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from regionready.cli import main

from .conftest import CERT_SOURCE, DENIED, make_scan

NOW = "2026-11-23T00:00:00Z"
ACCOUNT = "111111111111"
TARGET = "eu-central-1"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def evaluate(
    capsys: pytest.CaptureFixture[str], scan: Path, out: Path, *extra: str
) -> tuple[int, str, Path]:
    argv = ["evaluate", str(scan), "--now", NOW, "--only", "ACM-001", "--format", "table,json"]
    code, stdout, _ = run(capsys, *argv, "--out", str(out), *extra)
    return code, stdout, out / "regionready.json"


def listed(out: str) -> dict[str, list[str]]:
    """Label -> rule ids, from diff's table output."""
    found: dict[str, list[str]] = {}
    for line in out.splitlines()[:-1]:
        label = "not evaluated" if line.startswith("not evaluated") else line.split()[0]
        found.setdefault(label, []).append(line)
    return found


@pytest.fixture
def failing_then_denied(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path]:
    """Two real reports: ACM-001 fails for api.example.com; then the target's
    certificates cannot be listed (AccessDenied), so ACM-001 is ERROR for the whole type."""
    source = {"acm": {"certificate": [CERT_SOURCE], "private_ca": []}}
    ok = make_scan(tmp_path / "ok", source, {"acm": {"certificate": [], "private_ca": []}})
    denied = make_scan(
        tmp_path / "denied", source, {"acm": {"private_ca": []}}, errors={"target": DENIED}
    )
    assert evaluate(capsys, ok, tmp_path / "r1")[0] == 1
    assert evaluate(capsys, denied, tmp_path / "r2")[0] == 3
    return tmp_path / "r1" / "regionready.json", tmp_path / "r2" / "regionready.json"


def test_a_finding_whose_check_became_error_is_not_fixed(
    failing_then_denied: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = failing_then_denied
    errors = [r for r in json.loads(new.read_text())["results"] if r["status"] == "ERROR"]
    assert [(r["resource_id"], r["correlation_key"]) for r in errors] == [
        (f"acm.certificate@{TARGET}", f"error@{TARGET}")
    ]
    code, out, _ = run(capsys, "diff", str(old), str(new))
    assert code == 0
    assert out.splitlines()[-1] == (
        "0 new, 0 fixed, 0 unchanged findings, 1 not evaluated, 0 suppressed"
    )
    (line,) = listed(out)["not evaluated"]
    assert "ACM-001" in line and "api.example.com" in line
    code, out, _ = run(capsys, "diff", str(old), str(new), "--format", "json")
    changes = json.loads(out)
    assert changes["fixed"] == []
    assert [r["rule_id"] for r in changes["not_evaluated"]] == ["ACM-001"]


def _result(fp: int, status: str, rule: str = "ACM-001", **extra: Any) -> dict[str, Any]:
    return {
        "fingerprint": f"{fp:032x}",
        "status": status,
        "severity": "high",
        "rule_id": rule,
        "account": ACCOUNT,
        "region": TARGET,
        "resource_id": f"arn:{fp}",
        "message": f"finding {fp}",
        **extra,
    }


def _write(path: Path, results: list[dict[str, Any]]) -> str:
    path.write_text(json.dumps({"results": results}))
    return str(path)


@pytest.mark.parametrize(
    ("new_results", "label"),
    [
        ([_result(1, "FAIL")], "unchanged"),
        ([_result(1, "PASS")], "fixed"),
        ([_result(1, "NOT_APPLICABLE")], "fixed"),
        ([_result(2, "PASS")], "fixed"),  # gone: the rule ran, on complete data
        ([_result(1, "ERROR")], "not evaluated"),  # the same fingerprint could not be judged
        (  # gone, and the whole resource type could not be read
            [_result(9, "ERROR", resource_id=f"acm.certificate@{TARGET}")],
            "not evaluated",
        ),
        (  # gone, the rule erred elsewhere for the account: no evidence either way
            [_result(2, "PASS"), _result(9, "ERROR", region="me-central-1")],
            "not evaluated",
        ),
        ([_result(2, "PASS", rule="ACM-003")], "not evaluated"),  # ACM-001 did not run
        ([_result(3, "PASS", account="222222222222")], "not evaluated"),  # not this account
        ([_result(1, "SUPPRESSED")], "suppressed"),
    ],
)
def test_what_counts_as_fixed(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    new_results: list[dict[str, Any]],
    label: str,
) -> None:
    old = _write(tmp_path / "old.json", [_result(1, "FAIL")])
    new = _write(tmp_path / "new.json", new_results)
    code, out, _ = run(capsys, "diff", old, new)
    assert code == 0
    assert list(listed(out)) == [label], out
    code, out, _ = run(capsys, "diff", old, new, "--format", "json")
    key = label.replace(" ", "_")
    changes = json.loads(out)
    assert [r["fingerprint"] for r in changes[key]] == [f"{1:032x}"], changes
    assert sorted(changes) == ["fixed", "new", "not_evaluated", "suppressed", "unchanged"]


def test_baseline_verdict_line_counts_new_findings_and_their_total(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = {"acm": {"certificate": [CERT_SOURCE], "private_ca": []}}
    empty: dict[str, Any] = {"acm": {"certificate": [], "private_ca": []}}
    first = make_scan(tmp_path / "first", source, empty)
    assert evaluate(capsys, first, tmp_path / "r1")[0] == 1
    second_cert = dict(
        CERT_SOURCE,
        CertificateArn=f"{CERT_SOURCE['CertificateArn']}-2",
        DomainName="new.example.com",
        SubjectAlternativeNames=["new.example.com"],
    )
    both = {"acm": {"certificate": [CERT_SOURCE, second_cert], "private_ca": []}}
    second = make_scan(tmp_path / "second", both, empty)
    baseline = tmp_path / "r1" / "regionready.json"
    code, out, _ = evaluate(capsys, second, tmp_path / "r2", "--baseline", str(baseline))
    assert code == 1
    first_line = out.splitlines()[0]
    assert first_line.startswith("NOT READY for cutover"), first_line
    assert "1 new (2 in total) at or above --fail-on high" in first_line, first_line
    assert "baseline: 1 new, 0 fixed, 1 unchanged findings" in out
    code, out, _ = evaluate(capsys, first, tmp_path / "r3", "--baseline", str(baseline))
    assert code == 0
    assert "0 new (1 in total) at or above --fail-on high" in out.splitlines()[0]


def test_baseline_gate_says_not_evaluated_for_a_finding_whose_check_became_error(
    failing_then_denied: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    baseline, _ = failing_then_denied
    source = {"acm": {"certificate": [CERT_SOURCE], "private_ca": []}}
    denied = make_scan(
        tmp_path / "denied2", source, {"acm": {"private_ca": []}}, errors={"target": DENIED}
    )
    code, out, _ = evaluate(capsys, denied, tmp_path / "r4", "--baseline", str(baseline))
    assert code == 3
    assert "baseline: 0 new, 0 fixed, 0 unchanged findings, 1 not evaluated" in out, out
