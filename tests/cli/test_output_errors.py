"""An output that cannot be written is a usage error: exit 2 and one line naming the path
(``regionready: error: <path>: <reason>``), never a traceback and never exit 1 (which
means "findings").

Every command that writes is run with an ``--out`` (or ``--audit-log``) that is

- occupied: a regular file where a folder is wanted (for the audit log, which is a file,
  a folder);
- a dangling symlink (to a place under a regular file, so it cannot be created either:
  a snapshot folder's symlink is followed, by design, when its target can be made);
- unwritable: a path under a regular file, and a folder the user may not write to. Tests
  that run as root cannot make such a folder with chmod (root writes anyway): there a
  path under ``/proc`` stands in for it.

``GITHUB_STEP_SUMMARY`` that cannot be appended to fails the same way, after the
reports were written. ``inputfile.InputFileError`` and the project's own errors are one
line with exit 2 as well.
"""

from __future__ import annotations

import errno
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from regionready.cli import main

from .conftest import CERT_SOURCE, make_scan

NOW = "2026-11-23T00:00:00Z"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_one_error_line(code: int, err: str, *names: Path | str) -> str:
    """Exit 2; exactly one ``regionready: error:`` line, naming one of ``names`` (a
    path, or the folder it is in); no traceback. Returns the line."""
    assert code == 2, err
    assert "Traceback" not in err, err
    errors = [line for line in err.splitlines() if line.startswith("regionready: error: ")]
    assert len(errors) == 1, err
    assert any(str(name) in errors[0] for name in names), (errors[0], names)
    return errors[0]


# -- the kinds of output that cannot be written -----------------------------------------------


def occupied(tmp: Path) -> tuple[Path, Path]:
    """A regular file where a folder should go."""
    path = tmp / "occupied"
    path.write_text("someone else's file\n")
    return path, path


def dangling(tmp: Path) -> tuple[Path, Path]:
    """A symlink to a path that does not exist and cannot be created."""
    blocker = tmp / "blocker"
    blocker.write_text("a regular file\n")
    link = tmp / "dangling"
    link.symlink_to(blocker / "missing")
    return link, tmp


def under_a_file(tmp: Path) -> tuple[Path, Path]:
    """A path whose parent is a regular file: it cannot be created."""
    blocker = tmp / "file"
    blocker.write_text("a regular file\n")
    return blocker / "sub", blocker


def read_only(tmp: Path) -> tuple[Path, Path]:
    """A folder that cannot be created (its parent is read-only; root: under /proc)."""
    if IS_ROOT:
        path = Path("/proc") / f"regionready-test-{uuid.uuid4().hex[:8]}"
        return path, Path(path.name)
    parent = tmp / "read-only"
    parent.mkdir()
    parent.chmod(0o555)
    return parent / "out", parent


KINDS: dict[str, Callable[[Path], tuple[Path, Path]]] = {
    "occupied": occupied,
    "dangling-symlink": dangling,
    "under-a-file": under_a_file,
    "read-only": read_only,
}


