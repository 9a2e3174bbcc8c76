"""The Organizations collector against moto (corrected by moto_gaps.organizations)."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from regionready.collectors import organizations
from regionready.demo.moto_gaps.organizations import membership
from regionready.snapshot import jsonable

REGION_GUARD = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "DenyOutsideSource",
            "Effect": "Deny",
            "NotAction": ["iam:*", "organizations:*", "sts:*"],
            "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["me-central-1"]}},
        }
    ],
}


@pytest.fixture
def org(session: boto3.Session) -> Any:
    client = session.client("organizations")
    client.create_organization(FeatureSet="ALL")
    for name in ("region-guard", "deny-leave"):
        client.create_policy(
            Content=json.dumps(REGION_GUARD),
            Description=name,
            Name=name,
            Type="SERVICE_CONTROL_POLICY",
        )
    client.create_policy(
        Content=json.dumps({"tags": {}}), Description="t", Name="tags", Type="TAG_POLICY"
    )
    return client


def test_scps_with_their_content(make_clients: Any, org: Any) -> None:
    clients = make_clients("us-east-1", "organizations")
    result = organizations.collect(clients, "us-east-1")

    assert clients.errors == []
    scps = {p["Name"]: p for p in result["scp"]}
    assert set(scps) == {"FullAWSAccess", "region-guard", "deny-leave"}  # no tag policy
    guard = scps["region-guard"]
    assert {"Id", "Arn", "Name", "Type", "AwsManaged"} <= set(guard)
    assert guard["Type"] == "SERVICE_CONTROL_POLICY"
    assert isinstance(guard["Content"], str)
    assert json.loads(guard["Content"]) == REGION_GUARD
    assert scps["FullAWSAccess"]["AwsManaged"] is True
    json.dumps(jsonable(result))


def test_no_organization_is_an_empty_list_not_an_error(make_clients: Any) -> None:
    clients = make_clients("us-east-1", "organizations")
    result = organizations.collect(clients, "us-east-1")

    assert result == {"scp": []}
    assert clients.errors == []


def test_member_account_access_denied_is_recorded(
    make_clients: Any, org: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    member = org.create_account(Email="member@example.com", AccountName="member")[
        "CreateAccountStatus"
    ]["AccountId"]
    assert membership(member) == "member"
    monkeypatch.setenv("MOTO_ACCOUNT_ID", member)
    clients = make_clients("us-east-1", "organizations")
    result = organizations.collect(clients, "us-east-1")

    [error] = clients.errors
    assert error.code == "AccessDeniedException"
    assert error.action == "organizations:ListPolicies"
    assert error.to_dict()["resource_types"] == ["scp"]
    assert result == {"scp": []}


def test_describe_failure_keeps_the_listed_policy(
    session: boto3.Session, make_clients: Any, org: Any
) -> None:
    def deny(**_: Any) -> None:
        raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "x")

    session.events.register("before-call.organizations.DescribePolicy", deny)
    clients = make_clients("us-east-1", "organizations")
    result = organizations.collect(clients, "us-east-1")

    assert len(result["scp"]) == 3
    assert all("Content" not in p for p in result["scp"])
    assert {e.action for e in clients.errors} == {"organizations:DescribePolicy"}
    assert len(clients.errors) == 3


def test_any_other_list_error_is_recorded(
    session: boto3.Session, make_clients: Any, org: Any
) -> None:
    def throttle(**_: Any) -> None:
        raise ClientError({"Error": {"Code": "TooManyRequestsException", "Message": "slow"}}, "x")

    session.events.register("before-call.organizations.ListPolicies", throttle)
    clients = make_clients("us-east-1", "organizations")
    assert organizations.collect(clients, "us-east-1") == {"scp": []}
    assert [e.code for e in clients.errors] == ["TooManyRequestsException"]


def test_small_pages_collect_the_same(make_clients: Any, org: Any) -> None:
    whole = make_clients("us-east-1", "organizations")
    paged = make_clients("us-east-1", "organizations", small_pages=True)
    expected = organizations.collect(whole, "us-east-1")
    result = organizations.collect(paged, "us-east-1")

    assert jsonable(result) == jsonable(expected)
    assert paged.api_calls == whole.api_calls + len(result["scp"]) - 1


def test_only_declared_read_only_calls(session: boto3.Session, make_clients: Any, org: Any) -> None:
    called: set[str] = set()
    session.events.register(
        "before-call.organizations", lambda model, **_: called.add(f"organizations:{model.name}")
    )
    organizations.collect(make_clients("us-east-1", "organizations"), "us-east-1")

    assert called == set(organizations.PERMISSIONS)


def test_moto_gap_answers_describe_policy_as_aws_does(session: boto3.Session) -> None:
    client = session.client("organizations")
    with pytest.raises(ClientError) as raised:
        client.describe_policy(PolicyId="p-FullAWSAccess")
    assert raised.value.response["Error"]["Code"] == "AWSOrganizationsNotInUseException"
    client.create_organization(FeatureSet="ALL")
    assert client.describe_policy(PolicyId="p-FullAWSAccess")["Policy"]["Content"]
