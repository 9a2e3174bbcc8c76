"""The CloudTrail collector (trails, STS event history) against moto + moto_gaps.cloudtrail."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from regionready.collect.clients import Clients
from regionready.collectors import cloudtrail
from regionready.demo import moto_gaps
from regionready.demo.moto_gaps.cloudtrail import record_event, record_sts_call
from regionready.snapshot import jsonable

SOURCE = "me-central-1"
TARGET = "eu-central-1"
NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


@pytest.fixture
def account_id(session: boto3.Session) -> str:
    return str(session.client("sts").get_caller_identity()["Account"])


def _clients(session: boto3.Session, region: str, **options: Any) -> Clients:
    return Clients(
        make_client=lambda svc: session.client(svc, region_name=region),
        region=region,
        service="cloudtrail",
        options=options,
    )


@pytest.fixture
def trails(session: boto3.Session) -> dict[str, str]:
    """A logging multi-Region trail homed in the source; a stopped trail in the target."""
    arns: dict[str, str] = {}
    for region, name, multi in ((SOURCE, "org-audit", True), (TARGET, "eu-local", False)):
        s3 = session.client("s3", region_name=region)
        s3.create_bucket(
            Bucket=f"trail-{region}", CreateBucketConfiguration={"LocationConstraint": region}
        )
        ct = session.client("cloudtrail", region_name=region)
        arns[name] = ct.create_trail(
            Name=name, S3BucketName=f"trail-{region}", IsMultiRegionTrail=multi
        )["TrailARN"]
    session.client("cloudtrail", region_name=SOURCE).start_logging(Name="org-audit")
    return arns


def test_trails_seen_in_each_region_with_status(
    session: boto3.Session, trails: dict[str, str]
) -> None:
    clients = _clients(session, TARGET)
    target = {t["Name"]: t for t in cloudtrail.collect(clients, TARGET)["trail"]}
    source = {t["Name"]: t for t in cloudtrail.collect(_clients(session, SOURCE), SOURCE)["trail"]}

    assert clients.errors == []
    assert set(target) == {"org-audit", "eu-local"}  # the shadow of the multi-Region trail
    assert set(source) == {"org-audit"}
    shadow = target["org-audit"]
    assert shadow["TrailARN"] == trails["org-audit"]
    assert (shadow["HomeRegion"], shadow["IsMultiRegionTrail"]) == (SOURCE, True)
    assert shadow["Status"]["IsLogging"] is True
    local = target["eu-local"]
    assert (local["HomeRegion"], local["IsMultiRegionTrail"]) == (TARGET, False)
    assert local["Status"]["IsLogging"] is False
    json.dumps(jsonable(target))


def test_sts_events_of_this_region_and_window(session: boto3.Session, account_id: str) -> None:
    global_call = record_sts_call(
        account_id, TARGET, endpoint="global", event_time=NOW - dt.timedelta(hours=2)
    )
    regional_call = record_sts_call(
        account_id,
        TARGET,
        endpoint="regional",
        event_name="GetCallerIdentity",
        username="ci",
        event_time=NOW - dt.timedelta(days=6),
    )
    record_sts_call(account_id, TARGET, event_time=NOW - dt.timedelta(days=8))  # too old
    record_sts_call(account_id, SOURCE, endpoint="global", event_time=NOW)  # other Region
    record_event(
        account_id,
        TARGET,
        event_name="RunInstances",
        event_source="ec2.amazonaws.com",
        event_time=NOW,
        cloudtrail_event={"eventSource": "ec2.amazonaws.com", "awsRegion": TARGET},
    )
    clients = _clients(session, TARGET)
    events = cloudtrail.collect(clients, TARGET)["sts_event"]

    assert clients.errors == []
    assert [e["EventId"] for e in events] == [global_call, regional_call]  # newest first
    for event in events:
        assert event["EventSource"] == "sts.amazonaws.com"
        assert isinstance(event["EventTime"], dt.datetime)
        assert isinstance(event["CloudTrailEvent"], str)
    first, second = (json.loads(e["CloudTrailEvent"]) for e in events)
    assert first["awsRegion"] == second["awsRegion"] == TARGET
    assert first["eventSource"] == second["eventSource"] == "sts.amazonaws.com"
    assert first["tlsDetails"]["clientProvidedHostHeader"] == "sts.amazonaws.com"
    assert second["tlsDetails"]["clientProvidedHostHeader"] == f"sts.{TARGET}.amazonaws.com"
    assert (events[1]["EventName"], events[1]["Username"]) == ("GetCallerIdentity", "ci")
    assert first["eventID"] == global_call

    wider = cloudtrail.collect(_clients(session, TARGET, cloudtrail_days=30), TARGET)
    assert len(wider["sts_event"]) == 3


def test_event_history_is_paged_and_capped(session: boto3.Session, account_id: str) -> None:
    for minute in range(120):
        record_sts_call(account_id, TARGET, event_time=NOW - dt.timedelta(minutes=minute))
    everything = _clients(session, TARGET)
    capped = _clients(session, TARGET, cloudtrail_max_events=70)
    all_events = cloudtrail.collect(everything, TARGET)["sts_event"]
    some = cloudtrail.collect(capped, TARGET)["sts_event"]

    assert len(all_events) == 120
    assert len({e["EventId"] for e in all_events}) == 120
    assert everything.api_calls == 1 + 3  # DescribeTrails + pages of 50, 50, 20
    assert some == all_events[:70]  # the newest 70
    assert capped.api_calls == 1 + 2  # paging stops at the cap
    assert capped.errors == []


def test_lookup_events_denied_leaves_trails(
    session: boto3.Session, trails: dict[str, str], account_id: str
) -> None:
    record_sts_call(account_id, TARGET, event_time=NOW)

    def deny(**_: Any) -> None:
        raise ClientError(
            {"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "LookupEvents"
        )

    session.events.register_first("before-call.cloudtrail.LookupEvents", deny)
    clients = _clients(session, TARGET)
    result = cloudtrail.collect(clients, TARGET)

    [error] = clients.errors
    assert error.action == "cloudtrail:LookupEvents"
    assert error.to_dict()["resource_types"] == ["sts_event"]
    assert result["sts_event"] == []
    assert len(result["trail"]) == 2


def test_trail_status_denied_is_recorded(session: boto3.Session, trails: dict[str, str]) -> None:
    def deny(**_: Any) -> None:
        raise ClientError(
            {"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "GetTrailStatus"
        )

    session.events.register("before-call.cloudtrail.GetTrailStatus", deny)
    clients = _clients(session, TARGET)
    result = cloudtrail.collect(clients, TARGET)

    assert {e.action for e in clients.errors} == {"cloudtrail:GetTrailStatus"}
    assert all(e.to_dict()["resource_types"] == ["trail"] for e in clients.errors)
    assert len(result["trail"]) == 2
    assert all("Status" not in t and t["TrailARN"] for t in result["trail"])


def test_describe_trails_denied_is_recorded(
    session: boto3.Session, trails: dict[str, str], account_id: str
) -> None:
    event = record_sts_call(account_id, TARGET, event_time=NOW)

    def deny(**_: Any) -> None:
        raise ClientError(
            {"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "DescribeTrails"
        )

    session.events.register("before-call.cloudtrail.DescribeTrails", deny)
    clients = _clients(session, TARGET)
    result = cloudtrail.collect(clients, TARGET)

    [error] = clients.errors
    assert error.action == "cloudtrail:DescribeTrails"
    assert error.to_dict()["resource_types"] == ["trail"]
    assert result["trail"] == []
    assert [e["EventId"] for e in result["sts_event"]] == [event]


def test_lookup_events_answers_as_aws(session: boto3.Session, account_id: str) -> None:
    old = record_sts_call(account_id, TARGET, event_time=NOW - dt.timedelta(days=100))
    recent = record_sts_call(
        account_id, TARGET, event_name="AssumeRole", event_time=NOW - dt.timedelta(days=2)
    )
    newest = record_sts_call(
        account_id, TARGET, event_name="GetCallerIdentity", event_time=NOW - dt.timedelta(hours=1)
    )
    ct = session.client("cloudtrail", region_name=TARGET)

    ids = [e["EventId"] for e in ct.lookup_events()["Events"]]
    assert ids == [newest, recent]  # newest first; history keeps 90 days
    assert old not in ids
    by_name = ct.lookup_events(
        LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "AssumeRole"}]
    )["Events"]
    assert [e["EventId"] for e in by_name] == [recent]
    by_resource = ct.lookup_events(
        LookupAttributes=[{"AttributeKey": "ResourceType", "AttributeValue": "AWS::IAM::Role"}]
    )["Events"]
    assert [e["EventId"] for e in by_resource] == [recent]
    window = ct.lookup_events(
        StartTime=NOW - dt.timedelta(days=3), EndTime=NOW - dt.timedelta(days=1)
    )["Events"]
    assert [e["EventId"] for e in window] == [recent]
    assert ct.lookup_events(EventCategory="insight")["Events"] == []
    page = ct.lookup_events(MaxResults=1)
    assert [e["EventId"] for e in page["Events"]] == [newest]
    rest = ct.lookup_events(MaxResults=1, NextToken=page["NextToken"])
    assert [e["EventId"] for e in rest["Events"]] == [recent]
    assert "NextToken" not in rest

    failures: dict[str, dict[str, Any]] = {
        "InvalidLookupAttributesException": {
            "LookupAttributes": [
                {"AttributeKey": "EventName", "AttributeValue": "AssumeRole"},
                {"AttributeKey": "Username", "AttributeValue": "x"},
            ]
        },
        "InvalidTimeRangeException": {"StartTime": NOW, "EndTime": NOW - dt.timedelta(days=1)},
        "InvalidMaxResultsException": {"MaxResults": 51},
        "InvalidNextTokenException": {"NextToken": "not-a-token"},
    }
    for code, kwargs in failures.items():
        with pytest.raises(ClientError) as err:
            ct.lookup_events(**kwargs)
        assert err.value.response["Error"]["Code"] == code


def test_event_store_resets_with_moto() -> None:
    def planted_then_counted() -> int:
        session = moto_gaps.install(boto3.Session(region_name=TARGET))
        account_id = session.client("sts").get_caller_identity()["Account"]
        record_sts_call(account_id, TARGET, event_time=NOW)
        return len(session.client("cloudtrail").lookup_events()["Events"])

    with mock_aws():
        assert planted_then_counted() == 1
        assert planted_then_counted() == 2
    with mock_aws():
        assert planted_then_counted() == 1


def test_only_declared_read_only_calls(
    session: boto3.Session, trails: dict[str, str], account_id: str
) -> None:
    record_sts_call(account_id, TARGET, event_time=NOW)
    called: set[str] = set()
    session.events.register(
        "before-parameter-build.cloudtrail",
        lambda model, **_: called.add(f"cloudtrail:{model.name}"),
    )
    cloudtrail.collect(_clients(session, TARGET), TARGET)

    assert called == set(cloudtrail.PERMISSIONS)
    assert all(c.split(":")[1].startswith(("List", "Describe", "Get", "Lookup")) for c in called)
