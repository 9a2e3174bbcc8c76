"""moto_gaps.guardduty: the GuardDuty APIs moto lacks, answered as AWS does, and the
moto behaviours that differ from AWS, corrected.

Each test states the AWS behaviour and checks the hooked session shows it; the first
pins what plain moto does, so a correction a moto upgrade makes unnecessary is noticed.
"""

from __future__ import annotations

from typing import Any

import boto3
import moto
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from packaging.version import Version

from regionready.demo import moto_gaps

from . import shapes

US, EU = "us-east-1", "eu-central-1"
CRITERIA = {"Criterion": {"severity": {"Gte": 7}}}


@pytest.fixture
def gd(session: boto3.Session) -> Any:
    return session.client("guardduty", region_name=US)


@pytest.fixture
def detector(gd: Any) -> str:
    return str(gd.create_detector(Enable=True)["DetectorId"])


def output_problems(operation: str, response: dict[str, Any]) -> list[str]:
    return shapes.output_problems("guardduty", operation, response)


def test_plain_moto_lacks_the_apis_and_allows_two_detectors(aws: None) -> None:
    plain = boto3.client("guardduty", region_name=US)
    first = plain.create_detector(Enable=True)["DetectorId"]
    with pytest.raises(ClientError, match="Not yet implemented"):
        plain.list_threat_intel_sets(DetectorId=first)
    with pytest.raises(NotImplementedError):
        plain.list_filters(DetectorId=first)
    plain.create_detector(Enable=True)
    assert len(plain.list_detectors()["DetectorIds"]) == 2


def test_plain_moto_ip_sets_do_not_page(aws: None) -> None:
    """moto 5.2.6 added IP sets; until then it answered "Not yet implemented". It still
    ignores MaxResults (AWS pages ListIPSets), so the hook keeps answering them."""
    plain = boto3.client("guardduty", region_name=US)
    detector = plain.create_detector(Enable=True)["DetectorId"]
    if Version(moto.__version__) < Version("5.2.6"):
        with pytest.raises(ClientError, match="Not yet implemented"):
            plain.list_ip_sets(DetectorId=detector)
        return
    for name in ("first", "second"):
        plain.create_ip_set(
            DetectorId=detector, Name=name, Format="TXT", Location=f"s3://b/{name}", Activate=True
        )
    page = plain.list_ip_sets(DetectorId=detector, MaxResults=1)
    assert len(page["IpSetIds"]) == 2 and "NextToken" not in page


def test_one_detector_per_account_and_region(session: boto3.Session, gd: Any) -> None:
    first = gd.create_detector(Enable=True)["DetectorId"]
    with pytest.raises(gd.exceptions.BadRequestException, match="detector already exists"):
        gd.create_detector(Enable=True)
    assert gd.list_detectors()["DetectorIds"] == [first]
    assert session.client("guardduty", region_name=EU).create_detector(Enable=False)["DetectorId"]
    gd.delete_detector(DetectorId=first)
    assert gd.create_detector(Enable=True)["DetectorId"] != first


def test_list_detectors_pages(session: boto3.Session, gd: Any) -> None:
    first = gd.create_detector(Enable=True)["DetectorId"]
    page = gd.list_detectors(MaxResults=1)
    assert page["DetectorIds"] == [first] and "NextToken" not in page
    assert session.client("guardduty", region_name=EU).list_detectors()["DetectorIds"] == []


def test_list_filters_lists_what_moto_created(gd: Any, detector: str) -> None:
    for name in ("suppress-low", "saved-view", "third-one"):
        gd.create_filter(DetectorId=detector, Name=name, FindingCriteria=CRITERIA)
    listed = gd.list_filters(DetectorId=detector)
    assert listed["FilterNames"] == ["suppress-low", "saved-view", "third-one"]
    assert output_problems("ListFilters", listed) == []
    pages = gd.get_paginator("list_filters").paginate(
        DetectorId=detector, PaginationConfig={"PageSize": 2}
    )
    assert [p["FilterNames"] for p in pages] == [["suppress-low", "saved-view"], ["third-one"]]
    gd.delete_filter(DetectorId=detector, FilterName="saved-view")
    assert gd.list_filters(DetectorId=detector)["FilterNames"] == ["suppress-low", "third-one"]


