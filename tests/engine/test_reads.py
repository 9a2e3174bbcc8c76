"""What a rule reads, and how the engine uses it: an error that left fields or items
incomplete makes exactly the results that read them ERROR."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from regionready.cli import main
from regionready.collect.clients import parse_feeds
from regionready.engine.data import failed_calls
from regionready.engine.evaluation import evaluate
from regionready.engine.reads import expression_paths, lookup_fields, rule_reads
from regionready.engine.rules import load_rules
from regionready.snapshot import CollectionError, Scan

RULES = {rule.id: rule for rule in load_rules()}
ACCOUNT = "111111111111"
SOURCE, TARGET = "me-central-1", "eu-central-1"
NOW = dt.datetime(2026, 11, 23, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("expression", "paths"),
    [
        ("a.b.c", {("a", "b", "c")}),
        ("Tags[?Key == 'x'].Value", {("Tags",)}),
        ("source.Tags[?Key == 'x'].Value", {("source", "Tags")}),
        ("a[0].b", {("a",)}),
        ("a | b", {("a",)}),
        ("@ | b", {("b",)}),
        ("length(@)", {("*",)}),
        ("[Scope, Name]", {("Scope",), ("Name",)}),
        ("a.[b, c]", {("a", "b"), ("a", "c")}),
        ("!Key", {("Key",)}),
        ("sort_by(Rules, &Priority)", {("Rules",)}),
        ("lookup('keys', Key.KeyId)", {("Key", "KeyId")}),
        ("`1`", set()),
    ],
)
def test_expression_paths(expression: str, paths: set[tuple[str, ...]]) -> None:
    assert expression_paths(expression) == paths


def test_readiness_rule_reads_its_conditions_and_message_fields() -> None:
    reads = rule_reads(RULES["KMS-001"]).to_dict()
    assert reads == {"kms.alias": ["AliasName", "Key"]}


def test_parity_rule_reads_the_fields_under_source_and_target() -> None:
    reads = rule_reads(RULES["WAF-007"]).to_dict()
    assert reads["wafv2.web_acl"] == ["LoggingConfiguration", "Name", "Scope"]


def test_a_function_given_the_whole_item_reads_what_it_declares() -> None:
    # waf_rule_drift(source, target, ...) declares DefaultAction and Rules in fn_waf.READS
    assert rule_reads(RULES["WAF-003"]).to_dict()["wafv2.web_acl"] == [
        "DefaultAction",
        "Name",
        "Rules",
        "Scope",
    ]


def test_an_undeclared_function_given_the_whole_item_reads_everything() -> None:
    reads = rule_reads(RULES["STS-003"]).to_dict()
    assert reads["cloudtrail.sts_event"] == "*"


def test_lookups_are_read_whole() -> None:
    reads = rule_reads(RULES["KMS-008"]).to_dict()
    assert reads["iam.role"] == "*"
    assert reads["iam.user"] == "*"


def test_feeds_name_types_and_fields() -> None:
    assert parse_feeds(["key", "alias.Key"]) == (["alias", "key"], {"alias": ["Key"]})
    assert parse_feeds(["key", "key.Policy"]) == (["key"], {})  # the whole type wins
    error = CollectionError(
        "kms:DescribeKey", "AccessDenied", "", "kms:DescribeKey", ["alias", "key"],
        fields={"alias": ["Key"]}, resources={"key": ["k1"], "alias": ["alias/a"]},
    )  # fmt: skip
    assert error.to_dict()["fields"] == {"alias": ["Key"]}
    assert error.to_dict()["resources"] == {"alias": ["alias/a"], "key": ["k1"]}


def _alias(name: str, key: dict[str, Any] | None) -> dict[str, Any]:
    return {"AliasName": name, "AliasArn": f"arn:aws:kms:{TARGET}:{ACCOUNT}:{name}", "Key": key}


def _key(key_id: str) -> dict[str, Any]:
    return {
        "KeyId": key_id,
        "KeyState": "Enabled",
        "Enabled": True,
        "KeyManager": "CUSTOMER",
        "MultiRegion": False,
        "KeySpec": "SYMMETRIC_DEFAULT",
    }


def _kms_scan(source: dict[str, Any], target: dict[str, Any]) -> Scan:
    """A scan of one account whose kms data in the source and target is given."""

    def doc(region: str, kms: dict[str, Any]) -> dict[str, Any]:
        return {
            "kind": "regionready-snapshot",
            "schema_version": 1,
            "account": ACCOUNT,
            "region": region,
            "collected_at": "2026-11-23T00:00:00Z",
            "services": {"kms": kms},
        }

    return Scan(
        root=Path("."),
        manifest={
            "source_region": SOURCE,
            "target_region": TARGET,
            "accounts": [ACCOUNT],
            "services": ["kms"],
        },
        documents={(ACCOUNT, SOURCE): doc(SOURCE, source), (ACCOUNT, TARGET): doc(TARGET, target)},
        local=None,
    )


def _kms(
    aliases: list[dict[str, Any]], keys: list[dict[str, Any]], errors: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "status": "error" if errors else "ok",
        "errors": errors,
        "id_fields": {"alias": "AliasName", "key": "KeyId"},
        "resources": {"alias": aliases, "key": keys},
    }


def _scan(source_aliases: list[dict[str, Any]], errors: list[dict[str, Any]]) -> Scan:
    return _kms_scan(_kms(source_aliases, [], []), _kms([], [], errors))


def _statuses(scan: Scan, rule_id: str) -> dict[str, str]:
    results = evaluate(scan, [RULES[rule_id]], now=NOW)
    return {r.resource_id: r.status.value for r in results}


def test_an_error_about_one_item_makes_only_that_item_error() -> None:
    aliases = [_alias("alias/a", _key("ka")), _alias("alias/b", _key("kb"))]
    clean = _statuses(_scan(aliases, []), "KMS-001")
    assert clean == {"alias/a": "FAIL", "alias/b": "FAIL"}
    # DescribeKey of kb failed in the *source*: only alias/b loses its key summary.
    error = {
        "api": "kms:DescribeKey",
        "code": "AccessDenied",
        "message": "",
        "action": "kms:DescribeKey",
        "resource_types": ["alias", "key"],
        "fields": {"alias": ["Key"]},
        "resources": {"alias": ["alias/b"], "key": ["kb"]},
    }
    scan = _scan([_alias("alias/a", _key("ka")), _alias("alias/b", None)], [])
    scan.documents[(ACCOUNT, SOURCE)]["services"]["kms"]["errors"] = [error]
    assert _statuses(scan, "KMS-001") == {"alias/a": "FAIL", "alias/b": "ERROR"}


def test_an_error_on_a_field_the_rule_does_not_read_changes_nothing() -> None:
    aliases = [_alias("alias/a", _key("ka"))]
    error = {
        "api": "kms:GetKeyPolicy",
        "code": "AccessDenied",
        "message": "",
        "action": "kms:GetKeyPolicy",
        "resource_types": ["key"],
        "fields": {"key": ["Policy"]},
    }
    scan = _scan(aliases, [error])
    assert _statuses(scan, "KMS-001") == {"alias/a": "FAIL"}
    # ... while a rule reading key policies is ERROR.
    assert set(_statuses(scan, "KMS-003").values()) == {"ERROR"}


def test_rules_list_json_shows_what_each_rule_reads(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "list", "--format", "json"]) == 0
    rows = {row["id"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows["KMS-001"]["reads"] == {"kms.alias": ["AliasName", "Key"]}
    assert rows["WAF-006"]["reads"]["wafv2.web_acl"] == ["Name", "ResourceArns", "Scope"]


def test_a_lookup_is_read_for_its_key_and_the_fields_taken_from_its_item() -> None:
    found = lookup_fields(
        [
            "lookup('a', K).X.Y",
            "lookup('b', K) != null",
            "null == lookup('b', K)",
            "length(lookup('c', K))",
            "lookup('d', lookup('a', K).Z).[P, Q]",
        ],
        {},
    )
    assert found == {
        "a": frozenset({"X", "Z"}),
        "b": frozenset(),
        "c": None,
        "d": frozenset({"P", "Q"}),
    }
    assert lookup_fields(["lookup('a', K"], {}) is None  # cannot be analysed: all of it
    reads = rule_reads(RULES["KMS-004"])
    assert reads.lookups == {
        "source_keys": frozenset({"KeyId", "KeyRotationEnabled"}),
        "target_keys": frozenset({"KeyId", "KeyRotationEnabled"}),
    }
    assert reads.to_dict()["kms.key"] == ["KeyId", "KeyRotationEnabled"]
    # Existence only: the lookup's key field (SM-001's "a secret of that name exists").
    assert rule_reads(RULES["SM-001"]).lookups == {"target_secrets": frozenset({"Name"})}


def _rotation_scan(target_key_errors: list[dict[str, Any]], field: str = "errors") -> Scan:
    """An alias in both Regions, its source key rotating and its target key not (KMS-004
    FAIL), the target's kms data carrying ``target_key_errors`` (as ``field``)."""

    def kms(key_id: str, rotating: bool) -> dict[str, Any]:
        key = {**_key(key_id), "KeyRotationEnabled": rotating}
        return _kms([_alias("alias/app", _key(key_id))], [key], [])

    target = kms("kt", False)
    target[field] = target.get(field, []) + target_key_errors
    return _kms_scan(kms("ks", True), target)


