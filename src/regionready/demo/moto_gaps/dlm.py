"""Amazon Data Lifecycle Manager: moto 5.2.x has no DLM at all; answer it as AWS does.

The calls the dlm collector, seeds and tests make are answered by ``before-call`` hooks
with the real response shapes (botocore service model ``dlm``; parsed values, datetimes
as timezone-aware ``datetime``) and never reach moto:

* CreateLifecyclePolicy: ``{PolicyId}`` (``policy-`` and 17 hex digits). A custom
  policy keeps its ``PolicyDetails`` as given (``PolicyType`` defaults to
  EBS_SNAPSHOT_MANAGEMENT, as in AWS); a default policy (``DefaultPolicy`` VOLUME or
  INSTANCE) gets the simplified PolicyDetails AWS reports for it: PolicyLanguage
  SIMPLIFIED, its ResourceType, CreateInterval (default 1 day), RetainInterval (default
  7 days), CopyTags and ExtendDeletion (default false), CrossRegionCopyTargets and
  Exclusions as given. Neither or both of PolicyDetails and DefaultPolicy, or a second
  default policy for the same resource type in the Region: InvalidRequestException
  (400). The schedules do not run: no snapshot or AMI is ever made or copied.
* GetLifecyclePolicies: LifecyclePolicySummary entries (PolicyId, Description, State,
  Tags when the policy has any, PolicyType, DefaultPolicy on a default policy), in
  creation order, filtered by ``PolicyIds``, ``State``, ``ResourceTypes``,
  ``TargetTags`` (``key=value``) and ``DefaultPolicyType`` when given. Not paginated
  (nor is it in AWS).
* GetLifecyclePolicy: ``{Policy}``, the LifecyclePolicy (PolicyId, PolicyArn
  ``arn:aws:dlm:<region>:<account>:policy/<id>``, Description, State, StatusMessage
  (the state: AWS's message for a healthy policy), ExecutionRoleArn, DateCreated,
  DateModified, PolicyDetails, Tags when given, DefaultPolicy on a default policy). An
  unknown id: ResourceNotFoundException (404).

State lives in a store keyed by (account, Region), reset by ``mock_aws()``, found as the
accessanalyzer module finds it (``accessanalyzer.moto_account``/``regional_store``):
a policy exists only in the Region it was created in.
"""

from __future__ import annotations

import copy
import threading
import uuid
from typing import Any

from regionready.demo.moto_gaps._common import Handler, remember_params, remembered_params
from regionready.demo.moto_gaps.accessanalyzer import (
    Reply,
    error,
    moto_account,
    now,
    partition,
    regional_store,
    reply,
)

DEFAULT_CREATE_INTERVAL = 1  # days
DEFAULT_RETAIN_INTERVAL = 7  # days
DEFAULT_POLICY_TYPES = {"VOLUME": "EBS_SNAPSHOT_MANAGEMENT", "INSTANCE": "IMAGE_MANAGEMENT"}
SUMMARY_FIELDS = ("PolicyId", "Description", "State", "Tags", "DefaultPolicy")


class _Policies:
    """The lifecycle policies of one account and Region, by id, in creation order."""

    def __init__(self) -> None:
        self.by_id: dict[str, dict[str, Any]] = {}
        self.lock = threading.Lock()


def _place(request_signer: Any, context: dict[str, Any]) -> tuple[str, str]:
    return moto_account(request_signer), str((context or {}).get("client_region") or "us-east-1")


def _state(account: str, region: str) -> _Policies:
    return regional_store("dlm", _Policies, account, region)


def _invalid(message: str) -> Reply:
    return error(400, "InvalidRequestException", message, Message=message)


def _default_details(request: dict[str, Any]) -> dict[str, Any]:
    """The simplified PolicyDetails AWS reports for a default policy."""
    resource_type = str(request["DefaultPolicy"])
    details: dict[str, Any] = {
        "PolicyLanguage": "SIMPLIFIED",
        "PolicyType": DEFAULT_POLICY_TYPES.get(resource_type, "EBS_SNAPSHOT_MANAGEMENT"),
        "ResourceType": resource_type,
        "CreateInterval": request.get("CreateInterval", DEFAULT_CREATE_INTERVAL),
        "RetainInterval": request.get("RetainInterval", DEFAULT_RETAIN_INTERVAL),
        "CopyTags": bool(request.get("CopyTags", False)),
        "ExtendDeletion": bool(request.get("ExtendDeletion", False)),
        "CrossRegionCopyTargets": copy.deepcopy(request.get("CrossRegionCopyTargets") or []),
    }
    if request.get("Exclusions"):
        details["Exclusions"] = copy.deepcopy(request["Exclusions"])
    return details


