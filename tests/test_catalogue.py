"""The shipped rules are the whole check catalogue (docs/checks.md, generated from them):
every ID with its kind, default severity and remediation action, a reference to the AWS
guidance it comes from, the depends_on links of issue 5, and ``regionready rules list``
showing all of it.

CATALOGUE pins the catalogue as designed (id, kind, default severity, the remediation
actions it may use), so a rule file cannot drift from it unnoticed. IAC-003's severity
follows checkov's; its rule defaults to medium.
"""

from __future__ import annotations

import json
import re

import pytest

from regionready.cli import main
from regionready.engine.rules import load_rules
from regionready.remediation import action_names

CATALOGUE: list[tuple[str, str, str, tuple[str, ...]]] = [
    ("ACM-001", "parity", "high", ("request-certificate", "reimport")),
    ("ACM-002", "readiness", "high", ()),
    ("ACM-003", "readiness", "high", ()),
    ("ACM-004", "parity", "high", ("reimport",)),
    ("ACM-005", "parity", "medium", ()),
    ("ACM-006", "readiness", "medium", ()),
    ("ACM-007", "quota", "high", ()),
    ("ACM-008", "quota", "medium", ()),
    ("ACM-009", "readiness", "high", ()),
    ("ACM-010", "parity", "medium", ()),
    ("ACM-011", "hygiene", "medium", ()),
    ("ACM-012", "quota", "low", ()),
    ("ACM-013", "parity", "medium", ()),
    ("ACM-014", "readiness", "note", ()),
    ("ACM-015", "readiness", "high", ()),
    ("ACM-016", "readiness", "medium", ()),
    ("ACM-017", "collision", "medium", ()),
    ("KMS-001", "parity", "high", ("create-key",)),
    ("KMS-002", "parity", "high", ("replicate-key",)),
    ("KMS-003", "parity", "high", ("sync-key-policy",)),
    ("KMS-004", "parity", "medium", ("enable-key-rotation",)),
    ("KMS-005", "readiness", "medium", ()),
    ("KMS-006", "parity", "high", ()),
    ("KMS-007", "hygiene", "high", ()),
    ("KMS-008", "hygiene", "low", ()),
    ("KMS-009", "quota", "low", ()),
    ("KMS-010", "readiness", "critical", ()),
    ("KMS-011", "readiness", "high", ()),
    ("KMS-012", "readiness", "critical", ()),
    ("KMS-013", "readiness", "high", ()),
    ("KMS-014", "collision", "high", ()),
    ("IDC-001", "readiness", "high", ("add-region",)),
    ("IDC-002", "readiness", "medium", ()),
    ("IDC-003", "readiness", "high", ("replicate-key",)),
    ("IDC-004", "readiness", "high", ()),
    ("IDC-005", "readiness", "high", ()),
    ("IDC-006", "readiness", "medium", ()),
    ("IDC-007", "hygiene", "critical", ("sync-key-policy",)),
    ("IDC-008", "readiness", "note", ()),
    ("STS-001", "readiness", "medium", ("set-sts-regional",)),
    ("STS-002", "readiness", "medium", ()),
    ("STS-003", "readiness", "high", ()),
    ("IAM-001", "readiness", "medium", ()),
    ("IAM-002", "readiness", "medium", ()),
    ("IAM-003", "readiness", "critical", ()),
    ("IAM-004", "readiness", "medium", ()),
    ("AA-001", "parity", "medium", ("create-analyzer",)),
    ("AA-002", "parity", "low", ("create-archive-rule",)),
    ("GD-001", "parity", "high", ("create-detector",)),
    ("GD-002", "parity", "medium", ("update-detector-features",)),
    ("GD-003", "parity", "low", ("create-filter",)),
    ("GD-004", "parity", "medium", ()),
    ("GD-005", "parity", "low", ()),
    ("SM-001", "parity", "high", ("replicate-secret",)),
    ("SM-002", "readiness", "high", ()),
    ("SM-003", "parity", "medium", ()),
    ("SM-004", "readiness", "medium", ()),
    ("SM-005", "parity", "medium", ()),
    ("SM-006", "collision", "high", ()),
    ("COG-001", "parity", "medium", ()),
    ("COG-002", "parity", "high", ()),
    ("COG-003", "parity", "medium", ()),
    ("COG-004", "parity", "medium", ()),
    ("WAF-001", "parity", "high", ("clone-web-acl",)),
    ("WAF-002", "parity", "high", ("clone-web-acl",)),
    ("WAF-003", "parity", "high", ("clone-web-acl",)),
    ("WAF-004", "readiness", "critical", ("clone-web-acl",)),
    ("WAF-005", "parity", "medium", ("clone-web-acl",)),
    ("WAF-006", "parity", "medium", ()),
    ("WAF-007", "parity", "low", ()),
    ("WAF-008", "quota", "low", ()),
    ("WAF-009", "collision", "high", ()),
    ("GEN-001", "readiness", "critical", ()),
    ("GEN-002", "readiness", "high", ("create-trail",)),
    ("GEN-003", "parity", "medium", ()),
    ("GEN-004", "readiness", "high", ()),
    ("GEN-005", "readiness", "high", ()),
    ("IAC-001", "readiness", "high", ()),
    ("IAC-002", "readiness", "medium", ()),
    ("IAC-003", "hygiene", "medium", ()),
    ("IAC-004", "readiness", "medium", ()),
]

RULES = {r.id: r for r in load_rules()}


def test_every_catalogue_id_has_exactly_one_rule_and_nothing_else() -> None:
    ids = [row[0] for row in CATALOGUE]
    assert len(ids) == len(set(ids)) == 81
    assert set(RULES) == set(ids)


@pytest.mark.parametrize(
    ("rule_id", "kind", "severity", "actions"), CATALOGUE, ids=[row[0] for row in CATALOGUE]
)
def test_rule_matches_its_catalogue_row(
    rule_id: str, kind: str, severity: str, actions: tuple[str, ...]
) -> None:
    rule = RULES[rule_id]
    assert rule.kind == kind
    assert rule.severity.value == severity
    assert rule.title and rule.description
    assert rule.remediation_text.strip()
    if actions:
        assert rule.remediation_action in actions
        assert rule.remediation_action in action_names()
    else:
        assert rule.remediation_action is None
    seeds = [r for r in rule.references if re.match(r"seed \d{3}: \S", r)]
    if rule_id != "GEN-005":  # from docs/architecture.md (incomplete collection)
        assert seeds, rule.references


@pytest.mark.parametrize(
    ("rule_id", "blockers"),
    [
        ("IDC-001", {"IDC-003", "KMS-002"}),
        ("SM-001", {"KMS-001", "KMS-002"}),
        ("WAF-002", {"WAF-001"}),
        ("WAF-003", {"WAF-001"}),
    ],
)
def test_depends_on_links_root_causes(rule_id: str, blockers: set[str]) -> None:
    assert blockers <= set(RULES[rule_id].depends_on)


def test_rules_list_shows_the_whole_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "list", "--format", "json"]) == 0
    rows = {row["id"]: row for row in json.loads(capsys.readouterr().out)}
    assert set(rows) == {row[0] for row in CATALOGUE}
    for rule_id, kind, severity, _ in CATALOGUE:
        row = rows[rule_id]
        assert (row["kind"], row["severity"]) == (kind, severity)
        assert row["service"] == RULES[rule_id].service and row["title"] == RULES[rule_id].title
    assert main(["rules", "list"]) == 0
    table = capsys.readouterr().out
    assert "81 rules" in table
    for column in ("id", "service", "kind", "severity", "title"):
        assert column in table
