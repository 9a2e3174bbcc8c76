"""Demo seed: IAM federation, Region-restricting policies, STS endpoints (IAM-*, STS-*).

``seed(session, plan)`` plants, in the simulated account:

IAM (global)
  SAML provider ``corp-idp``
  role ``federated-admin``   SAML:aud only https://signin.aws.amazon.com/saml   IAM-001, IAM-002
  role ``federated-ops``     SAML:aud us-east-1 + source + target endpoints       passes
  role ``app-runtime``       EC2 role the policies below are attached to
  policy ``region-guard``    Deny NotAction [iam, sts, ...] outside the source    IAM-003 (critical)
  policy ``orders-access``   DynamoDB on the source table ARN only               IAM-004
  policy ``reports-read``    source and target ARNs, no Region condition         passes
CloudTrail (source Region history)
  two AssumeRole calls by ``legacy-batch`` to sts.amazonaws.com               STS-003 (newest)
  one AssumeRole call by ``modern-service`` to sts.<source>.amazonaws.com       passes

``write_local_files(directory, plan=None)`` writes the demo's own AWS shared config and
credentials files (the demo must never read the user's ``~/.aws``) and returns the
collection options the local collector reads; ``demo/run.py``'s ``demo_options(out)``
passes them (``write_local_files(out / "local")``)::

    {"aws_config_file": "<out>/local/config",
     "aws_credentials_file": "<out>/local/credentials",
     "local_environment": {}}

profiles: ``default`` (regional, passes), ``legacy-ops`` (legacy: STS-001, high since
the demo source me-central-1 is an opt-in Region), ``deploy`` (a role profile whose
source_profile is legacy-ops: not inherited, passes). The credentials file holds the AWS
documentation's example key, which the collector never reads. ``local_environment``
is empty so the user's own ``AWS_STS_REGIONAL_ENDPOINTS`` does not leak into the demo.
STS-001 is recorded in ``plan.failing`` only when a plan is passed: ``seed`` cannot
know whether the scan will read these files (a scan without the options reads the
machine's own, which the plan knows nothing about).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import boto3

from regionready.demo.run import SOURCE as DEMO_SOURCE
from regionready.demo.seed import DemoPlan

SAML_METADATA = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
    'entityID="https://idp.example.com/saml/metadata">'
    '<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
    "<md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>"
    '<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" '
    'Location="https://idp.example.com/saml/sso"/>'
    "</md:IDPSSODescriptor>"
    "<!-- regionready demo identity provider: not a real IdP -->" * 12 + "</md:EntityDescriptor>"
)
US_EAST_1_SAML = "https://signin.aws.amazon.com/saml"
GLOBAL_SERVICES = ["iam:*", "sts:*", "organizations:*", "support:*", "cloudfront:*", "route53:*"]


def _saml_endpoint(region: str) -> str:
    return (
        US_EAST_1_SAML if region == "us-east-1" else f"https://{region}.signin.aws.amazon.com/saml"
    )


def _saml_trust(provider_arn: str, audiences: list[str]) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Federated": provider_arn},
                    "Action": ["sts:AssumeRoleWithSAML", "sts:TagSession"],
                    "Condition": {"StringEquals": {"SAML:aud": audiences}},
                }
            ],
        }
    )


def _policy(client: Any, name: str, statements: list[dict[str, Any]]) -> str:
    document = json.dumps({"Version": "2012-10-17", "Statement": statements})
    arn: str = client.create_policy(PolicyName=name, PolicyDocument=document)["Policy"]["Arn"]
    return arn


def _seed_iam(session: boto3.Session, plan: DemoPlan) -> None:
    iam = session.client("iam", region_name="us-east-1")
    src, tgt, acct = plan.source, plan.target, plan.account_id
    provider = iam.create_saml_provider(Name="corp-idp", SAMLMetadataDocument=SAML_METADATA)[
        "SAMLProviderArn"
    ]
    admin = iam.create_role(
        RoleName="federated-admin",
        AssumeRolePolicyDocument=_saml_trust(provider, [US_EAST_1_SAML]),
        Description="Federated administrators (us-east-1 sign-in endpoint only)",
    )["Role"]["Arn"]
    ops = iam.create_role(
        RoleName="federated-ops",
        AssumeRolePolicyDocument=_saml_trust(
            provider, [US_EAST_1_SAML, _saml_endpoint(src), _saml_endpoint(tgt)]
        ),
        Description="Federated operators (regional sign-in endpoints)",
    )["Role"]["Arn"]
    runtime_trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    iam.create_role(RoleName="app-runtime", AssumeRolePolicyDocument=json.dumps(runtime_trust))

    guard = _policy(
        iam,
        "region-guard",
        [
            {
                "Sid": "DenyOutsideSourceRegion",
                "Effect": "Deny",
                "NotAction": GLOBAL_SERVICES,
                "Resource": "*",
                "Condition": {"StringNotEquals": {"aws:RequestedRegion": [src]}},
            }
        ],
    )
    orders = _policy(
        iam,
        "orders-access",
        [
            {
                "Sid": "OrdersTable",
                "Effect": "Allow",
                "Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"],
                "Resource": f"arn:aws:dynamodb:{src}:{acct}:table/orders",
            }
        ],
    )
    reports = _policy(
        iam,
        "reports-read",
        [
            {
                "Sid": "ReportsQueue",
                "Effect": "Allow",
                "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage"],
                "Resource": [
                    f"arn:aws:sqs:{src}:{acct}:reports",
                    f"arn:aws:sqs:{tgt}:{acct}:reports",
                ],
            }
        ],
    )
    for arn in (guard, orders, reports):
        iam.attach_role_policy(RoleName="app-runtime", PolicyArn=arn)

    plan.failing.setdefault("IAM-001", []).append(admin)
    plan.failing.setdefault("IAM-002", []).append(admin)
    plan.failing.setdefault("IAM-003", []).append(guard)
    plan.failing.setdefault("IAM-004", []).append(orders)
    plan.healthy += [ops, reports]


def _seed_sts_events(plan: DemoPlan) -> None:
    from regionready.demo.moto_gaps.cloudtrail import record_sts_call

    src, now = plan.source, plan.now
    record_sts_call(
        plan.account_id,
        src,
        endpoint="global",
        event_time=now - dt.timedelta(days=2),
        username="legacy-batch",
    )
    latest = record_sts_call(
        plan.account_id,
        src,
        endpoint="global",
        event_time=now - dt.timedelta(hours=3),
        username="legacy-batch",
    )
    modern = record_sts_call(
        plan.account_id,
        src,
        endpoint="regional",
        event_time=now - dt.timedelta(hours=2),
        username="modern-service",
        user_agent="Boto3/1.44.5 md/Botocore#1.44.5 ua/2.1 os/linux",
    )
    plan.failing.setdefault("STS-003", []).append(latest)
    plan.healthy.append(modern)


def seed(session: boto3.Session, plan: DemoPlan) -> None:
    _seed_iam(session, plan)
    _seed_sts_events(plan)


CONFIG = """\
# regionready demo: a shared config file written for the demo (not the user's ~/.aws)
[default]
region = {source}
sts_regional_endpoints = regional

