"""moto_gaps.awslambda: the KMS key of a function's environment (KMSKeyArn), set and
reset by UpdateFunctionConfiguration and absent for "", as AWS does.

The first test pins what plain moto does, so a correction a moto upgrade makes
unnecessary is noticed.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import boto3

from regionready.demo.moto_gaps import awslambda as lambda_gaps
from regionready.demo.moto_gaps._common import remember_params

US, EU = "us-east-1", "eu-central-1"
ABSENT = "<absent>"


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return {}\n")
    return buffer.getvalue()


def _create(session: boto3.Session, region: str, name: str, **kwargs: Any) -> dict[str, Any]:
    iam = session.client("iam")
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    try:
        role = iam.get_role(RoleName="fn")["Role"]["Arn"]
    except iam.exceptions.NoSuchEntityException:
        role = iam.create_role(RoleName="fn", AssumeRolePolicyDocument=json.dumps(trust))["Role"][
            "Arn"
        ]
    created: dict[str, Any] = session.client("lambda", region_name=region).create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=role,
        Handler="index.handler",
        Code={"ZipFile": _zip()},
        **kwargs,
    )
    return created


def _keys(client: Any) -> dict[str, str]:
    return {
        f["FunctionName"]: f.get("KMSKeyArn", ABSENT) for f in client.list_functions()["Functions"]
    }


def _key_arn(session: boto3.Session, region: str) -> str:
    return str(session.client("kms", region_name=region).create_key()["KeyMetadata"]["Arn"])


def test_plain_moto_ignores_updates_and_keeps_empty_keys(aws: None) -> None:
    plain = boto3.Session(region_name=US)  # no moto_gaps
    key = _key_arn(plain, US)
    assert _create(plain, US, "empty", KMSKeyArn="")["KMSKeyArn"] == ""
    _create(plain, US, "plain")
    client = plain.client("lambda", region_name=US)
    updated = client.update_function_configuration(FunctionName="plain", KMSKeyArn=key)

    assert updated.get("KMSKeyArn", ABSENT) == ABSENT  # the key asked for is ignored
    assert _keys(client) == {"empty": "", "plain": ABSENT}


def test_create_keeps_a_key_and_drops_an_empty_one(session: boto3.Session) -> None:
    key = _key_arn(session, US)
    assert _create(session, US, "encrypted", KMSKeyArn=key)["KMSKeyArn"] == key
    assert "KMSKeyArn" not in _create(session, US, "empty", KMSKeyArn="")
    assert "KMSKeyArn" not in _create(session, US, "plain")

    client = session.client("lambda", region_name=US)
    assert _keys(client) == {"encrypted": key, "empty": ABSENT, "plain": ABSENT}
    assert "KMSKeyArn" not in client.get_function_configuration(FunctionName="empty")


def test_update_sets_and_resets_the_key(session: boto3.Session) -> None:
    first, second = _key_arn(session, US), _key_arn(session, US)
    _create(session, US, "f", KMSKeyArn=first)
    _create(session, US, "other")
    client = session.client("lambda", region_name=US)

    updated = client.update_function_configuration(FunctionName="f", KMSKeyArn=second)
    assert updated["KMSKeyArn"] == second
    assert client.get_function_configuration(FunctionName="f")["KMSKeyArn"] == second
    assert _keys(client) == {"f": second, "other": ABSENT}

    # An update that does not name the key leaves it alone.
    client.update_function_configuration(FunctionName="f", Description="d")
    assert _keys(client)["f"] == second

    reset = client.update_function_configuration(FunctionName="f", KMSKeyArn="")
    assert "KMSKeyArn" not in reset
    assert _keys(client) == {"f": ABSENT, "other": ABSENT}


def test_only_that_function_of_that_region(session: boto3.Session) -> None:
    key = _key_arn(session, US)
    _create(session, US, "same")
    _create(session, EU, "same")
    session.client("lambda", region_name=US).update_function_configuration(
        FunctionName="same", KMSKeyArn=key
    )
    assert _keys(session.client("lambda", region_name=US)) == {"same": key}
    assert _keys(session.client("lambda", region_name=EU)) == {"same": ABSENT}


def test_outside_mock_aws_nothing_changes() -> None:
    context: dict[str, Any] = {}
    remember_params({"FunctionName": "f", "KMSKeyArn": ""}, context)
    answer = {"FunctionArn": f"arn:aws:lambda:{US}:123456789012:function:f", "KMSKeyArn": ""}
    lambda_gaps._lambda_key(answer, context)
    assert answer["KMSKeyArn"] == ""  # no moto to correct: the answer stays as it came
