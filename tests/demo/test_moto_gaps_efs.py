"""moto_gaps.efs: EFS replication (which moto lacks) and file system keys, as AWS gives them.

Each test states the AWS behaviour and checks the hooked session shows it; the first
pins what plain moto does, so a correction a moto upgrade makes unnecessary is noticed.
"""

from __future__ import annotations

import time
from typing import Any
from unittest import mock

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from regionready.demo import moto_gaps

from . import shapes

US, EU = "us-east-1", "eu-west-1"
ACCOUNT = "123456789012"


@pytest.fixture
def us(session: boto3.Session) -> Any:
    return session.client("efs", region_name=US)


@pytest.fixture
def eu(session: boto3.Session) -> Any:
    return session.client("efs", region_name=EU)


def output_problems(operation: str, response: dict[str, Any]) -> list[str]:
    return shapes.output_problems("efs", operation, response)


def _code(caught: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = caught.value.response
    return str(response["Error"]["Code"]), int(response["ResponseMetadata"]["HTTPStatusCode"])


def _fs(client: Any, token: str, **extra: Any) -> dict[str, Any]:
    created: dict[str, Any] = client.create_file_system(CreationToken=token, **extra)
    return created


def _described(client: Any, file_system_id: str) -> dict[str, Any]:
    found: dict[str, Any] = client.describe_file_systems(FileSystemId=file_system_id)[
        "FileSystems"
    ][0]
    return found


def test_plain_moto_has_no_replication_and_keeps_key_ids(aws: None) -> None:
    plain = boto3.Session(region_name=US)
    efs = plain.client("efs", region_name=US)
    key = plain.client("kms", region_name=US).create_key()["KeyMetadata"]["KeyId"]
    by_id = _fs(efs, "a", Encrypted=True, KmsKeyId=key)
    assert by_id["KmsKeyId"] == key
    assert "KmsKeyId" not in _fs(efs, "b", Encrypted=True)
    with pytest.raises(NotImplementedError):
        efs.describe_replication_configurations(FileSystemId=by_id["FileSystemId"])


def test_file_system_keys_are_arns_and_default_to_the_managed_key(
    session: boto3.Session, us: Any
) -> None:
    kms = session.client("kms", region_name=US)
    key = kms.create_key()["KeyMetadata"]
    kms.create_alias(AliasName="alias/files", TargetKeyId=key["KeyId"])

    for given in (key["KeyId"], "alias/files", key["Arn"]):
        created = _fs(us, f"by-{given}", Encrypted=True, KmsKeyId=given)
        assert created["KmsKeyId"] == key["Arn"]
        assert _described(us, created["FileSystemId"])["KmsKeyId"] == key["Arn"]
    managed = _fs(us, "managed", Encrypted=True)
    meta = kms.describe_key(KeyId="alias/aws/elasticfilesystem")["KeyMetadata"]
    assert managed["KmsKeyId"] == meta["Arn"] and meta["KeyManager"] == "AWS"
    assert "KmsKeyId" not in _fs(us, "plain")


def test_replication_to_a_new_file_system_creates_it_there(
    session: boto3.Session, us: Any, eu: Any
) -> None:
    source = _fs(us, "app", PerformanceMode="maxIO", ThroughputMode="elastic")
    eu_key = session.client("kms", region_name=EU).create_key()["KeyMetadata"]
    created = us.create_replication_configuration(
        SourceFileSystemId=source["FileSystemId"],
        Destinations=[{"Region": EU, "KmsKeyId": eu_key["KeyId"]}],
    )
    assert output_problems("CreateReplicationConfiguration", created) == []
    [destination] = created["Destinations"]
    assert (created["SourceFileSystemId"], created["SourceFileSystemRegion"]) == (
        source["FileSystemId"],
        US,
    )
    assert created["SourceFileSystemArn"] == source["FileSystemArn"]
    assert created["OriginalSourceFileSystemArn"] == source["FileSystemArn"]
    assert (destination["Status"], destination["Region"], destination["OwnerId"]) == (
        "ENABLED",
        EU,
        ACCOUNT,
    )

    replica = _described(eu, destination["FileSystemId"])
    assert (replica["Encrypted"], replica["KmsKeyId"]) == (True, eu_key["Arn"])
    assert (replica["PerformanceMode"], replica["ThroughputMode"]) == ("maxIO", "elastic")
    assert [f["FileSystemId"] for f in us.describe_file_systems()["FileSystems"]] == [
        source["FileSystemId"]
    ]

    # Both ends answer with the same configuration.
    for client, file_system_id in ((us, source["FileSystemId"]), (eu, destination["FileSystemId"])):
        answer = client.describe_replication_configurations(FileSystemId=file_system_id)
        assert output_problems("DescribeReplicationConfigurations", answer) == []
        assert answer["Replications"] == [
            {k: v for k, v in created.items() if k != "ResponseMetadata"}
        ]


def test_replication_destination_defaults_and_one_zone(
    session: boto3.Session, us: Any, eu: Any
) -> None:
    source = _fs(us, "app")["FileSystemId"]
    zone = f"{EU}b"
    created = us.create_replication_configuration(
        SourceFileSystemId=source, Destinations=[{"AvailabilityZoneName": zone}]
    )
    replica = _described(eu, created["Destinations"][0]["FileSystemId"])
    managed = session.client("kms", region_name=EU).describe_key(
        KeyId="alias/aws/elasticfilesystem"
    )["KeyMetadata"]
    assert created["Destinations"][0]["Region"] == EU
    assert replica["AvailabilityZoneName"] == zone
    assert (replica["Encrypted"], replica["KmsKeyId"]) == (True, managed["Arn"])


def test_replication_to_an_existing_file_system(us: Any, eu: Any) -> None:
    target = _fs(eu, "existing", Encrypted=True)
    by_arn = us.create_replication_configuration(
        SourceFileSystemId=_fs(us, "one")["FileSystemId"],
        Destinations=[
            {"FileSystemId": target["FileSystemArn"], "RoleArn": "arn:aws:iam::1:role/r"}
        ],
    )
    assert by_arn["Destinations"][0]["FileSystemId"] == target["FileSystemId"]
    assert by_arn["Destinations"][0]["RoleArn"] == "arn:aws:iam::1:role/r"
    assert len(eu.describe_file_systems()["FileSystems"]) == 1  # nothing new created

    with pytest.raises(ClientError) as taken:  # a file system is in one configuration only
        us.create_replication_configuration(
            SourceFileSystemId=_fs(us, "two")["FileSystemId"],
            Destinations=[{"Region": EU, "FileSystemId": target["FileSystemId"]}],
        )
    assert _code(taken) == ("ValidationException", 400)
    with pytest.raises(ClientError) as missing:
        us.create_replication_configuration(
            SourceFileSystemId=_fs(us, "three")["FileSystemId"],
            Destinations=[{"Region": EU, "FileSystemId": "fs-0123456789abcdef0"}],
        )
    assert _code(missing) == ("FileSystemNotFound", 404)


def test_replication_errors(us: Any) -> None:
    source = _fs(us, "app")["FileSystemId"]
    with pytest.raises(ClientError) as unknown:
        us.create_replication_configuration(
            SourceFileSystemId="fs-12345678", Destinations=[{"Region": EU}]
        )
    assert _code(unknown) == ("FileSystemNotFound", 404)
    with pytest.raises(ClientError) as two:
        us.create_replication_configuration(
            SourceFileSystemId=source, Destinations=[{"Region": EU}, {"Region": "eu-west-2"}]
        )
    assert _code(two) == ("ValidationException", 400)

    with pytest.raises(ClientError) as none:
        us.describe_replication_configurations(FileSystemId=source)
    assert _code(none) == ("ReplicationNotFound", 404)
    with pytest.raises(ClientError) as no_fs:
        us.describe_replication_configurations(FileSystemId="fs-12345678")
    assert _code(no_fs) == ("FileSystemNotFound", 404)

    us.create_replication_configuration(SourceFileSystemId=source, Destinations=[{"Region": EU}])
    with pytest.raises(ClientError) as again:
        us.create_replication_configuration(
            SourceFileSystemId=source, Destinations=[{"Region": EU}]
        )
    assert _code(again) == ("ValidationException", 400)


def test_all_replications_of_the_region_in_pages(us: Any, eu: Any) -> None:
    sources = [_fs(us, f"fs-{n}")["FileSystemId"] for n in range(3)]
    for source in sources:
        us.create_replication_configuration(
            SourceFileSystemId=source, Destinations=[{"Region": EU}]
        )

    assert [
        r["SourceFileSystemId"] for r in us.describe_replication_configurations()["Replications"]
    ] == sources
    pages = list(
        us.get_paginator("describe_replication_configurations").paginate(
            PaginationConfig={"PageSize": 2}
        )
    )
    assert [len(p["Replications"]) for p in pages] == [2, 1]
    # The destination Region holds the same three configurations, by their destinations.
    assert len(eu.describe_replication_configurations()["Replications"]) == 3


def test_state_is_per_account(us: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    source = _fs(us, "app")["FileSystemId"]
    us.create_replication_configuration(SourceFileSystemId=source, Destinations=[{"Region": EU}])
    assert len(us.describe_replication_configurations()["Replications"]) == 1
    monkeypatch.setenv("MOTO_ACCOUNT_ID", "210987654321")
    assert us.describe_replication_configurations()["Replications"] == []


def test_mock_aws_resets_the_state() -> None:
    with mock_aws():
        client = moto_gaps.install(boto3.Session(region_name=US)).client("efs")
        source = _fs(client, "app")["FileSystemId"]
        client.create_replication_configuration(
            SourceFileSystemId=source, Destinations=[{"Region": EU}]
        )
        assert len(client.describe_replication_configurations()["Replications"]) == 1
    with mock_aws():
        client = moto_gaps.install(boto3.Session(region_name=US)).client("efs")
        assert client.describe_replication_configurations()["Replications"] == []


def test_the_size_timestamp_is_the_same_at_every_read(session: boto3.Session) -> None:
    efs = session.client("efs", region_name="eu-central-1")
    created = efs.create_file_system(CreationToken="stable")
    first = efs.describe_file_systems()["FileSystems"][0]["SizeInBytes"]["Timestamp"]
    with mock.patch("time.time", return_value=time.time() + 3600):
        second = efs.describe_file_systems()["FileSystems"][0]["SizeInBytes"]["Timestamp"]
    assert first == second == created["CreationTime"]
