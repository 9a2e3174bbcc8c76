"""moto_gaps.accessanalyzer: IAM Access Analyzer answered as AWS does (moto has none).

Each test states the AWS behaviour and checks the hooked session shows it; one checks
plain moto still cannot answer (so the module is noticed if a moto upgrade adds it).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from regionready.demo import moto_gaps

from . import shapes

US, EU = "us-east-1", "eu-central-1"
PUBLIC = {"isPublic": {"eq": ["true"]}}


@pytest.fixture
def aa(session: boto3.Session) -> Any:
    return session.client("accessanalyzer", region_name=US)


def output_problems(operation: str, response: dict[str, Any]) -> list[str]:
    return shapes.output_problems("accessanalyzer", operation, response)


def test_plain_moto_has_no_access_analyzer(aws: None) -> None:
    with pytest.raises(ClientError, match="Not yet implemented"):
        boto3.client("accessanalyzer", region_name=US).list_analyzers()


def test_create_analyzer_returns_its_arn_and_is_active(aa: Any) -> None:
    created = aa.create_analyzer(analyzerName="external", type="ACCOUNT", tags={"team": "sec"})
    assert created["arn"] == "arn:aws:access-analyzer:us-east-1:123456789012:analyzer/external"
    assert output_problems("CreateAnalyzer", created) == []

    analyzer = aa.get_analyzer(analyzerName="external")["analyzer"]
    assert analyzer["status"] == "ACTIVE"
    assert (analyzer["arn"], analyzer["type"], analyzer["tags"]) == (
        created["arn"],
        "ACCOUNT",
        {"team": "sec"},
    )
    assert "configuration" not in analyzer
    assert isinstance(analyzer["createdAt"], dt.datetime) and analyzer["createdAt"].tzinfo


def test_unused_access_analyzers_get_a_tracking_period(aa: Any) -> None:
    aa.create_analyzer(analyzerName="unused", type="ACCOUNT_UNUSED_ACCESS")
    aa.create_analyzer(
        analyzerName="unused-30",
        type="ORGANIZATION_UNUSED_ACCESS",
        configuration={"unusedAccess": {"unusedAccessAge": 30}},
    )
    got = {a["name"]: a for a in aa.list_analyzers()["analyzers"]}
    assert got["unused"]["configuration"] == {"unusedAccess": {"unusedAccessAge": 90}}
    assert got["unused-30"]["configuration"] == {"unusedAccess": {"unusedAccessAge": 30}}


def test_list_answers_have_the_model_shape(aa: Any) -> None:
    aa.create_analyzer(
        analyzerName="external",
        type="ORGANIZATION",
        archiveRules=[{"ruleName": "public", "filter": PUBLIC}],
    )
    aa.create_analyzer(analyzerName="unused", type="ACCOUNT_UNUSED_ACCESS")
    aa.create_analyzer(analyzerName="internal", type="ACCOUNT_INTERNAL_ACCESS")
    for operation, response in (
        ("ListAnalyzers", aa.list_analyzers()),
        ("GetAnalyzer", aa.get_analyzer(analyzerName="unused")),
        ("ListArchiveRules", aa.list_archive_rules(analyzerName="external")),
        ("GetArchiveRule", aa.get_archive_rule(analyzerName="external", ruleName="public")),
    ):
        assert output_problems(operation, response) == [], operation


def test_duplicate_analyzer_is_a_conflict(aa: Any) -> None:
    aa.create_analyzer(analyzerName="external", type="ACCOUNT")
    with pytest.raises(aa.exceptions.ConflictException) as caught:
        aa.create_analyzer(analyzerName="external", type="ACCOUNT_UNUSED_ACCESS")
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    assert caught.value.response["resourceId"] == "external"
    assert [a["type"] for a in aa.list_analyzers()["analyzers"]] == ["ACCOUNT"]


def test_unknown_type_is_a_validation_error(aa: Any) -> None:
    with pytest.raises(aa.exceptions.ValidationException):
        aa.create_analyzer(analyzerName="x", type="EVERYTHING")
    assert aa.list_analyzers()["analyzers"] == []


def test_archive_rules_inline_and_added(aa: Any) -> None:
    aa.create_analyzer(
        analyzerName="external",
        type="ACCOUNT",
        archiveRules=[{"ruleName": "public", "filter": PUBLIC}],
    )
    buckets = {"resourceType": {"eq": ["AWS::S3::Bucket"]}, "principal.AWS": {"eq": ["1", "2"]}}
    assert "ResponseMetadata" in aa.create_archive_rule(
        analyzerName="external", ruleName="buckets", filter=buckets
    )
    buckets["resourceType"]["eq"].append("mutated after the call")

    rules = {
        r["ruleName"]: r for r in aa.list_archive_rules(analyzerName="external")["archiveRules"]
    }
    assert rules["public"]["filter"] == PUBLIC
    assert rules["buckets"]["filter"]["resourceType"] == {"eq": ["AWS::S3::Bucket"]}
    one = aa.get_archive_rule(analyzerName="external", ruleName="buckets")["archiveRule"]
    assert one["ruleName"] == "buckets" and one["createdAt"] == one["updatedAt"]


def test_archive_rule_errors(aa: Any) -> None:
    with pytest.raises(aa.exceptions.ResourceNotFoundException) as caught:
        aa.create_archive_rule(analyzerName="missing", ruleName="r", filter=PUBLIC)
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    with pytest.raises(aa.exceptions.ResourceNotFoundException):
        aa.list_archive_rules(analyzerName="missing")
    with pytest.raises(aa.exceptions.ResourceNotFoundException):
        aa.get_analyzer(analyzerName="missing")

    aa.create_analyzer(analyzerName="external", type="ACCOUNT")
    aa.create_archive_rule(analyzerName="external", ruleName="r", filter=PUBLIC)
    with pytest.raises(aa.exceptions.ConflictException):
        aa.create_archive_rule(analyzerName="external", ruleName="r", filter={})
    with pytest.raises(aa.exceptions.ResourceNotFoundException):
        aa.get_archive_rule(analyzerName="external", ruleName="other")


def test_list_analyzers_filters_by_type_and_pages(aa: Any) -> None:
    for name, kind in (("a", "ACCOUNT"), ("b", "ACCOUNT_UNUSED_ACCESS"), ("c", "ACCOUNT")):
        aa.create_analyzer(analyzerName=name, type=kind)
    assert [a["name"] for a in aa.list_analyzers(type="ACCOUNT")["analyzers"]] == ["a", "c"]

    first = aa.list_analyzers(maxResults=2)
    assert [a["name"] for a in first["analyzers"]] == ["a", "b"]
    rest = aa.list_analyzers(maxResults=2, nextToken=first["nextToken"])
    assert [a["name"] for a in rest["analyzers"]] == ["c"] and "nextToken" not in rest
    pages = aa.get_paginator("list_analyzers").paginate(PaginationConfig={"PageSize": 1})
    assert [len(p["analyzers"]) for p in pages] == [1, 1, 1]


def test_state_is_per_region_and_account(
    session: boto3.Session, aa: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    aa.create_analyzer(analyzerName="external", type="ACCOUNT")
    eu = session.client("accessanalyzer", region_name=EU)
    assert eu.list_analyzers()["analyzers"] == []
    arn = eu.create_analyzer(analyzerName="external", type="ACCOUNT")["arn"]
    assert arn == "arn:aws:access-analyzer:eu-central-1:123456789012:analyzer/external"

    monkeypatch.setenv("MOTO_ACCOUNT_ID", "210987654321")
    assert aa.list_analyzers()["analyzers"] == []
    other = aa.create_analyzer(analyzerName="external", type="ACCOUNT")["arn"]
    assert other == "arn:aws:access-analyzer:us-east-1:210987654321:analyzer/external"


def test_an_assumed_role_sees_its_own_account(session: boto3.Session) -> None:
    role = "arn:aws:iam::210987654321:role/audit"
    creds = session.client("sts").assume_role(RoleArn=role, RoleSessionName="audit")["Credentials"]
    assumed = moto_gaps.install(
        boto3.Session(
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"],
            region_name=US,
        )
    )
    arn = assumed.client("accessanalyzer").create_analyzer(analyzerName="x", type="ACCOUNT")["arn"]
    assert ":210987654321:" in arn
    assert session.client("accessanalyzer").list_analyzers()["analyzers"] == []


def test_mock_aws_resets_the_state() -> None:
    with mock_aws():
        client = moto_gaps.install(boto3.Session(region_name=US)).client("accessanalyzer")
        client.create_analyzer(analyzerName="external", type="ACCOUNT")
        assert len(client.list_analyzers()["analyzers"]) == 1
    with mock_aws():
        client = moto_gaps.install(boto3.Session(region_name=US)).client("accessanalyzer")
        assert client.list_analyzers()["analyzers"] == []
