"""create-filter (GD-003): the source's saved filters and suppression rules on the target
detector; one that differs is updated, never deleted."""

from __future__ import annotations

from regionready.demo.seed import DemoPlan

from .conftest import TARGET, Harness, detector_id


def test_create_filter_creates_and_updates_filters(
    seeded: DemoPlan, seeded_harness: Harness
) -> None:
    h = seeded_harness
    # The target's suppression rule was turned into a plain saved filter.
    h.client("guardduty", TARGET).update_filter(
        DetectorId=detector_id(h, TARGET), FilterName="archive-known-scanners", Action="NOOP"
    )
    before = h.collect(("guardduty",))
    assert h.failing(before, "GD-003") == {
        ("GD-003", "archive-known-scanners"),
        ("GD-003", seeded.failing["GD-003"][0]),
    }
    code, plan, _ = h.remediate(before, rules=("GD-003",))
    assert code == 0
    assert sorted((c["action"], c["resource"]) for c in plan["changes"]) == [
        ("create-filter", "archive-known-scanners"),
        ("create-filter", "high-severity-ec2"),
    ]

    writes, first, replay = h.apply_twice(before, ("GD-003",), ("create-filter",))
    assert sorted(w.operation for w in writes) == ["CreateFilter", "UpdateFilter"]
    assert {e["outcome"] for e in first} == {"applied"}
    assert {e["outcome"] for e in replay} == {"unchanged"}

    assert h.failing(h.collect(("guardduty",)), "GD-003") == set()
    gd = h.client("guardduty", TARGET)
    made = gd.get_filter(DetectorId=detector_id(h, TARGET), FilterName="high-severity-ec2")
    assert (made["Action"], made["Rank"]) == ("NOOP", 2)
    fixed = gd.get_filter(DetectorId=detector_id(h, TARGET), FilterName="archive-known-scanners")
    assert fixed["Action"] == "ARCHIVE"
