"""The EC2 (EBS) collector against moto (corrected by regionready.demo.moto_gaps)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from regionready.collectors import ec2
from regionready.snapshot import jsonable

from .helpers import deny, record_calls

SOURCE = "me-central-1"
TARGET = "eu-central-1"
ACCOUNT = "123456789012"


@pytest.fixture(autouse=True)
def public_snapshots(monkeypatch: pytest.MonkeyPatch) -> None:
    """moto's public AMI snapshots, which the collector must never list (tests/conftest.py
    turns moto's AMI catalogue off for speed)."""
    monkeypatch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "true")


@pytest.fixture
def seeded(session: boto3.Session) -> dict[str, str]:
    src = session.client("ec2", region_name=SOURCE)
    dst = session.client("ec2", region_name=TARGET)
    ids = {
        "key": session.client("kms", region_name=SOURCE).create_key()["KeyMetadata"]["Arn"],
        "eu_key": session.client("kms", region_name=TARGET).create_key()["KeyMetadata"]["Arn"],
    }
    ids["ledger"] = src.create_volume(
        AvailabilityZone=f"{SOURCE}a",
        Size=50,
        VolumeType="gp3",
        Encrypted=True,
        KmsKeyId=ids["key"],
        TagSpecifications=[{"ResourceType": "volume", "Tags": [{"Key": "app", "Value": "ledger"}]}],
    )["VolumeId"]
    ids["plain"] = src.create_volume(AvailabilityZone=f"{SOURCE}b", Size=8)["VolumeId"]
    ids["month_end"] = src.create_snapshot(VolumeId=ids["ledger"], Description="month-end")[
        "SnapshotId"
    ]
    ids["plain_snap"] = src.create_snapshot(VolumeId=ids["plain"], Description="plain")[
        "SnapshotId"
    ]
    ids["copy"] = dst.copy_snapshot(
        SourceRegion=SOURCE,
        SourceSnapshotId=ids["month_end"],
        Encrypted=True,
        KmsKeyId=ids["eu_key"],
    )["SnapshotId"]
    ids["named_copy"] = dst.copy_snapshot(
        SourceRegion=SOURCE, SourceSnapshotId=ids["plain_snap"], Description="kept as given"
    )["SnapshotId"]
    return ids


def _by(result: dict[str, list[dict[str, Any]]], kind: str) -> dict[str, dict[str, Any]]:
    return {item[ec2.RESOURCE_TYPES[kind]]: item for item in result[kind]}


def test_volumes_with_their_keys(make_clients: Any, seeded: dict[str, str]) -> None:
    clients = make_clients(SOURCE, "ec2")
    volumes = _by(ec2.collect(clients, SOURCE), "volume")

    assert clients.errors == []
    assert set(volumes) == {seeded["ledger"], seeded["plain"]}
    ledger = volumes[seeded["ledger"]]
    assert (ledger["Encrypted"], ledger["KmsKeyId"]) == (True, seeded["key"])
    assert (ledger["Size"], ledger["VolumeType"], ledger["State"]) == (50, "gp3", "available")
    assert ledger["AvailabilityZone"] == f"{SOURCE}a"
    assert ledger["Attachments"] == []
    assert ledger["Tags"] == [{"Key": "app", "Value": "ledger"}]
    assert "CreateTime" in ledger
    plain = volumes[seeded["plain"]]
    assert plain["Encrypted"] is False
    assert "KmsKeyId" not in plain


def test_own_snapshots_only_with_keys_and_copies(make_clients: Any, seeded: dict[str, str]) -> None:
    source = _by(ec2.collect(make_clients(SOURCE, "ec2"), SOURCE), "snapshot")
    clients = make_clients(TARGET, "ec2")
    target = _by(ec2.collect(clients, TARGET), "snapshot")

    assert clients.errors == []
    # Never moto's public AMI snapshots of other owners: only the account's own.
    assert set(source) == {seeded["month_end"], seeded["plain_snap"]}
    assert set(target) == {seeded["copy"], seeded["named_copy"]}
    assert {s["OwnerId"] for s in [*source.values(), *target.values()]} == {ACCOUNT}

    month_end = source[seeded["month_end"]]
    assert month_end["VolumeId"] == seeded["ledger"]
    assert (month_end["Encrypted"], month_end["KmsKeyId"]) == (True, seeded["key"])
    assert (month_end["Description"], month_end["VolumeSize"]) == ("month-end", 50)
    assert month_end["State"] == "completed"
    assert "StartTime" in month_end
    assert source[seeded["plain_snap"]]["Encrypted"] is False
    assert "KmsKeyId" not in source[seeded["plain_snap"]]

    copy = target[seeded["copy"]]
    assert copy["Description"] == f"[Copied {seeded['month_end']} from {SOURCE}]"
    assert (copy["Encrypted"], copy["KmsKeyId"]) == (True, seeded["eu_key"])
    assert (copy["VolumeId"], copy["VolumeSize"]) == ("vol-ffffffff", 50)
    named = target[seeded["named_copy"]]
    assert named["Description"] == "kept as given"
    assert named["Encrypted"] is False


