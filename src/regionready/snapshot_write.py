"""Writing a snapshot folder: whole, atomically, never into an older snapshot.

The data contract is :mod:`regionready.snapshot`'s; the manifest and the reading are
:mod:`regionready.snapshot_manifest`'s.

:func:`write_scan` never writes into an older snapshot: it writes the new one into a new
folder beside it and swaps that in whole (see its docstring), so a reused ``--out`` never
mixes two runs and a run killed before the swap leaves the older snapshot as it was.
:func:`copy_scan` writes a snapshot the same way from files other snapshots list, one
file at a time (``regionready merge``), and :class:`SnapshotWriter` from files given
one at a time while the manifest is still being made (an organisation's collection).

regionready's own files beside the older snapshot (the remediation audit log, the debug
log, the reports written into the folder) are carried over into the new one; anything
else in the folder is refused
(:func:`regionready.snapshot_folder.check_replaceable`). The folders a killed run left
beside a snapshot are removed by a later write once :data:`STALE_FOLDER_SECONDS` old.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from regionready import atomic, snapshot_folder
from regionready.snapshot import (
    AUDIT_LOG,
    FILE_PATH,
    LOCAL_FILE,
    MANIFEST_FILE,
    MANIFEST_SCHEMA_VERSION,
    SnapshotError,
)
from regionready.snapshot_manifest import read_listed

#: A folder a killed :func:`write_scan` left beside its snapshot (``.<name>.regionready-new-*``
#: or ``-old-*``), untouched for longer than this, is removed by the next write_scan there.
STALE_FOLDER_SECONDS = 3600
_NEW = "regionready-new-"
_OLD = "regionready-old-"

#: Writes one snapshot file at the path given; returns its size and SHA-256 as written.
_FileWriter = Callable[[Path], atomic.Written]


def write_scan(
    root: Path,
    manifest: dict[str, Any],
    documents: dict[tuple[str, str], dict[str, Any]],
    local: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Write a snapshot: account files first, then the manifest, which lists them (path,
    size, SHA-256, hashed as they are written); returns the manifest written.

    An older snapshot at ``root`` is replaced as a whole, never written into: the new one
    is written into a new folder beside it (``.<name>.regionready-new-XXXXXXXX``, so on
    the same file system), which is then swapped in by rename (atomically, where Linux's
    ``renameat2(RENAME_EXCHANGE)`` is available; else by two renames, with an instant in
    between where ``root`` does not exist), and the older snapshot is removed. A run killed
    before the swap leaves the older snapshot as it was; the new folder it leaves behind
    is removed by a later write_scan once it is an hour old. regionready's own files
    beside the snapshot are carried over into the new folder (hard-linked, else copied):
    the remediation audit log (``remediation-audit.jsonl``), the debug log the collection
    just appended to (``debug.log``, ``--debug``), and reports an ``evaluate`` or ``scan``
    wrote into the snapshot folder (``regionready.<ext>`` and their record).

    ``root`` must be missing, an empty folder or a regionready snapshot: a folder holding
    anything else (a file that is not part of a snapshot, a symlink, a folder that is not
    an account's) is refused with SnapshotError naming it, and left as it was (see
    :func:`check_replaceable`, which a caller can run before a long collection). A
    symlink ``root`` is followed: the folder it points to is replaced, the link kept.

    Where the folder cannot be swapped (it is a mount point, the current folder or one of
    its parents, or its parent folder is not writable) the snapshot is written in place:
    the older manifest is removed first, then the new files are written (each replacing
    the older file of its name, if any), then the older files the new manifest does not
    list are removed, the manifest last. A run killed part-way then leaves a folder
    without a manifest, which read_scan refuses: still never a mix of two runs.
    """
    with SnapshotWriter(root) as writer:
        writer.add_documents(documents, local)
        return writer.finish(manifest)


def copy_scan(
    root: Path, manifest: dict[str, Any], files: Iterable[tuple[Path, dict[str, Any]]]
) -> dict[str, Any]:
    """Write a snapshot whose files are copies of files other snapshots list: ``files``
    gives (that snapshot's folder, its manifest's entry for the file) each, copied under
    the same relative path; returns the manifest written (``manifest`` with the list of
    the copied files).

    What :func:`write_scan` guarantees holds (the folder replaced whole, or in place
    without ever mixing two runs). Each file is read and checked as :func:`read_scan`
    checks it (its size and SHA-256 against the entry, a snapshot document of its name:
    SnapshotError naming it), written, and let go before the next is read: one file's
    bytes at a time, however many there are (``files`` may be a generator). ``root`` may
    be one of the source folders: its files are read before they are replaced."""
    accounts = {str(a) for a in manifest.get("accounts", [])}
    writers = ((str(entry["path"]), _copier(source, entry)) for source, entry in files)
    return _replace(root, manifest, accounts, writers)


def _json_writer(doc: dict[str, Any]) -> _FileWriter:
    return lambda path: atomic.write_json_digest(path, doc)


