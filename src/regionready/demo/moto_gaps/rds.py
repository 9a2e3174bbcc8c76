"""RDS: snapshot copies, automated backups and their cross-Region replication, which moto
5.2 answers differently from AWS (or not at all).

* CopyDBSnapshot across Regions (called in the destination with the source snapshot's
  ARN): moto's copy has no ``SourceRegion`` and no ``SourceDBSnapshotIdentifier``; AWS
  sets both on a cross-Region copy (the Region and the ARN it was copied from; a copy
  within the Region has neither). The hook sets them on moto's copy, so CopyDBSnapshot
  and every later DescribeDBSnapshots answer them. The copy's ``KmsKeyId`` (the key
  given, in the destination) is already right.
* CopyDBClusterSnapshot: AWS gives every copy ``SourceDBClusterSnapshotArn`` (the ARN of
  the snapshot it was copied from); moto never does. Set the same way.
* DescribeDBInstanceAutomatedBackups: moto answers ``{DBInstanceIdentifier, Status}``
  only, without ``DBInstanceAutomatedBackupsArn`` (the backup's id), ``DBInstanceArn``,
  ``Region``, ``KmsKeyId``, ``Encrypted``, ``AllocatedStorage``..., and lists instances
  whose backups are off (BackupRetentionPeriod 0). The hook answers it (real shape,
  botocore ``DBInstanceAutomatedBackup``) from moto's instances and automated snapshots:
  ``active`` for a live instance, ``retained`` for a deleted one whose backups were
  kept, plus the replicated backups of other Regions' instances kept in this Region
  (below). ``DBInstanceIdentifier``, ``DbiResourceId`` and
  ``DBInstanceAutomatedBackupsArn`` select (DBInstanceAutomatedBackupNotFound when
  nothing matches); ``MaxRecords``/``Marker`` page; ``Filters`` are not applied.
* StartDBInstanceAutomatedBackupsReplication: not implemented by moto. On AWS it is
  called in the destination Region with ``SourceDBInstanceArn`` and ``KmsKeyId`` (a key
  of the destination) and answers the replicated backup: its ``DBInstanceAutomatedBackupsArn``
  is in the destination Region, ``Region``/``DBInstanceArn`` name the source, ``KmsKeyId``
  is the key given (its ARN), ``BackupRetentionPeriod`` the one given (default 7),
  ``Status`` ``pending`` (``replicating`` once started: what DescribeDBInstanceAutomatedBackups
  in the destination then says). The source instance lists the replication in
  ``DBInstanceAutomatedBackupsReplications`` ``[{DBInstanceAutomatedBackupsArn}]``
  (DescribeDBInstances, and its own automated backup). An unknown source instance:
  DBInstanceNotFound (404). Starting again for the same instance and Region replaces the
  key and retention (AWS's checks for that case are not reproduced).
* DescribeDBClusters, DescribeDBSnapshots, DescribeDBClusterSnapshots and
  DescribeGlobalClusters ignore ``MaxRecords``/``Marker``: the hooks page the answers
  (opaque ``Marker``). DescribeDBInstances pages on its own.

Not corrected: StopDBInstanceAutomatedBackupsReplication (moto lacks it; nothing here
calls it); CreateGlobalCluster from an existing cluster (``SourceDBClusterIdentifier``)
fails unless the cluster is in us-east-1, keeps ``StorageEncrypted`` false whatever the
cluster's encryption, and marks no member ``IsWriter``; a global cluster created with
``Engine`` whose primary cluster joins it with ``GlobalClusterIdentifier`` is right. moto
gives every instance the same ``DbiResourceId``.

Replications are kept on moto's RDS backend of the destination Region (a new
``mock_aws`` starts without any), each with moto's record of the source instance, so an
instance deleted and re-created under the same name does not inherit them. The hooks
need moto in-process (``mock_aws``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from regionready.demo.moto_gaps._common import (
    Handler,
    is_error_answer,
    page_answer,
    remember_params,
    remembered_params,
)
from regionready.demo.moto_gaps.accessanalyzer import Reply, error, reply
from regionready.demo.moto_gaps.account import account_of
from regionready.demo.moto_gaps.dynamodb import key_arn

_REPLICATIONS = "_regionready_backup_replications"  # on moto's destination backend
DEFAULT_REPLICATED_RETENTION = 7
#: Operation -> its list in the answer, for the answers moto does not page.
PAGED = {
    "DescribeDBClusters": "DBClusters",
    "DescribeDBSnapshots": "DBSnapshots",
    "DescribeDBClusterSnapshots": "DBClusterSnapshots",
    "DescribeGlobalClusters": "GlobalClusters",
}


def _backends(account: str) -> dict[str, Any]:
    """Region -> moto's in-process RDS backend, for the Regions that have one."""
    try:
        from moto.rds.models import rds_backends
    except ImportError:  # pragma: no cover - moto is a test/demo dependency
        return {}
    by_region = dict.get(rds_backends, account)
    return dict(dict.items(by_region)) if by_region is not None else {}


