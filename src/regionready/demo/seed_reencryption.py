"""Demo seed: data encrypted under customer keys, and the copies that do or do not reach
the target (the re-encryption inventory, checks KMS-010 to KMS-013).

Ordinary boto3 calls through the session given (``moto_gaps`` installed by the caller).
The source key ``alias/ledger`` exists only in the source: nothing under it can be read
in the target unless a copy was made while the source answered (seed 000, "Moving
Encrypted Resources Between Regions").

What is planted (source -> target), and which check each should trip:

  key alias/ledger (single-Region)        -> nothing                           KMS-001
  EBS snapshot of the ledger volume       -> nothing (the volume is gone)      KMS-010
  EBS snapshot "month-end" under ledger   -> copied, under alias/ledger-eu     KMS-010 passes
  S3 bucket "ledger-exports-..." (ledger) -> no replication                    KMS-010
  S3 bucket "orders-archive-..." (ledger) -> replicated to a bucket there under
                                             alias/ledger-eu (enabled)         KMS-010, KMS-012,
                                                                               KMS-013 pass
  backup vault "ledger-vault" (ledger)    -> no vault of that name             KMS-011
  backup plan "ledger-daily" copying the  -> vault "dr-vault" under
    vault to the target                      alias/dr-backup, a DISABLED key   KMS-012
  backup plan "ledger-weekly" copying the -> vault "dr-default" under the AWS
    vault to the target                      managed key aws/backup            KMS-013

Healthy, one of each other inventory collector: a tagged volume under ledger that a DLM
policy copies to the target under alias/ledger-eu, an EFS file system replicated there,
a log group and an SNS topic under ledger with twins in the target, a DynamoDB table
under ledger with a replica there under alias/ledger-eu, a queue under the AWS managed
aws/sqs key, a repository under AES256 (out of scope) and an empty Aurora global
database.

Ids recorded are the ones results carry (SnapshotId, bucket Name, vault and plan ARNs,
the alias name for KMS-001).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import boto3

if TYPE_CHECKING:
    from regionready.demo.seed import DemoPlan

LEDGER = "alias/ledger"
LEDGER_EU = "alias/ledger-eu"
DR_BACKUP = "alias/dr-backup"


def _key(kms: Any, alias: str, description: str) -> str:
    meta = kms.create_key(Description=description)["KeyMetadata"]
    kms.create_alias(AliasName=alias, TargetKeyId=meta["KeyId"])
    arn: str = meta["Arn"]
    return arn


def _bucket(s3: Any, name: str, region: str, key_arn: str) -> None:
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
    s3.put_bucket_encryption(
        Bucket=name,
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {
                        "SSEAlgorithm": "aws:kms",
                        "KMSMasterKeyID": key_arn,
                    },
                    "BucketKeyEnabled": True,
                }
            ]
        },
    )


def _seed_ebs(session: boto3.Session, plan: DemoPlan, ledger: str, ledger_eu: str) -> None:
    ec2 = session.client("ec2", region_name=plan.source)
    zone = f"{plan.source}a"
    volume = ec2.create_volume(AvailabilityZone=zone, Size=50, Encrypted=True, KmsKeyId=ledger)
    lost = ec2.create_snapshot(VolumeId=volume["VolumeId"], Description="ledger before archive")
    kept = ec2.create_snapshot(VolumeId=volume["VolumeId"], Description="month-end")
    ec2.delete_volume(VolumeId=volume["VolumeId"])
    copy = session.client("ec2", region_name=plan.target).copy_snapshot(
        SourceRegion=plan.source,
        SourceSnapshotId=kept["SnapshotId"],
        Encrypted=True,
        KmsKeyId=ledger_eu,
    )
    plan.failing.setdefault("KMS-010", []).append(lost["SnapshotId"])
    plan.healthy += [kept["SnapshotId"], copy["SnapshotId"]]


def _seed_s3(session: boto3.Session, plan: DemoPlan, ledger: str, ledger_eu: str) -> None:
    source = session.client("s3", region_name=plan.source)
    target = session.client("s3", region_name=plan.target)
    exports = f"ledger-exports-{plan.account_id}"
    archive = f"orders-archive-{plan.account_id}"
    replica = f"orders-archive-eu-{plan.account_id}"
    _bucket(source, exports, plan.source, ledger)
    _bucket(source, archive, plan.source, ledger)
    _bucket(target, replica, plan.target, ledger_eu)
    for client, name in ((source, archive), (target, replica)):
        client.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    source.put_bucket_replication(
        Bucket=archive,
        ReplicationConfiguration={
            "Role": f"arn:aws:iam::{plan.account_id}:role/s3-replication",
            "Rules": [
                {
                    "ID": "to-dr",
                    "Priority": 1,
                    "Status": "Enabled",
                    "Filter": {"Prefix": ""},
                    "DeleteMarkerReplication": {"Status": "Disabled"},
                    "SourceSelectionCriteria": {"SseKmsEncryptedObjects": {"Status": "Enabled"}},
                    "Destination": {
                        "Bucket": f"arn:aws:s3:::{replica}",
                        "EncryptionConfiguration": {"ReplicaKmsKeyID": ledger_eu},
                    },
                }
            ],
        },
    )
    plan.failing.setdefault("KMS-010", []).append(exports)
    plan.healthy += [archive, replica]


def _copy_plan(backup: Any, name: str, destination_vault: str) -> str:
    """A plan backing up into "ledger-vault" daily and copying to ``destination_vault``."""
    created = backup.create_backup_plan(
        BackupPlan={
            "BackupPlanName": name,
            "Rules": [
                {
                    "RuleName": "daily",
                    "TargetBackupVaultName": "ledger-vault",
                    "ScheduleExpression": "cron(0 3 * * ? *)",
                    "CopyActions": [{"DestinationBackupVaultArn": destination_vault}],
                }
            ],
        }
    )
    arn: str = created["BackupPlanArn"]
    return arn


def _seed_backup(session: boto3.Session, plan: DemoPlan, ledger: str) -> None:
    target_kms = session.client("kms", region_name=plan.target)
    dr_key = _key(target_kms, DR_BACKUP, "DR backup vault key (disabled by mistake)")
    target_kms.disable_key(KeyId=dr_key.rsplit("/", 1)[-1])  # moto: a key id, not an ARN
    plan.record(plan.target, f"key:{DR_BACKUP}", dr_key)
    source = session.client("backup", region_name=plan.source)
    target = session.client("backup", region_name=plan.target)
    vault = source.create_backup_vault(BackupVaultName="ledger-vault", EncryptionKeyArn=ledger)
    dr_vault = target.create_backup_vault(BackupVaultName="dr-vault", EncryptionKeyArn=dr_key)
    # A vault created without a key is under the AWS managed key aws/backup.
    default_vault = target.create_backup_vault(BackupVaultName="dr-default")
    daily = _copy_plan(source, "ledger-daily", dr_vault["BackupVaultArn"])
    weekly = _copy_plan(source, "ledger-weekly", default_vault["BackupVaultArn"])
    plan.failing.setdefault("KMS-011", []).append(vault["BackupVaultArn"])
    plan.failing.setdefault("KMS-012", []).append(daily)
    plan.failing.setdefault("KMS-013", []).append(weekly)


def _seed_healthy(session: boto3.Session, plan: DemoPlan, ledger: str, ledger_eu: str) -> None:
    """Resources every inventory check passes or leaves out, one of each collector."""
    ec2 = session.client("ec2", region_name=plan.source)
    tagged = ec2.create_volume(
        AvailabilityZone=f"{plan.source}a",
        Size=20,
        Encrypted=True,
        KmsKeyId=ledger,
        TagSpecifications=[{"ResourceType": "volume", "Tags": [{"Key": "dr", "Value": "copy"}]}],
    )
    session.client("dlm", region_name=plan.source).create_lifecycle_policy(
        ExecutionRoleArn=f"arn:aws:iam::{plan.account_id}:role/AWSDataLifecycleManagerDefaultRole",
        Description="ledger volumes, copied to the DR Region",
        State="ENABLED",
        PolicyDetails={
            "PolicyType": "EBS_SNAPSHOT_MANAGEMENT",
            "ResourceTypes": ["VOLUME"],
            "TargetTags": [{"Key": "dr", "Value": "copy"}],
            "Schedules": [
                {
                    "Name": "daily",
                    "CreateRule": {"Interval": 24, "IntervalUnit": "HOURS", "Times": ["03:00"]},
                    "RetainRule": {"Count": 7},
                    "CrossRegionCopyRules": [
                        {
                            "Target": plan.target,
                            "Encrypted": True,
                            "CmkArn": ledger_eu,
                            "RetainRule": {"Interval": 7, "IntervalUnit": "DAYS"},
                        }
                    ],
                }
            ],
        },
    )
    fs = session.client("efs", region_name=plan.source).create_file_system(
        CreationToken="ledger-share", Encrypted=True, KmsKeyId=ledger
    )
    session.client("efs", region_name=plan.source).create_replication_configuration(
        SourceFileSystemId=fs["FileSystemId"],
        Destinations=[{"Region": plan.target, "KmsKeyId": ledger_eu}],
    )
    for region, key in ((plan.source, ledger), (plan.target, ledger_eu)):
        logs = session.client("logs", region_name=region)
        logs.create_log_group(logGroupName="/ledger/audit", kmsKeyId=key)
        session.client("sns", region_name=region).create_topic(
            Name="ledger-alerts", Attributes={"KmsMasterKeyId": key}
        )
    session.client("sqs", region_name=plan.source).create_queue(
        QueueName="ledger-events", Attributes={"KmsMasterKeyId": "alias/aws/sqs"}
    )
    session.client("ecr", region_name=plan.source).create_repository(repositoryName="ledger-api")
    dynamodb = session.client("dynamodb", region_name=plan.source)
    table = dynamodb.create_table(
        TableName="ledger-entries",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        SSESpecification={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": ledger},
    )["TableDescription"]
    dynamodb.update_table(
        TableName="ledger-entries",
        ReplicaUpdates=[{"Create": {"RegionName": plan.target, "KMSMasterKeyId": ledger_eu}}],
    )
    # An Aurora global database with no member yet: the RDS inventory has one item that
    # does not move between two reads (an instance's LatestRestorableTime does).
    session.client("rds", region_name=plan.source).create_global_cluster(
        GlobalClusterIdentifier="ledger-global", Engine="aurora-postgresql"
    )
    plan.healthy += [
        tagged["VolumeId"],
        fs["FileSystemId"],
        "/ledger/audit",
        table["TableArn"],
    ]


def seed(session: boto3.Session, plan: DemoPlan) -> None:
    ledger = _key(session.client("kms", region_name=plan.source), LEDGER, "ledger data")
    ledger_eu = _key(session.client("kms", region_name=plan.target), LEDGER_EU, "ledger (DR)")
    plan.record(plan.source, f"key:{LEDGER}", ledger)
    plan.record(plan.target, f"key:{LEDGER_EU}", ledger_eu)
    plan.failing.setdefault("KMS-001", []).append(LEDGER)
    _seed_ebs(session, plan, ledger, ledger_eu)
    _seed_s3(session, plan, ledger, ledger_eu)
    _seed_backup(session, plan, ledger)
    _seed_healthy(session, plan, ledger, ledger_eu)
