"""moto_gaps.sqs: a queue with a KMS key reports SSE-SQS off, as AWS does.

The first test pins what plain moto does, so a correction a moto upgrade makes
unnecessary is noticed.
"""

from __future__ import annotations

from typing import Any

import boto3

from regionready.demo.moto_gaps import sqs as sqs_gaps

US, EU = "us-east-1", "eu-central-1"
ENCRYPTION = ["KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds", "SqsManagedSseEnabled"]


def _encryption(client: Any, url: str) -> dict[str, str]:
    found: dict[str, str] = client.get_queue_attributes(QueueUrl=url, AttributeNames=ENCRYPTION)[
        "Attributes"
    ]
    return found


def test_plain_moto_reports_both_encryptions(aws: None) -> None:
    plain = boto3.client("sqs", region_name=US)
    url = plain.create_queue(QueueName="q", Attributes={"KmsMasterKeyId": "alias/aws/sqs"})[
        "QueueUrl"
    ]
    assert _encryption(plain, url) == {
        "KmsMasterKeyId": "alias/aws/sqs",
        "KmsDataKeyReusePeriodSeconds": "300",
        "SqsManagedSseEnabled": "true",
    }


def test_created_with_a_key_is_not_sse_sqs(session: boto3.Session) -> None:
    client = session.client("sqs", region_name=US)
    key = session.client("kms", region_name=US).create_key()["KeyMetadata"]["Arn"]
    kms = client.create_queue(
        QueueName="kms",
        Attributes={"KmsMasterKeyId": key, "KmsDataKeyReusePeriodSeconds": "120"},
    )["QueueUrl"]
    default = client.create_queue(QueueName="default")["QueueUrl"]
    off = client.create_queue(QueueName="off", Attributes={"SqsManagedSseEnabled": "false"})[
        "QueueUrl"
    ]

    assert _encryption(client, kms) == {
        "KmsMasterKeyId": key,
        "KmsDataKeyReusePeriodSeconds": "120",
        "SqsManagedSseEnabled": "false",
    }
    assert _encryption(client, default) == {"SqsManagedSseEnabled": "true"}  # AWS's default
    assert _encryption(client, off) == {"SqsManagedSseEnabled": "false"}


def test_a_key_set_later_turns_sse_sqs_off(session: boto3.Session) -> None:
    client = session.client("sqs", region_name=US)
    url = client.create_queue(QueueName="q")["QueueUrl"]
    client.set_queue_attributes(QueueUrl=url, Attributes={"DelaySeconds": "5"})
    assert _encryption(client, url) == {"SqsManagedSseEnabled": "true"}

    client.set_queue_attributes(QueueUrl=url, Attributes={"KmsMasterKeyId": "alias/aws/sqs"})
    assert _encryption(client, url) == {
        "KmsMasterKeyId": "alias/aws/sqs",
        "KmsDataKeyReusePeriodSeconds": "300",
        "SqsManagedSseEnabled": "false",
    }


def test_only_that_queue_of_that_region(session: boto3.Session) -> None:
    us = session.client("sqs", region_name=US)
    eu = session.client("sqs", region_name=EU)
    us_url = us.create_queue(QueueName="same", Attributes={"KmsMasterKeyId": "alias/k"})["QueueUrl"]
    eu_url = eu.create_queue(QueueName="same")["QueueUrl"]
    assert _encryption(us, us_url)["SqsManagedSseEnabled"] == "false"
    assert _encryption(eu, eu_url) == {"SqsManagedSseEnabled": "true"}


def test_outside_mock_aws_nothing_is_looked_up() -> None:
    url = "https://sqs.us-east-1.amazonaws.com/123456789012/q"
    assert sqs_gaps._moto_queue(url, US) is None
    sqs_gaps._sqs_created({"QueueUrl": url}, {"client_region": US})  # no error, no effect