def _arn(arn: Any) -> tuple[str, str, str, str, str] | None:
    """(partition, Region, account, resource type, name) of an RDS ARN."""
    parts = str(arn or "").split(":")
    if len(parts) != 7 or parts[0] != "arn" or parts[2] != "rds":
        return None
    return parts[1], parts[3], parts[4], parts[5], parts[6]


def _utc(when: Any) -> Any:
    if isinstance(when, dt.datetime) and when.tzinfo is None:
        return when.replace(tzinfo=dt.UTC)
    return when


def _backup_arn(region: str, instance: Any) -> str:
    """A stable ``auto-backup`` ARN for the backups of ``instance`` kept in ``region``."""
    seed = f"{region}:{instance.db_instance_arn}:{instance.created.isoformat()}"
    suffix = hashlib.sha256(seed.encode()).hexdigest()[:38]
    return f"arn:{instance.partition}:rds:{region}:{instance.account_id}:auto-backup:ab-{suffix}"


def _replications(backend: Any) -> dict[str, dict[str, Any]]:
    """Source instance ARN -> replication kept in this (destination) backend."""
    found: dict[str, dict[str, Any]] = backend.__dict__.setdefault(_REPLICATIONS, {})
    return found


def _replicated_to(account: str, instance: Any) -> list[dict[str, str]]:
    """DBInstanceAutomatedBackupsReplications of a live source instance."""
    found = []
    for region, backend in sorted(_backends(account).items()):
        record = _replications(backend).get(instance.db_instance_arn)
        if record is not None and record["instance"] is instance:
            found.append({"DBInstanceAutomatedBackupsArn": _backup_arn(region, instance)})
    return found


def _backup(instance: Any, status: str, snapshots: list[Any]) -> dict[str, Any]:
    """The DBInstanceAutomatedBackup fields that come from the instance."""
    entry: dict[str, Any] = {
        "DBInstanceArn": instance.db_instance_arn,
        "DbiResourceId": instance.dbi_resource_id,
        "Region": instance.region,
        "DBInstanceIdentifier": instance.db_instance_identifier,
        "AllocatedStorage": instance.allocated_storage,
        "Status": status,
        "Port": instance.port,
        "AvailabilityZone": instance.availability_zone,
        "InstanceCreateTime": _utc(instance.created),
        "MasterUsername": instance.master_username,
        "Engine": instance.engine,
        "EngineVersion": instance.engine_version,
        "LicenseModel": instance.license_model,
        "Iops": instance.iops,
        "OptionGroupName": getattr(instance, "option_group_name", None),
        "Encrypted": bool(instance.storage_encrypted),
        "StorageType": instance.storage_type,
        "KmsKeyId": instance.kms_key_id if instance.storage_encrypted else None,
        "IAMDatabaseAuthenticationEnabled": bool(instance.enable_iam_database_authentication),
        "BackupRetentionPeriod": instance.backup_retention_period,
        "PreferredBackupWindow": instance.preferred_backup_window,
        "BackupTarget": "region",
    }
    times = [_utc(s.created) for s in snapshots]
    if times:
        entry["RestoreWindow"] = {"EarliestTime": min(times), "LatestTime": max(times)}
    return {k: v for k, v in entry.items() if v is not None}


