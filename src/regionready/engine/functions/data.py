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

from collections.abc import Callable
from typing import Any

GIB = 1024**3
_UNITS = ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB")
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


#: The inventory types that hold data (DLM policies and backup plans copy it, hold none).
DATA_TYPES = tuple(
    sorted({rtype for _, rtype in TYPE_FIELDS if rtype not in ("dlm.policy", "backup.plan")})
)


def inventory_type(item: Any) -> str | None:
    """``collector.type`` of an inventory item, from the field that identifies it."""
    if not isinstance(item, dict):
        return None
    for name, rtype in TYPE_FIELDS:
        if name in item:
            return rtype
    return None


def field_at(item: dict[str, Any], *path: str) -> Any:
    """``item[path[0]][path[1]]...``, None where the path breaks."""
    value: Any = item
    for name in path:
        if not isinstance(value, dict):
            return None
        value = value.get(name)
    return value


def text_or_none(value: Any) -> str | None:
    """A non-empty string, else None."""
    return value if isinstance(value, str) and value else None


def _if_encrypted(flag: str, key: str) -> Callable[[dict[str, Any]], str | None]:
    return lambda item: text_or_none(item.get(key)) if item.get(flag) else None


def _s3_key(item: dict[str, Any]) -> str | None:
    rules = field_at(item, "ServerSideEncryptionConfiguration", "Rules") or []
    for rule in rules if isinstance(rules, list) else []:
        default = field_at(rule, "ApplyServerSideEncryptionByDefault") or {}
        if str(default.get("SSEAlgorithm", "")).startswith("aws:kms"):
            return text_or_none(default.get("KMSMasterKeyID")) or "alias/aws/s3"
    return None


def _dynamodb_key(item: dict[str, Any]) -> str | None:
    sse = item.get("SSEDescription") or {}
    if sse.get("SSEType") != "KMS" or sse.get("Status") not in ("ENABLED", "UPDATING"):
        return None
    return text_or_none(sse.get("KMSMasterKeyArn"))


def _sqs_key(item: dict[str, Any]) -> str | None:
    return text_or_none(item.get("KmsMasterKeyId"))


def _ecr_key(item: dict[str, Any]) -> str | None:
    config = item.get("encryptionConfiguration") or {}
    if not str(config.get("encryptionType", "")).startswith("KMS"):
        return None
    return text_or_none(config.get("kmsKey")) or "alias/aws/ecr"


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
    "logs.log_group": lambda item: text_or_none(item.get("kmsKeyId")),
    "sqs.queue": _sqs_key,
    "sns.topic": _sqs_key,
    "lambda.function": lambda item: text_or_none(item.get("KMSKeyArn")),
    "ecr.repository": _ecr_key,
    "backup.vault": lambda item: text_or_none(item.get("EncryptionKeyArn")),
    "backup.recovery_point": lambda item: text_or_none(item.get("EncryptionKeyArn")),
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
        "efs.file_system": field_at(item, "SizeInBytes", "Value"),
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
    return text_or_none(item.get(field)) if field else None


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
    return str(value).rstrip(sep).rsplit(sep, 1)[-1] or None if text_or_none(value) else None


def copy_name(item: Any) -> str | None:
    """``<type>:<name>``: what the item's twin in another Region is called."""
    rtype = inventory_type(item)
    if rtype is None:
        return None
    name = {
        "sqs.queue": lambda: _last(item.get("QueueUrl"), "/"),
        "sns.topic": lambda: _last(item.get("TopicArn"), ":"),
        "lambda.function": lambda: text_or_none(item.get("FunctionName")),
        "ecr.repository": lambda: text_or_none(item.get("repositoryName")),
        "backup.vault": lambda: text_or_none(item.get("BackupVaultName")),
        "logs.log_group": lambda: text_or_none(item.get("logGroupName")),
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
    "kms_ref": (kms_ref, [_TEXT, _TEXT]),
    "copy_name": (copy_name, [_ITEM]),
}
