"""add-region (IDC-001): add the target Region to the organization's Identity Center
instance (sso-admin AddRegion), only once IDC-003 passes.

Where the call goes: AddRegion is made on the instance's *primary* Region endpoint
(AWS: "add the Region from the primary Region"; additional Regions refuse it), with
``RegionName`` = the target. IDC-001 judges instances seen from the source, so the
primary is the source: the call is a create *toward* the target made on the source
endpoint, like kms:ReplicateKey, and the remediation guard must allow exactly that
(``AddRegion`` with ``RegionName == target``). An instance whose primary is neither the
source nor the target is not planned (regionready acts only in those two Regions).

When: Identity Center needs an enabled replica of its multi-Region key in the target
before the Region can be added. IDC-001 ``depends_on`` IDC-003 (same resource type), so
the engine puts IDC-003 in the finding's ``blocked_by`` when IDC-003 fails for the same
instance. plan() reads that, never evaluates a rule itself, and plans nothing while
IDC-003 is there; the reason goes to the plan's notes (``ctx.notes``) and is returned by
:func:`blocked_reason`. The usual order is therefore two runs: remediate (replicate-key,
IDC-003) -> collect -> remediate (add-region). A note rather than a placeholder Change:
a Change is something apply does; a placeholder would be listed as a change to make, or
be logged as "skipped" or "unchanged" on every run while the finding stays, although
nothing is missing from the user but time (the replica first). ``blocked_by`` names
failures only: when IDC-003 could not be judged (ERROR), or was not evaluated, the change
is planned and apply's own check of the replica (below) decides.

Apply checks again before calling: the target already among the instance's Regions
(ListRegions on the primary: ADDING or ACTIVE) changes nothing; a Region being removed,
or a key with no enabled replica in the target (kms:DescribeKey in the target), is
refused with the reason. After AddRegion the Region is ADDING (IDC-001 then passes);
replication finishes asynchronously, and the external IdP still needs the target's ACS
URL (the rule's remediation text).
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from regionready.model import Result
from regionready.remediation import Change, PlanContext, TargetClients
from regionready.remediation.actions.errors import RemediationError

ACTION = "add-region"
PERMISSIONS = ("sso:ListRegions", "sso:AddRegion", "kms:DescribeKey")
#: The rule whose failure on the same instance (the finding's ``blocked_by``) holds it back.
GATE_RULE = "IDC-003"
IN_PROGRESS = ("ADDING", "ACTIVE")


def blocked_reason(finding: Result, ctx: PlanContext) -> str | None:
    """Why add-region plans nothing for this finding, or None when it can be planned."""
    instance = ctx.find(ctx.source, "sso", "instance", "InstanceArn", finding.resource_id)
    label = f"{finding.rule_id} {finding.resource_id}"
    if instance is None:
        return f"{label}: the instance is not in the source snapshot"
    primary = instance.get("PrimaryRegion")
    if primary != ctx.source:
        return (
            f"{label}: AddRegion must be called in the primary Region {primary}, which is "
            f"neither the source nor the target: add {ctx.target} there"
        )
    if GATE_RULE in finding.blocking_rules:
        return (
            f"{label}: add-region waits for {GATE_RULE} to pass (FAIL: the instance's key has "
            f"no replica in {ctx.target} that is enabled, see the {GATE_RULE} finding); "
            "replicate the key (replicate-key), collect again, then remediate again"
        )
    return None


def plan(finding: Result, ctx: PlanContext) -> list[Change]:
    reason = blocked_reason(finding, ctx)
    if reason:
        ctx.notes.append(reason)
        return []
    instance = ctx.find(ctx.source, "sso", "instance", "InstanceArn", finding.resource_id)
    assert instance is not None
    key_arn = str((instance.get("EncryptionConfigurationDetails") or {}).get("KmsKeyArn", ""))
    name = instance.get("Name") or instance["InstanceArn"]
    return [
        Change.fixing(
            finding,
            ACTION,
            region=ctx.target,
            resource=str(instance["InstanceArn"]),
            summary=f"add {ctx.target} to Identity Center instance {name} (AddRegion on its "
            f"primary Region {ctx.source}); it is ADDING until replication completes, then "
            f"add {ctx.target}'s ACS URL to the external IdP",
            params={
                "InstanceArn": instance["InstanceArn"],
                "KeyId": key_arn.rsplit("/", 1)[-1],
                "PrimaryRegion": ctx.source,
            },
        )
    ]


def _region_status(admin: Any, instance_arn: str, region: str) -> str | None:
    for page in admin.get_paginator("list_regions").paginate(InstanceArn=instance_arn):
        for entry in page.get("Regions", []):
            if entry.get("RegionName") == region:
                return str(entry.get("Status"))
    return None


def _replica_problem(clients: TargetClients, key_id: str) -> str | None:
    try:
        meta = clients("kms").describe_key(KeyId=key_id)["KeyMetadata"]
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "NotFoundException":
            raise
        return f"key {key_id} has no replica in {clients.target}"
    if not meta.get("Enabled"):
        return f"the replica of {key_id} in {clients.target} is {meta.get('KeyState')}"
    return None


def apply(change: Change, clients: TargetClients) -> str:
    p = change.params
    admin = clients.in_source("sso-admin")
    status = _region_status(admin, p["InstanceArn"], clients.target)
    if status in IN_PROGRESS:
        return f"already present: {clients.target} is {status} for {p['InstanceArn']}"
    if status is not None:
        raise RemediationError(
            f"{clients.target} is {status} for {p['InstanceArn']}: wait for it to finish"
        )
    problem = _replica_problem(clients, p["KeyId"]) if p.get("KeyId") else None
    if problem:
        raise RemediationError(f"cannot add {clients.target}: {problem} (IDC-003)")
    answer = admin.add_region(InstanceArn=p["InstanceArn"], RegionName=clients.target)
    return f"{clients.target} added to {p['InstanceArn']}: {answer.get('Status', 'ADDING')}"
