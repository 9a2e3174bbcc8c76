"""create-trail (GEN-002): a single-Region trail homed in the target, logging to the
bucket the user names; without one the change is blocked, and a trail an earlier run
made but never started is only started."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from regionready.demo.seed import DemoPlan

from .conftest import TARGET, Harness, assert_permissions, assert_safe, statuses


def test_create_trail(seeded: DemoPlan, seeded_harness: Harness, tmp_path: Path) -> None:
    h = seeded_harness
    bucket = f"eu-staging-trail-{seeded.account_id}"  # the user's bucket (not created here)
    services = ["account", "cloudtrail"]
    before = h.collect(services)
    assert h.failing(before, "GEN-002") == {("GEN-002", TARGET)}

    # Without a bucket: the plan says so and the runner skips it; apply would refuse.
    [change], _ = h.plan(before, "GEN-002")
    assert change.blocked and "--trail-bucket" in change.blocked
    assert [o.status for o in h.apply([change])] == ["skipped"] and h.calls == []
    [outcome] = h.apply([dataclasses.replace(change, blocked=None)])
    assert outcome.status == "failed" and "nothing was changed" in outcome.detail
    assert h.writes() == []

    changes, _ = h.plan(before, "GEN-002", options={"trail_bucket": bucket})
    [change] = changes
    assert (change.action, change.resource, change.region) == (
        "create-trail",
        f"regionready-{TARGET}",
        TARGET,
    )
    assert bucket in change.summary
    assert h.failing(h.collect(services), "GEN-002") == {("GEN-002", TARGET)}

    log = tmp_path / "audit.jsonl"
    assert statuses(h.apply(changes, log)) == ["applied"]
    assert [(c.operation, c.region) for c in h.writes()] == [
        ("CreateTrail", TARGET),
        ("StartLogging", TARGET),
    ]
    create = h.writes()[0].params
    assert create["S3BucketName"] == bucket and create["IsMultiRegionTrail"] is False
    assert_safe(h.calls)
    assert_permissions(h.calls, "create-trail")

    after = h.collect(services)
    assert h.failing(after, "GEN-002") == set()
    assert statuses(h.apply(changes, log)) == ["unchanged"]
    assert h.writes() == []


def test_create_trail_resumes_a_trail_that_was_never_started(
    seeded: DemoPlan, seeded_harness: Harness
) -> None:
    h = seeded_harness
    h.client("cloudtrail", TARGET).create_trail(
        Name=f"regionready-{TARGET}", S3BucketName=f"eu-staging-trail-{seeded.account_id}"
    )
    scan = h.collect(["account", "cloudtrail"])
    [change], _ = h.plan(scan, "GEN-002")  # no bucket needed: the trail exists
    assert change.summary.startswith("start logging the existing trail")
    assert statuses(h.apply([change])) == ["applied"]
    assert [c.operation for c in h.writes()] == ["StartLogging"]
    assert h.failing(h.collect(["account", "cloudtrail"]), "GEN-002") == set()
