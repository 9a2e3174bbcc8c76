"""``regionready merge`` streams: the shards' files are copied one at a time (never all
of them in memory), each checked as ``read_scan`` checks it, and the merged folder is
swapped in whole, as ``write_scan`` swaps a snapshot in."""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from regionready import inputfile, snapshot, snapshot_manifest, snapshot_write
from regionready.cli import main
from regionready.merge import merge_scans
from regionready.snapshot import ServiceData, SnapshotError

SOURCE = "me-central-1"
TARGET = "eu-central-1"
SHARDS = 4
ACCOUNTS_PER_SHARD = 3
ALL_ACCOUNTS = [f"{n:012d}" for n in range(100000000001, 100000000001 + SHARDS * 3)]


def _doc(account: str, region: str) -> dict[str, Any]:
    # About 20 KB each, so a file is a noticeable thing to hold.
    certificates = [
        {"CertificateArn": f"arn:aws:acm:{region}:{account}:certificate/{i:04d}", "N": "x" * 100}
        for i in range(120)
    ]
    data = ServiceData(
        id_fields={"certificate": "CertificateArn"}, resources={"certificate": certificates}
    )
    return snapshot.region_document(account, region, {"acm": data}, "2026-11-23T10:00:00Z")


def _local(marker: str) -> dict[str, Any]:
    return snapshot.region_document("local", "local", {}, f"2026-11-23T10:00:0{marker}Z")


def write_shard(
    root: Path, accounts: list[str], index: int, regions: tuple[str, str] = (SOURCE, TARGET)
) -> None:
    documents = {
        (account, region): _doc(account, region)
        for account in accounts
        for region in (*regions, "global")
    }
    manifest = snapshot_manifest.manifest_document(
        source_region=regions[0],
        target_region=regions[1],
        accounts=accounts,
        tool_version="test",
        rules_version="test",
        started_at=f"2026-11-23T10:0{index}:00Z",
        finished_at=f"2026-11-23T10:0{index}:30Z",
        services=["acm"],
        api_calls={"acm": 2 + index},
    )
    snapshot_write.write_scan(root, manifest, documents, _local(str(index)))


@pytest.fixture
def shards(tmp_path: Path) -> list[Path]:
    roots = []
    for index in range(SHARDS):
        root = tmp_path / f"shard-{index + 1}"
        accounts = ALL_ACCOUNTS[index * ACCOUNTS_PER_SHARD : (index + 1) * ACCOUNTS_PER_SHARD]
        write_shard(root, accounts, index)
        roots.append(root)
    return roots


def tree(root: Path) -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            path = Path(dirpath, name)
            found[path.relative_to(root).as_posix()] = path.read_bytes()
    return found


def siblings(root: Path) -> list[str]:
    """Hidden folders a write left beside ``root`` (a new or an old snapshot)."""
    return sorted(p.name for p in root.parent.iterdir() if p.name.startswith(f".{root.name}."))


class Alive:
    """Which files' contents are alive: the bytes read, and the documents parsed from
    them (only those of account files and local.json, not the manifests)."""

    def __init__(self) -> None:
        self.count: Counter[str] = Counter()
        self.most = 0

    def born(self, path: str) -> None:
        self.count[path] += 1
        self.most = max(self.most, len(self.files()))

    def died(self, path: str) -> None:
        self.count[path] -= 1

    def files(self) -> set[str]:
        return {path for path, n in self.count.items() if n > 0}


ALIVE = Alive()


class Contents(bytes):
    """A file's bytes as read, alive until let go."""

    path: str

    def __del__(self) -> None:
        ALIVE.died(self.path)


class Document(dict[str, Any]):
    """A snapshot document parsed from a file, alive until let go."""

    path: str

    def __del__(self) -> None:
        ALIVE.died(self.path)


@dataclass
class Counted:
    reads: Counter[str]
    alive: Alive


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> Counted:
    """Every file read through inputfile (the one way a snapshot file is read) counted by
    path, and the files whose bytes or parsed document are alive tracked (Alive.most)."""
    ALIVE.count.clear()
    ALIVE.most = 0
    reads: Counter[str] = Counter()
    read_bytes, parse_json = inputfile.read_bytes, snapshot.parse_json

    def counted_read(path: Path, kind: str, within: Path | None = None) -> bytes:
        reads[str(path)] += 1
        data = Contents(read_bytes(path, kind, within))
        data.path = str(path)
        ALIVE.born(data.path)
        return data

    def counted_parse(path: Path, text: str, error: type[Exception]) -> Any:
        parsed = parse_json(path, text, error)
        if not isinstance(parsed, dict) or parsed.get("kind") != snapshot.SNAPSHOT_KIND:
            return parsed  # a manifest: the merge keeps what it lists
        doc = Document(parsed)
        doc.path = str(path)
        ALIVE.born(doc.path)
        return doc

    monkeypatch.setattr(inputfile, "read_bytes", counted_read)
    monkeypatch.setattr(snapshot, "parse_json", counted_parse)
    monkeypatch.setattr(snapshot_manifest, "parse_json", counted_parse)
    return Counted(reads, ALIVE)


