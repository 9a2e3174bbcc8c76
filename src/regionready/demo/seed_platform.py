"""Demo seed: the platform checks (GEN-001..004) and KMS-004..009.

Ordinary boto3 calls through the session (moto in-process, ``moto_gaps`` installed by
the caller), plus two moto_gaps seeding helpers where AWS has no API for the state:
the account's Region opt-in (``set_region_opt_status``; on AWS ``EnableRegion``
completes asynchronously).

What is planted (source -> target), and which check each gap should trip:

Account
  source (me-central-1, opt-in) opted in: ENABLED; target eu-central-1 is
  ENABLED_BY_DEFAULT                                                   GEN-001 passes
CloudTrail
  "platform-audit": single-Region trail in the source, logging
  "eu-staging": trail homed in the target, created but never started   GEN-002 (no trail
                                                                       logs the target)
EventBridge (default bus)
  "guardduty-findings" (aws.guardduty)     -> nothing                  GEN-003
  "kms-key-deletion" (aws.kms)             -> same-named rule          GEN-003 passes
  "nightly-report" (schedule)              -> nothing                  out of scope
Service availability (moto's copy of the public SSM parameters)
  every service the source uses is offered in the target               GEN-004 passes
KMS
  alias/reports, rotation on               -> alias/reports, rotation off
                                                                       KMS-004
  (base seed) alias/app-data, rotation on  -> rotation on              KMS-004 passes
  alias/legacy-hsm, imported material      -> alias/legacy-hsm, imported material
                                                                       KMS-005 (source)
  multi-Region key (no alias), enabled     -> replica, disabled        KMS-006
  nothing                                  -> key "partner exchange" whose policy lets
                                              Principal * decrypt      KMS-007
  target alias/reports key: a grant for role/batch-decommissioned, which does not exist
                                                                       KMS-008
  target alias/legacy-hsm key: a grant for role/platform-reports-reader (exists)
                                                                       KMS-008 passes
  a handful of keys against 100,000                                    KMS-009 passes

Ids recorded are the ones results carry: alias names for KMS-004 (an alias check), key
ids for the key checks, the Region name for GEN-001/002, rule ARNs for GEN-003, service
codes for GEN-004, ``quota:<name>@<target>`` for KMS-009. Keys without aliases keep the
KMS-001 alias check (base seed) unaffected.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import boto3

from regionready.demo.moto_gaps.account import DEFAULT_ENABLED, set_region_opt_status

if TYPE_CHECKING:
    from regionready.demo.seed import DemoPlan

CHECK_IDS: tuple[str, ...] = (
    "GEN-001",
    "GEN-002",
    "GEN-003",
    "GEN-004",
    "KMS-004",
    "KMS-005",
    "KMS-006",
    "KMS-007",
    "KMS-008",
    "KMS-009",
)
READER_ROLE = "platform-reports-reader"
DELETED_ROLE = "batch-decommissioned"
TAGS = [{"TagKey": "Team", "TagValue": "platform"}]


def _root_policy(account_id: str, *extra: dict[str, Any]) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "Enable IAM User Permissions",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
                    "Action": "kms:*",
                    "Resource": "*",
                },
                *extra,
            ],
        }
    )


def _key(kms: Any, description: str, policy: str, **params: Any) -> str:
    meta = kms.create_key(Description=description, Policy=policy, Tags=TAGS, **params)
    key_id: str = meta["KeyMetadata"]["KeyId"]
    return key_id


def _seed_account(plan: DemoPlan) -> None:
    for region in (plan.source, plan.target):
        if region not in DEFAULT_ENABLED:
            set_region_opt_status(plan.account_id, region, "ENABLED")
    plan.failing.setdefault("GEN-001", [])


def _trail(session: boto3.Session, region: str, name: str, bucket: str) -> None:
    session.client("s3", region_name=region).create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region}
    )
    session.client("cloudtrail", region_name=region).create_trail(
        Name=name, S3BucketName=bucket, IsMultiRegionTrail=False
    )


def _seed_cloudtrail(session: boto3.Session, plan: DemoPlan) -> None:
    _trail(session, plan.source, "platform-audit", f"platform-audit-{plan.account_id}")
    session.client("cloudtrail", region_name=plan.source).start_logging(Name="platform-audit")
    # Created in the target but never started: it logs nothing.
    _trail(session, plan.target, "eu-staging", f"eu-staging-trail-{plan.account_id}")
    plan.failing.setdefault("GEN-002", []).append(plan.target)


def _seed_events(session: boto3.Session, plan: DemoPlan) -> None:
    src = session.client("events", region_name=plan.source)
    tgt = session.client("events", region_name=plan.target)
    guardduty = json.dumps({"source": ["aws.guardduty"], "detail-type": ["GuardDuty Finding"]})
    deletion = json.dumps(
        {
            "source": ["aws.kms"],
            "detail-type": ["KMS CMK Deletion", "AWS API Call via CloudTrail"],
        }
    )
    missing = src.put_rule(Name="guardduty-findings", EventPattern=guardduty)["RuleArn"]
    src.put_rule(Name="kms-key-deletion", EventPattern=deletion)
    src.put_rule(Name="nightly-report", ScheduleExpression="cron(0 2 * * ? *)")
    twin = tgt.put_rule(Name="kms-key-deletion", EventPattern=deletion)["RuleArn"]
    plan.failing.setdefault("GEN-003", []).append(missing)
    plan.healthy.append(twin)


def _seed_services(plan: DemoPlan) -> None:
    # In use in the source (certificates, customer keys, rules, a trail homed there) and
    # offered in eu-central-1 according to moto's copy of AWS's public parameters.
    plan.failing.setdefault("GEN-004", [])
    plan.healthy += ["acm", "kms", "events", "cloudtrail"]


def _seed_kms(session: boto3.Session, plan: DemoPlan) -> None:
    acct = plan.account_id
    kms_src = session.client("kms", region_name=plan.source)
    kms_tgt = session.client("kms", region_name=plan.target)
    iam = session.client("iam")
    policy = _root_policy(acct)

    # KMS-004: the same alias on both sides, rotation only in the source.
    reports_src = _key(kms_src, "Reports", policy)
    kms_src.enable_key_rotation(KeyId=reports_src)
    kms_src.create_alias(AliasName="alias/reports", TargetKeyId=reports_src)
    reports_tgt = _key(kms_tgt, "Reports", policy)
    kms_tgt.create_alias(AliasName="alias/reports", TargetKeyId=reports_tgt)

    # KMS-005: imported key material, in both Regions (still not interoperable).
    legacy_src = _key(kms_src, "Legacy HSM material", policy, Origin="EXTERNAL")
    kms_src.create_alias(AliasName="alias/legacy-hsm", TargetKeyId=legacy_src)
    legacy_tgt = _key(kms_tgt, "Legacy HSM material", policy, Origin="EXTERNAL")
    kms_tgt.create_alias(AliasName="alias/legacy-hsm", TargetKeyId=legacy_tgt)

    # KMS-006: a multi-Region primary whose replica was disabled in the target.
    ledger = _key(kms_src, "Ledger (multi-Region)", policy, MultiRegion=True)
    kms_src.replicate_key(
        KeyId=ledger, ReplicaRegion=plan.target, Policy=policy, Description="Ledger"
    )
    kms_tgt.disable_key(KeyId=ledger)

    # KMS-007: a target-only key anyone may decrypt with.
    public = _key(
        kms_tgt,
        "Partner exchange",
        _root_policy(
            acct,
            {
                "Sid": "Partners decrypt",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": ["kms:Decrypt", "kms:DescribeKey"],
                "Resource": "*",
            },
        ),
    )

    # KMS-008: a grant for a role that was deleted; a grant for one that exists.
    iam.create_role(
        RoleName=READER_ROLE,
        AssumeRolePolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "lambda.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            }
        ),
    )
    kms_tgt.create_grant(
        KeyId=reports_tgt,
        GranteePrincipal=f"arn:aws:iam::{acct}:role/{DELETED_ROLE}",
        Operations=["Decrypt"],
    )
    kms_tgt.create_grant(
        KeyId=legacy_tgt,
        GranteePrincipal=f"arn:aws:iam::{acct}:role/{READER_ROLE}",
        Operations=["Decrypt"],
    )

    plan.failing.setdefault("KMS-004", []).append("alias/reports")
    plan.failing.setdefault("KMS-005", []).append(legacy_src)
    plan.failing.setdefault("KMS-006", []).append(ledger)
    plan.failing.setdefault("KMS-007", []).append(public)
    plan.failing.setdefault("KMS-008", []).append(reports_tgt)
    plan.failing.setdefault("KMS-009", [])
    plan.healthy += [reports_src, legacy_tgt, f"quota:AWS KMS keys@{plan.target}"]


def seed(session: boto3.Session, plan: DemoPlan) -> None:
    _seed_account(plan)
    _seed_cloudtrail(session, plan)
    _seed_events(session, plan)
    _seed_services(plan)
    _seed_kms(session, plan)
