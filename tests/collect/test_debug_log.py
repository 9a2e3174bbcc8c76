"""``collect``/``scan --debug``: a collector that fails with a Python error leaves its
traceback in ``debug.log`` in the snapshot folder, and its collection error names the
entry; without ``--debug`` nothing is written."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from regionready import registry
from regionready.cli import main
from regionready.collect import driver as collect
from regionready.collect import sessions
from regionready.snapshot import DEBUG_LOG
from regionready.snapshot_manifest import read_scan

from .conftest import SOURCE, TARGET

ENTRY = re.compile(r"traceback: entry ([0-9a-f]{8}) of debug\.log in the snapshot folder\)$")


@pytest.fixture
def moto(hooked_sessions: Any) -> Iterator[None]:
    from moto import mock_aws

    with mock_aws():
        yield


def explode_while_collecting_keys(clients: Any, region: str) -> Any:
    """The failing collector: its name must be in the traceback."""
    keys: list[dict[str, Any]] = []
    return {"key": [{"KeyId": 1 / len(keys)}]}


@pytest.fixture
def broken_kms(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry.collector("kms"), "collect", explode_while_collecting_keys)


def run(out: Path, *extra: str) -> int:
    return main(
        [
            "collect",
            "--source",
            SOURCE,
            "--target",
            TARGET,
            "--services",
            "kms,acm",
            "--out",
            str(out),
            "--quiet",
            *extra,
        ]
    )


def kms_errors(out: Path) -> list[dict[str, Any]]:
    scan = read_scan(out)
    return [
        error
        for (_, region), doc in sorted(scan.documents.items())
        if region in (SOURCE, TARGET)
        for error in doc["services"]["kms"]["errors"]
    ]


def test_debug_keeps_the_traceback_across_the_snapshot_swap(
    moto: None, broken_kms: None, tmp_path: Path
) -> None:
    out = tmp_path / "scan"
    # An older snapshot there: the debug log is written into it while collecting, then
    # must survive the swap to the new snapshot folder.
    assert run(out) == 0
    assert not (out / DEBUG_LOG).exists()

    assert run(out, "--debug") == 0
    errors = kms_errors(out)
    assert len(errors) == 2  # one per Region
    entries = []
    for error in errors:
        assert error["code"] == "ZeroDivisionError"
        assert error["message"].startswith("collector failed: division by zero (traceback: ")
        found = ENTRY.search(error["message"])
        assert found, error["message"]
        entries.append(found[1])

    log = (out / DEBUG_LOG).read_text()
    assert os.stat(out / DEBUG_LOG).st_mode & 0o077 == 0  # the owner's only
    blocks = log.split("--- entry ")[1:]
    assert sorted(b[:8] for b in blocks) == sorted(entries)
    for block in blocks:
        assert "kms collector failed in " in block.splitlines()[0]
        assert "Traceback (most recent call last):" in block
        assert "in explode_while_collecting_keys\n" in block
        assert block.rstrip().endswith("ZeroDivisionError: division by zero")
    # The log is no file of the snapshot: the manifest does not list it, reading ignores it.
    manifest = json.loads((out / "manifest.json").read_text())
    assert DEBUG_LOG not in {entry["path"] for entry in manifest["files"]}


def test_without_debug_no_log_and_no_pointer(moto: None, broken_kms: None, tmp_path: Path) -> None:
    out = tmp_path / "scan"
    assert run(out) == 0
    assert not (out / DEBUG_LOG).exists()
    assert [e["message"] for e in kms_errors(out)] == ["collector failed: division by zero"] * 2


def test_debug_without_a_failure_writes_nothing(moto: None, tmp_path: Path) -> None:
    out = tmp_path / "scan"
    assert run(out, "--debug") == 0
    assert kms_errors(out) == []
    assert not (out / DEBUG_LOG).exists()


def test_forked_workers_write_the_traceback_too(
    moto: None, broken_kms: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REGIONREADY_PROCESSES", "2")
    out = tmp_path / "scan"
    assert run(out, "--debug") == 0
    entries = sorted(ENTRY.search(e["message"])[1] for e in kms_errors(out))  # type: ignore[index]
    log = (out / DEBUG_LOG).read_text()
    assert sorted(b[:8] for b in log.split("--- entry ")[1:]) == entries
    assert log.count("in explode_while_collecting_keys\n") == 2
    pids = {int(p) for p in re.findall(r"\(pid (\d+), thread ", log)}
    assert len(pids) == 2 and os.getpid() in pids  # one Region's kms task ran in a worker


def crash_message(monkeypatch: pytest.MonkeyPatch, exc: Exception, log: Path) -> str:
    """The error message of a kms task whose collector raises ``exc``, with --debug's
    log at ``log``."""

    def fail(clients: Any, region: str) -> Any:
        raise exc

    monkeypatch.setattr(registry.collector("kms"), "collect", fail)
    task = collect.Task("kms", TARGET, registry.collector("kms"))
    # Never asked for a client: the collector fails first.
    account = sessions.AccountSession(boto3.Session(region_name=TARGET), None, Config())
    data = collect.run_task(account, task, {collect.DEBUG_LOG_OPTION: str(log)})
    [error] = data.errors
    assert data.status == "error" and error["code"] == type(exc).__name__
    return str(error["message"])


def test_a_log_that_cannot_be_written_is_said_in_the_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "elsewhere.log"
    target.write_text("")
    link = tmp_path / DEBUG_LOG
    link.symlink_to(target)
    message = crash_message(monkeypatch, ValueError("bug"), link)
    assert target.read_text() == ""  # a symlink is never followed
    assert message.startswith("collector failed: bug (its traceback could not be written")
    assert "a symlink" in message
    assert len(message) <= collect.MESSAGE_LIMIT


def test_a_long_message_keeps_the_pointer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    message = crash_message(monkeypatch, ValueError("x" * 1000), tmp_path / DEBUG_LOG)
    assert len(message) == collect.MESSAGE_LIMIT
    assert ENTRY.search(message)
