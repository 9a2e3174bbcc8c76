"""moto_gaps.rds: snapshot copies, automated backups and their cross-Region replication,
answered as AWS does.

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
BACKUP_FIELDS = set(
    botocore.session.get_session()
    .get_service_model("rds")
    .shape_for("DBInstanceAutomatedBackup")
    .members
)


@pytest.fixture
def aws() -> Iterator[None]:
    with mock_aws():
        yield


@pytest.fixture
def session(aws: None) -> boto3.Session:
    return moto_gaps.install(boto3.Session(region_name=US))


def _instance(client: Any, name: str, key: str | None = None, retention: int = 7) -> str:
    encrypted = {"StorageEncrypted": True, "KmsKeyId": key} if key else {}
    arn: str = client.create_db_instance(
        DBInstanceIdentifier=name,
        Engine="postgres",
        DBInstanceClass="db.t3.micro",
        AllocatedStorage=20,
        MasterUsername="admin",
        MasterUserPassword="password1",
        BackupRetentionPeriod=retention,
        **encrypted,
    )["DBInstance"]["DBInstanceArn"]
    return arn


def _cluster(client: Any, name: str) -> None:
    client.create_db_cluster(
        DBClusterIdentifier=name,
        Engine="aurora-postgresql",
        MasterUsername="admin",
        MasterUserPassword="password1",
    )


def _key(make: Any, region: str) -> str:
    arn: str = make("kms", region_name=region).create_key()["KeyMetadata"]["Arn"]
    return arn


def test_plain_moto(aws: None) -> None:
    src = boto3.client("rds", region_name=ME)
    dst = boto3.client("rds", region_name=EU)
    arn = _instance(src, "ledger")
    snapshot = src.create_db_snapshot(DBInstanceIdentifier="ledger", DBSnapshotIdentifier="s")
    copy = dst.copy_db_snapshot(
        SourceDBSnapshotIdentifier=snapshot["DBSnapshot"]["DBSnapshotArn"],
        TargetDBSnapshotIdentifier="s-eu",
        SourceRegion=ME,
    )["DBSnapshot"]
    assert "SourceRegion" not in copy and "SourceDBSnapshotIdentifier" not in copy
    [backup] = src.describe_db_instance_automated_backups()["DBInstanceAutomatedBackups"]
    assert backup == {"DBInstanceIdentifier": "ledger", "Status": "active"}
    with pytest.raises(NotImplementedError):
        dst.start_db_instance_automated_backups_replication(SourceDBInstanceArn=arn)
    for name in ("a", "b"):
        _cluster(src, name)
    assert len(src.describe_db_clusters(MaxRecords=1)["DBClusters"]) == 2


def test_a_cross_region_snapshot_copy_names_its_source(session: boto3.Session) -> None:
    src = session.client("rds", region_name=ME)
    dst = session.client("rds", region_name=EU)
    dr_key = _key(session.client, EU)
    _instance(src, "ledger", _key(session.client, ME))
    source = src.create_db_snapshot(DBInstanceIdentifier="ledger", DBSnapshotIdentifier="s")
    source_arn = source["DBSnapshot"]["DBSnapshotArn"]

    copy = dst.copy_db_snapshot(
        SourceDBSnapshotIdentifier=source_arn,
        TargetDBSnapshotIdentifier="s-eu",
        KmsKeyId=dr_key,
        SourceRegion=ME,
    )["DBSnapshot"]
    assert (copy["SourceRegion"], copy["SourceDBSnapshotIdentifier"]) == (ME, source_arn)
    assert copy["KmsKeyId"] == dr_key
    [described] = dst.describe_db_snapshots(DBSnapshotIdentifier="s-eu")["DBSnapshots"]
    assert (described["SourceRegion"], described["SourceDBSnapshotIdentifier"]) == (ME, source_arn)

    # A copy within the Region names no source.
    local = src.copy_db_snapshot(SourceDBSnapshotIdentifier="s", TargetDBSnapshotIdentifier="s2")
    assert "SourceRegion" not in local["DBSnapshot"]
    assert "SourceDBSnapshotIdentifier" not in local["DBSnapshot"]


def test_a_cluster_snapshot_copy_names_its_source(session: boto3.Session) -> None:
    src = session.client("rds", region_name=ME)
    dst = session.client("rds", region_name=EU)
    _cluster(src, "aurora")
    source_arn = src.create_db_cluster_snapshot(
        DBClusterIdentifier="aurora", DBClusterSnapshotIdentifier="s"
    )["DBClusterSnapshot"]["DBClusterSnapshotArn"]

    copy = dst.copy_db_cluster_snapshot(
        SourceDBClusterSnapshotIdentifier=source_arn,
        TargetDBClusterSnapshotIdentifier="s-eu",
        SourceRegion=ME,
    )["DBClusterSnapshot"]
    assert copy["SourceDBClusterSnapshotArn"] == source_arn
    described = dst.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier="s-eu")
    assert described["DBClusterSnapshots"][0]["SourceDBClusterSnapshotArn"] == source_arn

    local = src.copy_db_cluster_snapshot(
        SourceDBClusterSnapshotIdentifier="s", TargetDBClusterSnapshotIdentifier="s2"
    )["DBClusterSnapshot"]
    assert local["SourceDBClusterSnapshotArn"] == source_arn  # the ARN, given a name


def test_automated_backups_in_the_real_shape(session: boto3.Session) -> None:
    src = session.client("rds", region_name=ME)
    key = _key(session.client, ME)
    ledger = _instance(src, "ledger", key)
    _instance(src, "plain")
    _instance(src, "off", retention=0)

    backups = {
        b["DBInstanceIdentifier"]: b
        for b in src.describe_db_instance_automated_backups()["DBInstanceAutomatedBackups"]
    }
    assert set(backups) == {"ledger", "plain"}  # no automated backup when retention is 0
    backup = backups["ledger"]
    assert set(backup) <= BACKUP_FIELDS
    assert backup["DBInstanceAutomatedBackupsArn"].startswith(
        f"arn:aws:rds:{ME}:{ACCOUNT}:auto-backup:ab-"
    )
    assert (backup["DBInstanceArn"], backup["Region"], backup["Status"]) == (ledger, ME, "active")
    assert (backup["Encrypted"], backup["KmsKeyId"]) == (True, key)
    assert (backup["AllocatedStorage"], backup["BackupRetentionPeriod"]) == (20, 7)
    assert backup["RestoreWindow"]["EarliestTime"] <= backup["RestoreWindow"]["LatestTime"]
    assert backups["plain"]["Encrypted"] is False and "KmsKeyId" not in backups["plain"]

    # The same ARN from one call to the next; selectors and paging as AWS has them.
    arn = backup["DBInstanceAutomatedBackupsArn"]
    chosen = src.describe_db_instance_automated_backups(DBInstanceAutomatedBackupsArn=arn)
    assert [b["DBInstanceIdentifier"] for b in chosen["DBInstanceAutomatedBackups"]] == ["ledger"]
    by_name = src.describe_db_instance_automated_backups(DBInstanceIdentifier="plain")
    assert [b["DBInstanceIdentifier"] for b in by_name["DBInstanceAutomatedBackups"]] == ["plain"]
    with pytest.raises(ClientError, match="DBInstanceAutomatedBackupNotFound"):
        src.describe_db_instance_automated_backups(DBInstanceIdentifier="nope")
    pages = src.get_paginator("describe_db_instance_automated_backups").paginate(
        PaginationConfig={"PageSize": 1}
    )
    assert [len(p["DBInstanceAutomatedBackups"]) for p in pages] == [1, 1]

    # A deleted instance whose backups are kept: retained.
    src.delete_db_instance(
        DBInstanceIdentifier="plain", SkipFinalSnapshot=True, DeleteAutomatedBackups=False
    )
    retained = src.describe_db_instance_automated_backups(DBInstanceIdentifier="plain")
    assert retained["DBInstanceAutomatedBackups"][0]["Status"] == "retained"


def test_replicating_automated_backups_to_another_region(session: boto3.Session) -> None:
    src = session.client("rds", region_name=ME)
    dst = session.client("rds", region_name=EU)
    ledger = _instance(src, "ledger", _key(session.client, ME))
    _instance(src, "other")
    dr_key_id = session.client("kms", region_name=EU).create_key()["KeyMetadata"]["KeyId"]
    dr_key = f"arn:aws:kms:{EU}:{ACCOUNT}:key/{dr_key_id}"

    started = dst.start_db_instance_automated_backups_replication(
        SourceDBInstanceArn=ledger, KmsKeyId=dr_key_id, SourceRegion=ME
    )["DBInstanceAutomatedBackup"]
    assert set(started) <= BACKUP_FIELDS
    arn = started["DBInstanceAutomatedBackupsArn"]
    assert arn.startswith(f"arn:aws:rds:{EU}:{ACCOUNT}:auto-backup:ab-")
    assert (started["Region"], started["DBInstanceArn"]) == (ME, ledger)
    assert (started["KmsKeyId"], started["Encrypted"]) == (dr_key, True)  # the key's ARN
    assert (started["Status"], started["BackupRetentionPeriod"]) == ("pending", 7)

    [there] = dst.describe_db_instance_automated_backups()["DBInstanceAutomatedBackups"]
    assert there == {**started, "Status": "replicating"}

    instances = {i["DBInstanceIdentifier"]: i for i in src.describe_db_instances()["DBInstances"]}
    assert instances["ledger"]["DBInstanceAutomatedBackupsReplications"] == [
        {"DBInstanceAutomatedBackupsArn": arn}
    ]
    assert "DBInstanceAutomatedBackupsReplications" not in instances["other"]
    own = src.describe_db_instance_automated_backups(DBInstanceIdentifier="ledger")
    assert own["DBInstanceAutomatedBackups"][0]["DBInstanceAutomatedBackupsReplications"] == [
        {"DBInstanceAutomatedBackupsArn": arn}
    ]

    # Another instance made later under the same name does not inherit the replication.
    src.delete_db_instance(DBInstanceIdentifier="ledger", SkipFinalSnapshot=True)
    _instance(src, "ledger")
    [again] = src.describe_db_instances(DBInstanceIdentifier="ledger")["DBInstances"]
    assert "DBInstanceAutomatedBackupsReplications" not in again


def test_replicating_an_unknown_instance_fails_as_on_aws(session: boto3.Session) -> None:
    dst = session.client("rds", region_name=EU)
    with pytest.raises(ClientError) as raised:
        dst.start_db_instance_automated_backups_replication(
            SourceDBInstanceArn=f"arn:aws:rds:{ME}:{ACCOUNT}:db:nope", SourceRegion=ME
        )
    assert raised.value.response["Error"]["Code"] == "DBInstanceNotFound"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


@pytest.mark.parametrize(
    ("operation", "items", "id_field"),
    [
        ("describe_db_clusters", "DBClusters", "DBClusterArn"),
        ("describe_db_snapshots", "DBSnapshots", "DBSnapshotArn"),
        ("describe_db_cluster_snapshots", "DBClusterSnapshots", "DBClusterSnapshotArn"),
        ("describe_global_clusters", "GlobalClusters", "GlobalClusterArn"),
    ],
)
def test_lists_moto_gives_whole_are_paged(
    session: boto3.Session, operation: str, items: str, id_field: str
) -> None:
    src = session.client("rds", region_name=ME)
    for name in ("a", "b"):
        _cluster(src, name)
        src.create_db_cluster_snapshot(DBClusterIdentifier=name, DBClusterSnapshotIdentifier=name)
        src.create_global_cluster(GlobalClusterIdentifier=name, Engine="aurora-postgresql")
    _instance(src, "ledger")
    src.create_db_snapshot(DBInstanceIdentifier="ledger", DBSnapshotIdentifier="manual")

    whole = [i[id_field] for i in getattr(src, operation)()[items]]
    pages = list(src.get_paginator(operation).paginate(PaginationConfig={"PageSize": 1}))
    assert len(whole) >= 2
    assert [len(p[items]) for p in pages] == [1] * len(whole)
    assert [i[id_field] for p in pages for i in p[items]] == whole
