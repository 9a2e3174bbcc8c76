"""create-key (KMS-001): the new key rotates like its source (on, same period)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from regionready.actions import create_key
from regionready.model import Status

from .conftest import SOURCE, TARGET, Harness, assert_only_in_target, assert_permissions, audit

TAGS = [{"TagKey": "Team", "TagValue": "payments"}]


def _source_key(h: Harness, alias: str, period: int = 180) -> dict[str, Any]:
    kms = h.session.client("kms", region_name=SOURCE)
    meta = kms.create_key(Description=f"{alias} data", Tags=TAGS)["KeyMetadata"]
    kms.enable_key_rotation(KeyId=meta["KeyId"], RotationPeriodInDays=period)
    kms.create_alias(AliasName=alias, TargetKeyId=meta["KeyId"])
    return dict(meta)


def _target_keys(h: Harness) -> dict[str, list[dict[str, str]]]:
    """Customer managed target keys and their tags."""
    kms = h.session.client("kms", region_name=TARGET)
    found = {}
    for entry in kms.list_keys()["Keys"]:
        meta = kms.describe_key(KeyId=entry["KeyId"])["KeyMetadata"]
        if meta["KeyManager"] == "CUSTOMER":
            found[meta["KeyId"]] = kms.list_resource_tags(KeyId=meta["KeyId"])["Tags"]
    return found


def _behind(h: Harness, alias: str) -> str:
    kms = h.session.client("kms", region_name=TARGET)
    return str(kms.describe_key(KeyId=alias)["KeyMetadata"]["KeyId"])


def test_create_key_rotates_like_its_source(harness: Harness, tmp_path: Path) -> None:
    h = harness
    source = _source_key(h, "alias/orders", period=180)
    before = h.collect(["kms"])
    assert h.failing(before, "KMS-001") == {("KMS-001", "alias/orders")}
    [change], _ = h.plan(before, "KMS-001")
    assert change.params["SourceKeyId"] == source["KeyId"] and change.params["Rotation"]

    log = tmp_path / "audit.jsonl"
    [outcome] = h.apply([change], log)
    assert outcome.status == "applied", outcome.detail
    assert_only_in_target(h.calls)
    assert_permissions(create_key, h.calls)
    writes = [(c.operation, c.region) for c in h.writes()]
    assert writes == [("CreateKey", TARGET), ("EnableKeyRotation", TARGET), ("CreateAlias", TARGET)]
    [enable] = [c for c in h.writes() if c.operation == "EnableKeyRotation"]
    assert enable.params["RotationPeriodInDays"] == 180

    key_id = _behind(h, "alias/orders")
    kms = h.session.client("kms", region_name=TARGET)
    status = kms.get_key_rotation_status(KeyId=key_id)
    assert (status["KeyRotationEnabled"], status["RotationPeriodInDays"]) == (True, 180)
    assert _target_keys(h)[key_id] == TAGS

    after = h.collect(["kms"])
    assert h.status(after, "KMS-001", "alias/orders") is Status.PASS
    assert h.status(after, "KMS-004", "alias/orders") is Status.PASS
    # Idempotent: the same plan again changes nothing.
    [again] = h.apply([change], log)
    assert again.status == "unchanged" and h.writes() == []
    assert [e["outcome"] for e in audit(log)] == ["applied", "unchanged"]
