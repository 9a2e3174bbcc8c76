"""build_plan: which findings make which step, and the order of the steps (phases,
blockers first, cycles, severity, rule id), what each step unblocks, needs_source."""

from __future__ import annotations

import random
from typing import Any

import pytest

from regionready.cutover.phases import DATA_RULE_IDS, PHASES, SERVICE_PHASES, phase_of
from regionready.cutover.steps import Plan, build_plan
from regionready.engine.rules import Rule, load_rules
from regionready.model import Result, Severity, Status

from .conftest import ACCOUNT, SOURCE, TARGET, finding, report, rule


def plan_of(results: list[Result], rules: list[Rule], **kwargs: Any) -> Plan:
    return build_plan(report(results, rules), rules, **kwargs)


def order(plan: Plan) -> list[str]:
    return [step.rule_id for step in plan.steps]


# -- phases ------------------------------------------------------------------------------


def test_steps_go_phase_by_phase() -> None:
    rules = [
        rule("IAC-001", "iac", severity=Severity.CRITICAL),
        rule("GD-001", "guardduty", severity=Severity.CRITICAL),
        rule("WAF-001", "waf"),
        rule("IDC-001", "idc"),
        rule("SM-001", "secretsmanager"),
        rule("ACM-001", "acm"),
        rule("KMS-010", "kms", needs_source=True, resource="ec2.volume"),
        rule("KMS-001", "kms", severity=Severity.LOW),
    ]
    results = [finding(r.id, f"res-{r.id}") for r in reversed(rules)]
    plan = plan_of(results, rules)
    assert order(plan) == [
        "KMS-001",
        "KMS-010",
        "ACM-001",
        "SM-001",
        "IDC-001",
        "WAF-001",
        "GD-001",
        "IAC-001",
    ]
    assert [s.phase for s in plan.steps] == list(PHASES)
    assert [s.number for s in plan.steps] == list(range(1, 9))
    assert [p for p, _ in plan.phases()] == list(PHASES)


def test_every_catalogue_service_has_its_phase() -> None:
    """Each service the catalogue uses is mapped on purpose, and a rule is "other" only
    when its service is deliberately other."""
    catalogue = load_rules()
    for r in catalogue:
        assert r.service in SERVICE_PHASES, f"{r.id}: map service {r.service!r} to a phase"
        if phase_of(r) == "other":
            assert SERVICE_PHASES[r.service] == "other", r.id
    phases = {r.id: phase_of(r) for r in catalogue}
    expected = {
        "KMS-001": "keys",
        "KMS-002": "keys",
        "ACM-001": "certificates",
        "SM-001": "secrets",
        "IDC-001": "identity",
        "IAM-001": "identity",
        "STS-001": "identity",
        "COG-001": "identity",
        "COG-004": "identity",
        "WAF-001": "waf",
        "GD-001": "detection",
        "AA-001": "detection",
        "GEN-002": "detection",  # CloudTrail
        "GEN-003": "detection",  # EventBridge
        "GEN-001": "other",
        "GEN-005": "other",
        "IAC-001": "other",
    }
    assert {rid: phases[rid] for rid in expected} == expected
    for rule_id in DATA_RULE_IDS:
        assert phases.get(rule_id, "data") == "data", rule_id


def test_data_phase_is_the_data_rules_and_source_reading_data_stores() -> None:
    assert phase_of(rule("KMS-012", "kms")) == "data"
    assert phase_of(rule("S3-001", "s3", needs_source=True)) == "data"
    assert phase_of(rule("X-001", "kms", needs_source=True, resource="rds.db_instance")) == "data"
    assert phase_of(rule("S3-002", "s3")) == "other"  # a data store, nothing read
    assert phase_of(rule("SM-009", "secretsmanager", needs_source=True)) == "secrets"
    assert phase_of(rule("KMS-002", "kms", needs_source=True)) == "keys"
    assert phase_of(rule("GEN-009", "gen", resource="events.rule")) == "detection"
    assert phase_of(rule("NEW-001", "brand-new")) == "other"


# -- order inside and across phases ------------------------------------------------------


