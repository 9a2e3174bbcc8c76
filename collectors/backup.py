"""AWS Backup vaults, plans and recovery points of one Region: metadata only.

Items (AWS field names, as the APIs return them):

``vault`` (id ``BackupVaultArn``)
    Each ListBackupVaults entry as returned (paginated): BackupVaultName, BackupVaultArn,
    EncryptionKeyArn (the vault's KMS key; the AWS managed ``aws/backup`` key's when none
    was chosen), NumberOfRecoveryPoints, Locked, CreationDate, CreatorRequestId,
    VaultType, MinRetentionDays, MaxRetentionDays, LockDate, ...

``plan`` (id ``BackupPlanArn``)
    ListBackupPlans (paginated), then for each plan GetBackupPlan (BackupPlanId, the
    latest version): its answer as returned, BackupPlanId, BackupPlanArn, VersionId,
    CreationDate, CreatorRequestId, AdvancedBackupSettings, ... and ``BackupPlan``
    {BackupPlanName, Rules [{RuleName, RuleId, TargetBackupVaultName,
    ScheduleExpression, Lifecycle, CopyActions [{DestinationBackupVaultArn, Lifecycle}],
    ...}]}. Plans are read concurrently (``clients.map``). If GetBackupPlan fails for a
    plan, its ListBackupPlans entry (BackupPlanId, BackupPlanArn, BackupPlanName,
    VersionId, ...) stands in, without ``BackupPlan``, and the error is recorded against
    ``plan.BackupPlan`` and ``plan.BackupPlanName`` (which only the stand-in carries at
    the top) of that plan.

``recovery_point`` (id ``RecoveryPointArn``)
    For each vault, each ListRecoveryPointsByBackupVault entry as returned (paginated):
    RecoveryPointArn, BackupVaultName, BackupVaultArn, SourceBackupVaultArn (set on a
    copy: the vault it was copied from), ResourceArn, ResourceType, EncryptionKeyArn,
    IsEncrypted, Status, BackupSizeInBytes, CreationDate, CompletionDate, Lifecycle,
    CalculatedLifecycle, CreatedBy, ... Vaults are read concurrently. A vault whose
    listing fails records an error against the whole ``recovery_point`` type (the list
    is then incomplete, not empty); so does a failed ListBackupVaults.

No backup is ever read or restored.
"""

from __future__ import annotations

from typing import Any

from regionready.collect.clients import Clients

SERVICE = "backup"
GLOBAL = False
LOCAL = False
RESOURCE_TYPES = {
    "vault": "BackupVaultArn",
    "plan": "BackupPlanArn",
    "recovery_point": "RecoveryPointArn",
}
PERMISSIONS = (
    "backup:ListBackupVaults",
    "backup:ListBackupPlans",
    "backup:GetBackupPlan",
    "backup:ListRecoveryPointsByBackupVault",
)
PERMISSION_RESOURCES: dict[str, str | tuple[str, ...]] = {}


def _plan(clients: Clients, entry: dict[str, Any]) -> dict[str, Any]:
    answer = clients.call(
        "backup",
        "get_backup_plan",
        feeds=["plan.BackupPlan", "plan.BackupPlanName"],
        about={"plan": [str(entry.get("BackupPlanArn"))]},
        BackupPlanId=entry["BackupPlanId"],
    )
    return dict(answer) if answer is not None else dict(entry)


def _recovery_points(clients: Clients, vault: dict[str, Any]) -> list[dict[str, Any]]:
    points = clients.paginate(
        "backup",
        "list_recovery_points_by_backup_vault",
        "RecoveryPoints",
        feeds=["recovery_point"],
        BackupVaultName=vault["BackupVaultName"],
    )
    return [dict(p) for p in points or []]


def collect(clients: Clients, region: str) -> dict[str, list[dict[str, Any]]]:
    # Recovery points are listed per vault: no vault list, no recovery points either.
    vaults = clients.paginate(
        "backup", "list_backup_vaults", "BackupVaultList", feeds=["vault", "recovery_point"]
    )
    listed_plans = clients.paginate(
        "backup", "list_backup_plans", "BackupPlansList", feeds=["plan"]
    )
    plans = clients.map(lambda entry: _plan(clients, entry), listed_plans or [])
    per_vault = clients.map(lambda vault: _recovery_points(clients, vault), vaults or [])
    return {
        "vault": [dict(v) for v in vaults or []],
        "plan": plans,
        "recovery_point": [point for points in per_vault for point in points],
    }
