"""AWS Backup: answer what moto (5.2.x) lacks, and correct what it gets wrong.

moto serves backup vaults (CreateBackupVault, ListBackupVaults with the
``EncryptionKeyArn`` given at creation) and plans (CreateBackupPlan, ListBackupPlans,
GetBackupPlan with the rules' ``CopyActions``). It has no recovery points at all
(ListRecoveryPointsByBackupVault, StartBackupJob and StartCopyJob answer "Not yet
implemented"). Answered here by ``before-call`` hooks with the real response shapes
(botocore service model ``backup``), kept minimal:

* StartBackupJob: ``{BackupJobId, RecoveryPointArn, CreationDate, IsParent}``. The job
  completes at once (AWS takes minutes): a COMPLETED recovery point of ``ResourceArn``
  appears in the vault, encrypted under the vault's ``EncryptionKeyArn``, and the
  vault's ``NumberOfRecoveryPoints`` counts it. The recovery point ARN is always the
  ``arn:aws:backup:<region>:<account>:recovery-point:<id>`` form (AWS uses the snapshot
  ARN for some resource types, e.g. EBS and RDS). ``ResourceType`` is derived from the
  resource ARN (DynamoDB, EBS, EC2, EFS, RDS, Aurora, S3, FSx, Redshift, else the ARN's
  service). An unknown vault: ResourceNotFoundException.
* StartCopyJob: ``{CopyJobId, CreationDate, IsParent}``. The copy completes at once: it
  appears in the destination vault (``DestinationBackupVaultArn``, possibly in another
  Region) with ``SourceBackupVaultArn`` (the vault it was copied from) and the
  destination vault's ``EncryptionKeyArn``; the destination's ``NumberOfRecoveryPoints``
  counts it. An unknown source vault, recovery point or destination vault:
  ResourceNotFoundException.
* ListRecoveryPointsByBackupVault: RecoveryPointByBackupVault entries (RecoveryPointArn,
  BackupVaultName, BackupVaultArn, SourceBackupVaultArn on a copy, ResourceArn,
  ResourceType, IamRoleArn, Status, CreationDate, CompletionDate, BackupSizeInBytes 0,
  EncryptionKeyArn, IsEncrypted, IsParent, Lifecycle when given), in creation order.
  Honours ``MaxResults``/``NextToken`` (opaque tokens) and the ``ByResourceArn`` and
  ``ByResourceType`` filters (the other filters are not supported). An unknown vault:
  ResourceNotFoundException.

Corrected:

* CreateBackupVault without ``EncryptionKeyArn``: moto stores no key, so ListBackupVaults
  omits ``EncryptionKeyArn``; AWS encrypts the vault under the AWS managed key
  ``aws/backup`` (created in the account on first use) and always reports its ARN. The
  after-call hook gives moto's vault that key (created in moto's KMS, KeyManager AWS).
* ListBackupVaults and ListBackupPlans ignore ``MaxResults``/``NextToken``: the
  after-call hooks page them.

Recovery points are kept per (account, Region) and vault name in a store that
``mock_aws()`` resets (see ``accessanalyzer.regional_store``). Vaults are looked up in
moto's in-process backend, so these hooks need moto in this process (``mock_aws``).
``aws_managed_key_arn`` (the AWS managed key behind ``aws/backup``) is in the kms module.
"""

from __future__ import annotations

import copy
import threading
import uuid
from typing import Any

from regionready.demo.moto_gaps._common import (
    Handler,
    is_error_answer,
    moto_backend,
    page_answer,
    remember_params,
    remembered_params,
)
from regionready.demo.moto_gaps._serial import MOTO_LOCK
from regionready.demo.moto_gaps.accessanalyzer import (
    Reply,
    error,
    moto_account,
    now,
    partition,
    regional_store,
    reply,
)
from regionready.demo.moto_gaps.kms import aws_managed_key_arn

BACKUP_KEY_ALIAS = "alias/aws/backup"
# Service of a resource ARN -> AWS Backup's ResourceType (EC2 and RDS split below).
RESOURCE_TYPES = {
    "dynamodb": "DynamoDB",
    "elasticfilesystem": "EFS",
    "s3": "S3",
    "fsx": "FSx",
    "redshift": "Redshift",
}


