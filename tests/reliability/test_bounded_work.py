"""Bounded work: no rule and no snapshot can make an evaluation hang or exhaust memory.

Pathological inputs run in a child process with a time and memory limit
(``run_bounded``), so that a build without the limits fails these tests (the child is
killed) instead of hanging CI:

- a catastrophically backtracking regex in a rule, on a long value;
- a regex taken from the *snapshot* (``value_from``), i.e. written by whoever can tag a
  resource, on a value built to make it backtrack;
- a JMESPath expression that doubles its input at every stage;
- a very long value and very many resources.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from regionready.engine import limits

from ._support import (
    ACCOUNT,
    ALL_FORMATS,
    REPORT_FORMATS,
    TARGET,
    acm_snapshot,
    assert_clean_usage_error,
    check_reports,
    evaluate_argv,
    rule_head,
    run,
    run_bounded,
    write_snapshot,
)

RULE_HEAD = rule_head("a test rule for bounded work")


def _rules(tmp: Path, body: str) -> Path:
    path = tmp / "rules" / "x" / "XX-001.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(RULE_HEAD + body, "utf-8")
    return path


def _evaluate_xx_001(tmp: Path, snapshot: Path, out: Path | None = None) -> list[str | Path]:
    """``evaluate`` of rule XX-001 alone, from ``tmp/rules``; a JSON report in ``out``."""
    formats = None if out is None else "json"
    return evaluate_argv(snapshot, rules=tmp / "rules", only="XX-001", formats=formats, out=out)


def _certificate(
    name: str, tag: str = "x", n: int = 0, not_after: str = "2027-06-01T00:00:00Z"
) -> dict:
    return {
        "CertificateArn": f"arn:aws:acm:{TARGET}:{ACCOUNT}:certificate/{n}",
        "DomainName": name,
        "SubjectAlternativeNames": [name[:200]],
        "KeyAlgorithm": "RSA_2048",
        "Type": "IMPORTED",
        "Status": "ISSUED",
        "NotAfter": not_after,
        "Tags": [{"Key": "pattern", "Value": tag}],
    }


def _acm(root: Path, certificates: list[dict]) -> Path:
    return write_snapshot(
        root,
        {"acm": {"certificate": [], "private_ca": []}},
        {"acm": {"certificate": certificates, "private_ca": []}},
    )


EVIL = "a" * 40 + "!"  # (a+)+$ takes ~2**40 steps on it


def test_a_catastrophic_regex_in_a_rule_is_refused_before_it_runs(tmp_path: Path) -> None:
    rule = _rules(tmp_path, "fail_when:\n  - {key: DomainName, op: regex, value: '(a+)+$'}\n")
    snapshot = _acm(tmp_path / "snapshot", [_certificate(EVIL)])
    started = time.monotonic()
    result = run_bounded(*_evaluate_xx_001(tmp_path, snapshot), timeout=30)
    assert_clean_usage_error(result, rule)
    assert "nests quantifiers" in result.err
    assert time.monotonic() - started < 30


def test_a_regex_from_the_snapshot_cannot_hang_the_engine(tmp_path: Path) -> None:
    """``value_from`` reads the pattern from the data: a tag value ``(a+)+$`` next to a
    name built to make it backtrack. The rule is not evaluated (ERROR, exit 3): never a
    hang, never a PASS."""
    _rules(
        tmp_path,
        "fail_when:\n  - {key: DomainName, op: regex, value_from: 'Tags[0].Value'}\n",
    )
    snapshot = _acm(tmp_path / "snapshot", [_certificate(EVIL, tag="(a+)+$")])
    out = tmp_path / "out"
    result = run_bounded(*_evaluate_xx_001(tmp_path, snapshot, out), timeout=30)
    assert result.crash is None, result.describe()
    assert result.code == 3, result.describe()
    reports = check_reports(out, ("json",))
    (only,) = reports["json"]["results"]
    assert only["status"] == "ERROR" and "quantifiers" in only["message"], only


def test_a_regex_on_a_long_value_is_bounded(tmp_path: Path) -> None:
    """A 1,000,000-character value: an anchored pattern still matches it; one whose
    backtracking grows with the length gives an ERROR instead of minutes of work."""
    long = "a" * 1_000_000
    snapshot = _acm(tmp_path / "snapshot", [_certificate(long)])
    for pattern, status in (("^b", "PASS"), ("^a", "FAIL"), (".*x", "ERROR")):
        _rules(tmp_path, f"fail_when:\n  - {{key: DomainName, op: regex, value: '{pattern}'}}\n")
        out = tmp_path / f"out-{status}"
        result = run_bounded(*_evaluate_xx_001(tmp_path, snapshot, out), timeout=60)
        assert result.crash is None, result.describe()
        statuses = {r["status"] for r in check_reports(out, ("json",))["json"]["results"]}
        assert statuses == {status}, (pattern, statuses, result.describe())


def test_an_exploding_expression_is_refused_before_it_runs(tmp_path: Path) -> None:
    """``@ | [@, @] | ...`` 24 times is 2**24 copies of the item (gigabytes once
    serialised): refused when the rule is loaded."""
    expression = "to_string(@" + " | [@, @]" * 24 + ")"
    rule = _rules(tmp_path, f"fail_when:\n  - {{key: '{expression}', op: present}}\n")
    snapshot = acm_snapshot(tmp_path / "snapshot")
    result = run_bounded(*_evaluate_xx_001(tmp_path, snapshot), timeout=30, memory=1 << 30)
    assert_clean_usage_error(result, rule)
    assert "copy its input" in result.err


def test_an_exploding_message_template_is_refused_before_it_runs(tmp_path: Path) -> None:
    template = "{to_string(@" + " | [@, @]" * 24 + ")}"
    path = tmp_path / "rules" / "x" / "XX-001.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(
        RULE_HEAD.replace('"{DomainName} is bad"', f'"{template}"')
        + "fail_when:\n  - {key: DomainName, op: present}\n",
        "utf-8",
    )
    snapshot = acm_snapshot(tmp_path / "snapshot")
    result = run_bounded(*_evaluate_xx_001(tmp_path, snapshot), timeout=30, memory=1 << 30)
    assert_clean_usage_error(result, path)


def test_a_very_long_name_is_rendered_bounded(tmp_path: Path) -> None:
    """A 5,000,000-character domain name in every report: no blow-up, valid reports."""
    name = "x" * 5_000_000 + ".example.com"
    snapshot = _acm(tmp_path / "snapshot", [_certificate(name, not_after="2026-12-01T00:00:00Z")])
    started = time.monotonic()
    out = tmp_path / "out"
    result = run_bounded(
        *evaluate_argv(snapshot, only="ACM-003,ACM-004", formats=ALL_FORMATS, out=out),
        timeout=120,
    )
    assert result.crash is None, result.describe()
    assert result.code == 1, result.describe()  # ACM-003: it expires in 8 days
    check_reports(out)
    assert time.monotonic() - started < 120
    assert len((out / "regionready.md").read_bytes()) < 100_000  # values are cut in Markdown


def test_many_resources_evaluate_within_a_bound(tmp_path: Path) -> None:
    """10,000 certificates in the source, half of them in the target: a full evaluation
    with every reporter finishes well inside the bound (parity joins are hash joins)."""
    certificates = [_certificate(f"host{i}.example.com", n=i) for i in range(10_000)]
    write_snapshot(
        tmp_path / "snapshot",
        {"acm": {"certificate": certificates, "private_ca": []}},
        {"acm": {"certificate": certificates[::2], "private_ca": []}},
    )
    out = tmp_path / "out"
    started = time.monotonic()
    result = run_bounded(
        *evaluate_argv(tmp_path / "snapshot", formats=REPORT_FORMATS, out=out), timeout=300
    )
    elapsed = time.monotonic() - started
    assert result.crash is None, result.describe()
    assert result.code in (1, 3), result.describe()
    assert elapsed < 300, elapsed
    check_reports(out, ("json", "junit", "markdown"))


def test_more_items_than_the_limit_give_an_error_not_a_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Over MAX_ITEMS_PER_RESOURCE_TYPE (lowered here to keep the test small), the rules
    over that resource type are ERROR and the run is incomplete (exit 3)."""
    monkeypatch.setattr(limits, "MAX_ITEMS_PER_RESOURCE_TYPE", 50)
    certificates = [_certificate(f"host{i}.example.com", n=i) for i in range(51)]
    snapshot = _acm(tmp_path / "snapshot", certificates)
    out = tmp_path / "out"
    result = run(*evaluate_argv(snapshot, only="ACM-003", formats="json", out=out))
    assert result.crash is None, result.describe()
    assert result.code == 3, result.describe()
    results = check_reports(out, ("json",))["json"]["results"]
    target = [r for r in results if r["region"] == TARGET]
    assert target and {r["status"] for r in target} == {"ERROR"}, target
    assert any("TooManyItems" in r["message"] for r in target)
