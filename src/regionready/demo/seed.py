"""Seed a demo account (source and target Region) with known ACM and KMS readiness gaps.

``seed_demo`` only makes ordinary boto3 calls through the session it is given, so it
works inside ``moto.mock_aws()`` (opened by the caller; this module never starts moto)
and against a moto server reached through ``AWS_ENDPOINT_URL``. Requested certificates
only become ISSUED at once if the moto process runs with ``MOTO_ACM_VALIDATION_WAIT=0``
(the caller's job); ``seed_demo`` checks and raises ``RuntimeError`` if not.

What is planted (source -> target), and which check each gap should trip:

ACM
  www.example.com (+example.com), RSA_2048, DNS  -> requested twin, same SANs/algorithm
  api.example.com, EC_prime256v1, DNS            -> no twin                  ACM-001
  legacy.example.com, EMAIL                      -> EMAIL-validated twin     ACM-002 (*)
  shop.example.com, imported, 300 days left      -> stale copy, 10 days left ACM-003, ACM-004
  pay.example.com, imported EC, 200 days left    -> same material re-imported
KMS
  alias/app-data (rotation on)                   -> own key, same alias, rotation on
  alias/billing                                  -> nothing                  KMS-001
  alias/orders-mrk (multi-Region primary)        -> replica, drifted policy  KMS-003
  alias/audit-mrk (multi-Region primary)         -> no replica               KMS-002
  alias/session-mrk (multi-Region primary)       -> replica, same policy with the Region
                                                    mapped in its Lambda function ARN,
                                                    re-serialised (whitespace,
                                                    one-element list): equal once normalised

(*) On AWS an EMAIL-validated request stays PENDING_VALIDATION until someone approves
the e-mail. moto ignores ValidationMethod and issues the certificate at once, so the
twin is observed after seeding: if it is not ISSUED it is listed under ``failing``
("ACM-002"), otherwise under ``unfaithful`` ("ACM-002"): a failure AWS would show that
this backend cannot represent (left to stubbed fixtures or moto_gaps hooks).

``now`` sets the validity windows of the imported certificates. moto checks imported
certificates against its own clock (the real one, unless frozen), so ``now`` must be
within a few days of that clock or the imports are refused as expired / not yet valid.

The plan covers the seven check ids above only. Other checks may legitimately fire on
this account (for instance ACM-005 on the EMAIL-validated source certificate on AWS,
ACM-006 because no Route 53 zone holds the DNS validation records, ACM-016 because the
target holds imported certificates and no EventBridge expiry rule), and are not listed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import ClientError

from regionready.collectors.acm import KEY_TYPES
from regionready.demo.certs import self_signed
from regionready.demo.moto_gaps import approve_email_validation

CHECK_IDS: tuple[str, ...] = (
    "ACM-001",
    "ACM-002",
    "ACM-003",
    "ACM-004",
    "KMS-001",
    "KMS-002",
    "KMS-003",
)

#: Every ACM key type: ListCertificates hides all but RSA_1024/RSA_2048 without this.
ALL_KEY_TYPES: list[str] = list(KEY_TYPES)

_KEY_ADMIN_ACTIONS: list[str] = [
    "kms:Create*",
    "kms:Describe*",
    "kms:Enable*",
    "kms:List*",
    "kms:Put*",
    "kms:Update*",
    "kms:Revoke*",
    "kms:Disable*",
    "kms:Get*",
    "kms:Delete*",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:ScheduleKeyDeletion",
    "kms:CancelKeyDeletion",
    "kms:ReplicateKey",
    "kms:UpdatePrimaryRegion",
]
_KEY_USER_ACTIONS: list[str] = [
    "kms:Encrypt",
    "kms:Decrypt",
    "kms:ReEncrypt*",
    "kms:GenerateDataKey*",
    "kms:DescribeKey",
]

Tags = dict[str, str]


@dataclass
class DemoPlan:
    """What ``seed_demo`` planted, so tests can assert a scan finds exactly this.

    Identifiers are ARNs throughout: certificate ARNs, KMS key ARNs (a replica's ARN is
    in the target Region). ``aliases`` maps alias names back to key ARNs.

    - ``failing``: check id -> ARNs that check should flag (every id of ``CHECK_IDS`` is
      a key, possibly with an empty list). Parity gaps name the source resource when the
      target has no counterpart (ACM-001, KMS-001, KMS-002) and the target resource
      otherwise (ACM-002, ACM-003, ACM-004, KMS-003).
    - ``healthy``: ARNs none of ``CHECK_IDS`` should flag, in either Region. The other
      half of a failing pair (e.g. the source copy of the stale certificate) is in
      neither list.
    - ``unfaithful``: check id -> ARNs AWS would flag but this backend cannot show.
    - ``resources``: Region -> {label: ARN} for everything made, labels ``cert:<domain>``
      and ``key:<alias>``.
    - ``aliases``: Region -> {alias name: key ARN}.
    """

    source: str
    target: str
    account_id: str
    now: datetime
    failing: dict[str, list[str]] = field(default_factory=lambda: {c: [] for c in CHECK_IDS})
    healthy: list[str] = field(default_factory=list)
    unfaithful: dict[str, list[str]] = field(default_factory=dict)
    resources: dict[str, dict[str, str]] = field(default_factory=dict)
    aliases: dict[str, dict[str, str]] = field(default_factory=dict)
    # Where the demo may write files of its own (AWS config, a code tree), and the scan
    # options that point the local collectors at them (never the user's own files).
    workdir: Path | None = None
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def code_root(self) -> Path | None:
        return self.workdir / "iac" if self.workdir else None

    def arn(self, region: str, label: str) -> str:
        """ARN of a planted resource, e.g. ``plan.arn(plan.target, "key:alias/orders-mrk")``."""
        return self.resources[region][label]

    def record(self, region: str, label: str, arn: str) -> str:
        self.resources.setdefault(region, {})[label] = arn
        return arn


def seed_demo(
    session: boto3.Session,
    *,
    source: str = "me-central-1",
    target: str = "eu-central-1",
    now: datetime,
    workdir: Path | None = None,
) -> DemoPlan:
    """Create the demo account's ACM certificates and KMS keys in ``source`` and ``target``.

    Call inside an active ``moto.mock_aws()`` (or against a moto server); returns the
    :class:`DemoPlan` of what should pass and fail.
    """
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    account_id: str = session.client("sts", region_name=source).get_caller_identity()["Account"]
    plan = DemoPlan(source=source, target=target, account_id=account_id, now=now, workdir=workdir)
    plan.resources = {source: {}, target: {}}
    plan.aliases = {source: {}, target: {}}
    _seed_acm(session, plan)
    _seed_kms(session, plan)
    for module in service_seeders():
        module.seed(session, plan)
        if workdir is not None and hasattr(module, "scan_options"):
            plan.options.update(module.scan_options(plan))
    return plan


def service_seeders() -> list[Any]:
    """``regionready.demo.seed_<service>`` modules, each with ``seed(session, plan)``.

    Each plants at least one failing and one passing resource for its service's checks
    and records them in ``plan.failing`` (check id -> the resource ids the results carry)
    and ``plan.healthy``.
    """
    import importlib
    import pkgutil

    import regionready.demo as package

    return [
        importlib.import_module(f"regionready.demo.{info.name}")
        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name)
        if info.name.startswith("seed_")
    ]


# --------------------------------------------------------------------------- ACM


def _acm_tags(tags: Tags) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def _request(
    acm: Any,
    domain: str,
    *,
    sans: list[str] | None = None,
    key_algorithm: str = "RSA_2048",
    validation: str = "DNS",
    tags: Tags,
) -> str:
    params: dict[str, Any] = {
        "DomainName": domain,
        "ValidationMethod": validation,
        "KeyAlgorithm": key_algorithm,
        "Tags": _acm_tags(tags),
    }
    if sans:
        params["SubjectAlternativeNames"] = [domain, *sans]
    if validation == "EMAIL":
        apex = domain.split(".", 1)[1]
        params["DomainValidationOptions"] = [
            {"DomainName": n, "ValidationDomain": apex} for n in [domain, *(sans or [])]
        ]
    arn: str = acm.request_certificate(**params)["CertificateArn"]
    return arn


def _import(acm: Any, cert_pem: bytes, key_pem: bytes, *, tags: Tags) -> str:
    arn: str = acm.import_certificate(
        Certificate=cert_pem, PrivateKey=key_pem, Tags=_acm_tags(tags)
    )["CertificateArn"]
    return arn


def _status(acm: Any, arn: str) -> str:
    status: str = acm.describe_certificate(CertificateArn=arn)["Certificate"]["Status"]
    return status


def _require_issued(acm: Any, arns: list[str]) -> None:
    for arn in arns:
        status = _status(acm, arn)
        if status != "ISSUED":
            raise RuntimeError(
                f"requested certificate {arn} is {status}, not ISSUED: run moto with "
                "MOTO_ACM_VALIDATION_WAIT=0 (set before moto is imported)"
            )


def _seed_acm(session: boto3.Session, plan: DemoPlan) -> None:
    src, tgt, now = plan.source, plan.target, plan.now
    acm_src = session.client("acm", region_name=src)
    acm_tgt = session.client("acm", region_name=tgt)
    web: Tags = {"Team": "web", "Environment": "production"}
    commerce: Tags = {"Team": "commerce", "Environment": "production"}
    payments: Tags = {"Team": "payments", "Environment": "production", "DataClass": "pci"}

    # Source: Amazon-issued (DNS and EMAIL validation) and imported certificates.
    www = plan.record(
        src,
        "cert:www.example.com",
        _request(acm_src, "www.example.com", sans=["example.com"], tags=web),
    )
    api = plan.record(
        src,
        "cert:api.example.com",
        _request(acm_src, "api.example.com", key_algorithm="EC_prime256v1", tags=web),
    )
    legacy = plan.record(
        src,
        "cert:legacy.example.com",
        _request(acm_src, "legacy.example.com", validation="EMAIL", tags=web),
    )
    shop_pem = self_signed(
        "shop.example.com", not_before=now - timedelta(days=65), not_after=now + timedelta(days=300)
    )
    # The source half of the ACM-003/004 pair: neither failing nor healthy.
    plan.record(src, "cert:shop.example.com", _import(acm_src, *shop_pem, tags=commerce))
    pay_pem = self_signed(
        "pay.example.com",
        key_algorithm="EC_prime256v1",
        not_before=now - timedelta(days=165),
        not_after=now + timedelta(days=200),
    )
    pay = plan.record(src, "cert:pay.example.com", _import(acm_src, *pay_pem, tags=payments))
    # The source's EMAIL validation was approved long ago (see moto_gaps.acm).
    approve_email_validation(legacy)
    _require_issued(acm_src, [www, api, legacy])

    # Target: a healthy twin for www; nothing for api; an EMAIL-validated twin for legacy;
    # the pre-renewal copy of shop (source re-imported, target not); pay's same material.
    www_t = plan.record(
        tgt,
        "cert:www.example.com",
        _request(acm_tgt, "www.example.com", sans=["example.com"], tags=web),
    )
    legacy_t = plan.record(
        tgt,
        "cert:legacy.example.com",
        _request(acm_tgt, "legacy.example.com", validation="EMAIL", tags=web),
    )
    old_shop_pem = self_signed(
        "shop.example.com", not_before=now - timedelta(days=355), not_after=now + timedelta(days=10)
    )
    shop_t = plan.record(
        tgt, "cert:shop.example.com", _import(acm_tgt, *old_shop_pem, tags=commerce)
    )
    pay_t = plan.record(tgt, "cert:pay.example.com", _import(acm_tgt, *pay_pem, tags=payments))
    _require_issued(acm_tgt, [www_t])

    plan.failing["ACM-001"].append(api)
    if _status(acm_tgt, legacy_t) == "ISSUED":
        plan.unfaithful.setdefault("ACM-002", []).append(legacy_t)
    else:
        plan.failing["ACM-002"].append(legacy_t)
    plan.failing["ACM-003"].append(shop_t)
    plan.failing["ACM-004"].append(shop_t)
    plan.healthy += [www, www_t, legacy, pay, pay_t]


# --------------------------------------------------------------------------- KMS


def _kms_tags(tags: Tags) -> list[dict[str, str]]:
    return [{"TagKey": k, "TagValue": v} for k, v in tags.items()]


def _key_policy(account_id: str, user_role: str, *, region: str | None = None) -> dict[str, Any]:
    """A console-style key policy: account root, key administrators, key users.

    With ``region``, key use is limited to one Lambda function by its (Region-specific)
    ARN in the encryption context, as Lambda uses for environment variables.
    """
    use: dict[str, Any] = {
        "Sid": "Allow use of the key",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{account_id}:role/{user_role}"},
        "Action": list(_KEY_USER_ACTIONS),
        "Resource": "*",
    }
    if region is not None:
        use["Condition"] = {
            "StringEquals": {
                "kms:EncryptionContext:aws:lambda:FunctionArn": (
                    f"arn:aws:lambda:{region}:{account_id}:function:{user_role}"
                )
            }
        }
    return {
        "Version": "2012-10-17",
        "Id": "key-consolepolicy-3",
        "Statement": [
            {
                "Sid": "Enable IAM User Permissions",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
                "Action": "kms:*",
                "Resource": "*",
            },
            {
                "Sid": "Allow access for Key Administrators",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{account_id}:role/KeyAdministrators"},
                "Action": list(_KEY_ADMIN_ACTIONS),
                "Resource": "*",
            },
            use,
        ],
    }


def _create_key(
    kms: Any, description: str, policy: dict[str, Any], tags: Tags, *, multi_region: bool = False
) -> tuple[str, str]:
    meta = kms.create_key(
        Description=description,
        KeyUsage="ENCRYPT_DECRYPT",
        KeySpec="SYMMETRIC_DEFAULT",
        Policy=json.dumps(policy),
        Tags=_kms_tags(tags),
        MultiRegion=multi_region,
    )["KeyMetadata"]
    return meta["KeyId"], meta["Arn"]


def _alias(kms: Any, plan: DemoPlan, region: str, alias: str, key_id: str, key_arn: str) -> None:
    """Create ``alias`` -> key; tolerate an alias that already points at that key.

    moto shares one alias table between a multi-Region primary and its replicas, so the
    replica Region already "has" the primary's alias and CreateAlias says
    AlreadyExists. On AWS aliases are per Region and this call creates it.
    """
    try:
        kms.create_alias(AliasName=alias, TargetKeyId=key_id)
    except ClientError as err:
        if err.response["Error"]["Code"] != "AlreadyExistsException":
            raise
        existing = kms.list_aliases(KeyId=key_id)["Aliases"]
        if not any(a["AliasName"] == alias for a in existing):
            raise
    plan.aliases[region][alias] = key_arn
    plan.record(region, f"key:{alias}", key_arn)


def _replicate(
    kms_src: Any,
    kms_tgt: Any,
    key_id: str,
    target: str,
    policy: dict[str, Any],
    description: str,
    tags: Tags,
) -> str:
    """ReplicateKey with the given policy and tags; returns the replica ARN.

    moto ignores ReplicateKey's Policy, Description and Tags (the replica is a shallow
    copy of the primary), so policy and tags are also set on the replica afterwards:
    idempotent on AWS.
    """
    policy_text = json.dumps(policy, indent=2)
    replica = kms_src.replicate_key(
        KeyId=key_id,
        ReplicaRegion=target,
        Policy=policy_text,
        Description=description,
        Tags=_kms_tags(tags),
    )["ReplicaKeyMetadata"]
    kms_tgt.put_key_policy(KeyId=key_id, PolicyName="default", Policy=policy_text)
    kms_tgt.tag_resource(KeyId=key_id, Tags=_kms_tags(tags))
    arn: str = replica["Arn"]
    return arn


def _seed_kms(session: boto3.Session, plan: DemoPlan) -> None:
    src, tgt, acct = plan.source, plan.target, plan.account_id
    kms_src = session.client("kms", region_name=src)
    kms_tgt = session.client("kms", region_name=tgt)
    platform: Tags = {"Team": "platform", "Environment": "production"}
    payments: Tags = {"Team": "payments", "Environment": "production", "DataClass": "pci"}
    security: Tags = {"Team": "security", "Environment": "production"}
    identity: Tags = {"Team": "identity", "Environment": "production"}

    # Single-Region keys: app-data has a twin in the target, billing has none.
    app_policy = _key_policy(acct, "app-data-service")
    app_id, app = _create_key(kms_src, "Application data at rest", app_policy, platform)
    kms_src.enable_key_rotation(KeyId=app_id)
    _alias(kms_src, plan, src, "alias/app-data", app_id, app)
    app_t_id, app_t = _create_key(kms_tgt, "Application data at rest", app_policy, platform)
    kms_tgt.enable_key_rotation(KeyId=app_t_id)
    _alias(kms_tgt, plan, tgt, "alias/app-data", app_t_id, app_t)

    billing_id, billing = _create_key(
        kms_src, "Billing records", _key_policy(acct, "billing-service"), payments
    )
    _alias(kms_src, plan, src, "alias/billing", billing_id, billing)

    # Multi-Region primaries. Rotation stays off: it is shared by AWS between primary
    # and replica but not by moto, which would make a spurious KMS-004.
    orders_policy = _key_policy(acct, "orders-service")
    # The primary is the other half of the KMS-003 pair: neither failing nor healthy.
    orders_id, orders = _create_key(
        kms_src, "Orders (multi-Region)", orders_policy, payments, multi_region=True
    )
    _alias(kms_src, plan, src, "alias/orders-mrk", orders_id, orders)
    audit_id, audit = _create_key(
        kms_src,
        "Audit log (multi-Region)",
        _key_policy(acct, "audit-writer"),
        security,
        multi_region=True,
    )
    _alias(kms_src, plan, src, "alias/audit-mrk", audit_id, audit)
    session_id, session_key = _create_key(
        kms_src,
        "Session tokens (multi-Region)",
        _key_policy(acct, "session-api", region=src),
        identity,
        multi_region=True,
    )
    _alias(kms_src, plan, src, "alias/session-mrk", session_id, session_key)

    # orders-mrk: replicated with the same policy, then someone edited the replica's.
    orders_r = _replicate(
        kms_src, kms_tgt, orders_id, tgt, orders_policy, "Orders (multi-Region)", payments
    )
    drifted = _key_policy(acct, "orders-service")
    drifted["Statement"].append(
        {
            "Sid": "Allow partner decrypt",
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::444455556666:role/orders-partner"},
            "Action": "kms:Decrypt",
            "Resource": "*",
        }
    )
    kms_tgt.put_key_policy(KeyId=orders_id, PolicyName="default", Policy=json.dumps(drifted))
    _alias(kms_tgt, plan, tgt, "alias/orders-mrk", orders_id, orders_r)

    # session-mrk: the same policy with its Lambda function ARN mapped to the target
    # Region, its root statement's Action as a one-element list, and indented JSON:
    # equal to the primary's once normalised.
    session_r_policy = _key_policy(acct, "session-api", region=tgt)
    session_r_policy["Statement"][0]["Action"] = ["kms:*"]
    session_r = _replicate(
        kms_src,
        kms_tgt,
        session_id,
        tgt,
        session_r_policy,
        "Session tokens (multi-Region)",
        identity,
    )
    _alias(kms_tgt, plan, tgt, "alias/session-mrk", session_id, session_r)

    # Result ids: aliases by name, keys by KeyId (a multi-Region key keeps one KeyId).
    plan.failing["KMS-001"] += ["alias/billing", "alias/audit-mrk"]
    plan.failing["KMS-002"].append(audit.rsplit("/", 1)[-1])
    plan.failing["KMS-003"].append(orders_r.rsplit("/", 1)[-1])
    plan.healthy += [app, app_t, session_key, session_r]
