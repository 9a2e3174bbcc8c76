"""An organisation collection streams to disk: each account's files are written into the
new snapshot as soon as the account is done, then let go, so no more than
``--account-workers`` accounts' documents are ever alive; the snapshot is the one the
account-after-account collection wrote. The snapshot writer keeps write_scan's
guarantees when it is left part-way."""

from __future__ import annotations

import datetime as dt
import json
import threading
import weakref
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from regionready import __version__, snapshot, snapshot_manifest, snapshot_write
from regionready.cli import main
from regionready.collect import driver, sessions
from regionready.snapshot import SnapshotError
from regionready.snapshot_write import SnapshotWriter
from regionready.topology import Pair

from ._org import ACCOUNTS, SERVICES, account_of, collect_argv, organisation, snapshot_files
from .conftest import SOURCE, TARGET
from .test_organisation import assumed


@pytest.fixture
def accounts_file(
    tmp_path: Path, hooked_sessions: Any, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    # One process: what is counted here is counted in it (test_org_forks.py: several).
    monkeypatch.setenv("REGIONREADY_PROCESSES", "1")
    with organisation(tmp_path) as path:
        yield path


class Document(dict[str, Any]):
    """A region document that can be watched (a plain dict cannot be weakly referenced)."""


class Watch:
    """Which accounts' documents are alive, and which accounts are held: entered and not
    yet let go (all their documents gone). Checked whenever either grows."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.lock = threading.Lock()
        self.documents: Counter[str] = Counter()
        self.held: set[str] = set()
        self.most_documents = 0
        self.most_held = 0
        self.problems: list[str] = []

    def entered(self, account: str) -> None:
        with self.lock:
            self.held.add(account)
            self._check(f"entering {account}")

    def born(self, document: Document) -> None:
        account = str(document["account"])
        with self.lock:
            self.documents[account] += 1
            self._check(f"a document of {account}")
        weakref.finalize(document, self._died, account)

    def _died(self, account: str) -> None:
        with self.lock:
            self.documents[account] -= 1
            if not self.documents[account]:
                del self.documents[account]
                self.held.discard(account)

    def _check(self, when: str) -> None:
        self.most_documents = max(self.most_documents, len(self.documents))
        self.most_held = max(self.most_held, len(self.held))
        if len(self.documents) > self.limit or len(self.held) > self.limit:
            self.problems.append(
                f"{when}: documents of {sorted(self.documents)} alive, {sorted(self.held)} held"
            )


def watch_accounts(monkeypatch: pytest.MonkeyPatch, limit: int) -> Watch:
    watch = Watch(limit)
    region_document = driver.region_document
    open_session = sessions.open_session

    def watched_document(*args: Any) -> Document:
        document = Document(region_document(*args))
        watch.born(document)
        return document

    def watched_open(spec: Any, base: Any = None) -> Any:
        if base is not None:  # an account of the organisation, not the run's own session
            watch.entered(account_of(spec))
        return open_session(spec, base)

    monkeypatch.setattr(driver, "region_document", watched_document)
    monkeypatch.setattr(sessions, "open_session", watched_open)
    return watch


def collected_one_account_at_a_time(out: Path) -> None:
    """What the organisation collection wrote before it streamed: each account collected
    whole (collect_account), all kept, then one write_scan."""
    started = dt.datetime.now(dt.UTC)
    results = [
        driver.collect_account(
            sessions.AccountSession(assumed(account), None, sessions.botocore_config()),
            regions=[SOURCE, TARGET],
            services=SERVICES,
            progress=False,
        )
        for account in ACCOUNTS
    ]
    manifest = driver.build_manifest(
        pairs=[Pair(SOURCE, TARGET)],
        results=results,
        services=SERVICES,
        started_at=started,
        finished_at=dt.datetime.now(dt.UTC),
        rules_version=__version__,
    )
    documents = {key: doc for result in results for key, doc in result.documents.items()}
    snapshot_write.write_scan(out, manifest, documents)


def comparable(manifest: dict[str, Any]) -> dict[str, Any]:
    """A manifest without its times and digests (the account files hold their time)."""
    kept = {k: v for k, v in manifest.items() if k not in ("started_at", "finished_at")}
    kept["files"] = [{"path": e["path"], "size": e["size"]} for e in manifest["files"]]
    return kept


def test_no_more_than_account_workers_accounts_are_alive_and_the_snapshot_is_unchanged(
    accounts_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    watch = watch_accounts(monkeypatch, limit=2)
    out = tmp_path / "streamed"
    assert main(collect_argv(out, accounts_file, "--account-workers", "2", "--quiet")) == 0
    assert capsys.readouterr().err.splitlines() == [
        f"snapshot written to {out}/ (next: regionready evaluate {out})"
    ], "--quiet: no progress"
    assert not watch.problems, watch.problems
    assert watch.most_held == 2, "two accounts were collected at a time"
    assert not watch.documents, "every account's documents were let go"

    monkeypatch.undo()
    collected_one_account_at_a_time(tmp_path / "whole")
    streamed = json.loads((out / "manifest.json").read_text())
    whole = json.loads((tmp_path / "whole" / "manifest.json").read_text())
    assert streamed["accounts"] == ACCOUNTS
    assert {e["path"].split("/")[0] for e in streamed["files"]} == set(ACCOUNTS)
    assert comparable(streamed) == comparable(whole)
    assert snapshot_files(out) == snapshot_files(tmp_path / "whole")
    snapshot_manifest.read_scan(out)  # every listed file matches its size and digest


def test_an_organisation_collection_that_fails_part_way_leaves_the_older_snapshot_whole(
    accounts_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "snapshot"
    assert main(collect_argv(out, accounts_file, "--quiet")) == 0
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    open_session = sessions.open_session

    def broken_on_the_fifth(spec: Any, base: Any = None) -> Any:
        if base is not None and account_of(spec) == ACCOUNTS[4]:
            raise RuntimeError("a bug while entering the fifth account")
        return open_session(spec, base)

    monkeypatch.setattr(sessions, "open_session", broken_on_the_fifth)
    with pytest.raises(RuntimeError, match="fifth account"):
        main(collect_argv(out, accounts_file, "--quiet", "--account-workers", "1"))
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["accounts.yaml", "snapshot"]


# -- the writer ----------------------------------------------------------------------------


def _document(account: str, region: str, marker: str) -> dict[str, Any]:
    data = snapshot.ServiceData(resources={"certificate": [{"Arn": marker}]})
    return snapshot.region_document(account, region, {"acm": data}, "2026-11-23T10:00:00Z")


def _manifest(accounts: list[str]) -> dict[str, Any]:
    return snapshot_manifest.manifest_document(
        source_region=SOURCE,
        target_region=TARGET,
        accounts=accounts,
        tool_version=__version__,
        rules_version=__version__,
        started_at="2026-11-23T10:00:00Z",
        finished_at="2026-11-23T10:00:01Z",
        services=["acm"],
        api_calls={"acm": 1},
    )


def test_the_writer_writes_each_file_when_added_and_the_manifest_at_finish(
    tmp_path: Path,
) -> None:
    root = tmp_path / "s"
    with SnapshotWriter(root) as writer:
        writer.add_documents({(ACCOUNTS[0], SOURCE): _document(ACCOUNTS[0], SOURCE, "a")})
        (staged,) = [p for p in tmp_path.iterdir() if p.name.startswith(".s.")]
        assert (staged / ACCOUNTS[0] / f"{SOURCE}.json").is_file(), "written when added"
        assert not root.exists() and not (staged / "manifest.json").exists()
        writer.add_documents({(ACCOUNTS[1], TARGET): _document(ACCOUNTS[1], TARGET, "b")})
        # An account without files still has its folder (as write_scan gives it one).
        written = writer.finish(_manifest(ACCOUNTS[:3]))
    assert [e["path"] for e in written["files"]] == [
        f"{ACCOUNTS[0]}/{SOURCE}.json",
        f"{ACCOUNTS[1]}/{TARGET}.json",
    ]
    scan = snapshot_manifest.read_scan(root)
    assert scan.accounts == ACCOUNTS[:3] and (root / ACCOUNTS[2]).is_dir()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s"]


def test_a_writer_left_without_finishing_leaves_the_older_snapshot_whole(tmp_path: Path) -> None:
    root = tmp_path / "s"
    snapshot_write.write_scan(
        root,
        _manifest([ACCOUNTS[0]]),
        {(ACCOUNTS[0], SOURCE): _document(ACCOUNTS[0], SOURCE, "old")},
    )
    before = {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()}
    with pytest.raises(KeyboardInterrupt), SnapshotWriter(root) as writer:
        writer.add_documents({(ACCOUNTS[0], SOURCE): _document(ACCOUNTS[0], SOURCE, "new")})
        raise KeyboardInterrupt
    after = {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()}
    assert after == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s"], "the new folder is removed"
    with (
        pytest.raises(SnapshotError, match="not a name for a snapshot file"),
        SnapshotWriter(root) as writer,
    ):
        writer.add_documents({("../x", SOURCE): _document(ACCOUNTS[0], SOURCE, "new")})
    assert snapshot_manifest.read_scan(root).documents[(ACCOUNTS[0], SOURCE)] == _document(
        ACCOUNTS[0], SOURCE, "old"
    )
