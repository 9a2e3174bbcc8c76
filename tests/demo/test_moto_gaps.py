"""regionready.demo.moto_gaps: moto, corrected, answers ACM and KMS calls like AWS.

Each test states the AWS behaviour and checks the corrected moto shows it; where it is
cheap, it also checks that plain moto does not (so a correction that is no longer needed
after a moto upgrade is noticed).
"""

from __future__ import annotations

import os

os.environ["MOTO_ACM_VALIDATION_WAIT"] = "0"
os.environ["AWS_ACCESS_KEY_ID"] = "testing"
os.environ["AWS_SECRET_ACCESS_KEY"] = "testing"
os.environ["AWS_DEFAULT_REGION"] = "us-east-1"
for _name in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
    os.environ.pop(_name, None)

import datetime as dt  # noqa: E402
import json  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from typing import Any  # noqa: E402

import boto3  # noqa: E402
import botocore.session  # noqa: E402
import pytest  # noqa: E402
from moto import mock_aws  # noqa: E402

from regionready.demo import moto_gaps  # noqa: E402
from regionready.demo.certs import self_signed  # noqa: E402

US, EU = "us-east-1", "eu-central-1"
NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


@pytest.fixture
def aws() -> Iterator[None]:
    with mock_aws():
        yield


@pytest.fixture
def session(aws: None) -> boto3.Session:
    return moto_gaps.install(boto3.Session(region_name=US))


def _import(client: Any, domain: str, key_algorithm: str) -> str:
    cert, key = self_signed(
        domain,
        key_algorithm=key_algorithm,
        not_before=NOW - dt.timedelta(days=1),
        not_after=NOW + dt.timedelta(days=30),
    )
    return str(client.import_certificate(Certificate=cert, PrivateKey=key)["CertificateArn"])


def _arns(response: dict[str, Any]) -> list[str]:
    return [c["CertificateArn"] for c in response["CertificateSummaryList"]]


# ------------------------------------------------------------------ installation


def test_install_targets_and_idempotence(aws: None) -> None:
    plain = boto3.Session(region_name=US)
    raw = plain.client("acm")
    ec = _import(raw, "ec.example.com", "EC_prime256v1")
    assert ec in _arns(raw.list_certificates())  # moto: every key type by default

    moto_gaps.install(raw)
    moto_gaps.install(raw)  # idempotent
    assert ec not in _arns(raw.list_certificates())
    moto_gaps.uninstall(raw)
    assert ec in _arns(raw.list_certificates())

    corrected = moto_gaps.install(boto3.Session(region_name=US))
    assert ec not in _arns(corrected.client("acm").list_certificates())
    core = moto_gaps.install(botocore.session.get_session())
    assert ec not in _arns(core.create_client("acm", region_name=US).list_certificates())
    with pytest.raises(TypeError):
        moto_gaps.install(object())


def test_everywhere_reaches_sessions_made_inside(aws: None) -> None:
    with moto_gaps.everywhere():
        inside = boto3.Session(region_name=US).client("acm")
    outside = boto3.Session(region_name=US).client("acm")
    ec = _import(inside, "ec.example.com", "EC_prime256v1")
    assert ec not in _arns(inside.list_certificates())
    assert ec in _arns(outside.list_certificates())


# ------------------------------------------------------------------ ACM


def test_acm_default_key_types_includes_and_paging(session: boto3.Session) -> None:
    client = session.client("acm")
    arns = {
        ka: _import(client, f"{ka.lower()}.example.com", ka)
        for ka in ("RSA_2048", "EC_prime256v1", "RSA_3072")
    }
    assert _arns(client.list_certificates()) == [arns["RSA_2048"]]

    every = {"keyTypes": ["RSA_2048", "EC_prime256v1", "RSA_3072"]}
    assert sorted(_arns(client.list_certificates(Includes=every))) == sorted(arns.values())
    only_ec = {"keyTypes": ["EC_prime256v1"]}
    assert _arns(client.list_certificates(Includes=only_ec)) == [arns["EC_prime256v1"]]

    first = client.list_certificates(Includes=every, MaxItems=2)
    assert len(first["CertificateSummaryList"]) == 2 and first["NextToken"]
    second = client.list_certificates(Includes=every, MaxItems=2, NextToken=first["NextToken"])
    assert len(second["CertificateSummaryList"]) == 1 and "NextToken" not in second
    assert sorted(_arns(first) + _arns(second)) == sorted(arns.values())

    pages = client.get_paginator("list_certificates").paginate(
        Includes=every, PaginationConfig={"PageSize": 1}
    )
    assert [len(p["CertificateSummaryList"]) for p in pages] == [1, 1, 1]


