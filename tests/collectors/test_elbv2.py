"""The ELBv2 collector against moto: the certificates of HTTPS/TLS listeners."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from regionready.collectors import elbv2
from regionready.snapshot import jsonable

from .helpers import deny, record_calls

REGION = "eu-central-1"


@pytest.fixture
def listeners(session: boto3.Session) -> dict[str, str]:
    acm = session.client("acm", region_name=REGION)
    ec2 = session.client("ec2", region_name=REGION)
    elb = session.client("elbv2", region_name=REGION)
    main = acm.request_certificate(DomainName="www.example.com")["CertificateArn"]
    extra = acm.request_certificate(DomainName="api.example.com")["CertificateArn"]
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{REGION}{z}")[
            "Subnet"
        ]["SubnetId"]
        for i, z in enumerate("ab")
    ]
    lb = elb.create_load_balancer(Name="web", Subnets=subnets)["LoadBalancers"][0]
    tg = elb.create_target_group(Name="web", Protocol="HTTP", Port=80, VpcId=vpc)
    action = [{"Type": "forward", "TargetGroupArn": tg["TargetGroups"][0]["TargetGroupArn"]}]
    https = elb.create_listener(
        LoadBalancerArn=lb["LoadBalancerArn"],
        Protocol="HTTPS",
        Port=443,
        Certificates=[{"CertificateArn": main}],
        DefaultActions=action,
    )["Listeners"][0]["ListenerArn"]
    elb.add_listener_certificates(ListenerArn=https, Certificates=[{"CertificateArn": extra}])
    elb.create_listener(
        LoadBalancerArn=lb["LoadBalancerArn"], Protocol="HTTP", Port=80, DefaultActions=action
    )
    return {"lb": lb["LoadBalancerArn"], "listener": https, "main": main, "extra": extra}


def test_listener_certificates(make_clients: Any, listeners: dict[str, str]) -> None:
    clients = make_clients(REGION, "elbv2")
    items = elbv2.collect(clients, REGION)["listener_certificate"]

    assert clients.errors == []
    by_cert = {i["CertificateArn"]: i for i in items}
    assert set(by_cert) == {listeners["main"], listeners["extra"]}  # the HTTP listener has none
    main = by_cert[listeners["main"]]
    assert main["IsDefault"] is True
    assert main["ListenerArn"] == listeners["listener"]
    assert main["LoadBalancerArn"] == listeners["lb"]
    assert (main["Protocol"], main["Port"]) == ("HTTPS", 443)
    assert main["Id"] == f"{listeners['listener']}|{listeners['main']}"
    assert by_cert[listeners["extra"]]["IsDefault"] is False


def test_small_pages_collect_the_same(make_clients: Any, listeners: dict[str, str]) -> None:
    whole = elbv2.collect(make_clients(REGION, "elbv2"), REGION)
    paged = elbv2.collect(make_clients(REGION, "elbv2", small_pages=True), REGION)
    assert jsonable(paged) == jsonable(whole)


def test_listener_certificates_denied_keeps_the_default(
    session: boto3.Session, make_clients: Any, listeners: dict[str, str]
) -> None:
    deny(session, "elastic-load-balancing-v2.DescribeListenerCertificates", "AccessDenied")
    clients = make_clients(REGION, "elbv2")
    items = elbv2.collect(clients, REGION)["listener_certificate"]

    [error] = clients.errors
    assert error.action == "elasticloadbalancing:DescribeListenerCertificates"
    assert error.resource_types == ["listener_certificate"]
    assert [(i["CertificateArn"], i["IsDefault"]) for i in items] == [(listeners["main"], True)]


def test_load_balancers_denied_is_recorded(
    session: boto3.Session, make_clients: Any, listeners: dict[str, str]
) -> None:
    deny(session, "elastic-load-balancing-v2.DescribeLoadBalancers", "AccessDenied")
    clients = make_clients(REGION, "elbv2")
    assert elbv2.collect(clients, REGION) == {"listener_certificate": []}
    assert [e.action for e in clients.errors] == ["elasticloadbalancing:DescribeLoadBalancers"]


def test_only_declared_read_only_calls(
    session: boto3.Session, make_clients: Any, listeners: dict[str, str]
) -> None:
    called = record_calls(session)
    elbv2.collect(make_clients(REGION, "elbv2"), REGION)
    assert called == set(elbv2.PERMISSIONS)
