"""What a snapshot folder may hold, and whether a folder may be replaced by a snapshot.

A snapshot folder holds ``manifest.json``, ``local.json``, one folder per account (12
digits) of JSON files, and regionready's own files that a new snapshot keeps
(:func:`kept_names`). :func:`check_replaceable` refuses anything else, so a reused
``--out`` never swallows a folder the user keeps other things in.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from regionready import atomic
from regionready.snapshot import (
    AUDIT_LOG,
    DEBUG_LOG,
    LOCAL_FILE,
    MANIFEST_FILE,
    MANIFEST_KIND,
    SnapshotError,
    load_json,
)

ACCOUNT_FOLDER = re.compile(r"[0-9]{12}")


def check_replaceable(root: Path) -> None:
    """SnapshotError (naming the entry) unless ``root`` is missing, an empty folder, or a
    regionready snapshot with nothing else in it: what
    :func:`regionready.snapshot_write.write_scan` may replace."""
    root = Path(root)
    real = Path(os.path.realpath(root))
    if not os.path.lexists(real):
        return
    if not real.is_dir():
        raise SnapshotError(f"{root}: exists and is not a folder: not replacing it")
    check_content(root, real, need_manifest=True)


def check_content(shown: Path, folder: Path, *, need_manifest: bool) -> None:
    """SnapshotError naming the first entry of ``folder`` (shown as ``shown``) that is not
    part of a snapshot; with ``need_manifest``, also unless its manifest is one."""

    def foreign(name: str, what: str) -> SnapshotError:
        return SnapshotError(
            f"{shown / name}: {what}, not part of a regionready snapshot: not replacing "
            f"{shown} (choose another --out, or empty the folder)"
        )

    with os.scandir(folder) as scan:
        entries = sorted(scan, key=lambda e: e.name)
    names = {entry.name for entry in entries}
    kept = kept_names()
    allowed = {MANIFEST_FILE, LOCAL_FILE} | kept
    for entry in entries:
        info = entry.stat(follow_symlinks=False)
        kind = entry_kind(info.st_mode)
        if stat.S_ISREG(info.st_mode) and (
            entry.name in allowed or atomic.is_temp_name(entry.name)
        ):
            continue
        if stat.S_ISDIR(info.st_mode) and ACCOUNT_FOLDER.fullmatch(entry.name):
            with os.scandir(entry.path) as inner:
                for item in sorted(inner, key=lambda e: e.name):
                    mode = item.stat(follow_symlinks=False).st_mode
                    if not stat.S_ISREG(mode) or not (
                        item.name.endswith(".json") or atomic.is_temp_name(item.name)
                    ):
                        raise foreign(f"{entry.name}/{item.name}", entry_kind(mode))
            continue
        raise foreign(entry.name, kind)
    if not need_manifest or all(n in kept or atomic.is_temp_name(n) for n in names):
        return  # nothing of a snapshot to replace (an empty folder, or only kept files)
    if MANIFEST_FILE not in names:
        raise SnapshotError(
            f"{shown}: holds files but no manifest.json: not a finished regionready snapshot, "
            "not replacing it (choose another --out, or empty the folder)"
        )
    path = folder / MANIFEST_FILE
    try:
        data = load_json(path, within=folder)
    except SnapshotError as exc:
        raise SnapshotError(f"{exc}: not replacing {shown}") from exc
    if not isinstance(data, dict) or data.get("kind") != MANIFEST_KIND:
        raise SnapshotError(
            f"{shown / MANIFEST_FILE}: not a regionready manifest: not replacing {shown} "
            "(choose another --out, or empty the folder)"
        )


def entry_kind(mode: int) -> str:
    """What an entry of ``mode`` is, for an error message."""
    if stat.S_ISLNK(mode):
        return "a symlink"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISREG(mode):
        return "a file"
    return "not a regular file"


def kept_names() -> set[str]:
    """regionready's own files that may sit beside a snapshot in its folder, and that a new
    snapshot keeps: the remediation audit log, the debug log (``--debug``), and the
    reports (with their record) of an ``evaluate``/``scan`` whose ``--out`` is the
    snapshot folder."""
    names = {AUDIT_LOG, DEBUG_LOG}
    try:
        from regionready import runner

        names |= set(runner.report_names())
        record = getattr(runner, "REPORTS_RECORD", None)
        if isinstance(record, str):
            names.add(record)
    except Exception:  # a broken reporter plugin: its reports are not known to be ours
        pass
    return names
