"""create-key (KMS-001): a key in the target behind the source key's alias.

Same key spec, usage, description, rotation (on, with the source key's
RotationPeriodInDays, read from the source at apply time as enable-key-rotation does) and
tags as the source key; the alias is created last, so a failure never leaves an alias
pointing at a half-made key.

The new key carries, from its CreateKey call on, one more tag: ``regionready:source-key``
naming the source key's ARN (the marker). If a run stops after CreateKey (EnableKeyRotation
or CreateAlias failed), the next run finds that key (ListKeys and ListResourceTags in the
target, which, unlike the tagging API's index, see a key at once; only keys with no alias
are asked for their tags) and only adds what is missing (rotation, the alias) instead of
making a second key. A marked key that is not
Enabled (disabled or pending deletion by someone since) is not reused.

Idempotent: the alias in the target pointing at a key means nothing to create; when that
key is the marked one, its rotation is still brought to the source's.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from regionready.model import Result
from regionready.remediation import Change, PlanContext, TargetClients
from regionready.remediation.actions.common import rotate_like_source
from regionready.remediation.actions.errors import RemediationError

ACTION = "create-key"
PERMISSIONS = (
    "kms:ListAliases",
    "kms:ListKeys",  # with ListResourceTags and DescribeKey: the key an earlier run made
    "kms:ListResourceTags",
    "kms:DescribeKey",
    "kms:GetKeyRotationStatus",  # the source key's period, the target key's state
    "kms:CreateKey",
    "kms:EnableKeyRotation",
    "kms:CreateAlias",
    "kms:TagResource",  # tags given to CreateKey need it
)
#: The tag naming the source key's ARN, given to the new key in its CreateKey call.
MARKER = "regionready:source-key"


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
        "SourceKeyArn": str(key.get("Arn") or key["KeyId"]),
        "KeySpec": key.get("KeySpec", "SYMMETRIC_DEFAULT"),
        "KeyUsage": key.get("KeyUsage", "ENCRYPT_DECRYPT"),
        "Description": key.get("Description", ""),
        "Rotation": bool(key.get("KeyRotationEnabled")),
        "Tags": [
            {"TagKey": t["TagKey"], "TagValue": t["TagValue"]}
            for t in key.get("Tags") or []
            if t.get("TagKey") != MARKER
        ],
    }
    return [
        Change.fixing(
            finding,
            ACTION,
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


def _tags(kms: Any, key_id: str) -> list[dict[str, Any]]:
    return [
        tag
        for page in kms.get_paginator("list_resource_tags").paginate(KeyId=key_id)
        for tag in page.get("Tags", [])
    ]


def _is_marked(kms: Any, key_id: str, source_arn: str) -> bool:
    try:
        tags = _tags(kms, key_id)
    except ClientError:
        return False  # e.g. an AWS managed key, or one whose policy denies us
    return any(t.get("TagKey") == MARKER and t.get("TagValue") == source_arn for t in tags)


def _marked_key(kms: Any, source_arn: str, aliased: set[str]) -> str | None:
    """The Enabled target key an earlier run made for this source key, if any. Keys behind
    an alias (``aliased``) are not asked for their tags: a run that stopped early never
    made the alias (it comes last), so its key has none."""
    for page in kms.get_paginator("list_keys").paginate():
        for entry in page["Keys"]:
            if entry["KeyId"] in aliased or not _is_marked(kms, str(entry["KeyId"]), source_arn):
                continue
            meta = kms.describe_key(KeyId=entry["KeyId"])["KeyMetadata"]
            if meta.get("KeyState") == "Enabled":
                return str(meta["KeyId"])
    return None


def _rotate(clients: TargetClients, key_id: str, p: dict[str, Any]) -> str | None:
    """Bring the key's rotation to the source key's (on, same period); what was done."""
    if not p.get("Rotation"):
        return None
    changed, period = rotate_like_source(clients, key_id, p.get("SourceKeyId"))
    if not changed:
        return None
    return "rotation enabled" + (f" every {period} days" if period else "")


def apply(change: Change, clients: TargetClients) -> str:
    kms = clients("kms")
    p = change.params
    source_arn = str(p.get("SourceKeyArn") or "")
    existing = {
        a["AliasName"]: a
        for page in kms.get_paginator("list_aliases").paginate()
        for a in page["Aliases"]
    }
    behind = (existing.get(p["AliasName"]) or {}).get("TargetKeyId")
    if behind:
        # Our key from an earlier run: still bring its rotation to the source's; a key
        # that is not ours is left as it is.
        if p.get("Rotation") and source_arn and _is_marked(kms, str(behind), source_arn):
            rotated = _rotate(clients, str(behind), p)
            if rotated:
                return f"{rotated} for key {behind} ({p['AliasName']})"
        return f"already present: {p['AliasName']} -> {behind}"
    done: list[str] = []
    aliased = {str(a["TargetKeyId"]) for a in existing.values() if a.get("TargetKeyId")}
    key_id = _marked_key(kms, source_arn, aliased) if source_arn else None
    if key_id:
        done.append(f"reused key {key_id} made by an earlier run")
    else:
        kwargs: dict[str, Any] = {
            "KeySpec": p["KeySpec"],
            "KeyUsage": p["KeyUsage"],
            "Description": p["Description"],
        }
        tags = list(p["Tags"])
        if source_arn:
            tags.append({"TagKey": MARKER, "TagValue": source_arn})
        if tags:
            kwargs["Tags"] = tags
        key_id = str(kms.create_key(**kwargs)["KeyMetadata"]["KeyId"])
        done.append(f"created key {key_id}")
    pending = [f"rotation of {key_id}"] if p.get("Rotation") else []
    pending.append(f"alias {p['AliasName']}")
    try:
        rotated = _rotate(clients, key_id, p)
        if p.get("Rotation"):
            pending.pop(0)
            if rotated:
                done.append(rotated)
        kms.create_alias(AliasName=p["AliasName"], TargetKeyId=key_id)
    except (ClientError, BotoCoreError) as exc:
        raise RemediationError(
            f"done: {', '.join(done)}{f' (tagged {MARKER})' if source_arn else ''}; "
            f"not done: {', '.join(pending)}: "
            f"{exc}; run again to finish with this key"
        ) from exc
    done.append(f"alias {p['AliasName']} created")
    return ", ".join(done)
