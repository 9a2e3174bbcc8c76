"""Rule functions for the re-encryption inventory: what data is encrypted under which KMS
key, how big it is, and which copies of it reach another Region.

Each function is pure (no AWS, no clock) and unit-tested in
``tests/engine/functions/test_data.py``. The items are the inventory collectors' (EBS,
S3, RDS, DynamoDB, EFS, CloudWatch Logs, SQS, SNS, Lambda, ECR, AWS Backup, DLM), in
AWS's own field names; a function handed one recognises its type by the field that
identifies it (each collector's ``RESOURCE_TYPES`` id), so one rule can judge them all.

``data_key(item)``
    The KMS key reference the item's data is encrypted under, as the API gives it (a key
    ARN, key id, alias ARN or alias name), or the AWS managed key's alias where the API
    only says "KMS, default key" (S3 ``aws:kms`` without a key id: ``alias/aws/s3``; ECR
    ``KMS`` without ``kmsKey``: ``alias/aws/ecr``). Null when the data is not encrypted
    with KMS or is under a key AWS owns (SSE-S3, SQS managed SSE, DynamoDB's default).

``data_bytes(item)`` / ``data_size(item)``
    The size the API reports (EBS and RDS in GiB, DynamoDB, EFS, Logs and recovery points
    in bytes), in bytes, or null; and the same as text (``8 GiB``, ``1.5 MiB``), ``""``
    when unknown.

``data_arn(item, region, account)``
    The resource's ARN, as AWS Backup names it in a recovery point's ``ResourceArn``.

``data_copies(item, region)``
    The copies the item's own configuration sends into ``region``, each ``{Via, Region,
    Key, Bucket, Vault}``: DynamoDB replicas, RDS automated-backup replications and
    cross-Region read replicas, EFS replication destinations, S3 replication rules (an
    S3 rule names a bucket, not a Region: every enabled rule is listed with ``Region``
    from its replica key's ARN, else null, and ``Bucket`` for a lookup in the target),
    DLM cross-Region copy rules and AWS Backup copy actions (``Vault``: the destination
    vault ARN, ``SourceVault`` the name of the vault the rule backs up into; an RDS
    automated-backup replication's ``Backup`` is the replicated backup's ARN in the
    destination). ``Key`` is the key the copy is encrypted under when the configuration
    names one, else null (the destination's default key); ``SourceKey`` is ``data_key``
    of the item.

``ebs_copy_source(description)``
    The source snapshot id in the description EC2 gives a copied snapshot
    (``[Copied snap-0abc from me-central-1]``), or null.

``dlm_copies(policies, item, region)``
    The ids of the enabled DLM policies that copy this EBS volume's snapshots (by the
    policy's target tags), or this snapshot (made by the policy: its
    ``aws:dlm:lifecycle-policy-id`` tag), into ``region``.

``kms_ref(ref, region)``
    What a key reference names, as a kms.key ``KeyId`` or kms.alias ``AliasName`` to
    look up in ``region``: a key ARN gives its key id, an alias ARN its alias name, bare
    ids and alias names are unchanged; null when the reference is an ARN of another Region
    or empty.

``copy_name(item)``
    ``<type>:<name>`` of a queue, topic, function, repository, vault or log group: the
    name its twin in another Region would have.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from regionready.engine.functions import arn_region

GIB = 1024**3
_UNITS = ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB")
_COPIED_RE = re.compile(r"\[Copied (snap-[0-9a-f]+) from [a-z0-9-]+\]")
DLM_POLICY_TAG = "aws:dlm:lifecycle-policy-id"
#: The field that identifies each inventory type, checked in this order (a snapshot also
#: has a VolumeId, an automated backup a DBInstanceArn, a recovery point a vault ARN).
TYPE_FIELDS = (
    ("RecoveryPointArn", "backup.recovery_point"),
    ("BackupPlanArn", "backup.plan"),
    ("BackupVaultArn", "backup.vault"),
    ("SnapshotId", "ec2.snapshot"),
    ("VolumeId", "ec2.volume"),
    ("DBInstanceAutomatedBackupsArn", "rds.automated_backup"),
    ("DBSnapshotArn", "rds.db_snapshot"),
    ("DBClusterSnapshotArn", "rds.db_cluster_snapshot"),
    ("DBClusterArn", "rds.db_cluster"),
    ("DBInstanceArn", "rds.db_instance"),
    ("TableArn", "dynamodb.table"),
    ("FileSystemId", "efs.file_system"),
    ("PolicyId", "dlm.policy"),
    ("logGroupName", "logs.log_group"),
    ("QueueUrl", "sqs.queue"),
    ("TopicArn", "sns.topic"),
    ("FunctionArn", "lambda.function"),
    ("repositoryArn", "ecr.repository"),
    ("ServerSideEncryptionConfiguration", "s3.bucket"),
    ("ReplicationConfiguration", "s3.bucket"),
    ("BucketRegion", "s3.bucket"),
)


def inventory_type(item: Any) -> str | None:
    """``collector.type`` of an inventory item, from the field that identifies it."""
    if not isinstance(item, dict):
        return None
    for name, rtype in TYPE_FIELDS:
        if name in item:
            return rtype
    return None


def _get(item: dict[str, Any], *path: str) -> Any:
    value: Any = item
    for name in path:
        if not isinstance(value, dict):
            return None
        value = value.get(name)
    return value


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _if_encrypted(flag: str, key: str) -> Callable[[dict[str, Any]], str | None]:
    return lambda item: _text(item.get(key)) if item.get(flag) else None


def _s3_key(item: dict[str, Any]) -> str | None:
    rules = _get(item, "ServerSideEncryptionConfiguration", "Rules") or []
    for rule in rules if isinstance(rules, list) else []:
        default = _get(rule, "ApplyServerSideEncryptionByDefault") or {}
        if str(default.get("SSEAlgorithm", "")).startswith("aws:kms"):
            return _text(default.get("KMSMasterKeyID")) or "alias/aws/s3"
    return None


def _dynamodb_key(item: dict[str, Any]) -> str | None:
    sse = item.get("SSEDescription") or {}
    if sse.get("SSEType") != "KMS" or sse.get("Status") not in ("ENABLED", "UPDATING"):
        return None
    return _text(sse.get("KMSMasterKeyArn"))


def _sqs_key(item: dict[str, Any]) -> str | None:
    return _text(item.get("KmsMasterKeyId"))


def _ecr_key(item: dict[str, Any]) -> str | None:
    config = item.get("encryptionConfiguration") or {}
    if not str(config.get("encryptionType", "")).startswith("KMS"):
        return None
    return _text(config.get("kmsKey")) or "alias/aws/ecr"


_KEY_OF: dict[str, Callable[[dict[str, Any]], str | None]] = {
    "ec2.volume": _if_encrypted("Encrypted", "KmsKeyId"),
    "ec2.snapshot": _if_encrypted("Encrypted", "KmsKeyId"),
    "rds.db_instance": _if_encrypted("StorageEncrypted", "KmsKeyId"),
    "rds.db_cluster": _if_encrypted("StorageEncrypted", "KmsKeyId"),
    "rds.db_snapshot": _if_encrypted("Encrypted", "KmsKeyId"),
    "rds.db_cluster_snapshot": _if_encrypted("StorageEncrypted", "KmsKeyId"),
    "rds.automated_backup": _if_encrypted("Encrypted", "KmsKeyId"),
    "efs.file_system": _if_encrypted("Encrypted", "KmsKeyId"),
    "s3.bucket": _s3_key,
    "dynamodb.table": _dynamodb_key,
    "logs.log_group": lambda item: _text(item.get("kmsKeyId")),
    "sqs.queue": _sqs_key,
    "sns.topic": _sqs_key,
    "lambda.function": lambda item: _text(item.get("KMSKeyArn")),
    "ecr.repository": _ecr_key,
    "backup.vault": lambda item: _text(item.get("EncryptionKeyArn")),
    "backup.recovery_point": lambda item: _text(item.get("EncryptionKeyArn")),
}


def data_key(item: Any) -> str | None:
    """The KMS key reference an inventory item's data is encrypted under, or null."""
    reader = _KEY_OF.get(inventory_type(item) or "")
    return reader(item) if reader else None


