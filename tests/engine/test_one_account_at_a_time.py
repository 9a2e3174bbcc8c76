"""The engine holds one account's snapshot at a time (issue 20): judging a snapshot read
through regionready.accountstore reads each account once, lets an account's documents go
before the next account's are read (watched with weakrefs, not timed), and gives exactly
the results of the snapshot read whole."""

from __future__ import annotations

import datetime as dt
import gc
import weakref
from pathlib import Path
from typing import Any

import pytest

from regionready import accountstore
from regionready.engine.evaluation import Clock, Engine
from regionready.engine.fixtures import region_document
from regionready.engine.rules import load_rules
from regionready.snapshot import SnapshotError
from regionready.snapshot_manifest import manifest_document, read_scan
from regionready.snapshot_write import write_scan

SOURCE, TARGET = "me-central-1", "eu-central-1"
ACCOUNTS = [f"{n:012d}" for n in (111111111111, 222222222222, 333333333333, 444444444444)]
NOW = dt.datetime(2026, 11, 23, tzinfo=dt.UTC)
RULES = ("KMS-001", "SM-001", "GEN-005")


def alias(name: str, key: str) -> dict[str, Any]:
    summary = {"KeyId": key, "KeyState": "Enabled", "Enabled": True, "KeyManager": "CUSTOMER"}
    return {"AliasName": name, "TargetKeyId": key, "Key": summary}


def snapshot(root: Path) -> Path:
    documents: dict[tuple[str, str], dict[str, Any]] = {}
    for index, account in enumerate(ACCOUNTS):
        secret = {
            "ARN": f"arn:aws:secretsmanager:{SOURCE}:{account}:secret:app/db-AAAAAA",
            "Name": "app/db",
            "KmsKeyId": "alias/app",
            "ReplicationStatus": [],
        }
        source = {
            "kms": {"alias": [alias("alias/app", f"k{index}")], "key": []},
            "secretsmanager": {"secret": [secret]},
        }
        # Every other account has the key in the target: its secret is not blocked.
        target_aliases = [alias("alias/app", f"t{index}")] if index % 2 else []
        target = {"kms": {"alias": target_aliases, "key": []}, "secretsmanager": {"secret": []}}
        for region, data in ((SOURCE, source), (TARGET, target)):
            doc = region_document(region, data, {})
            doc["account"] = account
            documents[(account, region)] = doc
    manifest = manifest_document(
        source_region=SOURCE,
        target_region=TARGET,
        accounts=ACCOUNTS,
        tool_version="test",
        rules_version="test",
        started_at="2026-11-23T00:00:00Z",
        finished_at="2026-11-23T00:00:00Z",
        services=["kms", "secretsmanager"],
        api_calls={},
    )
    write_scan(root, manifest, documents)
    return root


class Watched(accountstore.AccountDocuments):
    """Records, whenever an account is read, which earlier accounts' documents or items
    are still alive (something kept a reference to them)."""

    def __init__(self, inner: accountstore.AccountDocuments) -> None:
        super().__init__(inner._root, inner._entries)
        self.alive_at_load: list[list[str]] = []
        self._refs: list[tuple[str, weakref.ref[Any]]] = []

    def _load(self, account: str) -> None:
        self._loaded = {}  # what the store itself lets go before reading the next
        gc.collect()
        self.alive_at_load.append(sorted({a for a, ref in self._refs if ref() is not None}))
        super()._load(account)
        for doc in self._loaded.values():
            self._refs.append((account, weakref.ref(doc)))
            # The items too, which the engine's caches would hold: watchable copies.
            for service in doc["services"].values():
                for rtype, items in service["resources"].items():
                    service["resources"][rtype] = [accountstore.Document(i) for i in items]
                    self._refs += [(account, weakref.ref(i)) for i in service["resources"][rtype]]


def verdicts(results: list[Any]) -> list[tuple[str, ...]]:
    return [
        (r.rule_id, r.account, r.resource_id, r.status.value, " ".join(r.blocked_by))
        for r in results
    ]


def test_each_account_is_read_once_and_let_go_before_the_next(tmp_path: Path) -> None:
    root = snapshot(tmp_path / "scan")
    scan = accountstore.open_scan(root)
    assert isinstance(scan.documents, accountstore.AccountDocuments)
    watched = Watched(scan.documents)
    scan.documents = watched
    rules = [r for r in load_rules() if r.id in RULES]
    results = Engine(scan, rules, Clock(NOW)).evaluate()
    assert watched.loads == ACCOUNTS  # each account read once, in order
    assert watched.alive_at_load == [[]] * len(ACCOUNTS)  # none outlived its judging
    assert len(watched.resident) == 1
    whole = Engine(read_scan(root), rules, Clock(NOW)).evaluate()
    assert verdicts(results) == verdicts(whole)
    blocked = {r.account: r.blocked_by for r in results if r.rule_id == "SM-001"}
    assert blocked == {a: [] if i % 2 else ["KMS-001 alias/app"] for i, a in enumerate(ACCOUNTS)}


def test_a_missing_file_is_refused_before_anything_is_judged(tmp_path: Path) -> None:
    root = snapshot(tmp_path / "scan")
    (root / ACCOUNTS[2] / f"{TARGET}.json").unlink()
    with pytest.raises(SnapshotError, match="missing, but listed in the manifest"):
        accountstore.open_scan(root)


def test_a_file_changed_after_opening_is_an_error_naming_it(tmp_path: Path) -> None:
    root = snapshot(tmp_path / "scan")
    scan = accountstore.open_scan(root)
    path = root / ACCOUNTS[1] / f"{SOURCE}.json"
    text = path.read_text()
    path.write_text(text.replace("app/db", "app/xx"))  # same size, other bytes
    rules = [r for r in load_rules() if r.id in RULES]
    with pytest.raises(SnapshotError, match=f"{ACCOUNTS[1]}/{SOURCE}.json: SHA-256"):
        Engine(scan, rules, Clock(NOW)).evaluate()
