"""The engine judges every Region pair of a scan: results carry their pair, a message
says its direction, and a failure is blocked only by failures of its own pair."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from regionready.engine.evaluation import evaluate
from regionready.engine.fixtures import ACCOUNT, region_document
from regionready.engine.rules import load_rules
from regionready.model import Result, Status
from regionready.snapshot import MANIFEST_KIND, Scan
from regionready.topology import Pair

A, B, C = "me-central-1", "eu-central-1", "eu-west-1"
NOW = dt.datetime(2026, 11, 23, tzinfo=dt.UTC)


def scan_of(pairs: list[Pair], regions: dict[str, dict[str, Any]]) -> Scan:
    documents = {
        (ACCOUNT, region): region_document(region, data, {}) for region, data in regions.items()
    }
    manifest = {
        "kind": MANIFEST_KIND,
        "source_region": pairs[0].source,
        "target_region": pairs[0].target,
        "pairs": [p.to_dict() for p in pairs],
        "accounts": [ACCOUNT],
        "services": sorted({s for d in documents.values() for s in d["services"]}),
    }
    return Scan(root=Path("."), manifest=manifest, documents=documents, local=None)


def run(scan: Scan, *ids: str) -> list[Result]:
    rules = [r for r in load_rules() if r.id in ids]
    return evaluate(scan, rules, now=NOW)


def key(key_id: str, alias: str) -> dict[str, Any]:
    return {
        "KeyId": key_id,
        "Arn": f"arn:aws:kms:{A}:{ACCOUNT}:key/{key_id}",
        "KeyManager": "CUSTOMER",
        "KeyState": "Enabled",
        "Enabled": True,
        "Aliases": [alias],
    }


def alias(name: str, key_id: str, region: str) -> dict[str, Any]:
    return {
        "AliasName": name,
        "AliasArn": f"arn:aws:kms:{region}:{ACCOUNT}:{name}",
        "TargetKeyId": key_id,
        "Key": {"KeyId": key_id, "KeyState": "Enabled", "Enabled": True, "KeyManager": "CUSTOMER"},
    }


def verdicts(results: list[Result]) -> set[tuple[str, str, str, str]]:
    return {(r.pair, r.rule_id, r.resource_id, r.status.value) for r in results}


def test_two_targets_are_judged_each_on_its_own() -> None:
    scan = scan_of(
        [Pair(A, B), Pair(A, C)],
        {
            A: {"kms": {"alias": [alias("alias/app", "k1", A)], "key": [key("k1", "alias/app")]}},
            B: {"kms": {"alias": [alias("alias/app", "k2", B)], "key": []}},
            C: {"kms": {"alias": [], "key": []}},
        },
    )
    results = run(scan, "KMS-001")
    assert verdicts(results) == {
        (f"{A}:{B}", "KMS-001", "alias/app", "PASS"),
        (f"{A}:{C}", "KMS-001", "alias/app", "FAIL"),
    }
    [failed] = [r for r in results if r.status is Status.FAIL]
    assert failed.message == f"{A} -> {C}: alias/app has no key in {C}"
    assert len({r.fingerprint for r in results}) == 2


def test_active_active_judges_parity_in_both_directions() -> None:
    scan = scan_of(
        [Pair(A, B), Pair(B, A)],
        {
            A: {"kms": {"alias": [alias("alias/a-only", "k1", A), alias("alias/both", "k2", A)]}},
            B: {"kms": {"alias": [alias("alias/b-only", "k3", B), alias("alias/both", "k4", B)]}},
        },
    )
    failed = {(r.pair, r.resource_id, r.message) for r in run(scan, "KMS-001") if r.is_finding}
    assert failed == {
        (f"{A}:{B}", "alias/a-only", f"{A} -> {B}: alias/a-only has no key in {B}"),
        (f"{B}:{A}", "alias/b-only", f"{B} -> {A}: alias/b-only has no key in {A}"),
    }


def test_a_failure_is_blocked_only_by_its_own_pair() -> None:
    secret = {
        "ARN": f"arn:aws:secretsmanager:{A}:{ACCOUNT}:secret:app/db-AAAAAA",
        "Name": "app/db",
        "KmsKeyId": "alias/app",
        "ReplicationStatus": [],
    }
    scan = scan_of(
        [Pair(A, B), Pair(A, C)],
        {
            A: {
                "kms": {"alias": [alias("alias/app", "k1", A)], "key": [key("k1", "alias/app")]},
                "secretsmanager": {"secret": [secret]},
            },
            B: {
                "kms": {"alias": [alias("alias/app", "k2", B)], "key": []},
                "secretsmanager": {"secret": []},
            },
            C: {"kms": {"alias": [], "key": []}, "secretsmanager": {"secret": []}},
        },
    )
    sm = {r.pair: r for r in run(scan, "SM-001", "KMS-001", "KMS-002") if r.rule_id == "SM-001"}
    assert sm[f"{A}:{B}"].is_finding and sm[f"{A}:{C}"].is_finding
    assert sm[f"{A}:{B}"].blocked_by == []
    assert sm[f"{A}:{C}"].blocked_by == ["KMS-001 alias/app"]


def test_one_pair_messages_have_no_direction_prefix() -> None:
    scan = scan_of(
        [Pair(A, C)],
        {A: {"kms": {"alias": [alias("alias/app", "k1", A)]}}, C: {"kms": {"alias": []}}},
    )
    [result] = run(scan, "KMS-001")
    assert result.message == f"alias/app has no key in {C}"


def test_collision_rules_need_two_sources_of_one_target() -> None:
    """Several targets of one source is no consolidation: KMS-014 is not run at all."""
    scan = scan_of(
        [Pair(A, B), Pair(A, C)],
        {
            A: {"kms": {"alias": [alias("alias/app", "k1", A)]}},
            B: {"kms": {"alias": []}},
            C: {"kms": {"alias": []}},
        },
    )
    assert run(scan, "KMS-014") == []


def test_consolidation_reports_a_collision_in_each_source_pair() -> None:
    scan = scan_of(
        [Pair(A, B), Pair(C, B)],
        {
            A: {"kms": {"alias": [alias("alias/app", "k1", A)]}},
            C: {"kms": {"alias": [alias("alias/app", "k9", C)]}},
            B: {"kms": {"alias": []}},
        },
    )
    failed = {(r.pair, r.resource_id) for r in run(scan, "KMS-014") if r.is_finding}
    assert failed == {(f"{A}:{B}", "alias/app"), (f"{C}:{B}", "alias/app")}


def test_a_collection_error_is_reported_in_the_pairs_of_its_region_only() -> None:
    denied = {
        "kms": [{"api": "kms:ListAliases", "code": "AccessDenied", "resource_types": ["alias"]}]
    }
    documents = {
        (ACCOUNT, A): region_document(A, {"kms": {"alias": []}}, {}),
        (ACCOUNT, B): region_document(B, {"kms": {"alias": []}}, {}),
        (ACCOUNT, C): region_document(C, {}, denied),
    }
    scan = scan_of([Pair(A, B), Pair(A, C)], {})
    scan.documents.update(documents)
    scan.manifest["services"] = ["kms"]
    failed = {(r.pair, r.resource_id) for r in run(scan, "GEN-005") if r.is_finding}
    assert failed == {(f"{A}:{C}", f"kms@{C}")}
