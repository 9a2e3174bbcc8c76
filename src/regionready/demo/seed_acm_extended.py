"""Seed the demo account for ACM-005 .. ACM-016: DNS validation, service use, private CAs,
expiry alerts.

Runs after ``seed.py`` planted the base ACM certificates (www, api, legacy, shop, pay)
and builds on them, adding only one certificate (requests cost moto an RSA key each).
What is planted (source -> target), and which check each gap trips:

Route 53 (global)
  public zone example.com holding the validation CNAMEs of the target's www.example.com
  certificate (ACM-006 passes); the target's status.example.com certificate (DNS
  validation, requested here) has none                                   ACM-006
API Gateway
  source REST custom domain names on www.example.com and legacy.example.com; the
  target's HTTP API custom domain name uses www's twin only (ACM-013 passes for it):
  legacy's target twin is used by nothing                                ACM-013
AWS Private CA
  source: an ACTIVE SUBORDINATE RSA CA; target: an ACTIVE ROOT RSA CA (a new trust
  chain) publishing its CRL to a bucket without Block Public Access, default encryption
  or a TLS-only policy                                                   ACM-010, ACM-011
  and an EC SUBORDINATE CA with OCSP only (ACM-011 passes).
EventBridge
  source: rule ``acm-certificate-expiry`` on every "ACM Certificate Approaching
  Expiration" event; target: the same-named rule narrowed to pay.example.com's ARN, so
  the imported shop.example.com copy has no expiry alert                 ACM-016
  (pay.example.com passes).
From the base seed: legacy.example.com's target twin is EMAIL-validated like its
source                                                                   ACM-005

No source certificate is added, so ACM-001 is unchanged. Quota checks (ACM-007/008/
012/017) pass against Service Quotas (moto_gaps answers the defaults); ACM-015 cannot
fire on moto, whose requested certificates are valid for a year; ACM-009 and ACM-014
need Private CA certificates / a us-east-1 source and are covered by their fixtures.
moto ignores a CA's UsageMode (always SHORT_LIVED_CERTIFICATE): the same for every CA
here, so ACM-010 still pairs by key family.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import boto3

from regionready.demo.certs import self_signed

EXPIRY_PATTERN = {"source": ["aws.acm"], "detail-type": ["ACM Certificate Approaching Expiration"]}
RULE_NAME = "acm-certificate-expiry"


def _fail(plan: Any, check: str, resource_id: str) -> None:
    plan.failing.setdefault(check, []).append(resource_id)


def _request(acm: Any, domain: str, **extra: Any) -> str:
    arn: str = acm.request_certificate(DomainName=domain, ValidationMethod="DNS", **extra)[
        "CertificateArn"
    ]
    return arn


def _certificate_authority(
    pca: Any, name: str, *, kind: str, key: str, revocation: dict[str, Any]
) -> str:
    signing = "SHA256WITHRSA" if key.startswith("RSA") else "SHA256WITHECDSA"
    arn: str = pca.create_certificate_authority(
        CertificateAuthorityConfiguration={
            "KeyAlgorithm": key,
            "SigningAlgorithm": signing,
            "Subject": {"CommonName": name, "Organization": "Example Corp"},
        },
        RevocationConfiguration=revocation,
        CertificateAuthorityType=kind,
        IdempotencyToken=name.replace(" ", "")[:36],
    )["CertificateAuthorityArn"]
    return arn


def _activate(pca: Any, plan: Any, ca_arn: str, name: str) -> None:
    """Install a CA certificate (moto takes any certificate) so the CA is ACTIVE."""
    cert, _key = self_signed(
        name, not_before=plan.now - timedelta(days=1), not_after=plan.now + timedelta(days=3650)
    )
    pca.import_certificate_authority_certificate(CertificateAuthorityArn=ca_arn, Certificate=cert)


def _private_cas(session: boto3.Session, plan: Any) -> None:
    src, tgt = plan.source, plan.target
    pca_src = session.client("acm-pca", region_name=src)
    pca_tgt = session.client("acm-pca", region_name=tgt)
    ocsp_only = {"OcspConfiguration": {"Enabled": True}}

    issuing = _certificate_authority(
        pca_src, "Example Issuing CA me", kind="SUBORDINATE", key="RSA_2048", revocation=ocsp_only
    )
    _activate(pca_src, plan, issuing, "Example Issuing CA me")
    plan.record(src, "ca:issuing", issuing)

    bucket = f"regionready-demo-crl-{tgt}"
    session.client("s3", region_name=tgt).create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": tgt}
    )
    root = _certificate_authority(
        pca_tgt,
        "Example Root eu",
        kind="ROOT",
        key="RSA_2048",
        revocation={"CrlConfiguration": {"Enabled": True, "S3BucketName": bucket}},
    )
    _activate(pca_tgt, plan, root, "Example Root eu")
    plan.record(tgt, "ca:root", root)
    # Another key family, so ACM-010 pairs the source CA with the root only.
    ec_issuing = _certificate_authority(
        pca_tgt,
        "Example EC Issuing CA eu",
        kind="SUBORDINATE",
        key="EC_prime256v1",
        revocation=ocsp_only,
    )
    plan.record(tgt, "ca:ec-issuing", ec_issuing)

    _fail(plan, "ACM-010", root)
    _fail(plan, "ACM-011", root)
    plan.healthy.append(ec_issuing)


def _custom_domains(session: boto3.Session, plan: Any) -> None:
    """Source API Gateway domains serve www and legacy; the target's serves www's twin."""
    rest = session.client("apigateway", region_name=plan.source)
    for label in ("www", "legacy"):
        rest.create_domain_name(
            domainName=f"{label}-api.example.com",
            regionalCertificateArn=plan.arn(plan.source, f"cert:{label}.example.com"),
            endpointConfiguration={"types": ["REGIONAL"]},
        )
    session.client("apigatewayv2", region_name=plan.target).create_domain_name(
        DomainName="www-api.example.com",
        DomainNameConfigurations=[
            {
                "CertificateArn": plan.arn(plan.target, "cert:www.example.com"),
                "EndpointType": "REGIONAL",
            }
        ],
    )
    _fail(plan, "ACM-013", plan.arn(plan.target, "cert:legacy.example.com"))


def _validation_records(session: boto3.Session, plan: Any) -> None:
    """A public zone with www's validation CNAMEs; status.example.com gets none."""
    acm = session.client("acm", region_name=plan.target)
    www_t = plan.arn(plan.target, "cert:www.example.com")
    options = acm.describe_certificate(CertificateArn=www_t)["Certificate"].get(
        "DomainValidationOptions", []
    )
    records = {
        o["ResourceRecord"]["Name"]: o["ResourceRecord"]["Value"]
        for o in options
        if o.get("ResourceRecord")
    }
    route53 = session.client("route53", region_name="us-east-1")
    zone = route53.create_hosted_zone(Name="example.com", CallerReference="regionready-demo")
    changes = [
        {
            "Action": "UPSERT",
            "ResourceRecordSet": {
                "Name": name,
                "Type": "CNAME",
                "TTL": 300,
                "ResourceRecords": [{"Value": value}],
            },
        }
        for name, value in sorted(records.items())
    ]
    route53.change_resource_record_sets(
        HostedZoneId=zone["HostedZone"]["Id"], ChangeBatch={"Changes": changes}
    )
    status = _request(acm, "status.example.com")
    plan.record(plan.target, "cert:status.example.com", status)
    _fail(plan, "ACM-006", status)


def _expiry_rules(session: boto3.Session, plan: Any) -> None:
    pay_t = plan.arn(plan.target, "cert:pay.example.com")
    description = "Alert on imported certificates nearing expiry"
    session.client("events", region_name=plan.source).put_rule(
        Name=RULE_NAME, EventPattern=json.dumps(EXPIRY_PATTERN), Description=description
    )
    session.client("events", region_name=plan.target).put_rule(
        Name=RULE_NAME,
        EventPattern=json.dumps({**EXPIRY_PATTERN, "resources": [pay_t]}),
        Description=description,
    )
    _fail(plan, "ACM-016", plan.arn(plan.target, "cert:shop.example.com"))


def seed(session: boto3.Session, plan: Any) -> None:
    _validation_records(session, plan)
    _custom_domains(session, plan)
    _expiry_rules(session, plan)
    _private_cas(session, plan)
    _fail(plan, "ACM-005", plan.arn(plan.target, "cert:legacy.example.com"))
