"""The reports of one run are one set, and every format says the same verdict.

- Every report is rendered into a temporary file first; only when all are rendered are
  they renamed into place. A reporter that fails (or a run that is interrupted) while
  rendering leaves the previous set whole: never a new JSON beside an old Markdown.
- A run removes the reports of an earlier run in the same folder that it does not write
  again (``--format json`` after ``--format json,markdown``), but only files that the
  earlier run's record (``.regionready-reports.json``) shows regionready wrote, still
  unchanged: never a file regionready did not write, and never a name that is not a
  report's.
- The console's verdict word is the reports' (READY or NOT READY); an incomplete scan
  is NOT READY everywhere, the console adds "INCOMPLETE", and the exit code is 3.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from regionready import registry
from regionready.cli import main

from .conftest import CERT_SOURCE, DENIED, make_scan

NOW = "2026-11-23T00:00:00Z"
#: regionready.runner.REPORTS_RECORD
REPORTS_RECORD = ".regionready-reports.json"
ALL = ("regionready.json", "regionready.md", "regionready.sarif", "regionready.xml")


def evaluate(
    capsys: pytest.CaptureFixture[str], scan: Path, out: Path, formats: str, *extra: str
) -> tuple[int, str]:
    argv = ["evaluate", str(scan), "--now", NOW, "--format", formats, "--out", str(out)]
    code = main([*argv, *(extra or ("--only", "ACM-001"))])
    return code, capsys.readouterr().out


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture
def scans(tmp_path: Path) -> tuple[Path, Path]:
    """Two snapshots whose reports differ (ACM-001 fails in the first only)."""
    source = {"acm": {"certificate": [CERT_SOURCE], "private_ca": []}}
    empty: dict[str, Any] = {"acm": {"certificate": [], "private_ca": []}}
    return make_scan(tmp_path / "one", source, empty), make_scan(tmp_path / "two", empty, empty)


class Injected(Exception):
    """A reporter's failure."""


