"""enable-key-rotation (KMS-004): rotation of the target key behind the alias, with the
source key's period; a plan made stale by a moved alias is refused."""

from __future__ import annotations

from pathlib import Path

from regionready.demo.seed import DemoPlan

from .conftest import TARGET, Harness, assert_permissions, assert_safe, statuses


def test_enable_key_rotation(seeded: DemoPlan, seeded_harness: Harness, tmp_path: Path) -> None:
    h = seeded_harness
    before = h.collect(["kms"])
    assert h.failing(before, "KMS-004") == {("KMS-004", "alias/reports")}
    changes, _ = h.plan(before, "KMS-004")
    [change] = changes
    assert (change.action, change.resource, change.region) == (
        "enable-key-rotation",
        "alias/reports",
        TARGET,
    )
    kms = h.client("kms", TARGET)
    target_key = kms.describe_key(KeyId="alias/reports")["KeyMetadata"]["KeyId"]
    assert change.params["KeyId"] == target_key
    assert h.failing(h.collect(["kms"]), "KMS-004") == {("KMS-004", "alias/reports")}

    log = tmp_path / "audit.jsonl"
    assert statuses(h.apply(changes, log)) == ["applied"]
    assert [(c.operation, c.region, c.params["KeyId"]) for c in h.writes()] == [
        ("EnableKeyRotation", TARGET, target_key)
    ]
    assert_safe(h.calls)
    assert_permissions(h.calls, "enable-key-rotation")
    assert kms.get_key_rotation_status(KeyId=target_key)["KeyRotationEnabled"] is True

    after = h.collect(["kms"])
    assert h.failing(after, "KMS-004") == set()
    assert statuses(h.apply(changes, log)) == ["unchanged"]
    assert h.writes() == []


def test_enable_key_rotation_refuses_a_stale_plan(
    seeded: DemoPlan, seeded_harness: Harness
) -> None:
    h = seeded_harness
    [change], _ = h.plan(h.collect(["kms"]), "KMS-004")
    kms = h.client("kms", TARGET)
    other = kms.create_key(Description="moved")["KeyMetadata"]["KeyId"]
    kms.update_alias(AliasName="alias/reports", TargetKeyId=other)
    [outcome] = h.apply([change])
    assert outcome.status == "failed" and "plan again" in outcome.detail
    assert h.writes() == []