def test_merge_holds_one_shard_file_at_a_time(
    shards: list[Path], tmp_path: Path, counted: Counted
) -> None:
    listed = {
        str(root / entry["path"]): entry
        for root in shards
        for entry in json.loads((root / "manifest.json").read_text())["files"]
    }
    assert len(listed) == SHARDS * (ACCOUNTS_PER_SHARD * 3 + 1)
    biggest = max(int(e["size"]) for e in listed.values())
    assert biggest > 10_000  # holding two at once would be a real cost

    manifest = merge_scans(tmp_path / "merged", shards)

    assert counted.alive.most == 1
    assert counted.alive.files() == set()
    # Each listed file of each shard read exactly once (the other shards' local.json too:
    # checked, not copied), and nothing else but the manifests.
    reads = counted.reads
    files_read = {path: n for path, n in reads.items() if not path.endswith("manifest.json")}
    assert files_read == dict.fromkeys(listed, 1)
    assert sorted(p for p in reads if p.endswith("manifest.json")) == sorted(
        str(root / "manifest.json") for root in shards
    )
    assert manifest["accounts"] == ALL_ACCOUNTS
    assert manifest["merged_from"] == SHARDS


def test_the_merged_snapshot_is_the_shards_files_and_reads_back(
    shards: list[Path], tmp_path: Path
) -> None:
    out = tmp_path / "merged"
    manifest = merge_scans(out, shards)
    merged = snapshot_manifest.read_scan(out)
    expected: dict[tuple[str, str], dict[str, Any]] = {}
    for root in shards:
        expected |= snapshot_manifest.read_scan(root).documents
    assert merged.documents == expected
    assert merged.local == snapshot_manifest.read_scan(shards[0]).local  # the first shard's
    assert merged.manifest == manifest
    assert manifest["started_at"] == "2026-11-23T10:00:00Z"
    assert manifest["finished_at"] == f"2026-11-23T10:0{SHARDS - 1}:30Z"
    assert manifest["api_calls"] == {"acm": sum(2 + i for i in range(SHARDS))}
    # The copies are byte for byte the shards' files, and listed with their digests.
    copied = tree(out)
    for root in shards:
        for relative, data in tree(root).items():
            if relative != "manifest.json" and (relative != "local.json" or root == shards[0]):
                assert copied[relative] == data, relative
    entries = {e["path"]: e for e in manifest["files"]}
    assert set(copied) == set(entries) | {"manifest.json"}
    assert siblings(out) == []