def _copier(source: Path, entry: dict[str, Any]) -> _FileWriter:
    def copy(path: Path) -> atomic.Written:
        data, _doc = read_listed(source, entry)
        del _doc  # checked; only the bytes are copied
        # The verified bytes as they are (UTF-8, checked by read_listed; newline="": no
        # translation), so the copy's size and SHA-256 are the entry's.
        atomic.write_stream(path, lambda handle: handle.write(data.decode("utf-8")))
        return atomic.Written(path, len(data), str(entry["sha256"]))

    return copy


def _replace(
    root: Path,
    manifest: dict[str, Any],
    accounts: set[str],
    files: Iterable[tuple[str, _FileWriter]],
) -> dict[str, Any]:
    """What copy_scan shares with write_scan: the new snapshot swapped in whole (or
    written in place); ``accounts`` get a folder each, even those without a file."""
    with SnapshotWriter(root, accounts) as writer:
        for relative, write in files:
            writer.add(relative, write)
        return writer.finish(manifest)


class SnapshotWriter:
    """A snapshot written one file at a time, its manifest last, with every guarantee of
    :func:`write_scan` (which is this writer given all its files at once): a context
    object whose :meth:`add` writes a file as soon as it is given (so a caller can let
    each file's document go) and whose :meth:`finish` writes the manifest, built by
    then, and swaps the new folder in. Leaving the ``with`` block without :meth:`finish`
    (an error, an interrupt) removes the new folder and leaves the older snapshot as it
    was; in place, it leaves the folder without a manifest, as a killed write_scan does.

    ``accounts``: account folders made at once (others when a file of theirs is added,
    or at :meth:`finish` for the manifest's accounts)."""

    def __init__(self, root: Path, accounts: Iterable[str] = ()) -> None:
        self.root = Path(root)
        self._real = Path(os.path.realpath(self.root))
        self._first_accounts = sorted(accounts)
        self._accounts: set[str] = set()
        self._entries: list[dict[str, Any]] = []
        self._folder = self._real
        self._staged = False  # True: a new folder beside root, swapped in by finish()
        self._done = False

    def __enter__(self) -> SnapshotWriter:
        snapshot_folder.check_replaceable(self.root)
        real = self._real
        if not _in_place(real):
            real.parent.mkdir(parents=True, exist_ok=True)
            _sweep_leftovers(real)
            try:
                self._folder, self._staged = _fresh_folder(real, _NEW), True
            except PermissionError:
                if not real.is_dir():  # else: a folder that may be written, in a parent
                    raise  # that may not: written in place
        try:
            if not self._staged:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(real / MANIFEST_FILE)
                atomic.fsync_folder(real)
            elif real.is_dir():
                with contextlib.suppress(OSError):
                    os.chmod(self._folder, stat.S_IMODE(os.stat(real).st_mode))
            for account in self._first_accounts:
                self._add_account(account)
        except BaseException:
            self._discard()
            raise
        return self

    def __exit__(self, *_: object) -> None:
        if not self._done:
            self._discard()

    def _discard(self) -> None:
        self._done = True
        if self._staged:
            shutil.rmtree(self._folder, ignore_errors=True)

    def _add_account(self, account: str) -> None:
        if account not in self._accounts:
            # A scan of local collectors only still has the account's (empty) folder.
            _account_folder(self._folder / account)
            self._accounts.add(account)

    def add(self, relative: str, write: _FileWriter) -> None:
        """Write one file (``<account>/<region>.json`` or ``local.json``) by ``write``."""
        folder = self._folder
        if not FILE_PATH.fullmatch(relative):
            raise SnapshotError(f"{folder}: {relative!r} is not a name for a snapshot file")
        if relative != LOCAL_FILE:
            self._add_account(relative.split("/")[0])
        written = write(folder / relative)
        self._entries.append({"path": relative, "size": written.size, "sha256": written.sha256})
        if self._staged:
            # Files go into the account folders: without this, a collection longer than
            # STALE_FOLDER_SECONDS would leave its new folder looking abandoned to a sweep.
            with contextlib.suppress(OSError):
                os.utime(folder)

    def add_documents(
        self,
        documents: Mapping[tuple[str, str], dict[str, Any]],
        local: dict[str, Any] | None = None,
    ) -> None:
        """Account documents by (account, Region), sorted, then ``local`` as local.json."""
        for (account, region), doc in sorted(documents.items()):
            self.add(f"{account}/{region}.json", _json_writer(doc))
        if local is not None:
            self.add(LOCAL_FILE, _json_writer(local))

    def finish(self, manifest: dict[str, Any]) -> dict[str, Any]:
        """Write the manifest (``manifest`` listing the files added) and put the snapshot
        in place; returns the manifest written."""
        if self._done:
            raise SnapshotError(f"{self.root}: this snapshot was already finished")
        for account in sorted(str(a) for a in manifest.get("accounts", [])):
            self._add_account(account)
        real, folder = self._real, self._folder
        if not self._staged:
            _remove_unlisted(real, self._accounts, {str(e["path"]) for e in self._entries})
            written = _write_manifest(real, manifest, self._accounts, self._entries)
            atomic.fsync_folder(real)
            self._done = True
            return written
        written = _write_manifest(folder, manifest, self._accounts, self._entries)
        snapshot_folder.check_replaceable(
            self.root
        )  # still: nothing foreign came into it meanwhile
        _carry_kept_files(real, folder)
        atomic.fsync_folder(folder)
        old = _swap(folder, real)
        self._done = True
        atomic.fsync_folder(real.parent)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return written


