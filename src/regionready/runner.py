"""Wiring shared by the CLI commands: evaluate a scan into a report, write reports."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from regionready import __version__, atomic, registry, topology
from regionready.engine.evaluation import Clock, Engine
from regionready.engine.rules import Rule
from regionready.model import Report, Result, ScanInfo, Severity
from regionready.results import ResultLog
from regionready.snapshot import Scan, iso

REPORT_BASENAME = "regionready"
#: Which report files the last run in a folder wrote, and their identity (device, inode,
#: size, modification time): the next run removes those it does not write again, only
#: while they are still exactly the files regionready wrote.
REPORTS_RECORD = ".regionready-reports.json"
_RECORD_KIND = "regionready-reports"
_RECORD_MAX_BYTES = 64 * 1024


def build_report(
    scan: Scan,
    rules: list[Rule],
    clock: Clock,
    *,
    started_at: dt.datetime | None = None,
    prepare: Callable[[list[Result]], None] | None = None,
) -> Report:
    """The report of ``rules`` on ``scan``, judged one account at a time: each account's
    results go through ``prepare`` (suppressions and baseline marks, say) and into a
    :class:`~regionready.results.ResultLog` on disk, then are let go, so memory holds one
    account's results however many accounts the scan has."""
    engine = Engine(scan, rules, clock)
    log = ResultLog()
    for account in scan.accounts:
        results = engine.evaluate_account(account)
        if prepare is not None:
            prepare(results)
        log.add(results)
        del results
    return Report(
        scan=ScanInfo(
            source_region=scan.source_region,
            target_region=scan.target_region,
            accounts=scan.accounts,
            now=iso(clock.now),
            cutover_date=iso(clock.cutover) if clock.cutover else None,
            started_at=scan.manifest.get("started_at") or (iso(started_at) if started_at else None),
            finished_at=scan.manifest.get("finished_at"),
            tool_version=__version__,
            pairs=topology.to_list(scan.pairs()),
        ),
        rules={rule.id: rule.info() for rule in rules if rule.id in log.rule_ids},
        results=log,
    )


def report_names() -> set[str]:
    """The file name of every report format: ``regionready.json``, ``regionready.md``..."""
    return {f"{REPORT_BASENAME}{registry.reporter(name).EXTENSION}" for name in registry.formats()}


def write_reports(
    report: Report,
    formats: list[str],
    out: Path,
    *,
    redact: bool = False,
    fail_on: str = "high",
) -> list[Path]:
    """Render each format as ``<out>/regionready.<ext>``, as one set.

    Every report is rendered into a temporary file in ``out`` first (a reporter with a
    ``write(report, handle, **options)`` streams into it; otherwise ``render``'s text is
    written), one format at a time, each rendering released before the next starts. Only
    when all are rendered and on disk are they renamed into place, so a failure or a kill
    while rendering leaves the previous set whole, never a new JSON beside an old
    Markdown (the renames themselves take microseconds: a kill between two of them is
    the one moment a mix can remain). Reports of an earlier run in ``out`` that this run
    does not write (its
    ``regionready.md`` when only JSON is asked for now) are removed first, but only files
    that ``REPORTS_RECORD`` shows regionready wrote and nobody changed since.

    An ``OSError`` names the report file (or ``out``) it is about.
    """
    if not formats:
        return []  # nothing to write, and nothing of an earlier run is removed
    gate = Severity(fail_on) if fail_on != "none" else None
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _naming(exc, out) from exc
    staged: list[tuple[str, Path]] = []
    try:
        for name in dict.fromkeys(formats):
            module = registry.reporter(name)
            target = out / f"{REPORT_BASENAME}{module.EXTENSION}"
            staged.append((_stage(target, module, report, redact=redact, fail_on=gate), target))
        written = {target.name: _identity(os.stat(tmp)) for tmp, target in staged}
        _remove_stale(out, keep=set(written))
        while staged:
            tmp, target = staged[0]
            try:
                os.replace(tmp, target)
            except OSError as exc:
                raise _naming(exc, target) from exc
            staged.pop(0)
    finally:
        for tmp, _ in staged:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    _write_record(out, written)
    return [out / name for name in written]


def _naming(exc: OSError, path: Path) -> OSError:
    """``exc`` again, about ``path`` (a temporary file's name means nothing to a user)."""
    if exc.errno is None:
        return exc
    return OSError(exc.errno, exc.strerror or str(exc), str(path))


def _stage(
    target: Path, module: Any, report: Report, *, redact: bool, fail_on: Severity | None
) -> str:
    """``module``'s report in a new temporary file beside ``target``; its path."""
    atomic.sweep_temps(target)  # a killed run's leftovers (named as atomic names them)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise _naming(exc, target) from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            stream: Callable[..., object] | None = getattr(module, "write", None)
            if stream is not None:
                stream(report, handle, redact=redact, fail_on=fail_on)
            else:
                text = module.render(report, redact=redact, fail_on=fail_on)
                handle.write(text)
                del text
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise _naming(exc, target) from exc
        raise
    return tmp


def _identity(info: os.stat_result) -> list[int]:
    return [info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns]


def _read_record(out: Path) -> dict[str, list[int]]:
    """The last run's record, or {} when there is none or it is not one regionready
    wrote (a damaged or foreign record only means nothing is removed)."""
    try:
        with open(out / REPORTS_RECORD, "rb") as handle:
            data = json.loads(handle.read(_RECORD_MAX_BYTES + 1)[:_RECORD_MAX_BYTES])
    except (OSError, ValueError, RecursionError):
        return {}
    if not isinstance(data, dict) or data.get("kind") != _RECORD_KIND:
        return {}
    files = data.get("files")
    if not isinstance(files, dict):
        return {}
    return {
        name: ident
        for name, ident in files.items()
        if isinstance(ident, list) and all(type(n) is int for n in ident)
    }


def _remove_stale(out: Path, *, keep: set[str]) -> None:
    """Remove the reports an earlier run wrote here that this run does not write: only
    report file names, and only files still exactly as that run left them."""
    record = _read_record(out)
    for name in sorted((report_names() & set(record)) - keep):
        path = out / name
        try:
            info = os.lstat(path)
        except OSError:
            continue
        if stat.S_ISREG(info.st_mode) and _identity(info) == record[name]:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)


def _write_record(out: Path, written: dict[str, list[int]]) -> None:
    record = {"kind": _RECORD_KIND, "files": dict(sorted(written.items()))}
    atomic.write_text(out / REPORTS_RECORD, json.dumps(record, indent=1) + "\n")
