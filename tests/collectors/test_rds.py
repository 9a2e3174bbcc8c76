"""The RDS collector against moto (corrected by regionready.demo.moto_gaps)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from regionready.collectors import rds
from regionready.snapshot import jsonable

from .helpers import deny, record_calls

SOURCE = "me-central-1"
TARGET = "eu-central-1"
ACCOUNT = "123456789012"
PASSWORD = "CANARY-master-password-c0d3"


def _arn(region: str, kind: str, name: str) -> str:
    return f"arn:aws:rds:{region}:{ACCOUNT}:{kind}:{name}"


def _instance(client: Any, name: str, **extra: Any) -> str:
    arn: str = client.create_db_instance(
        DBInstanceIdentifier=name,
        Engine="postgres",
        DBInstanceClass="db.t3.micro",
        MasterUsername="admin",
        MasterUserPassword=PASSWORD,
        **extra,
    )["DBInstance"]["DBInstanceArn"]
    return arn


@pytest.fixture
def seeded(session: boto3.Session) -> dict[str, str]:
    src = session.client("rds", region_name=SOURCE)
    dst = session.client("rds", region_name=TARGET)
    ids = {
        "key": session.client("kms", region_name=SOURCE).create_key()["KeyMetadata"]["Arn"],
        "dr_key": session.client("kms", region_name=TARGET).create_key()["KeyMetadata"]["Arn"],
    }
    encrypted = {"StorageEncrypted": True, "KmsKeyId": ids["key"], "BackupRetentionPeriod": 7}
    ids["ledger"] = _instance(src, "ledger", AllocatedStorage=50, **encrypted)
    ids["orders"] = _instance(src, "orders", AllocatedStorage=20, **encrypted)
    ids["cache"] = _instance(src, "cache", AllocatedStorage=20, BackupRetentionPeriod=0)
    ids["ledger_eu"] = dst.create_db_instance_read_replica(
        DBInstanceIdentifier="ledger-eu",
        SourceDBInstanceIdentifier=ids["ledger"],
        KmsKeyId=ids["dr_key"],
        SourceRegion=SOURCE,
    )["DBInstance"]["DBInstanceArn"]
    ids["replicated"] = dst.start_db_instance_automated_backups_replication(
        SourceDBInstanceArn=ids["ledger"], KmsKeyId=ids["dr_key"], SourceRegion=SOURCE
    )["DBInstanceAutomatedBackup"]["DBInstanceAutomatedBackupsArn"]

    ids["snapshot"] = src.create_db_snapshot(
        DBInstanceIdentifier="ledger", DBSnapshotIdentifier="ledger-month-end"
    )["DBSnapshot"]["DBSnapshotArn"]
    ids["snapshot_copy"] = dst.copy_db_snapshot(
        SourceDBSnapshotIdentifier=ids["snapshot"],
        TargetDBSnapshotIdentifier="ledger-month-end-eu",
        KmsKeyId=ids["dr_key"],
        SourceRegion=SOURCE,
    )["DBSnapshot"]["DBSnapshotArn"]

    ids["aurora"] = src.create_db_cluster(
        DBClusterIdentifier="aurora",
        Engine="aurora-postgresql",
        MasterUsername="admin",
        MasterUserPassword=PASSWORD,
        StorageEncrypted=True,
        KmsKeyId=ids["key"],
    )["DBCluster"]["DBClusterArn"]
    ids["cluster_snapshot"] = src.create_db_cluster_snapshot(
        DBClusterIdentifier="aurora", DBClusterSnapshotIdentifier="aurora-month-end"
    )["DBClusterSnapshot"]["DBClusterSnapshotArn"]
    ids["cluster_snapshot_copy"] = dst.copy_db_cluster_snapshot(
        SourceDBClusterSnapshotIdentifier=ids["cluster_snapshot"],
        TargetDBClusterSnapshotIdentifier="aurora-month-end-eu",
        KmsKeyId=ids["dr_key"],
        SourceRegion=SOURCE,
    )["DBClusterSnapshot"]["DBClusterSnapshotArn"]

    ids["global"] = src.create_global_cluster(
        GlobalClusterIdentifier="ledger-global", Engine="aurora-postgresql", StorageEncrypted=True
    )["GlobalCluster"]["GlobalClusterArn"]
    ids["primary"] = src.create_db_cluster(
        DBClusterIdentifier="ledger-primary",
        Engine="aurora-postgresql",
        MasterUsername="admin",
        MasterUserPassword=PASSWORD,
        GlobalClusterIdentifier="ledger-global",
        StorageEncrypted=True,
        KmsKeyId=ids["key"],
    )["DBCluster"]["DBClusterArn"]
    ids["secondary"] = dst.create_db_cluster(
        DBClusterIdentifier="ledger-secondary",
        Engine="aurora-postgresql",
        GlobalClusterIdentifier="ledger-global",
        StorageEncrypted=True,
        KmsKeyId=ids["dr_key"],
    )["DBCluster"]["DBClusterArn"]
    ids["spare"] = src.create_global_cluster(
        GlobalClusterIdentifier="spare", Engine="aurora-mysql"
    )["GlobalCluster"]["GlobalClusterArn"]
    return ids


def _by(result: dict[str, list[dict[str, Any]]], rtype: str) -> dict[str, dict[str, Any]]:
    return {item[rds.RESOURCE_TYPES[rtype]]: item for item in result[rtype]}


@pytest.fixture
def source(make_clients: Any, seeded: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    clients = make_clients(SOURCE, "rds")
    result: dict[str, list[dict[str, Any]]] = rds.collect(clients, SOURCE)
    assert clients.errors == []
    return result


@pytest.fixture
def target(make_clients: Any, seeded: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    clients = make_clients(TARGET, "rds")
    result: dict[str, list[dict[str, Any]]] = rds.collect(clients, TARGET)
    assert clients.errors == []
    return result


def test_instances_with_their_keys_and_copies(
    source: dict[str, Any], target: dict[str, Any], seeded: dict[str, str]
) -> None:
    instances = _by(source, "db_instance")
    assert set(instances) == {seeded["ledger"], seeded["orders"], seeded["cache"]}
    ledger = instances[seeded["ledger"]]
    assert ledger["DBInstanceIdentifier"] == "ledger"
    assert (ledger["Engine"], ledger["AllocatedStorage"]) == ("postgres", 50)
    assert (ledger["StorageEncrypted"], ledger["KmsKeyId"]) == (True, seeded["key"])
    assert ledger["DBInstanceAutomatedBackupsReplications"] == [
        {"DBInstanceAutomatedBackupsArn": seeded["replicated"]}
    ]
    assert ledger["ReadReplicaDBInstanceIdentifiers"] == [seeded["ledger_eu"]]
    cache = instances[seeded["cache"]]
    assert cache["StorageEncrypted"] is False
    assert "DBInstanceAutomatedBackupsReplications" not in cache
    assert PASSWORD not in str(jsonable(source))

    [replica] = target["db_instance"]
    assert replica["DBInstanceArn"] == seeded["ledger_eu"]
    assert replica["KmsKeyId"] == seeded["dr_key"]
    assert replica["ReadReplicaSourceDBInstanceIdentifier"] == seeded["ledger"]


def test_snapshots_and_their_cross_region_copies(
    source: dict[str, Any], target: dict[str, Any], seeded: dict[str, str]
) -> None:
    snapshots = _by(source, "db_snapshot")
    month_end = snapshots[seeded["snapshot"]]
    assert (month_end["SnapshotType"], month_end["DBInstanceIdentifier"]) == ("manual", "ledger")
    assert (month_end["Encrypted"], month_end["KmsKeyId"]) == (True, seeded["key"])
    assert month_end["AllocatedStorage"] == 50
    assert "SourceRegion" not in month_end
    automated = [s for s in snapshots.values() if s["SnapshotType"] == "automated"]
    assert {s["DBInstanceIdentifier"] for s in automated} >= {"ledger", "orders"}

    copy = _by(target, "db_snapshot")[seeded["snapshot_copy"]]
    assert copy["SourceRegion"] == SOURCE
    assert copy["SourceDBSnapshotIdentifier"] == seeded["snapshot"]
    assert (copy["Encrypted"], copy["KmsKeyId"]) == (True, seeded["dr_key"])
    assert copy["DBSnapshotArn"] == _arn(TARGET, "snapshot", "ledger-month-end-eu")


def test_clusters_and_cluster_snapshots(
    source: dict[str, Any], target: dict[str, Any], seeded: dict[str, str]
) -> None:
    clusters = _by(source, "db_cluster")
    assert set(clusters) == {seeded["aurora"], seeded["primary"]}
    aurora = clusters[seeded["aurora"]]
    assert (aurora["StorageEncrypted"], aurora["KmsKeyId"]) == (True, seeded["key"])
    assert aurora["Engine"] == "aurora-postgresql"
    assert set(_by(target, "db_cluster")) == {seeded["secondary"]}

    snapshot = _by(source, "db_cluster_snapshot")[seeded["cluster_snapshot"]]
    assert (snapshot["SnapshotType"], snapshot["DBClusterIdentifier"]) == ("manual", "aurora")
    assert (snapshot["StorageEncrypted"], snapshot["KmsKeyId"]) == (True, seeded["key"])
    copy = _by(target, "db_cluster_snapshot")[seeded["cluster_snapshot_copy"]]
    assert copy["SourceDBClusterSnapshotArn"] == seeded["cluster_snapshot"]
    assert copy["KmsKeyId"] == seeded["dr_key"]


def test_automated_backups_here_and_replicated_there(
    source: dict[str, Any], target: dict[str, Any], seeded: dict[str, str]
) -> None:
    own = {b["DBInstanceArn"]: b for b in source["automated_backup"]}
    assert set(own) == {seeded["ledger"], seeded["orders"]}  # cache keeps no backups
    ledger = own[seeded["ledger"]]
    assert ledger["DBInstanceAutomatedBackupsArn"].startswith(
        f"arn:aws:rds:{SOURCE}:{ACCOUNT}:auto-backup:ab-"
    )
    assert (ledger["Region"], ledger["Status"]) == (SOURCE, "active")
    assert (ledger["Encrypted"], ledger["KmsKeyId"]) == (True, seeded["key"])
    assert ledger["AllocatedStorage"] == 50
    assert ledger["DBInstanceAutomatedBackupsReplications"] == [
        {"DBInstanceAutomatedBackupsArn": seeded["replicated"]}
    ]

    replicated = _by(target, "automated_backup")[seeded["replicated"]]
    assert replicated["DBInstanceAutomatedBackupsArn"].startswith(
        f"arn:aws:rds:{TARGET}:{ACCOUNT}:auto-backup:ab-"
    )
    assert (replicated["Region"], replicated["DBInstanceArn"]) == (SOURCE, seeded["ledger"])
    assert (replicated["Encrypted"], replicated["KmsKeyId"]) == (True, seeded["dr_key"])
    assert (replicated["Status"], replicated["BackupRetentionPeriod"]) == ("replicating", 7)


def test_global_clusters_in_every_region(
    source: dict[str, Any], target: dict[str, Any], seeded: dict[str, str]
) -> None:
    clusters = _by(source, "global_cluster")
    assert set(clusters) == {seeded["global"], seeded["spare"]}
    ledger = clusters[seeded["global"]]
    assert ledger["GlobalClusterArn"] == f"arn:aws:rds::{ACCOUNT}:global-cluster:ledger-global"
    assert ledger["StorageEncrypted"] is True
    members = {m["DBClusterArn"]: m for m in ledger["GlobalClusterMembers"]}
    assert set(members) == {seeded["primary"], seeded["secondary"]}
    assert members[seeded["primary"]]["IsWriter"] is True
    assert members[seeded["primary"]]["Readers"] == [seeded["secondary"]]
    assert members[seeded["secondary"]]["IsWriter"] is False
    assert jsonable(_by(target, "global_cluster")) == jsonable(clusters)


def _stable(result: dict[str, list[dict[str, Any]]]) -> Any:
    """The result as JSON without LatestRestorableTime (moto answers the time of the call)."""
    return jsonable(
        {
            rtype: [{k: v for k, v in i.items() if k != "LatestRestorableTime"} for i in items]
            for rtype, items in result.items()
        }
    )


def test_small_pages_collect_the_same(make_clients: Any, seeded: dict[str, str]) -> None:
    whole = make_clients(SOURCE, "rds")
    paged = make_clients(SOURCE, "rds", small_pages=True)
    expected = rds.collect(whole, SOURCE)
    result = rds.collect(paged, SOURCE)

    assert _stable(result) == _stable(expected)
    assert all(len(items) > 1 for items in result.values())
    assert whole.api_calls == len(rds.LISTS)
    # Every list answered one item a page.
    assert paged.api_calls == sum(len(items) for items in result.values())


@pytest.mark.parametrize(("rtype", "operation", "key"), rds.LISTS)
def test_a_denied_list_is_recorded_against_its_own_type(
    session: boto3.Session,
    make_clients: Any,
    seeded: dict[str, str],
    rtype: str,
    operation: str,
    key: str,
) -> None:
    api = "".join(part.capitalize() for part in operation.split("_")).replace("Db", "DB")
    deny(session, f"rds.{api}")
    clients = make_clients(SOURCE, "rds")
    result = rds.collect(clients, SOURCE)

    [error] = clients.errors
    assert (error.action, error.code) == (f"rds:{api}", "AccessDeniedException")
    assert error.to_dict()["resource_types"] == [rtype]
    assert "fields" not in error.to_dict() and "resources" not in error.to_dict()
    assert result[rtype] == []
    assert all(items for other, items in result.items() if other != rtype)


def test_only_declared_read_only_calls(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    called = record_calls(session)
    rds.collect(make_clients(SOURCE, "rds"), SOURCE)
    assert called == set(rds.PERMISSIONS)
    assert all(c.split(":")[1].startswith("Describe") for c in called)