@pytest.mark.parametrize("failure", [Injected, KeyboardInterrupt])
def test_a_failure_while_rendering_leaves_the_previous_set_whole(
    scans: tuple[Path, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    failure: type[BaseException],
) -> None:
    one, two = scans
    out = tmp_path / "reports"
    evaluate(capsys, one, out, "json,sarif,markdown")
    before = files(out)
    markdown = registry.reporter("markdown")

    def broken(*args: Any, **kwargs: Any) -> str:
        raise failure("the reporter died")

    monkeypatch.setattr(markdown, "render", broken)
    monkeypatch.setattr(markdown, "write", broken, raising=False)
    # JSON and SARIF render before the Markdown fails: neither may replace its old file.
    argv = ["evaluate", str(two), "--now", NOW, "--format", "json,sarif,markdown"]
    try:
        code = main([*argv, "--only", "ACM-001", "--out", str(out)])
    except Injected:
        code = None
    assert code == (130 if failure is KeyboardInterrupt else None)
    capsys.readouterr()
    assert files(out) == before, "a report changed, or a temporary file was left"


def test_a_run_removes_the_reports_it_no_longer_writes(
    scans: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one, two = scans
    out = tmp_path / "reports"
    evaluate(capsys, one, out, "json,sarif,junit,markdown")
    assert set(files(out)) == {*ALL, REPORTS_RECORD}
    evaluate(capsys, two, out, "json")
    assert set(files(out)) == {"regionready.json", REPORTS_RECORD}
    report = json.loads((out / "regionready.json").read_text())
    assert report["verdict"]["status"] == "READY"  # the second run's


def test_files_regionready_did_not_write_are_never_removed(
    scans: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one, two = scans
    out = tmp_path / "reports"
    out.mkdir()
    # Before any run: a file named like a report, and the user's own notes.
    (out / "regionready.xml").write_text("<my-own-file/>\n")
    (out / "notes.txt").write_text("mine\n")
    evaluate(capsys, one, out, "json,markdown,sarif")
    # After the run, the user edits one report and replaces another by a symlink.
    with open(out / "regionready.md", "a") as handle:
        handle.write("\nreviewed by ops\n")
    (out / "regionready.sarif").unlink()
    (out / "regionready.sarif").symlink_to(out / "notes.txt")
    # A forged record naming files that are not reports, with their real identity.
    record = json.loads((out / REPORTS_RECORD).read_text())
    for name in ("notes.txt", "../victim"):
        (tmp_path / "victim").write_text("x")
        info = os.stat(out / name)
        record["files"][name] = [info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns]
    (out / REPORTS_RECORD).write_text(json.dumps(record))
    evaluate(capsys, two, out, "json")
    left = set(files(out)) | {p.name for p in out.iterdir() if p.is_symlink()}
    assert left >= {"regionready.xml", "notes.txt", "regionready.md", "regionready.sarif"}
    assert (out / "regionready.xml").read_text() == "<my-own-file/>\n"
    assert (out / "regionready.md").read_text().endswith("reviewed by ops\n")
    assert (tmp_path / "victim").exists()


def test_a_damaged_record_removes_nothing(
    scans: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one, two = scans
    out = tmp_path / "reports"
    evaluate(capsys, one, out, "json,markdown")
    (out / REPORTS_RECORD).write_text("{not json")
    evaluate(capsys, two, out, "json")
    assert (out / "regionready.md").is_file()
    assert json.loads((out / REPORTS_RECORD).read_text())["files"].keys() == {"regionready.json"}


# -- one verdict word -------------------------------------------------------------------------


UNUSED_GAP = {
    "acm": [
        {
            "api": "acm:ListTagsForCertificate",
            "code": "AccessDeniedException",
            "action": "acm:ListTagsForCertificate",
            "resource_types": ["unused_type"],
        }
    ]
}


@pytest.mark.parametrize(
    ("case", "fail_on", "exit_code", "word"),
    [
        ("ready", "high", 0, "READY"),
        ("findings", "high", 1, "NOT READY"),
        ("unreadable", "high", 3, "NOT READY"),  # ERROR results, no finding
        ("unreadable", "none", 3, "NOT READY"),
        ("findings-and-gap", "high", 3, "NOT READY"),  # a finding, and GEN-005 fails
        # GEN-005 fails (a collection gap) and no result is ERROR: a scan that could not
        # see everything is never READY (scoring.COLLECTION_RULE), whatever --fail-on.
        ("gap", "none", 3, "NOT READY"),
    ],
)
def test_console_json_and_markdown_say_the_same_verdict(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    case: str,
    fail_on: str,
    exit_code: int,
    word: str,
) -> None:
    cert = {"acm": {"certificate": [CERT_SOURCE], "private_ca": []}}
    empty: dict[str, Any] = {"acm": {"certificate": [], "private_ca": []}}
    if case == "ready":
        scan = make_scan(tmp_path / "scan", empty, empty)
    elif case == "findings":
        scan = make_scan(tmp_path / "scan", cert, empty)
    elif case == "unreadable":
        target: dict[str, Any] = {"acm": {"private_ca": []}}
        scan = make_scan(tmp_path / "scan", cert, target, errors={"target": DENIED})
    elif case == "findings-and-gap":
        scan = make_scan(tmp_path / "scan", cert, empty, errors={"target": UNUSED_GAP})
    else:
        scan = make_scan(tmp_path / "scan", empty, empty, errors={"target": UNUSED_GAP})
    out = tmp_path / "reports"
    only = ["--only", "ACM-001,ACM-003,GEN-005", "--fail-on", fail_on]
    code, stdout = evaluate(capsys, scan, out, "table,json,markdown", *only)
    assert code == exit_code
    first = stdout.splitlines()[0]
    assert first.startswith(f"{word} for cutover "), first
    assert ("INCOMPLETE" in first) == (exit_code == 3), first
    report = json.loads((out / "regionready.json").read_text())
    assert report["verdict"]["status"] == word.replace(" ", "_")
    heading = (out / "regionready.md").read_text().splitlines()[0]
    icon = "✅" if word == "READY" else "❌"
    assert heading.startswith(f"## {icon} {word} for cutover"), heading
