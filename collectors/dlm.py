"""Amazon Data Lifecycle Manager lifecycle policies of one Region.

Items (AWS field names, as the APIs return them):

``policy`` (id ``PolicyId``)
    Each policy GetLifecyclePolicies lists (its summaries; the API is not paginated),
    as GetLifecyclePolicy(PolicyId) returns its ``Policy``: PolicyId, PolicyArn,
    Description, State, StatusMessage, ExecutionRoleArn, DateCreated, DateModified,
    DefaultPolicy, Tags, and PolicyDetails {PolicyType, PolicyLanguage, ResourceTypes,
    ResourceType, TargetTags, Schedules [{Name, CreateRule, RetainRule, CopyTags,
    CrossRegionCopyRules [{TargetRegion, Target, Encrypted, CmkArn, CopyTags,
    RetainRule, ...}], ...}], CrossRegionCopyTargets (default policies), Actions
    (event-based policies), ...}. Policies are read concurrently (``clients.map``), in
    list order. If GetLifecyclePolicy fails for a policy, its summary stands in
    (PolicyId, Description, State, Tags, PolicyType, DefaultPolicy) and the error is
    recorded against that policy.
"""

from __future__ import annotations

from typing import Any

from regionready.collect.clients import Clients

SERVICE = "dlm"
GLOBAL = False
LOCAL = False
RESOURCE_TYPES = {"policy": "PolicyId"}
PERMISSIONS = ("dlm:GetLifecyclePolicies", "dlm:GetLifecyclePolicy")
PERMISSION_RESOURCES: dict[str, str | tuple[str, ...]] = {}


def _policy(clients: Clients, summary: dict[str, Any]) -> dict[str, Any]:
    policy_id = str(summary["PolicyId"])
    response = clients.call(
        "dlm",
        "get_lifecycle_policy",
        feeds=["policy"],
        about={"policy": [policy_id]},
        PolicyId=policy_id,
    )
    if response is None or not response.get("Policy"):
        return dict(summary)
    return dict(response["Policy"])


def collect(clients: Clients, region: str) -> dict[str, list[dict[str, Any]]]:
    summaries = clients.paginate("dlm", "get_lifecycle_policies", "Policies", feeds=["policy"])
    return {"policy": clients.map(lambda summary: _policy(clients, summary), summaries or [])}
