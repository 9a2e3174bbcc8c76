"""enable-key-rotation (KMS-004): turn on automatic rotation of the target key behind the
alias whose source key rotates.

KMS-004 pairs keys by alias: the finding names the alias (``details.target``), the
snapshot's target alias item names the key behind it (``Key.KeyId``). Apply checks the
alias still points at that key (else it refuses: the plan is stale), reads the source
key's rotation period (GetKeyRotationStatus in the source, a read) and enables rotation
on the target key with the same period, so the copy rotates as often as its source.

Idempotent: GetKeyRotationStatus on the target key; rotation already on (with the
source's period, when the source reports one) changes nothing.
"""

from __future__ import annotations

from typing import Any

from regionready.model import Result
from regionready.remediation import Change, PlanContext, TargetClients
from regionready.remediation.actions.common import rotate_like_source
from regionready.remediation.actions.errors import RemediationError

ACTION = "enable-key-rotation"
PERMISSIONS = ("kms:DescribeKey", "kms:GetKeyRotationStatus", "kms:EnableKeyRotation")


def _key_id(alias: dict[str, Any] | None) -> str | None:
    key = (alias or {}).get("Key") or {}
    return str(key["KeyId"]) if key.get("KeyId") else (alias or {}).get("TargetKeyId")


def plan(finding: Result, ctx: PlanContext) -> list[Change]:
    alias_name = str(finding.details.get("target") or finding.resource_id)
    target_key = _key_id(ctx.find(ctx.target, "kms", "alias", "AliasName", alias_name))
    if not target_key:
        return []
    source_alias = str(finding.details.get("source") or alias_name)
    source_key = _key_id(ctx.find(ctx.source, "kms", "alias", "AliasName", source_alias))
    return [
        Change.fixing(
            finding,
            ACTION,
            region=ctx.target,
            resource=alias_name,
            summary=f"enable automatic rotation of {target_key} ({alias_name}), with the "
            f"rotation period of source key {source_key or 'unknown'}",
            params={"AliasName": alias_name, "KeyId": target_key, "SourceKeyId": source_key},
        )
    ]


def apply(change: Change, clients: TargetClients) -> str:
    p = change.params
    kms = clients("kms")
    behind = kms.describe_key(KeyId=p["AliasName"])["KeyMetadata"]["KeyId"]
    if behind != p["KeyId"]:
        raise RemediationError(
            f"{p['AliasName']} now points at {behind}, not {p['KeyId']} as planned: "
            "collect again and plan again"
        )
    changed, period = rotate_like_source(clients, p["KeyId"], p.get("SourceKeyId"))
    if not changed:
        return f"already present: rotation is on for {p['KeyId']} ({p['AliasName']})"
    return f"rotation enabled for {p['KeyId']} ({p['AliasName']})" + (
        f", every {period} days" if period else ""
    )
