"""The CloudWatch Logs collector against moto (corrected by regionready.demo.moto_gaps)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from regionready.collectors import logs
from regionready.snapshot import jsonable

from .helpers import deny, record_calls

SOURCE = "me-central-1"
TARGET = "eu-central-1"
CANARY = "CANARY-log-event-5be1"


@pytest.fixture
def seeded(session: boto3.Session) -> dict[str, str]:
    client = session.client("logs", region_name=SOURCE)
    kms = session.client("kms", region_name=SOURCE)
    ids = {
        "key": kms.create_key()["KeyMetadata"]["Arn"],
        "later_key": kms.create_key()["KeyMetadata"]["Arn"],
    }
    client.create_log_group(logGroupName="/app/orders", kmsKeyId=ids["key"])
    client.put_retention_policy(logGroupName="/app/orders", retentionInDays=30)
    client.create_log_stream(logGroupName="/app/orders", logStreamName="s")
    client.put_log_events(
        logGroupName="/app/orders",
        logStreamName="s",
        logEvents=[{"timestamp": 1_700_000_000_000, "message": CANARY}],
    )
    client.create_log_group(logGroupName="/app/plain")
    client.create_log_group(logGroupName="/app/associated")
    client.associate_kms_key(logGroupName="/app/associated", kmsKeyId=ids["later_key"])
    session.client("logs", region_name=TARGET).create_log_group(logGroupName="/app/target")
    return ids


def _by_name(result: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    return {g["logGroupName"]: g for g in result["log_group"]}


def test_log_groups_as_described_with_their_keys(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    clients = make_clients(SOURCE, "logs")
    groups = _by_name(logs.collect(clients, SOURCE))

    assert clients.errors == []
    assert set(groups) == {"/app/orders", "/app/plain", "/app/associated"}
    orders = groups["/app/orders"]
    assert orders["kmsKeyId"] == seeded["key"]
    assert orders["retentionInDays"] == 30
    assert orders["arn"] == f"arn:aws:logs:{SOURCE}:123456789012:log-group:/app/orders:*"
    assert orders["logGroupArn"] == f"arn:aws:logs:{SOURCE}:123456789012:log-group:/app/orders"
    assert {"storedBytes", "creationTime"} <= set(orders)
    assert groups["/app/associated"]["kmsKeyId"] == seeded["later_key"]
    assert "kmsKeyId" not in groups["/app/plain"]
    assert "retentionInDays" not in groups["/app/plain"]

    # Each item is the DescribeLogGroups entry, unchanged: nothing renamed or derived.
    described = session.client("logs", region_name=SOURCE).describe_log_groups()["logGroups"]
    assert groups == {g["logGroupName"]: g for g in described}
    assert CANARY not in str(jsonable(groups))

    target = _by_name(logs.collect(make_clients(TARGET, "logs"), TARGET))
    assert set(target) == {"/app/target"}


def test_small_pages_collect_the_same(make_clients: Any, seeded: dict[str, str]) -> None:
    whole = make_clients(SOURCE, "logs")
    paged = make_clients(SOURCE, "logs", small_pages=True)
    expected = logs.collect(whole, SOURCE)
    result = logs.collect(paged, SOURCE)

    assert len(result["log_group"]) == 3
    assert jsonable(result) == jsonable(expected)
    assert (whole.api_calls, paged.api_calls) == (1, 3)


def test_denied_list_is_recorded_not_empty(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    deny(session, "cloudwatch-logs.DescribeLogGroups")
    clients = make_clients(SOURCE, "logs")
    result = logs.collect(clients, SOURCE)

    [error] = clients.errors
    assert (error.action, error.code) == ("logs:DescribeLogGroups", "AccessDeniedException")
    assert error.to_dict()["resource_types"] == ["log_group"]
    assert "fields" not in error.to_dict() and "resources" not in error.to_dict()
    assert result == {"log_group": []}


def test_a_failed_later_page_loses_the_whole_list(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    def fail_second_page(params: dict[str, Any], **_: Any) -> None:
        if params.get("nextToken"):
            raise ClientError(
                {"Error": {"Code": "ThrottlingException", "Message": "slow down"}},
                "DescribeLogGroups",
            )

    session.events.register(
        "before-parameter-build.cloudwatch-logs.DescribeLogGroups", fail_second_page
    )
    clients = make_clients(SOURCE, "logs", small_pages=True)
    result = logs.collect(clients, SOURCE)

    [error] = clients.errors
    assert (error.action, error.code) == ("logs:DescribeLogGroups", "ThrottlingException")
    assert result == {"log_group": []}  # never the first page alone


def test_only_declared_read_only_calls(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    called = record_calls(session)
    logs.collect(make_clients(SOURCE, "logs"), SOURCE)
    assert called == set(logs.PERMISSIONS) == {"logs:DescribeLogGroups"}
