"""The re-encryption inventory functions (regionready.engine.functions.data)."""

from __future__ import annotations

from typing import Any

import jmespath
import pytest

from regionready.engine.functions import RegionReadyFunctions
from regionready.engine.functions.copies import data_copies, dlm_copies, ebs_copy_source
from regionready.engine.functions.data import (
    GIB,
    copy_name,
    data_arn,
    data_bytes,
    data_key,
    data_size,
    human_bytes,
    inventory_type,
    kms_ref,
)

SRC = "me-central-1"
EU = "eu-central-1"
KEY = f"arn:aws:kms:{SRC}:111111111111:key/k1"
EU_KEY = f"arn:aws:kms:{EU}:111111111111:key/t1"


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ({"VolumeId": "vol-1", "Encrypted": True, "KmsKeyId": KEY}, KEY),
        ({"VolumeId": "vol-1", "Encrypted": False, "KmsKeyId": KEY}, None),
        ({"SnapshotId": "snap-1", "VolumeId": "vol-1", "Encrypted": True, "KmsKeyId": KEY}, KEY),
        ({"DBInstanceArn": "a", "StorageEncrypted": True, "KmsKeyId": KEY}, KEY),
        ({"DBInstanceArn": "a", "StorageEncrypted": False}, None),
        ({"DBClusterSnapshotArn": "a", "StorageEncrypted": True, "KmsKeyId": KEY}, KEY),
        ({"DBSnapshotArn": "a", "Encrypted": True, "KmsKeyId": KEY}, KEY),
        ({"FileSystemId": "fs-1", "Encrypted": True, "KmsKeyId": KEY}, KEY),
        (
            {
                "TableArn": "t",
                "SSEDescription": {"Status": "ENABLED", "SSEType": "KMS", "KMSMasterKeyArn": KEY},
            },
            KEY,
        ),
        ({"TableArn": "t"}, None),  # the AWS owned key
        ({"logGroupName": "/app", "kmsKeyId": KEY}, KEY),
        ({"logGroupName": "/app"}, None),
        ({"QueueUrl": "https://q/1/a", "KmsMasterKeyId": "alias/aws/sqs"}, "alias/aws/sqs"),
        ({"QueueUrl": "https://q/1/a", "SqsManagedSseEnabled": "true"}, None),
        ({"TopicArn": "arn:t", "KmsMasterKeyId": "alias/app"}, "alias/app"),
        ({"FunctionArn": "arn:f", "KMSKeyArn": KEY}, KEY),
        ({"repositoryArn": "r", "encryptionConfiguration": {"encryptionType": "AES256"}}, None),
        (
            {"repositoryArn": "r", "encryptionConfiguration": {"encryptionType": "KMS"}},
            "alias/aws/ecr",
        ),
        ({"BackupVaultArn": "v", "EncryptionKeyArn": KEY}, KEY),
        ({"RecoveryPointArn": "p", "BackupVaultArn": "v", "EncryptionKeyArn": KEY}, KEY),
        (
            {
                "Name": "b",
                "ServerSideEncryptionConfiguration": {
                    "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]
                },
            },
            "alias/aws/s3",
        ),
        (
            {
                "Name": "b",
                "ServerSideEncryptionConfiguration": {
                    "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
                },
            },
            None,
        ),
        ({"Something": "else"}, None),
        (None, None),
    ],
)
def test_data_key(item: Any, expected: str | None) -> None:
    assert data_key(item) == expected


def test_inventory_type_prefers_the_most_specific_id() -> None:
    assert inventory_type({"SnapshotId": "s", "VolumeId": "v"}) == "ec2.snapshot"
    assert inventory_type({"DBInstanceAutomatedBackupsArn": "a", "DBInstanceArn": "d"}) == (
        "rds.automated_backup"
    )
    assert inventory_type({"RecoveryPointArn": "p", "BackupVaultArn": "v"}) == (
        "backup.recovery_point"
    )


def test_sizes() -> None:
    assert data_bytes({"VolumeId": "v", "Size": 8}) == 8 * GIB
    assert data_bytes({"TableArn": "t", "TableSizeBytes": 1536}) == 1536
    assert data_bytes({"FileSystemId": "f", "SizeInBytes": {"Value": 6144}}) == 6144
    assert data_bytes({"QueueUrl": "q"}) is None
    assert data_size({"VolumeId": "v", "Size": 1536}) == "1.5 TiB"
    assert data_size({"VolumeId": "v", "Size": 8}) == "8 GiB"
    assert data_size({"logGroupName": "g", "storedBytes": 512}) == "512 bytes"
    assert data_size({"QueueUrl": "q"}) == ""
    assert human_bytes(True) == ""
    assert human_bytes(-1) == ""


def test_data_arn() -> None:
    assert data_arn({"VolumeId": "vol-1"}, SRC, "111") == f"arn:aws:ec2:{SRC}:111:volume/vol-1"
    assert data_arn({"SnapshotId": "snap-1"}, "cn-north-1", "1") == (
        "arn:aws-cn:ec2:cn-north-1::snapshot/snap-1"
    )
    assert data_arn({"Name": "b", "BucketRegion": SRC}, SRC, "1") == "arn:aws:s3:::b"
    assert data_arn({"TableArn": "arn:t"}, SRC, "1") == "arn:t"
    assert data_arn({"QueueUrl": "q"}, SRC, "1") is None