def _key_error(name: str, code: str = "AccessDenied") -> dict[str, Any]:
    return {
        "api": f"kms:{name}",
        "code": code,
        "message": "",
        "action": f"kms:{name}",
        "resource_types": ["key"],
        "fields": {"key": ["Policy" if name == "GetKeyPolicy" else "KeyRotationEnabled"]},
    }


def test_a_looked_up_item_is_judged_unless_a_field_the_rule_takes_from_it_is_missing() -> None:
    assert _statuses(_rotation_scan([]), "KMS-004") == {"alias/app": "FAIL"}
    # The target keys' policies could not be read: KMS-004 never reads them.
    assert _statuses(_rotation_scan([_key_error("GetKeyPolicy")]), "KMS-004") == {
        "alias/app": "FAIL"
    }
    # Their rotation status could not be read: what KMS-004 judges is missing.
    missing = _statuses(_rotation_scan([_key_error("GetKeyRotationStatus")]), "KMS-004")
    assert set(missing.values()) == {"ERROR"}


def test_a_call_not_made_for_a_scoped_collection_makes_its_readers_error() -> None:
    unread = [_key_error("GetKeyRotationStatus", "NotSelected")]
    scan = _rotation_scan(unread, field="unread")
    results = evaluate(scan, [RULES["KMS-004"]], now=NOW)
    assert {r.status.value for r in results} == {"ERROR"}
    assert all("kms:GetKeyRotationStatus was not called" in r.message for r in results)
    assert all("collect without --only" in r.message for r in results)
    # ... and a rule that does not read it is judged as from a full collection.
    assert _statuses(
        _rotation_scan([_key_error("GetKeyPolicy", "NotSelected")], "unread"), "KMS-004"
    ) == {"alias/app": "FAIL"}


