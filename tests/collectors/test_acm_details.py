"""The ACM collector's CRL buckets (for ACM-011) against moto."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from regionready.collectors import acm
from regionready.engine.functions.acm import crl_bucket_gaps

from .helpers import record_calls

REGION = "eu-central-1"
TLS_ONLY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "TlsOnly",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": ["arn:aws:s3:::crl-good", "arn:aws:s3:::crl-good/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
    ],
}


def _ca(pca: Any, name: str, bucket: str | None) -> str:
    revocation: dict[str, Any] = (
        {"CrlConfiguration": {"Enabled": True, "S3BucketName": bucket}}
        if bucket
        else {"OcspConfiguration": {"Enabled": True}}
    )
    return str(
        pca.create_certificate_authority(
            CertificateAuthorityConfiguration={
                "KeyAlgorithm": "RSA_2048",
                "SigningAlgorithm": "SHA256WITHRSA",
                "Subject": {"CommonName": name},
            },
            RevocationConfiguration=revocation,
            CertificateAuthorityType="SUBORDINATE",
            IdempotencyToken=name.replace(" ", ""),
        )["CertificateAuthorityArn"]
    )


@pytest.fixture
def cas(session: boto3.Session) -> dict[str, str]:
    s3 = session.client("s3", region_name=REGION)
    for bucket in ("crl-good", "crl-bare"):
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_public_access_block(
        Bucket="crl-good",
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    s3.put_bucket_encryption(
        Bucket="crl-good",
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]
        },
    )
    s3.put_bucket_policy(Bucket="crl-good", Policy=json.dumps(TLS_ONLY))
    pca = session.client("acm-pca", region_name=REGION)
    return {
        "good": _ca(pca, "Good CA", "crl-good"),
        "good2": _ca(pca, "Second CA", "crl-good"),
        "bare": _ca(pca, "Bare CA", "crl-bare"),
        "missing": _ca(pca, "Lost CA", "crl-missing"),
        "ocsp": _ca(pca, "OCSP CA", None),
    }


def _buckets(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["Name"]: b for b in result["crl_bucket"]}


def test_crl_buckets_are_read_once_each(make_clients: Any, cas: dict[str, str]) -> None:
    clients = make_clients(REGION, "acm")
    result = acm.collect(clients, REGION)
    buckets = _buckets(result)

    assert clients.errors == []  # "not configured" and "no such bucket" are facts
    assert set(buckets) == {"crl-good", "crl-bare", "crl-missing"}
    good = buckets["crl-good"]
    assert good["CertificateAuthorityArns"] == sorted([cas["good"], cas["good2"]])
    assert good["BucketFound"] is True
    assert good["PublicAccessBlockConfiguration"]["RestrictPublicBuckets"] is True
    rule = good["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    assert json.loads(good["Policy"]) == TLS_ONLY  # the policy JSON string
    assert crl_bucket_gaps(good) == []

    bare = buckets["crl-bare"]
    assert bare["BucketFound"] is True
    assert bare["PublicAccessBlockConfiguration"] is None
    assert bare["ServerSideEncryptionConfiguration"] is None
    assert bare["Policy"] is None
    assert buckets["crl-missing"]["BucketFound"] is False
    assert len(result["private_ca"]) == 5


def test_a_denied_bucket_read_is_recorded_and_the_field_left_out(
    session: boto3.Session, make_clients: Any, cas: dict[str, str]
) -> None:
    def deny(params: dict[str, Any], **_: Any) -> None:
        if params.get("Bucket") == "crl-good":
            raise ClientError(
                {"Error": {"Code": "AccessDenied", "Message": "no"}}, "GetBucketPolicy"
            )

    session.events.register("before-parameter-build.s3.GetBucketPolicy", deny)
    clients = make_clients(REGION, "acm")
    good = _buckets(acm.collect(clients, REGION))["crl-good"]

    [error] = clients.errors
    assert (error.code, error.resource_types) == ("AccessDenied", ["crl_bucket"])
    assert error.api == "s3:GetBucketPolicy"
    assert "Policy" not in good
    assert good["PublicAccessBlockConfiguration"] is not None


def test_no_private_ca_means_no_bucket_reads(session: boto3.Session, make_clients: Any) -> None:
    clients = make_clients(REGION, "acm")
    result = acm.collect(clients, REGION)
    assert result["crl_bucket"] == [] and clients.errors == []


def test_only_declared_read_only_calls(
    session: boto3.Session, make_clients: Any, cas: dict[str, str]
) -> None:
    called = record_calls(session)
    acm.collect(make_clients(REGION, "acm"), REGION)
    assert called <= set(acm.PERMISSIONS)
    s3_declared = {p for p in acm.PERMISSIONS if p.startswith("s3:")}
    assert {c for c in called if c.startswith("s3:")} == s3_declared