def test_acm_requested_key_algorithm_and_email_validation(session: boto3.Session) -> None:
    client = session.client("acm")
    arn = client.request_certificate(
        DomainName="www.example.net",
        SubjectAlternativeNames=["www.example.net", "example.net", "*.example.net"],
        ValidationMethod="EMAIL",
        KeyAlgorithm="EC_prime256v1",
    )["CertificateArn"]
    cert = client.describe_certificate(CertificateArn=arn)["Certificate"]

    assert cert["KeyAlgorithm"] == "EC_prime256v1"
    assert cert["SubjectAlternativeNames"] == ["www.example.net", "example.net", "*.example.net"]
    options = cert["DomainValidationOptions"]
    assert [o["DomainName"] for o in options] == cert["SubjectAlternativeNames"]
    for option in options:
        assert option["ValidationMethod"] == "EMAIL"
        assert "ResourceRecord" not in option
        assert f"admin@{option['DomainName'].removeprefix('*.')}" in option["ValidationEmails"]
    # The requested EC certificate is hidden by default and listed when asked for.
    assert arn not in _arns(client.list_certificates())
    listed = client.list_certificates(Includes={"keyTypes": ["EC_prime256v1"]})
    assert [(s["CertificateArn"], s["KeyAlgorithm"]) for s in listed["CertificateSummaryList"]] == [
        (arn, "EC_prime256v1")
    ]


def test_acm_email_validation_stays_pending_until_approved(session: boto3.Session) -> None:
    client = session.client("acm")
    arn = client.request_certificate(DomainName="mail.example.net", ValidationMethod="EMAIL")[
        "CertificateArn"
    ]
    cert = client.describe_certificate(CertificateArn=arn)["Certificate"]
    assert cert["Status"] == "PENDING_VALIDATION"
    assert "NotAfter" not in cert
    assert {o["ValidationStatus"] for o in cert["DomainValidationOptions"]} == {
        "PENDING_VALIDATION"
    }
    (summary,) = client.list_certificates()["CertificateSummaryList"]
    assert summary["Status"] == "PENDING_VALIDATION"
    moto_gaps.approve_email_validation(arn)
    assert client.describe_certificate(CertificateArn=arn)["Certificate"]["Status"] == "ISSUED"


def test_acm_dns_validation_and_default_algorithm(session: boto3.Session) -> None:
    client = session.client("acm")
    arn = client.request_certificate(DomainName="dns.example.com", ValidationMethod="DNS")[
        "CertificateArn"
    ]
    cert = client.describe_certificate(CertificateArn=arn)["Certificate"]
    assert cert["KeyAlgorithm"] == "RSA_2048"
    [option] = cert["DomainValidationOptions"]
    assert option["ValidationMethod"] == "DNS"
    assert option["ResourceRecord"]["Type"] == "CNAME"


def test_acm_in_use_by_names_the_load_balancer(session: boto3.Session) -> None:
    client = session.client("acm")
    arn = _import(client, "lb.example.com", "RSA_2048")
    ec2 = session.client("ec2")
    elbv2 = session.client("elbv2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{US}{z}")[
            "Subnet"
        ]["SubnetId"]
        for i, z in enumerate("ab")
    ]
    lb = elbv2.create_load_balancer(Name="web", Subnets=subnets)["LoadBalancers"][0]
    tg = elbv2.create_target_group(Name="web", Protocol="HTTP", Port=80, VpcId=vpc)
    listener = elbv2.create_listener(
        LoadBalancerArn=lb["LoadBalancerArn"],
        Protocol="HTTPS",
        Port=443,
        Certificates=[{"CertificateArn": arn}],
        DefaultActions=[
            {"Type": "forward", "TargetGroupArn": tg["TargetGroups"][0]["TargetGroupArn"]}
        ],
    )["Listeners"][0]
    # A classic load balancer is named by its DNS name, in AWS as in moto: left as it is.
    classic = session.client("elb").create_load_balancer(
        LoadBalancerName="classic",
        Listeners=[
            {
                "Protocol": "HTTPS",
                "LoadBalancerPort": 443,
                "InstanceProtocol": "HTTP",
                "InstancePort": 80,
                "SSLCertificateId": arn,
            }
        ],
        AvailabilityZones=[f"{US}a"],
    )["DNSName"]
    in_use_by = client.describe_certificate(CertificateArn=arn)["Certificate"]["InUseBy"]
    assert in_use_by == sorted([lb["LoadBalancerArn"], classic])
    plain = boto3.Session(region_name=US).client("acm")
    assert (
        listener["ListenerArn"]
        in plain.describe_certificate(CertificateArn=arn)["Certificate"]["InUseBy"]
    ), "plain moto names the listener"