def test_a_blocker_comes_first_whatever_its_severity() -> None:
    rules = [rule("KMS-001", "kms"), rule("KMS-003", "kms")]
    results = [
        finding("KMS-003", "alias/app", severity=Severity.CRITICAL, blocked_by=("KMS-001 k",)),
        finding("KMS-001", "k", severity=Severity.LOW),
        finding("KMS-001", "other", severity=Severity.LOW),
    ]
    plan = plan_of(results, rules)
    assert order(plan) == ["KMS-001", "KMS-003"]
    first, second = plan.steps
    assert second.waits_for == (1,)
    assert first.unblocks == (2,)
    assert first.unblocks_findings == (results[0].fingerprint,)
    assert [(e.blocker, e.blocked) for e in plan.edges] == [
        (results[1].fingerprint, results[0].fingerprint)
    ]


def test_severity_then_rule_id_among_free_steps() -> None:
    rules = [rule("KMS-004", "kms"), rule("KMS-002", "kms"), rule("KMS-007", "kms")]
    results = [
        finding("KMS-004", "a", severity=Severity.MEDIUM),
        finding("KMS-002", "b", severity=Severity.MEDIUM),
        finding("KMS-007", "c", severity=Severity.LOW),
        finding("KMS-007", "d", severity=Severity.CRITICAL),  # the step's highest counts
    ]
    plan = plan_of(results, rules)
    assert order(plan) == ["KMS-007", "KMS-002", "KMS-004"]
    assert plan.steps[0].severity is Severity.CRITICAL
    assert [f.resource_name for f in plan.steps[0].findings] == ["d", "c"]


def test_a_later_phase_blocker_moves_up_to_what_it_blocks() -> None:
    """GEN-001 (other) blocks a secret (secrets): it is listed under secrets, before it,
    and so is GEN-000, which blocks GEN-001."""
    rules = [
        rule("SM-001", "secretsmanager"),
        rule("GEN-001", "gen", resource="account.region"),
        rule("GEN-000", "gen", resource="account.region"),
        rule("ACM-001", "acm"),
        rule("IAC-001", "iac"),
    ]
    results = [
        finding("SM-001", "app/db", blocked_by=("GEN-001 eu-central-1",)),
        finding("GEN-001", "eu-central-1", blocked_by=("GEN-000 acct",)),
        finding("GEN-000", "acct"),
        finding("ACM-001", "api.example.com"),
        finding("IAC-001", "main.tf"),
    ]
    plan = plan_of(results, rules)
    assert order(plan) == ["ACM-001", "GEN-000", "GEN-001", "SM-001", "IAC-001"]
    moved = {s.rule_id: (s.phase, s.rule_phase) for s in plan.steps}
    assert moved["GEN-001"] == ("secrets", "other")
    assert moved["GEN-000"] == ("secrets", "other")
    assert moved["IAC-001"] == ("other", "other")
    assert plan.step(4).waits_for == (3,)


def test_blockers_come_first_across_phases_and_every_step_after_its_blockers() -> None:
    rules = [
        rule("KMS-001", "kms"),
        rule("KMS-010", "kms", needs_source=True, resource="ec2.volume"),
        rule("SM-001", "secretsmanager"),
        rule("IDC-003", "idc"),
        rule("IDC-001", "idc", severity=Severity.CRITICAL),
        rule("KMS-002", "kms"),
    ]
    results = [
        finding("IDC-001", "ssoins-1", blocked_by=("IDC-003 ssoins-1", "KMS-002 alias/mrk")),
        finding("IDC-003", "ssoins-1", blocked_by=("KMS-002 alias/mrk",)),
        finding("SM-001", "app/db", blocked_by=("KMS-001 alias/app",)),
        finding("KMS-010", "vol-1", blocked_by=("KMS-001 alias/app",)),
        finding("KMS-001", "alias/app"),
        finding("KMS-002", "alias/mrk"),
    ]
    plan = plan_of(results, rules)
    assert order(plan) == ["KMS-001", "KMS-002", "KMS-010", "SM-001", "IDC-003", "IDC-001"]
    for step in plan.steps:
        assert all(n < step.number for n in step.waits_for), step.rule_id
    assert plan.step(1).unblocks == (3, 4)
    assert plan.step(2).unblocks == (5, 6)
    assert plan.step(6).waits_for == (2, 5)
    assert not plan.cycles


