"""The DynamoDB collector against moto (corrected by regionready.demo.moto_gaps)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from regionready.collectors import dynamodb
from regionready.snapshot import jsonable

from .helpers import deny, record_calls

SOURCE = "me-central-1"
TARGET = "eu-central-1"
ACCOUNT = "123456789012"
CANARY = "CANARY-item-value-93d0"


def _create(client: Any, name: str, sse: dict[str, Any] | None = None) -> None:
    client.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        **({"SSESpecification": sse} if sse else {}),
    )


@pytest.fixture
def seeded(session: boto3.Session) -> dict[str, str]:
    src = session.client("dynamodb", region_name=SOURCE)
    ids = {
        "key": session.client("kms", region_name=SOURCE).create_key()["KeyMetadata"]["Arn"],
        "dr_key": session.client("kms", region_name=TARGET).create_key()["KeyMetadata"]["Arn"],
    }
    _create(src, "orders", {"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": ids["key"]})
    src.put_item(TableName="orders", Item={"id": {"S": CANARY}})
    src.update_table(
        TableName="orders",
        ReplicaUpdates=[{"Create": {"RegionName": TARGET, "KMSMasterKeyId": ids["dr_key"]}}],
    )
    _create(src, "plain")
    _create(src, "sessions", {"Enabled": True, "SSEType": "KMS"})  # the AWS managed key
    return ids


def _by_name(result: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    return {t["TableName"]: t for t in result["table"]}


def test_tables_with_their_keys_and_replicas(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    clients = make_clients(SOURCE, "dynamodb")
    tables = _by_name(dynamodb.collect(clients, SOURCE))

    assert clients.errors == []
    assert set(tables) == {"orders", "plain", "sessions"}
    orders = tables["orders"]
    assert orders["TableArn"] == f"arn:aws:dynamodb:{SOURCE}:{ACCOUNT}:table/orders"
    assert orders["TableStatus"] == "ACTIVE"
    assert orders["ItemCount"] == 1
    assert isinstance(orders["TableSizeBytes"], int)
    assert orders["SSEDescription"] == {
        "Status": "ENABLED",
        "SSEType": "KMS",
        "KMSMasterKeyArn": seeded["key"],
    }
    assert orders["Replicas"] == [
        {"RegionName": TARGET, "ReplicaStatus": "ACTIVE", "KMSMasterKeyId": seeded["dr_key"]}
    ]
    assert orders["GlobalTableVersion"] == "2019.11.21"
    assert "SSEDescription" not in tables["plain"]  # the AWS owned key
    assert "Replicas" not in tables["plain"]
    managed = tables["sessions"]["SSEDescription"]
    assert managed["SSEType"] == "KMS" and managed["KMSMasterKeyArn"].startswith(
        f"arn:aws:kms:{SOURCE}:{ACCOUNT}:key/"
    )
    assert CANARY not in str(jsonable(tables))

    # Each item is DescribeTable's Table, unchanged.
    described = session.client("dynamodb", region_name=SOURCE).describe_table(TableName="plain")
    assert tables["plain"] == described["Table"]


def test_the_replica_in_the_target_names_the_source(
    make_clients: Any, seeded: dict[str, str]
) -> None:
    tables = _by_name(dynamodb.collect(make_clients(TARGET, "dynamodb"), TARGET))

    assert set(tables) == {"orders"}
    replica = tables["orders"]
    assert replica["TableArn"] == f"arn:aws:dynamodb:{TARGET}:{ACCOUNT}:table/orders"
    assert replica["SSEDescription"]["KMSMasterKeyArn"] == seeded["dr_key"]
    assert replica["Replicas"] == [
        {"RegionName": SOURCE, "ReplicaStatus": "ACTIVE", "KMSMasterKeyId": seeded["key"]}
    ]


def test_small_pages_collect_the_same(make_clients: Any, seeded: dict[str, str]) -> None:
    whole = make_clients(SOURCE, "dynamodb")
    paged = make_clients(SOURCE, "dynamodb", small_pages=True)
    expected = dynamodb.collect(whole, SOURCE)
    result = dynamodb.collect(paged, SOURCE)

    assert len(result["table"]) == 3
    assert jsonable(result) == jsonable(expected)
    assert whole.api_calls == 1 + 3
    assert paged.api_calls == whole.api_calls + 2  # ListTables answered a name a page


def test_denied_list_is_recorded_not_empty(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    deny(session, "dynamodb.ListTables")
    clients = make_clients(SOURCE, "dynamodb")
    result = dynamodb.collect(clients, SOURCE)

    [error] = clients.errors
    assert (error.action, error.code) == ("dynamodb:ListTables", "AccessDeniedException")
    assert error.to_dict()["resource_types"] == ["table"]
    assert "fields" not in error.to_dict() and "resources" not in error.to_dict()
    assert result == {"table": []}


def _fail_describe(session: boto3.Session, table: str, code: str) -> None:
    def fail(params: dict[str, Any], **_: Any) -> None:
        if params.get("TableName") == table:
            raise ClientError({"Error": {"Code": code, "Message": table}}, "DescribeTable")

    session.events.register("before-parameter-build.dynamodb.DescribeTable", fail)


def test_a_denied_describe_keeps_the_table_and_makes_the_type_incomplete(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    _fail_describe(session, "plain", "AccessDeniedException")
    clients = make_clients(SOURCE, "dynamodb")
    tables = _by_name(dynamodb.collect(clients, SOURCE))

    [error] = clients.errors
    assert error.to_dict() == {
        "api": "dynamodb:DescribeTable",
        "code": "AccessDeniedException",
        "message": "plain",
        "action": "dynamodb:DescribeTable",
        "resource_types": ["table"],  # the whole type: the table's id is not known
    }
    assert set(tables) == {"orders", "plain", "sessions"}  # still counted
    assert tables["plain"] == {"TableName": "plain"}
    assert tables["orders"]["Replicas"][0]["RegionName"] == TARGET


def test_a_table_deleted_meanwhile_is_left_out_without_an_error(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    _fail_describe(session, "sessions", "ResourceNotFoundException")
    clients = make_clients(SOURCE, "dynamodb")
    tables = _by_name(dynamodb.collect(clients, SOURCE))

    assert clients.errors == []
    assert set(tables) == {"orders", "plain"}


def test_only_declared_read_only_calls(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    called = record_calls(session)
    dynamodb.collect(make_clients(SOURCE, "dynamodb"), SOURCE)
    assert called == set(dynamodb.PERMISSIONS)
    assert all(c.split(":")[1].startswith(("List", "Describe")) for c in called)