# ------------------------------------------------------------------ KMS


def _mrk(session: boto3.Session, **replicate: Any) -> str:
    us = session.client("kms", region_name=US)
    key_id = str(us.create_key(MultiRegion=True, Description="primary")["KeyMetadata"]["KeyId"])
    us.create_alias(AliasName="alias/app", TargetKeyId=key_id)
    us.create_grant(
        KeyId=key_id, GranteePrincipal="arn:aws:iam::123456789012:root", Operations=["Decrypt"]
    )
    us.replicate_key(KeyId=key_id, ReplicaRegion=EU, **replicate)
    return key_id


def test_kms_multi_region_key_type_per_region(session: boto3.Session) -> None:
    us = session.client("kms", region_name=US)
    eu = session.client("kms", region_name=EU)
    key_id = str(us.create_key(MultiRegion=True)["KeyMetadata"]["KeyId"])
    replicated = us.replicate_key(KeyId=key_id, ReplicaRegion=EU)

    assert (
        replicated["ReplicaKeyMetadata"]["MultiRegionConfiguration"]["MultiRegionKeyType"]
        == "REPLICA"
    )
    # Describe the replica first: moto's shared configuration then says REPLICA everywhere.
    replica = eu.describe_key(KeyId=key_id)["KeyMetadata"]
    primary = us.describe_key(KeyId=key_id)["KeyMetadata"]
    assert replica["MultiRegionConfiguration"]["MultiRegionKeyType"] == "REPLICA"
    assert primary["MultiRegionConfiguration"]["MultiRegionKeyType"] == "PRIMARY"
    assert primary["MultiRegionConfiguration"]["ReplicaKeys"] == [
        {"Arn": replica["Arn"], "Region": EU}
    ]

    single = us.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]
    plain = us.describe_key(KeyId=us.create_key()["KeyMetadata"]["KeyId"])["KeyMetadata"]
    assert plain["MultiRegion"] is False and "MultiRegionConfiguration" not in plain
    assert plain["KeyUsage"] == "ENCRYPT_DECRYPT"
    assert single["KeyUsage"] == "GENERATE_VERIFY_MAC"


def test_kms_replica_has_its_own_aliases_grants_policy_description_tags(
    session: boto3.Session,
) -> None:
    policy = json.dumps({"Version": "2012-10-17", "Statement": []})
    key_id = _mrk(
        session, Policy=policy, Description="replica", Tags=[{"TagKey": "k", "TagValue": "v"}]
    )
    us = session.client("kms", region_name=US)
    eu = session.client("kms", region_name=EU)

    def names(client: Any) -> list[str]:
        return [
            a["AliasName"]
            for a in client.list_aliases()["Aliases"]
            if not a["AliasName"].startswith("alias/aws/")
        ]

    assert names(us) == ["alias/app"]
    assert names(eu) == []
    eu.create_alias(AliasName="alias/app", TargetKeyId=key_id)  # moto refused this before
    assert [a["AliasArn"].split(":")[3] for a in eu.list_aliases(KeyId=key_id)["Aliases"]] == [EU]
    assert [a["AliasArn"].split(":")[3] for a in us.list_aliases(KeyId=key_id)["Aliases"]] == [US]

    assert len(us.list_grants(KeyId=key_id)["Grants"]) == 1
    assert eu.list_grants(KeyId=key_id)["Grants"] == []
    assert eu.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"] == policy
    assert us.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"] != policy
    assert eu.describe_key(KeyId=key_id)["KeyMetadata"]["Description"] == "replica"
    assert us.describe_key(KeyId=key_id)["KeyMetadata"]["Description"] == "primary"
    assert eu.list_resource_tags(KeyId=key_id)["Tags"] == [{"TagKey": "k", "TagValue": "v"}]
    assert us.list_resource_tags(KeyId=key_id)["Tags"] == []