[profile legacy-ops]
region = {source}
sts_regional_endpoints = legacy

[profile deploy]
role_arn = arn:aws:iam::123456789012:role/app-runtime
source_profile = legacy-ops
region = {source}
"""

CREDENTIALS = """\
# regionready demo: the AWS documentation's example key, never read by the collector
[legacy-ops]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
"""


def write_local_files(directory: Path, plan: DemoPlan | None = None) -> dict[str, Any]:
    """Write the demo's AWS config and credentials files; return the collection options."""
    directory.mkdir(parents=True, exist_ok=True)
    config = directory / "config"
    credentials = directory / "credentials"
    config.write_text(CONFIG.format(source=plan.source if plan else DEMO_SOURCE))
    credentials.write_text(CREDENTIALS)
    credentials.chmod(0o600)
    if plan is not None:
        plan.failing.setdefault("STS-001", []).append("legacy-ops")
        plan.healthy += ["default", "deploy"]
    return {
        "aws_config_file": str(config),
        "aws_credentials_file": str(credentials),
        "local_environment": {},
    }


def scan_options(plan: DemoPlan) -> dict[str, Any]:
    """The demo's own AWS config files for the local collector (never the user's)."""
    assert plan.workdir is not None
    return write_local_files(plan.workdir / "local", plan)
