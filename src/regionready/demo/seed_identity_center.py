"""Demo seed: IAM Identity Center with its primary Region in the opt-in source Region.

The demo's source, me-central-1, is an opt-in Region, so multi-Region replication of
Identity Center is unsupported there (seed 000): the organization instance planted with
its primary in the source trips IDC-004, and the emergency access path planted next to it
(an IAM SAML provider and a role trusting it for sts:AssumeRoleWithSAML) makes IDC-006
pass. The instance is encrypted with a customer managed multi-Region key whose replica
in the target carries the Identity Center key policy (Region-specific endpoints mapped,
statements re-ordered and re-serialised): IDC-007 passes, and the KMS checks see a
healthy key pair. Its permission sets, account assignments and groups are the backup
that IDC-008 notes.

  organization instance ``demo-organization`` (primary source)   IDC-004 fails, IDC-008 note
                                                                  IDC-005, IDC-006, IDC-007 pass
  key ``alias/identity-center`` (multi-Region) + replica         healthy (IDC-007, KMS-001..003)
  SAML provider ``emergency-idp``, role ``EmergencyOperations``  healthy (IDC-006, IAM-001/002)

IDC-001, IDC-002 and IDC-003 do not apply (replication is impossible from an opt-in
primary Region); the fixtures under ``rules/idc/tests`` cover them.
"""

from __future__ import annotations

import json
from typing import Any

from regionready.demo.moto_gaps import sso as sso_gaps

ALIAS = "alias/identity-center"
SERVICES = ["identitystore.amazonaws.com", "sso.amazonaws.com"]
SAML_AUDIENCE = "https://signin.aws.amazon.com/saml"
_METADATA = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
    'entityID="https://emergency-idp.example.com/saml/metadata">'
    '<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
    "<md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>"
    '<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" '
    'Location="https://emergency-idp.example.com/saml/sso"/>'
    "</md:IDPSSODescriptor></md:EntityDescriptor>"
)
# moto refuses SAML metadata shorter than 1,000 characters.
SAML_METADATA = _METADATA + "<!-- " + "emergency access " * 40 + "-->"


def key_policy(account_id: str, region: str) -> dict[str, Any]:
    """The Identity Center key policy (seed 004): key administrators, the Identity Center
    and Identity Store service principals, and admins using the key through those services
    in ``region``."""
    root = f"arn:aws:iam::{account_id}:root"
    source_account = {"StringEquals": {"aws:SourceAccount": account_id}}
    return {
        "Version": "2012-10-17",
        "Id": "identity-center-key",
        "Statement": [
            {
                "Sid": "AllowIdentityCenterAdminAccounts",
                "Effect": "Allow",
                "Principal": {"AWS": root},
                "Action": "kms:*",
                "Resource": "*",
            },
            {
                "Sid": "AllowIdentityCenterAndIdentityStoreToDescribeKey",
                "Effect": "Allow",
                "Principal": {"Service": list(SERVICES)},
                "Action": "kms:DescribeKey",
                "Resource": "*",
                "Condition": source_account,
            },
            {
                "Sid": "AllowIdentityCenterAndIdentityStoreToUseKey",
                "Effect": "Allow",
                "Principal": {"Service": list(SERVICES)},
                "Action": [
                    "kms:Decrypt",
                    "kms:ReEncryptTo",
                    "kms:ReEncryptFrom",
                    "kms:GenerateDataKeyWithoutPlaintext",
                ],
                "Resource": "*",
                "Condition": source_account,
            },
            {
                "Sid": "AllowAdminsThroughIdentityCenter",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{account_id}:role/IdentityCenterAdmins"},
                "Action": ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKeyWithoutPlaintext"],
                "Resource": "*",
                "Condition": {
                    "StringLike": {
                        "kms:ViaService": [
                            f"sso.{region}.amazonaws.com",
                            f"identitystore.{region}.amazonaws.com",
                        ]
                    }
                },
            },
        ],
    }


