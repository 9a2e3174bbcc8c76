"""create-detector (GD-001): an enabled detector in the target with the source's plans,
or a suspended one enabled (and nothing else)."""

from __future__ import annotations

from regionready.demo.seed import DemoPlan

from .conftest import GD_ACTIONS, GD_RULES, SOURCE, TARGET, Harness, detector_id, enabled


def test_create_detector_with_the_source_plans_then_filters(
    seeded: DemoPlan, seeded_harness: Harness
) -> None:
    h = seeded_harness
    # Setting the scene (not remediation): the target has no detector at all.
    h.client("guardduty", TARGET).delete_detector(DetectorId=detector_id(h, TARGET))
    before = h.collect(("guardduty",))
    source_detector = detector_id(h, SOURCE)
    assert h.failing(before, *GD_RULES) == {
        ("GD-001", source_detector),
        ("GD-002", source_detector),
        ("GD-003", "archive-known-scanners"),
        ("GD-003", "high-severity-ec2"),
    }
    code, plan, _ = h.remediate(before, rules=GD_RULES)
    assert code == 0
    assert [c["action"] for c in plan["changes"]] == [
        "create-detector",
        "update-detector-features",
        "create-filter",
        "create-filter",
    ]
    assert plan["changes"][0]["summary"] == (
        "create an enabled detector with EBS_MALWARE_PROTECTION, EKS_AUDIT_LOGS, "
        "RUNTIME_MONITORING, S3_DATA_EVENTS"
    )

    writes, first, replay = h.apply_twice(before, GD_RULES, GD_ACTIONS)
    assert [w.operation for w in writes] == ["CreateDetector", "CreateFilter", "CreateFilter"]
    assert writes[0].params["enable"] is True
    assert writes[0].params["findingPublishingFrequency"] == "FIFTEEN_MINUTES"
    # The detector came with the plans, so the features change found nothing to do.
    assert [e["outcome"] for e in first] == ["applied", "unchanged", "applied", "applied"]
    assert {e["outcome"] for e in replay} == {"unchanged"}

    assert h.failing(h.collect(("guardduty",)), *GD_RULES) == set()
    assert enabled(h, TARGET) == enabled(h, SOURCE)


def test_create_detector_re_enables_a_suspended_detector(
    seeded: DemoPlan, seeded_harness: Harness
) -> None:
    h = seeded_harness
    suspended = detector_id(h, TARGET)
    h.client("guardduty", TARGET).update_detector(DetectorId=suspended, Enable=False)
    before = h.collect(("guardduty",))
    assert h.failing(before, "GD-001") == {("GD-001", suspended)}
    code, plan, _ = h.remediate(before, rules=("GD-001",))
    assert code == 0
    assert [c["summary"] for c in plan["changes"]] == [f"enable the suspended detector {suspended}"]

    writes, _, replay = h.apply_twice(before, ("GD-001",), ("create-detector",))
    assert [(w.operation, w.region, w.params) for w in writes] == [
        ("UpdateDetector", TARGET, {"enable": True})
    ], "Enable=true and nothing else"
    assert [e["outcome"] for e in replay] == ["unchanged"]
    assert h.failing(h.collect(("guardduty",)), "GD-001") == set()
