"""create-detector (GD-001): an enabled GuardDuty detector in the target.

No detector in the target: CreateDetector with Enable=true, the source detector's finding
publishing frequency, tags and the protection plans (features) and agent configurations
enabled in the source. A detector that exists but is suspended (DISABLED): UpdateDetector
Enable=true, nothing else (its protection plans are update-detector-features' business,
GD-002). Enabling is the only state change made: nothing is ever disabled.

Only the features the API can set are sent (``DetectorFeature`` of the botocore model:
CLOUD_TRAIL, DNS_LOGS and FLOW_LOGS are reported by GetDetector but always on), and
never EKS_RUNTIME_MONITORING together with RUNTIME_MONITORING: the API refuses both in
one request and Runtime Monitoring covers EKS, so the EKS plan's agent configurations
move to RUNTIME_MONITORING.

Idempotent: a target detector that is ENABLED already satisfies GD-001.
"""

from __future__ import annotations

from typing import Any

from regionready.model import Result
from regionready.remediation import Change, PlanContext, TargetClients
from regionready.remediation.actions.common import (
    enabled_features,
    feature_request,
    target_detector,
)

ACTION = "create-detector"
PERMISSIONS = (
    "guardduty:ListDetectors",
    "guardduty:GetDetector",
    "guardduty:CreateDetector",
    "guardduty:UpdateDetector",
)


def plan(finding: Result, ctx: PlanContext) -> list[Change]:
    source_id = str(finding.details.get("source") or finding.resource_id)
    detector = ctx.find(ctx.source, "guardduty", "detector", "DetectorId", source_id)
    if detector is None:
        return []
    features = enabled_features(detector)
    target_id = finding.details.get("target")
    params = {
        "FindingPublishingFrequency": detector.get("FindingPublishingFrequency"),
        "Features": features,
        "Tags": dict(detector.get("Tags") or {}),
    }
    summary = (
        f"enable the suspended detector {target_id}"
        if target_id
        else f"create an enabled detector with {', '.join(sorted(features)) or 'no plans'}"
    )
    return [
        Change.fixing(
            finding,
            ACTION,
            region=ctx.target,
            resource="detector",
            summary=summary,
            params=params,
        )
    ]


def apply(change: Change, clients: TargetClients) -> str:
    p = change.params
    guardduty = clients("guardduty")
    detector_id, detector = target_detector(guardduty)
    if detector_id is not None and detector is not None:
        if detector.get("Status") == "ENABLED":
            return f"already present: detector {detector_id} is ENABLED"
        guardduty.update_detector(DetectorId=detector_id, Enable=True)
        return f"enabled detector {detector_id}"
    kwargs: dict[str, Any] = {"Enable": True}
    if p.get("FindingPublishingFrequency"):
        kwargs["FindingPublishingFrequency"] = p["FindingPublishingFrequency"]
    features = feature_request(p.get("Features") or {})
    if features:
        kwargs["Features"] = features
    if p.get("Tags"):
        kwargs["Tags"] = p["Tags"]
    created = guardduty.create_detector(**kwargs)["DetectorId"]
    return f"created detector {created} with {', '.join(f['Name'] for f in features) or 'no plans'}"
