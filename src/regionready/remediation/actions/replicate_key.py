"""replicate-key (KMS-002, IDC-003): replicate a multi-Region primary into the target.

ReplicateKey is called on the primary's (source) endpoint with ReplicaRegion = target:
its only effect is the new replica in the target (the guard allows exactly this). The
replica gets the primary's key policy, description and tags, and the primary's aliases.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from regionready.model import Result
from regionready.remediation import Change, PlanContext, TargetClients

ACTION = "replicate-key"
PERMISSIONS = (
    "kms:DescribeKey",
    "kms:ListAliases",
    "kms:ReplicateKey",
    "kms:CreateAlias",
    "kms:TagResource",
)


def _primary(finding: Result, ctx: PlanContext) -> dict[str, Any] | None:
    ref = str(finding.details.get("source") or finding.resource_id)
    if finding.rule_id == "IDC-003":  # the finding names the instance: take its key
        instance = ctx.find(ctx.source, "sso", "instance", "InstanceArn", finding.resource_id)
        encryption = (instance or {}).get("EncryptionConfigurationDetails") or {}
        ref = str(encryption.get("KmsKeyArn") or "")
    key_id = ref.rsplit("/", 1)[-1]
    key = ctx.find(ctx.source, "kms", "key", "KeyId", key_id)
    if key is None or (key.get("MultiRegionConfiguration") or {}).get("MultiRegionKeyType") != (
        "PRIMARY"
    ):
        return None
    return key


def plan(finding: Result, ctx: PlanContext) -> list[Change]:
    key = _primary(finding, ctx)
    if key is None:
        return []
    params = {
        "KeyId": key["KeyId"],
        "Policy": key.get("Policy"),
        "Description": key.get("Description", ""),
        "Tags": [{"TagKey": t["TagKey"], "TagValue": t["TagValue"]} for t in key.get("Tags") or []],
        "Aliases": [a for a in key.get("Aliases") or [] if not a.startswith("alias/aws/")],
    }
    return [
        Change.fixing(
            finding,
            ACTION,
            region=ctx.target,
            resource=key["KeyId"],
            summary=f"replicate {key['KeyId']} ({', '.join(params['Aliases']) or 'no alias'}) "
            f"from {ctx.source}",
            params=params,
        )
    ]


def apply(change: Change, clients: TargetClients) -> str:
    p = change.params
    kms = clients("kms")
    try:
        kms.describe_key(KeyId=p["KeyId"])
        exists = True
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "NotFoundException":
            raise
        exists = False
    if not exists:
        kwargs: dict[str, Any] = {"KeyId": p["KeyId"], "ReplicaRegion": clients.target}
        if p["Policy"]:
            kwargs["Policy"] = p["Policy"]
        if p["Description"]:
            kwargs["Description"] = p["Description"]
        if p["Tags"]:
            kwargs["Tags"] = p["Tags"]
        clients.in_source("kms").replicate_key(**kwargs)
    present = {
        a["AliasName"]
        for page in kms.get_paginator("list_aliases").paginate()
        for a in page["Aliases"]
    }
    added = [a for a in p["Aliases"] if a not in present]
    for alias in added:
        kms.create_alias(AliasName=alias, TargetKeyId=p["KeyId"])
    if exists and not added:
        return f"already present: replica {p['KeyId']} in {clients.target}"
    return f"replica {p['KeyId']} in {clients.target}" + (
        f", aliases {', '.join(added)}" if added else ""
    )
