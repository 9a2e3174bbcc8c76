"""moto_gaps.ec2: EBS volumes, snapshots and the default EBS key answered as AWS does.

Each test states the AWS behaviour and checks the hooked session shows it; the first
pins what plain moto does, so a correction a moto upgrade makes unnecessary is noticed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from regionready.demo import moto_gaps

US, EU = "us-east-1", "eu-west-1"
ACCOUNT = "123456789012"


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # moto's public AMI snapshots are what the OwnerIds hook must leave out: load them
    # (tests/conftest.py turns the catalogue off for speed).
    monkeypatch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "true")
    with mock_aws():
        yield


@pytest.fixture
def session(aws: None) -> boto3.Session:
    return moto_gaps.install(boto3.Session(region_name=US))


@pytest.fixture
def us(session: boto3.Session) -> Any:
    return session.client("ec2", region_name=US)


@pytest.fixture
def eu(session: boto3.Session) -> Any:
    return session.client("ec2", region_name=EU)


def _key(session: boto3.Session, region: str, alias: str | None = None) -> str:
    kms = session.client("kms", region_name=region)
    meta = kms.create_key()["KeyMetadata"]
    if alias:
        kms.create_alias(AliasName=alias, TargetKeyId=meta["KeyId"])
    arn: str = meta["Arn"]
    return arn


def _snapshot(client: Any, snapshot_id: str) -> dict[str, Any]:
    found: dict[str, Any] = client.describe_snapshots(SnapshotIds=[snapshot_id])["Snapshots"][0]
    return found


def _managed_ebs_key(session: boto3.Session, region: str) -> dict[str, Any]:
    kms = session.client("kms", region_name=region)
    meta: dict[str, Any] = kms.describe_key(KeyId="alias/aws/ebs")["KeyMetadata"]
    return meta


def test_plain_moto_gets_ebs_wrong(aws: None) -> None:
    plain = boto3.Session(region_name=US)
    us, eu = plain.client("ec2", region_name=US), plain.client("ec2", region_name=EU)
    key = plain.client("kms", region_name=US).create_key()["KeyMetadata"]["Arn"]
    volume = us.create_volume(AvailabilityZone=f"{US}a", Size=8, Encrypted=True, KmsKeyId=key)
    snapshot = us.create_snapshot(VolumeId=volume["VolumeId"])
    copy = eu.copy_snapshot(SourceRegion=US, SourceSnapshotId=snapshot["SnapshotId"])

    with pytest.raises(NotImplementedError):
        us.get_ebs_default_kms_key_id()
    owners = {s["OwnerId"] for s in us.describe_snapshots(OwnerIds=["self"])["Snapshots"]}
    assert owners - {ACCOUNT}  # public AMI snapshots of other owners
    assert "KmsKeyId" not in _snapshot(us, snapshot["SnapshotId"])
    copied = _snapshot(eu, copy["SnapshotId"])
    assert "Description" not in copied
    assert copied["VolumeId"] == volume["VolumeId"]


def test_default_kms_key_id_is_the_managed_alias_until_modified(
    session: boto3.Session, us: Any, eu: Any
) -> None:
    key = _key(session, US, "alias/ebs-default")
    assert (
        us.get_ebs_default_kms_key_id()["KmsKeyId"] == f"arn:aws:kms:{US}:{ACCOUNT}:alias/aws/ebs"
    )
    # An encrypted volume without a key creates aws/ebs; the default is still its alias.
    us.create_volume(AvailabilityZone=f"{US}a", Size=8, Encrypted=True)
    assert (
        us.get_ebs_default_kms_key_id()["KmsKeyId"] == f"arn:aws:kms:{US}:{ACCOUNT}:alias/aws/ebs"
    )

    us.modify_ebs_default_kms_key_id(KmsKeyId="alias/ebs-default")
    assert us.get_ebs_default_kms_key_id()["KmsKeyId"] == key
    assert (
        eu.get_ebs_default_kms_key_id()["KmsKeyId"] == f"arn:aws:kms:{EU}:{ACCOUNT}:alias/aws/ebs"
    )


def test_describe_snapshots_lists_only_the_owners_asked_for(us: Any) -> None:
    volume = us.create_volume(AvailabilityZone=f"{US}a", Size=8)["VolumeId"]
    mine = {us.create_snapshot(VolumeId=volume)["SnapshotId"] for _ in range(3)}

    for owners in (["self"], [ACCOUNT]):
        found = us.describe_snapshots(OwnerIds=owners)["Snapshots"]
        assert {s["SnapshotId"] for s in found} == mine
    assert us.describe_snapshots(OwnerIds=["111122223333"])["Snapshots"] == []
    # Without OwnerIds AWS lists every snapshot the caller may use (public ones too).
    assert len(us.describe_snapshots()["Snapshots"]) > len(mine)


def test_describe_snapshots_and_volumes_page(us: Any) -> None:
    volumes = {us.create_volume(AvailabilityZone=f"{US}a", Size=8)["VolumeId"] for _ in range(3)}
    snapshots = {us.create_snapshot(VolumeId=v)["SnapshotId"] for v in volumes}

    pages = list(
        us.get_paginator("describe_snapshots").paginate(
            OwnerIds=["self"], PaginationConfig={"PageSize": 2}
        )
    )
    assert [len(p["Snapshots"]) for p in pages] == [2, 1]
    assert {s["SnapshotId"] for p in pages for s in p["Snapshots"]} == snapshots
    first = us.describe_volumes(MaxResults=2)
    assert len(first["Volumes"]) == 2 and first["NextToken"]
    rest = us.describe_volumes(MaxResults=2, NextToken=first["NextToken"])
    assert "NextToken" not in rest
    assert {v["VolumeId"] for v in first["Volumes"] + rest["Volumes"]} == volumes


def test_snapshot_of_an_encrypted_volume_has_its_key(session: boto3.Session, us: Any) -> None:
    key = _key(session, US)
    volume = us.create_volume(AvailabilityZone=f"{US}a", Size=8, Encrypted=True, KmsKeyId=key)
    created = us.create_snapshot(VolumeId=volume["VolumeId"])

    assert created["KmsKeyId"] == key
    assert _snapshot(us, created["SnapshotId"])["KmsKeyId"] == key


def test_copy_snapshot_description_volume_and_key(session: boto3.Session, us: Any, eu: Any) -> None:
    key = _key(session, US)
    eu_key = _key(session, EU, "alias/ledger-eu")
    volume = us.create_volume(AvailabilityZone=f"{US}a", Size=20, Encrypted=True, KmsKeyId=key)
    source = us.create_snapshot(VolumeId=volume["VolumeId"], Description="month-end")["SnapshotId"]

    by_alias = eu.copy_snapshot(
        SourceRegion=US, SourceSnapshotId=source, KmsKeyId="alias/ledger-eu"
    )
    copied = _snapshot(eu, by_alias["SnapshotId"])
    assert copied["Description"] == f"[Copied {source} from {US}]"
    assert (copied["Encrypted"], copied["KmsKeyId"]) == (True, eu_key)
    assert (copied["VolumeId"], copied["VolumeSize"]) == ("vol-ffffffff", 20)

    # An encrypted source copied without a key: the destination's default EBS key.
    default = _snapshot(
        eu,
        eu.copy_snapshot(SourceRegion=US, SourceSnapshotId=source, Description="dr")["SnapshotId"],
    )
    managed = _managed_ebs_key(session, EU)
    assert default["Description"] == "dr"
    assert (default["Encrypted"], default["KmsKeyId"]) == (True, managed["Arn"])
    assert managed["KeyManager"] == "AWS"

    # A copy makes volumes like any snapshot.
    restored = eu.create_volume(AvailabilityZone=f"{EU}a", SnapshotId=by_alias["SnapshotId"])
    assert (restored["Size"], restored["KmsKeyId"]) == (20, eu_key)


def test_copy_snapshot_encrypts_when_asked_or_by_default(
    session: boto3.Session, us: Any, eu: Any
) -> None:
    volume = us.create_volume(AvailabilityZone=f"{US}a", Size=8)["VolumeId"]
    source = us.create_snapshot(VolumeId=volume)["SnapshotId"]

    plain = _snapshot(eu, eu.copy_snapshot(SourceRegion=US, SourceSnapshotId=source)["SnapshotId"])
    assert plain["Encrypted"] is False and "KmsKeyId" not in plain
    asked = eu.copy_snapshot(SourceRegion=US, SourceSnapshotId=source, Encrypted=True)
    assert _snapshot(eu, asked["SnapshotId"])["Encrypted"] is True
    eu_key = _key(session, EU)
    eu.enable_ebs_encryption_by_default()
    eu.modify_ebs_default_kms_key_id(KmsKeyId=eu_key)
    by_default = _snapshot(
        eu, eu.copy_snapshot(SourceRegion=US, SourceSnapshotId=source)["SnapshotId"]
    )
    assert (by_default["Encrypted"], by_default["KmsKeyId"]) == (True, eu_key)


def test_create_volume_keys_as_aws_gives_them(session: boto3.Session, us: Any) -> None:
    key = _key(session, US, "alias/app")
    by_alias = us.create_volume(
        AvailabilityZone=f"{US}a", Size=8, Encrypted=True, KmsKeyId="alias/app"
    )
    assert by_alias["KmsKeyId"] == key
    source = us.create_snapshot(VolumeId=by_alias["VolumeId"])["SnapshotId"]
    restored = us.create_volume(AvailabilityZone=f"{US}a", SnapshotId=source)
    assert (restored["Encrypted"], restored["KmsKeyId"]) == (True, key)

    managed = us.create_volume(AvailabilityZone=f"{US}a", Size=8, Encrypted=True)
    assert managed["KmsKeyId"] == _managed_ebs_key(session, US)["Arn"]
    assert _managed_ebs_key(session, US)["KeyManager"] == "AWS"

    assert us.create_volume(AvailabilityZone=f"{US}a", Size=8)["Encrypted"] is False
    us.enable_ebs_encryption_by_default()
    us.modify_ebs_default_kms_key_id(KmsKeyId=key)
    by_default = us.create_volume(AvailabilityZone=f"{US}a", Size=8)
    assert (by_default["Encrypted"], by_default["KmsKeyId"]) == (True, key)
    described = us.describe_volumes(VolumeIds=[by_default["VolumeId"]])["Volumes"][0]
    assert (described["Encrypted"], described["KmsKeyId"]) == (True, key)
