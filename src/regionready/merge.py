"""``regionready merge``: join snapshot shards (a CI matrix of ``--shard i/N``) into one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from regionready import topology
from regionready.snapshot import Scan, SnapshotError, read_scan, write_scan


def merge_scans(out: Path, shards: list[Path]) -> dict[str, Any]:
    """Write one scan from several; the shards must share their Region pairs (those of
    the command line: an account's own pairs travel with it) and not overlap.

    Each shard is read (and checked against its manifest) whole before anything is
    written, so ``out`` may be one of the shards; the merged manifest lists the merged
    files (``write_scan``), and is returned."""
    if not shards:
        raise SnapshotError("merge needs at least one snapshot directory")
    scans = [read_scan(path) for path in shards]
    first = scans[0]
    documents: dict[tuple[str, str], dict[str, Any]] = {}
    owner: dict[str, Path] = {}
    services: set[str] = set()
    api_calls: dict[str, int] = {}
    account_regions: dict[str, Any] = {}
    for scan in scans:
        if _pairs(scan) != _pairs(first):
            raise SnapshotError(
                f"{scan.root}: Region pairs {_pairs(scan)} differ from {first.root}'s "
                f"({_pairs(first)})"
            )
        for account in scan.accounts:
            if account in owner:
                raise SnapshotError(
                    f"{scan.root}: account {account} is also in {owner[account]}: "
                    "shards must not overlap"
                )
            owner[account] = scan.root
        documents.update(scan.documents)
        services.update(scan.manifest.get("services", []))
        for name, count in (scan.manifest.get("api_calls") or {}).items():
            api_calls[name] = api_calls.get(name, 0) + int(count)
        account_regions.update(scan.manifest.get("account_regions") or {})
    manifest = dict(first.manifest)
    manifest.pop("files", None)  # write_scan lists the merged snapshot's own files
    manifest.update(
        {
            "accounts": sorted(owner),
            "services": sorted(services),
            "api_calls": dict(sorted(api_calls.items())),
            "started_at": min(s.manifest["started_at"] for s in scans),
            "finished_at": max(s.manifest["finished_at"] for s in scans),
            "merged_from": len(scans),
        }
    )
    if account_regions:
        manifest["account_regions"] = dict(sorted(account_regions.items()))
    return write_scan(out, manifest, documents, first.local)


def _pairs(scan: Scan) -> str:
    """The scan's pairs of the command line, as a person reads them."""
    listed = scan.manifest.get("pairs") or [
        {"source": scan.source_region, "target": scan.target_region}
    ]
    return ", ".join(str(pair) for pair in topology.from_list(listed))
