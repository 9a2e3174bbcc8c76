"""The S3 collector against moto (corrected by regionready.demo.moto_gaps)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from regionready.collectors import s3
from regionready.snapshot import jsonable

from .helpers import deny, record_calls

SOURCE = "me-central-1"
TARGET = "eu-central-1"
ROLE = "arn:aws:iam::123456789012:role/s3-replication"
CANARY = "CANARY-object-body-41c7"


def _create(client: Any, name: str, region: str) -> None:
    config = {} if region == "us-east-1" else {"LocationConstraint": region}
    client.create_bucket(Bucket=name, **({"CreateBucketConfiguration": config} if config else {}))


def _encrypt(client: Any, name: str, key_arn: str | None) -> None:
    default = {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key_arn} if key_arn else {}
    rule: dict[str, Any] = {
        "ApplyServerSideEncryptionByDefault": default or {"SSEAlgorithm": "AES256"},
        "BucketKeyEnabled": bool(key_arn),
    }
    client.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": [rule]})


def _replication(dr_key: str) -> dict[str, Any]:
    return {
        "Role": ROLE,
        "Rules": [
            {
                "ID": "to-dr",
                "Priority": 1,
                "Status": "Enabled",
                "Filter": {"Prefix": "exports/"},
                "DeleteMarkerReplication": {"Status": "Enabled"},
                "SourceSelectionCriteria": {"SseKmsEncryptedObjects": {"Status": "Enabled"}},
                "Destination": {
                    "Bucket": "arn:aws:s3:::ledger-dr",
                    "EncryptionConfiguration": {"ReplicaKmsKeyID": dr_key},
                },
            }
        ],
    }


@pytest.fixture
def seeded(session: boto3.Session) -> dict[str, str]:
    src = session.client("s3", region_name=SOURCE)
    dst = session.client("s3", region_name=TARGET)
    east = session.client("s3", region_name="us-east-1")
    ids = {
        "key": session.client("kms", region_name=SOURCE).create_key()["KeyMetadata"]["Arn"],
        "dr_key": session.client("kms", region_name=TARGET).create_key()["KeyMetadata"]["Arn"],
    }
    _create(src, "ledger", SOURCE)
    _encrypt(src, "ledger", ids["key"])
    src.put_bucket_versioning(Bucket="ledger", VersioningConfiguration={"Status": "Enabled"})
    src.put_object(Bucket="ledger", Key="exports/1.csv", Body=CANARY.encode())
    _create(dst, "ledger-dr", TARGET)
    _encrypt(dst, "ledger-dr", ids["dr_key"])
    dst.put_bucket_versioning(Bucket="ledger-dr", VersioningConfiguration={"Status": "Enabled"})
    src.put_bucket_replication(
        Bucket="ledger", ReplicationConfiguration=_replication(ids["dr_key"])
    )
    _create(src, "assets", SOURCE)
    _encrypt(src, "assets", None)
    _create(east, "east-logs", "us-east-1")
    _encrypt(east, "east-logs", None)
    _create(dst, "bare", TARGET)  # no default encryption put (moto: not configured)
    return ids


def _by_name(result: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    return {b["Name"]: b for b in result["bucket"]}


def test_buckets_of_the_region_with_encryption_and_replication(
    make_clients: Any, seeded: dict[str, str]
) -> None:
    clients = make_clients(SOURCE, "s3")
    buckets = _by_name(s3.collect(clients, SOURCE))

    assert clients.errors == []  # "no replication" is a fact, not a failed read
    assert set(buckets) == {"ledger", "assets"}  # other Regions' buckets are not listed
    ledger = buckets["ledger"]
    assert set(ledger) == {
        "Name",
        "CreationDate",
        "BucketRegion",
        "ServerSideEncryptionConfiguration",
        "ReplicationConfiguration",
    }
    assert ledger["BucketRegion"] == SOURCE
    assert ledger["ServerSideEncryptionConfiguration"] == {
        "Rules": [
            {
                "ApplyServerSideEncryptionByDefault": {
                    "SSEAlgorithm": "aws:kms",
                    "KMSMasterKeyID": seeded["key"],
                },
                "BucketKeyEnabled": True,
            }
        ]
    }
    assert ledger["ReplicationConfiguration"] == _replication(seeded["dr_key"])

    assets = buckets["assets"]
    assert assets["ReplicationConfiguration"] is None
    rule = assets["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}
    assert CANARY not in str(jsonable(buckets))

    target_clients = make_clients(TARGET, "s3")
    target = _by_name(s3.collect(target_clients, TARGET))
    assert target_clients.errors == []  # "no encryption configured" is a fact too
    assert set(target) == {"ledger-dr", "bare"}
    assert target["ledger-dr"]["BucketRegion"] == TARGET
    dr_default = target["ledger-dr"]["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert dr_default["ApplyServerSideEncryptionByDefault"]["KMSMasterKeyID"] == seeded["dr_key"]
    bare = target["bare"]
    assert (bare["ServerSideEncryptionConfiguration"], bare["ReplicationConfiguration"]) == (
        None,
        None,
    )


def test_us_east_1_buckets_are_named_by_their_region(
    make_clients: Any, seeded: dict[str, str]
) -> None:
    # GetBucketLocation would say null for these; ListBuckets says us-east-1.
    buckets = _by_name(s3.collect(make_clients("us-east-1", "s3"), "us-east-1"))
    assert set(buckets) == {"east-logs"}
    assert buckets["east-logs"]["BucketRegion"] == "us-east-1"


def test_small_pages_collect_the_same(make_clients: Any, seeded: dict[str, str]) -> None:
    whole = make_clients(SOURCE, "s3")
    paged = make_clients(SOURCE, "s3", small_pages=True)
    expected = s3.collect(whole, SOURCE)
    result = s3.collect(paged, SOURCE)

    assert len(result["bucket"]) == 2
    assert jsonable(result) == jsonable(expected)
    assert whole.api_calls == 1 + 2 * 2  # one list page, two reads per bucket
    assert paged.api_calls == whole.api_calls + 1  # ListBuckets answered a bucket a page


def test_denied_list_is_recorded_not_empty(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    deny(session, "s3.ListBuckets", code="AccessDenied")
    clients = make_clients(SOURCE, "s3")
    result = s3.collect(clients, SOURCE)

    [error] = clients.errors
    assert (error.api, error.action, error.code) == (
        "s3:ListBuckets",
        "s3:ListAllMyBuckets",
        "AccessDenied",
    )
    assert error.to_dict()["resource_types"] == ["bucket"]
    assert "fields" not in error.to_dict() and "resources" not in error.to_dict()
    assert result == {"bucket": []}


def test_a_failed_later_page_loses_the_whole_list(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    pages: list[int] = []

    def fail_second_page(**_: Any) -> None:
        pages.append(1)
        if len(pages) == 2:
            raise ClientError({"Error": {"Code": "SlowDown", "Message": "slow"}}, "ListBuckets")

    session.events.register("before-parameter-build.s3.ListBuckets", fail_second_page)
    clients = make_clients(SOURCE, "s3", small_pages=True)
    result = s3.collect(clients, SOURCE)

    [error] = clients.errors
    assert (error.action, error.code) == ("s3:ListAllMyBuckets", "SlowDown")
    assert result == {"bucket": []}  # never the first page alone


def _deny_for(session: boto3.Session, operation: str, bucket: str | None) -> None:
    def fail(params: dict[str, Any], **_: Any) -> None:
        if bucket is None or params.get("Bucket") == bucket:
            raise ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}}, operation)

    session.events.register(f"before-parameter-build.s3.{operation}", fail)


def test_denied_encryption_read_marks_only_that_field_of_that_bucket(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    _deny_for(session, "GetBucketEncryption", "ledger")
    clients = make_clients(SOURCE, "s3")
    buckets = _by_name(s3.collect(clients, SOURCE))

    [error] = clients.errors
    assert error.to_dict() == {
        "api": "s3:GetBucketEncryption",
        "code": "AccessDenied",
        "message": "no",
        "action": "s3:GetEncryptionConfiguration",
        "resource_types": ["bucket"],
        "fields": {"bucket": ["ServerSideEncryptionConfiguration"]},
        "resources": {"bucket": ["ledger"]},
    }
    assert set(buckets) == {"ledger", "assets"}
    assert "ServerSideEncryptionConfiguration" not in buckets["ledger"]
    assert buckets["ledger"]["ReplicationConfiguration"]["Role"] == ROLE
    assert "ServerSideEncryptionConfiguration" in buckets["assets"]


def test_denied_replication_read_is_recorded_not_read_as_none(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    _deny_for(session, "GetBucketReplication", None)
    clients = make_clients(SOURCE, "s3")
    buckets = _by_name(s3.collect(clients, SOURCE))

    assert len(clients.errors) == 2
    assert {e.action for e in clients.errors} == {"s3:GetReplicationConfiguration"}
    assert all(
        e.to_dict()["fields"] == {"bucket": ["ReplicationConfiguration"]} for e in clients.errors
    )
    assert sorted(e.resources["bucket"][0] for e in clients.errors) == ["assets", "ledger"]
    # Denied is not "no replication": the field is absent, never null.
    assert all("ReplicationConfiguration" not in b for b in buckets.values())
    assert all("ServerSideEncryptionConfiguration" in b for b in buckets.values())


def test_only_declared_read_only_calls(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    called = record_calls(session)
    s3.collect(make_clients(SOURCE, "s3"), SOURCE)
    assert called == set(s3.PERMISSIONS)
    assert all(c.split(":")[1].startswith(("List", "Get")) for c in called)
