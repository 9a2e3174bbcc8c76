"""sync-key-policy (KMS-003, IDC-007): put the primary's key policy onto its replica.

Region-specific ARNs in the primary's policy are mapped to the target Region, so the
replica's policy grants in the target what the primary's grants in the source.

For IDC-007 the finding names the Identity Center instance: the key is the instance's
KMS key. When the primary's own policy lacks what Identity Center needs, copying it
would not fix the finding: nothing is planned and the plan's notes say why.
"""

from __future__ import annotations

import json

from regionready.engine.functions import normalize_policy
from regionready.engine.functions.idc import idc_key_id, idc_key_policy_gaps
from regionready.model import Result
from regionready.remediation import Change, PlanContext, TargetClients

ACTION = "sync-key-policy"
PERMISSIONS = ("kms:GetKeyPolicy", "kms:PutKeyPolicy")


def _mapped(policy: str, source: str, target: str) -> str:
    document = json.loads(policy)
    text = json.dumps(document, indent=2, sort_keys=True)
    return text.replace(f":{source}:", f":{target}:").replace(f".{source}.", f".{target}.")


def _key_id(finding: Result, ctx: PlanContext) -> str:
    if finding.rule_id == "IDC-007":  # the finding names the instance: take its key
        instance = ctx.find(ctx.source, "sso", "instance", "InstanceArn", finding.resource_id)
        encryption = (instance or {}).get("EncryptionConfigurationDetails") or {}
        return str(idc_key_id(encryption.get("KmsKeyArn")) or "")
    return str(finding.details.get("target") or finding.resource_id).rsplit("/", 1)[-1]


def plan(finding: Result, ctx: PlanContext) -> list[Change]:
    key_id = _key_id(finding, ctx)
    primary = ctx.find(ctx.source, "kms", "key", "KeyId", key_id) if key_id else None
    if primary is None or not primary.get("Policy"):
        return []
    mapped = _mapped(primary["Policy"], ctx.source, ctx.target)
    if finding.rule_id == "IDC-007":
        gaps = idc_key_policy_gaps(mapped, primary["Policy"], ctx.source, ctx.target)
        if gaps:
            ctx.notes.append(
                f"{finding.rule_id} {finding.resource_id}: not planned: the primary key "
                f"{key_id}'s own policy lacks what Identity Center needs ({'; '.join(gaps)}); "
                "fix it in the source first, copying it would not help"
            )
            return []
    return [
        Change.fixing(
            finding,
            ACTION,
            region=ctx.target,
            resource=key_id,
            summary=f"replace the key policy of replica {key_id} with its primary's "
            f"(ARNs mapped {ctx.source} -> {ctx.target})",
            params={
                "KeyId": key_id,
                "Policy": mapped,
            },
        )
    ]


def apply(change: Change, clients: TargetClients) -> str:
    kms = clients("kms")
    p = change.params
    current = kms.get_key_policy(KeyId=p["KeyId"], PolicyName="default")["Policy"]
    if normalize_policy(current) == normalize_policy(p["Policy"]):
        return f"already present: the policy of {p['KeyId']} matches its primary's"
    kms.put_key_policy(KeyId=p["KeyId"], PolicyName="default", Policy=p["Policy"])
    return f"policy of {p['KeyId']} set to its primary's"
