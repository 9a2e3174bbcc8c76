"""The DLM collector against moto (DLM answered by regionready.demo.moto_gaps.dlm)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from regionready.collectors import dlm
from regionready.snapshot import jsonable

from .helpers import deny, record_calls

SOURCE = "me-central-1"
TARGET = "eu-central-1"
ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/AWSDataLifecycleManagerDefaultRole"
CREATE = {"Interval": 24, "IntervalUnit": "HOURS", "Times": ["03:00"]}


def _copy_rule(key: str) -> dict[str, Any]:
    return {
        "TargetRegion": TARGET,
        "Encrypted": True,
        "CmkArn": key,
        "CopyTags": True,
        "RetainRule": {"Interval": 14, "IntervalUnit": "DAYS"},
    }


@pytest.fixture
def seeded(session: boto3.Session) -> dict[str, str]:
    src = session.client("dlm", region_name=SOURCE)
    key = session.client("kms", region_name=TARGET).create_key()["KeyMetadata"]["Arn"]
    ids = {"key": key}
    ids["ledger"] = src.create_lifecycle_policy(
        ExecutionRoleArn=ROLE,
        Description="ledger daily, copied to the DR Region",
        State="ENABLED",
        PolicyDetails={
            "PolicyType": "EBS_SNAPSHOT_MANAGEMENT",
            "ResourceTypes": ["VOLUME"],
            "TargetTags": [{"Key": "app", "Value": "ledger"}],
            "Schedules": [
                {
                    "Name": "daily",
                    "CreateRule": CREATE,
                    "RetainRule": {"Count": 7},
                    "CrossRegionCopyRules": [_copy_rule(key)],
                }
            ],
        },
        Tags={"team": "payments"},
    )["PolicyId"]
    ids["paused"] = src.create_lifecycle_policy(
        ExecutionRoleArn=ROLE,
        Description="paused",
        State="DISABLED",
        PolicyDetails={
            "ResourceTypes": ["INSTANCE"],
            "TargetTags": [{"Key": "backup", "Value": "yes"}],
            "Schedules": [{"Name": "weekly", "CreateRule": CREATE, "RetainRule": {"Count": 2}}],
        },
    )["PolicyId"]
    ids["default"] = src.create_lifecycle_policy(
        ExecutionRoleArn=ROLE, Description="default", State="ENABLED", DefaultPolicy="VOLUME"
    )["PolicyId"]
    return ids


def _by_id(result: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    return {p["PolicyId"]: p for p in result["policy"]}


def test_policies_with_their_copy_rules(make_clients: Any, seeded: dict[str, str]) -> None:
    clients = make_clients(SOURCE, "dlm")
    policies = _by_id(dlm.collect(clients, SOURCE))

    assert clients.errors == []
    assert set(policies) == {seeded["ledger"], seeded["paused"], seeded["default"]}
    ledger = policies[seeded["ledger"]]
    assert ledger["PolicyArn"] == f"arn:aws:dlm:{SOURCE}:{ACCOUNT}:policy/{seeded['ledger']}"
    assert (ledger["State"], ledger["ExecutionRoleArn"]) == ("ENABLED", ROLE)
    assert ledger["Description"] == "ledger daily, copied to the DR Region"
    assert ledger["Tags"] == {"team": "payments"}
    details = ledger["PolicyDetails"]
    assert (details["PolicyType"], details["ResourceTypes"]) == (
        "EBS_SNAPSHOT_MANAGEMENT",
        ["VOLUME"],
    )
    assert details["TargetTags"] == [{"Key": "app", "Value": "ledger"}]
    [schedule] = details["Schedules"]
    assert schedule["Name"] == "daily"
    assert schedule["CrossRegionCopyRules"] == [_copy_rule(seeded["key"])]
    assert "DateCreated" in ledger and "DateModified" in ledger

    paused = policies[seeded["paused"]]
    assert paused["State"] == "DISABLED"
    assert paused["PolicyDetails"]["PolicyType"] == "EBS_SNAPSHOT_MANAGEMENT"  # AWS's default
    assert "CrossRegionCopyRules" not in paused["PolicyDetails"]["Schedules"][0]

    default = policies[seeded["default"]]
    assert default["DefaultPolicy"] is True
    assert default["PolicyDetails"]["ResourceType"] == "VOLUME"


def test_policies_stay_in_their_region(make_clients: Any, seeded: dict[str, str]) -> None:
    clients = make_clients(TARGET, "dlm")
    assert dlm.collect(clients, TARGET) == {"policy": []}
    assert clients.errors == []


def test_denied_list_is_recorded_not_empty(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    deny(session, "dlm.GetLifecyclePolicies")
    clients = make_clients(SOURCE, "dlm")
    result = dlm.collect(clients, SOURCE)

    [error] = clients.errors
    assert (error.action, error.code) == ("dlm:GetLifecyclePolicies", "AccessDeniedException")
    assert error.to_dict()["resource_types"] == ["policy"]
    assert "resources" not in error.to_dict()
    assert result == {"policy": []}


def test_denied_policy_read_keeps_its_summary_and_names_it(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    def deny_one(params: dict[str, Any], **_: Any) -> None:
        if params.get("PolicyId") == seeded["paused"]:
            raise ClientError(
                {"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "GetLifecyclePolicy"
            )

    session.events.register("before-parameter-build.dlm.GetLifecyclePolicy", deny_one)
    clients = make_clients(SOURCE, "dlm")
    policies = _by_id(dlm.collect(clients, SOURCE))

    [error] = clients.errors
    assert error.action == "dlm:GetLifecyclePolicy"
    assert error.to_dict()["resource_types"] == ["policy"]
    assert error.to_dict()["resources"] == {"policy": [seeded["paused"]]}
    assert policies[seeded["paused"]] == {
        "PolicyId": seeded["paused"],
        "Description": "paused",
        "State": "DISABLED",
        "PolicyType": "EBS_SNAPSHOT_MANAGEMENT",
    }
    assert "PolicyDetails" in policies[seeded["ledger"]]  # the others are read in full


def test_small_pages_collect_the_same(make_clients: Any, seeded: dict[str, str]) -> None:
    whole = make_clients(SOURCE, "dlm")
    paged = make_clients(SOURCE, "dlm", small_pages=True)
    expected = dlm.collect(whole, SOURCE)
    result = dlm.collect(paged, SOURCE)

    assert jsonable(result) == jsonable(expected)
    assert len(result["policy"]) == 3
    # GetLifecyclePolicies is not paginated (in AWS either): one call, then one per policy.
    assert paged.api_calls == whole.api_calls == 4


def test_only_declared_read_only_calls(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    called = record_calls(session)
    dlm.collect(make_clients(SOURCE, "dlm"), SOURCE)

    assert called == set(dlm.PERMISSIONS)
    assert all(c.split(":")[1].startswith(("List", "Describe", "Get")) for c in called)