def data_bytes(item: Any) -> int | None:
    """The size of an inventory item's data in bytes, where the API reports one."""
    rtype = inventory_type(item)
    if rtype is None:
        return None
    gib = {
        "ec2.volume": "Size",
        "ec2.snapshot": "VolumeSize",
        "rds.db_instance": "AllocatedStorage",
        "rds.db_cluster": "AllocatedStorage",
        "rds.db_snapshot": "AllocatedStorage",
        "rds.db_cluster_snapshot": "AllocatedStorage",
        "rds.automated_backup": "AllocatedStorage",
    }.get(rtype)
    if gib is not None:
        value = item.get(gib)
        return int(value) * GIB if isinstance(value, int | float) and value > 0 else None
    value = {
        "dynamodb.table": item.get("TableSizeBytes"),
        "efs.file_system": _get(item, "SizeInBytes", "Value"),
        "logs.log_group": item.get("storedBytes"),
        "backup.recovery_point": item.get("BackupSizeInBytes"),
    }.get(rtype)
    return int(value) if isinstance(value, int | float) and value >= 0 else None


def human_bytes(size: Any) -> str:
    """``8 GiB``, ``1.5 MiB``, ``512 bytes``; ``""`` for anything that is not a size."""
    if not isinstance(size, int | float) or isinstance(size, bool) or size < 0:
        return ""
    value = float(size)
    for unit in _UNITS:
        if value < 1024 or unit == _UNITS[-1]:
            break
        value /= 1024
    if unit == "bytes":
        return f"{int(value)} bytes"
    return f"{value:.1f} {unit}".replace(".0 ", " ")