def test_why_data_is_missing_is_said_once_each() -> None:
    def error(api: str, code: str, message: str = "") -> dict[str, Any]:
        return {"api": api, "code": code, "message": message, "action": api}

    errors = [
        error("kms:GetKeyPolicy", "NotSelected"),
        error("route53:*", "NotCollected", "route53 was not collected in eu-central-1"),
        error("kms:ListGrants", "NotSelected"),
        error("kms:DescribeKey", "AccessDenied"),
        error("kms:GetKeyPolicy", "NotSelected"),
    ]
    assert failed_calls(errors) == (
        "route53 was not collected in eu-central-1; "
        "kms:DescribeKey failed with AccessDenied (needs kms:DescribeKey); "
        "kms:GetKeyPolicy, kms:ListGrants were not called (the snapshot was collected for "
        "selected checks only: collect without --only)"
    )


def test_a_parity_rule_reads_each_side_for_itself() -> None:
    sm = rule_reads(RULES["SM-001"])
    # The target's secrets are only joined by name (and looked up by it).
    assert sm.fields("secretsmanager.secret", "target") == frozenset({"Name"})
    assert {"Name", "OwningService", "PrimaryRegion", "ReplicationStatus"} <= (
        sm.fields("secretsmanager.secret", "source") or frozenset({"*"})
    )
    kms = rule_reads(RULES["KMS-002"])
    target = kms.fields("kms.key", "target") or frozenset({"*"})
    assert {"KeyId", "MultiRegionConfiguration"} <= target
    assert "KeyState" not in target  # ``where`` filters the source's keys only
    assert "KeyState" in (kms.fields("kms.key", "source") or frozenset())
    # Without a side, or for a rule of another kind: everything the rule reads.
    assert kms.fields("kms.key") == kms.resources["kms.key"]
    assert rule_reads(RULES["KMS-001"]).fields("kms.alias", "target") == frozenset(
        {"AliasName", "Key"}
    )


