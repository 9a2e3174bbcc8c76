"""The Lambda collector against moto: function names, the KMS key of their environment
(KMSKeyArn), and of their variables only AWS_STS_REGIONAL_ENDPOINTS, dropped from the rest
on receipt."""

from __future__ import annotations

import copy
import io
import json
import zipfile
from typing import Any

import boto3
import pytest
from botocore.client import BaseClient
from botocore.exceptions import ClientError

from regionready.collectors import lambda_
from regionready.snapshot import jsonable

SOURCE = "me-central-1"
TARGET = "eu-central-1"
CANARY = "CANARY-env-password-41c2"
TOKEN_CANARY = "CANARY-env-token-9d07"
STS = "AWS_STS_REGIONAL_ENDPOINTS"


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


def test_customer_key_of_the_environment_is_kept(
    session: boto3.Session, make_clients: Any, seeded: list[str]
) -> None:
    """KMSKeyArn (the customer managed key of the environment variables) is kept when set;
    a function on the Lambda service key has none. The variables themselves are not."""
    key = session.client("kms", region_name=SOURCE).create_key()["KeyMetadata"]["Arn"]
    role = session.client("iam").get_role(RoleName="fn")["Role"]["Arn"]
    arn = session.client("lambda", region_name=SOURCE).create_function(
        FunctionName="encrypted",
        Runtime="python3.12",
        Role=role,
        Handler="index.handler",
        Code={"ZipFile": _zip()},
        Environment={"Variables": {"DB_PASSWORD": CANARY}},
        KMSKeyArn=key,
    )["FunctionArn"]
    clients = make_clients(SOURCE, "lambda")
    functions = {f["FunctionName"]: f for f in lambda_.collect(clients, SOURCE)["function"]}

    assert clients.errors == []
    assert functions["encrypted"] == {
        "FunctionName": "encrypted",
        "FunctionArn": arn,
        "Runtime": "python3.12",
        "KMSKeyArn": key,
    }
    assert "KMSKeyArn" not in functions["worker"]
    assert CANARY not in json.dumps(jsonable(functions))


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


@pytest.fixture
def with_sts(session: boto3.Session, seeded: list[str]) -> str:
    """A fourth function that sets the STS variable next to two secrets."""
    client = session.client("lambda", region_name=SOURCE)
    role = session.client("iam").get_role(RoleName="fn")["Role"]["Arn"]
    return str(
        client.create_function(
            FunctionName="sts-regional",
            Runtime="python3.12",
            Role=role,
            Handler="index.handler",
            Code={"ZipFile": _zip()},
            Environment={
                "Variables": {"DB_PASSWORD": CANARY, STS: "regional", "API_TOKEN": TOKEN_CANARY}
            },
        )["FunctionArn"]
    )


def test_only_the_sts_variable_is_kept(make_clients: Any, with_sts: str) -> None:
    clients = make_clients(SOURCE, "lambda")
    result = lambda_.collect(clients, SOURCE)

    assert clients.errors == []
    functions = {f["FunctionName"]: f for f in result["function"]}
    assert set(functions) == {"rotate-db", "rotate-api", "worker", "sts-regional"}
    assert functions["sts-regional"] == {
        "FunctionName": "sts-regional",
        "FunctionArn": with_sts,
        "Runtime": "python3.12",
        "Environment": {"Variables": {STS: "regional"}},
    }
    for name in ("rotate-db", "rotate-api", "worker"):  # secrets only: no Environment
        assert set(functions[name]) == {"FunctionName", "FunctionArn", "Runtime"}
    text = json.dumps(jsonable(result))
    assert CANARY not in text and TOKEN_CANARY not in text
    assert "DB_PASSWORD" not in text and "API_TOKEN" not in text


def test_environment_is_dropped_from_each_page_on_receipt(
    monkeypatch: pytest.MonkeyPatch, make_clients: Any, with_sts: str
) -> None:
    """Every ListFunctions page, as the botocore client returns it to the paginator (one
    function per page here), already holds no variable but the STS one."""
    pages: list[dict[str, Any]] = []
    original = BaseClient._make_api_call

    def spy(self: BaseClient, operation_name: str, api_params: dict[str, Any]) -> Any:
        response = original(self, operation_name, api_params)
        if operation_name == "ListFunctions":
            pages.append(copy.deepcopy(response))
        return response

    monkeypatch.setattr(BaseClient, "_make_api_call", spy)
    clients = make_clients(SOURCE, "lambda", small_pages=True)
    result = lambda_.collect(clients, SOURCE)

    assert clients.errors == [] and len(result["function"]) == 4
    assert len(pages) == clients.api_calls == 4
    variables = [
        f["Environment"]["Variables"]
        for page in pages
        for f in page["Functions"]
        if "Environment" in f
    ]
    assert variables == [{STS: "regional"}]
    text = json.dumps(pages, default=str)
    assert CANARY not in text and TOKEN_CANARY not in text


def test_drop_environment_keeps_nothing_but_the_sts_variable() -> None:
    page: dict[str, Any] = {
        "Functions": [
            {"FunctionName": "a", "Environment": {"Variables": {STS: "legacy", "K": CANARY}}},
            {
                "FunctionName": "b",
                "Environment": {
                    "Variables": {"K": CANARY},
                    "Error": {"ErrorCode": "KMSAccessDenied", "Message": CANARY},
                },
            },
            {"FunctionName": "c", "Environment": {"Error": {"Message": CANARY}}},
            {"FunctionName": "d"},
        ]
    }
    lambda_.drop_environment(page)
    assert page == {
        "Functions": [
            {"FunctionName": "a", "Environment": {"Variables": {STS: "legacy"}}},
            {"FunctionName": "b"},
            {"FunctionName": "c"},
            {"FunctionName": "d"},
        ]
    }
    lambda_.drop_environment(page)  # idempotent (applied again after paginate)
    assert page["Functions"][0] == {
        "FunctionName": "a",
        "Environment": {"Variables": {STS: "legacy"}},
    }
