"""update-detector-features (GD-002): the plans enabled in the source enabled on the
target detector, nothing disabled; the feature requests follow the API's rules."""

from __future__ import annotations

import json

from regionready.demo.seed import DemoPlan
from regionready.remediation.actions.common import feature_request
from regionready.remediation.actions.update_detector_features import missing

from .conftest import TARGET, Harness, enabled


def test_update_detector_features_enables_the_source_plans(
    seeded: DemoPlan, seeded_harness: Harness
) -> None:
    h = seeded_harness
    target_detector = seeded.failing["GD-002"][0]
    before = h.collect(("guardduty",))
    assert h.failing(before, "GD-001", "GD-002") == {("GD-002", target_detector)}
    code, plan, _ = h.remediate(before, rules=("GD-002",))
    assert code == 0
    assert [(c["action"], c["resource"], c["summary"]) for c in plan["changes"]] == [
        (
            "update-detector-features",
            f"detector {target_detector}",
            "enable RUNTIME_MONITORING (EKS_ADDON_MANAGEMENT)",
        )
    ]
    kept = enabled(h, TARGET)
    assert "RUNTIME_MONITORING" not in kept

    writes, first, replay = h.apply_twice(before, ("GD-002",), ("update-detector-features",))
    assert [w.operation for w in writes] == ["UpdateDetector"]
    body = writes[0].params
    assert "DISABLED" not in json.dumps(body) and "enable" not in body, "only enables plans"
    assert [e["outcome"] for e in first] == ["applied"]
    assert [e["outcome"] for e in replay] == ["unchanged"]

    after = h.collect(("guardduty",))
    assert h.failing(after, "GD-001", "GD-002") == set()
    now = enabled(h, TARGET)
    assert now["RUNTIME_MONITORING"] == ["EKS_ADDON_MANAGEMENT"]
    assert kept.items() <= now.items(), "every plan enabled before is still enabled"


def test_feature_requests_follow_the_api_rules() -> None:
    request = feature_request(
        {
            "CLOUD_TRAIL": [],  # reported by GetDetector, not settable
            "RUNTIME_MONITORING": ["ECS_FARGATE_AGENT_MANAGEMENT"],
            "EKS_RUNTIME_MONITORING": ["EKS_ADDON_MANAGEMENT"],
            "S3_DATA_EVENTS": [],
        }
    )
    assert request == [
        {
            "Name": "RUNTIME_MONITORING",
            "Status": "ENABLED",
            "AdditionalConfiguration": [
                {"Name": "ECS_FARGATE_AGENT_MANAGEMENT", "Status": "ENABLED"},
                {"Name": "EKS_ADDON_MANAGEMENT", "Status": "ENABLED"},
            ],
        },
        {"Name": "S3_DATA_EVENTS", "Status": "ENABLED"},
    ]
    wanted = {"DNS_LOGS": [], "S3_DATA_EVENTS": [], "RUNTIME_MONITORING": ["EKS_ADDON_MANAGEMENT"]}
    assert missing(wanted, {"S3_DATA_EVENTS": [], "RUNTIME_MONITORING": []}) == {
        "RUNTIME_MONITORING": ["EKS_ADDON_MANAGEMENT"]
    }
    assert (
        missing(wanted, {"S3_DATA_EVENTS": [], "RUNTIME_MONITORING": ["EKS_ADDON_MANAGEMENT"]})
        == {}
    )
