"""replicate-secret (SM-001): replicate a source secret into the target.

ReplicateSecretToRegions is called on the source (primary) endpoint with
AddReplicaRegions = [the target] only: its one effect is the replica in the target,
which the guard allows. Secrets Manager copies the value itself; this action never reads
it (no GetSecretValue), and neither the plan nor the audit log holds it.

The replica's key:
- a secret on the AWS managed key (no KmsKeyId, or ``aws/secretsmanager``) is replicated
  on the target's AWS managed key, as it is in the source;
- a secret on a customer-managed key is replicated with KmsKeyId = the target key behind
  the same alias (create-key / replicate-key make it: KMS-001, KMS-002), or the target
  replica of a multi-Region key without an alias. If the snapshot shows no such key in
  the target, nothing is planned and the plan's notes say why, naming the alias and the
  KMS fix to run first. It never falls back to ``aws/secretsmanager``, whose key policy
  cannot be controlled: that would silently widen who can decrypt the copy (SM-003).
  When the snapshot has no KMS data for the target, the alias is planned and checked
  when applied (DescribeKey in the target): missing or not Enabled, nothing is done.

Idempotent: when the source secret already lists a replica in the target, or a secret of
that name exists there (SM-001 passes; it is never overwritten), nothing is called.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from regionready.engine.functions.data import kms_ref
from regionready.model import Result
from regionready.remediation import Change, PlanContext, TargetClients
from regionready.remediation.actions.common import note
from regionready.remediation.actions.errors import RemediationError

ACTION = "replicate-secret"
PERMISSIONS = (
    "secretsmanager:DescribeSecret",
    "secretsmanager:ReplicateSecretToRegions",
    "kms:DescribeKey",
    # Not calls of their own: Secrets Manager uses them on the caller's behalf to replicate
    # a secret on customer-managed keys (decrypt with the source key, encrypt with the
    # target key).
    "kms:Decrypt",
    "kms:GenerateDataKey",
    "kms:Encrypt",
)
UNUSABLE_KEY_STATES = ("Disabled", "PendingDeletion", "PendingReplicaDeletion", "Unavailable")


def _aws_managed(ref: str) -> bool:
    return ref.startswith("alias/aws/") or ":alias/aws/" in ref


def _source_key(secret: dict[str, Any], ctx: PlanContext) -> tuple[str | None, list[str]]:
    """The source secret's customer-managed key id and its aliases; (None, []) when the
    secret uses an AWS managed key."""
    given = str(secret.get("KmsKeyId") or "")
    if not given or _aws_managed(given):
        return None, []
    ref = kms_ref(given, ctx.source)
    if ref is None:
        raise RemediationError(f"not planned: its key {given} is not a key of {ctx.source}")
    if ref.startswith("alias/"):
        alias = ctx.find(ctx.source, "kms", "alias", "AliasName", ref) or {}
        if (alias.get("Key") or {}).get("KeyManager") == "AWS":
            return None, []
        return alias.get("TargetKeyId") or None, [ref]
    key = ctx.find(ctx.source, "kms", "key", "KeyId", ref) or {}
    if key.get("KeyManager") == "AWS":
        return None, []
    aliases = {str(a) for a in key.get("Aliases") or []}
    aliases |= {
        str(a["AliasName"])
        for a in ctx.items(ctx.source, "kms", "alias")
        if a.get("TargetKeyId") == ref and a.get("AliasName")
    }
    return ref, sorted(a for a in aliases if not a.startswith("alias/aws/"))


def _usable(key: dict[str, Any] | None) -> bool:
    return (
        bool(key)
        and (key or {}).get("KeyManager") != "AWS"
        and (key or {}).get("KeyState") not in UNUSABLE_KEY_STATES
    )


def _target_key(key_id: str | None, aliases: list[str], ctx: PlanContext) -> tuple[str, str]:
    """The KmsKeyId for the replica and how it was found."""
    replica = bool(key_id and key_id.startswith("mrk-"))
    if ctx.scan.service(ctx.account, ctx.target, "kms") is None:
        if aliases:
            return aliases[0], f"{aliases[0]} (checked when applied)"
        if replica:
            return str(key_id), f"the replica of {key_id} (checked when applied)"
    else:
        for alias_name in aliases:
            alias = ctx.find(ctx.target, "kms", "alias", "AliasName", alias_name)
            if alias and alias.get("TargetKeyId") and _usable(alias.get("Key")):
                return alias_name, f"{alias_name} -> {alias['TargetKeyId']}"
        if replica:
            key = ctx.find(ctx.target, "kms", "key", "KeyId", key_id)
            if key and _usable(key):
                return str(key.get("Arn") or key_id), f"the replica of {key_id}"
    if aliases:
        missing = f"{ctx.target} has no usable key behind {' or '.join(aliases)}"
    elif replica:
        missing = f"{ctx.target} has no usable replica of {key_id}"
    else:
        missing = f"the key has no alias by which to find its counterpart in {ctx.target}"
    raise RemediationError(
        f"not planned: it uses the customer-managed key {key_id or '(unknown)'} and {missing}. "
        "Run create-key / replicate-key (KMS-001, KMS-002) first, collect again, then "
        "remediate; it is not replicated with aws/secretsmanager, whose key policy cannot "
        "be controlled"
    )


def plan(finding: Result, ctx: PlanContext) -> list[Change]:
    arn = str(finding.details.get("source") or finding.resource_id)
    secret = ctx.find(ctx.source, "secretsmanager", "secret", "ARN", arn)
    if secret is None or not secret.get("Name"):
        return []
    name = str(secret["Name"])
    try:
        key_id, aliases = _source_key(secret, ctx)
        if key_id is None and not aliases:
            kms_key_id, how = None, "the AWS managed key aws/secretsmanager, as in the source"
        else:
            kms_key_id, how = _target_key(key_id, aliases, ctx)
    except RemediationError as exc:
        note(ctx, f"{finding.rule_id} {name}: {exc}")
        return []
    return [
        Change.fixing(
            finding,
            ACTION,
            region=ctx.target,
            resource=name,
            summary=f"replicate {name} from {ctx.source} on {how}",
            params={"SecretId": arn, "Name": name, "KmsKeyId": kms_key_id},
        )
    ]


def _exists_in_target(clients: TargetClients, name: str) -> bool:
    try:
        clients("secretsmanager").describe_secret(SecretId=name)
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "ResourceNotFoundException":
            return False
        raise
    return True


def _check_key(clients: TargetClients, key_ref: str) -> None:
    try:
        key = clients("kms").describe_key(KeyId=key_ref)["KeyMetadata"]
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "NotFoundException":
            raise
        raise RemediationError(
            f"{clients.target} has no key {key_ref}: run create-key / replicate-key "
            "(KMS-001, KMS-002) first; not replicated with aws/secretsmanager instead"
        ) from exc
    if not _usable(key):
        raise RemediationError(
            f"key {key_ref} in {clients.target} is {key.get('KeyManager')} "
            f"{key.get('KeyState')}: not usable for the replica; not replicated"
        )


def apply(change: Change, clients: TargetClients) -> str:
    p = change.params
    target = clients.target
    source_sm = clients.in_source("secretsmanager")
    described = source_sm.describe_secret(SecretId=p["SecretId"])
    for replica in described.get("ReplicationStatus") or []:
        if replica.get("Region") == target:
            return (
                f"already present: {p['Name']} is replicated to {target} ({replica.get('Status')})"
            )
    if _exists_in_target(clients, p["Name"]):
        return f"already present: a secret named {p['Name']} exists in {target} (not overwritten)"
    region: dict[str, str] = {"Region": target}
    if p.get("KmsKeyId"):
        _check_key(clients, p["KmsKeyId"])
        region["KmsKeyId"] = p["KmsKeyId"]
    source_sm.replicate_secret_to_regions(
        SecretId=p["SecretId"], AddReplicaRegions=[region], ForceOverwriteReplicaSecret=False
    )
    return f"replicated {p['Name']} to {target} on {p.get('KmsKeyId') or 'aws/secretsmanager'}"
