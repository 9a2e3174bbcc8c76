"""The AWS Backup collector against moto (corrected by regionready.demo.moto_gaps)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from regionready.collectors import backup
from regionready.snapshot import jsonable

from .helpers import deny, record_calls

SOURCE = "me-central-1"
TARGET = "eu-central-1"
ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/backup"
TABLE = f"arn:aws:dynamodb:{SOURCE}:{ACCOUNT}:table/orders"
VOLUME = f"arn:aws:ec2:{SOURCE}:{ACCOUNT}:volume/vol-0123456789abcdef0"


@pytest.fixture
def seeded(session: boto3.Session) -> dict[str, str]:
    src = session.client("backup", region_name=SOURCE)
    dst = session.client("backup", region_name=TARGET)
    ids = {
        "src_key": session.client("kms", region_name=SOURCE).create_key()["KeyMetadata"]["Arn"],
        "dst_key": session.client("kms", region_name=TARGET).create_key()["KeyMetadata"]["Arn"],
    }
    ids["main"] = src.create_backup_vault(BackupVaultName="main", EncryptionKeyArn=ids["src_key"])[
        "BackupVaultArn"
    ]
    ids["default"] = src.create_backup_vault(BackupVaultName="Default")["BackupVaultArn"]
    ids["dr"] = dst.create_backup_vault(BackupVaultName="dr", EncryptionKeyArn=ids["dst_key"])[
        "BackupVaultArn"
    ]
    ids["daily"] = src.create_backup_plan(
        BackupPlan={
            "BackupPlanName": "daily",
            "Rules": [
                {
                    "RuleName": "daily-copy",
                    "TargetBackupVaultName": "main",
                    "ScheduleExpression": "cron(0 5 * * ? *)",
                    "Lifecycle": {"DeleteAfterDays": 35},
                    "CopyActions": [
                        {
                            "DestinationBackupVaultArn": ids["dr"],
                            "Lifecycle": {"DeleteAfterDays": 35},
                        }
                    ],
                }
            ],
        }
    )["BackupPlanArn"]
    ids["weekly"] = src.create_backup_plan(
        BackupPlan={
            "BackupPlanName": "weekly",
            "Rules": [{"RuleName": "weekly", "TargetBackupVaultName": "Default"}],
        }
    )["BackupPlanArn"]
    job = src.start_backup_job(BackupVaultName="main", ResourceArn=TABLE, IamRoleArn=ROLE)
    ids["table_point"] = job["RecoveryPointArn"]
    ids["volume_point"] = src.start_backup_job(
        BackupVaultName="main", ResourceArn=VOLUME, IamRoleArn=ROLE
    )["RecoveryPointArn"]
    ids["default_point"] = src.start_backup_job(
        BackupVaultName="Default", ResourceArn=TABLE, IamRoleArn=ROLE
    )["RecoveryPointArn"]
    src.start_copy_job(
        RecoveryPointArn=ids["table_point"],
        SourceBackupVaultName="main",
        DestinationBackupVaultArn=ids["dr"],
        IamRoleArn=ROLE,
    )
    return ids


def _by(result: dict[str, list[dict[str, Any]]], rtype: str) -> dict[str, dict[str, Any]]:
    return {item[backup.RESOURCE_TYPES[rtype]]: item for item in result[rtype]}


def _managed_key(session: boto3.Session, region: str) -> dict[str, Any]:
    meta: dict[str, Any] = session.client("kms", region_name=region).describe_key(
        KeyId="alias/aws/backup"
    )["KeyMetadata"]
    return meta


def test_vaults_and_their_keys(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    clients = make_clients(SOURCE, "backup")
    vaults = _by(backup.collect(clients, SOURCE), "vault")

    assert clients.errors == []
    assert set(vaults) == {seeded["main"], seeded["default"]}
    main = vaults[seeded["main"]]
    assert main["BackupVaultName"] == "main"
    assert main["BackupVaultArn"] == f"arn:aws:backup:{SOURCE}:{ACCOUNT}:backup-vault:main"
    assert main["EncryptionKeyArn"] == seeded["src_key"]
    assert (main["NumberOfRecoveryPoints"], main["Locked"]) == (2, False)
    # A vault created without a key: the AWS managed aws/backup key of this Region.
    managed = _managed_key(session, SOURCE)
    assert vaults[seeded["default"]]["EncryptionKeyArn"] == managed["Arn"]
    assert managed["KeyManager"] == "AWS"
    assert vaults[seeded["default"]]["NumberOfRecoveryPoints"] == 1


def test_plans_with_their_rules_and_copy_actions(make_clients: Any, seeded: dict[str, str]) -> None:
    plans = _by(backup.collect(make_clients(SOURCE, "backup"), SOURCE), "plan")

    assert set(plans) == {seeded["daily"], seeded["weekly"]}
    daily = plans[seeded["daily"]]
    assert daily["BackupPlanId"] == seeded["daily"].rsplit(":", 1)[1]
    assert daily["VersionId"]
    assert daily["BackupPlan"]["BackupPlanName"] == "daily"
    [rule] = daily["BackupPlan"]["Rules"]
    assert (rule["RuleName"], rule["TargetBackupVaultName"]) == ("daily-copy", "main")
    assert rule["CopyActions"] == [
        {"DestinationBackupVaultArn": seeded["dr"], "Lifecycle": {"DeleteAfterDays": 35}}
    ]
    [weekly_rule] = plans[seeded["weekly"]]["BackupPlan"]["Rules"]
    assert weekly_rule["TargetBackupVaultName"] == "Default"
    assert "CopyActions" not in weekly_rule


def test_recovery_points_and_their_copy(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    source = _by(backup.collect(make_clients(SOURCE, "backup"), SOURCE), "recovery_point")
    target = backup.collect(make_clients(TARGET, "backup"), TARGET)

    assert set(source) == {seeded["table_point"], seeded["volume_point"], seeded["default_point"]}
    table = source[seeded["table_point"]]
    assert (table["BackupVaultName"], table["BackupVaultArn"]) == ("main", seeded["main"])
    assert (table["ResourceArn"], table["ResourceType"]) == (TABLE, "DynamoDB")
    assert table["EncryptionKeyArn"] == seeded["src_key"]
    assert (table["IsEncrypted"], table["Status"]) == (True, "COMPLETED")
    assert "SourceBackupVaultArn" not in table
    assert source[seeded["volume_point"]]["ResourceType"] == "EBS"
    default = source[seeded["default_point"]]
    assert default["EncryptionKeyArn"] == _managed_key(session, SOURCE)["Arn"]

    [copy] = target["recovery_point"]
    assert copy["RecoveryPointArn"].startswith(f"arn:aws:backup:{TARGET}:{ACCOUNT}:")
    assert (copy["BackupVaultName"], copy["BackupVaultArn"]) == ("dr", seeded["dr"])
    assert copy["SourceBackupVaultArn"] == seeded["main"]
    assert copy["ResourceArn"] == TABLE
    assert copy["EncryptionKeyArn"] == seeded["dst_key"]  # the destination vault's key
    [dr] = target["vault"]
    assert (dr["EncryptionKeyArn"], dr["NumberOfRecoveryPoints"]) == (seeded["dst_key"], 1)
    assert target["plan"] == []


def test_denied_vault_list_leaves_vaults_and_recovery_points_incomplete(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    deny(session, "backup.ListBackupVaults")
    clients = make_clients(SOURCE, "backup")
    result = backup.collect(clients, SOURCE)

    [error] = clients.errors
    assert (error.action, error.code) == ("backup:ListBackupVaults", "AccessDeniedException")
    assert error.to_dict()["resource_types"] == ["recovery_point", "vault"]
    assert "resources" not in error.to_dict()
    assert (result["vault"], result["recovery_point"]) == ([], [])
    assert len(result["plan"]) == 2


def test_denied_plan_list_is_recorded(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    deny(session, "backup.ListBackupPlans")
    clients = make_clients(SOURCE, "backup")
    result = backup.collect(clients, SOURCE)

    [error] = clients.errors
    assert error.action == "backup:ListBackupPlans"
    assert error.to_dict()["resource_types"] == ["plan"]
    assert result["plan"] == []
    assert (len(result["vault"]), len(result["recovery_point"])) == (2, 3)


def test_denied_get_backup_plan_keeps_the_listed_plan(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    deny(session, "backup.GetBackupPlan")
    clients = make_clients(SOURCE, "backup")
    plans = _by(backup.collect(clients, SOURCE), "plan")

    assert set(plans) == {seeded["daily"], seeded["weekly"]}
    assert plans[seeded["daily"]]["BackupPlanName"] == "daily"  # the ListBackupPlans entry
    assert all("BackupPlan" not in p for p in plans.values())
    assert sorted(e.to_dict()["resources"]["plan"][0] for e in clients.errors) == sorted(
        [seeded["daily"], seeded["weekly"]]
    )
    for error in clients.errors:
        found = error.to_dict()
        assert error.action == "backup:GetBackupPlan"
        assert (found["resource_types"], found["fields"]) == (
            ["plan"],
            {"plan": ["BackupPlan", "BackupPlanName"]},
        )


def test_one_vault_failing_leaves_the_whole_type_incomplete(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    def deny_default(params: dict[str, Any], **_: Any) -> None:
        if params.get("BackupVaultName") == "Default":
            raise ClientError(
                {"Error": {"Code": "AccessDeniedException", "Message": "no"}},
                "ListRecoveryPointsByBackupVault",
            )

    session.events.register(
        "before-parameter-build.backup.ListRecoveryPointsByBackupVault", deny_default
    )
    clients = make_clients(SOURCE, "backup")
    result = backup.collect(clients, SOURCE)

    [error] = clients.errors
    assert error.action == "backup:ListRecoveryPointsByBackupVault"
    assert error.to_dict() == {
        "api": "backup:ListRecoveryPointsByBackupVault",
        "code": "AccessDeniedException",
        "message": "no",
        "action": "backup:ListRecoveryPointsByBackupVault",
        "resource_types": ["recovery_point"],
    }
    assert {p["RecoveryPointArn"] for p in result["recovery_point"]} == {
        seeded["table_point"],
        seeded["volume_point"],
    }
    assert len(result["vault"]) == 2


def test_small_pages_collect_the_same(make_clients: Any, seeded: dict[str, str]) -> None:
    whole = make_clients(SOURCE, "backup")
    paged = make_clients(SOURCE, "backup", small_pages=True)
    expected = backup.collect(whole, SOURCE)
    result = backup.collect(paged, SOURCE)

    assert jsonable(result) == jsonable(expected)
    # Two vaults, two plans, and two recovery points in "main", one a page each.
    assert paged.api_calls == whole.api_calls + 3


def test_only_declared_read_only_calls(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    called = record_calls(session)
    backup.collect(make_clients(SOURCE, "backup", small_pages=True), SOURCE)

    assert called == set(backup.PERMISSIONS)
    assert all(c.split(":")[1].startswith(("List", "Describe", "Get")) for c in called)
