"""The SNS collector against moto."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from regionready.collectors import sns
from regionready.snapshot import jsonable

from .helpers import deny, record_calls

SOURCE = "me-central-1"
TARGET = "eu-central-1"
ACCOUNT = "123456789012"


def _arn(region: str, name: str) -> str:
    return f"arn:aws:sns:{region}:{ACCOUNT}:{name}"


@pytest.fixture
def seeded(session: boto3.Session) -> dict[str, str]:
    client = session.client("sns", region_name=SOURCE)
    key = session.client("kms", region_name=SOURCE).create_key()["KeyMetadata"]["Arn"]
    client.create_topic(Name="orders", Attributes={"KmsMasterKeyId": key})
    client.create_topic(Name="plain", Attributes={"DisplayName": "Plain topic"})
    client.create_topic(Name="managed", Attributes={"KmsMasterKeyId": "alias/aws/sns"})
    session.client("sns", region_name=TARGET).create_topic(Name="orders")
    return {"key": key}


def _by_arn(result: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    return {t["TopicArn"]: t for t in result["topic"]}


def test_topics_keep_arn_and_key_only(make_clients: Any, seeded: dict[str, str]) -> None:
    clients = make_clients(SOURCE, "sns")
    topics = _by_arn(sns.collect(clients, SOURCE))

    assert clients.errors == []
    assert topics == {
        _arn(SOURCE, "orders"): {
            "TopicArn": _arn(SOURCE, "orders"),
            "KmsMasterKeyId": seeded["key"],
        },
        _arn(SOURCE, "plain"): {"TopicArn": _arn(SOURCE, "plain")},
        _arn(SOURCE, "managed"): {
            "TopicArn": _arn(SOURCE, "managed"),
            "KmsMasterKeyId": "alias/aws/sns",
        },
    }
    target = sns.collect(make_clients(TARGET, "sns"), TARGET)
    assert target == {"topic": [{"TopicArn": _arn(TARGET, "orders")}]}


def test_pages_of_one_hundred(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    """ListTopics takes no page size (so SmallPages cannot ask for one): AWS, and moto,
    answer 100 topics a page. 102 topics take two pages."""
    client = session.client("sns", region_name=SOURCE)
    for number in range(99):
        client.create_topic(Name=f"bulk-{number:03}")
    clients = make_clients(SOURCE, "sns")
    topics = _by_arn(sns.collect(clients, SOURCE))

    assert clients.errors == []
    assert len(topics) == 102
    assert topics[_arn(SOURCE, "bulk-098")] == {"TopicArn": _arn(SOURCE, "bulk-098")}
    assert topics[_arn(SOURCE, "orders")]["KmsMasterKeyId"] == seeded["key"]
    assert clients.api_calls == 2 + 102  # two ListTopics pages, one read per topic


def test_denied_list_is_recorded_not_empty(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    deny(session, "sns.ListTopics", "AuthorizationError")
    clients = make_clients(SOURCE, "sns")
    result = sns.collect(clients, SOURCE)

    [error] = clients.errors
    assert (error.action, error.code) == ("sns:ListTopics", "AuthorizationError")
    assert error.to_dict()["resource_types"] == ["topic"]
    assert "fields" not in error.to_dict()
    assert result == {"topic": []}


def test_denied_attributes_mark_only_that_topics_key(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    denied = _arn(SOURCE, "managed")

    def deny_one(params: dict[str, Any], **_: Any) -> None:
        if params.get("TopicArn") == denied:
            raise ClientError(
                {"Error": {"Code": "AuthorizationError", "Message": "no"}}, "GetTopicAttributes"
            )

    session.events.register("before-parameter-build.sns.GetTopicAttributes", deny_one)
    clients = make_clients(SOURCE, "sns")
    topics = _by_arn(sns.collect(clients, SOURCE))

    assert topics[denied] == {"TopicArn": denied}  # listed, key unknown
    assert topics[_arn(SOURCE, "orders")]["KmsMasterKeyId"] == seeded["key"]
    [error] = clients.errors
    assert error.to_dict() == {
        "api": "sns:GetTopicAttributes",
        "code": "AuthorizationError",
        "message": "no",
        "action": "sns:GetTopicAttributes",
        "resource_types": ["topic"],
        "fields": {"topic": ["KmsMasterKeyId"]},
        "resources": {"topic": [denied]},
    }


def test_only_declared_read_only_calls(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    called = record_calls(session)
    result = sns.collect(make_clients(SOURCE, "sns"), SOURCE)

    assert called == set(sns.PERMISSIONS) == {"sns:ListTopics", "sns:GetTopicAttributes"}
    text = json.dumps(jsonable(result))
    assert "Policy" not in text and "Plain topic" not in text  # no other attribute kept
