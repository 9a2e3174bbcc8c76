"""The CloudFront collector against moto, with moto's viewer-certificate quirk corrected."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from regionready.collectors import cloudfront
from regionready.demo.moto_gaps import cloudfront as cloudfront_gaps
from regionready.snapshot import jsonable

from .helpers import deny, record_calls

GLOBAL_REGION = "us-east-1"


def _config(reference: str, certificate_arn: str | None) -> dict[str, Any]:
    config: dict[str, Any] = {
        "CallerReference": reference,
        "Comment": "",
        "Enabled": True,
        "Origins": {
            "Quantity": 1,
            "Items": [
                {
                    "Id": "origin",
                    "DomainName": "example.s3.amazonaws.com",
                    "S3OriginConfig": {"OriginAccessIdentity": ""},
                }
            ],
        },
        "DefaultCacheBehavior": {
            "TargetOriginId": "origin",
            "ViewerProtocolPolicy": "redirect-to-https",
            "MinTTL": 0,
            "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
            "TrustedSigners": {"Enabled": False, "Quantity": 0},
        },
    }
    if certificate_arn:
        config["Aliases"] = {"Quantity": 1, "Items": ["cdn.example.com"]}
        config["ViewerCertificate"] = {
            "ACMCertificateArn": certificate_arn,
            "SSLSupportMethod": "sni-only",
            "MinimumProtocolVersion": "TLSv1.2_2021",
        }
    return config


def _distributions(client: Any, certificate_arn: str) -> dict[str, str]:
    made = {}
    for index, cert in enumerate([certificate_arn, None, None]):
        dist = client.create_distribution(DistributionConfig=_config(str(index), cert))
        made["acm" if cert else f"default{index}"] = dist["Distribution"]["ARN"]
    return made


@pytest.fixture
def certificate(session: boto3.Session) -> str:
    acm = session.client("acm", region_name=GLOBAL_REGION)
    return str(acm.request_certificate(DomainName="cdn.example.com")["CertificateArn"])


@pytest.fixture
def distributions(session: boto3.Session, certificate: str) -> dict[str, str]:
    return _distributions(session.client("cloudfront"), certificate)


def test_viewer_certificates_as_aws_reports_them(
    make_clients: Any, distributions: dict[str, str], certificate: str
) -> None:
    clients = make_clients(GLOBAL_REGION, "cloudfront")
    items = {d["ARN"]: d for d in cloudfront.collect(clients, GLOBAL_REGION)["distribution"]}

    assert clients.errors == []
    assert set(items) == set(distributions.values())
    acm = items[distributions["acm"]]["ViewerCertificate"]
    assert acm["ACMCertificateArn"] == certificate
    assert acm["CloudFrontDefaultCertificate"] is False
    assert acm["CertificateSource"] == "acm"
    default = items[distributions["default1"]]["ViewerCertificate"]
    assert default["CloudFrontDefaultCertificate"] is True
    assert "ACMCertificateArn" not in default and "IAMCertificateId" not in default


def test_plain_moto_claims_the_default_certificate(certificate: str) -> None:
    """The quirk moto_gaps corrects (a moto upgrade that fixes it shows up here)."""
    client = boto3.Session(region_name=GLOBAL_REGION).client("cloudfront")
    _distributions(client, certificate)
    listed = client.list_distributions()["DistributionList"]["Items"]
    with_acm = next(d for d in listed if d["ViewerCertificate"].get("ACMCertificateArn"))
    assert with_acm["ViewerCertificate"]["CloudFrontDefaultCertificate"] is True
    assert with_acm["ViewerCertificate"]["CertificateSource"] == "cloudfront"


def test_get_distribution_is_corrected_too(
    session: boto3.Session, distributions: dict[str, str]
) -> None:
    client = session.client("cloudfront")
    dist_id = distributions["acm"].rsplit("/", 1)[1]
    viewer = client.get_distribution(Id=dist_id)["Distribution"]["DistributionConfig"][
        "ViewerCertificate"
    ]
    assert (viewer["CloudFrontDefaultCertificate"], viewer["CertificateSource"]) == (False, "acm")
    config = client.get_distribution_config(Id=dist_id)["DistributionConfig"]
    assert config["ViewerCertificate"]["CertificateSource"] == "acm"


def test_fix_viewer_certificate_handles_iam_certificates() -> None:
    viewer = {
        "CloudFrontDefaultCertificate": True,
        "IAMCertificateId": "ASCA1",
        "ACMCertificateArn": "",
    }
    cloudfront_gaps.fix_viewer_certificate(viewer)
    assert viewer == {
        "CloudFrontDefaultCertificate": False,
        "IAMCertificateId": "ASCA1",
        "CertificateSource": "iam",
        "Certificate": "ASCA1",
    }


def test_pages_are_followed(
    monkeypatch: pytest.MonkeyPatch, make_clients: Any, distributions: dict[str, str]
) -> None:
    whole = make_clients(GLOBAL_REGION, "cloudfront")
    expected = cloudfront.collect(whole, GLOBAL_REGION)
    monkeypatch.setattr(cloudfront, "PAGE_SIZE", 1)
    paged = make_clients(GLOBAL_REGION, "cloudfront")
    assert jsonable(cloudfront.collect(paged, GLOBAL_REGION)) == jsonable(expected)
    assert paged.api_calls == 3


def test_denied_is_recorded(
    session: boto3.Session, make_clients: Any, distributions: dict[str, str]
) -> None:
    deny(session, "cloudfront.ListDistributions", "AccessDenied")
    clients = make_clients(GLOBAL_REGION, "cloudfront")
    assert cloudfront.collect(clients, GLOBAL_REGION) == {"distribution": []}
    [error] = clients.errors
    assert (error.action, error.resource_types) == (
        "cloudfront:ListDistributions",
        ["distribution"],
    )


def test_only_declared_read_only_calls(
    session: boto3.Session, make_clients: Any, distributions: dict[str, str]
) -> None:
    called = record_calls(session)
    cloudfront.collect(make_clients(GLOBAL_REGION, "cloudfront"), GLOBAL_REGION)
    assert called == set(cloudfront.PERMISSIONS)
    assert cloudfront.GLOBAL is True