def test_a_changed_shard_file_is_refused_by_name_and_the_older_merge_is_kept(
    shards: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "merged"
    merge_scans(out, shards[:2])
    before = tree(out)
    changed = shards[2] / ALL_ACCOUNTS[2 * ACCOUNTS_PER_SHARD] / f"{TARGET}.json"
    data = bytearray(changed.read_bytes())
    data[200] ^= 1
    changed.write_bytes(bytes(data))

    code = main(["merge", *map(str, shards), "--out", str(out)])

    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1
    assert err == (
        f"regionready: error: {changed}: SHA-256 digest differs from the manifest's: the "
        "file changed after the snapshot was written (collect it again)\n"
    )
    assert tree(out) == before
    assert siblings(out) == []


def test_a_missing_shard_file_is_refused_as_read_scan_refuses_it(
    shards: list[Path], tmp_path: Path
) -> None:
    gone = shards[1] / ALL_ACCOUNTS[ACCOUNTS_PER_SHARD] / "global.json"
    gone.unlink()
    with pytest.raises(SnapshotError) as merging:
        merge_scans(tmp_path / "merged", shards)
    with pytest.raises(SnapshotError) as reading:
        snapshot_manifest.read_scan(shards[1])
    assert str(merging.value) == str(reading.value)
    assert "missing, but listed in the manifest" in str(merging.value)
    assert not (tmp_path / "merged").exists()
    assert siblings(tmp_path / "merged") == []


def test_another_shards_broken_local_file_is_refused_before_anything_is_written(
    shards: list[Path], tmp_path: Path, counted: Counted
) -> None:
    local = shards[3] / "local.json"
    local.write_bytes(local.read_bytes().replace(b"local", b"LOCAL", 1))
    with pytest.raises(SnapshotError, match=r"shard-4/local\.json: SHA-256 digest differs"):
        merge_scans(tmp_path / "merged", shards)
    assert not (tmp_path / "merged").exists()
    # Refused after the manifests, before any account file was read.
    assert all(p.endswith(("manifest.json", "local.json")) for p in counted.reads)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        pytest.param(
            lambda shards, tmp: write_shard(shards[2], [ALL_ACCOUNTS[0]], 2),
            "account {a0} is also in {s0}: shards must not overlap",
            id="overlap",
        ),
        pytest.param(
            lambda shards, tmp: write_shard(shards[2], ["999999999999"], 2, (SOURCE, "eu-west-1")),
            "Region pairs me-central-1 -> eu-west-1 differ from {s0}'s "
            "(me-central-1 -> eu-central-1)",
            id="pairs",
        ),
        pytest.param(
            lambda shards, tmp: (shards[2] / "manifest.json").unlink(),
            "no manifest.json: not a regionready snapshot, or its collection did not finish",
            id="no-manifest",
        ),
    ],
)
def test_shards_that_do_not_fit_are_refused_in_one_line_before_any_file_is_copied(
    shards: list[Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    counted: Counted,
    mutate: Any,
    message: str,
) -> None:
    mutate(shards, tmp_path)
    counted.reads.clear()
    out = tmp_path / "merged"
    code = main(["merge", *map(str, shards), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1
    assert err.startswith(f"regionready: error: {shards[2]}")
    assert message.format(a0=ALL_ACCOUNTS[0], s0=shards[0]) in err
    assert all(p.endswith("manifest.json") for p in counted.reads)
    assert not out.exists()


def test_merging_into_one_of_the_shards_replaces_it_whole(
    shards: list[Path], tmp_path: Path
) -> None:
    expected: dict[tuple[str, str], dict[str, Any]] = {}
    for root in shards:
        expected |= snapshot_manifest.read_scan(root).documents
    merge_scans(shards[1], shards)
    merged = snapshot_manifest.read_scan(shards[1])
    assert merged.documents == expected
    assert merged.accounts == ALL_ACCOUNTS
    assert merged.local == snapshot_manifest.read_scan(shards[0]).local
    assert siblings(shards[1]) == []


def test_merging_in_place_into_the_current_folder_that_is_a_shard(
    shards: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The current folder cannot be swapped: the merge is written in place, over the
    shard's own files, which are read before they are replaced."""
    expected: dict[tuple[str, str], dict[str, Any]] = {}
    for root in shards:
        expected |= snapshot_manifest.read_scan(root).documents
    first_local = snapshot_manifest.read_scan(shards[0]).local
    here = shards[2]
    (here / "regionready.json").write_text('{"results": []}')  # a report beside it: kept
    monkeypatch.chdir(here)
    others = [shards[0], shards[1], Path("."), shards[3]]
    manifest = merge_scans(Path("."), others)
    merged = snapshot_manifest.read_scan(here)
    assert merged.documents == expected
    assert merged.local == first_local
    listed = {e["path"] for e in manifest["files"]}
    assert set(tree(here)) == listed | {"manifest.json", "regionready.json"}


def test_a_merge_killed_part_way_leaves_the_older_snapshot_as_it_was(
    shards: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "merged"
    merge_scans(out, shards[:1])
    before = tree(out)
    original = snapshot_manifest.read_listed
    copied = 0

    def read_listed(root: Path, entry: dict[str, Any]) -> tuple[bytes, dict[str, Any]]:
        nonlocal copied
        copied += 1
        if copied == 7:  # part-way through the copying
            raise KeyboardInterrupt
        return original(root, entry)

    # Looked up in both: merge's check of the other shards' local.json, and the copying.
    monkeypatch.setattr(snapshot_manifest, "read_listed", read_listed)
    monkeypatch.setattr(snapshot_write, "read_listed", read_listed)
    with pytest.raises(KeyboardInterrupt):
        merge_scans(out, shards)
    assert copied == 7
    assert tree(out) == before
    assert siblings(out) == []
