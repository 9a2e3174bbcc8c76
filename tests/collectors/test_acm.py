"""The ACM collector against moto (corrected by regionready.demo.moto_gaps)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from regionready.collectors import acm
from regionready.demo.certs import self_signed
from regionready.snapshot import jsonable

REGION = "us-east-1"
NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


def _import(acm_client: Any, domain: str, key_algorithm: str, days: int, **kw: Any) -> str:
    cert, key = self_signed(
        domain,
        [domain, f"www.{domain}"],
        key_algorithm=key_algorithm,
        not_before=NOW - dt.timedelta(days=1),
        not_after=NOW + dt.timedelta(days=days),
    )
    return str(
        acm_client.import_certificate(Certificate=cert, PrivateKey=key, **kw)["CertificateArn"]
    )


def _https_listener(session: boto3.Session, certificate_arn: str) -> str:
    """An ALB with an HTTPS listener on the certificate; returns the load balancer ARN."""
    ec2 = session.client("ec2", region_name=REGION)
    elbv2 = session.client("elbv2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{REGION}{z}")[
            "Subnet"
        ]["SubnetId"]
        for i, z in enumerate("ab")
    ]
    lb = elbv2.create_load_balancer(Name="web", Subnets=subnets)["LoadBalancers"][0]
    tg = elbv2.create_target_group(Name="web", Protocol="HTTP", Port=80, VpcId=vpc)
    elbv2.create_listener(
        LoadBalancerArn=lb["LoadBalancerArn"],
        Protocol="HTTPS",
        Port=443,
        Certificates=[{"CertificateArn": certificate_arn}],
        DefaultActions=[
            {"Type": "forward", "TargetGroupArn": tg["TargetGroups"][0]["TargetGroupArn"]}
        ],
    )
    return str(lb["LoadBalancerArn"])


@pytest.fixture
def seeded(session: boto3.Session) -> dict[str, str]:
    client = session.client("acm", region_name=REGION)
    pca = session.client("acm-pca", region_name=REGION)
    arns = {
        "rsa2048": _import(
            client, "legacy.example.com", "RSA_2048", 20, Tags=[{"Key": "team", "Value": "web"}]
        ),
        "ec256": _import(client, "ec.example.com", "EC_prime256v1", 90),
        "rsa4096": _import(client, "big.example.com", "RSA_4096", 200),
    }
    arns["dns"] = client.request_certificate(
        DomainName="api.example.com",
        SubjectAlternativeNames=["api.example.com", "*.api.example.com"],
        ValidationMethod="DNS",
    )["CertificateArn"]
    arns["email"] = client.request_certificate(
        DomainName="mail.example.org",
        ValidationMethod="EMAIL",
        KeyAlgorithm="EC_secp384r1",
        DomainValidationOptions=[
            {"DomainName": "mail.example.org", "ValidationDomain": "example.org"}
        ],
    )["CertificateArn"]
    arns["ca"] = pca.create_certificate_authority(
        CertificateAuthorityConfiguration={
            "KeyAlgorithm": "RSA_2048",
            "SigningAlgorithm": "SHA256WITHRSA",
            "Subject": {"CommonName": "Example Issuing CA"},
        },
        RevocationConfiguration={
            "CrlConfiguration": {"Enabled": True, "S3BucketName": "example-crl"}
        },
        CertificateAuthorityType="SUBORDINATE",
    )["CertificateAuthorityArn"]
    arns["private"] = client.request_certificate(
        DomainName="internal.example.com", CertificateAuthorityArn=arns["ca"]
    )["CertificateArn"]
    return arns


def _by_arn(result: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    return {c["CertificateArn"]: c for c in result["certificate"]}


def test_every_key_type_is_collected(make_clients: Any, seeded: dict[str, str]) -> None:
    clients = make_clients(REGION, "acm")
    certs = _by_arn(acm.collect(clients, REGION))

    assert clients.errors == []
    assert set(certs) == {
        seeded[k] for k in ("rsa2048", "ec256", "rsa4096", "dns", "email", "private")
    }
    assert certs[seeded["ec256"]]["KeyAlgorithm"] == "EC_prime256v1"
    assert certs[seeded["rsa4096"]]["KeyAlgorithm"] == "RSA_4096"
    assert certs[seeded["email"]]["KeyAlgorithm"] == "EC_secp384r1"
    big = certs[seeded["rsa4096"]]
    assert big["Type"] == "IMPORTED"
    assert big["DomainName"] == "big.example.com"
    assert big["SubjectAlternativeNames"] == ["big.example.com", "www.big.example.com"]
    assert big["NotAfter"] == NOW + dt.timedelta(days=200)
    assert "DomainValidationOptions" not in big


def test_without_includes_aws_hides_all_but_rsa_1024_and_2048(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    """The ACM trap: moto (as corrected) answers like AWS, so the collector's Includes matters."""
    asked: list[dict[str, Any]] = []
    session.events.register(
        "provide-client-params.acm.ListCertificates", lambda params, **_: asked.append(dict(params))
    )
    client = session.client("acm", region_name=REGION)
    default = {c["CertificateArn"] for c in client.list_certificates()["CertificateSummaryList"]}
    assert seeded["rsa2048"] in default and seeded["dns"] in default
    assert seeded["ec256"] not in default
    assert seeded["rsa4096"] not in default
    assert seeded["email"] not in default

    asked.clear()
    certs = _by_arn(acm.collect(make_clients(REGION, "acm"), REGION))
    assert {seeded["ec256"], seeded["rsa4096"], seeded["email"]} <= set(certs)
    assert asked and all(sorted(p["Includes"]["keyTypes"]) == sorted(acm.KEY_TYPES) for p in asked)


