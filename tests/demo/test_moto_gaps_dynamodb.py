"""moto_gaps.dynamodb: global table replicas (version 2019.11.21) and key ARNs as AWS
reports them.

The first test pins what plain moto does, so a correction a moto upgrade makes
unnecessary is noticed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from regionready.demo import moto_gaps

ME, EU, US = "me-central-1", "eu-central-1", "us-east-1"
ACCOUNT = "123456789012"
REPLICA_FIELDS = set(
    botocore.session.get_session()
    .get_service_model("dynamodb")
    .shape_for("ReplicaDescription")
    .members
)


@pytest.fixture
def aws() -> Iterator[None]:
    with mock_aws():
        yield


@pytest.fixture
def session(aws: None) -> boto3.Session:
    return moto_gaps.install(boto3.Session(region_name=US))


def _create(client: Any, name: str = "orders", sse: dict[str, Any] | None = None) -> None:
    client.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        **({"SSESpecification": sse} if sse else {}),
    )


def _key(make: Any, region: str) -> dict[str, str]:
    meta = make("kms", region_name=region).create_key()["KeyMetadata"]
    return {"id": meta["KeyId"], "arn": meta["Arn"]}


def test_plain_moto_ignores_replica_updates(aws: None) -> None:
    src = boto3.client("dynamodb", region_name=ME)
    key = _key(boto3.client, ME)
    _create(src, sse={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": key["id"]})
    answer = src.update_table(TableName="orders", ReplicaUpdates=[{"Create": {"RegionName": EU}}])
    assert "Replicas" not in answer["TableDescription"]
    table = src.describe_table(TableName="orders")["Table"]
    assert "Replicas" not in table
    assert table["SSEDescription"]["KMSMasterKeyArn"] == key["id"]  # not the ARN
    assert boto3.client("dynamodb", region_name=EU).list_tables()["TableNames"] == []


def test_a_replica_is_created_under_the_key_given(session: boto3.Session) -> None:
    src = session.client("dynamodb", region_name=ME)
    dst = session.client("dynamodb", region_name=EU)
    key, dr_key = _key(session.client, ME), _key(session.client, EU)
    _create(src, sse={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": key["id"]})

    answer = src.update_table(
        TableName="orders",
        ReplicaUpdates=[{"Create": {"RegionName": EU, "KMSMasterKeyId": dr_key["id"]}}],
    )["TableDescription"]
    assert answer["Replicas"] == [
        {"RegionName": EU, "ReplicaStatus": "CREATING", "KMSMasterKeyId": dr_key["arn"]}
    ]

    source = src.describe_table(TableName="orders")["Table"]
    assert source["SSEDescription"]["KMSMasterKeyArn"] == key["arn"]  # the ARN, as AWS says
    assert source["Replicas"] == [
        {"RegionName": EU, "ReplicaStatus": "ACTIVE", "KMSMasterKeyId": dr_key["arn"]}
    ]
    assert source["GlobalTableVersion"] == "2019.11.21"
    assert set(source["Replicas"][0]) <= REPLICA_FIELDS

    assert dst.list_tables()["TableNames"] == ["orders"]
    replica = dst.describe_table(TableName="orders")["Table"]
    assert replica["TableArn"] == f"arn:aws:dynamodb:{EU}:{ACCOUNT}:table/orders"
    assert replica["KeySchema"] == source["KeySchema"]
    assert replica["BillingModeSummary"] == {"BillingMode": "PAY_PER_REQUEST"}
    assert replica["StreamSpecification"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert replica["SSEDescription"]["KMSMasterKeyArn"] == dr_key["arn"]
    assert replica["Replicas"] == [
        {"RegionName": ME, "ReplicaStatus": "ACTIVE", "KMSMasterKeyId": key["arn"]}
    ]


def test_replicas_without_a_customer_key_name_none(session: boto3.Session) -> None:
    src = session.client("dynamodb", region_name=ME)
    _create(src, "owned")
    _create(src, "managed", sse={"Enabled": True, "SSEType": "KMS"})
    for name in ("owned", "managed"):
        src.update_table(TableName=name, ReplicaUpdates=[{"Create": {"RegionName": EU}}])

    dst = session.client("dynamodb", region_name=EU)
    owned = dst.describe_table(TableName="owned")["Table"]
    assert "SSEDescription" not in owned  # the AWS owned key, as the source
    managed = dst.describe_table(TableName="managed")["Table"]
    assert managed["SSEDescription"]["KMSMasterKeyArn"].startswith(f"arn:aws:kms:{EU}:")
    for name in ("owned", "managed"):
        [entry] = src.describe_table(TableName=name)["Table"]["Replicas"]
        assert entry == {"RegionName": EU, "ReplicaStatus": "ACTIVE"}


def test_three_regions_each_list_the_other_two(session: boto3.Session) -> None:
    src = session.client("dynamodb", region_name=ME)
    _create(src)
    src.update_table(
        TableName="orders",
        ReplicaUpdates=[{"Create": {"RegionName": EU}}, {"Create": {"RegionName": US}}],
    )
    for region in (ME, EU, US):
        table = session.client("dynamodb", region_name=region).describe_table(TableName="orders")
        listed = [r["RegionName"] for r in table["Table"]["Replicas"]]
        assert listed == sorted({ME, EU, US} - {region})


def test_deleting_a_replica_deletes_its_table(session: boto3.Session) -> None:
    src = session.client("dynamodb", region_name=ME)
    dst = session.client("dynamodb", region_name=EU)
    _create(src)
    src.update_table(TableName="orders", ReplicaUpdates=[{"Create": {"RegionName": EU}}])
    src.update_table(TableName="orders", ReplicaUpdates=[{"Delete": {"RegionName": EU}}])

    assert dst.list_tables()["TableNames"] == []
    assert "Replicas" not in src.describe_table(TableName="orders")["Table"]
    # A table of that name made later in that Region is not a replica.
    _create(dst)
    assert "Replicas" not in dst.describe_table(TableName="orders")["Table"]
    assert "Replicas" not in src.describe_table(TableName="orders")["Table"]


def test_a_replica_where_the_table_exists_fails_as_on_aws(session: boto3.Session) -> None:
    src = session.client("dynamodb", region_name=ME)
    dst = session.client("dynamodb", region_name=EU)
    _create(src)
    _create(dst)
    with pytest.raises(ClientError) as raised:
        src.update_table(TableName="orders", ReplicaUpdates=[{"Create": {"RegionName": EU}}])
    assert raised.value.response["Error"]["Code"] == "ValidationException"
    assert "already existed as tables" in raised.value.response["Error"]["Message"]
    assert "Replicas" not in src.describe_table(TableName="orders")["Table"]
    assert "Replicas" not in dst.describe_table(TableName="orders")["Table"]
