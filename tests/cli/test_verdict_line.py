"""Every run says its verdict (issue 21): with ``--format`` lists that leave out ``table``
the verdict line is still printed, plain, on stdout (every report is a file; "wrote ..."
lines are on stderr), after the reports are written; and the demo says why it exits 0
when its verdict is NOT READY."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from regionready.cli import main
from regionready.demo.run import no_gate_note
from regionready.engine.rules import load_rules
from regionready.runner import Clock, build_report
from regionready.snapshot_manifest import read_scan

from .conftest import CERT_SOURCE, make_scan

NOW = "2026-11-23T00:00:00Z"
ONLY = ("--only", "ACM-001,ACM-003")
NOT_READY = "NOT READY for cutover me-central-1 -> eu-central-1: "


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("formats", ["json", "sarif,junit", "json,sarif,junit,markdown"])
def test_without_the_table_the_verdict_is_still_printed(
    formats: str, acm_scan: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["evaluate", acm_scan, "--now", NOW, *ONLY, "--format", formats, "--out", tmp_path]
    code, out, err = run(capsys, *argv)
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 1, out
    assert lines[0].startswith(NOT_READY), out
    assert "at or above --fail-on high" in lines[0]
    assert "[" not in lines[0] and "\x1b" not in lines[0], "plain: no markup, no colour"
    wrote = [line for line in err.splitlines() if line.startswith("wrote ")]
    assert len(wrote) == len(formats.split(",")), err


def test_with_the_table_the_verdict_is_printed_once(
    acm_scan: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["evaluate", acm_scan, "--now", NOW, *ONLY, "--format", "table,json", "--out", tmp_path]
    code, out, _ = run(capsys, *argv)
    assert code == 1
    assert out.count("NOT READY for cutover") == 1, out
    assert "Readiness by service" in out


def test_a_ready_verdict_is_printed_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scan = make_scan(
        tmp_path / "scan",
        {"acm": {"certificate": [], "private_ca": []}},
        {"acm": {"certificate": [], "private_ca": []}},
    )
    argv = ["evaluate", scan, "--now", NOW, *ONLY, "--format", "json", "--out", tmp_path / "o"]
    code, out, _ = run(capsys, *argv)
    assert code == 0
    assert re.fullmatch(r"READY for cutover me-central-1 -> eu-central-1: 0 findings, .*\n", out)


def test_the_verdict_counts_new_findings_with_a_baseline(
    acm_scan: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = ["evaluate", acm_scan, "--now", NOW, *ONLY, "--format", "json"]
    assert run(capsys, *first, "--out", tmp_path / "old")[0] == 1
    baseline = tmp_path / "old" / "regionready.json"
    code, out, _ = run(capsys, *first, "--out", tmp_path / "new", "--baseline", baseline)
    assert code == 0
    assert out.startswith(NOT_READY) and "0 new (" in out, out


def test_the_verdict_comes_after_the_reports_are_written(
    acm_scan: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An output that cannot be written is one error line and no verdict: a verdict
    printed before it would read as a result of a run that failed."""
    occupied = tmp_path / "occupied"
    occupied.write_text("a file where a folder should be")
    argv = ["evaluate", acm_scan, "--now", NOW, *ONLY, "--format", "json", "--out", occupied]
    code, out, err = run(capsys, *argv)
    assert code == 2 and "NOT READY" not in out + err


# -- the demo ------------------------------------------------------------------------------


def _report(scan: Path) -> object:
    now = dt.datetime(2026, 11, 23, tzinfo=dt.UTC)
    rules = [r for r in load_rules() if r.id in ONLY[1].split(",")]
    return build_report(read_scan(scan), rules, Clock(now))


def test_the_demo_says_why_it_exits_0_when_not_ready(acm_scan: Path) -> None:
    note = no_gate_note(_report(acm_scan), "high")
    assert note.startswith("exit 0: the demo does not gate; ")
    assert "--fail-on high exits 1" in note
    # Nothing at or above critical: a scan would exit 0 as well, so nothing to explain.
    assert no_gate_note(_report(acm_scan), "critical") == ""


def test_the_demo_note_on_an_incomplete_scan_says_exit_3(tmp_path: Path) -> None:
    scan = make_scan(
        tmp_path / "scan",
        {"acm": {"certificate": [CERT_SOURCE], "private_ca": []}},
        {"acm": {"certificate": [], "private_ca": []}},
        errors={
            "target": {"acm": [{"api": "acm:ListCertificates", "resource_types": ["certificate"]}]}
        },
    )
    note = no_gate_note(_report(scan), "high")
    assert "exits 3" in note and "incomplete" in note, note