def _in_place(real: Path) -> bool:
    """Whether ``real`` (an existing folder) cannot be swapped by rename."""
    if not real.is_dir():
        return False
    try:
        cwd = Path.cwd().resolve()
    except OSError:
        cwd = None
    if cwd is not None and (real == cwd or real in cwd.parents):
        return True
    return os.path.ismount(real)


def _fresh_folder(real: Path, tag: str) -> Path:
    """A new, empty folder beside ``real`` (mode from the umask, unlike mkdtemp's 0700)."""
    for _ in range(100):
        path = real.parent / f".{real.name}.{tag}{os.urandom(4).hex()}"
        try:
            os.mkdir(path)
        except FileExistsError:
            continue
        return path
    raise FileExistsError(errno.EEXIST, "no free name for a new snapshot folder", str(real))


def _write_manifest(
    folder: Path, manifest: dict[str, Any], accounts: set[str], entries: list[dict[str, Any]]
) -> dict[str, Any]:
    """The manifest, listing ``entries``, written last; the account folders made durable."""
    written = {
        **manifest,
        "schema_version": MANIFEST_SCHEMA_VERSION,
        "files": sorted(entries, key=lambda e: str(e["path"])),
    }
    atomic.write_json(folder / MANIFEST_FILE, written)
    for account in sorted(accounts):
        atomic.fsync_folder(folder / account)
    return written


def _account_folder(path: Path) -> None:
    """An account folder the writer made: a real folder, never a symlink out of the
    snapshot (refused with SnapshotError naming it)."""
    with contextlib.suppress(FileExistsError):
        os.mkdir(path)
    mode = os.lstat(path).st_mode
    if not stat.S_ISDIR(mode):
        raise SnapshotError(
            f"{path}: {snapshot_folder.entry_kind(mode)}, not a folder: not writing the "
            "snapshot through it"
        )


def _carry_kept_files(real: Path, new: Path) -> None:
    """The older folder's kept files (:func:`snapshot_folder.kept_names`), into the new
    folder: hard links (the same files, whatever happens to either folder), copies where
    links fail."""
    if not real.is_dir():
        return
    for name in sorted(snapshot_folder.kept_names()):
        path = real / name
        try:
            if not stat.S_ISREG(os.lstat(path).st_mode):
                continue
        except FileNotFoundError:
            continue
        try:
            os.link(path, new / name)
        except OSError:
            shutil.copy2(path, new / name)


def _swap(new: Path, real: Path) -> Path | None:
    """Put ``new`` at ``real``; returns where the older folder is now (None if none)."""
    if not os.path.lexists(real):
        os.rename(new, real)
        return None
    if atomic.exchange_paths(new, real):
        return new  # the older folder now has the new folder's name
    aside = real.parent / f".{real.name}.{_OLD}{os.urandom(4).hex()}"
    os.rename(real, aside)
    try:
        os.rename(new, real)
    except BaseException:
        with contextlib.suppress(OSError):
            os.rename(aside, real)
        raise
    return aside


def _remove_unlisted(real: Path, accounts: set[str], listed: set[str]) -> None:
    """Everything in ``real`` but the ``listed`` files, the ``accounts``' folders and the
    kept files (check_replaceable allowed nothing but a snapshot's entries)."""
    kept = snapshot_folder.kept_names()
    with os.scandir(real) as scan:
        entries = list(scan)
    for entry in entries:
        if entry.name in kept or entry.name in listed:
            continue
        if not entry.is_dir(follow_symlinks=False):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(entry.path)
        elif entry.name not in accounts:
            shutil.rmtree(entry.path)
        else:
            with os.scandir(entry.path) as inner:
                items = list(inner)
            for item in items:
                if f"{entry.name}/{item.name}" not in listed:
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(item.path)


def _sweep_leftovers(real: Path) -> None:
    """Remove the folders killed write_scans left beside ``real`` (see STALE_FOLDER_SECONDS):
    only hidden ``.<name>.regionready-new-*``/``-old-*`` folders an hour old, holding
    nothing but a snapshot's files and no audit log."""
    prefixes = (f".{real.name}.{_NEW}", f".{real.name}.{_OLD}")
    try:
        with os.scandir(real.parent) as scan:
            entries = [e for e in scan if e.name.startswith(prefixes)]
    except OSError:
        return
    now = time.time()
    for entry in entries:
        try:
            info = entry.stat(follow_symlinks=False)
            if not stat.S_ISDIR(info.st_mode) or now - info.st_mtime <= STALE_FOLDER_SECONDS:
                continue
            if os.path.lexists(Path(entry.path) / AUDIT_LOG):
                continue
            snapshot_folder.check_content(Path(entry.path), Path(entry.path), need_manifest=False)
            shutil.rmtree(entry.path)
        except (OSError, SnapshotError):
            continue