def _replicated(region: str, record: dict[str, Any], status: str) -> dict[str, Any]:
    """A replicated backup kept in ``region`` (the destination)."""
    instance = record["instance"]
    entry = _backup(instance, status, [])
    for name in ("AvailabilityZone", "PreferredBackupWindow", "BackupTarget", "KmsKeyId"):
        entry.pop(name, None)  # the source's; AWS's replicated backup has none of them
    entry["RestoreWindow"] = {}
    entry["DBInstanceAutomatedBackupsArn"] = _backup_arn(region, instance)
    entry["BackupRetentionPeriod"] = record["retention"]
    if record["kms"]:
        entry["KmsKeyId"] = record["kms"]
        entry["Encrypted"] = True
    return entry


def _own_backups(account: str, region: str) -> list[dict[str, Any]]:
    backend = _backends(account).get(region)
    if backend is None:
        return []
    found = []
    for group in backend.describe_db_instance_automated_backups():
        live = backend.databases.get(group.db_instance_identifier)
        instance = live or group.automated_snapshots[0].database
        if live is not None and not live.backup_retention_period:
            continue  # backups are off: AWS keeps no automated backup
        entry = _backup(instance, group.status, group.automated_snapshots)
        entry["DBInstanceAutomatedBackupsArn"] = _backup_arn(region, instance)
        if live is not None:
            replications = _replicated_to(account, live)
            if replications:
                entry["DBInstanceAutomatedBackupsReplications"] = replications
        found.append(entry)
    for record in _replications(backend).values():
        found.append(_replicated(region, record, "replicating"))
    return found


def _describe_backups(request_signer: Any, context: dict[str, Any], **_: Any) -> Reply:
    """before-call DescribeDBInstanceAutomatedBackups: the real shape (see above)."""
    request = remembered_params(context)
    region = str((context or {}).get("client_region") or "us-east-1")
    found = _own_backups(account_of(request_signer), region)
    selected = False
    for name in ("DBInstanceIdentifier", "DbiResourceId", "DBInstanceAutomatedBackupsArn"):
        wanted = request.get(name)
        if wanted is None:
            continue
        selected = True
        if name == "DBInstanceIdentifier":
            wanted = str(wanted).lower()  # RDS keeps identifiers in lower case
        found = [b for b in found if b.get(name) == wanted]
    if selected and not found:
        return error(404, "DBInstanceAutomatedBackupNotFound", "No automated backup found.")
    parsed: dict[str, Any] = {"DBInstanceAutomatedBackups": found}
    page_answer(
        parsed,
        request,
        items="DBInstanceAutomatedBackups",
        limit="MaxRecords",
        token_in="Marker",
        token_out="Marker",
    )
    return reply(parsed)


def _start_replication(request_signer: Any, context: dict[str, Any], **_: Any) -> Reply:
    """before-call StartDBInstanceAutomatedBackupsReplication (in the destination)."""
    request = remembered_params(context)
    region = str((context or {}).get("client_region") or "us-east-1")
    account = account_of(request_signer)
    source_arn = str(request.get("SourceDBInstanceArn") or "")
    where = _arn(source_arn)
    source = _backends(account).get(where[1]) if where and where[3] == "db" else None
    instance = source.databases.get(where[4]) if source is not None and where else None
    if instance is None or instance.db_instance_arn != source_arn:
        return error(404, "DBInstanceNotFound", f"DBInstance {source_arn} not found.")
    backend = _backends(account).get(region)
    if backend is None:
        from moto.rds.models import rds_backends

        backend = rds_backends[account][region]
    record = {
        "instance": instance,
        "kms": key_arn(account, region, request.get("KmsKeyId")),
        "retention": int(request.get("BackupRetentionPeriod") or DEFAULT_REPLICATED_RETENTION),
    }
    _replications(backend)[source_arn] = record
    return reply({"DBInstanceAutomatedBackup": _replicated(region, record, "pending")})