def test_copies_of_each_kind() -> None:
    table = {
        "TableArn": "t",
        "SSEDescription": {"Status": "ENABLED", "SSEType": "KMS", "KMSMasterKeyArn": KEY},
        "Replicas": [
            {"RegionName": EU, "ReplicaStatus": "ACTIVE", "KMSMasterKeyId": EU_KEY},
            {"RegionName": "eu-west-1", "ReplicaStatus": "ACTIVE"},
            {"RegionName": EU, "ReplicaStatus": "DELETING"},
        ],
    }
    assert [(c["Key"], c["SourceKey"]) for c in data_copies(table, EU)] == [(EU_KEY, KEY)]
    instance = {
        "DBInstanceArn": "d",
        "DBInstanceAutomatedBackupsReplications": [
            {"DBInstanceAutomatedBackupsArn": f"arn:aws:rds:{EU}:1:auto-backup:ab-1"}
        ],
        "ReadReplicaDBInstanceIdentifiers": ["local-replica"],
    }
    assert [c["Via"] for c in data_copies(instance, EU)] == ["automated backup replication"]
    bucket = {
        "Name": "b",
        "ReplicationConfiguration": {
            "Rules": [
                {
                    "ID": "keyed",
                    "Status": "Enabled",
                    "Destination": {
                        "Bucket": "arn:aws:s3:::eu-copy",
                        "EncryptionConfiguration": {"ReplicaKmsKeyID": EU_KEY},
                    },
                },
                {"ID": "plain", "Status": "Enabled", "Destination": {"Bucket": "arn:aws:s3:::x"}},
                {"ID": "off", "Status": "Disabled", "Destination": {"Bucket": "arn:aws:s3:::y"}},
            ]
        },
    }
    copies = data_copies(bucket, EU)
    assert [(c["Bucket"], c["Region"], c["Key"]) for c in copies] == [
        ("eu-copy", EU, EU_KEY),
        ("x", None, None),
    ]
    plan = {
        "BackupPlanArn": "p",
        "BackupPlan": {
            "Rules": [
                {
                    "RuleName": "daily",
                    "TargetBackupVaultName": "main",
                    "CopyActions": [
                        {"DestinationBackupVaultArn": f"arn:aws:backup:{EU}:1:backup-vault:dr"},
                        {"DestinationBackupVaultArn": "arn:aws:backup:us-east-1:1:backup-vault:x"},
                    ],
                }
            ]
        },
    }
    [copy] = data_copies(plan, EU)
    assert copy["SourceVault"] == "main" and copy["Vault"].endswith(":dr")
    fs = {
        "FileSystemId": "fs-1",
        "Replications": [
            {"Destinations": [{"Region": EU, "FileSystemId": "fs-2", "Status": "ERROR"}]}
        ],
    }
    assert data_copies(fs, EU) == []
    assert data_copies({"QueueUrl": "q"}, EU) == []


def test_ebs_copy_source() -> None:
    assert ebs_copy_source("[Copied snap-0abc12 from me-central-1]") == "snap-0abc12"
    assert ebs_copy_source("nightly") is None
    assert ebs_copy_source(None) is None


POLICY = {
    "PolicyId": "policy-1",
    "State": "ENABLED",
    "PolicyDetails": {
        "ResourceTypes": ["VOLUME"],
        "TargetTags": [{"Key": "backup", "Value": "dr"}],
        "Schedules": [{"Name": "d", "CrossRegionCopyRules": [{"TargetRegion": EU}]}],
    },
}


def test_dlm_copies_by_tags_and_by_policy_tag() -> None:
    tagged = {"VolumeId": "v", "Tags": [{"Key": "backup", "Value": "dr"}]}
    assert dlm_copies([POLICY], tagged, EU) == ["policy-1"]
    assert dlm_copies([POLICY], tagged, "eu-west-1") == []
    assert dlm_copies([{**POLICY, "State": "DISABLED"}], tagged, EU) == []
    assert dlm_copies([POLICY], {"VolumeId": "v", "Tags": []}, EU) == []
    made = {
        "SnapshotId": "s",
        "Tags": [{"Key": "aws:dlm:lifecycle-policy-id", "Value": "policy-1"}],
    }
    assert dlm_copies([POLICY], made, EU) == ["policy-1"]
    assert dlm_copies(None, tagged, EU) == []


@pytest.mark.parametrize(
    ("ref", "region", "expected"),
    [
        (KEY, SRC, "k1"),
        (KEY, EU, None),
        (f"arn:aws:kms:{SRC}:1:alias/app", SRC, "alias/app"),
        ("alias/app", EU, "alias/app"),
        ("k1", EU, "k1"),
        ("", EU, None),
        (None, EU, None),
    ],
)
def test_kms_ref(ref: Any, region: str, expected: str | None) -> None:
    assert kms_ref(ref, region) == expected


def test_copy_name() -> None:
    assert copy_name({"QueueUrl": "https://sqs.x/1/orders"}) == "sqs.queue:orders"
    assert copy_name({"TopicArn": "arn:aws:sns:r:1:alerts"}) == "sns.topic:alerts"
    assert copy_name({"logGroupName": "/app/web"}) == "logs.log_group:/app/web"
    assert copy_name({"VolumeId": "v"}) is None


def test_functions_are_callable_from_rules() -> None:
    options = jmespath.Options(custom_functions=RegionReadyFunctions())
    item = {"VolumeId": "v", "Size": 8, "Encrypted": True, "KmsKeyId": KEY}
    assert jmespath.search(f"kms_ref(data_key(@), '{SRC}')", item, options) == "k1"
    assert jmespath.search("data_size(@)", item, options) == "8 GiB"
