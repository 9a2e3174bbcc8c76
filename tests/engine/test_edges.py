"""Root causes are exact: a plain ``depends_on: [ID]`` joins two rules that judge the same
resource type (it means "the same resource"); between different types a rule must say
how its resource refers to the other's (``{rule, via, to}``), never block by a whole rule."""

from __future__ import annotations

from regionready.engine.rules import load_rules


def test_every_dependency_between_resource_types_names_its_link() -> None:
    rules = {rule.id: rule for rule in load_rules()}
    whole_rule = [
        f"{rule.id} -> {other} ({rule.resource} vs {rules[other].resource})"
        for rule in rules.values()
        for other in rule.depends_on
        if other not in rule.edges and rules[other].resource != rule.resource
    ]
    assert whole_rule == []


def test_the_catalogue_has_resource_level_edges() -> None:
    rules = {rule.id: rule for rule in load_rules()}
    edged = {(rule.id, other) for rule in rules.values() for other in rule.edges}
    assert {
        ("SM-001", "KMS-001"),
        ("KMS-010", "KMS-001"),
        ("KMS-011", "KMS-002"),
        ("WAF-001", "WAF-005"),
        ("IDC-003", "KMS-002"),
        ("GD-003", "GD-001"),
        ("AA-002", "AA-001"),
    } <= edged
