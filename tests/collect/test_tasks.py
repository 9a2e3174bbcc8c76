"""One (service x Region) task failing outside its collector stays its own: ERROR data
for that task, the others complete; an account that cannot be entered is ERROR data
with the same error fields a failed read has (snapshot.CollectionError)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from moto import mock_aws

from regionready.collect import driver as collect
from regionready.collect import organisation, sessions
from regionready.collect.accounts import AccountSpec
from regionready.snapshot import CollectionError
from regionready.topology import Pair

from .conftest import SOURCE, TARGET


def test_an_exception_outside_a_collector_is_that_tasks_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_clients = collect.Clients

    def clients(**kwargs: Any) -> Any:
        if kwargs["service"] == "kms" and kwargs["region"] == TARGET:
            raise RuntimeError("no clients")
        return real_clients(**kwargs)

    monkeypatch.setattr(collect, "Clients", clients)
    session = boto3.Session(region_name=SOURCE)
    account = sessions.AccountSession(session, None, sessions.botocore_config())
    with mock_aws():
        result = collect.collect_account(
            account, regions=[SOURCE, TARGET], services=["kms", "acm"], progress=False
        )
    broken = result.documents[(result.account, TARGET)]["services"]["kms"]
    assert broken["status"] == "error"
    [error] = broken["errors"]
    assert error["code"] == "RuntimeError" and error["message"] == "collector failed: no clients"
    assert error["api"] == "kms:collect" and error["action"] == "kms:*"
    for region, service in [(SOURCE, "kms"), (SOURCE, "acm"), (TARGET, "acm")]:
        data = result.documents[(result.account, region)]["services"][service]
        assert data["status"] == "ok", (region, service)
    assert result.api_calls["kms"] > 0


def test_an_account_that_cannot_be_entered_is_error_data(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def cannot_enter(*_: Any, **__: Any) -> Any:
        raise sessions.CollectError("x" * 400)

    monkeypatch.setattr(sessions, "open_session", cannot_enter)
    [result] = organisation.collect(
        boto3.Session(region_name=SOURCE),
        [AccountSpec("222222222222", "arn:aws:iam::222222222222:role/audit")],
        pairs=[Pair(SOURCE, TARGET)],
        services=["kms"],
        endpoint_url=None,
        progress=False,
    )
    assert result.account == "222222222222" and result.api_calls == {}
    expected = CollectionError(
        api="sts:AssumeRole",
        code="AccountUnavailable",
        message="x" * collect.MESSAGE_LIMIT,
        action="sts:AssumeRole",
        resource_types=["key", "alias"],
    ).to_dict()
    for region in (SOURCE, TARGET):
        data = result.documents[("222222222222", region)]["services"]["kms"]
        assert data["status"] == "error" and data["errors"] == [expected]