def test_a_cycle_is_broken_deterministically_and_reported() -> None:
    """A and B wait for each other, C waits for B: the higher-severity of the cycle goes
    first (never C, which is outside it, although it is critical)."""
    rules = [rule("KMS-101", "kms"), rule("KMS-102", "kms"), rule("KMS-103", "kms")]
    results = [
        finding("KMS-101", "a", severity=Severity.MEDIUM, blocked_by=("KMS-102 b",)),
        finding("KMS-102", "b", severity=Severity.HIGH, blocked_by=("KMS-101 a",)),
        finding("KMS-103", "c", severity=Severity.CRITICAL, blocked_by=("KMS-102 b",)),
    ]
    plans = []
    for seed in range(5):
        shuffled = list(results)
        random.Random(seed).shuffle(shuffled)
        plans.append(plan_of(shuffled, rules))
    plan = plans[0]
    assert all(p == plan for p in plans), "the same plan whatever the input order"
    # then both are free: the critical one first
    assert order(plan) == ["KMS-102", "KMS-103", "KMS-101"]
    assert [(c.step, c.ignored) for c in plan.cycles] == [(1, (3,))]
    assert plan.step(1).waits_for == (3,)  # still said: the cycle is visible


def test_a_cycle_across_phases_is_broken_in_the_earlier_phase() -> None:
    rules = [rule("KMS-001", "kms"), rule("SM-001", "secretsmanager")]
    results = [
        finding("KMS-001", "alias/app", blocked_by=("SM-001 app/db",)),
        finding("SM-001", "app/db", blocked_by=("KMS-001 alias/app",)),
    ]
    plan = plan_of(results, rules)
    assert [(s.rule_id, s.phase) for s in plan.steps] == [("KMS-001", "keys"), ("SM-001", "keys")]
    assert len(plan.cycles) == 1


# -- what a step holds -------------------------------------------------------------------


def test_suppressed_passing_and_error_results_make_no_step() -> None:
    rules = [rule("KMS-001", "kms"), rule("ACM-001", "acm")]
    results = [
        finding("KMS-001", "alias/open"),
        finding("KMS-001", "alias/accepted", status=Status.SUPPRESSED),
        finding("ACM-001", "accepted.example.com", status=Status.SUPPRESSED),
        finding("ACM-001", "fine.example.com", status=Status.PASS),
        finding("ACM-001", "unknown.example.com", status=Status.ERROR),
    ]
    plan = plan_of(results, rules)
    assert order(plan) == ["KMS-001"]
    assert [f.resource_name for f in plan.steps[0].findings] == ["alias/open"]
    assert plan.summary.suppressed == 2
    assert plan.summary.not_evaluated == 1
    assert plan.summary.findings == 1


def test_a_suppressed_blocker_leaves_the_entry_but_no_edge() -> None:
    rules = [rule("KMS-001", "kms"), rule("SM-001", "secretsmanager")]
    results = [
        finding("KMS-001", "alias/app", status=Status.SUPPRESSED),
        finding("SM-001", "app/db", blocked_by=("KMS-001 alias/app",)),
    ]
    plan = plan_of(results, rules)
    (step,) = plan.steps
    assert step.waits_for == () and plan.edges == ()
    assert step.findings[0].blocked_by == ("KMS-001 alias/app",)


def test_one_step_per_rule_and_region_pair_with_fingerprints_ids_and_names() -> None:
    rules = [rule("KMS-001", "kms")]
    results = [
        finding("KMS-001", "alias/a"),
        finding("KMS-001", "alias/b", account="222222222222"),
        finding("KMS-001", "alias/a", source="us-east-1", target="us-west-2"),
    ]
    plan = plan_of(results, rules)
    assert [(s.source_region, s.target_region) for s in plan.steps] == [
        (SOURCE, TARGET),
        ("us-east-1", "us-west-2"),
    ]
    first = plan.steps[0]
    assert first.accounts == (ACCOUNT, "222222222222")
    assert {f.fingerprint for f in first.findings} == {r.fingerprint for r in results[:2]}
    assert {f.resource_id for f in first.findings} == {r.resource_id for r in results[:2]}
    assert {f.name for f in first.findings} == {"alias/a", "alias/b"}
    assert plan.summary.steps == 2 and plan.summary.findings == 3


def test_blocked_by_names_failures_of_the_same_account_only() -> None:
    rules = [rule("KMS-001", "kms"), rule("SM-001", "secretsmanager")]
    results = [
        finding("KMS-001", "alias/app", account="222222222222"),
        finding("SM-001", "app/db", blocked_by=("KMS-001 alias/app",)),
    ]
    plan = plan_of(results, rules)
    assert plan.edges == ()
    assert all(not s.waits_for for s in plan.steps)


