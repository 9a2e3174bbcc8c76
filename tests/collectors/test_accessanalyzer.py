"""The Access Analyzer collector against moto + moto_gaps (moto has no Access Analyzer)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from regionready.collectors import accessanalyzer
from regionready.demo import seed_detection
from regionready.demo.seed import DemoPlan
from regionready.engine.evaluation import evaluate
from regionready.engine.fixtures import scan_from_case
from regionready.engine.rules import load_rules
from regionready.snapshot import jsonable

SOURCE = "me-central-1"
TARGET = "eu-central-1"
PUBLIC = {"isPublic": {"eq": ["true"]}}
BUCKETS = {"resourceType": {"eq": ["AWS::S3::Bucket"]}}


@pytest.fixture
def seeded(session: boto3.Session) -> dict[str, str]:
    src = session.client("accessanalyzer", region_name=SOURCE)
    arns = {
        "external": src.create_analyzer(
            analyzerName="external",
            type="ACCOUNT",
            tags={"team": "security"},
            archiveRules=[{"ruleName": "public", "filter": PUBLIC}],
        )["arn"],
        "unused": src.create_analyzer(analyzerName="unused", type="ACCOUNT_UNUSED_ACCESS")["arn"],
        "internal": src.create_analyzer(analyzerName="internal", type="ACCOUNT_INTERNAL_ACCESS")[
            "arn"
        ],
    }
    src.create_archive_rule(analyzerName="external", ruleName="buckets", filter=BUCKETS)
    src.create_archive_rule(analyzerName="internal", ruleName="buckets", filter=BUCKETS)
    return arns


def _by(items: list[dict[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    return {str(i[key]): i for i in items}


def test_analyzers_and_archive_rules(make_clients: Any, seeded: dict[str, str]) -> None:
    clients = make_clients(SOURCE, "accessanalyzer")
    result = accessanalyzer.collect(clients, SOURCE)

    assert clients.errors == []
    analyzers = _by(result["analyzer"], "arn")
    assert set(analyzers) == set(seeded.values())
    external = analyzers[seeded["external"]]
    assert (external["name"], external["type"], external["status"]) == (
        "external",
        "ACCOUNT",
        "ACTIVE",
    )
    assert external["tags"] == {"team": "security"}
    assert analyzers[seeded["unused"]]["configuration"] == {"unusedAccess": {"unusedAccessAge": 90}}
    assert {a["type"] for a in analyzers.values()} == {
        "ACCOUNT",
        "ACCOUNT_UNUSED_ACCESS",
        "ACCOUNT_INTERNAL_ACCESS",
    }

    rules = _by(result["archive_rule"], "Id")
    # The same rule name on two analyzers stays two items.
    assert set(rules) == {"external/public", "external/buckets", "internal/buckets"}
    public = rules["external/public"]
    assert public["ruleName"] == "public"
    assert public["filter"] == PUBLIC
    assert public["analyzer"] == {
        "arn": seeded["external"],
        "name": "external",
        "type": "ACCOUNT",
        "status": "ACTIVE",
    }
    assert rules["internal/buckets"]["analyzer"]["type"] == "ACCOUNT_INTERNAL_ACCESS"
    assert isinstance(public["createdAt"], dt.datetime)
    json.dumps(jsonable(result))


def test_no_analyzer_is_an_empty_region(make_clients: Any, seeded: dict[str, str]) -> None:
    clients = make_clients(TARGET, "accessanalyzer")
    assert accessanalyzer.collect(clients, TARGET) == {"analyzer": [], "archive_rule": []}
    assert clients.errors == []


def _deny(operation: str) -> Any:
    def deny(**_: Any) -> None:
        raise ClientError(
            {"Error": {"Code": "AccessDeniedException", "Message": "not authorized"}}, operation
        )

    return deny


def test_list_analyzers_denied_feeds_both_types(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    # register_first: the moto_gaps answer for the operation would otherwise win.
    session.events.register_first(
        "before-call.accessanalyzer.ListAnalyzers", _deny("ListAnalyzers")
    )
    clients = make_clients(SOURCE, "accessanalyzer")
    result = accessanalyzer.collect(clients, SOURCE)

    [error] = clients.errors
    assert error.action == "access-analyzer:ListAnalyzers"
    assert error.to_dict()["resource_types"] == ["analyzer", "archive_rule"]
    assert result == {"analyzer": [], "archive_rule": []}


def test_list_archive_rules_denied_leaves_analyzers_usable(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    session.events.register_first(
        "before-call.accessanalyzer.ListArchiveRules", _deny("ListArchiveRules")
    )
    clients = make_clients(SOURCE, "accessanalyzer")
    result = accessanalyzer.collect(clients, SOURCE)

    assert {e.action for e in clients.errors} == {"access-analyzer:ListArchiveRules"}
    assert all(e.to_dict()["resource_types"] == ["archive_rule"] for e in clients.errors)
    assert len(clients.errors) == 3  # once per analyzer
    assert len(result["analyzer"]) == 3
    assert result["archive_rule"] == []


def test_small_pages_collect_the_same(make_clients: Any, seeded: dict[str, str]) -> None:
    whole = make_clients(SOURCE, "accessanalyzer")
    paged = make_clients(SOURCE, "accessanalyzer", small_pages=True)
    expected = accessanalyzer.collect(whole, SOURCE)
    result = accessanalyzer.collect(paged, SOURCE)

    assert jsonable(result) == jsonable(expected)
    # 3 analyzers one per page; archive rules 2 + 0 + 1, one per page.
    assert whole.api_calls == 1 + 3
    assert paged.api_calls == 3 + (2 + 1 + 1)


def test_only_declared_read_only_calls(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    called: set[str] = set()
    # before-parameter-build runs for every call; before-call stops at the moto_gaps answer.
    session.events.register(
        "before-parameter-build.accessanalyzer",
        lambda model, **_: called.add(f"access-analyzer:{model.name}"),
    )
    accessanalyzer.collect(make_clients(SOURCE, "accessanalyzer"), SOURCE)

    assert called == set(accessanalyzer.PERMISSIONS)
    assert all(c.split(":")[1].startswith(("List", "Describe", "Get")) for c in called)


def test_demo_seed_gives_the_planted_results(session: boto3.Session, make_clients: Any) -> None:
    plan = DemoPlan(
        source=SOURCE, target=TARGET, account_id="123456789012", now=dt.datetime.now(dt.UTC)
    )
    seed_detection.seed(session, plan)
    case = {
        side: {
            "accessanalyzer": jsonable(accessanalyzer.collect(make_clients(region, "x"), region))
        }
        for side, region in (("source", SOURCE), ("target", TARGET))
    }
    rules = [r for r in load_rules() if r.id in ("AA-001", "AA-002")]
    results = evaluate(scan_from_case(rules[0], case), rules, now=plan.now)
    failed = {(r.rule_id, r.resource_id) for r in results if r.status.value == "FAIL"}
    passed = {r.resource_id for r in results if r.status.value == "PASS"}

    assert failed == {("AA-002", rid) for rid in plan.failing["AA-002"]}
    assert "AA-001" not in plan.failing
    assert f"arn:aws:access-analyzer:{TARGET}:123456789012:analyzer/external-access" in passed
    assert "external-access/ignore-partner-buckets" in passed
    assert not {rid for _, rid in failed} & set(plan.healthy)
