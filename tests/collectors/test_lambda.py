"""The Lambda collector against moto: function names only, never their configuration."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from regionready.collectors import lambda_
from regionready.snapshot import jsonable

SOURCE = "me-central-1"
TARGET = "eu-central-1"
CANARY = "CANARY-env-password-41c2"


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return {}\n")
    return buffer.getvalue()


@pytest.fixture
def seeded(session: boto3.Session) -> list[str]:
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
    role = session.client("iam").create_role(
        RoleName="fn", AssumeRolePolicyDocument=json.dumps(trust)
    )["Role"]["Arn"]
    client = session.client("lambda", region_name=SOURCE)
    arns = []
    for name in ("rotate-db", "rotate-api", "worker"):
        arns.append(
            client.create_function(
                FunctionName=name,
                Runtime="python3.12",
                Role=role,
                Handler="index.handler",
                Code={"ZipFile": _zip()},
                Environment={"Variables": {"DB_PASSWORD": CANARY}},
                Description="rotates a secret",
            )["FunctionArn"]
        )
    return arns


def test_functions_keep_name_arn_and_runtime_only(make_clients: Any, seeded: list[str]) -> None:
    clients = make_clients(SOURCE, "lambda")
    result = lambda_.collect(clients, SOURCE)

    assert clients.errors == []
    assert sorted(f["FunctionArn"] for f in result["function"]) == sorted(seeded)
    for function in result["function"]:
        assert set(function) == {"FunctionName", "FunctionArn", "Runtime"}
        assert function["Runtime"] == "python3.12"
        assert function["FunctionArn"].endswith(f":function:{function['FunctionName']}")
    assert CANARY not in json.dumps(jsonable(result))
    assert lambda_.collect(make_clients(TARGET, "lambda"), TARGET) == {"function": []}


def test_access_denied_is_recorded(
    session: boto3.Session, make_clients: Any, seeded: list[str]
) -> None:
    def deny(**_: Any) -> None:
        raise ClientError(
            {"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "ListFunctions"
        )

    session.events.register("before-call.lambda.ListFunctions", deny)
    clients = make_clients(SOURCE, "lambda")
    result = lambda_.collect(clients, SOURCE)

    [error] = clients.errors
    assert (error.action, error.code) == ("lambda:ListFunctions", "AccessDeniedException")
    assert error.to_dict()["resource_types"] == ["function"]
    assert result == {"function": []}


def test_small_pages_collect_the_same(make_clients: Any, seeded: list[str]) -> None:
    whole = make_clients(SOURCE, "lambda")
    paged = make_clients(SOURCE, "lambda", small_pages=True)
    expected = lambda_.collect(whole, SOURCE)
    result = lambda_.collect(paged, SOURCE)

    assert jsonable(result) == jsonable(expected)
    # moto ignores MaxItems; moto_gaps pages ListFunctions one function per page.
    assert (whole.api_calls, paged.api_calls) == (1, 3)


def test_only_declared_read_only_calls(
    session: boto3.Session, make_clients: Any, seeded: list[str]
) -> None:
    called: set[str] = set()
    session.events.register("before-call.lambda", lambda model, **_: called.add(model.name))
    lambda_.collect(make_clients(SOURCE, "lambda"), SOURCE)
    assert {f"lambda:{c}" for c in called} == set(lambda_.PERMISSIONS)
