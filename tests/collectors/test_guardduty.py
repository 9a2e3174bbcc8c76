"""The GuardDuty collector against moto, completed by moto_gaps (filters list, IP sets,
threat intel sets, publishing destinations, administrator account)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from regionready.collectors import guardduty
from regionready.demo import seed_detection
from regionready.demo.seed import DemoPlan
from regionready.engine.evaluation import evaluate
from regionready.engine.fixtures import scan_from_case
from regionready.engine.rules import load_rules
from regionready.snapshot import jsonable
from tests.collectors.helpers import deny

SOURCE = "me-central-1"
TARGET = "eu-central-1"
CRITERIA = {"Criterion": {"severity": {"Gte": 7}}}
DESTINATION = {"DestinationArn": "arn:aws:s3:::findings", "KmsKeyArn": "arn:aws:kms:x"}
ADMIN = "111122223333"


@pytest.fixture
def seeded(session: boto3.Session) -> dict[str, Any]:
    gd = session.client("guardduty", region_name=SOURCE)
    detector = gd.create_detector(
        Enable=True,
        FindingPublishingFrequency="ONE_HOUR",
        Features=[
            {"Name": "S3_DATA_EVENTS", "Status": "ENABLED"},
            {
                "Name": "RUNTIME_MONITORING",
                "Status": "ENABLED",
                "AdditionalConfiguration": [{"Name": "EKS_ADDON_MANAGEMENT", "Status": "ENABLED"}],
            },
        ],
    )["DetectorId"]
    gd.create_filter(
        DetectorId=detector, Name="suppress-low", Action="ARCHIVE", FindingCriteria=CRITERIA
    )
    gd.create_filter(DetectorId=detector, Name="saved-view", FindingCriteria=CRITERIA)
    ip_sets = [
        gd.create_ip_set(
            DetectorId=detector, Name=name, Format="TXT", Location=f"s3://lists/{name}", Activate=on
        )["IpSetId"]
        for name, on in (("office", True), ("vpn", False))
    ]
    threat = gd.create_threat_intel_set(
        DetectorId=detector,
        Name="blocklist",
        Format="STIX",
        Location="s3://lists/bad",
        Activate=True,
    )["ThreatIntelSetId"]
    destination = gd.create_publishing_destination(
        DetectorId=detector, DestinationType="S3", DestinationProperties=DESTINATION
    )["DestinationId"]
    return {"detector": detector, "ip_sets": ip_sets, "threat": threat, "dest": destination}


def test_detector_with_lists_and_filters(make_clients: Any, seeded: dict[str, Any]) -> None:
    clients = make_clients(SOURCE, "guardduty")
    result = guardduty.collect(clients, SOURCE)

    assert clients.errors == []
    [detector] = result["detector"]
    assert detector["DetectorId"] == seeded["detector"]
    assert detector["Status"] == "ENABLED"
    assert detector["FindingPublishingFrequency"] == "ONE_HOUR"
    features = {f["Name"]: f for f in detector["Features"]}
    assert features["S3_DATA_EVENTS"]["Status"] == "ENABLED"
    assert features["RUNTIME_MONITORING"]["AdditionalConfiguration"] == [
        {"Name": "EKS_ADDON_MANAGEMENT", "Status": "ENABLED"}
    ]
    assert {(s["IpSetId"], s["Name"], s["Status"]) for s in detector["IPSets"]} == {
        (seeded["ip_sets"][0], "office", "ACTIVE"),
        (seeded["ip_sets"][1], "vpn", "INACTIVE"),
    }
    [threat] = detector["ThreatIntelSets"]
    assert (threat["ThreatIntelSetId"], threat["Name"], threat["Format"], threat["Status"]) == (
        seeded["threat"],
        "blocklist",
        "STIX",
        "ACTIVE",
    )
    [destination] = detector["PublishingDestinations"]
    assert destination["DestinationId"] == seeded["dest"]
    assert destination["DestinationType"] == "S3"
    assert destination["Status"] == "PUBLISHING"
    assert destination["DestinationProperties"] == DESTINATION

    filters = {f["Name"]: f for f in result["filter"]}
    assert set(filters) == {"suppress-low", "saved-view"}
    assert filters["suppress-low"]["Action"] == "ARCHIVE"
    assert filters["saved-view"]["Action"] == "NOOP"  # AWS's default
    assert filters["suppress-low"]["FindingCriteria"] == CRITERIA
    assert {f["DetectorId"] for f in filters.values()} == {seeded["detector"]}
    assert result["administrator"] == []  # standalone: HTTP 200, no content
    json.dumps(jsonable(result))


def _member_of(session: boto3.Session, detector: str, invitation: str = "inv-1") -> None:
    gd = session.client("guardduty", region_name=SOURCE)
    gd.accept_administrator_invitation(
        DetectorId=detector, AdministratorId=ADMIN, InvitationId=invitation
    )


def test_member_account_has_its_administrator(
    session: boto3.Session, make_clients: Any, seeded: dict[str, Any]
) -> None:
    _member_of(session, seeded["detector"])
    clients = make_clients(SOURCE, "guardduty")
    result = guardduty.collect(clients, SOURCE)

    assert clients.errors == []
    [administrator] = result["administrator"]
    invited_at = administrator.pop("InvitedAt")
    assert administrator == {
        "DetectorId": seeded["detector"],
        "AccountId": ADMIN,
        "InvitationId": "inv-1",
        "RelationshipStatus": "Enabled",
    }
    assert isinstance(invited_at, str)
    assert dt.datetime.fromisoformat(invited_at).tzinfo is not None
    # Membership is Regional: no administrator where the account is not a member.
    assert guardduty.collect(make_clients(TARGET, "guardduty"), TARGET)["administrator"] == []


def test_no_detector_is_a_valid_empty_region(make_clients: Any, seeded: dict[str, Any]) -> None:
    clients = make_clients(TARGET, "guardduty")
    assert guardduty.collect(clients, TARGET) == {"detector": [], "filter": [], "administrator": []}
    assert clients.errors == []


def test_denied_administrator_leaves_the_detector_checks_their_data(
    session: boto3.Session, make_clients: Any, seeded: dict[str, Any]
) -> None:
    _member_of(session, seeded["detector"])
    whole = guardduty.collect(make_clients(SOURCE, "guardduty"), SOURCE)
    deny(session, "guardduty.GetAdministratorAccount")
    clients = make_clients(SOURCE, "guardduty")
    result = guardduty.collect(clients, SOURCE)

    [error] = clients.errors
    assert error.action == "guardduty:GetAdministratorAccount"
    assert error.to_dict()["resource_types"] == ["administrator"]
    assert result["administrator"] == []
    assert jsonable(result["detector"]) == jsonable(whole["detector"])
    assert jsonable(result["filter"]) == jsonable(whole["filter"])
    [detector] = result["detector"]
    assert {"IPSets", "ThreatIntelSets", "PublishingDestinations"} <= set(detector)

    # The engine: the detector and filter checks keep their data (only a check of
    # guardduty.administrator, there is none yet, would be ERROR); the same error
    # recorded against ``detector`` would turn them into ERROR.
    rules = [r for r in load_rules() if r.id.startswith("GD-")]

    def statuses(error: dict[str, Any]) -> set[str]:
        case = {
            "source": {"guardduty": jsonable(result)},
            "target": {"guardduty": jsonable(whole)},
            "errors": {"source": {"guardduty": [error]}},
        }
        scan = scan_from_case(rules[0], case)
        return {r.status.value for r in evaluate(scan, rules, now=dt.datetime.now(dt.UTC))}

    assert "ERROR" not in statuses(error.to_dict())
    assert "ERROR" in statuses({**error.to_dict(), "resource_types": ["detector"]})


def _deny(operation: str) -> Any:
    def deny(**_: Any) -> None:
        raise ClientError(
            {"Error": {"Code": "AccessDeniedException", "Message": "not authorized"}}, operation
        )

    return deny


@pytest.mark.parametrize(
    ("operation", "action", "feeds"),
    [
        ("ListDetectors", "guardduty:ListDetectors", ["administrator", "detector", "filter"]),
        ("GetDetector", "guardduty:GetDetector", ["detector"]),
        ("ListIPSets", "guardduty:ListIPSets", ["detector"]),
        ("GetIPSet", "guardduty:GetIPSet", ["detector"]),
        ("ListThreatIntelSets", "guardduty:ListThreatIntelSets", ["detector"]),
        ("GetThreatIntelSet", "guardduty:GetThreatIntelSet", ["detector"]),
        ("ListPublishingDestinations", "guardduty:ListPublishingDestinations", ["detector"]),
        ("DescribePublishingDestination", "guardduty:DescribePublishingDestination", ["detector"]),
        ("ListFilters", "guardduty:ListFilters", ["filter"]),
        ("GetFilter", "guardduty:GetFilter", ["filter"]),
        ("GetAdministratorAccount", "guardduty:GetAdministratorAccount", ["administrator"]),
    ],
)
def test_access_denied_is_recorded_against_the_types_it_feeds(
    session: boto3.Session,
    make_clients: Any,
    seeded: dict[str, Any],
    operation: str,
    action: str,
    feeds: list[str],
) -> None:
    session.events.register_first(f"before-call.guardduty.{operation}", _deny(operation))
    clients = make_clients(SOURCE, "guardduty")
    result = guardduty.collect(clients, SOURCE)

    assert clients.errors
    # IAM actions are case-insensitive; api_names.iam_action spells IPSet as IpSet.
    assert {(e.api, e.action) for e in clients.errors} == {(action, action)}
    assert {tuple(e.to_dict()["resource_types"]) for e in clients.errors} == {tuple(feeds)}
    if operation == "ListDetectors":
        assert result == {"detector": [], "filter": [], "administrator": []}
        return
    [detector] = result["detector"]
    if operation == "ListIPSets":
        assert "IPSets" not in detector  # absent, never an empty list
        assert len(detector["ThreatIntelSets"]) == 1
    if operation == "GetIPSet":
        assert sorted(s["IpSetId"] for s in detector["IPSets"]) == sorted(seeded["ip_sets"])
        assert all("Name" not in s for s in detector["IPSets"])
    if operation == "ListPublishingDestinations":
        assert "PublishingDestinations" not in detector
    if operation == "ListFilters":
        assert result["filter"] == [] and detector["Status"] == "ENABLED"
    if operation == "GetFilter":
        assert sorted(f["Name"] for f in result["filter"]) == ["saved-view", "suppress-low"]
        assert all("Action" not in f for f in result["filter"])
    if operation == "GetAdministratorAccount":
        assert result["administrator"] == [] and len(result["filter"]) == 2
        assert {"IPSets", "ThreatIntelSets", "PublishingDestinations"} <= set(detector)


def test_small_pages_collect_the_same(make_clients: Any, seeded: dict[str, Any]) -> None:
    whole = make_clients(SOURCE, "guardduty")
    paged = make_clients(SOURCE, "guardduty", small_pages=True)
    expected = guardduty.collect(whole, SOURCE)
    result = guardduty.collect(paged, SOURCE)

    assert jsonable(result) == jsonable(expected)
    # Two IP sets and two filters: one more page each.
    assert paged.api_calls == whole.api_calls + 2


def test_paginators_follow_next_token(session: boto3.Session, seeded: dict[str, Any]) -> None:
    gd = session.client("guardduty", region_name=SOURCE)
    pages = list(
        gd.get_paginator("list_ip_sets").paginate(
            DetectorId=seeded["detector"], PaginationConfig={"PageSize": 1}
        )
    )
    assert [len(p["IpSetIds"]) for p in pages] == [1, 1]
    assert "NextToken" in pages[0] and "NextToken" not in pages[1]


def test_only_declared_read_only_calls(
    session: boto3.Session, make_clients: Any, seeded: dict[str, Any]
) -> None:
    called: set[str] = set()
    # before-parameter-build runs for every call; before-call stops at a moto_gaps answer.
    session.events.register(
        "before-parameter-build.guardduty",
        lambda model, **_: called.add(f"guardduty:{model.name}"),
    )
    guardduty.collect(make_clients(SOURCE, "guardduty"), SOURCE)

    assert called == set(guardduty.PERMISSIONS)
    assert all(c.split(":")[1].startswith(("List", "Describe", "Get")) for c in called)


def test_demo_seed_gives_the_planted_results(session: boto3.Session, make_clients: Any) -> None:
    plan = DemoPlan(
        source=SOURCE, target=TARGET, account_id="123456789012", now=dt.datetime.now(dt.UTC)
    )
    seed_detection.seed(session, plan)
    case = {
        side: {"guardduty": jsonable(guardduty.collect(make_clients(region, "guardduty"), region))}
        for side, region in (("source", SOURCE), ("target", TARGET))
    }
    ids = ("GD-001", "GD-002", "GD-003", "GD-004", "GD-005")
    rules = [r for r in load_rules() if r.id in ids]
    results = evaluate(scan_from_case(rules[0], case), rules, now=plan.now)
    failed = {(r.rule_id, r.resource_id) for r in results if r.status.value == "FAIL"}
    statuses = {r.rule_id: r.status.value for r in results if r.rule_id != "GD-003"}

    planted = {(check, rid) for check in ids for rid in plan.failing.get(check, [])}
    assert failed == planted
    assert {check for check, _ in planted} == {"GD-002", "GD-003"}
    assert statuses == {
        "GD-001": "PASS",
        "GD-002": "FAIL",
        "GD-004": "PASS",
        "GD-005": "PASS",
    }
    assert not {rid for _, rid in failed} & set(plan.healthy)