def _arn_parts(arn: str) -> tuple[str, str, str, str]:
    """(service, Region, account, resource) of an ARN ("" for missing parts)."""
    parts = str(arn).split(":", 5) + [""] * 6
    return parts[2], parts[3], parts[4], parts[5]


def _moto_vault(account: str, region: str, name: str) -> Any | None:
    with MOTO_LOCK:
        backend = moto_backend("backup", account, region)
        return backend.vaults.get(name) if backend is not None else None


class _RecoveryPoints:
    """The recovery points of one account and Region, by vault name."""

    def __init__(self) -> None:
        self.by_vault: dict[str, list[dict[str, Any]]] = {}
        self.lock = threading.Lock()


def _points(account: str, region: str) -> _RecoveryPoints:
    return regional_store("backup", _RecoveryPoints, account, region)


def _request_place(request_signer: Any, context: dict[str, Any]) -> tuple[str, str]:
    region = str((context or {}).get("client_region") or "us-east-1")
    return moto_account(request_signer), region


def _resource_type(resource_arn: str) -> str:
    service, _, _, resource = _arn_parts(resource_arn)
    if service == "ec2":
        return "EBS" if resource.startswith("volume/") else "EC2"
    if service == "rds":
        return "Aurora" if resource.startswith("cluster:") else "RDS"
    return RESOURCE_TYPES.get(service, service)


def _vault_not_found(name: str) -> Reply:
    return error(400, "ResourceNotFoundException", f"Backup vault {name} not found", Type="Vault")


def _add_point(vault: Any, account: str, region: str, point: dict[str, Any]) -> dict[str, Any]:
    """File ``point`` in ``vault`` (a moto vault of account/Region), keyed and counted."""
    key = vault.encryption_key_arn
    point = {
        "RecoveryPointArn": (
            f"arn:{partition(region)}:backup:{region}:{account}:recovery-point:{uuid.uuid4()}"
        ),
        "BackupVaultName": vault.backup_vault_name,
        "BackupVaultArn": vault.backup_vault_arn,
        **point,
        "Status": "COMPLETED",
        "BackupSizeInBytes": 0,
        "IsEncrypted": bool(key),
        "IsParent": False,
    }
    when = now()
    point["CreationDate"] = point["CompletionDate"] = when
    if key:
        point["EncryptionKeyArn"] = key
    store = _points(account, region)
    with store.lock:
        store.by_vault.setdefault(vault.backup_vault_name, []).append(point)
    with MOTO_LOCK:
        vault.num_of_recovery_points += 1
    return point


def _start_backup_job(request_signer: Any, context: dict[str, Any], **_: Any) -> Reply:
    request = remembered_params(context)
    account, region = _request_place(request_signer, context)
    name = str(request.get("BackupVaultName"))
    vault = _moto_vault(account, region, name)
    if vault is None:
        return _vault_not_found(name)
    resource = str(request.get("ResourceArn"))
    point: dict[str, Any] = {
        "ResourceArn": resource,
        "ResourceType": _resource_type(resource),
        "IamRoleArn": request.get("IamRoleArn"),
    }
    if request.get("Lifecycle"):
        point["Lifecycle"] = copy.deepcopy(request["Lifecycle"])
    added = _add_point(vault, account, region, point)
    return reply(
        {
            "BackupJobId": str(uuid.uuid4()).upper(),
            "RecoveryPointArn": added["RecoveryPointArn"],
            "CreationDate": added["CreationDate"],
            "IsParent": False,
        }
    )