def data_size(item: Any) -> str:
    """:func:`data_bytes` as text, ``""`` when the API gives no size."""
    return human_bytes(data_bytes(item))


def _partition(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def data_arn(item: Any, region: Any, account: Any) -> str | None:
    """The ARN AWS Backup gives the resource (``ResourceArn``), or null."""
    rtype = inventory_type(item)
    if rtype is None or not isinstance(region, str):
        return None
    partition = _partition(region)
    if rtype == "ec2.volume":
        return f"arn:{partition}:ec2:{region}:{account}:volume/{item['VolumeId']}"
    if rtype == "ec2.snapshot":
        return f"arn:{partition}:ec2:{region}::snapshot/{item['SnapshotId']}"
    if rtype == "s3.bucket":
        name = item.get("Name")
        return f"arn:{partition}:s3:::{name}" if name else None
    field = {
        "rds.db_instance": "DBInstanceArn",
        "rds.db_cluster": "DBClusterArn",
        "rds.db_snapshot": "DBSnapshotArn",
        "rds.db_cluster_snapshot": "DBClusterSnapshotArn",
        "dynamodb.table": "TableArn",
        "efs.file_system": "FileSystemArn",
    }.get(rtype)
    return _text(item.get(field)) if field else None


def _copy(via: str, region: Any, key: Any = None, **more: Any) -> dict[str, Any]:
    return {"Via": via, "Region": region, "Key": _text(key), **more}


def _dynamodb_copies(item: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        _copy("global table replica", r.get("RegionName"), r.get("KMSMasterKeyId"))
        for r in item.get("Replicas") or []
        if isinstance(r, dict) and r.get("ReplicaStatus") not in ("DELETING", "CREATION_FAILED")
    ]


def _rds_instance_copies(item: dict[str, Any]) -> list[dict[str, Any]]:
    copies = [
        _copy(
            "automated backup replication",
            arn_region(r.get("DBInstanceAutomatedBackupsArn")),
            Backup=r.get("DBInstanceAutomatedBackupsArn"),
        )
        for r in item.get("DBInstanceAutomatedBackupsReplications") or []
        if isinstance(r, dict)
    ]
    for replica in item.get("ReadReplicaDBInstanceIdentifiers") or []:
        if arn_region(replica):
            copies.append(_copy(f"read replica {replica}", arn_region(replica)))
    return copies


def _rds_cluster_copies(item: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        _copy(f"read replica {replica}", arn_region(replica))
        for replica in item.get("ReadReplicaIdentifiers") or []
        if arn_region(replica)
    ]


def _efs_copies(item: dict[str, Any]) -> list[dict[str, Any]]:
    copies = []
    for replication in item.get("Replications") or []:
        for dest in (replication or {}).get("Destinations") or []:
            if isinstance(dest, dict) and dest.get("Status") not in ("ERROR", "DELETING"):
                via = f"replication to {dest.get('FileSystemId')}"
                copies.append(_copy(via, dest.get("Region"), FileSystemId=dest.get("FileSystemId")))
    return copies


def _s3_copies(item: dict[str, Any]) -> list[dict[str, Any]]:
    copies = []
    for rule in _get(item, "ReplicationConfiguration", "Rules") or []:
        if not isinstance(rule, dict) or rule.get("Status") != "Enabled":
            continue
        dest = rule.get("Destination") or {}
        bucket = str(dest.get("Bucket") or "").rsplit(":", 1)[-1] or None
        key = _get(dest, "EncryptionConfiguration", "ReplicaKmsKeyID")
        kms_objects = _get(rule, "SourceSelectionCriteria", "SseKmsEncryptedObjects", "Status")
        via = f"replication rule {rule.get('ID') or rule.get('Priority', '')} to {bucket}".strip()
        copies.append(
            _copy(via, arn_region(key), key, Bucket=bucket, KmsObjects=kms_objects == "Enabled")
        )
    return copies


def _dlm_copies(item: dict[str, Any]) -> list[dict[str, Any]]:
    copies = []
    for schedule in _get(item, "PolicyDetails", "Schedules") or []:
        for rule in (schedule or {}).get("CrossRegionCopyRules") or []:
            if not isinstance(rule, dict):
                continue
            region = rule.get("TargetRegion") or rule.get("Target")
            via = f"schedule {schedule.get('Name', '')} copy".replace("  ", " ")
            copies.append(_copy(via, region, rule.get("CmkArn"), Encrypted=rule.get("Encrypted")))
    return copies


def _backup_copies(item: dict[str, Any]) -> list[dict[str, Any]]:
    copies = []
    for rule in _get(item, "BackupPlan", "Rules") or []:
        for action in (rule or {}).get("CopyActions") or []:
            vault = (action or {}).get("DestinationBackupVaultArn")
            via = f"rule {rule.get('RuleName', '')} copy to {vault}"
            copies.append(
                _copy(
                    via,
                    arn_region(vault),
                    Vault=vault,
                    SourceVault=rule.get("TargetBackupVaultName"),
                )
            )
    return copies


_COPIES_OF: dict[str, Callable[[dict[str, Any]], list[dict[str, Any]]]] = {
    "dynamodb.table": _dynamodb_copies,
    "rds.db_instance": _rds_instance_copies,
    "rds.db_cluster": _rds_cluster_copies,
    "efs.file_system": _efs_copies,
    "s3.bucket": _s3_copies,
    "dlm.policy": _dlm_copies,
    "backup.plan": _backup_copies,
}


def data_copies(item: Any, region: Any) -> list[dict[str, Any]]:
    """The copies the item's configuration sends into ``region`` (S3: every enabled rule
    whose Region is ``region`` or not known from its key)."""
    reader = _COPIES_OF.get(inventory_type(item) or "")
    if reader is None:
        return []
    source_key = data_key(item)
    return [
        {**c, "SourceKey": source_key}
        for c in reader(item)
        if c["Region"] == region or (c.get("Bucket") and not c["Region"])
    ]


def ebs_copy_source(description: Any) -> str | None:
    """The source snapshot id of a snapshot CopySnapshot made, from its description."""
    match = _COPIED_RE.search(description) if isinstance(description, str) else None
    return match.group(1) if match else None


def _tags(item: dict[str, Any]) -> dict[str, str]:
    return {
        str(t.get("Key")): str(t.get("Value"))
        for t in item.get("Tags") or []
        if isinstance(t, dict) and "Key" in t
    }


def dlm_copies(policies: Any, item: Any, region: Any) -> list[str]:
    """Ids of the enabled DLM policies copying this volume's snapshots (or this snapshot)
    into ``region``."""
    rtype = inventory_type(item)
    if rtype not in ("ec2.volume", "ec2.snapshot") or not isinstance(policies, list):
        return []
    tags = _tags(item)
    found = []
    for policy in policies:
        if not isinstance(policy, dict) or policy.get("State") != "ENABLED":
            continue
        if not any(c["Region"] == region for c in _dlm_copies(policy)):
            continue
        if rtype == "ec2.snapshot":
            covered = tags.get(DLM_POLICY_TAG) == policy.get("PolicyId")
        else:
            details = policy.get("PolicyDetails") or {}
            wanted = _tags({"Tags": details.get("TargetTags") or []})
            covered = (
                "VOLUME" in (details.get("ResourceTypes") or [])
                and bool(wanted)
                and all(tags.get(k) == v for k, v in wanted.items())
            )
        if covered:
            found.append(str(policy.get("PolicyId")))
    return found


def kms_ref(ref: Any, region: Any) -> str | None:
    """A key reference as the kms.key ``KeyId`` or kms.alias ``AliasName`` to look up in
    ``region``; null for an ARN of another Region or an empty reference."""
    if not isinstance(ref, str) or not ref:
        return None
    if not ref.startswith("arn:"):
        return ref
    parts = ref.split(":", 5)
    if len(parts) < 6 or parts[3] != region:
        return None
    resource = parts[5]
    if resource.startswith("key/"):
        return resource[len("key/") :] or None
    if resource.startswith("alias/"):
        return resource
    return None


def _last(value: Any, sep: str) -> str | None:
    return str(value).rstrip(sep).rsplit(sep, 1)[-1] or None if _text(value) else None


def copy_name(item: Any) -> str | None:
    """``<type>:<name>``: what the item's twin in another Region is called."""
    rtype = inventory_type(item)
    if rtype is None:
        return None
    name = {
        "sqs.queue": lambda: _last(item.get("QueueUrl"), "/"),
        "sns.topic": lambda: _last(item.get("TopicArn"), ":"),
        "lambda.function": lambda: _text(item.get("FunctionName")),
        "ecr.repository": lambda: _text(item.get("repositoryName")),
        "backup.vault": lambda: _text(item.get("BackupVaultName")),
        "logs.log_group": lambda: _text(item.get("logGroupName")),
    }.get(rtype, lambda: None)()
    return f"{rtype}:{name}" if name else None


_ITEM = {"types": ["object", "null"]}
_TEXT = {"types": ["string", "null"]}

FUNCTIONS = {
    "data_key": (data_key, [_ITEM]),
    "data_bytes": (data_bytes, [_ITEM]),
    "data_size": (data_size, [_ITEM]),
    "human_bytes": (human_bytes, [{"types": ["number", "null"]}]),
    "data_arn": (data_arn, [_ITEM, _TEXT, _TEXT]),
    "data_copies": (data_copies, [_ITEM, _TEXT]),
    "ebs_copy_source": (ebs_copy_source, [_TEXT]),
    "dlm_copies": (dlm_copies, [{"types": ["array", "null"]}, _ITEM, _TEXT]),
    "kms_ref": (kms_ref, [_TEXT, _TEXT]),
    "copy_name": (copy_name, [_ITEM]),
}
