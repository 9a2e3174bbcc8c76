"""update-detector-features (GD-002): enable in the target the plans enabled in the source.

The protection plans (features) ENABLED on the source detector, and the agent
configurations ENABLED under them (e.g. EKS_ADDON_MANAGEMENT of RUNTIME_MONITORING), are
enabled on the target detector with one UpdateDetector call. Nothing is disabled: the
request names only features with Status ENABLED, and it restates the features and agent
configurations the target already has enabled, so an API that replaced the list rather
than merging it (moto does) would still keep them. The same request rules as
create-detector apply (settable features only, never both Runtime Monitoring plans).

The target detector is found when the change is applied: with no detector there the
change fails and says create-detector (GD-001) must run first (it creates the detector
with these plans, after which this change finds nothing to do).

Idempotent: when every source-enabled feature and agent configuration is enabled in the
target, nothing is called.
"""

from __future__ import annotations

from regionready.model import Result
from regionready.remediation import Change, PlanContext, TargetClients
from regionready.remediation.actions.common import (
    Features,
    enabled_features,
    feature_request,
    settable_features,
    target_detector,
)
from regionready.remediation.actions.errors import RemediationError

ACTION = "update-detector-features"
PERMISSIONS = ("guardduty:ListDetectors", "guardduty:GetDetector", "guardduty:UpdateDetector")


def missing(wanted: Features, present: Features) -> Features:
    """The features and agent configurations of ``wanted`` not enabled in ``present``
    (features the API cannot set are left out: they are on with every detector)."""
    gaps: Features = {}
    for name, configs in wanted.items():
        if name not in settable_features():
            continue
        have = present.get(name)
        lacking = [c for c in configs if have is None or c not in have]
        if have is None or lacking:
            gaps[name] = lacking
    return gaps


def _describe(features: Features) -> str:
    return ", ".join(
        f"{name}{' (' + ', '.join(configs) + ')' if configs else ''}"
        for name, configs in sorted(features.items())
    )


def plan(finding: Result, ctx: PlanContext) -> list[Change]:
    source_id = str(finding.details.get("source") or finding.resource_id)
    detector = ctx.find(ctx.source, "guardduty", "detector", "DetectorId", source_id)
    if detector is None:
        return []
    wanted = enabled_features(detector)
    target_id = finding.details.get("target")
    target = (
        ctx.find(ctx.target, "guardduty", "detector", "DetectorId", target_id)
        if target_id
        else None
    )
    gaps = missing(wanted, enabled_features(target))
    if not gaps:
        return []
    return [
        Change.fixing(
            finding,
            ACTION,
            region=ctx.target,
            resource=f"detector {target_id}" if target_id else "detector",
            summary=f"enable {_describe(gaps)}",
            params={"Features": wanted},
        )
    ]


def apply(change: Change, clients: TargetClients) -> str:
    guardduty = clients("guardduty")
    detector_id, detector = target_detector(guardduty)
    if detector_id is None:
        raise RemediationError(
            f"{clients.target} has no GuardDuty detector: create-detector (GD-001) must run first"
        )
    present = enabled_features(detector)
    gaps = missing(change.params["Features"], present)
    if not gaps:
        return f"already present: detector {detector_id} has every plan the source enables"
    merged: Features = {name: list(configs) for name, configs in present.items()}
    for name, configs in gaps.items():
        merged[name] = sorted({*merged.get(name, []), *configs})
    guardduty.update_detector(DetectorId=detector_id, Features=feature_request(merged))
    return f"enabled {_describe(gaps)} on detector {detector_id}"
