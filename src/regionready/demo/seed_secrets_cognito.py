"""Demo seed: Secrets Manager secrets (with their rotation functions) and Amazon Cognito
user pools and identity pools, in both Regions.

Ordinary boto3 calls through the session given (``moto_gaps`` installed by the caller:
moto keeps each replica's KMS key, answers RotateSecret without running the function in
Docker, and answers SetIdentityPoolRoles/GetIdentityPoolRoles, which it lacks).

What is planted (source -> target), and which check each gap should trip:

Secrets Manager (customer keys: the KMS seed's ``alias/app-data`` in each Region)
  prod/orders/db     alias/app-data, rotated by   -> replica on alias/app-data; the
                     rotate-orders-db               function exists there too (passes)
  prod/billing/api-key                            -> nothing                       SM-001
  prod/payments/db   rotated by rotate-payments-db -> replica; no such function    SM-005
  prod/reports/db    alias/app-data               -> replica on aws/secretsmanager SM-003
  prod/legacy/token  replicated                   -> a standalone secret of that
                                                     name was there first: Failed  SM-002
  events!connection/partner-api/...  (EventBridge connection: OwningService events)
                                                  -> cannot be replicated         SM-004
Cognito user pools (cognito-idp)
  customers (MFA ON; clients web, mobile)         -> MFA OFF; only web             COG-002,
                                                                                   COG-003
  partners (MFA OPTIONAL; client portal)          -> the same (passes)
  staff                                           -> nothing                       COG-001
Cognito identity pools (cognito-identity)
  app_identities (authenticated+unauthenticated)  -> the same roles (passes)
  partner_identities (authenticated role)         -> no roles set                  COG-004

Ids recorded are the ones results carry: parity results name the target resource when
it has a counterpart and the source resource otherwise; SM-002 and SM-004 read the
source secret. A Lambda execution role ``regionready-demo-rotation`` (trusted by
lambda.amazonaws.com) is created in IAM for the rotation functions.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import TYPE_CHECKING, Any

import boto3

from regionready.demo.moto_gaps.cognito import shared_user_pool_key

if TYPE_CHECKING:
    from regionready.demo.seed import DemoPlan

CMK_ALIAS = "alias/app-data"
ROLE_NAME = "regionready-demo-rotation"
DEMO_VALUE = "demo-not-a-real-secret"


# --------------------------------------------------------------------- Secrets Manager


def _code() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return None\n")
    return buffer.getvalue()


def _rotation_role(session: boto3.Session) -> str:
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    arn: str = session.client("iam").create_role(
        RoleName=ROLE_NAME,
        AssumeRolePolicyDocument=json.dumps(trust),
        Description="Secrets Manager rotation functions (regionready demo)",
    )["Role"]["Arn"]
    return arn


def _function(session: boto3.Session, region: str, name: str, role: str) -> str:
    arn: str = session.client("lambda", region_name=region).create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=role,
        Handler="index.handler",
        Code={"ZipFile": _code()},
        Description="Secrets Manager rotation function",
    )["FunctionArn"]
    return arn


def _secret(sm: Any, name: str, **params: Any) -> str:
    arn: str = sm.create_secret(Name=name, SecretString=DEMO_VALUE, **params)["ARN"]
    return arn


def _replica_arn(arn: str, target: str) -> str:
    parts = arn.split(":")
    parts[3] = target
    return ":".join(parts)


def seed_secrets(session: boto3.Session, plan: DemoPlan) -> None:
    """Plant the Secrets Manager secrets and rotation functions (needs the KMS seed first)."""
    src, tgt = plan.source, plan.target
    if not all(CMK_ALIAS in plan.aliases.get(region, {}) for region in (src, tgt)):
        raise RuntimeError(f"the KMS seed must plant {CMK_ALIAS} in {src} and {tgt} first")
    sm_src = session.client("secretsmanager", region_name=src)
    sm_tgt = session.client("secretsmanager", region_name=tgt)
    role = _rotation_role(session)
    orders_fn = _function(session, src, "rotate-orders-db", role)
    _function(session, tgt, "rotate-orders-db", role)
    payments_fn = _function(session, src, "rotate-payments-db", role)
    rotation = {"ScheduleExpression": "rate(30 days)"}

    orders = _secret(
        sm_src,
        "prod/orders/db",
        KmsKeyId=CMK_ALIAS,
        AddReplicaRegions=[{"Region": tgt, "KmsKeyId": CMK_ALIAS}],
    )
    sm_src.rotate_secret(SecretId=orders, RotationLambdaARN=orders_fn, RotationRules=rotation)

    billing = _secret(sm_src, "prod/billing/api-key")

    payments = _secret(sm_src, "prod/payments/db", AddReplicaRegions=[{"Region": tgt}])
    sm_src.rotate_secret(SecretId=payments, RotationLambdaARN=payments_fn, RotationRules=rotation)

    reports = _secret(
        sm_src, "prod/reports/db", KmsKeyId=CMK_ALIAS, AddReplicaRegions=[{"Region": tgt}]
    )

    standalone = _secret(sm_tgt, "prod/legacy/token")
    legacy = _secret(sm_src, "prod/legacy/token", AddReplicaRegions=[{"Region": tgt}])

    # EventBridge keeps an API connection's credentials in a secret it owns.
    events = session.client("events", region_name=src)
    events.create_connection(
        Name="partner-api",
        AuthorizationType="API_KEY",
        AuthParameters={
            "ApiKeyAuthParameters": {"ApiKeyName": "x-api-key", "ApiKeyValue": DEMO_VALUE}
        },
    )
    managed: str = events.describe_connection(Name="partner-api")["SecretArn"]

    for label, arn in (
        ("prod/orders/db", orders),
        ("prod/billing/api-key", billing),
        ("prod/payments/db", payments),
        ("prod/reports/db", reports),
        ("prod/legacy/token", legacy),
        ("events-connection", managed),
    ):
        plan.record(src, f"secret:{label}", arn)
    for label, arn in (
        ("prod/orders/db", _replica_arn(orders, tgt)),
        ("prod/payments/db", _replica_arn(payments, tgt)),
        ("prod/reports/db", _replica_arn(reports, tgt)),
        ("prod/legacy/token", standalone),
    ):
        plan.record(tgt, f"secret:{label}", arn)

    plan.failing.setdefault("SM-001", []).append(billing)
    plan.failing.setdefault("SM-002", []).append(legacy)
    plan.failing.setdefault("SM-003", []).append(_replica_arn(reports, tgt))
    plan.failing.setdefault("SM-004", []).append(managed)
    plan.failing.setdefault("SM-005", []).append(_replica_arn(payments, tgt))
    plan.healthy += [orders, _replica_arn(orders, tgt)]


# --------------------------------------------------------------------- Cognito


def _pool(idp: Any, name: str, mfa: str, **params: Any) -> str:
    pool_id: str = idp.create_user_pool(
        PoolName=name,
        Policies={
            "PasswordPolicy": {
                "MinimumLength": 12,
                "RequireUppercase": True,
                "RequireLowercase": True,
                "RequireNumbers": True,
                "RequireSymbols": True,
                "TemporaryPasswordValidityDays": 3,
            }
        },
        UsernameAttributes=["email"],
        UsernameConfiguration={"CaseSensitive": False},
        **params,
    )["UserPool"]["Id"]
    if mfa != "OFF":
        idp.set_user_pool_mfa_config(
            UserPoolId=pool_id,
            SoftwareTokenMfaConfiguration={"Enabled": True},
            MfaConfiguration=mfa,
        )
    return pool_id


def _client(idp: Any, pool_id: str, name: str, urls: list[str], **params: Any) -> None:
    idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName=name,
        CallbackURLs=urls,
        AllowedOAuthFlows=["code"],
        AllowedOAuthScopes=["openid", "email"],
        AllowedOAuthFlowsUserPoolClient=True,
        SupportedIdentityProviders=["COGNITO"],
        **params,
    )


def seed_user_pools(session: boto3.Session, plan: DemoPlan) -> None:
    """Plant the Cognito user pools and their app clients."""
    src, tgt = plan.source, plan.target
    idp_src = session.client("cognito-idp", region_name=src)
    idp_tgt = session.client("cognito-idp", region_name=tgt)
    web = ["https://shop.example.com/callback", "https://www.example.com/callback"]
    portal = ["https://partners.example.com/callback"]

    customers = _pool(idp_src, "customers", "ON")
    _client(idp_src, customers, "web", web, GenerateSecret=True)
    _client(idp_src, customers, "mobile", ["com.example.shop://callback"])
    partners = _pool(idp_src, "partners", "OPTIONAL")
    _client(idp_src, partners, "portal", portal)
    staff = _pool(idp_src, "staff", "OPTIONAL")

    customers_t = _pool(idp_tgt, "customers", "OFF")
    _client(idp_tgt, customers_t, "web", list(reversed(web)), GenerateSecret=True)
    partners_t = _pool(idp_tgt, "partners", "OPTIONAL")
    _client(idp_tgt, partners_t, "portal", portal)

    for region, pools in (
        (src, {"customers": customers, "partners": partners, "staff": staff}),
        (tgt, {"customers": customers_t, "partners": partners_t}),
    ):
        for name, pool_id in pools.items():
            plan.record(region, f"user_pool:{name}", pool_id)
    plan.failing.setdefault("COG-001", []).append(staff)
    plan.failing.setdefault("COG-002", []).append(customers_t)
    plan.failing.setdefault("COG-003", []).append(customers_t)
    plan.healthy += [partners, partners_t]


def seed_identity_pools(session: boto3.Session, plan: DemoPlan) -> None:
    """Plant the Cognito identity pools and their roles."""
    src, tgt, account = plan.source, plan.target, plan.account_id
    auth = f"arn:aws:iam::{account}:role/Cognito_app_identities_Auth"
    guest = f"arn:aws:iam::{account}:role/Cognito_app_identities_Unauth"
    partner = f"arn:aws:iam::{account}:role/Cognito_partner_identities_Auth"
    ids: dict[str, dict[str, str]] = {src: {}, tgt: {}}
    for region in (src, tgt):
        client = session.client("cognito-identity", region_name=region)
        for name, unauthenticated in (("app_identities", True), ("partner_identities", False)):
            ids[region][name] = client.create_identity_pool(
                IdentityPoolName=name, AllowUnauthenticatedIdentities=unauthenticated
            )["IdentityPoolId"]
            plan.record(region, f"identity_pool:{name}", ids[region][name])
        client.set_identity_pool_roles(
            IdentityPoolId=ids[region]["app_identities"],
            Roles={"authenticated": auth, "unauthenticated": guest},
        )
    session.client("cognito-identity", region_name=src).set_identity_pool_roles(
        IdentityPoolId=ids[src]["partner_identities"], Roles={"authenticated": partner}
    )
    plan.failing.setdefault("COG-004", []).append(ids[tgt]["partner_identities"])
    plan.healthy += [ids[src]["app_identities"], ids[tgt]["app_identities"]]


def seed(session: boto3.Session, plan: DemoPlan) -> None:
    seed_secrets(session, plan)
    with shared_user_pool_key():  # moto: one RSA key import, not one per pool
        seed_user_pools(session, plan)
    seed_identity_pools(session, plan)
