"""add-region (IDC-001): AddRegion on the instance's primary (source) endpoint toward the
target, planned only once IDC-003 no longer blocks the finding (its ``blocked_by``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from regionready import remediation
from regionready.model import Status
from regionready.remediation import PlanContext, TargetClients, UnsafeCall
from regionready.remediation.actions import add_region

from .conftest import (
    IDC_SERVICES,
    IDC_SOURCE,
    IDC_TARGET,
    Harness,
    assert_permissions,
    assert_safe,
    audit,
    identity_center,
    instance_key,
    statuses,
)


def test_add_region_after_idc003_passes(harness: Harness, tmp_path: Path) -> None:
    h = harness
    h.source, h.target = IDC_SOURCE, IDC_TARGET
    instance = identity_center(h.session, replica=True)

    before = h.collect(IDC_SERVICES)
    assert h.status(before, "IDC-003", instance) is Status.PASS
    assert h.failing(before, "IDC-001") == {("IDC-001", instance)}
    changes, notes = h.plan(before, "IDC-001")
    assert notes == []
    [change] = changes
    assert (change.action, change.resource, change.region) == ("add-region", instance, IDC_TARGET)
    assert h.failing(h.collect(IDC_SERVICES), "IDC-001") == {("IDC-001", instance)}

    log = tmp_path / "audit.jsonl"
    assert statuses(h.apply(changes, log)) == ["applied"]
    # The one write: AddRegion on the primary (source) endpoint, toward the target.
    assert [(c.operation, c.region, c.params) for c in h.writes()] == [
        ("AddRegion", IDC_SOURCE, {"InstanceArn": instance, "RegionName": IDC_TARGET})
    ]
    assert_safe(h.calls, IDC_TARGET, IDC_SOURCE)
    assert_permissions(h.calls, "add-region")

    after = h.collect(IDC_SERVICES)
    assert h.failing(after, "IDC-001") == set()
    assert statuses(h.apply(changes, log)) == ["unchanged"]
    assert h.writes() == []
    assert [e["region"] for e in audit(log)] == [IDC_TARGET, IDC_TARGET]

    # The guard (remediation.py's own, not patched) refuses AddRegion toward any other Region.
    clients = TargetClients(h.make_client, IDC_SOURCE, IDC_TARGET)
    with pytest.raises(UnsafeCall, match=f"acts only in {IDC_TARGET}"):
        clients.in_source("sso-admin").add_region(InstanceArn=instance, RegionName="us-west-2")


def test_add_region_waits_for_the_key_replica(harness: Harness, tmp_path: Path) -> None:
    h = harness
    h.source, h.target = IDC_SOURCE, IDC_TARGET
    instance = identity_center(h.session, replica=False)
    scan = h.collect(IDC_SERVICES)
    assert h.status(scan, "IDC-003", instance) is Status.FAIL
    [finding] = [r for r in h.results(scan, "IDC-001") if r.status is Status.FAIL]
    # The engine says IDC-003 blocks it (IDC-001 depends_on IDC-003); nothing re-evaluates.
    assert "IDC-003" in finding.blocking_rules

    # The runner plans no add-region for it, and the plan's notes say why.
    changes, notes = h.plan(scan, "IDC-001")
    assert changes == []
    [note] = notes
    assert note.startswith(f"IDC-001 {instance}: add-region waits for IDC-003 to pass (FAIL")
    assert "no replica in eu-central-1" in note and "replicate-key" in note
    ctx = PlanContext(scan, finding.account, IDC_SOURCE, IDC_TARGET)
    assert add_region.blocked_reason(finding, ctx) == note

    # Apply of a change made anyway refuses before AddRegion: the key has no replica.
    forced = remediation.Change(
        "add-region",
        "IDC-001",
        finding.fingerprint,
        finding.account,
        IDC_TARGET,
        instance,
        "forced",
        {"InstanceArn": instance, "KeyId": instance_key(scan, finding.account, instance)},
    )
    [outcome] = h.apply([forced])
    assert outcome.status == "failed" and "no replica" in outcome.detail
    assert h.writes() == []


def test_add_region_reads_the_gate_from_blocked_by(harness: Harness) -> None:
    """The same snapshot, the same finding: planned or not by its blocked_by alone."""
    h = harness
    h.source, h.target = IDC_SOURCE, IDC_TARGET
    instance = identity_center(h.session, replica=True)
    scan = h.collect(IDC_SERVICES)
    [finding] = h.findings(scan, "IDC-001")
    assert finding.blocked_by == []
    ctx = PlanContext(scan, finding.account, IDC_SOURCE, IDC_TARGET)
    assert [c.action for c in add_region.plan(finding, ctx)] == ["add-region"]
    finding.blocked_by = [f"IDC-003 {instance}"]
    assert add_region.plan(finding, ctx) == []
    [note] = ctx.notes
    assert note.startswith(f"IDC-001 {instance}: add-region waits for IDC-003 to pass")
    # Another rule's failure (KMS-002 on some other key) does not hold add-region back.
    finding.blocked_by = ["KMS-002 alias/other"]
    assert [c.action for c in add_region.plan(finding, ctx)] == ["add-region"]