def test_get_filter_action_defaults_to_noop(gd: Any, detector: str) -> None:
    gd.create_filter(DetectorId=detector, Name="saved-view", FindingCriteria=CRITERIA)
    gd.create_filter(
        DetectorId=detector, Name="suppress-low", Action="ARCHIVE", FindingCriteria=CRITERIA
    )
    assert gd.get_filter(DetectorId=detector, FilterName="saved-view")["Action"] == "NOOP"
    assert gd.get_filter(DetectorId=detector, FilterName="suppress-low")["Action"] == "ARCHIVE"


@pytest.mark.parametrize(
    ("create", "get", "listing", "id_field", "list_field"),
    [
        ("create_ip_set", "get_ip_set", "list_ip_sets", "IpSetId", "IpSetIds"),
        (
            "create_threat_intel_set",
            "get_threat_intel_set",
            "list_threat_intel_sets",
            "ThreatIntelSetId",
            "ThreatIntelSetIds",
        ),
    ],
)
def test_entity_lists(
    session: boto3.Session,
    gd: Any,
    detector: str,
    create: str,
    get: str,
    listing: str,
    id_field: str,
    list_field: str,
) -> None:
    operation = {"get_ip_set": "GetIPSet", "get_threat_intel_set": "GetThreatIntelSet"}[get]
    active = getattr(gd, create)(
        DetectorId=detector,
        Name="office",
        Format="TXT",
        Location="https://s3.amazonaws.com/lists/office.txt",
        Activate=True,
        Tags={"team": "sec"},
    )[id_field]
    inactive = getattr(gd, create)(
        DetectorId=detector, Name="old", Format="STIX", Location="s3://lists/old", Activate=False
    )[id_field]

    listed = getattr(gd, listing)(DetectorId=detector)
    assert listed[list_field] == [active, inactive]
    got = getattr(gd, get)(DetectorId=detector, **{id_field: active})
    assert output_problems(operation, got) == []
    assert (got["Name"], got["Format"], got["Status"], got["Tags"]) == (
        "office",
        "TXT",
        "ACTIVE",
        {"team": "sec"},
    )
    assert got["Location"] == "https://s3.amazonaws.com/lists/office.txt"
    assert getattr(gd, get)(DetectorId=detector, **{id_field: inactive})["Status"] == "INACTIVE"
    pages = gd.get_paginator(listing).paginate(
        DetectorId=detector, PaginationConfig={"PageSize": 1}
    )
    assert [p[list_field] for p in pages] == [[active], [inactive]]

    with pytest.raises(gd.exceptions.BadRequestException):
        getattr(gd, get)(DetectorId=detector, **{id_field: "0" * 32})
    with pytest.raises(gd.exceptions.BadRequestException):
        getattr(gd, create)(
            DetectorId=detector, Name="x", Format="CSV", Location="s3://l/x", Activate=True
        )
    with pytest.raises(gd.exceptions.BadRequestException, match="detectorId"):
        getattr(gd, listing)(DetectorId="f" * 32)

    eu = session.client("guardduty", region_name=EU)
    eu_detector = eu.create_detector(Enable=True)["DetectorId"]
    assert getattr(eu, listing)(DetectorId=eu_detector)[list_field] == []


