"""The SQS collector against moto (corrected by regionready.demo.moto_gaps)."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from regionready.collectors import sqs
from regionready.snapshot import jsonable

from .helpers import deny, record_calls

SOURCE = "me-central-1"
TARGET = "eu-central-1"
ACCOUNT = "123456789012"
CANARY = "CANARY-queue-message-0e8d"


def _url(region: str, name: str) -> str:
    return f"https://sqs.{region}.amazonaws.com/{ACCOUNT}/{name}"


def _arn(region: str, name: str) -> str:
    return f"arn:aws:sqs:{region}:{ACCOUNT}:{name}"


@pytest.fixture
def seeded(session: boto3.Session) -> dict[str, str]:
    client = session.client("sqs", region_name=SOURCE)
    key = session.client("kms", region_name=SOURCE).create_key()["KeyMetadata"]["Arn"]
    orders = client.create_queue(
        QueueName="orders",
        Attributes={"KmsMasterKeyId": key, "KmsDataKeyReusePeriodSeconds": "600"},
    )["QueueUrl"]
    client.send_message(QueueUrl=orders, MessageBody=CANARY)
    client.create_queue(QueueName="plain")
    client.create_queue(QueueName="clear", Attributes={"SqsManagedSseEnabled": "false"})
    client.create_queue(QueueName="managed", Attributes={"KmsMasterKeyId": "alias/aws/sqs"})
    session.client("sqs", region_name=TARGET).create_queue(QueueName="orders")
    return {"key": key, "orders": orders}


def _by_url(result: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    return {q["QueueUrl"]: q for q in result["queue"]}


def test_queues_keep_url_arn_and_encryption_attributes(
    make_clients: Any, seeded: dict[str, str]
) -> None:
    clients = make_clients(SOURCE, "sqs")
    queues = _by_url(sqs.collect(clients, SOURCE))

    assert clients.errors == []
    assert seeded["orders"] == _url(SOURCE, "orders")
    assert queues == {
        _url(SOURCE, "orders"): {
            "QueueUrl": _url(SOURCE, "orders"),
            "QueueArn": _arn(SOURCE, "orders"),
            "KmsMasterKeyId": seeded["key"],
            "KmsDataKeyReusePeriodSeconds": "600",
            "SqsManagedSseEnabled": "false",
        },
        _url(SOURCE, "plain"): {
            "QueueUrl": _url(SOURCE, "plain"),
            "QueueArn": _arn(SOURCE, "plain"),
            "SqsManagedSseEnabled": "true",
        },
        _url(SOURCE, "clear"): {
            "QueueUrl": _url(SOURCE, "clear"),
            "QueueArn": _arn(SOURCE, "clear"),
            "SqsManagedSseEnabled": "false",
        },
        _url(SOURCE, "managed"): {
            "QueueUrl": _url(SOURCE, "managed"),
            "QueueArn": _arn(SOURCE, "managed"),
            "KmsMasterKeyId": "alias/aws/sqs",
            "KmsDataKeyReusePeriodSeconds": "300",
            "SqsManagedSseEnabled": "false",
        },
    }
    target = _by_url(sqs.collect(make_clients(TARGET, "sqs"), TARGET))
    assert set(target) == {_url(TARGET, "orders")}
    assert target[_url(TARGET, "orders")]["QueueArn"] == _arn(TARGET, "orders")


def test_no_message_is_read(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    called = record_calls(session)
    result = sqs.collect(make_clients(SOURCE, "sqs"), SOURCE)

    assert called == set(sqs.PERMISSIONS) == {"sqs:ListQueues", "sqs:GetQueueAttributes"}
    assert CANARY not in json.dumps(jsonable(result))
    # The message is still there, never received (so never made invisible).
    counts = session.client("sqs", region_name=SOURCE).get_queue_attributes(
        QueueUrl=seeded["orders"], AttributeNames=["ApproximateNumberOfMessages"]
    )["Attributes"]
    assert counts == {"ApproximateNumberOfMessages": "1"}


def test_small_pages_collect_the_same(make_clients: Any, seeded: dict[str, str]) -> None:
    whole = make_clients(SOURCE, "sqs")
    paged = make_clients(SOURCE, "sqs", small_pages=True)
    expected = sqs.collect(whole, SOURCE)
    result = sqs.collect(paged, SOURCE)

    assert len(result["queue"]) == 4
    assert jsonable(result) == jsonable(expected)
    # One ListQueues page and one GetQueueAttributes per queue, against four pages.
    assert (whole.api_calls, paged.api_calls) == (1 + 4, 4 + 4)


def test_denied_list_is_recorded_not_empty(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    deny(session, "sqs.ListQueues", "AccessDenied")
    clients = make_clients(SOURCE, "sqs")
    result = sqs.collect(clients, SOURCE)

    [error] = clients.errors
    assert (error.action, error.code) == ("sqs:ListQueues", "AccessDenied")
    assert error.to_dict()["resource_types"] == ["queue"]
    assert "fields" not in error.to_dict()
    assert result == {"queue": []}


def test_denied_attributes_leave_that_queue_bare(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    denied = _url(SOURCE, "orders")

    def deny_orders(params: dict[str, Any], **_: Any) -> None:
        if params.get("QueueUrl") == denied:
            raise ClientError(
                {"Error": {"Code": "AccessDenied", "Message": "no"}}, "GetQueueAttributes"
            )

    session.events.register("before-parameter-build.sqs.GetQueueAttributes", deny_orders)
    clients = make_clients(SOURCE, "sqs")
    queues = _by_url(sqs.collect(clients, SOURCE))

    assert len(queues) == 4  # still listed
    assert queues[denied] == {"QueueUrl": denied}
    assert queues[_url(SOURCE, "plain")]["SqsManagedSseEnabled"] == "true"
    assert queues[_url(SOURCE, "managed")]["KmsMasterKeyId"] == "alias/aws/sqs"
    [error] = clients.errors
    assert error.to_dict() == {
        "api": "sqs:GetQueueAttributes",
        "code": "AccessDenied",
        "message": "no",
        "action": "sqs:GetQueueAttributes",
        "resource_types": ["queue"],
        "fields": {"queue": sorted(sqs.ATTRIBUTES)},
        "resources": {"queue": [denied]},
    }


def test_every_attributes_call_denied(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    deny(session, "sqs.GetQueueAttributes", "AccessDenied")
    clients = make_clients(SOURCE, "sqs")
    result = sqs.collect(clients, SOURCE)

    assert result["queue"] == [
        {"QueueUrl": _url(SOURCE, name)} for name in ("orders", "plain", "clear", "managed")
    ]
    assert [e.resources for e in clients.errors] == [
        {"queue": [q["QueueUrl"]]} for q in result["queue"]
    ]
