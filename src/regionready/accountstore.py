"""A snapshot read one account at a time, so judging an organisation holds one account's
snapshot in memory, never the whole organisation's.

:func:`open_scan` checks the manifest and that every file it lists is there with its
size (a snapshot missing a file is refused before anything is judged, as by
:func:`regionready.snapshot_manifest.read_scan`), then gives a :class:`~regionready.snapshot.Scan`
whose ``documents`` load an account's files when one of them is first asked for, letting
the previous account's go. The engine judges accounts one after the other, so each
account is read once. Each file is still checked against its size and SHA-256 when it is
read (:func:`regionready.snapshot_manifest.read_listed`): a file changed since :func:`open_scan` is
a :class:`~regionready.snapshot.SnapshotError` naming it, never a silent pass.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from regionready.snapshot import (
    LOCAL_FILE,
    Scan,
    SnapshotError,
)
from regionready.snapshot_manifest import read_listed, read_manifest

Key = tuple[str, str]


class Document(dict[str, Any]):
    """An account file's document: a dict that can be watched with :mod:`weakref` (a test
    checks that no account's documents outlive the judging of that account)."""

    __slots__ = ("__weakref__",)


class AccountDocuments(Mapping[Key, dict[str, Any]]):
    """The account files of a snapshot by (account, Region), one account loaded at a
    time. ``loads`` lists the accounts in the order they were read."""

    def __init__(self, root: Path, entries: dict[Key, dict[str, Any]]) -> None:
        self._root = root
        self._entries = entries
        self._account: str | None = None
        self._loaded: dict[Key, dict[str, Any]] = {}
        self.loads: list[str] = []

    def __getitem__(self, key: Key) -> dict[str, Any]:
        if key not in self._entries:
            raise KeyError(key)
        if key[0] != self._account:
            self._load(key[0])
        return self._loaded[key]

    def __iter__(self) -> Iterator[Key]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    @property
    def resident(self) -> list[str]:
        """The accounts whose documents are held now (at most one)."""
        return [self._account] if self._account is not None else []

    def _load(self, account: str) -> None:
        self._loaded, self._account = {}, None  # the previous account goes first
        self._loaded = {
            key: Document(read_listed(self._root, entry)[1])
            for key, entry in self._entries.items()
            if key[0] == account
        }
        self._account = account
        self.loads.append(account)


def open_scan(root: Path) -> Scan:
    """The snapshot at ``root``, its account files read one account at a time (see the
    module docstring); ``local.json`` is read at once."""
    root = Path(root)
    manifest = read_manifest(root)
    entries: dict[Key, dict[str, Any]] = {}
    local: dict[str, Any] | None = None
    for entry in manifest["files"]:
        relative = str(entry["path"])
        _check_present(root / relative, int(entry["size"]))
        if relative == LOCAL_FILE:
            local = read_listed(root, entry)[1]
            continue
        account, region = relative.removesuffix(".json").split("/")
        entries[(account, region)] = entry
    return Scan(
        root=root, manifest=manifest, documents=AccountDocuments(root, entries), local=local
    )


def _check_present(path: Path, size: int) -> None:
    """A listed file that is missing or of another size is refused now, before any
    account is judged (its content is checked when it is read)."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        raise SnapshotError(
            f"{path}: missing, but listed in the manifest: the snapshot is incomplete "
            "(collect it again)"
        ) from None
    except OSError as exc:
        raise SnapshotError(f"{path}: cannot be read: {exc.strerror or exc}") from exc
    if stat.S_ISREG(info.st_mode) and info.st_size != size:
        raise SnapshotError(
            f"{path}: size {info.st_size} bytes, but the manifest lists {size}: the file "
            "changed after the snapshot was written (collect it again)"
        )