def _key(session: Any, plan: Any) -> tuple[str, str]:
    """The multi-Region key in the source and its replica in the target (ARNs)."""
    src, tgt, account = plan.source, plan.target, plan.account_id
    kms_src = session.client("kms", region_name=src)
    kms_tgt = session.client("kms", region_name=tgt)
    tags = [{"TagKey": "Team", "TagValue": "identity"}]
    meta = kms_src.create_key(
        Description="IAM Identity Center identity data",
        KeySpec="SYMMETRIC_DEFAULT",
        KeyUsage="ENCRYPT_DECRYPT",
        MultiRegion=True,
        Policy=json.dumps(key_policy(account, src)),
        Tags=tags,
    )["KeyMetadata"]
    key_id, primary = str(meta["KeyId"]), str(meta["Arn"])
    kms_src.create_alias(AliasName=ALIAS, TargetKeyId=key_id)
    replica_policy = key_policy(account, tgt)
    replica_policy["Statement"].reverse()  # order and layout are not drift
    replica = str(
        kms_src.replicate_key(
            KeyId=key_id,
            ReplicaRegion=tgt,
            Policy=json.dumps(replica_policy, indent=2),
            Description="IAM Identity Center identity data",
            Tags=tags,
        )["ReplicaKeyMetadata"]["Arn"]
    )
    kms_tgt.create_alias(AliasName=ALIAS, TargetKeyId=key_id)
    for region, arn in ((src, primary), (tgt, replica)):
        plan.record(region, f"key:{ALIAS}", arn)
        plan.aliases.setdefault(region, {})[ALIAS] = arn
    return primary, replica


def _backup(session: Any, plan: Any, admin: Any, instance_arn: str) -> None:
    """Permission sets, groups and account assignments: what IDC-008 counts."""
    store = admin.describe_instance(InstanceArn=instance_arn)["IdentityStoreId"]
    directory = session.client("identitystore", region_name=plan.source)
    groups = {
        name: directory.create_group(IdentityStoreId=store, DisplayName=name)["GroupId"]
        for name in ("platform-admins", "auditors")
    }
    for name, managed, group in (
        ("AdministratorAccess", "AdministratorAccess", "platform-admins"),
        ("ReadOnlyAccess", "ReadOnlyAccess", "auditors"),
    ):
        ps_arn = admin.create_permission_set(
            InstanceArn=instance_arn, Name=name, SessionDuration="PT4H"
        )["PermissionSet"]["PermissionSetArn"]
        admin.attach_managed_policy_to_permission_set(
            InstanceArn=instance_arn,
            PermissionSetArn=ps_arn,
            ManagedPolicyArn=f"arn:aws:iam::aws:policy/{managed}",
        )
        admin.create_account_assignment(
            InstanceArn=instance_arn,
            TargetId=plan.account_id,
            TargetType="AWS_ACCOUNT",
            PermissionSetArn=ps_arn,
            PrincipalType="GROUP",
            PrincipalId=groups[group],
        )


def _emergency_access(session: Any, plan: Any) -> list[str]:
    """The direct SAML federation path of seed 000 (IDC-006): provider and role ARNs."""
    iam = session.client("iam", region_name=plan.source)
    provider = iam.create_saml_provider(SAMLMetadataDocument=SAML_METADATA, Name="emergency-idp")[
        "SAMLProviderArn"
    ]
    audiences = [
        SAML_AUDIENCE,
        f"https://{plan.source}.signin.aws.amazon.com/saml",
        f"https://{plan.target}.signin.aws.amazon.com/saml",
    ]
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": provider},
                "Action": "sts:AssumeRoleWithSAML",
                "Condition": {"StringEquals": {"SAML:aud": audiences}},
            }
        ],
    }
    role = iam.create_role(
        RoleName="EmergencyOperations",
        AssumeRolePolicyDocument=json.dumps(trust),
        Description="Emergency console access when IAM Identity Center is unavailable",
    )["Role"]["Arn"]
    return [str(provider), str(role)]


def seed(session: Any, plan: Any) -> None:
    """Plant the Identity Center instance, its key, backup and emergency access."""
    primary, replica = _key(session, plan)
    admin = session.client("sso-admin", region_name=plan.source)
    instance = sso_gaps.configure_instance(admin, name="demo-organization", kms_key_arn=primary)
    _backup(session, plan, admin, instance)
    emergency = _emergency_access(session, plan)
    plan.failing.setdefault("IDC-004", []).append(instance)
    plan.failing.setdefault("IDC-008", []).append(instance)  # a note, by design
    plan.healthy += [primary, replica, *emergency]
