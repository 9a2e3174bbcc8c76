"""create-key (KMS-001): a key behind the source key's alias; it rotates like its source
(on, same period), and a run that stopped after CreateKey is finished by the next run
with that key, not a second one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from regionready.model import Status
from regionready.remediation import PlanContext
from regionready.remediation.actions import create_key

from .conftest import (
    SOURCE,
    TARGET,
    Harness,
    assert_permissions,
    assert_safe,
    audit,
    finding,
    scan_of,
)

TAGS = [{"TagKey": "Team", "TagValue": "payments"}]


def source_key(h: Harness, alias: str, period: int = 180) -> dict[str, Any]:
    kms = h.client("kms", SOURCE)
    meta = kms.create_key(Description=f"{alias} data", Tags=TAGS)["KeyMetadata"]
    kms.enable_key_rotation(KeyId=meta["KeyId"], RotationPeriodInDays=period)
    kms.create_alias(AliasName=alias, TargetKeyId=meta["KeyId"])
    return dict(meta)


def target_keys(h: Harness) -> dict[str, list[dict[str, str]]]:
    """Customer managed target keys and their tags."""
    kms = h.client("kms", TARGET)
    found = {}
    for entry in kms.list_keys()["Keys"]:
        meta = kms.describe_key(KeyId=entry["KeyId"])["KeyMetadata"]
        if meta["KeyManager"] == "CUSTOMER":
            found[meta["KeyId"]] = kms.list_resource_tags(KeyId=meta["KeyId"])["Tags"]
    return found


def behind(h: Harness, alias: str) -> str:
    return str(h.client("kms", TARGET).describe_key(KeyId=alias)["KeyMetadata"]["KeyId"])


def test_create_key_plans_nothing_for_an_alias_on_a_disabled_target_key() -> None:
    key = {"KeyId": "k-src", "KeySpec": "SYMMETRIC_DEFAULT", "KeyUsage": "ENCRYPT_DECRYPT"}
    alias = {"AliasName": "alias/orders", "TargetKeyId": "k-src"}
    scan = scan_of(
        "111111111111", {(SOURCE, "kms", "alias"): [alias], (SOURCE, "kms", "key"): [key]}
    )
    ctx = PlanContext(scan, "111111111111", SOURCE, TARGET)
    # Missing in the target: a new key behind the alias.
    missing = finding("KMS-001", "alias/orders", source="alias/orders", target=None)
    [change] = create_key.plan(missing, ctx)
    assert (change.action, change.resource) == ("create-key", "alias/orders")
    assert ctx.notes == []
    # Present on a disabled key: apply would only say "already present"; the plan says why.
    paired = finding("KMS-001", "alias/orders", source="alias/orders", target="alias/orders")
    assert create_key.plan(paired, ctx) == []
    [note] = ctx.notes
    assert note.startswith("KMS-001 alias/orders: not planned: the alias exists in ")
    assert "KMS-006" in note


def test_create_key_rotates_like_its_source(harness: Harness, tmp_path: Path) -> None:
    h = harness
    source = source_key(h, "alias/orders", period=180)
    before = h.collect(["kms"])
    assert h.failing(before, "KMS-001") == {("KMS-001", "alias/orders")}
    [change], _ = h.plan(before, "KMS-001")
    assert change.params["SourceKeyArn"] == source["Arn"] and change.params["Rotation"]

    log = tmp_path / "audit.jsonl"
    [outcome] = h.apply([change], log)
    assert outcome.status == "applied", outcome.detail
    assert_safe(h.calls)
    assert_permissions(h.calls, "create-key")
    writes = [(c.operation, c.region) for c in h.writes()]
    assert writes == [("CreateKey", TARGET), ("EnableKeyRotation", TARGET), ("CreateAlias", TARGET)]
    [enable] = [c for c in h.writes() if c.operation == "EnableKeyRotation"]
    assert enable.params["RotationPeriodInDays"] == 180

    key_id = behind(h, "alias/orders")
    kms = h.client("kms", TARGET)
    status = kms.get_key_rotation_status(KeyId=key_id)
    assert (status["KeyRotationEnabled"], status["RotationPeriodInDays"]) == (True, 180)
    assert {"TagKey": create_key.MARKER, "TagValue": source["Arn"]} in target_keys(h)[key_id]

    after = h.collect(["kms"])
    assert h.status(after, "KMS-001", "alias/orders") is Status.PASS
    assert h.status(after, "KMS-004", "alias/orders") is Status.PASS
    # Idempotent: the same plan again changes nothing.
    [again] = h.apply([change], log)
    assert again.status == "unchanged" and h.writes() == []
    assert [e["outcome"] for e in audit(log)] == ["applied", "unchanged"]


def test_create_key_finishes_rotation_of_its_own_key_behind_the_alias(harness: Harness) -> None:
    """A key of an earlier run already behind the alias, but rotating on AWS's default
    period: the rerun sets the source's period, and only that."""
    h = harness
    source_key(h, "alias/orders", period=90)
    [change], _ = h.plan(h.collect(["kms"]), "KMS-001")
    assert h.apply([change])[0].status == "applied"
    kms = h.client("kms", TARGET)
    key_id = behind(h, "alias/orders")
    kms.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=365)
    [outcome] = h.apply([change])
    assert outcome.status == "applied", outcome.detail
    assert [(c.operation, c.params.get("RotationPeriodInDays")) for c in h.writes()] == [
        ("EnableKeyRotation", 90)
    ]
    assert kms.get_key_rotation_status(KeyId=key_id)["RotationPeriodInDays"] == 90
    assert h.apply([change])[0].status == "unchanged"


