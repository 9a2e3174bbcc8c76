"""Files are written atomically: a failure mid-write leaves the previous file intact."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from regionready import atomic


def test_failure_mid_write_keeps_the_old_file_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "report.json"
    atomic.write_json(path, {"version": 1})

    def boom(fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", boom)
    with pytest.raises(OSError, match="disk full"):
        atomic.write_json(path, {"version": 2})
    assert json.loads(path.read_text()) == {"version": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_interrupt_mid_write_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "snapshot.json"
    atomic.write_text(path, "old\n")
    real_replace = os.replace

    def interrupted(src: str, dst: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic.write_text(path, "new\n")
    monkeypatch.setattr(os, "replace", real_replace)
    assert path.read_text() == "old\n"
    assert len(list(tmp_path.iterdir())) == 1


def test_append_line_writes_whole_lines(tmp_path: Path) -> None:
    log = tmp_path / "audit.jsonl"
    for index in range(3):
        atomic.append_line(log, json.dumps({"n": index}))
    assert [json.loads(line)["n"] for line in log.read_text().splitlines()] == [0, 1, 2]
    assert oct(log.stat().st_mode & 0o777) == "0o600"
