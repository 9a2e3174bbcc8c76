"""replicate-key (KMS-002, IDC-003): a replica of the multi-Region primary in the target,
made by ReplicateKey on the source endpoint toward the target. KMS-002 through the CLI
is tests/actions/test_remediation.py."""

from __future__ import annotations

from pathlib import Path

from regionready.model import Status

from .conftest import (
    IDC_SERVICES,
    IDC_SOURCE,
    IDC_TARGET,
    Harness,
    assert_permissions,
    assert_safe,
    identity_center,
    instance_key,
    statuses,
)


def test_replicate_key_fixes_idc003_then_add_region_is_planned(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    h.source, h.target = IDC_SOURCE, IDC_TARGET
    instance = identity_center(h.session, replica=False)
    before = h.collect(IDC_SERVICES)
    assert h.failing(before, "IDC-003") == {("IDC-003", instance)}
    changes, notes = h.plan(before, "IDC-003")
    assert notes == []
    [change] = changes
    key_id = instance_key(before, change.account, instance)
    assert (change.action, change.resource, change.region) == ("replicate-key", key_id, IDC_TARGET)

    log = tmp_path / "audit.jsonl"
    assert statuses(h.apply(changes, log)) == ["applied"]
    [write] = h.writes()
    assert (write.operation, write.region, write.params["ReplicaRegion"]) == (
        "ReplicateKey",
        IDC_SOURCE,
        IDC_TARGET,
    )
    assert_safe(h.calls, IDC_TARGET, IDC_SOURCE)
    assert_permissions(h.calls, "replicate-key")

    after = h.collect(IDC_SERVICES)
    assert h.status(after, "IDC-003", instance) is Status.PASS
    assert statuses(h.apply(changes, log)) == ["unchanged"]
    assert h.writes() == []
    # IDC-001 is no longer blocked: add-region is planned now.
    assert [c.action for c in h.plan(after, "IDC-001")[0]] == ["add-region"]
