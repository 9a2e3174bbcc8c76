"""Rule functions for the copies of inventory data: which replication, copy rule or
copy of a resource reaches another Region (the items of
:mod:`regionready.engine.functions.data`).

Each function is pure (no AWS, no clock) and unit-tested in
``tests/engine/functions/test_data.py``.

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
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from regionready.engine.functions import arn_region
from regionready.engine.functions.data import data_key, field_at, inventory_type, text_or_none

_COPIED_RE = re.compile(r"\[Copied (snap-[0-9a-f]+) from [a-z0-9-]+\]")
DLM_POLICY_TAG = "aws:dlm:lifecycle-policy-id"


def _copy(via: str, region: Any, key: Any = None, **more: Any) -> dict[str, Any]:
    return {"Via": via, "Region": region, "Key": text_or_none(key), **more}


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
    for rule in field_at(item, "ReplicationConfiguration", "Rules") or []:
        if not isinstance(rule, dict) or rule.get("Status") != "Enabled":
            continue
        dest = rule.get("Destination") or {}
        bucket = str(dest.get("Bucket") or "").rsplit(":", 1)[-1] or None
        key = field_at(dest, "EncryptionConfiguration", "ReplicaKmsKeyID")
        kms_objects = field_at(rule, "SourceSelectionCriteria", "SseKmsEncryptedObjects", "Status")
        via = f"replication rule {rule.get('ID') or rule.get('Priority', '')} to {bucket}".strip()
        copies.append(
            _copy(via, arn_region(key), key, Bucket=bucket, KmsObjects=kms_objects == "Enabled")
        )
    return copies


def _dlm_copies(item: dict[str, Any]) -> list[dict[str, Any]]:
    copies = []
    for schedule in field_at(item, "PolicyDetails", "Schedules") or []:
        for rule in (schedule or {}).get("CrossRegionCopyRules") or []:
            if not isinstance(rule, dict):
                continue
            region = rule.get("TargetRegion") or rule.get("Target")
            via = f"schedule {schedule.get('Name', '')} copy".replace("  ", " ")
            copies.append(_copy(via, region, rule.get("CmkArn"), Encrypted=rule.get("Encrypted")))
    return copies


def _backup_copies(item: dict[str, Any]) -> list[dict[str, Any]]:
    copies = []
    for rule in field_at(item, "BackupPlan", "Rules") or []:
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


_ITEM = {"types": ["object", "null"]}
_TEXT = {"types": ["string", "null"]}

FUNCTIONS = {
    "data_copies": (data_copies, [_ITEM, _TEXT]),
    "ebs_copy_source": (ebs_copy_source, [_TEXT]),
    "dlm_copies": (dlm_copies, [{"types": ["array", "null"]}, _ITEM, _TEXT]),
}