@pytest.fixture(params=sorted(KINDS))
def bad_out(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """(the path to give, a path the error line must name: it or what blocks it)."""
    work = tmp_path / "bad"
    work.mkdir()
    yield KINDS[request.param](work)
    for folder in (work / "read-only",):
        if folder.exists():
            folder.chmod(0o755)


# -- commands -------------------------------------------------------------------------------


def test_evaluate(
    acm_scan: Path, bad_out: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    out, blocker = bad_out
    argv = ["evaluate", str(acm_scan), "--now", NOW, "--format", "json,markdown"]
    code, _, err = run(capsys, [*argv, "--out", str(out)])
    assert_one_error_line(code, err, out, blocker)


def test_evaluate_table_and_reports(
    acm_scan: Path, bad_out: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """With the console table too: the table is not printed before the error (the output
    folder is made first)."""
    out, blocker = bad_out
    argv = ["evaluate", str(acm_scan), "--now", NOW, "--format", "table,sarif,junit"]
    code, stdout, err = run(capsys, [*argv, "--out", str(out)])
    assert_one_error_line(code, err, out, blocker)
    assert "for cutover" not in stdout


def test_evaluate_into_a_plain_dangling_symlink(
    acm_scan: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Reports are not written through a dangling symlink (nor is it replaced)."""
    link = tmp_path / "reports"
    link.symlink_to(tmp_path / "nowhere")
    argv = ["evaluate", str(acm_scan), "--now", NOW, "--format", "json", "--out", str(link)]
    code, _, err = run(capsys, argv)
    assert_one_error_line(code, err, link)
    assert link.is_symlink() and not (tmp_path / "nowhere").exists()


def test_iac(
    tmp_path: Path, bad_out: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code_dir = tmp_path / "code"
    code_dir.mkdir()
    (code_dir / "main.tf").write_text('provider "aws" { region = "me-central-1" }\n')
    out, blocker = bad_out
    argv = ["iac", str(code_dir), "--source", "me-central-1", "--target", "eu-central-1"]
    argv += ["--no-checkov", "--format", "json", "--out", str(out)]
    code, _, err = run(capsys, argv)
    assert_one_error_line(code, err, out, blocker)


def test_merge(
    acm_scan: Path, bad_out: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    out, blocker = bad_out
    code, _, err = run(capsys, ["merge", str(acm_scan), "--out", str(out)])
    assert_one_error_line(code, err, out, blocker)


def test_rules_docs(bad_out: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    out, blocker = bad_out
    code, _, err = run(capsys, ["rules", "docs", "--out", str(out)])
    assert_one_error_line(code, err, out, blocker)


def _collect_argv(command: str, endpoint: str, out: Path) -> list[str]:
    return [
        command,
        "--source",
        "me-central-1",
        "--target",
        "eu-central-1",
        "--services",
        "kms",
        "--quiet",
        "--endpoint-url",
        endpoint,
        "--out",
        str(out),
    ]


@pytest.fixture
def aws(moto_server: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The session's moto server (collect and scan reach a real endpoint quickly)."""
    for name, value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing")):
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    return moto_server


def test_collect(aws: str, bad_out: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    out, blocker = bad_out
    code, _, err = run(capsys, _collect_argv("collect", aws, out))
    assert_one_error_line(code, err, out, blocker)


def test_scan(aws: str, bad_out: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    out, blocker = bad_out
    argv = [*_collect_argv("scan", aws, out), "--now", NOW, "--format", "json"]
    code, _, err = run(capsys, argv)
    assert_one_error_line(code, err, out, blocker)


def test_scan_with_its_own_snapshot_dir(
    aws: str, tmp_path: Path, bad_out: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """The snapshot is written, then the reports cannot be."""
    out, blocker = bad_out
    argv = [*_collect_argv("scan", aws, out), "--now", NOW, "--format", "json"]
    code, _, err = run(capsys, [*argv, "--snapshot-dir", str(tmp_path / "snap")])
    assert_one_error_line(code, err, out, blocker)
    assert (tmp_path / "snap" / "manifest.json").is_file()


def test_demo(bad_out: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    out, blocker = bad_out
    code, _, err = run(capsys, ["demo", "--out", str(out)])
    assert_one_error_line(code, err, out, blocker)


@pytest.mark.parametrize("kind", ["a-folder", "dangling-symlink", "under-a-file", "read-only"])
def test_remediate_apply_audit_log(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    """An audit log that cannot be appended to stops --apply before any change is made
    (no AWS call: there is no endpoint to call)."""
    scan = make_scan(
        tmp_path / "scan",
        {"acm": {"certificate": [CERT_SOURCE], "private_ca": []}},
        {"acm": {"certificate": [], "private_ca": []}},
    )
    work = tmp_path / "work"
    work.mkdir()
    if kind == "a-folder":
        log, blocker = work / "audit", work / "audit"
        log.mkdir()
    elif kind == "dangling-symlink":
        log, blocker = work / "audit.jsonl", work / "audit.jsonl"
        log.symlink_to(work / "elsewhere.jsonl")  # a log is never written through a link
    elif kind == "under-a-file":
        log, blocker = under_a_file(work)
    else:
        log, blocker = read_only(work)
        log = log / "audit.jsonl"
    argv = ["remediate", str(scan), "--now", NOW, "--rule", "ACM-001", "--apply", "--yes"]
    argv += ["--audit-log", str(log), "--endpoint-url", "http://127.0.0.1:9"]
    try:
        code, out, err = run(capsys, argv)
    finally:
        if (work / "read-only").exists():
            (work / "read-only").chmod(0o755)
    assert "remediation plan: 1 change" in out
    assert_one_error_line(code, err, log, blocker)
    assert not (work / "elsewhere.jsonl").exists()


# -- GITHUB_STEP_SUMMARY ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["a-folder", "under-a-file", "dangling-symlink"])
def test_an_unwritable_step_summary_is_exit_2_after_the_reports(
    acm_scan: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
) -> None:
    if kind == "a-folder":
        summary = tmp_path / "summary"
        summary.mkdir()
        blocker = summary
    elif kind == "under-a-file":
        summary, blocker = under_a_file(tmp_path)
    else:
        blocker = tmp_path / "blocker"
        blocker.write_text("")
        summary = tmp_path / "summary.md"
        summary.symlink_to(blocker / "missing")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    out = tmp_path / "reports"
    argv = ["evaluate", str(acm_scan), "--now", NOW, "--format", "json", "--out", str(out)]
    code, _, err = run(capsys, [*argv, "--step-summary"])
    assert_one_error_line(code, err, summary, blocker)
    assert (out / "regionready.json").is_file()


# -- other errors -------------------------------------------------------------------------------


def test_an_input_file_error_is_exit_2(
    acm_scan: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from regionready import inputfile, runner

    def refuse(*args: object, **kwargs: object) -> None:
        raise inputfile.InputFileError("/dev/zero: a device, not a regular file")

    monkeypatch.setattr(runner, "build_report", refuse)
    code, _, err = run(capsys, ["evaluate", str(acm_scan), "--now", NOW])
    assert_one_error_line(code, err, "/dev/zero")


def test_project_errors_share_a_base_and_are_exit_2(
    acm_scan: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from regionready import baseline, cli, inputfile, runner, snapshot
    from regionready.collect import sessions
    from regionready.engine import rules
    from regionready.errors import RegionReadyError

    for error in (
        cli.UsageError,
        baseline.BaselineError,
        inputfile.InputFileError,
        snapshot.SnapshotError,
        sessions.CollectError,
        rules.RuleError,
    ):
        assert issubclass(error, RegionReadyError), error

    class NewError(RegionReadyError):
        pass

    def fail(*args: object, **kwargs: object) -> None:
        raise NewError("a new kind of error\nsecond line")

    monkeypatch.setattr(runner, "build_report", fail)
    code, _, err = run(capsys, ["evaluate", str(acm_scan), "--now", NOW])
    line = assert_one_error_line(code, err, "a new kind of error second line")
    assert err == line + "\n"


def test_an_os_error_without_a_path_is_one_line(
    acm_scan: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from regionready import runner

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(runner, "build_report", full)
    code, _, err = run(capsys, ["evaluate", str(acm_scan), "--now", NOW])
    assert_one_error_line(code, err, "No space left on device")
