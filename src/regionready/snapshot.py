"""The snapshot: what collectors saw, as JSON files the engine reads offline.

Layout of a scan directory::

    manifest.json                 source, target, accounts, versions, times, API calls,
                                  and the list of every other file (path, size, SHA-256)
    <account>/<region>.json       one per account and Region
    <account>/global.json         global services (IAM, Route 53, Organizations, CloudFront)
    local.json                    what was read from this machine or repository

Each account file holds ``services.<name>`` with ``status`` (ok or error), ``errors``
(API, code, IAM action, the resource types left without data), ``id_fields`` (the id
field of each resource type) and ``resources.<type>`` (items with AWS field names,
sorted by id). Nothing time-relative is stored; timestamps are UTC ISO-8601.

A snapshot describes itself: its manifest, written last, lists each of its files with
the size and SHA-256 of the bytes written (:data:`MANIFEST_SCHEMA_VERSION` 2; the account
files keep :data:`SNAPSHOT_SCHEMA_VERSION` 1). :func:`read_scan` reads exactly the files
listed, through :mod:`regionready.inputfile` (regular files only, inside the snapshot
folder, bounded), and refuses a snapshot whose files do not match their entries; anything
else in the folder is ignored. A version-1 manifest lists nothing, so a snapshot written
by an earlier regionready is refused with a request to collect it again.

:func:`write_scan` never writes into an older snapshot: it writes the new one into a new
folder beside it and swaps that in whole (see its docstring), so a reused ``--out`` never
mixes two runs and a run killed before the swap leaves the older snapshot as it was.
:func:`copy_scan` writes a snapshot the same way from files other snapshots list, one
file at a time (``regionready merge``), and :class:`SnapshotWriter` from files given
one at a time while the manifest is still being made (an organisation's collection).
"""

from __future__ import annotations

import base64
import contextlib
import ctypes
import datetime as dt
import errno
import hashlib
import json
import os
import re
import shutil
import stat
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from regionready import atomic, inputfile, topology
from regionready.errors import RegionReadyError
from regionready.topology import Pair

#: Account files (``<account>/<region>.json``, ``local.json``): snapshot.schema.json.
SNAPSHOT_SCHEMA_VERSION = 1
#: The manifest: manifest.schema.json. Version 2 lists the snapshot's files; version 1
#: (regionready before the list) is refused with a request to collect again.
MANIFEST_SCHEMA_VERSION = 2
SNAPSHOT_KIND = "regionready-snapshot"
MANIFEST_KIND = "regionready-manifest"
GLOBAL = "global"
LOCAL = "local"
MANIFEST_FILE = "manifest.json"
LOCAL_FILE = "local.json"
#: ``regionready remediate``'s default audit log, kept when the snapshot is replaced.
AUDIT_LOG = "remediation-audit.jsonl"
#: ``collect``/``scan --debug``: the tracebacks of collectors that failed with a Python
#: error, appended while collecting and kept when the snapshot is replaced (so the new
#: snapshot has it; each entry starts with its time).
DEBUG_LOG = "debug.log"
#: A file a manifest may list: ``<account>/<region>.json`` (or ``global``), ``local.json``.
FILE_PATH = re.compile(r"local\.json|[0-9]{12}/(global|[a-z]{2}(-[a-z]+)+-\d+)\.json")
_ACCOUNT_FOLDER = re.compile(r"[0-9]{12}")


class SnapshotError(RegionReadyError):
    """A snapshot directory or file that cannot be used (missing, truncated, foreign)."""


