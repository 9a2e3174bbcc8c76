"""create-key (KMS-001): a key in the target behind the source key's alias.

Same key spec, usage, description, rotation (on, with the source key's
RotationPeriodInDays, read from the source at apply time as enable-key-rotation does) and
tags as the source key; the alias is created last, so a failure never leaves an alias
pointing at a half-made key.

Idempotent: the alias in the target pointing at a key means nothing to create.
"""

from __future__ import annotations

from typing import Any

from regionready.actions.enable_key_rotation import _source_period
from regionready.model import Result
from regionready.remediation import Change, PlanContext, TargetClients

ACTION = "create-key"
RULES = ("KMS-001",)
PERMISSIONS = (
    "kms:ListAliases",
    "kms:GetKeyRotationStatus",  # the source key's period, the target key's state
    "kms:CreateKey",
    "kms:EnableKeyRotation",
    "kms:CreateAlias",
    "kms:TagResource",  # tags given to CreateKey need it
)


def plan(finding: Result, ctx: PlanContext) -> list[Change]:
    alias_name = str(finding.details.get("source") or finding.resource_id)
    if finding.details.get("target"):
        # The alias exists in the target on a key that is not Enabled: a new key would not
        # take the alias (apply keeps an existing alias), and enabling is not this action's.
        ctx.notes.append(
            f"{finding.rule_id} {alias_name}: not planned: the alias exists in {ctx.target} "
            "on a key that is not Enabled; enable or cancel the deletion of that key "
            "(KMS-006), or move the alias"
        )
        return []
    alias = ctx.find(ctx.source, "kms", "alias", "AliasName", alias_name)
    if alias is None or not alias.get("TargetKeyId"):
        return []
    key = ctx.find(ctx.source, "kms", "key", "KeyId", alias["TargetKeyId"])
    if key is None:
        return []
    if key.get("MultiRegion"):
        return []  # a multi-Region key is replicated (replicate-key), not re-created
    params: dict[str, Any] = {
        "AliasName": alias_name,
        "SourceKeyId": str(key["KeyId"]),
        "KeySpec": key.get("KeySpec", "SYMMETRIC_DEFAULT"),
        "KeyUsage": key.get("KeyUsage", "ENCRYPT_DECRYPT"),
        "Description": key.get("Description", ""),
        "Rotation": bool(key.get("KeyRotationEnabled")),
        "Tags": [{"TagKey": t["TagKey"], "TagValue": t["TagValue"]} for t in key.get("Tags") or []],
    }
    return [
        Change(
            action=ACTION,
            rule_id=finding.rule_id,
            fingerprint=finding.fingerprint,
            account=finding.account,
            region=ctx.target,
            resource=alias_name,
            summary=(
                f"create a {params['KeySpec']} {params['KeyUsage']} key"
                f"{' with rotation (the source key period)' if params['Rotation'] else ''}"
                f" as {alias_name}"
            ),
            params=params,
        )
    ]


def _rotate(kms: Any, clients: TargetClients, key_id: str, p: dict[str, Any]) -> str | None:
    """Bring the key's rotation to the source key's (on, same period); what was done."""
    if not p.get("Rotation"):
        return None
    period = _source_period(clients, p.get("SourceKeyId"))
    status = kms.get_key_rotation_status(KeyId=key_id)
    if status.get("KeyRotationEnabled") and (
        period is None or status.get("RotationPeriodInDays") in (None, period)
    ):
        return None
    kwargs: dict[str, Any] = {"KeyId": key_id}
    if period:
        kwargs["RotationPeriodInDays"] = period
    kms.enable_key_rotation(**kwargs)
    return "rotation enabled" + (f" every {period} days" if period else "")


def apply(change: Change, clients: TargetClients) -> str:
    kms = clients("kms")
    p = change.params
    existing = {
        a["AliasName"]: a
        for page in kms.get_paginator("list_aliases").paginate()
        for a in page["Aliases"]
    }
    if p["AliasName"] in existing and existing[p["AliasName"]].get("TargetKeyId"):
        return f"already present: {p['AliasName']} -> {existing[p['AliasName']]['TargetKeyId']}"
    kwargs: dict[str, Any] = {
        "KeySpec": p["KeySpec"],
        "KeyUsage": p["KeyUsage"],
        "Description": p["Description"],
    }
    if p["Tags"]:
        kwargs["Tags"] = p["Tags"]
    key_id = str(kms.create_key(**kwargs)["KeyMetadata"]["KeyId"])
    rotated = _rotate(kms, clients, key_id, p)
    kms.create_alias(AliasName=p["AliasName"], TargetKeyId=key_id)
    return f"created key {key_id} as {p['AliasName']}" + (f", {rotated}" if rotated else "")
