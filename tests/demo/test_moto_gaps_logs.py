"""moto_gaps.logs: AssociateKmsKey and DisassociateKmsKey, which moto lacks, answered as
AWS does.

The first test pins what plain moto does, so a correction a moto upgrade makes
unnecessary is noticed.
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from regionready.demo.moto_gaps import logs as logs_gaps
from regionready.demo.moto_gaps._common import remember_params

US, EU = "us-east-1", "eu-central-1"
ACCOUNT = "123456789012"


@pytest.fixture
def key(session: boto3.Session) -> str:
    return str(session.client("kms", region_name=US).create_key()["KeyMetadata"]["Arn"])


def _keys(client: Any) -> dict[str, str | None]:
    return {g["logGroupName"]: g.get("kmsKeyId") for g in client.describe_log_groups()["logGroups"]}


def _group_arn(region: str, name: str) -> str:
    return f"arn:aws:logs:{region}:{ACCOUNT}:log-group:{name}"


def test_plain_moto_lacks_associate_and_disassociate(aws: None) -> None:
    plain = boto3.client("logs", region_name=US)
    plain.create_log_group(logGroupName="g")
    with pytest.raises(NotImplementedError, match="associate_kms_key"):
        plain.associate_kms_key(logGroupName="g", kmsKeyId=f"arn:aws:kms:{US}:{ACCOUNT}:key/x")
    with pytest.raises(NotImplementedError, match="disassociate_kms_key"):
        plain.disassociate_kms_key(logGroupName="g")
    # What moto already does right: the key given at creation is reported.
    plain.create_log_group(logGroupName="k", kmsKeyId="arn:aws:kms:us-east-1:1:key/k")
    assert _keys(plain) == {"g": None, "k": "arn:aws:kms:us-east-1:1:key/k"}


def test_associate_then_disassociate_by_name(session: boto3.Session, key: str) -> None:
    client = session.client("logs", region_name=US)
    client.create_log_group(logGroupName="/app/a")
    client.create_log_group(logGroupName="/app/b")

    answer = client.associate_kms_key(logGroupName="/app/a", kmsKeyId=key)
    assert {k: v for k, v in answer.items() if k != "ResponseMetadata"} == {}
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert _keys(client) == {"/app/a": key, "/app/b": None}

    client.disassociate_kms_key(logGroupName="/app/a")
    described = client.describe_log_groups()["logGroups"]
    assert all("kmsKeyId" not in g for g in described)  # absent, not null


def test_resource_identifier_is_the_group_arn(session: boto3.Session, key: str) -> None:
    client = session.client("logs", region_name=US)
    client.create_log_group(logGroupName="/app/a", kmsKeyId=key)
    client.create_log_group(logGroupName="/app/b")

    client.associate_kms_key(resourceIdentifier=_group_arn(US, "/app/b"), kmsKeyId=key)
    client.disassociate_kms_key(resourceIdentifier=_group_arn(US, "/app/a") + ":*")
    assert _keys(client) == {"/app/a": None, "/app/b": key}


def test_errors_as_aws_gives_them(session: boto3.Session, key: str) -> None:
    client = session.client("logs", region_name=US)
    client.create_log_group(logGroupName="g")

    with pytest.raises(ClientError) as missing:
        client.associate_kms_key(logGroupName="nope", kmsKeyId=key)
    assert missing.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert missing.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.disassociate_kms_key(logGroupName="nope")
    with pytest.raises(client.exceptions.InvalidParameterException):
        client.associate_kms_key(
            logGroupName="g", resourceIdentifier=_group_arn(US, "g"), kmsKeyId=key
        )
    with pytest.raises(client.exceptions.InvalidParameterException):
        client.disassociate_kms_key()
    assert _keys(client) == {"g": None}


def test_only_the_callers_region(session: boto3.Session, key: str) -> None:
    us = session.client("logs", region_name=US)
    eu = session.client("logs", region_name=EU)
    us.create_log_group(logGroupName="same")
    eu.create_log_group(logGroupName="same")
    us.associate_kms_key(logGroupName="same", kmsKeyId=key)
    assert (_keys(us), _keys(eu)) == ({"same": key}, {"same": None})
    with pytest.raises(eu.exceptions.ResourceNotFoundException):
        eu.associate_kms_key(logGroupName="us-only", kmsKeyId=key)


def test_query_results_are_left_to_moto(session: boto3.Session, key: str) -> None:
    client = session.client("logs", region_name=US)
    with pytest.raises(NotImplementedError):
        client.associate_kms_key(
            resourceIdentifier=f"arn:aws:logs:{US}:{ACCOUNT}:query-result:*", kmsKeyId=key
        )


def test_outside_mock_aws_the_hooks_answer_nothing() -> None:
    context: dict[str, Any] = {"client_region": US}
    remember_params({"logGroupName": "g", "kmsKeyId": "k"}, context)
    assert logs_gaps._associate(request_signer=None, context=context) is None
    assert logs_gaps._disassociate(request_signer=None, context=context) is None