def test_requested_certificates_carry_validation(make_clients: Any, seeded: dict[str, str]) -> None:
    certs = _by_arn(acm.collect(make_clients(REGION, "acm"), REGION))

    dns = certs[seeded["dns"]]
    assert dns["Type"] == "AMAZON_ISSUED"
    assert dns["SubjectAlternativeNames"] == ["api.example.com", "*.api.example.com"]
    assert [o["DomainName"] for o in dns["DomainValidationOptions"]] == [
        "api.example.com",
        "*.api.example.com",
    ]
    for option in dns["DomainValidationOptions"]:
        assert option["ValidationMethod"] == "DNS"
        assert option["ResourceRecord"]["Type"] == "CNAME"

    email = certs[seeded["email"]]
    [option] = email["DomainValidationOptions"]
    assert option["ValidationMethod"] == "EMAIL"
    assert option["ValidationDomain"] == "example.org"
    assert "admin@example.org" in option["ValidationEmails"]
    assert "ResourceRecord" not in option


def test_in_use_tags_and_private_ca(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    load_balancer = _https_listener(session, seeded["rsa2048"])
    result = acm.collect(make_clients(REGION, "acm"), REGION)
    certs = _by_arn(result)

    assert certs[seeded["rsa2048"]]["InUseBy"] == [load_balancer]
    assert certs[seeded["ec256"]]["InUseBy"] == []
    assert certs[seeded["rsa2048"]]["Tags"] == [{"Key": "team", "Value": "web"}]
    assert certs[seeded["ec256"]]["Tags"] == []

    private = certs[seeded["private"]]
    assert private["Type"] == "PRIVATE"
    assert private["CertificateAuthorityArn"] == seeded["ca"]

    [ca] = result["private_ca"]
    assert ca["Arn"] == seeded["ca"]
    assert ca["Type"] == "SUBORDINATE"
    assert ca["Status"]
    assert ca["RevocationConfiguration"]["CrlConfiguration"]["S3BucketName"] == "example-crl"
    assert ca["CertificateAuthorityConfiguration"]["KeyAlgorithm"] == "RSA_2048"
    json.dumps(jsonable(result))  # snapshot-ready once datetimes are converted


def test_small_pages_collect_the_same(make_clients: Any, seeded: dict[str, str]) -> None:
    whole = make_clients(REGION, "acm")
    paged = make_clients(REGION, "acm", small_pages=True)
    expected = acm.collect(whole, REGION)
    result = acm.collect(paged, REGION)

    assert jsonable(result) == jsonable(expected)
    assert len(result["certificate"]) == 6
    # One page per certificate (plus the empty last-page check is not needed: no token).
    assert paged.api_calls == whole.api_calls + 5


def test_describe_failure_is_recorded_and_the_certificate_kept(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    def deny(params: dict[str, Any], **_: Any) -> None:
        if params.get("CertificateArn") == seeded["ec256"]:
            raise ClientError(
                {"Error": {"Code": "AccessDeniedException", "Message": "not allowed"}},
                "DescribeCertificate",
            )

    session.events.register("before-parameter-build.acm.DescribeCertificate", deny)
    clients = make_clients(REGION, "acm")
    certs = _by_arn(acm.collect(clients, REGION))

    [error] = clients.errors
    assert error.action == "acm:DescribeCertificate"
    assert error.code == "AccessDeniedException"
    assert error.resource_types == ["certificate"]
    # Only that certificate, and only what DescribeCertificate alone gives, is missing.
    assert error.to_dict()["resources"] == {"certificate": [seeded["ec256"]]}
    assert error.to_dict()["fields"] == {"certificate": sorted(acm.DETAIL_FIELDS)}
    kept = certs[seeded["ec256"]]
    assert kept["KeyAlgorithm"] == "EC_prime256v1"  # the list summary
    assert {"DomainName", "NotAfter", "Status", "Type"} <= set(kept)
    assert set(kept) - {"Tags"} <= set(acm.SUMMARY_FIELDS)  # no summary-only shapes
    assert len(certs) == 6


def test_summary_and_detail_fields_follow_the_api_model() -> None:
    import botocore.session

    model = botocore.session.get_session().get_service_model("acm")
    summary = model.shape_for("CertificateSummary").members
    detail = model.shape_for("CertificateDetail").members
    same = {name for name in detail if name in summary and summary[name].name == detail[name].name}
    assert set(acm.SUMMARY_FIELDS) == same
    assert set(acm.DETAIL_FIELDS) == set(detail) - same


def test_checks_reading_only_summary_fields_skip_describe_certificate(
    make_clients: Any, seeded: dict[str, str]
) -> None:
    full = make_clients(REGION, "acm")
    described = _by_arn(acm.collect(full, REGION))
    scoped = make_clients(REGION, "acm")
    scoped.wanted = {"certificate": frozenset({"DomainName", "NotAfter", "Type"})}
    listed = _by_arn(acm.collect(scoped, REGION))

    assert scoped.api_calls == 1  # ListCertificates (neither tags nor CAs are read)
    assert "acm:DescribeCertificate" in {e.api for e in scoped.unread}
    for arn, cert in described.items():
        assert {k: listed[arn].get(k) for k in ("DomainName", "NotAfter", "Type")} == {
            k: cert.get(k) for k in ("DomainName", "NotAfter", "Type")
        }
    # A check that reads a detail field still has every certificate described.
    wider = make_clients(REGION, "acm")
    wider.wanted = {"certificate": frozenset({"NotAfter", "InUseBy"})}
    untagged = {arn: {k: v for k, v in c.items() if k != "Tags"} for arn, c in described.items()}
    assert _by_arn(acm.collect(wider, REGION)) == untagged  # tags are not read


def test_private_ca_failure_feeds_the_cas_and_their_crl_buckets_only(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    def deny(**_: Any) -> None:
        raise ClientError(
            {"Error": {"Code": "AccessDeniedException", "Message": "no"}},
            "ListCertificateAuthorities",
        )

    session.events.register("before-parameter-build.acm-pca.ListCertificateAuthorities", deny)
    clients = make_clients(REGION, "acm")
    result = acm.collect(clients, REGION)

    assert [e.to_dict()["resource_types"] for e in clients.errors] == [["crl_bucket", "private_ca"]]
    assert clients.errors[0].action == "acm-pca:ListCertificateAuthorities"
    assert result["private_ca"] == []
    assert len(result["certificate"]) == 6


def test_only_declared_read_only_calls(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    called: set[str] = set()

    def spy(model: Any, **_: Any) -> None:
        prefix = "acm-pca" if model.service_model.service_id.hyphenize() == "acm-pca" else "acm"
        called.add(f"{prefix}:{model.name}")

    session.events.register("before-call.acm", spy)
    session.events.register("before-call.acm-pca", spy)
    acm.collect(make_clients(REGION, "acm"), REGION)

    declared = {p for p in acm.PERMISSIONS if p.split(":")[0] in ("acm", "acm-pca")}
    # ListTagsForCertificate is the fallback when tag:GetResources is denied
    # (tests/collectors/test_concurrent_collectors.py).
    assert called == declared - {"acm:ListTagsForCertificate"}
    assert not any("Export" in c or "GetCertificate" in c for c in called)