def test_needs_source_steps_act_in_both_regions_and_are_named_in_the_summary() -> None:
    rules = [
        rule("KMS-001", "kms", action="create-key"),
        rule("KMS-010", "kms", needs_source=True, resource="ec2.volume"),
        rule("ACM-001", "acm"),
    ]
    results = [
        finding("KMS-010", "vol-1", blocked_by=("KMS-001 alias/app",)),
        finding("KMS-001", "alias/app"),
        finding("ACM-001", "api.example.com"),
    ]
    plan = plan_of(results, rules)
    keys, data, certs = plan.steps
    assert data.needs_source_region and data.regions == (TARGET, SOURCE)
    assert not keys.needs_source_region and keys.regions == (TARGET,)
    assert plan.summary.needs_source_region == (2,)
    assert plan.summary.before_source_lost == (1, 2)  # KMS-010 waits for KMS-001
    assert certs.number not in plan.summary.before_source_lost


def test_action_steps_carry_the_remediate_command_and_manual_steps_the_text() -> None:
    rules = [
        rule("KMS-001", "kms", action="create-key"),
        rule("ACM-004", "acm", action="reimport"),
        rule("ACM-002", "acm", text="Request a public certificate."),
    ]
    results = [finding(r.id, f"x-{r.id}") for r in rules]
    plan = plan_of(results, rules, snapshot="scans/prod", rules_dirs=["my-rules"])
    by_rule = {s.rule_id: s for s in plan.steps}
    assert by_rule["KMS-001"].command == (
        "regionready",
        "remediate",
        "scans/prod",
        "--rule",
        "KMS-001",
        "--rules",
        "my-rules",
    )
    assert by_rule["ACM-004"].command[-2:] == ("--pem-dir", "DIR")
    manual = by_rule["ACM-002"]
    assert manual.action is None and manual.command == () and not manual.automatic
    assert manual.remediation == "Request a public certificate."
    assert plan.summary.automatic == 2 and plan.summary.manual == 1
    default = plan_of(results, rules)
    assert default.steps[0].command[2] == "SNAPSHOT"


def test_a_rule_known_only_from_the_report_still_makes_a_step() -> None:
    known = rule("SM-001", "secretsmanager", action="replicate-secret")
    plan = build_plan(report([finding("SM-001", "app/db")], [known]), [])
    (step,) = plan.steps
    assert (step.phase, step.title, step.action) == ("secrets", "SM-001 title", "replicate-secret")
    bare = build_plan(report([finding("ZZ-001", "z", service="acm")]), [])
    assert bare.steps[0].phase == "certificates" and bare.steps[0].title == "ZZ-001"


def test_redact_masks_account_ids_and_keeps_fingerprints() -> None:
    rules = [rule("KMS-001", "kms", action="create-key"), rule("SM-001", "secretsmanager")]
    results = [
        finding("KMS-001", "alias/app"),
        finding("SM-001", "app/db", blocked_by=("KMS-001 alias/app",)),
    ]
    plan = plan_of(results, rules, redact=True, snapshot=f"scans/{ACCOUNT}")
    text = repr(plan)
    assert ACCOUNT not in text
    assert "********1111" in text
    assert {e.blocked for e in plan.edges} == {results[1].fingerprint}
    assert plan.steps[0].command[2] == "scans/********1111"


def test_an_empty_report_is_an_empty_plan() -> None:
    plan = plan_of([finding("KMS-001", "a", status=Status.PASS)], [rule("KMS-001", "kms")])
    assert plan.steps == () and plan.edges == () and plan.summary.steps == 0
    assert plan.phases() == []


@pytest.mark.parametrize("count", [1, 40])
def test_a_long_chain_is_in_order(count: int) -> None:
    """Each step waits for the one before (a chain written in reverse rule id order)."""
    rules = [rule(f"KMS-{n:03d}", "kms") for n in range(count)]
    results = [
        finding(
            f"KMS-{n:03d}",
            f"k{n}",
            blocked_by=(f"KMS-{n + 1:03d} k{n + 1}",) if n + 1 < count else (),
        )
        for n in range(count)
    ]
    plan = plan_of(results, rules)
    assert order(plan) == [f"KMS-{n:03d}" for n in reversed(range(count))]
