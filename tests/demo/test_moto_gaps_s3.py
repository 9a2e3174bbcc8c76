"""moto_gaps.s3: ListBuckets and GetBucketReplication answered as AWS does.

Each test pins what plain moto does first, so a correction a moto upgrade makes
unnecessary is noticed, then checks the hooked session answers as AWS does.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from regionready.demo import moto_gaps

EU, US = "eu-central-1", "us-east-1"
ROLE = "arn:aws:iam::123456789012:role/replication"


@pytest.fixture
def aws() -> Iterator[None]:
    with mock_aws():
        yield


@pytest.fixture
def session(aws: None) -> boto3.Session:
    return moto_gaps.install(boto3.Session(region_name=US))


def _plant(make: Any) -> Any:
    """Three buckets in EU (created out of name order), one in us-east-1; the EU client."""
    client = make("s3", region_name=EU)
    for name in ("charlie", "alpha", "bravo"):
        client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": EU})
    make("s3", region_name=US).create_bucket(Bucket="delta-us")
    return client


def _config(rules: list[dict[str, Any]]) -> dict[str, Any]:
    return {"Role": ROLE, "Rules": rules}


RULE = {
    "ID": "to-dr",
    "Priority": 2,
    "Status": "Enabled",
    "Filter": {"Prefix": "exports/"},
    "ExistingObjectReplication": {"Status": "Enabled"},
    "DeleteMarkerReplication": {"Status": "Enabled"},
    "SourceSelectionCriteria": {"SseKmsEncryptedObjects": {"Status": "Enabled"}},
    "Destination": {
        "Bucket": "arn:aws:s3:::bravo",
        "EncryptionConfiguration": {
            "ReplicaKmsKeyID": "arn:aws:kms:eu-central-1:123456789012:key/dr"
        },
    },
}


def test_plain_moto_truncates_pages_silently_and_omits_bucket_region(aws: None) -> None:
    plain = _plant(boto3.client)
    page = plain.list_buckets(BucketRegion=EU, MaxBuckets=1)
    assert len(page["Buckets"]) == 1
    assert "ContinuationToken" not in page  # the other two buckets are lost
    assert all("BucketRegion" not in b for b in plain.list_buckets(BucketRegion=EU)["Buckets"])


def test_list_buckets_pages_in_name_order_with_bucket_region(session: boto3.Session) -> None:
    client = _plant(session.client)
    pages = list(
        client.get_paginator("list_buckets").paginate(
            BucketRegion=EU, PaginationConfig={"PageSize": 1}
        )
    )
    assert [[b["Name"] for b in p["Buckets"]] for p in pages] == [["alpha"], ["bravo"], ["charlie"]]
    assert [p.get("ContinuationToken") is not None for p in pages] == [True, True, False]
    assert {b["BucketRegion"] for p in pages for b in p["Buckets"]} == {EU}

    every = client.list_buckets(MaxBuckets=10)["Buckets"]  # any parameter: BucketRegion given
    assert {b["Name"]: b["BucketRegion"] for b in every} == {
        "alpha": EU,
        "bravo": EU,
        "charlie": EU,
        "delta-us": US,
    }
    us_only = client.list_buckets(BucketRegion=US)["Buckets"]
    assert [(b["Name"], b["BucketRegion"]) for b in us_only] == [("delta-us", US)]
    # Without any parameter AWS leaves BucketRegion out.
    assert all("BucketRegion" not in b for b in client.list_buckets()["Buckets"])


def test_plain_moto_rewrites_replication_rules(aws: None) -> None:
    plain = _plant(boto3.client)
    plain.put_bucket_versioning(Bucket="alpha", VersioningConfiguration={"Status": "Enabled"})
    plain.put_bucket_replication(Bucket="alpha", ReplicationConfiguration=_config([RULE]))
    [rule] = plain.get_bucket_replication(Bucket="alpha")["ReplicationConfiguration"]["Rules"]
    assert "SourceSelectionCriteria" not in rule
    assert rule["Filter"] == {"Prefix": ""}
    assert rule["DeleteMarkerReplication"] == {"Status": "Disabled"}


def test_replication_is_answered_as_it_was_put(session: boto3.Session) -> None:
    client = _plant(session.client)
    client.put_bucket_versioning(Bucket="alpha", VersioningConfiguration={"Status": "Enabled"})
    unnamed = {k: v for k, v in RULE.items() if k != "ID"} | {"Priority": 1}
    client.put_bucket_replication(Bucket="alpha", ReplicationConfiguration=_config([RULE, unnamed]))

    answer = client.get_bucket_replication(Bucket="alpha")["ReplicationConfiguration"]
    named, generated = answer["Rules"]
    assert answer["Role"] == ROLE
    assert named == RULE
    assert generated["ID"] and {k: v for k, v in generated.items() if k != "ID"} == unnamed
    # The ID is moto's, stable from one read to the next.
    again = client.get_bucket_replication(Bucket="alpha")["ReplicationConfiguration"]
    assert again["Rules"][1]["ID"] == generated["ID"]

    # No replication is still AWS's error, also after a configuration was removed.
    with pytest.raises(ClientError, match="ReplicationConfigurationNotFoundError"):
        client.get_bucket_replication(Bucket="bravo")
    client.delete_bucket_replication(Bucket="alpha")
    with pytest.raises(ClientError, match="ReplicationConfigurationNotFoundError"):
        client.get_bucket_replication(Bucket="alpha")


def test_replication_put_again_replaces_the_old_one(session: boto3.Session) -> None:
    client = _plant(session.client)
    client.put_bucket_versioning(Bucket="alpha", VersioningConfiguration={"Status": "Enabled"})
    client.put_bucket_replication(Bucket="alpha", ReplicationConfiguration=_config([RULE]))
    disabled = RULE | {"Status": "Disabled"}
    client.put_bucket_replication(Bucket="alpha", ReplicationConfiguration=_config([disabled]))
    [rule] = client.get_bucket_replication(Bucket="alpha")["ReplicationConfiguration"]["Rules"]
    assert rule == disabled
