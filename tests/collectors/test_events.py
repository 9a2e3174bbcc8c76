"""The EventBridge collector against moto: the default bus's rules."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from regionready.collectors import events
from regionready.snapshot import jsonable

REGION = "eu-central-1"
EXPIRY = {"source": ["aws.acm"], "detail-type": ["ACM Certificate Approaching Expiration"]}


@pytest.fixture
def rules(session: boto3.Session) -> dict[str, str]:
    client = session.client("events", region_name=REGION)
    made = {
        "expiry": client.put_rule(Name="acm-expiry", EventPattern=json.dumps(EXPIRY))["RuleArn"],
        "off": client.put_rule(
            Name="guardduty",
            EventPattern=json.dumps({"source": ["aws.guardduty"]}),
            State="DISABLED",
        )["RuleArn"],
        "nightly": client.put_rule(Name="nightly", ScheduleExpression="rate(1 day)")["RuleArn"],
    }
    client.create_event_bus(Name="ops")
    client.put_rule(Name="on-ops", EventBusName="ops", EventPattern=json.dumps({"source": ["x"]}))
    return made


def test_rules_of_the_default_bus(make_clients: Any, rules: dict[str, str]) -> None:
    clients = make_clients(REGION, "events")
    items = {r["Arn"]: r for r in events.collect(clients, REGION)["rule"]}

    assert clients.errors == []
    assert set(items) == set(rules.values())  # the custom bus's rule is not read
    expiry = items[rules["expiry"]]
    assert expiry["Name"] == "acm-expiry"
    assert json.loads(expiry["EventPattern"]) == EXPIRY  # a JSON string, as AWS returns it
    assert (expiry["State"], expiry["EventBusName"]) == ("ENABLED", "default")
    assert items[rules["off"]]["State"] == "DISABLED"
    assert items[rules["nightly"]]["ScheduleExpression"] == "rate(1 day)"
    assert "EventPattern" not in items[rules["nightly"]]


def test_small_pages_collect_the_same(make_clients: Any, rules: dict[str, str]) -> None:
    whole = make_clients(REGION, "events")
    paged = make_clients(REGION, "events", small_pages=True)
    assert jsonable(events.collect(paged, REGION)) == jsonable(events.collect(whole, REGION))
    assert paged.api_calls == 3


def test_denied_is_recorded(
    session: boto3.Session, make_clients: Any, rules: dict[str, str]
) -> None:
    def fail(**_: Any) -> None:
        raise ClientError(
            {"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "ListRules"
        )

    session.events.register("before-parameter-build.eventbridge.ListRules", fail)
    clients = make_clients(REGION, "events")
    assert events.collect(clients, REGION) == {"rule": []}
    [error] = clients.errors
    assert (error.action, error.resource_types) == ("events:ListRules", ["rule"])


def test_only_declared_read_only_calls(
    session: boto3.Session, make_clients: Any, rules: dict[str, str]
) -> None:
    called: set[str] = set()
    session.events.register(
        "before-call",
        lambda model, **_: called.add(f"{model.service_model.signing_name}:{model.name}"),
    )
    events.collect(make_clients(REGION, "events"), REGION)
    assert called == set(events.PERMISSIONS)