def _start_copy_job(request_signer: Any, context: dict[str, Any], **_: Any) -> Reply:
    request = remembered_params(context)
    account, region = _request_place(request_signer, context)
    source_name = str(request.get("SourceBackupVaultName"))
    source = _moto_vault(account, region, source_name)
    if source is None:
        return _vault_not_found(source_name)
    wanted = str(request.get("RecoveryPointArn"))
    store = _points(account, region)
    with store.lock:
        found = [p for p in store.by_vault.get(source_name, []) if p["RecoveryPointArn"] == wanted]
    if not found:
        return error(
            400,
            "ResourceNotFoundException",
            f"Recovery point {wanted} not found in {source_name}",
            Type="RecoveryPoint",
        )
    destination = str(request.get("DestinationBackupVaultArn"))
    _service, dest_region, dest_account, dest_resource = _arn_parts(destination)
    dest_name = dest_resource.split(":", 1)[-1]
    target = _moto_vault(dest_account, dest_region, dest_name)
    if target is None or target.backup_vault_arn != destination:
        return _vault_not_found(destination)
    original = found[0]
    copied: dict[str, Any] = {
        "SourceBackupVaultArn": source.backup_vault_arn,
        "ResourceArn": original["ResourceArn"],
        "ResourceType": original["ResourceType"],
        "IamRoleArn": request.get("IamRoleArn"),
    }
    if request.get("Lifecycle"):
        copied["Lifecycle"] = copy.deepcopy(request["Lifecycle"])
    added = _add_point(target, dest_account, dest_region, copied)
    return reply(
        {
            "CopyJobId": str(uuid.uuid4()).upper(),
            "CreationDate": added["CreationDate"],
            "IsParent": False,
        }
    )


def _list_recovery_points(request_signer: Any, context: dict[str, Any], **_: Any) -> Reply:
    request = remembered_params(context)
    account, region = _request_place(request_signer, context)
    name = str(request.get("BackupVaultName"))
    if _moto_vault(account, region, name) is None:
        return _vault_not_found(name)
    store = _points(account, region)
    with store.lock:
        found = [copy.deepcopy(p) for p in store.by_vault.get(name, [])]
    for field in ("ResourceArn", "ResourceType"):
        if request.get(f"By{field}"):
            found = [p for p in found if p[field] == request[f"By{field}"]]
    parsed: dict[str, Any] = {"RecoveryPoints": found}
    page_answer(
        parsed,
        request,
        items="RecoveryPoints",
        limit="MaxResults",
        token_in="NextToken",
        token_out="NextToken",
    )
    return reply(parsed)


def _default_vault_key(parsed: Any, context: dict[str, Any], **_: Any) -> None:
    """after-call CreateBackupVault: a vault created without a key gets aws/backup."""
    if is_error_answer(parsed) or remembered_params(context).get("EncryptionKeyArn"):
        return
    _service, region, account, _resource = _arn_parts(str(parsed.get("BackupVaultArn")))
    vault = _moto_vault(account, region, str(parsed.get("BackupVaultName")))
    if vault is None:
        return
    key = aws_managed_key_arn(account, region, BACKUP_KEY_ALIAS)
    if key is not None:
        with MOTO_LOCK:
            vault.encryption_key_arn = key


def _pager(items: str) -> Handler:
    def page(parsed: Any, context: dict[str, Any], **_: Any) -> None:
        if not is_error_answer(parsed):
            page_answer(
                parsed,
                remembered_params(context),
                items=items,
                limit="MaxResults",
                token_in="NextToken",
                token_out="NextToken",
            )

    page.__name__ = f"_page_{items}"
    return page


_ANSWERS: dict[str, Handler] = {
    "StartBackupJob": _start_backup_job,
    "StartCopyJob": _start_copy_job,
    "ListRecoveryPointsByBackupVault": _list_recovery_points,
}
_AFTER: dict[str, Handler] = {
    "CreateBackupVault": _default_vault_key,
    "ListBackupVaults": _pager("BackupVaultList"),
    "ListBackupPlans": _pager("BackupPlansList"),
}

HANDLERS: tuple[tuple[str, Handler], ...] = (
    tuple(
        (f"before-parameter-build.backup.{operation}", remember_params)
        for operation in (*_ANSWERS, *_AFTER)
    )
    + tuple((f"before-call.backup.{operation}", answer) for operation, answer in _ANSWERS.items())
    + tuple((f"after-call.backup.{operation}", fix) for operation, fix in _AFTER.items())
)
