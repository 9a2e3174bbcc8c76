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

from functools import cache
from typing import Any

import botocore.session

from regionready.model import Result
from regionready.remediation import Change, PlanContext, TargetClients

ACTION = "create-detector"
RULES = ("GD-001",)
PERMISSIONS = (
    "guardduty:ListDetectors",
    "guardduty:GetDetector",
    "guardduty:CreateDetector",
    "guardduty:UpdateDetector",
)

Features = dict[str, list[str]]  # enabled feature -> its enabled agent configurations


@cache
def settable_features() -> frozenset[str]:
    """The feature names UpdateDetector/CreateDetector accept."""
    model = botocore.session.get_session().get_service_model("guardduty")
    return frozenset(model.shape_for("DetectorFeature").enum)


def enabled_features(detector: dict[str, Any] | None) -> Features:
    """The ENABLED features of a GetDetector answer with their ENABLED agent configs."""
    found: Features = {}
    for feature in (detector or {}).get("Features") or []:
        if feature.get("Status") != "ENABLED" or not feature.get("Name"):
            continue
        found[str(feature["Name"])] = sorted(
            str(c["Name"])
            for c in feature.get("AdditionalConfiguration") or []
            if c.get("Status") == "ENABLED" and c.get("Name")
        )
    return found


def feature_request(features: Features) -> list[dict[str, Any]]:
    """The Features parameter enabling ``features``: settable names only, and never both
    Runtime Monitoring plans in one request."""
    wanted = {name: set(configs) for name, configs in features.items()}
    if "RUNTIME_MONITORING" in wanted and "EKS_RUNTIME_MONITORING" in wanted:
        wanted["RUNTIME_MONITORING"] |= wanted.pop("EKS_RUNTIME_MONITORING")
    request: list[dict[str, Any]] = []
    for name in sorted(wanted):
        if name not in settable_features():
            continue
        entry: dict[str, Any] = {"Name": name, "Status": "ENABLED"}
        if wanted[name]:
            entry["AdditionalConfiguration"] = [
                {"Name": c, "Status": "ENABLED"} for c in sorted(wanted[name])
            ]
        request.append(entry)
    return request


def target_detector(guardduty: Any) -> tuple[str | None, dict[str, Any] | None]:
    """The target's detector id and GetDetector answer, or (None, None)."""
    ids = [
        str(d)
        for page in guardduty.get_paginator("list_detectors").paginate()
        for d in page["DetectorIds"]
    ]
    if not ids:
        return None, None
    detector: dict[str, Any] = guardduty.get_detector(DetectorId=ids[0])
    return ids[0], detector


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
        Change(
            action=ACTION,
            rule_id=finding.rule_id,
            fingerprint=finding.fingerprint,
            account=finding.account,
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