def test_kms_replica_default_policy_and_description(session: boto3.Session) -> None:
    key_id = _mrk(session)
    eu = session.client("kms", region_name=EU)
    policy = json.loads(eu.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"])
    assert policy["Statement"][0]["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"}
    assert eu.describe_key(KeyId=key_id)["KeyMetadata"]["Description"] == ""


def test_kms_rotation_is_shared_and_off_while_pending_deletion(session: boto3.Session) -> None:
    key_id = _mrk(session)
    us = session.client("kms", region_name=US)
    eu = session.client("kms", region_name=EU)
    assert eu.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is False

    us.enable_key_rotation(KeyId=key_id)  # after replication: plain moto would not share it
    assert eu.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is True
    replica_arn = eu.describe_key(KeyId=key_id)["KeyMetadata"]["Arn"]
    assert eu.get_key_rotation_status(KeyId=replica_arn)["KeyRotationEnabled"] is True

    doomed = us.create_key()["KeyMetadata"]["KeyId"]
    us.enable_key_rotation(KeyId=doomed)
    us.schedule_key_deletion(KeyId=doomed, PendingWindowInDays=7)
    assert us.get_key_rotation_status(KeyId=doomed)["KeyRotationEnabled"] is False


def test_kms_rotation_period_is_kept_and_reported(session: boto3.Session) -> None:
    us = session.client("kms", region_name=US)
    eu = session.client("kms", region_name=EU)
    key_id = us.create_key()["KeyMetadata"]["KeyId"]
    assert "RotationPeriodInDays" not in us.get_key_rotation_status(KeyId=key_id)
    us.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=180)
    assert us.get_key_rotation_status(KeyId=key_id)["RotationPeriodInDays"] == 180
    plain = us.create_key()["KeyMetadata"]["KeyId"]
    us.enable_key_rotation(KeyId=plain)  # no period given: AWS's default
    assert us.get_key_rotation_status(KeyId=plain)["RotationPeriodInDays"] == 365
    mrk = _mrk(session)
    us.enable_key_rotation(KeyId=mrk, RotationPeriodInDays=90)
    assert eu.get_key_rotation_status(KeyId=mrk)["RotationPeriodInDays"] == 90


def test_kms_predefined_aliases_and_aws_managed_key(session: boto3.Session) -> None:
    us = session.client("kms", region_name=US)
    before = {a["AliasName"]: a for a in us.list_aliases()["Aliases"]}
    assert "TargetKeyId" not in before["alias/aws/s3"]  # no AWS managed key yet

    key_id = moto_gaps.aws_managed_key(us, "alias/aws/s3")
    meta = us.describe_key(KeyId=key_id)["KeyMetadata"]
    assert meta["KeyManager"] == "AWS"
    after = {a["AliasName"]: a for a in us.list_aliases()["Aliases"]}
    assert after["alias/aws/s3"]["TargetKeyId"] == key_id
    assert [k["KeyId"] for k in us.list_keys()["Keys"]] == [key_id]


def test_kms_list_paging(session: boto3.Session) -> None:
    us = session.client("kms", region_name=US)
    ids = [us.create_key()["KeyMetadata"]["KeyId"] for _ in range(3)]

    first = us.list_keys(Limit=2)
    assert first["Truncated"] is True and len(first["Keys"]) == 2
    rest = us.list_keys(Limit=2, Marker=first["NextMarker"])
    assert rest["Truncated"] is False and "NextMarker" not in rest
    assert [k["KeyId"] for k in first["Keys"] + rest["Keys"]] == ids

    aliases = us.get_paginator("list_aliases").paginate(PaginationConfig={"PageSize": 5})
    sizes = [len(page["Aliases"]) for page in aliases]
    assert all(size <= 5 for size in sizes) and len(sizes) > 1
    assert sum(sizes) == len(us.list_aliases()["Aliases"])


def test_joined_hooks_keep_botocore_order_and_answers() -> None:
    from regionready.demo.moto_gaps._joined import joined

    called: list[str] = []

    def hook(name: str, answer: Any = None) -> Any:
        def run(**_: Any) -> Any:
            called.append(name)
            return answer

        run.__name__ = name
        return run

    specs = joined(
        [
            ("before-call.kms", hook("service", "late")),
            ("before-call.kms.ListKeys", hook("exact", "first")),
            ("before-call.kms.ListKeys", hook("never", "x")),
            ("after-call.kms", hook("after-service")),
            ("after-call.kms.ListKeys", hook("after-exact", "ignored")),
        ]
    )
    assert [event for event, _, _ in specs] == ["before-call", "after-call"]
    (_, before, _), (_, after, _) = specs
    # before-call: the exact name's hooks first, and the first answer is the response.
    assert before(event_name="before-call.kms.ListKeys") == "first"
    assert called == ["exact"]
    called.clear()
    assert before(event_name="before-call.kms.ListAliases") == "late"
    assert called == ["service"]
    called.clear()
    assert before(event_name="before-call.acm.ListCertificates") is None
    assert called == []
    # Other events: every hook runs (an after-call hook edits the parsed answer).
    after(event_name="after-call.kms.ListKeys")
    assert called == ["after-exact", "after-service"]
    with pytest.raises(ValueError, match="names no service"):
        joined([("after-call", hook("bare"))])