def test_publishing_destinations(gd: Any, detector: str) -> None:
    properties = {
        "DestinationArn": "arn:aws:s3:::findings",
        "KmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/k",
    }
    created = gd.create_publishing_destination(
        DetectorId=detector, DestinationType="S3", DestinationProperties=properties
    )
    destination_id = created["DestinationId"]
    listed = gd.list_publishing_destinations(DetectorId=detector)
    assert listed["Destinations"] == [
        {"DestinationId": destination_id, "DestinationType": "S3", "Status": "PUBLISHING"}
    ]
    assert output_problems("ListPublishingDestinations", listed) == []
    described = gd.describe_publishing_destination(
        DetectorId=detector, DestinationId=destination_id
    )
    assert output_problems("DescribePublishingDestination", described) == []
    assert described["DestinationProperties"] == properties
    assert described["Status"] == "PUBLISHING"

    with pytest.raises(gd.exceptions.BadRequestException):
        gd.describe_publishing_destination(DetectorId=detector, DestinationId="0" * 32)
    with pytest.raises(gd.exceptions.BadRequestException):
        gd.create_publishing_destination(
            DetectorId=detector, DestinationType="SQS", DestinationProperties=properties
        )
    with pytest.raises(gd.exceptions.BadRequestException):
        gd.list_publishing_destinations(DetectorId="f" * 32)


def test_plain_moto_never_reports_an_administrator(aws: None) -> None:
    plain = boto3.client("guardduty", region_name=US)
    detector = plain.create_detector(Enable=True)["DetectorId"]
    plain.enable_organization_admin_account(AdminAccountId="111122223333")
    # moto answers {"Administrator": ...} in PascalCase: botocore parses nothing.
    answer = plain.get_administrator_account(DetectorId=detector)
    assert "Administrator" not in answer
    with pytest.raises(NotImplementedError):
        plain.accept_administrator_invitation(
            DetectorId=detector, AdministratorId="111122223333", InvitationId="i"
        )


def test_administrator_account(session: boto3.Session, gd: Any, detector: str) -> None:
    # Standalone (or the administrator itself): HTTP 200, no content.
    alone = gd.get_administrator_account(DetectorId=detector)
    assert {k: v for k, v in alone.items() if k != "ResponseMetadata"} == {}
    # moto's EnableOrganizationAdminAccount designates a delegated administrator for the
    # organization; it does not make this account a member.
    gd.enable_organization_admin_account(AdminAccountId="111122223333")
    assert "Administrator" not in gd.get_administrator_account(DetectorId=detector)

    gd.accept_administrator_invitation(
        DetectorId=detector, AdministratorId="111122223333", InvitationId="inv-1"
    )
    got = gd.get_administrator_account(DetectorId=detector)
    assert output_problems("GetAdministratorAccount", got) == []
    administrator = got["Administrator"]
    assert (
        administrator["AccountId"],
        administrator["InvitationId"],
        administrator["RelationshipStatus"],
    ) == ("111122223333", "inv-1", "Enabled")
    assert administrator["InvitedAt"].endswith("Z")

    eu = session.client("guardduty", region_name=EU)
    eu_detector = eu.create_detector(Enable=True)["DetectorId"]
    assert "Administrator" not in eu.get_administrator_account(DetectorId=eu_detector)
    with pytest.raises(gd.exceptions.BadRequestException, match="detectorId"):
        gd.get_administrator_account(DetectorId="f" * 32)
    with pytest.raises(gd.exceptions.BadRequestException):
        gd.accept_administrator_invitation(
            DetectorId=detector, AdministratorId="not-an-account", InvitationId="inv-2"
        )


def test_mock_aws_resets_the_state() -> None:
    with mock_aws():
        client = moto_gaps.install(boto3.Session(region_name=US)).client("guardduty")
        detector = client.create_detector(Enable=True)["DetectorId"]
        client.create_ip_set(
            DetectorId=detector, Name="office", Format="TXT", Location="s3://l/o", Activate=True
        )
    with mock_aws():
        client = moto_gaps.install(boto3.Session(region_name=US)).client("guardduty")
        assert client.list_detectors()["DetectorIds"] == []
        fresh = client.create_detector(Enable=True)["DetectorId"]
        assert client.list_ip_sets(DetectorId=fresh)["IpSetIds"] == []
