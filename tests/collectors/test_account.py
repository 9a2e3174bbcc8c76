"""The account collector (Regions and opt-in status) against moto + moto_gaps.account."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from regionready.collectors import account
from regionready.demo import moto_gaps
from regionready.demo.moto_gaps.account import (
    DEFAULT_ACCOUNT_ID,
    DEFAULT_ENABLED,
    commercial_regions,
    set_region_opt_status,
)

CLIENT_REGION = "us-east-1"  # the driver's Region for global collectors


@pytest.fixture
def account_id(session: boto3.Session) -> str:
    return str(session.client("sts").get_caller_identity()["Account"])


def _statuses(result: dict[str, list[dict[str, Any]]]) -> dict[str, str]:
    return {r["RegionName"]: r["RegionOptStatus"] for r in result["region"]}


def test_every_commercial_region_with_its_status(make_clients: Any, account_id: str) -> None:
    set_region_opt_status(account_id, "me-central-1", "ENABLED")
    set_region_opt_status(account_id, "ap-east-1", "ENABLING")
    clients = make_clients(CLIENT_REGION, "account")
    result = account.collect(clients, CLIENT_REGION)
    statuses = _statuses(result)

    assert clients.errors == []
    assert sorted(statuses) == commercial_regions()
    assert len(result["region"]) == len(statuses)  # each Region once
    assert {"us-east-1", "eu-central-1", "me-central-1", "af-south-1"} <= set(statuses)
    assert statuses["eu-central-1"] == "ENABLED_BY_DEFAULT"
    assert statuses["me-central-1"] == "ENABLED"
    assert statuses["ap-east-1"] == "ENABLING"
    assert statuses["af-south-1"] == statuses["me-south-1"] == "DISABLED"
    assert {r for r, s in statuses.items() if s == "ENABLED_BY_DEFAULT"} == set(DEFAULT_ENABLED)
    assert all(set(item) == {"RegionName", "RegionOptStatus"} for item in result["region"])


def test_filter_and_validation_as_aws(session: boto3.Session, account_id: str) -> None:
    set_region_opt_status(account_id, "me-central-1", "ENABLED")
    client = session.client("account", region_name=CLIENT_REGION)
    enabled = client.list_regions(RegionOptStatusContains=["ENABLED"])["Regions"]
    assert enabled == [{"RegionName": "me-central-1", "RegionOptStatus": "ENABLED"}]

    page = client.list_regions(MaxResults=5)
    assert len(page["Regions"]) == 5 and page["NextToken"]
    rest = client.list_regions(MaxResults=50, NextToken=page["NextToken"])
    assert "NextToken" not in rest
    assert len(page["Regions"]) + len(rest["Regions"]) == len(commercial_regions())

    with pytest.raises(ClientError) as err:
        client.list_regions(MaxResults=51)
    assert err.value.response["Error"]["Code"] == "ValidationException"
    with pytest.raises(ClientError) as err:
        client.list_regions(NextToken="garbage")
    assert err.value.response["Error"]["Code"] == "ValidationException"


def test_status_is_per_account(session: boto3.Session, account_id: str) -> None:
    set_region_opt_status("999999999999", "me-central-1", "ENABLED")
    client = session.client("account", region_name=CLIENT_REGION)
    mine = {r["RegionName"]: r["RegionOptStatus"] for r in client.list_regions()["Regions"]}
    other = {
        r["RegionName"]: r["RegionOptStatus"]
        for r in client.list_regions(AccountId="999999999999")["Regions"]
    }
    assert mine["me-central-1"] == "DISABLED"
    assert other["me-central-1"] == "ENABLED"


def _statuses_now() -> dict[str, str]:
    session = moto_gaps.install(boto3.Session(region_name=CLIENT_REGION))
    account_id = session.client("sts").get_caller_identity()["Account"]
    set_region_opt_status(account_id, "eu-south-1", "ENABLED")
    regions = session.client("account").list_regions()["Regions"]
    return {r["RegionName"]: r["RegionOptStatus"] for r in regions}


def test_state_resets_with_moto() -> None:
    with mock_aws():
        first = _statuses_now()
        set_region_opt_status(DEFAULT_ACCOUNT_ID, "me-central-1", "ENABLED")
        assert _statuses_now()["me-central-1"] == "ENABLED"
    with mock_aws():  # a new mock starts from AWS defaults again
        second = _statuses_now()
    assert first["me-central-1"] == second["me-central-1"] == "DISABLED"
    assert first["eu-south-1"] == "ENABLED"


@pytest.mark.parametrize(
    ("region", "status"),
    [
        ("me-central-1", "OPTED_IN"),
        ("mars-north-1", "ENABLED"),
        ("eu-central-1", "DISABLED"),
    ],
)
def test_seeding_helper_refuses_what_aws_cannot_be(region: str, status: str) -> None:
    with pytest.raises(ValueError):
        set_region_opt_status("123456789012", region, status)


def test_small_pages_collect_the_same(make_clients: Any, account_id: str) -> None:
    set_region_opt_status(account_id, "il-central-1", "ENABLED")
    whole = make_clients(CLIENT_REGION, "account")
    paged = make_clients(CLIENT_REGION, "account", small_pages=True)
    expected = account.collect(whole, CLIENT_REGION)
    result = account.collect(paged, CLIENT_REGION)

    assert result == expected
    assert whole.api_calls == 1
    assert paged.api_calls == len(commercial_regions())


def test_access_denied_is_recorded(session: boto3.Session, make_clients: Any) -> None:
    def deny(**_: Any) -> None:
        raise ClientError(
            {"Error": {"Code": "AccessDeniedException", "Message": "not authorized"}},
            "ListRegions",
        )

    # Ahead of moto_gaps' own answer, as AWS would refuse before answering.
    session.events.register_first("before-call.account.ListRegions", deny)
    clients = make_clients(CLIENT_REGION, "account")
    result = account.collect(clients, CLIENT_REGION)

    [error] = clients.errors
    assert error.action == "account:ListRegions"
    assert error.code == "AccessDeniedException"
    assert error.to_dict()["resource_types"] == ["region"]
    assert result == {"region": []}


def test_only_declared_read_only_calls(session: boto3.Session, make_clients: Any) -> None:
    called: set[str] = set()
    session.events.register(
        "before-parameter-build.account", lambda model, **_: called.add(f"account:{model.name}")
    )
    account.collect(make_clients(CLIENT_REGION, "account"), CLIENT_REGION)

    assert called == set(account.PERMISSIONS)
    assert account.GLOBAL is True
