"""The manifest: what a snapshot lists, and reading a snapshot folder exactly through it.

:func:`manifest_document` builds a manifest's fields (all but ``files``, which
:mod:`regionready.snapshot_write` adds as it writes). :func:`read_scan` reads exactly the
files the manifest lists, each checked against its size and SHA-256 there, through
:mod:`regionready.inputfile`; :func:`read_manifest` and :func:`read_listed` are its two
halves, for readers that take a snapshot a file at a time. The documents themselves (their
kinds, schemas and :class:`~regionready.snapshot.Scan`) are :mod:`regionready.snapshot`'s.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
from pathlib import Path
from typing import Any

from regionready import inputfile, topology
from regionready.snapshot import (
    LOCAL_FILE,
    MANIFEST_FILE,
    MANIFEST_KIND,
    MANIFEST_SCHEMA_VERSION,
    Scan,
    SnapshotError,
    account_document,
    load_json,
    parse_json,
    validate,
)
from regionready.topology import Pair


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
    validate(manifest_path, manifest, "manifest.schema.json")
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
    doc = account_document(path, parse_json(path, text, SnapshotError))
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
