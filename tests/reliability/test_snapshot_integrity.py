"""Issue 14, verdict fidelity: a snapshot is exactly the files its manifest lists.

The manifest, written last, lists every other file (path, size, SHA-256); ``read_scan``
reads those files and nothing else, refuses one that is missing or changed, and never
follows a symlink out of the snapshot or into a FIFO or device. ``write_scan`` replaces
an older snapshot as a whole (a new folder swapped in), so a reused ``--out`` never mixes
two runs and a run killed before the swap leaves the older snapshot intact. Temp files
of a killed atomic write are swept, and the audit log is never appended through a
symlink.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from regionready import atomic, remediation, snapshot, snapshot_manifest, snapshot_write
from regionready.merge import merge_scans
from regionready.snapshot import ServiceData, SnapshotError

ACCOUNT = "111122223333"
OTHER = "444455556666"
SOURCE = "me-central-1"
TARGET = "eu-central-1"
STALE = "eu-west-1"


# -- helpers ------------------------------------------------------------------------------


def _doc(account: str, region: str, marker: str = "1") -> dict[str, Any]:
    data = ServiceData(resources={"certificate": [{"Arn": f"arn-{marker}-{region}"}]})
    return snapshot.region_document(account, region, {"acm": data}, "2026-11-23T10:00:00Z")


def _manifest(regions: tuple[str, str], accounts: list[str], marker: str = "1") -> dict[str, Any]:
    return snapshot_manifest.manifest_document(
        source_region=regions[0],
        target_region=regions[1],
        accounts=accounts,
        tool_version="test",
        rules_version=marker,
        started_at="2026-11-23T10:00:00Z",
        finished_at="2026-11-23T10:00:01Z",
        services=["acm"],
        api_calls={"acm": 1},
    )


def write(
    root: Path,
    regions: tuple[str, str] = (SOURCE, TARGET),
    *,
    marker: str = "1",
    accounts: tuple[str, ...] = (ACCOUNT,),
    global_file: bool = True,
) -> dict[str, Any]:
    documents = {}
    for account in accounts:
        for region in (*regions, *(["global"] if global_file else [])):
            documents[(account, region)] = _doc(account, region, marker)
    return snapshot_write.write_scan(root, _manifest(regions, list(accounts), marker), documents)


def files(root: Path) -> dict[str, bytes]:
    """Every entry under ``root`` (hidden ones too), as relative POSIX path -> bytes."""
    found: dict[str, bytes] = {}
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            path = Path(dirpath) / name
            found[path.relative_to(root).as_posix()] = path.read_bytes()
    return found


def siblings(root: Path) -> list[str]:
    """Entries beside ``root`` that a write_scan of ``root`` made (new/old folders)."""
    return sorted(p.name for p in root.parent.iterdir() if p.name.startswith(f".{root.name}."))


def bounded(call: Callable[[], Any], seconds: float = 20) -> Any:
    """``call()`` in a thread: its result, or its exception re-raised; a call still running
    after ``seconds`` fails the test instead of hanging it."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = call()
        except BaseException as exc:  # handed to the test thread
            outcome["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s: a hang"
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    path = tmp_path / "snap"
    write(path)
    return path


# -- the manifest lists the snapshot's files ----------------------------------------------


def test_the_manifest_lists_every_file_with_its_size_and_digest(root: Path) -> None:
    import hashlib

    manifest = json.loads((root / "manifest.json").read_text())
    assert manifest["schema_version"] == snapshot.MANIFEST_SCHEMA_VERSION == 2
    on_disk = files(root)
    del on_disk["manifest.json"]
    assert [e["path"] for e in manifest["files"]] == sorted(on_disk)
    for entry in manifest["files"]:
        data = on_disk[entry["path"]]
        assert entry["size"] == len(data)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
    assert snapshot.schema("manifest.schema.json")["properties"]["files"]


def test_a_stale_region_file_left_by_an_earlier_collect_is_ignored(root: Path) -> None:
    atomic.write_json(root / ACCOUNT / f"{STALE}.json", _doc(ACCOUNT, STALE, "old"))
    atomic.write_json(root / OTHER / "global.json", _doc(OTHER, "global", "old"))
    scan = snapshot_manifest.read_scan(root)
    assert sorted(scan.documents) == [(ACCOUNT, TARGET), (ACCOUNT, "global"), (ACCOUNT, SOURCE)]


def test_a_global_file_the_manifest_does_not_list_is_ignored(tmp_path: Path) -> None:
    root = tmp_path / "snap"
    write(root, global_file=False)
    atomic.write_json(root / ACCOUNT / "global.json", _doc(ACCOUNT, "global", "old"))
    assert (ACCOUNT, "global") not in snapshot_manifest.read_scan(root).documents


def _flip_one_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    at = data.index(b"arn-1")
    data[at + 4] = ord("2")  # still valid JSON, still the same size
    path.write_bytes(bytes(data))


def test_a_listed_file_changed_by_one_byte_is_refused(root: Path) -> None:
    path = root / ACCOUNT / f"{TARGET}.json"
    _flip_one_byte(path)
    with pytest.raises(SnapshotError) as caught:
        snapshot_manifest.read_scan(root)
    message = str(caught.value)
    assert str(path) in message and "SHA-256" in message and "\n" not in message


def test_a_listed_file_of_another_size_is_refused(root: Path) -> None:
    path = root / ACCOUNT / f"{SOURCE}.json"
    path.write_bytes(path.read_bytes() + b" ")
    with pytest.raises(SnapshotError, match=r"size .* but the manifest lists") as caught:
        snapshot_manifest.read_scan(root)
    assert str(path) in str(caught.value)


def test_a_listed_file_that_is_missing_is_refused(root: Path) -> None:
    path = root / ACCOUNT / f"{TARGET}.json"
    path.unlink()
    with pytest.raises(SnapshotError, match="missing") as caught:
        snapshot_manifest.read_scan(root)
    assert str(path) in str(caught.value)


def test_a_changed_file_is_a_one_line_usage_error_through_the_cli(root: Path) -> None:
    from ._support import assert_clean_usage_error, run

    path = root / ACCOUNT / f"{TARGET}.json"
    _flip_one_byte(path)
    assert_clean_usage_error(run("evaluate", root, "--now", "2026-11-23T00:00:00Z"), path)


def test_a_version_1_snapshot_is_refused_with_a_request_to_collect_again(root: Path) -> None:
    manifest = json.loads((root / "manifest.json").read_text())
    manifest["schema_version"] = 1
    del manifest["files"]
    atomic.write_json(root / "manifest.json", manifest)
    with pytest.raises(SnapshotError, match="collect it again"):
        snapshot_manifest.read_scan(root)


def test_a_manifest_without_its_file_list_is_refused(root: Path) -> None:
    manifest = json.loads((root / "manifest.json").read_text())
    del manifest["files"]
    atomic.write_json(root / "manifest.json", manifest)
    with pytest.raises(SnapshotError, match="files"):
        snapshot_manifest.read_scan(root)


# -- a reused folder never mixes two runs -------------------------------------------------


def test_a_collect_killed_before_its_manifest_leaves_the_old_snapshot_refused_or_intact(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = files(root)
    # As the old writer did: the new Region files in place, no new manifest.
    atomic.write_json(root / ACCOUNT / f"{TARGET}.json", _doc(ACCOUNT, TARGET, "2"))
    with pytest.raises(SnapshotError, match=r"SHA-256|size"):
        snapshot_manifest.read_scan(root)
    atomic.write_json(root / ACCOUNT / f"{TARGET}.json", _doc(ACCOUNT, TARGET, "1"))
    assert files(root) == before

    # The writer itself, killed just before it writes the manifest.
    real = atomic.write_json

    def killed(path: Any, data: Any) -> Path:
        if Path(path).name == "manifest.json":
            raise KeyboardInterrupt
        return real(path, data)

    monkeypatch.setattr(atomic, "write_json", killed)
    with pytest.raises(KeyboardInterrupt):
        write(root, (STALE, TARGET), marker="2")
    monkeypatch.undo()
    assert files(root) == before, "the older snapshot was changed"
    assert siblings(root) == [], "the unfinished new folder was left behind"
    assert snapshot_manifest.read_scan(root).manifest["rules_version"] == "1"


def test_writing_twice_with_other_regions_leaves_only_the_second_runs_files(root: Path) -> None:
    (root / ACCOUNT / f".{SOURCE}.json.abcd1234.tmp").write_text("left by a killed run")
    manifest = write(root, (STALE, TARGET), marker="2", global_file=False)
    listed = {e["path"] for e in manifest["files"]}
    assert listed == {f"{ACCOUNT}/{STALE}.json", f"{ACCOUNT}/{TARGET}.json"}
    assert set(files(root)) == listed | {"manifest.json"}
    assert siblings(root) == []
    scan = snapshot_manifest.read_scan(root)
    assert sorted(scan.documents) == [(ACCOUNT, TARGET), (ACCOUNT, STALE)]
    assert scan.manifest["rules_version"] == "2"


def test_without_an_atomic_exchange_two_renames_still_replace_the_whole_folder(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(atomic, "exchange_paths", lambda a, b: False)
    write(root, (STALE, TARGET), marker="2", global_file=False)
    assert sorted(snapshot_manifest.read_scan(root).documents) == [
        (ACCOUNT, TARGET),
        (ACCOUNT, STALE),
    ]
    assert not (root / ACCOUNT / "global.json").exists()
    assert siblings(root) == []


def test_the_current_folder_is_rewritten_in_place_without_mixing(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(root)
    write(Path("."), (STALE, TARGET), marker="2", global_file=False)
    assert set(files(root)) == {
        "manifest.json",
        f"{ACCOUNT}/{STALE}.json",
        f"{ACCOUNT}/{TARGET}.json",
    }
    assert snapshot_manifest.read_scan(root).manifest["rules_version"] == "2"


def test_a_folder_that_is_not_a_snapshot_is_refused_and_left_alone(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me")
    with pytest.raises(SnapshotError, match=r"notes\.txt"):
        write(folder)
    assert files(folder) == {"notes.txt": b"keep me"}
    assert siblings(folder) == []


def test_a_snapshot_with_a_foreign_file_beside_it_is_refused_and_left_alone(root: Path) -> None:
    (root / "notes.txt").write_text("mine")
    (root / ACCOUNT / "notes.json").write_text("{}")
    before = files(root)
    with pytest.raises(SnapshotError, match=r"notes\.(txt|json)"):
        write(root, marker="2")
    assert files(root) == before
    assert siblings(root) == []


def test_regionready_files_beside_the_snapshot_are_kept_when_it_is_replaced(root: Path) -> None:
    """The remediation audit log, and the reports of an ``evaluate --out`` into the
    snapshot folder: carried over (the same files), never deleted with the older folder."""
    log = root / snapshot.AUDIT_LOG
    atomic.append_line(log, '{"n": 1}')
    report = root / "regionready.json"
    report.write_text('{"results": []}')
    inode = report.stat().st_ino
    write(root, marker="2")
    assert log.read_text() == '{"n": 1}\n'
    assert report.read_text() == '{"results": []}' and report.stat().st_ino == inode
    assert snapshot_manifest.read_scan(root).manifest["rules_version"] == "2"


def test_a_folder_holding_only_reports_takes_a_snapshot_and_keeps_them(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "regionready.sarif").write_text("{}")
    write(folder)
    assert (folder / "regionready.sarif").read_text() == "{}"
    assert len(snapshot_manifest.read_scan(folder).documents) == 3


def test_a_symlinked_root_is_followed_and_kept(tmp_path: Path) -> None:
    real = tmp_path / "real"
    write(real)
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    write(link, (STALE, TARGET), marker="2")
    assert link.is_symlink()
    documents = snapshot_manifest.read_scan(link).documents
    assert (ACCOUNT, STALE) in documents and (ACCOUNT, SOURCE) not in documents
    assert siblings(real) == []


def test_merging_shards_lists_the_merged_files(tmp_path: Path) -> None:
    write(tmp_path / "a", accounts=(ACCOUNT,))
    write(tmp_path / "b", accounts=(OTHER,))
    manifest = merge_scans(tmp_path / "m", [tmp_path / "a", tmp_path / "b"])
    assert {e["path"] for e in manifest["files"]} == {
        f"{account}/{region}.json"
        for account in (ACCOUNT, OTHER)
        for region in (SOURCE, TARGET, "global")
    }
    assert len(snapshot_manifest.read_scan(tmp_path / "m").documents) == 6
    merge_scans(tmp_path / "a", [tmp_path / "a", tmp_path / "b"])  # into one of the shards
    assert snapshot_manifest.read_scan(tmp_path / "a").accounts == sorted([ACCOUNT, OTHER])


def test_collecting_twice_into_one_folder_keeps_only_the_second_collect(
    seeded: Any, hooked_sessions: Any, tmp_path: Path
) -> None:
    from regionready.cli import main

    out = tmp_path / "scan"
    base = ["collect", "--target", TARGET, "--services", "acm", "--quiet", "--out", str(out)]
    assert main([*base, "--source", SOURCE]) == 0
    account = json.loads((out / "manifest.json").read_text())["accounts"][0]
    assert (out / account / f"{SOURCE}.json").is_file()
    assert main([*base, "--source", STALE]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["source_region"] == STALE
    assert set(files(out)) == {"manifest.json"} | {e["path"] for e in manifest["files"]}
    assert not (out / account / f"{SOURCE}.json").exists()
    assert siblings(out) == []


# -- symlinks, FIFOs and devices ----------------------------------------------------------


def test_a_symlinked_account_folder_that_leads_outside_is_refused_when_read(
    root: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    (root / ACCOUNT).rename(outside)
    (root / ACCOUNT).symlink_to(outside, target_is_directory=True)
    with pytest.raises(SnapshotError, match="outside") as caught:
        snapshot_manifest.read_scan(root)
    assert ACCOUNT in str(caught.value)


def test_a_symlinked_account_folder_is_never_written_through(tmp_path: Path) -> None:
    root = tmp_path / "snap"
    root.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / ACCOUNT).symlink_to(outside, target_is_directory=True)
    with pytest.raises(SnapshotError) as caught:
        write(root)
    assert str(root / ACCOUNT) in str(caught.value) and "symlink" in str(caught.value)
    assert list(outside.iterdir()) == []
    assert siblings(root) == []


def test_a_symlinked_file_that_leads_outside_is_refused(root: Path, tmp_path: Path) -> None:
    path = root / ACCOUNT / f"{TARGET}.json"
    moved = tmp_path / "elsewhere.json"
    path.rename(moved)
    path.symlink_to(moved)
    with pytest.raises(SnapshotError, match="outside"):
        snapshot_manifest.read_scan(root)


@contextlib.contextmanager
def _fifo(path: Path) -> Iterator[Path]:
    """A FIFO at ``path``; a reader or writer still blocked on it at the end is released."""
    os.mkfifo(path)
    try:
        yield path
    finally:
        for flags in (os.O_WRONLY, os.O_RDONLY):
            with contextlib.suppress(OSError):
                os.close(os.open(path, flags | os.O_NONBLOCK))


def test_a_fifo_as_a_snapshot_file_is_refused_without_hanging(root: Path) -> None:
    path = root / ACCOUNT / f"{TARGET}.json"
    path.unlink()
    with _fifo(path), pytest.raises(SnapshotError, match="FIFO") as caught:
        bounded(lambda: snapshot_manifest.read_scan(root))
    assert str(path) in str(caught.value)
    with _fifo(root / "fifo.json"), pytest.raises(SnapshotError, match="FIFO"):
        bounded(lambda: snapshot.load_json(root / "fifo.json"))


def test_dev_zero_as_a_snapshot_file_is_refused_without_eating_memory(root: Path) -> None:
    """In a child process whose memory is capped: the old reader read /dev/zero until the
    machine ran out of memory."""
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    path = root / ACCOUNT / f"{TARGET}.json"
    path.unlink()
    path.symlink_to("/dev/zero")
    code = textwrap.dedent(
        f"""
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (1 << 31, 1 << 31))
        from pathlib import Path
        from regionready import snapshot, snapshot_manifest
        for call in (lambda: snapshot_manifest.read_scan(Path({str(root)!r})),
                     lambda: snapshot.load_json(Path({str(path)!r}))):
            try:
                call()
                print("accepted")
            except snapshot.SnapshotError as exc:
                print("refused:", exc)
        """
    )
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert len(lines) == 2 and all(line.startswith("refused:") for line in lines), done.stdout
    assert "outside" in lines[0] and str(path) in lines[0]
    assert "device" in lines[1]
    assert time.monotonic() - started < 60


# -- temp files of killed writes ----------------------------------------------------------


def _aged(path: Path, seconds: float) -> Path:
    stamp = time.time() - seconds
    os.utime(path, (stamp, stamp), follow_symlinks=False)
    return path


def test_stale_temp_files_of_the_target_are_swept_and_nothing_else(tmp_path: Path) -> None:
    hour = atomic.STALE_TEMP_SECONDS
    stale = tmp_path / ".regionready.json.abcd1234.tmp"
    stale.write_text("x")
    _aged(stale, hour + 60)
    kept = {
        # a write that may still be running
        ".regionready.json.fresh_12.tmp": 0,
        # another target's temp file: that target's own write sweeps it
        ".regionready.sarif.abcd1234.tmp": hour + 60,
        # not this module's pattern
        ".regionready.json.backup.tmp": hour + 60,
        "regionready.json.abcd1234.tmp": hour + 60,
    }
    for name, age in kept.items():
        (tmp_path / name).write_text("x")
        _aged(tmp_path / name, age)
    outside = tmp_path / "outside"
    outside.write_text("keep")
    link = tmp_path / ".regionready.json.link1234.tmp"
    link.symlink_to(outside)
    _aged(link, hour + 60)

    atomic.write_json(tmp_path / "regionready.json", {"a": 1})

    assert not stale.exists()
    for name in kept:
        assert (tmp_path / name).exists(), name
    assert link.is_symlink() and outside.read_text() == "keep"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [*kept, "outside", link.name, "regionready.json"]
    )


def test_folders_left_by_a_killed_write_scan_are_swept_after_an_hour(root: Path) -> None:
    old = root.parent / f".{root.name}.regionready-new-0badc0de"
    write(old)
    (old / "manifest.json").unlink()  # killed before its manifest
    _aged(old, snapshot_write.STALE_FOLDER_SECONDS + 60)
    fresh = root.parent / f".{root.name}.regionready-new-5eedf00d"
    fresh.mkdir()  # a concurrent write may still be filling it
    foreign = root.parent / f".{root.name}.regionready-old-12345678"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("not a snapshot's")
    _aged(foreign, snapshot_write.STALE_FOLDER_SECONDS + 60)

    write(root, marker="2")

    assert not old.exists()
    assert fresh.is_dir() and foreign.is_dir()


# -- the remediation audit log ------------------------------------------------------------


def test_an_audit_log_that_is_a_symlink_is_refused(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    log = tmp_path / "audit.jsonl"
    log.symlink_to(victim)
    with pytest.raises(OSError, match="symlink") as caught:
        atomic.append_line(log, '{"n": 1}')
    assert caught.value.errno == errno.ELOOP and caught.value.filename == str(log)
    change = remediation.Change(
        rule_id="KMS-004",
        fingerprint="fp",
        account=ACCOUNT,
        region=TARGET,
        resource="arn:aws:kms:eu-central-1:111122223333:key/1",
        action="kms-enable-rotation",
        summary="enable rotation",
    )
    with pytest.raises(remediation.RemediationError, match="audit log") as refused:
        remediation.append_audit(log, change, "applied", "ok")
    assert str(log) in str(refused.value)
    assert victim.read_text() == "precious\n"


def test_an_audit_log_that_is_a_fifo_is_refused_without_hanging(tmp_path: Path) -> None:
    with _fifo(tmp_path / "audit.jsonl") as log, pytest.raises(OSError, match="regular file"):
        bounded(lambda: atomic.append_line(log, '{"n": 1}'))