def test_ebs_encryption_by_default(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    src = session.client("ec2", region_name=SOURCE)
    src.enable_ebs_encryption_by_default()
    src.modify_ebs_default_kms_key_id(KmsKeyId=seeded["key"])
    source = ec2.collect(make_clients(SOURCE, "ec2"), SOURCE)["ebs_encryption"]
    target = ec2.collect(make_clients(TARGET, "ec2"), TARGET)["ebs_encryption"]

    assert source == [{"Region": SOURCE, "EbsEncryptionByDefault": True, "KmsKeyId": seeded["key"]}]
    # Never changed: off, and the AWS managed key, named by its alias ARN.
    assert target == [
        {
            "Region": TARGET,
            "EbsEncryptionByDefault": False,
            "KmsKeyId": f"arn:aws:kms:{TARGET}:{ACCOUNT}:alias/aws/ebs",
        }
    ]


@pytest.mark.parametrize(
    ("operation", "kind", "other"),
    [("DescribeVolumes", "volume", "snapshot"), ("DescribeSnapshots", "snapshot", "volume")],
)
def test_denied_list_is_recorded_not_empty(
    session: boto3.Session,
    make_clients: Any,
    seeded: dict[str, str],
    operation: str,
    kind: str,
    other: str,
) -> None:
    deny(session, f"ec2.{operation}")
    clients = make_clients(SOURCE, "ec2")
    result = ec2.collect(clients, SOURCE)

    [error] = clients.errors
    assert (error.action, error.code) == (f"ec2:{operation}", "AccessDeniedException")
    assert error.to_dict()["resource_types"] == [kind]
    assert "fields" not in error.to_dict() and "resources" not in error.to_dict()
    assert result[kind] == []
    assert len(result[other]) == 2
    assert result["ebs_encryption"][0]["EbsEncryptionByDefault"] is False


@pytest.mark.parametrize(
    ("operation", "field", "kept"),
    [
        ("GetEbsDefaultKmsKeyId", "KmsKeyId", "EbsEncryptionByDefault"),
        ("GetEbsEncryptionByDefault", "EbsEncryptionByDefault", "KmsKeyId"),
    ],
)
def test_denied_encryption_setting_marks_only_its_field(
    session: boto3.Session,
    make_clients: Any,
    seeded: dict[str, str],
    operation: str,
    field: str,
    kept: str,
) -> None:
    deny(session, f"ec2.{operation}")
    clients = make_clients(SOURCE, "ec2")
    result = ec2.collect(clients, SOURCE)

    [error] = clients.errors
    assert error.action == f"ec2:{operation}"
    assert error.to_dict()["resource_types"] == ["ebs_encryption"]
    assert error.to_dict()["fields"] == {"ebs_encryption": [field]}
    assert error.to_dict()["resources"] == {"ebs_encryption": [SOURCE]}
    [item] = result["ebs_encryption"]
    assert field not in item
    assert item["Region"] == SOURCE and kept in item
    assert len(result["volume"]) == 2 and len(result["snapshot"]) == 2


def test_small_pages_collect_the_same(make_clients: Any, seeded: dict[str, str]) -> None:
    whole = make_clients(SOURCE, "ec2")
    paged = make_clients(SOURCE, "ec2", small_pages=True)
    expected = ec2.collect(whole, SOURCE)
    result = ec2.collect(paged, SOURCE)

    assert jsonable(result) == jsonable(expected)
    assert len(result["volume"]) == 2 and len(result["snapshot"]) == 2
    # DescribeVolumes and DescribeSnapshots answered one item per page.
    assert paged.api_calls == whole.api_calls + 2


def test_only_declared_read_only_calls(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    called = record_calls(session)
    ec2.collect(make_clients(SOURCE, "ec2", small_pages=True), SOURCE)

    assert called == set(ec2.PERMISSIONS)
    assert all(c.split(":")[1].startswith(("List", "Describe", "Get")) for c in called)
