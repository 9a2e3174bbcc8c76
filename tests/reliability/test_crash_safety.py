"""Crash safety: an exception in the middle of writing a snapshot, a report or the audit
log leaves every previous file intact and readable, and no temporary file behind.

Failures are injected where a real one would strike: after the data is written (the
fsync: a full disk or an I/O error), at the final rename, and for the append-only audit
log in the middle of the write itself, at each file of a multi-file write in turn.
"""

from __future__ import annotations

import importlib.util
import json
import os
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from regionready import atomic, remediation, runner, snapshot, snapshot_manifest, snapshot_write
from regionready.snapshot import ServiceData

ACCOUNT = "111122223333"


def _reporters_conftest() -> Any:
    """tests/reporters/conftest.py builds the fixed report the golden files use."""
    path = Path(__file__).parents[1] / "reporters" / "conftest.py"
    spec = importlib.util.spec_from_file_location("_reporters_conftest", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build_report = _reporters_conftest().build_report
FORMATS = ["json", "sarif", "junit", "markdown"]


class Injected(Exception):
    """The failure this module injects (never raised by the code under test)."""


@contextmanager
def fail_on_call(
    monkeypatch: pytest.MonkeyPatch, name: str, nth: int, *, partial: bool = False
) -> Iterator[list[int]]:
    """Make the ``nth`` call (1-based) of ``os.<name>`` fail; with ``partial`` a write
    first lands half its bytes, like a disk filling up mid-write."""
    real: Callable[..., Any] = getattr(os, name)
    calls = [0]

    def wrapper(*args: Any) -> Any:
        calls[0] += 1
        if calls[0] != nth:
            return real(*args)
        if partial and name == "write":
            fd, data = args
            real(fd, bytes(data)[: max(1, len(data) // 2)])
        raise Injected(f"os.{name} call {nth}")

    with monkeypatch.context() as patch:
        patch.setattr(os, name, wrapper)
        yield calls


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


# -- snapshots ----------------------------------------------------------------------------


def _snapshot(generation: int) -> tuple[dict[str, Any], dict[tuple[str, str], dict[str, Any]]]:
    stamp = f"2026-11-23T10:00:0{generation}Z"
    documents = {}
    for region in ("eu-west-1", "eu-central-1", "global"):
        data = ServiceData(resources={"certificate": [{"Arn": f"arn-{generation}-{region}"}]})
        documents[(ACCOUNT, region)] = snapshot.region_document(
            ACCOUNT, region, {"acm": data}, stamp
        )
    manifest = snapshot_manifest.manifest_document(
        source_region="eu-west-1",
        target_region="eu-central-1",
        accounts=[ACCOUNT],
        tool_version="0.1.0",
        rules_version=str(generation),
        started_at=stamp,
        finished_at=stamp,
        services=["acm"],
        api_calls={"acm": generation},
    )
    return manifest, documents


# write_scan writes 4 files: three account files, then the manifest.
@pytest.mark.parametrize("nth", [1, 2, 3, 4])
@pytest.mark.parametrize("call", ["fsync", "replace"])
def test_snapshot_write_failure_keeps_every_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, call: str, nth: int
) -> None:
    root = tmp_path / "snap"
    snapshot_write.write_scan(root, *_snapshot(1))
    old = _files(root)
    snapshot_write.write_scan(tmp_path / "new", *_snapshot(2))
    new = _files(tmp_path / "new")

    with fail_on_call(monkeypatch, call, nth), pytest.raises(Injected):
        snapshot_write.write_scan(root, *_snapshot(2))

    after = _files(root)
    assert set(after) == set(old), "a temporary file was left behind"
    for name, content in after.items():
        assert content in (old[name], new[name]), f"{name} is neither the old nor the new file"
        json.loads(content)
    assert after["manifest.json"] == old["manifest.json"]  # the manifest is written last
    assert snapshot_manifest.read_scan(root).manifest["rules_version"] == "1"


# -- reports ------------------------------------------------------------------------------


def _parse_report(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    if path.suffix in (".json", ".sarif"):
        json.loads(text)
    elif path.suffix == ".xml":
        ET.fromstring(text)
    else:
        assert text.strip()


@pytest.mark.parametrize("nth", [1, 3])
@pytest.mark.parametrize("call", ["fsync", "replace"])
def test_report_write_failure_keeps_the_previous_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, call: str, nth: int
) -> None:
    out = tmp_path / "reports"
    report = build_report()
    first = runner.write_reports(report, FORMATS, out)
    old = _files(out)
    # A different report, so old and new files differ byte for byte.
    changed = build_report(target="ap-southeast-2")

    with fail_on_call(monkeypatch, call, nth), pytest.raises(Injected):
        runner.write_reports(changed, FORMATS, out)

    after = _files(out)
    assert set(after) == set(old), "a temporary file was left behind"
    for path in first:
        _parse_report(path)
    unchanged = [name for name in after if after[name] == old[name]]
    assert unchanged, "the failure should have stopped at least one report from changing"


def test_a_reporter_crash_keeps_the_previous_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "reports"
    runner.write_reports(build_report(), FORMATS, out)
    old = _files(out)

    from regionready import registry

    sarif = registry.reporter("sarif")

    def broken(*args: Any, **kwargs: Any) -> str:
        raise Injected("reporter crashed")

    monkeypatch.setattr(sarif, "render", broken)
    if hasattr(sarif, "write"):
        monkeypatch.setattr(sarif, "write", broken)
    with pytest.raises(Injected):
        runner.write_reports(build_report(target="ap-southeast-2"), FORMATS, out)
    after = _files(out)
    assert set(after) == set(old)
    sarif_name = next(name for name in after if name.endswith(".sarif"))
    assert after[sarif_name] == old[sarif_name]


# -- the remediation audit log ------------------------------------------------------------


def _change(index: int) -> remediation.Change:
    return remediation.Change(
        rule_id="KMS-004",
        fingerprint=f"fp{index}",
        account=ACCOUNT,
        region="eu-central-1",
        resource=f"arn:aws:kms:eu-central-1:{ACCOUNT}:key/{index}",
        action="kms-enable-rotation",
        summary="enable rotation",
    )


@pytest.mark.parametrize(("call", "partial"), [("write", True), ("fsync", False)])
def test_audit_log_failure_keeps_earlier_lines_and_leaves_no_torn_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, call: str, partial: bool
) -> None:
    log = tmp_path / "audit.jsonl"
    for index in range(3):
        remediation.append_audit(log, _change(index), "applied", "ok")
    old = log.read_bytes()

    with fail_on_call(monkeypatch, call, 1, partial=partial), pytest.raises(Injected):
        remediation.append_audit(log, _change(3), "applied", "ok")

    assert log.read_bytes() == old
    remediation.append_audit(log, _change(4), "applied", "ok")
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert [line["fingerprint"] for line in lines] == ["fp0", "fp1", "fp2", "fp4"]


def test_audit_log_short_writes_are_completed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """os.write may write fewer bytes than asked (signals, pipes, quotas)."""
    log = tmp_path / "audit.jsonl"
    real = os.write

    def short(fd: int, data: bytes) -> int:
        return real(fd, bytes(data)[:7])

    monkeypatch.setattr(os, "write", short)
    atomic.append_line(log, json.dumps({"n": 1, "text": "x" * 40}))
    monkeypatch.undo()
    assert json.loads(log.read_text()) == {"n": 1, "text": "x" * 40}
