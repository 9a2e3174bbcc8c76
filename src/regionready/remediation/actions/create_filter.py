"""create-filter (GD-003): the source's saved filter or suppression rule on the target detector.

Same name, action (ARCHIVE: a suppression rule; NOOP: a saved filter), rank, finding
criteria (ARNs mapped to the target Region, as GD-003 compares them) and description,
plus the filter's tags when it is created. The target detector is found when the change
is applied; with none the change fails and says create-detector (GD-001) comes first.

Idempotent: a same-named filter with the same action and criteria (compared as GD-003
compares them) is left alone; one that differs is updated (UpdateFilter), never deleted.
"""

from __future__ import annotations

import copy
from typing import Any

from regionready.engine.functions import normalize_policy
from regionready.model import Result
from regionready.remediation import Change, PlanContext, TargetClients
from regionready.remediation.actions.common import in_region, target_detector
from regionready.remediation.actions.errors import RemediationError

ACTION = "create-filter"
PERMISSIONS = (
    "guardduty:ListDetectors",
    "guardduty:GetDetector",
    "guardduty:ListFilters",
    "guardduty:GetFilter",
    "guardduty:CreateFilter",
    "guardduty:UpdateFilter",
)


def plan(finding: Result, ctx: PlanContext) -> list[Change]:
    name = str(finding.details.get("source") or finding.resource_id)
    found = ctx.find(ctx.source, "guardduty", "filter", "Name", name)
    if found is None or not found.get("FindingCriteria"):
        return []
    params: dict[str, Any] = {
        "Name": name,
        "Action": found.get("Action") or "NOOP",
        "FindingCriteria": in_region(
            copy.deepcopy(found["FindingCriteria"]), ctx.source, ctx.target
        ),
        "Tags": dict(found.get("Tags") or {}),
    }
    if found.get("Rank") is not None:
        params["Rank"] = found["Rank"]
    if found.get("Description"):
        params["Description"] = found["Description"]
    kind = "suppression rule" if params["Action"] == "ARCHIVE" else "saved filter"
    return [
        Change.fixing(
            finding,
            ACTION,
            region=ctx.target,
            resource=name,
            summary=f"{kind} {name} with the source's criteria"
            f"{', rank ' + str(params['Rank']) if 'Rank' in params else ''}",
            params=params,
        )
    ]


def _same(current: dict[str, Any], p: dict[str, Any], target: str) -> bool:
    return (current.get("Action") or "NOOP") == p["Action"] and normalize_policy(
        current.get("FindingCriteria") or {}, target
    ) == normalize_policy(p["FindingCriteria"], target)


def apply(change: Change, clients: TargetClients) -> str:
    p = change.params
    guardduty = clients("guardduty")
    detector_id, _ = target_detector(guardduty)
    if detector_id is None:
        raise RemediationError(
            f"{clients.target} has no GuardDuty detector for filter {p['Name']}: "
            "create-detector (GD-001) must run first"
        )
    names = {
        str(n)
        for page in guardduty.get_paginator("list_filters").paginate(DetectorId=detector_id)
        for n in page["FilterNames"]
    }
    fields = {k: p[k] for k in ("Action", "FindingCriteria", "Rank", "Description") if k in p}
    if p["Name"] not in names:
        tags = {"Tags": p["Tags"]} if p.get("Tags") else {}
        guardduty.create_filter(DetectorId=detector_id, Name=p["Name"], **fields, **tags)
        return f"created filter {p['Name']} on detector {detector_id}"
    current = guardduty.get_filter(DetectorId=detector_id, FilterName=p["Name"])
    if _same(current, p, clients.target):
        return f"already present: filter {p['Name']} on detector {detector_id} matches"
    guardduty.update_filter(DetectorId=detector_id, FilterName=p["Name"], **fields)
    return f"updated filter {p['Name']} on detector {detector_id} to the source's"