def _with_replications(parsed: Any, **_: Any) -> None:
    """after-call DescribeDBInstances: DBInstanceAutomatedBackupsReplications."""
    if is_error_answer(parsed):
        return
    for entry in parsed.get("DBInstances") or []:
        where = _arn(entry.get("DBInstanceArn"))
        if where is None:
            continue
        backend = _backends(where[2]).get(where[1])
        instance = backend.databases.get(where[4]) if backend is not None else None
        replications = _replicated_to(where[2], instance) if instance is not None else []
        if replications:
            entry["DBInstanceAutomatedBackupsReplications"] = replications


def _copied(parsed: Any, context: dict[str, Any], **_: Any) -> None:
    """after-call CopyDBSnapshot: SourceRegion and SourceDBSnapshotIdentifier."""
    if is_error_answer(parsed):
        return
    copy = parsed.get("DBSnapshot") or {}
    target = _arn(copy.get("DBSnapshotArn"))
    source_id = str(remembered_params(context).get("SourceDBSnapshotIdentifier") or "")
    source = _arn(source_id)
    if target is None or source is None or source[1] == target[1]:
        return  # not a cross-Region copy
    backend = _backends(target[2]).get(target[1])
    snapshot = backend.database_snapshots.get(target[4]) if backend is not None else None
    if snapshot is None:
        return
    snapshot.source_region = source[1]
    snapshot.source_db_snapshot_identifier = source_id
    copy["SourceRegion"] = source[1]
    copy["SourceDBSnapshotIdentifier"] = source_id


def _cluster_copied(parsed: Any, context: dict[str, Any], **_: Any) -> None:
    """after-call CopyDBClusterSnapshot: SourceDBClusterSnapshotArn."""
    if is_error_answer(parsed):
        return
    copy = parsed.get("DBClusterSnapshot") or {}
    target = _arn(copy.get("DBClusterSnapshotArn"))
    if target is None:
        return
    source_id = str(remembered_params(context).get("SourceDBClusterSnapshotIdentifier") or "")
    partition, region, account = target[0], str(context.get("client_region")), target[2]
    source_arn = (
        source_id
        if _arn(source_id)
        else f"arn:{partition}:rds:{region}:{account}:cluster-snapshot:{source_id}"
    )
    backend = _backends(account).get(target[1])
    snapshot = backend.cluster_snapshots.get(target[4]) if backend is not None else None
    if snapshot is None:
        return
    snapshot.source_db_cluster_snapshot_arn = source_arn
    copy["SourceDBClusterSnapshotArn"] = source_arn


def _pager(items: str) -> Handler:
    def page(parsed: Any, context: dict[str, Any], **_: Any) -> None:
        """after-call: page an answer moto gives whole."""
        if not is_error_answer(parsed):
            page_answer(
                parsed,
                remembered_params(context),
                items=items,
                limit="MaxRecords",
                token_in="Marker",
                token_out="Marker",
            )

    page.__name__ = f"page_{items}"  # the hook's unique id
    return page


HANDLERS: tuple[tuple[str, Handler], ...] = (
    ("before-parameter-build.rds.DescribeDBInstanceAutomatedBackups", remember_params),
    ("before-call.rds.DescribeDBInstanceAutomatedBackups", _describe_backups),
    ("before-parameter-build.rds.StartDBInstanceAutomatedBackupsReplication", remember_params),
    ("before-call.rds.StartDBInstanceAutomatedBackupsReplication", _start_replication),
    ("after-call.rds.DescribeDBInstances", _with_replications),
    ("before-parameter-build.rds.CopyDBSnapshot", remember_params),
    ("after-call.rds.CopyDBSnapshot", _copied),
    ("before-parameter-build.rds.CopyDBClusterSnapshot", remember_params),
    ("after-call.rds.CopyDBClusterSnapshot", _cluster_copied),
    *(
        pair
        for operation, items in PAGED.items()
        for pair in (
            (f"before-parameter-build.rds.{operation}", remember_params),
            (f"after-call.rds.{operation}", _pager(items)),
        )
    ),
)