def _create_lifecycle_policy(request_signer: Any, context: dict[str, Any], **_: Any) -> Reply:
    request = remembered_params(context)
    account, region = _place(request_signer, context)
    default = request.get("DefaultPolicy")
    if bool(request.get("PolicyDetails")) == bool(default):
        return _invalid("Specify either PolicyDetails (a custom policy) or DefaultPolicy.")
    if default:
        details = _default_details(request)
    else:
        details = copy.deepcopy(request["PolicyDetails"])
        details.setdefault("PolicyType", "EBS_SNAPSHOT_MANAGEMENT")
    policy_id = f"policy-{uuid.uuid4().hex[:17]}"
    when = now()
    policy: dict[str, Any] = {
        "PolicyId": policy_id,
        "Description": request.get("Description"),
        "State": request.get("State"),
        "StatusMessage": request.get("State"),
        "ExecutionRoleArn": request.get("ExecutionRoleArn"),
        "DateCreated": when,
        "DateModified": when,
        "PolicyDetails": details,
        "PolicyArn": f"arn:{partition(region)}:dlm:{region}:{account}:policy/{policy_id}",
    }
    if request.get("Tags"):
        policy["Tags"] = dict(request["Tags"])
    if default:
        policy["DefaultPolicy"] = True
    state = _state(account, region)
    with state.lock:
        if default and any(
            p.get("DefaultPolicy") and p["PolicyDetails"].get("ResourceType") == default
            for p in state.by_id.values()
        ):
            return _invalid(f"A default policy for {default} already exists in {region}.")
        state.by_id[policy_id] = policy
    return reply({"PolicyId": policy_id})


def _resource_types(policy: dict[str, Any]) -> set[str]:
    details = policy["PolicyDetails"]
    found = set(details.get("ResourceTypes") or [])
    if details.get("ResourceType"):
        found.add(str(details["ResourceType"]))
    return found


def _matches(policy: dict[str, Any], request: dict[str, Any]) -> bool:
    details = policy["PolicyDetails"]
    if request.get("PolicyIds") and policy["PolicyId"] not in request["PolicyIds"]:
        return False
    if request.get("State") and policy["State"] != request["State"]:
        return False
    if request.get("ResourceTypes") and not _resource_types(policy) & set(request["ResourceTypes"]):
        return False
    if request.get("TargetTags"):
        tags = {f"{t.get('Key')}={t.get('Value')}" for t in details.get("TargetTags") or []}
        if not tags & set(request["TargetTags"]):
            return False
    wanted = request.get("DefaultPolicyType")
    if wanted:
        if not policy.get("DefaultPolicy"):
            return False
        if wanted != "ALL" and details.get("ResourceType") != wanted:
            return False
    return True


def _summary(policy: dict[str, Any]) -> dict[str, Any]:
    summary = {k: copy.deepcopy(policy[k]) for k in SUMMARY_FIELDS if k in policy}
    summary["PolicyType"] = policy["PolicyDetails"].get("PolicyType")
    return summary


def _get_lifecycle_policies(request_signer: Any, context: dict[str, Any], **_: Any) -> Reply:
    request = remembered_params(context)
    state = _state(*_place(request_signer, context))
    with state.lock:
        found = [_summary(p) for p in state.by_id.values() if _matches(p, request)]
    return reply({"Policies": found})


def _get_lifecycle_policy(request_signer: Any, context: dict[str, Any], **_: Any) -> Reply:
    policy_id = str(remembered_params(context).get("PolicyId"))
    state = _state(*_place(request_signer, context))
    with state.lock:
        policy = state.by_id.get(policy_id)
        if policy is None:
            message = f"Lifecycle policy with ID {policy_id} not found."
            return error(
                404,
                "ResourceNotFoundException",
                message,
                Message=message,
                ResourceType="LifecyclePolicy",
                ResourceIds=[policy_id],
            )
        return reply({"Policy": copy.deepcopy(policy)})


_ANSWERS: dict[str, Handler] = {
    "CreateLifecyclePolicy": _create_lifecycle_policy,
    "GetLifecyclePolicies": _get_lifecycle_policies,
    "GetLifecyclePolicy": _get_lifecycle_policy,
}

HANDLERS: tuple[tuple[str, Handler], ...] = tuple(
    pair
    for operation, answer in _ANSWERS.items()
    for pair in (
        (f"before-parameter-build.dlm.{operation}", remember_params),
        (f"before-call.dlm.{operation}", answer),
    )
)