@pytest.mark.parametrize("failing_call", ["CreateAlias", "EnableKeyRotation"])
def test_create_key_rerun_after_a_partial_failure_reuses_its_key(
    harness: Harness, tmp_path: Path, failing_call: str
) -> None:
    h = harness
    sources = {alias: source_key(h, alias) for alias in ("alias/orders", "alias/payments")}
    before = h.collect(["kms"])
    assert h.failing(before, "KMS-001") == {
        ("KMS-001", "alias/orders"),
        ("KMS-001", "alias/payments"),
    }
    changes, _ = h.plan(before, "KMS-001")
    assert len(changes) == 2
    first, second = (c.resource for c in changes)

    def fail(**_: Any) -> None:
        raise ClientError(
            {"Error": {"Code": "LimitExceededException", "Message": "injected"}}, failing_call
        )

    event = f"before-call.kms.{failing_call}"
    h.session.events.register(event, fail)
    log = tmp_path / "audit.jsonl"
    try:
        outcomes = h.apply(changes, log)
    finally:
        h.session.events.unregister(event, fail)
    # The run stops at the failure and says what was done and what was not.
    assert [o.status for o in outcomes] == ["failed", "not-run"]
    detail = outcomes[0].detail
    [made] = target_keys(h)
    assert f"done: created key {made}" in detail
    assert "not done: " in detail and f"alias {first}" in detail and "injected" in detail
    if failing_call == "EnableKeyRotation":
        assert f"rotation of {made}" in detail.split("not done: ", 1)[1]
    assert [e["outcome"] for e in audit(log)] == ["failed"]
    assert [c.operation for c in h.writes()].count("CreateKey") == 1

    # The rerun finds the key it made and only adds what is missing.
    outcomes = h.apply(changes, log)
    assert [o.status for o in outcomes] == ["applied", "applied"], [o.detail for o in outcomes]
    assert f"reused key {made}" in outcomes[0].detail
    assert_safe(h.calls)
    assert_permissions(h.calls, "create-key")
    writes = [c.operation for c in h.writes()]
    assert writes.count("CreateKey") == 1, "only the second alias gets a new key"
    keys = target_keys(h)
    assert len(keys) == 2
    for alias in (first, second):
        marker = {"TagKey": create_key.MARKER, "TagValue": sources[alias]["Arn"]}
        owned = [k for k, tags in keys.items() if marker in tags]
        assert len(owned) == 1, (alias, keys)
        assert behind(h, alias) == owned[0]
    assert behind(h, first) == made
    kms = h.client("kms", TARGET)
    status = kms.get_key_rotation_status(KeyId=made)
    assert (status["KeyRotationEnabled"], status["RotationPeriodInDays"]) == (True, 180)

    after = h.collect(["kms"])
    assert h.failing(after, "KMS-001") == set()
    assert [o.status for o in h.apply(changes, log)] == ["unchanged", "unchanged"]
    assert h.writes() == []
