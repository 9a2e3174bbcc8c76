"""create-analyzer (AA-001): the source's analyzer, with its configuration, in the target
(its archive rules: create-archive-rule, AA-002); an analyzer is never replaced."""

from __future__ import annotations

from typing import Any

import pytest

from regionready.demo.seed import DemoPlan
from regionready.remediation import Change, RemediationError, TargetClients, action

from .conftest import ANALYZER, SOURCE, TARGET, Harness, stubbed

AA_RULES = ("AA-001", "AA-002")
AA_ACTIONS = ("create-analyzer", "create-archive-rule")


def test_create_analyzer_and_its_archive_rules(seeded: DemoPlan, seeded_harness: Harness) -> None:
    h = seeded_harness
    account = seeded.account_id
    bucket_arn = f"arn:aws:s3:{SOURCE}:{account}:accesspoint/reports"
    src = h.client("accessanalyzer", SOURCE)
    configuration = {
        "internalAccess": {
            "analysisRule": {
                "inclusions": [
                    {"accountIds": [account], "resourceArns": [bucket_arn]},
                ]
            }
        }
    }
    arn = src.create_analyzer(
        analyzerName="internal-access",
        type="ACCOUNT_INTERNAL_ACCESS",
        configuration=configuration,
        tags={"Team": "security"},
    )["arn"]
    src.create_archive_rule(
        analyzerName="internal-access",
        ruleName="ignore-reports-access-point",
        filter={"resource": {"eq": [bucket_arn]}},
    )
    before = h.collect(("accessanalyzer",))
    assert h.failing(before, *AA_RULES) == {
        ("AA-001", arn),
        ("AA-002", "internal-access/ignore-reports-access-point"),
        ("AA-002", seeded.failing["AA-002"][0]),
    }
    code, plan, _ = h.remediate(before, rules=AA_RULES)
    assert code == 0
    assert [(c["action"], c["resource"]) for c in plan["changes"]] == [
        ("create-analyzer", "ACCOUNT_INTERNAL_ACCESS/internal-access"),
        ("create-archive-rule", "ACCOUNT_INTERNAL_ACCESS/ignore-reports-access-point"),
        ("create-archive-rule", "ACCOUNT/ignore-audit-kms-keys"),
    ]
    assert h.failing(h.collect(("accessanalyzer",)), *AA_RULES) == h.failing(before, *AA_RULES)

    writes, first, replay = h.apply_twice(before, AA_RULES, AA_ACTIONS)
    assert sorted(w.operation for w in writes) == [
        "CreateAnalyzer",
        "CreateArchiveRule",
        "CreateArchiveRule",
    ]
    assert {e["outcome"] for e in first} == {"applied"}
    assert {e["outcome"] for e in replay} == {"unchanged"}

    after = h.collect(("accessanalyzer",))
    assert h.failing(after, *AA_RULES) == set()
    tgt = h.client("accessanalyzer", TARGET)
    made = tgt.get_analyzer(analyzerName="internal-access")["analyzer"]
    target_bucket = bucket_arn.replace(SOURCE, TARGET)
    assert made["type"] == "ACCOUNT_INTERNAL_ACCESS" and made["tags"] == {"Team": "security"}
    inclusion = made["configuration"]["internalAccess"]["analysisRule"]["inclusions"][0]
    assert inclusion["resourceArns"] == [target_bucket], "ARNs mapped to the target"
    rule = tgt.get_archive_rule(
        analyzerName="internal-access", ruleName="ignore-reports-access-point"
    )
    assert rule["archiveRule"]["filter"] == {"resource": {"eq": [target_bucket]}}
    # The demo's missing rule went onto the target's ACCOUNT analyzer, whatever its name.
    assert tgt.get_archive_rule(analyzerName="external-access", ruleName="ignore-audit-kms-keys")
    assert h.remediate(after, rules=AA_RULES)[1]["changes"] == []


@pytest.mark.parametrize(
    ("existing", "outcome"),
    [
        ({**ANALYZER, "name": "internal-access"}, "named internal-access of type ACCOUNT exists"),
        (
            {
                **ANALYZER,
                "name": "internal-access",
                "type": "ACCOUNT_INTERNAL_ACCESS",
                "status": "FAILED",
            },
            "is FAILED",
        ),
        (
            {
                **ANALYZER,
                "name": "internal-access",
                "type": "ACCOUNT_INTERNAL_ACCESS",
                "status": "CREATING",
            },
            "already present",
        ),
    ],
)
def test_create_analyzer_never_replaces_an_analyzer(existing: dict[str, Any], outcome: str) -> None:
    change = Change(
        action="create-analyzer",
        rule_id="AA-001",
        fingerprint="f",
        account="123456789012",
        region=TARGET,
        resource="ACCOUNT_INTERNAL_ACCESS/internal-access",
        summary="",
        params={"analyzerName": "internal-access", "type": "ACCOUNT_INTERNAL_ACCESS", "tags": {}},
    )
    made, stubber = stubbed("accessanalyzer", [("list_analyzers", {"analyzers": [existing]}, {})])
    clients = TargetClients(lambda s, r: made, SOURCE, TARGET)
    module = action("create-analyzer")
    if outcome == "already present":
        assert module.apply(change, clients).startswith(outcome)
    else:
        with pytest.raises(RemediationError, match=outcome):
            module.apply(change, clients)
    stubber.assert_no_pending_responses()  # no CreateAnalyzer was attempted