def iso(value: dt.datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def jsonable(value: Any) -> Any:
    """AWS responses to JSON: datetimes to UTC ISO-8601, bytes to base64, sets sorted."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted(jsonable(v) for v in value)
    if isinstance(value, dt.datetime):
        return iso(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


@dataclass
class CollectionError:
    """What a failed read left incomplete.

    ``resource_types`` are the types it feeds; ``fields`` narrows a type to the
    top-level fields the read fills (a type not in it is incomplete as a whole), and
    ``resources`` to the ids of the items it was about (a type not in it: every item).
    """

    api: str
    code: str
    message: str
    action: str
    resource_types: list[str]
    fields: dict[str, list[str]] = field(default_factory=dict)
    resources: dict[str, list[str]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "api": self.api,
            "code": self.code,
            "message": self.message,
            "action": self.action,
            "resource_types": sorted(self.resource_types),
        }
        if self.fields:
            data["fields"] = {t: sorted(set(f)) for t, f in sorted(self.fields.items())}
        if self.resources:
            data["resources"] = {t: sorted(set(r)) for t, r in sorted(self.resources.items())}
        return data


@dataclass
class ServiceData:
    status: str = "ok"
    errors: list[dict[str, Any]] = field(default_factory=list)
    id_fields: dict[str, str] = field(default_factory=dict)
    resources: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    api_calls: int = 0
    not_run: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        doc = {
            "status": self.status,
            "errors": self.errors,
            "id_fields": self.id_fields,
            "resources": self.resources,
            "api_calls": self.api_calls,
        }
        if self.not_run:
            doc["not_run"] = self.not_run
        return doc


def sort_items(items: list[dict[str, Any]], id_field: str) -> list[dict[str, Any]]:
    return sorted(items, key=lambda item: str(item.get(id_field, "")))


def region_document(
    account: str, region: str, services: dict[str, ServiceData], collected_at: str
) -> dict[str, Any]:
    return {
        "kind": SNAPSHOT_KIND,
        "schema_version": SNAPSHOT_SCHEMA_VERSION,
        "account": account,
        "region": region,
        "collected_at": collected_at,
        "services": {name: services[name].to_dict() for name in sorted(services)},
    }


@cache
def schema(name: str) -> dict[str, Any]:
    text = resources.files("regionready.schemas").joinpath(name).read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def _validate(path: Path, data: Any, schema_name: str) -> None:
    validator = jsonschema.Draft202012Validator(schema(schema_name))
    error = next(iter(sorted(validator.iter_errors(data), key=lambda e: list(e.path))), None)
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        raise SnapshotError(f"{path}: not a valid regionready snapshot at {where}: {error.message}")


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _lone_surrogate(value: Any) -> bool:
    """Whether a decoded document holds a string that is not valid Unicode."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def parse_json(path: Path, text: str, error: type[Exception]) -> Any:
    """Strict JSON (no NaN/Infinity, no lone surrogates); every failure one ``error``."""
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise error(
            f"{path}:{exc.lineno}: not valid JSON ({exc.msg}); the file may be truncated"
        ) from exc
    except RecursionError as exc:
        raise error(f"{path}: not usable JSON: nested too deeply") from exc
    except ValueError as exc:  # NaN/Infinity, or an integer of thousands of digits
        raise error(f"{path}: not usable JSON: {' '.join(str(exc).split())}") from exc
    if ("\\ud" in text or "\\uD" in text) and _lone_surrogate(data):
        raise error(f"{path}: not usable JSON: a string holds a lone surrogate")
    return data


def load_json(path: Path, within: Path | None = None) -> Any:
    """A snapshot JSON file, read through :mod:`regionready.inputfile` (kind "snapshot":
    a regular file of bounded size; with ``within``, one that stays inside that folder)."""
    try:
        text = inputfile.read_text(path, "snapshot", within)
    except inputfile.InputFileError as exc:
        raise SnapshotError(str(exc)) from exc
    return parse_json(path, text, SnapshotError)


def read_account_file(path: Path, within: Path | None = None) -> dict[str, Any]:
    return _account_document(path, load_json(path, within))


def _account_document(path: Path, data: Any) -> dict[str, Any]:
    if not isinstance(data, dict) or data.get("kind") != SNAPSHOT_KIND:
        raise SnapshotError(f"{path}: not a regionready snapshot file (kind is missing)")
    if data.get("schema_version") != SNAPSHOT_SCHEMA_VERSION:
        raise SnapshotError(
            f"{path}: snapshot schema_version {data.get('schema_version')!r} is not supported "
            f"(this regionready reads version {SNAPSHOT_SCHEMA_VERSION})"
        )
    _validate(path, data, "snapshot.schema.json")
    return data


@dataclass
class Scan:
    """A loaded scan directory."""

    root: Path
    manifest: dict[str, Any]
    # (account, region) -> account file document; region "global" for global services
    # (read at once by read_scan, or one account at a time: regionready.accountstore)
    documents: Mapping[tuple[str, str], dict[str, Any]]
    local: dict[str, Any] | None

    @property
    def source_region(self) -> str:
        return str(self.manifest["source_region"])

    @property
    def target_region(self) -> str:
        return str(self.manifest["target_region"])

    def pairs(self, account: str | None = None) -> list[Pair]:
        """The pairs judged in ``account`` (its own in an organisation scan); without
        ``account``, every pair of the scan once, in order."""
        if account is None:
            return list(dict.fromkeys(p for a in self.accounts for p in self.pairs(a)))
        own = (self.manifest.get("account_regions") or {}).get(account)
        if own:
            if "pairs" in own:
                return topology.from_list(own["pairs"])
            return [Pair(str(own["source"]), str(own["target"]))]
        if self.manifest.get("pairs"):
            return topology.from_list(self.manifest["pairs"])
        return [Pair(self.source_region, self.target_region)]

    @property
    def accounts(self) -> list[str]:
        return [str(a) for a in self.manifest["accounts"]]

    def service(self, account: str, region: str, name: str) -> dict[str, Any] | None:
        """One service's data; ``region`` "global" or "local" for those documents."""
        if region == LOCAL:
            if not self.local:
                return None
            local: dict[str, Any] | None = self.local["services"].get(name)
            return local
        doc = self.documents.get((account, region))
        if doc is None:
            return None
        found: dict[str, Any] | None = doc["services"].get(name)
        return found


def manifest_document(
    *,
    source_region: str,
    target_region: str,
    accounts: list[str],
    tool_version: str,
    rules_version: str,
    started_at: str,
    finished_at: str,
    services: list[str],
    api_calls: dict[str, int],
    pairs: list[Pair] | None = None,
) -> dict[str, Any]:
    """The manifest's fields but ``files``; ``pairs`` (more than one): every pair judged,
    ``source_region`` and ``target_region`` being the first."""
    extra = {"pairs": topology.to_list(pairs)} if pairs and len(pairs) > 1 else {}
    return {
        "kind": MANIFEST_KIND,
        "schema_version": MANIFEST_SCHEMA_VERSION,
        "source_region": source_region,
        "target_region": target_region,
        **extra,
        "accounts": sorted(accounts),
        "tool_version": tool_version,
        "rules_version": rules_version,
        "started_at": started_at,
        "finished_at": finished_at,
        "services": sorted(services),
        "api_calls": dict(sorted(api_calls.items())),
    }


# -- writing ------------------------------------------------------------------------------

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
        check_replaceable(self.root)
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
                _fsync_folder(real)
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
            _fsync_folder(real)
            self._done = True
            return written
        written = _write_manifest(folder, manifest, self._accounts, self._entries)
        check_replaceable(self.root)  # still: nothing foreign came into it meanwhile
        _carry_kept_files(real, folder)
        _fsync_folder(folder)
        old = _swap(folder, real)
        self._done = True
        _fsync_folder(real.parent)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return written


def check_replaceable(root: Path) -> None:
    """SnapshotError (naming the entry) unless ``root`` is missing, an empty folder, or a
    regionready snapshot with nothing else in it: what :func:`write_scan` may replace."""
    root = Path(root)
    real = Path(os.path.realpath(root))
    if not os.path.lexists(real):
        return
    if not real.is_dir():
        raise SnapshotError(f"{root}: exists and is not a folder: not replacing it")
    _check_snapshot_content(root, real, need_manifest=True)


def _check_snapshot_content(shown: Path, folder: Path, *, need_manifest: bool) -> None:
    def foreign(name: str, what: str) -> SnapshotError:
        return SnapshotError(
            f"{shown / name}: {what}, not part of a regionready snapshot: not replacing "
            f"{shown} (choose another --out, or empty the folder)"
        )

    with os.scandir(folder) as scan:
        entries = sorted(scan, key=lambda e: e.name)
    names = {entry.name for entry in entries}
    kept = _kept_names()
    allowed = {MANIFEST_FILE, LOCAL_FILE} | kept
    for entry in entries:
        info = entry.stat(follow_symlinks=False)
        kind = _kind(info.st_mode)
        if stat.S_ISREG(info.st_mode) and (
            entry.name in allowed or atomic.is_temp_name(entry.name)
        ):
            continue
        if stat.S_ISDIR(info.st_mode) and _ACCOUNT_FOLDER.fullmatch(entry.name):
            with os.scandir(entry.path) as inner:
                for item in sorted(inner, key=lambda e: e.name):
                    mode = item.stat(follow_symlinks=False).st_mode
                    if not stat.S_ISREG(mode) or not (
                        item.name.endswith(".json") or atomic.is_temp_name(item.name)
                    ):
                        raise foreign(f"{entry.name}/{item.name}", _kind(mode))
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


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "a symlink"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISREG(mode):
        return "a file"
    return "not a regular file"


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
        _fsync_folder(folder / account)
    return written


def _account_folder(path: Path) -> None:
    """An account folder the writer made: a real folder, never a symlink out of the
    snapshot (refused with SnapshotError naming it)."""
    with contextlib.suppress(FileExistsError):
        os.mkdir(path)
    mode = os.lstat(path).st_mode
    if not stat.S_ISDIR(mode):
        raise SnapshotError(
            f"{path}: {_kind(mode)}, not a folder: not writing the snapshot through it"
        )


def _kept_names() -> set[str]:
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


def _carry_kept_files(real: Path, new: Path) -> None:
    """The older folder's kept files (:func:`_kept_names`), into the new folder: hard links
    (the same files, whatever happens to either folder), copies where links fail."""
    if not real.is_dir():
        return
    for name in sorted(_kept_names()):
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
    if exchange_paths(new, real):
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


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def exchange_paths(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2(RENAME_EXCHANGE)``); False where that
    is not available (another OS or C library, an old kernel, a file system without it)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
    renameat2.argtypes += [ctypes.c_uint]
    renameat2.restype = ctypes.c_int
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _remove_unlisted(real: Path, accounts: set[str], listed: set[str]) -> None:
    """Everything in ``real`` but the ``listed`` files, the ``accounts``' folders and the
    kept files (check_replaceable allowed nothing but a snapshot's entries)."""
    kept = _kept_names()
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
            _check_snapshot_content(Path(entry.path), Path(entry.path), need_manifest=False)
            shutil.rmtree(entry.path)
        except (OSError, SnapshotError):
            continue


def _fsync_folder(path: Path) -> None:
    """Make a folder's entries durable (where the OS and file system allow)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


# -- reading ------------------------------------------------------------------------------


def read_scan(root: Path) -> Scan:
    """The snapshot at ``root``: exactly the files its manifest lists, each checked against
    its size and SHA-256 there (SnapshotError naming the file if one is missing or differs);
    anything else in the folder is ignored."""
    root = Path(root)
    manifest = read_manifest(root)
    documents: dict[tuple[str, str], dict[str, Any]] = {}
    local: dict[str, Any] | None = None
    for entry in manifest["files"]:
        relative = str(entry["path"])
        doc = read_listed(root, entry)[1]  # the bytes let go at once
        if relative == LOCAL_FILE:
            local = doc
            continue
        account, region = relative.removesuffix(".json").split("/")
        documents[(account, region)] = doc
    return Scan(root=root, manifest=manifest, documents=documents, local=local)


def read_manifest(root: Path) -> dict[str, Any]:
    """The manifest of the snapshot at ``root``, checked as :func:`read_scan` checks it
    (kind, schema version and schema; the account folders it names exist; each file it
    lists once, and only files of its accounts), without reading the files it lists."""
    root = Path(root)
    if not root.is_dir():
        raise SnapshotError(f"{root}: no such snapshot directory (run 'regionready collect' first)")
    manifest_path = root / MANIFEST_FILE
    if not os.path.lexists(manifest_path):
        raise SnapshotError(
            f"{root}: no manifest.json: not a regionready snapshot, "
            "or its collection did not finish"
        )
    manifest = load_json(manifest_path, within=root)
    if not isinstance(manifest, dict) or manifest.get("kind") != MANIFEST_KIND:
        raise SnapshotError(f"{manifest_path}: not a regionready manifest (kind is missing)")
    version = manifest.get("schema_version")
    if version == 1 and not isinstance(version, bool):
        raise SnapshotError(
            f"{manifest_path}: a snapshot written by an earlier regionready (manifest "
            "schema_version 1, which does not list the snapshot's files): collect it again "
            "with this version"
        )
    if version != MANIFEST_SCHEMA_VERSION or isinstance(version, bool):
        raise SnapshotError(
            f"{manifest_path}: manifest schema_version {version!r} is not supported "
            f"(this regionready reads version {MANIFEST_SCHEMA_VERSION})"
        )
    _validate(manifest_path, manifest, "manifest.schema.json")
    accounts = [str(a) for a in manifest["accounts"]]
    for account in accounts:
        folder = root / account
        if not folder.is_dir():
            raise SnapshotError(f"{folder}: account folder named in the manifest is missing")
    seen: set[str] = set()
    for entry in manifest["files"]:
        relative = str(entry["path"])
        if relative in seen:
            raise SnapshotError(f"{manifest_path}: lists {relative} twice")
        seen.add(relative)
        if relative != LOCAL_FILE and relative.split("/")[0] not in accounts:
            raise SnapshotError(
                f"{manifest_path}: lists {relative}, a file of an account not in its accounts"
            )
    return manifest


def read_listed(root: Path, entry: dict[str, Any]) -> tuple[bytes, dict[str, Any]]:
    """One file a snapshot's manifest lists (``entry``, of :func:`read_manifest`), checked
    as :func:`read_scan` checks it: its size and SHA-256 against the entry, UTF-8 JSON, a
    snapshot document (an account file of the account and Region of its name); its bytes
    and its document."""
    relative = str(entry["path"])
    path = root / relative
    data = _listed_bytes(root, path, entry)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SnapshotError(f"{path}: not UTF-8 text (byte {exc.start})") from exc
    doc = _account_document(path, parse_json(path, text, SnapshotError))
    del text
    if relative != LOCAL_FILE:
        account, region = relative.removesuffix(".json").split("/")
        if doc["account"] != account or doc["region"] != region:
            raise SnapshotError(
                f"{path}: holds account {doc['account']} Region {doc['region']}, "
                f"which does not match its file name"
            )
    return data, doc


def _listed_bytes(root: Path, path: Path, entry: dict[str, Any]) -> bytes:
    """A file the manifest lists, if it is still the file that was written."""
    size, digest = int(entry["size"]), str(entry["sha256"])
    stale = "the file changed after the snapshot was written (collect it again)"
    with contextlib.suppress(OSError):  # a larger file is refused before it is read
        info = os.stat(path)
        if stat.S_ISREG(info.st_mode) and info.st_size != size:
            raise SnapshotError(
                f"{path}: size {info.st_size} bytes, but the manifest lists {size}: {stale}"
            )
    try:
        data = inputfile.read_bytes(path, "snapshot", within=root)
    except inputfile.InputFileError as exc:
        if not os.path.lexists(path):
            raise SnapshotError(
                f"{path}: missing, but listed in the manifest: the snapshot is incomplete "
                "(collect it again)"
            ) from exc
        raise SnapshotError(str(exc)) from exc
    if len(data) != size:
        raise SnapshotError(
            f"{path}: size {len(data)} bytes, but the manifest lists {size}: {stale}"
        )
    if hashlib.sha256(data).hexdigest() != digest:
        raise SnapshotError(f"{path}: SHA-256 digest differs from the manifest's: {stale}")
    return data
