"""The Route 53 collector against moto: hosted zones and their CNAME records."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from regionready.collectors import route53
from regionready.snapshot import jsonable

from .helpers import deny, record_calls

GLOBAL_REGION = "us-east-1"


def _cname(name: str, value: str, **extra: Any) -> dict[str, Any]:
    record = {"Name": name, "Type": "CNAME", "TTL": 300, "ResourceRecords": [{"Value": value}]}
    record.update(extra)
    return {"Action": "CREATE", "ResourceRecordSet": record}


@pytest.fixture
def zones(session: boto3.Session) -> dict[str, str]:
    r53 = session.client("route53")
    public = r53.create_hosted_zone(Name="example.com", CallerReference="pub")["HostedZone"]["Id"]
    private = r53.create_hosted_zone(
        Name="corp.internal",
        CallerReference="priv",
        HostedZoneConfig={"PrivateZone": True},
        VPC={"VPCRegion": "eu-central-1", "VPCId": "vpc-12345678"},
    )["HostedZone"]["Id"]
    changes = [
        _cname("_a1.www.example.com", "_v1.acm-validations.aws."),
        _cname("_a2.api.example.com", "_v2.acm-validations.aws."),
        _cname("blue.example.com", "lb-1.example.net", SetIdentifier="blue", Weight=10),
        _cname("green.example.com", "lb-2.example.net"),
        {
            "Action": "CREATE",
            "ResourceRecordSet": {
                "Name": "txt.example.com",
                "Type": "TXT",
                "TTL": 60,
                "ResourceRecords": [{"Value": '"hello"'}],
            },
        },
    ]
    r53.change_resource_record_sets(HostedZoneId=public, ChangeBatch={"Changes": changes})
    r53.change_resource_record_sets(
        HostedZoneId=private,
        ChangeBatch={"Changes": [_cname("_a3.app.corp.internal", "_v3.acm-validations.aws.")]},
    )
    return {"public": public, "private": private}


def test_cname_records_with_zone_and_stable_id(make_clients: Any, zones: dict[str, str]) -> None:
    clients = make_clients(GLOBAL_REGION, "route53")
    result = route53.collect(clients, GLOBAL_REGION)

    assert clients.errors == []
    assert {z["Id"] for z in result["hosted_zone"]} == set(zones.values())
    records = {r["Id"]: r for r in result["record"]}
    assert all(r["Type"] == "CNAME" for r in records.values())
    www = records[f"{zones['public']}/_a1.www.example.com."]
    assert www["Name"] == "_a1.www.example.com."  # as Route 53 returns it: trailing dot
    assert www["ResourceRecords"] == [{"Value": "_v1.acm-validations.aws."}]
    assert www["HostedZoneId"] == zones["public"]
    assert www["PrivateZone"] is False
    assert records[f"{zones['public']}/blue.example.com.#blue"]["SetIdentifier"] == "blue"
    assert records[f"{zones['private']}/_a3.app.corp.internal."]["PrivateZone"] is True
    assert len(records) == 5  # the TXT, NS and SOA records are not kept


def test_small_pages_collect_the_same(make_clients: Any, zones: dict[str, str]) -> None:
    whole = make_clients(GLOBAL_REGION, "route53")
    paged = make_clients(GLOBAL_REGION, "route53", small_pages=True)
    assert jsonable(route53.collect(paged, GLOBAL_REGION)) == jsonable(
        route53.collect(whole, GLOBAL_REGION)
    )
    assert paged.api_calls > whole.api_calls


def test_record_listing_denied_feeds_record_only(
    session: boto3.Session, make_clients: Any, zones: dict[str, str]
) -> None:
    deny(session, "route-53.ListResourceRecordSets", "AccessDenied")
    clients = make_clients(GLOBAL_REGION, "route53")
    result = route53.collect(clients, GLOBAL_REGION)

    assert {e.action for e in clients.errors} == {"route53:ListResourceRecordSets"}
    assert all(e.resource_types == ["record"] for e in clients.errors)
    assert len(result["hosted_zone"]) == 2
    assert result["record"] == []


def test_zone_listing_denied_feeds_both(
    session: boto3.Session, make_clients: Any, zones: dict[str, str]
) -> None:
    deny(session, "route-53.ListHostedZones", "AccessDenied")
    clients = make_clients(GLOBAL_REGION, "route53")
    result = route53.collect(clients, GLOBAL_REGION)

    [error] = clients.errors
    assert error.action == "route53:ListHostedZones"
    assert sorted(error.resource_types) == ["hosted_zone", "record"]
    assert result == {"hosted_zone": [], "record": []}


def test_only_declared_read_only_calls(
    session: boto3.Session, make_clients: Any, zones: dict[str, str]
) -> None:
    called = record_calls(session)
    route53.collect(make_clients(GLOBAL_REGION, "route53"), GLOBAL_REGION)
    assert called == set(route53.PERMISSIONS)
    assert route53.GLOBAL is True
