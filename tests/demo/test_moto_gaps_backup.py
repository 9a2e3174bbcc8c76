"""moto_gaps.backup: recovery points (StartBackupJob, StartCopyJob,
ListRecoveryPointsByBackupVault) moto lacks, a vault's default key, and paging.

Each test states the AWS behaviour and checks the hooked session shows it; the first
pins what plain moto does, so a correction a moto upgrade makes unnecessary is noticed.
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from regionready.demo import moto_gaps

from . import shapes

US, EU = "us-east-1", "eu-west-1"
ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/backup"
TABLE = f"arn:aws:dynamodb:{US}:{ACCOUNT}:table/orders"


@pytest.fixture
def us(session: boto3.Session) -> Any:
    return session.client("backup", region_name=US)


@pytest.fixture
def eu(session: boto3.Session) -> Any:
    return session.client("backup", region_name=EU)


def output_problems(operation: str, response: dict[str, Any]) -> list[str]:
    return shapes.output_problems("backup", operation, response)


def test_plain_moto_lacks_recovery_points_keys_and_paging(aws: None) -> None:
    plain = boto3.client("backup", region_name=US)
    plain.create_backup_vault(BackupVaultName="a")
    plain.create_backup_vault(BackupVaultName="b")
    with pytest.raises(ClientError, match="Not yet implemented"):
        plain.start_backup_job(BackupVaultName="a", ResourceArn=TABLE, IamRoleArn=ROLE)
    with pytest.raises(ClientError, match="Not yet implemented"):
        plain.list_recovery_points_by_backup_vault(BackupVaultName="a")
    with pytest.raises(ClientError, match="Not yet implemented"):
        plain.start_copy_job(
            RecoveryPointArn="x",
            SourceBackupVaultName="a",
            DestinationBackupVaultArn="y",
            IamRoleArn=ROLE,
        )
    vaults = plain.list_backup_vaults(MaxResults=1)
    assert len(vaults["BackupVaultList"]) == 2 and "NextToken" not in vaults
    assert "EncryptionKeyArn" not in vaults["BackupVaultList"][0]


def test_vault_without_a_key_gets_the_aws_managed_backup_key(
    session: boto3.Session, us: Any, eu: Any
) -> None:
    given = session.client("kms", region_name=US).create_key()["KeyMetadata"]["Arn"]
    us.create_backup_vault(BackupVaultName="mine", EncryptionKeyArn=given)
    us.create_backup_vault(BackupVaultName="Default")
    eu.create_backup_vault(BackupVaultName="Default")
    keys = {
        v["BackupVaultName"]: v["EncryptionKeyArn"]
        for v in us.list_backup_vaults()["BackupVaultList"]
    }
    managed = session.client("kms", region_name=US).describe_key(KeyId="alias/aws/backup")

    assert keys == {"mine": given, "Default": managed["KeyMetadata"]["Arn"]}
    assert managed["KeyMetadata"]["KeyManager"] == "AWS"
    # One AWS managed key per Region, made on first use.
    [eu_vault] = eu.list_backup_vaults()["BackupVaultList"]
    assert eu_vault["EncryptionKeyArn"].startswith(f"arn:aws:kms:{EU}:{ACCOUNT}:key/")
    us.create_backup_vault(BackupVaultName="second")
    assert us.describe_backup_vault(BackupVaultName="second")["BackupVaultName"] == "second"
    listed = {v["BackupVaultName"]: v for v in us.list_backup_vaults()["BackupVaultList"]}
    assert listed["second"]["EncryptionKeyArn"] == managed["KeyMetadata"]["Arn"]


def test_list_vaults_and_plans_page(us: Any) -> None:
    for name in ("a", "b", "c"):
        us.create_backup_vault(BackupVaultName=name)
        us.create_backup_plan(
            BackupPlan={
                "BackupPlanName": name,
                "Rules": [{"RuleName": "r", "TargetBackupVaultName": name}],
            }
        )
    vaults = us.get_paginator("list_backup_vaults").paginate(PaginationConfig={"PageSize": 2})
    assert [[v["BackupVaultName"] for v in p["BackupVaultList"]] for p in vaults] == [
        ["a", "b"],
        ["c"],
    ]
    plans = us.get_paginator("list_backup_plans").paginate(PaginationConfig={"PageSize": 1})
    assert [[p["BackupPlanName"] for p in page["BackupPlansList"]] for page in plans] == [
        ["a"],
        ["b"],
        ["c"],
    ]


def test_backup_job_makes_a_recovery_point_under_the_vault_key(
    session: boto3.Session, us: Any
) -> None:
    key = session.client("kms", region_name=US).create_key()["KeyMetadata"]["Arn"]
    vault = us.create_backup_vault(BackupVaultName="main", EncryptionKeyArn=key)["BackupVaultArn"]
    job = us.start_backup_job(
        BackupVaultName="main",
        ResourceArn=TABLE,
        IamRoleArn=ROLE,
        Lifecycle={"DeleteAfterDays": 7},
    )
    assert output_problems("StartBackupJob", job) == []
    assert job["RecoveryPointArn"].startswith(f"arn:aws:backup:{US}:{ACCOUNT}:recovery-point:")

    listed = us.list_recovery_points_by_backup_vault(BackupVaultName="main")
    assert output_problems("ListRecoveryPointsByBackupVault", listed) == []
    [point] = listed["RecoveryPoints"]
    assert point["RecoveryPointArn"] == job["RecoveryPointArn"]
    assert (point["BackupVaultName"], point["BackupVaultArn"]) == ("main", vault)
    assert (point["ResourceArn"], point["ResourceType"]) == (TABLE, "DynamoDB")
    assert (point["EncryptionKeyArn"], point["IsEncrypted"]) == (key, True)
    assert (point["Status"], point["IamRoleArn"]) == ("COMPLETED", ROLE)
    assert point["Lifecycle"] == {"DeleteAfterDays": 7}
    assert "SourceBackupVaultArn" not in point
    [listed_vault] = us.list_backup_vaults()["BackupVaultList"]
    assert listed_vault["NumberOfRecoveryPoints"] == 1


@pytest.mark.parametrize(
    ("resource", "kind"),
    [
        (f"arn:aws:ec2:{US}:{ACCOUNT}:volume/vol-1", "EBS"),
        (f"arn:aws:ec2:{US}:{ACCOUNT}:instance/i-1", "EC2"),
        (f"arn:aws:rds:{US}:{ACCOUNT}:db:orders", "RDS"),
        (f"arn:aws:rds:{US}:{ACCOUNT}:cluster:orders", "Aurora"),
        (f"arn:aws:elasticfilesystem:{US}:{ACCOUNT}:file-system/fs-1", "EFS"),
        ("arn:aws:s3:::bucket", "S3"),
    ],
)
def test_resource_type_follows_the_resource(us: Any, resource: str, kind: str) -> None:
    us.create_backup_vault(BackupVaultName="main")
    us.start_backup_job(BackupVaultName="main", ResourceArn=resource, IamRoleArn=ROLE)
    [point] = us.list_recovery_points_by_backup_vault(BackupVaultName="main")["RecoveryPoints"]
    assert point["ResourceType"] == kind


def test_copy_job_lands_in_the_destination_vault_with_its_key(
    session: boto3.Session, us: Any, eu: Any
) -> None:
    src_key = session.client("kms", region_name=US).create_key()["KeyMetadata"]["Arn"]
    dst_key = session.client("kms", region_name=EU).create_key()["KeyMetadata"]["Arn"]
    main = us.create_backup_vault(BackupVaultName="main", EncryptionKeyArn=src_key)
    dr = eu.create_backup_vault(BackupVaultName="dr", EncryptionKeyArn=dst_key)
    point = us.start_backup_job(BackupVaultName="main", ResourceArn=TABLE, IamRoleArn=ROLE)[
        "RecoveryPointArn"
    ]
    copied = us.start_copy_job(
        RecoveryPointArn=point,
        SourceBackupVaultName="main",
        DestinationBackupVaultArn=dr["BackupVaultArn"],
        IamRoleArn=ROLE,
    )
    assert output_problems("StartCopyJob", copied) == []

    [copy] = eu.list_recovery_points_by_backup_vault(BackupVaultName="dr")["RecoveryPoints"]
    assert copy["RecoveryPointArn"].startswith(f"arn:aws:backup:{EU}:{ACCOUNT}:recovery-point:")
    assert (copy["BackupVaultName"], copy["BackupVaultArn"]) == ("dr", dr["BackupVaultArn"])
    assert copy["SourceBackupVaultArn"] == main["BackupVaultArn"]
    assert (copy["ResourceArn"], copy["ResourceType"]) == (TABLE, "DynamoDB")
    assert copy["EncryptionKeyArn"] == dst_key
    [original] = us.list_recovery_points_by_backup_vault(BackupVaultName="main")["RecoveryPoints"]
    assert original["RecoveryPointArn"] == point  # the source keeps its own
    assert eu.list_backup_vaults()["BackupVaultList"][0]["NumberOfRecoveryPoints"] == 1

    # A copy within the Region, to a vault on the AWS managed key.
    local = us.create_backup_vault(BackupVaultName="local")["BackupVaultArn"]
    us.start_copy_job(
        RecoveryPointArn=point,
        SourceBackupVaultName="main",
        DestinationBackupVaultArn=local,
        IamRoleArn=ROLE,
    )
    [same] = us.list_recovery_points_by_backup_vault(BackupVaultName="local")["RecoveryPoints"]
    managed = session.client("kms", region_name=US).describe_key(KeyId="alias/aws/backup")
    assert same["EncryptionKeyArn"] == managed["KeyMetadata"]["Arn"]
    assert same["SourceBackupVaultArn"] == main["BackupVaultArn"]


def test_unknown_vaults_and_points_are_not_found(us: Any, eu: Any) -> None:
    us.create_backup_vault(BackupVaultName="main")
    dr = eu.create_backup_vault(BackupVaultName="dr")["BackupVaultArn"]
    point = us.start_backup_job(BackupVaultName="main", ResourceArn=TABLE, IamRoleArn=ROLE)[
        "RecoveryPointArn"
    ]
    not_found = us.exceptions.ResourceNotFoundException
    with pytest.raises(not_found):
        us.list_recovery_points_by_backup_vault(BackupVaultName="nope")
    with pytest.raises(not_found):
        us.start_backup_job(BackupVaultName="nope", ResourceArn=TABLE, IamRoleArn=ROLE)
    with pytest.raises(not_found):
        us.start_copy_job(
            RecoveryPointArn=point,
            SourceBackupVaultName="nope",
            DestinationBackupVaultArn=dr,
            IamRoleArn=ROLE,
        )
    with pytest.raises(not_found):
        us.start_copy_job(
            RecoveryPointArn=point + "-other",
            SourceBackupVaultName="main",
            DestinationBackupVaultArn=dr,
            IamRoleArn=ROLE,
        )
    with pytest.raises(not_found):
        us.start_copy_job(
            RecoveryPointArn=point,
            SourceBackupVaultName="main",
            DestinationBackupVaultArn=dr.replace(":dr", ":gone"),
            IamRoleArn=ROLE,
        )
    assert eu.list_recovery_points_by_backup_vault(BackupVaultName="dr")["RecoveryPoints"] == []


def test_recovery_points_page_and_filter(us: Any) -> None:
    us.create_backup_vault(BackupVaultName="main")
    volume = f"arn:aws:ec2:{US}:{ACCOUNT}:volume/vol-1"
    made = [
        us.start_backup_job(BackupVaultName="main", ResourceArn=arn, IamRoleArn=ROLE)[
            "RecoveryPointArn"
        ]
        for arn in (TABLE, volume, TABLE)
    ]
    pages = us.get_paginator("list_recovery_points_by_backup_vault").paginate(
        BackupVaultName="main", PaginationConfig={"PageSize": 2}
    )
    assert [[p["RecoveryPointArn"] for p in page["RecoveryPoints"]] for page in pages] == [
        made[:2],
        made[2:],
    ]
    by_arn = us.list_recovery_points_by_backup_vault(BackupVaultName="main", ByResourceArn=TABLE)
    assert [p["RecoveryPointArn"] for p in by_arn["RecoveryPoints"]] == [made[0], made[2]]
    by_type = us.list_recovery_points_by_backup_vault(BackupVaultName="main", ByResourceType="EBS")
    assert [p["RecoveryPointArn"] for p in by_type["RecoveryPoints"]] == [made[1]]


def test_recovery_points_do_not_outlive_the_mock() -> None:
    session = moto_gaps.install(boto3.Session(region_name=US))
    with mock_aws():
        first = session.client("backup", region_name=US)
        first.create_backup_vault(BackupVaultName="main")
        first.start_backup_job(BackupVaultName="main", ResourceArn=TABLE, IamRoleArn=ROLE)
    with mock_aws():
        again = session.client("backup", region_name=US)
        again.create_backup_vault(BackupVaultName="main")
        assert (
            again.list_recovery_points_by_backup_vault(BackupVaultName="main")["RecoveryPoints"]
            == []
        )
