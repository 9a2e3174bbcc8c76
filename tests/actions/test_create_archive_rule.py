"""create-archive-rule (AA-002): the source analyzer's archive rule on the target's
analyzer of the same type; a same-named rule with another filter is updated, never
deleted. The end-to-end run with create-analyzer is in test_create_analyzer.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

from regionready.remediation import Change, TargetClients, action

from .conftest import ANALYZER, SOURCE, TARGET, stubbed


def rule_change(filter_: dict[str, Any]) -> Change:
    return Change(
        action="create-archive-rule",
        rule_id="AA-002",
        fingerprint="f",
        account="123456789012",
        region=TARGET,
        resource="ACCOUNT/ignore-audit-kms-keys",
        summary="",
        params={
            "type": "ACCOUNT",
            "sourceAnalyzer": "org-external-access",
            "ruleName": "ignore-audit-kms-keys",
            "filter": filter_,
        },
    )


def archive_rule(filter_: dict[str, Any]) -> dict[str, Any]:
    when = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    return {
        "ruleName": "ignore-audit-kms-keys",
        "filter": filter_,
        "createdAt": when,
        "updatedAt": when,
    }


def test_create_archive_rule_updates_a_same_named_rule_with_another_filter() -> None:
    wanted = {"resourceType": {"eq": ["AWS::KMS::Key"]}, "principal.AWS": {"eq": ["1", "2"]}}
    other = {"resourceType": {"eq": ["AWS::KMS::Key"]}}
    reordered = {"principal.AWS": {"eq": ["2", "1"]}, "resourceType": {"eq": ["AWS::KMS::Key"]}}
    module = action("create-archive-rule")
    listing = ("list_analyzers", {"analyzers": [ANALYZER]}, {"type": "ACCOUNT"})

    made, stubber = stubbed(
        "accessanalyzer",
        [
            listing,
            ("list_archive_rules", {"archiveRules": [archive_rule(other)]}, None),
            (
                "update_archive_rule",
                {},
                {
                    "analyzerName": "external-access",
                    "ruleName": "ignore-audit-kms-keys",
                    "filter": wanted,
                },
            ),
        ],
    )
    clients = TargetClients(lambda s, r: made, SOURCE, TARGET)
    outcome = module.apply(rule_change(wanted), clients)
    assert outcome == "updated the filter of archive rule ignore-audit-kms-keys on external-access"
    stubber.assert_no_pending_responses()

    made, stubber = stubbed(
        "accessanalyzer",
        [listing, ("list_archive_rules", {"archiveRules": [archive_rule(reordered)]}, None)],
    )
    clients = TargetClients(lambda s, r: made, SOURCE, TARGET)
    assert module.apply(rule_change(wanted), clients).startswith("already present")
    stubber.assert_no_pending_responses()
