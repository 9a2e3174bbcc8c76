"""``regionready merge``: join snapshot shards (a CI matrix of ``--shard i/N``) into one.

The merge streams: it holds the shards' manifests, never their files. First every
shard's manifest is read and checked (:func:`regionready.snapshot_manifest.read_manifest`: kind,
schema, the files it lists), the shards are checked against each other (the same Region
pairs, no account in two shards) and the merged manifest is computed; then each listed
file is copied, shard by shard (:func:`regionready.snapshot_write.copy_scan`: read, checked
against its size and SHA-256 and as a snapshot document, written, let go), so at most one
file's bytes are in memory at a time, however many shards there are. The merged manifest
is written last, and the new folder is swapped in whole as ``write_scan`` does it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from regionready import snapshot_manifest, snapshot_write, topology
from regionready.snapshot import LOCAL_FILE, SnapshotError


@dataclass(frozen=True)
class _Shard:
    root: Path
    #: The entries of the files its manifest lists (path, size, sha256).
    files: list[dict[str, Any]]


def merge_scans(out: Path, shards: list[Path]) -> dict[str, Any]:
    """Write one scan from several; the shards must share their Region pairs (those of
    the command line: an account's own pairs travel with it) and not overlap.

    Every shard's manifest is read and checked before anything is written; then the
    files are copied one at a time (each checked as ``read_scan`` checks it), so ``out``
    may be one of the shards. ``local.json`` is the first shard's (the others' are
    checked, not copied). The merged manifest lists the merged files, and is returned."""
    if not shards:
        raise SnapshotError("merge needs at least one snapshot directory")
    first: dict[str, Any] | None = None
    listed: list[_Shard] = []
    owner: dict[str, Path] = {}
    services: set[str] = set()
    api_calls: dict[str, int] = {}
    account_regions: dict[str, Any] = {}
    started: list[str] = []
    finished: list[str] = []
    for root in (Path(path) for path in shards):
        manifest = snapshot_manifest.read_manifest(root)
        if first is None:
            first = manifest
        if _pairs(manifest) != _pairs(first):
            raise SnapshotError(
                f"{root}: Region pairs {_pairs(manifest)} differ from {listed[0].root}'s "
                f"({_pairs(first)})"
            )
        for account in (str(a) for a in manifest["accounts"]):
            if account in owner:
                raise SnapshotError(
                    f"{root}: account {account} is also in {owner[account]}: "
                    "shards must not overlap"
                )
            owner[account] = root
        services.update(manifest.get("services", []))
        for name, count in (manifest.get("api_calls") or {}).items():
            api_calls[name] = api_calls.get(name, 0) + int(count)
        account_regions.update(manifest.get("account_regions") or {})
        started.append(str(manifest["started_at"]))
        finished.append(str(manifest["finished_at"]))
        listed.append(_Shard(root, list(manifest["files"])))  # of the rest, only this
    assert first is not None
    # The other shards' local.json is checked (as read_scan would), not copied; checked
    # before anything is written, as ``out`` may be one of those shards.
    for shard in listed[1:]:
        for entry in shard.files:
            if entry["path"] == LOCAL_FILE:
                snapshot_manifest.read_listed(shard.root, entry)
    merged = dict(first)
    merged.pop("files", None)  # copy_scan lists the merged snapshot's own files
    merged.update(
        {
            "accounts": sorted(owner),
            "services": sorted(services),
            "api_calls": dict(sorted(api_calls.items())),
            "started_at": min(started),
            "finished_at": max(finished),
            "merged_from": len(listed),
        }
    )
    if account_regions:
        merged["account_regions"] = dict(sorted(account_regions.items()))
    return snapshot_write.copy_scan(out, merged, _files(listed))


def _files(shards: list[_Shard]) -> Iterator[tuple[Path, dict[str, Any]]]:
    """Each file to copy, shard by shard: every account file, and the first shard's
    local.json."""
    for index, shard in enumerate(shards):
        for entry in shard.files:
            if entry["path"] != LOCAL_FILE or index == 0:
                yield shard.root, entry


def _pairs(manifest: dict[str, Any]) -> str:
    """The manifest's pairs of the command line, as a person reads them."""
    listed = manifest.get("pairs") or [
        {"source": manifest["source_region"], "target": manifest["target_region"]}
    ]
    return ", ".join(str(pair) for pair in topology.from_list(listed))