def _replica_scan(error_fields: list[str], side: str = "target") -> Scan:
    """A multi-Region primary key in the source and its replica in the target (KMS-002
    PASS), the key's data on ``side`` left incomplete in ``error_fields``."""

    def key(kind: str, region: str) -> dict[str, Any]:
        return {
            **_key("mrk-1"),
            "MultiRegion": True,
            "MultiRegionConfiguration": {"MultiRegionKeyType": kind},
            "Arn": f"arn:aws:kms:{region}:{ACCOUNT}:key/mrk-1",
        }

    error = {
        "api": "kms:DescribeKey",
        "code": "AccessDenied",
        "message": "",
        "action": "kms:DescribeKey",
        "resource_types": ["key"],
        "fields": {"key": error_fields},
        "resources": {"key": ["mrk-1"]},
    }
    errors = [error] if error_fields else []
    return _kms_scan(
        _kms([], [key("PRIMARY", SOURCE)], errors if side == "source" else []),
        _kms([], [key("REPLICA", TARGET)], errors if side == "target" else []),
    )


def test_a_target_item_is_judged_when_only_fields_its_side_does_not_read_are_missing() -> None:
    assert _statuses(_replica_scan([]), "KMS-002") == {"mrk-1": "PASS"}
    # KeyState filters the source's keys: a replica without it is still a twin.
    assert _statuses(_replica_scan(["KeyState"]), "KMS-002") == {"mrk-1": "PASS"}
    # Its multi-Region type is what the target filter reads: it could be any key's twin.
    missing = _statuses(_replica_scan(["MultiRegionConfiguration"]), "KMS-002")
    assert set(missing.values()) == {"ERROR"}


def test_gen_005_names_a_parity_rule_only_where_it_reads_what_is_missing() -> None:
    def unevaluated(scan: Scan) -> dict[str, str]:
        results = evaluate(scan, [RULES["KMS-002"], RULES["GEN-005"]], now=NOW)
        return {
            r.region: r.message
            for r in results
            if r.rule_id == "GEN-005" and r.status.value == "FAIL"
        }

    # KeyState filters the source's keys: missing there, KMS-002 is left unevaluated ...
    assert "KMS-002" in unevaluated(_replica_scan(["KeyState"], "source"))[SOURCE]
    # ... missing on the target's keys, it is not.
    assert "KMS-002" not in unevaluated(_replica_scan(["KeyState"], "target"))[TARGET]
    assert "KMS-002" in unevaluated(_replica_scan(["MultiRegionConfiguration"]))[TARGET]
