"""moto_gaps.dlm: Data Lifecycle Manager answered as AWS does (moto has none).

Each test states the AWS behaviour and checks the hooked session shows it; one checks
plain moto still cannot answer (so the module is noticed if a moto upgrade adds it).
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from regionready.demo import moto_gaps

from . import shapes

US, EU = "us-east-1", "eu-central-1"
ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/AWSDataLifecycleManagerDefaultRole"
SCHEDULE = {
    "Name": "daily",
    "CreateRule": {"Interval": 24, "IntervalUnit": "HOURS", "Times": ["03:00"]},
    "RetainRule": {"Count": 7},
    "CrossRegionCopyRules": [
        {
            "TargetRegion": EU,
            "Encrypted": True,
            "CmkArn": f"arn:aws:kms:{EU}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "CopyTags": True,
            "RetainRule": {"Interval": 14, "IntervalUnit": "DAYS"},
        }
    ],
}


@pytest.fixture
def us(session: boto3.Session) -> Any:
    return session.client("dlm", region_name=US)


def output_problems(operation: str, response: dict[str, Any]) -> list[str]:
    return shapes.output_problems("dlm", operation, response)


def _custom(client: Any, **extra: Any) -> str:
    details = {
        "PolicyType": "EBS_SNAPSHOT_MANAGEMENT",
        "ResourceTypes": ["VOLUME"],
        "TargetTags": [{"Key": "app", "Value": "ledger"}],
        "Schedules": [SCHEDULE],
    }
    details.update(extra.pop("details", {}))
    policy_id: str = client.create_lifecycle_policy(
        ExecutionRoleArn=ROLE,
        Description=extra.pop("Description", "ledger"),
        State=extra.pop("State", "ENABLED"),
        PolicyDetails=details,
        **extra,
    )["PolicyId"]
    return policy_id


def test_plain_moto_has_no_dlm(aws: None) -> None:
    with pytest.raises(ClientError, match="Not yet implemented"):
        boto3.client("dlm", region_name=US).get_lifecycle_policies()


def test_created_policy_is_read_back_as_given(us: Any) -> None:
    created = us.create_lifecycle_policy(
        ExecutionRoleArn=ROLE,
        Description="ledger",
        State="ENABLED",
        PolicyDetails={
            "PolicyType": "EBS_SNAPSHOT_MANAGEMENT",
            "ResourceTypes": ["VOLUME"],
            "TargetTags": [{"Key": "app", "Value": "ledger"}],
            "Schedules": [SCHEDULE],
        },
        Tags={"team": "payments"},
    )
    assert output_problems("CreateLifecyclePolicy", created) == []
    policy_id = created["PolicyId"]
    assert policy_id.startswith("policy-") and len(policy_id) == len("policy-") + 17

    answer = us.get_lifecycle_policy(PolicyId=policy_id)
    assert output_problems("GetLifecyclePolicy", answer) == []
    policy = answer["Policy"]
    assert policy["PolicyArn"] == f"arn:aws:dlm:{US}:{ACCOUNT}:policy/{policy_id}"
    assert (policy["State"], policy["StatusMessage"]) == ("ENABLED", "ENABLED")
    assert (policy["ExecutionRoleArn"], policy["Description"]) == (ROLE, "ledger")
    assert policy["Tags"] == {"team": "payments"}
    assert policy["PolicyDetails"]["Schedules"] == [SCHEDULE]
    assert policy["DateCreated"].tzinfo and policy["DateModified"] == policy["DateCreated"]
    assert "DefaultPolicy" not in policy


def test_policy_type_defaults_to_ebs_snapshots(us: Any) -> None:
    policy_id = us.create_lifecycle_policy(
        ExecutionRoleArn=ROLE,
        Description="no type",
        State="DISABLED",
        PolicyDetails={"ResourceTypes": ["INSTANCE"], "Schedules": [SCHEDULE]},
    )["PolicyId"]
    details = us.get_lifecycle_policy(PolicyId=policy_id)["Policy"]["PolicyDetails"]
    assert details["PolicyType"] == "EBS_SNAPSHOT_MANAGEMENT"


def test_default_policy_gets_simplified_details(us: Any) -> None:
    policy_id = us.create_lifecycle_policy(
        ExecutionRoleArn=ROLE,
        Description="default",
        State="ENABLED",
        DefaultPolicy="INSTANCE",
        RetainInterval=30,
        CrossRegionCopyTargets=[{"TargetRegion": EU}],
    )["PolicyId"]
    answer = us.get_lifecycle_policy(PolicyId=policy_id)
    assert output_problems("GetLifecyclePolicy", answer) == []
    policy = answer["Policy"]
    assert policy["DefaultPolicy"] is True
    assert policy["PolicyDetails"] == {
        "PolicyLanguage": "SIMPLIFIED",
        "PolicyType": "IMAGE_MANAGEMENT",
        "ResourceType": "INSTANCE",
        "CreateInterval": 1,
        "RetainInterval": 30,
        "CopyTags": False,
        "ExtendDeletion": False,
        "CrossRegionCopyTargets": [{"TargetRegion": EU}],
    }
    # One default policy per resource type and Region.
    with pytest.raises(ClientError) as second:
        us.create_lifecycle_policy(
            ExecutionRoleArn=ROLE, Description="again", State="ENABLED", DefaultPolicy="INSTANCE"
        )
    assert second.value.response["Error"]["Code"] == "InvalidRequestException"


def test_a_policy_needs_details_or_default_not_both(us: Any) -> None:
    for extra in ({}, {"PolicyDetails": {"Schedules": [SCHEDULE]}, "DefaultPolicy": "VOLUME"}):
        with pytest.raises(ClientError) as invalid:
            us.create_lifecycle_policy(
                ExecutionRoleArn=ROLE, Description="x", State="ENABLED", **extra
            )
        assert invalid.value.response["Error"]["Code"] == "InvalidRequestException"
        assert invalid.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert us.get_lifecycle_policies()["Policies"] == []


def test_summaries_and_their_filters(us: Any) -> None:
    ledger = _custom(us, Tags={"team": "payments"})
    paused = _custom(
        us,
        Description="paused",
        State="DISABLED",
        details={"ResourceTypes": ["INSTANCE"], "TargetTags": [{"Key": "b", "Value": "1"}]},
    )
    default = us.create_lifecycle_policy(
        ExecutionRoleArn=ROLE, Description="default", State="ENABLED", DefaultPolicy="VOLUME"
    )["PolicyId"]

    answer = us.get_lifecycle_policies()
    assert output_problems("GetLifecyclePolicies", answer) == []
    summaries = answer["Policies"]
    assert [p["PolicyId"] for p in summaries] == [ledger, paused, default]
    assert summaries[0] == {
        "PolicyId": ledger,
        "Description": "ledger",
        "State": "ENABLED",
        "Tags": {"team": "payments"},
        "PolicyType": "EBS_SNAPSHOT_MANAGEMENT",
    }
    assert summaries[2]["DefaultPolicy"] is True

    def ids(**filters: Any) -> list[str]:
        return [p["PolicyId"] for p in us.get_lifecycle_policies(**filters)["Policies"]]

    assert ids(State="DISABLED") == [paused]
    assert ids(PolicyIds=[default, ledger]) == [ledger, default]
    assert ids(ResourceTypes=["VOLUME"]) == [ledger, default]
    assert ids(TargetTags=["app=ledger"]) == [ledger]
    assert ids(DefaultPolicyType="ALL") == [default]
    assert ids(DefaultPolicyType="INSTANCE") == []


def test_unknown_policy_is_not_found(us: Any) -> None:
    with pytest.raises(ClientError) as missing:
        us.get_lifecycle_policy(PolicyId="policy-0123456789abcdef0")
    assert missing.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert missing.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_state_is_per_region_and_account(
    session: boto3.Session, us: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy_id = _custom(us)
    eu = session.client("dlm", region_name=EU)
    assert eu.get_lifecycle_policies()["Policies"] == []
    with pytest.raises(ClientError, match="ResourceNotFoundException"):
        eu.get_lifecycle_policy(PolicyId=policy_id)
    eu_id = _custom(eu)
    assert eu.get_lifecycle_policy(PolicyId=eu_id)["Policy"]["PolicyArn"].startswith(
        f"arn:aws:dlm:{EU}:{ACCOUNT}:policy/"
    )

    monkeypatch.setenv("MOTO_ACCOUNT_ID", "210987654321")
    assert us.get_lifecycle_policies()["Policies"] == []
    other = _custom(us)
    arn = us.get_lifecycle_policy(PolicyId=other)["Policy"]["PolicyArn"]
    assert arn == f"arn:aws:dlm:{US}:210987654321:policy/{other}"


def test_mock_aws_resets_the_state() -> None:
    with mock_aws():
        client = moto_gaps.install(boto3.Session(region_name=US)).client("dlm")
        _custom(client)
        assert len(client.get_lifecycle_policies()["Policies"]) == 1
    with mock_aws():
        client = moto_gaps.install(boto3.Session(region_name=US)).client("dlm")
        assert client.get_lifecycle_policies()["Policies"] == []
