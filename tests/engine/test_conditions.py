"""The one way conditions are evaluated, and the context they are evaluated in."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import jmespath
import pytest

from regionready import runner
from regionready.engine.conditions import Evaluator
from regionready.engine.evaluation import Clock, Context, evaluate
from regionready.engine.fixtures import scan_from_case
from regionready.engine.functions import RegionReadyFunctions
from regionready.engine.rules import Condition, Rule, parse_rule
from regionready.model import Severity, Status

NOW = dt.datetime(2026, 11, 23, tzinfo=dt.UTC)
HEAD = """\
service: acm
severity: medium
description: A rule used by the engine tests.
remediation: {text: Fix it.}
references: [test]
"""


def rule(tmp_path: Path, text: str) -> Rule:
    path = tmp_path / "r.yaml"
    path.write_text(HEAD + text)
    return parse_rule(path, "rules/test/r.yaml")


def certs(*names: str, region: str = "eu-central-1", **extra: Any) -> list[dict[str, Any]]:
    return [
        {"CertificateArn": f"arn:aws:acm:{region}:1:certificate/{n}", "DomainName": n, **extra}
        for n in names
    ]


def test_every_condition_list_goes_through_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """where, target_where, compare, fail_when and escalate of a parity rule, and a
    quota's where: each condition is judged by ``Evaluator.holds``."""
    seen: set[str] = set()
    holds = Evaluator.holds

    def recorded(self: Evaluator, cond: Condition, data: Any) -> bool:
        seen.add(cond.key)
        return holds(self, cond, data)

    monkeypatch.setattr(Evaluator, "holds", recorded)
    parity = rule(
        tmp_path,
        """\
id: TST-100
title: Twin
kind: parity
resource: acm.certificate
pair_by: DomainName
where: [{key: source.DomainName || DomainName, op: present}]
target_where: [{key: Status, op: ne, value: FAILED}]
compare: [{key: target.Status, op: eq, value_from: source.Status}]
fail_when: [{key: target.InUseBy, op: empty}]
escalate:
  - when: [{key: source.Critical, op: eq, value: true}]
    severity: critical
message: "{source.DomainName}"
""",
    )
    quota = rule(
        tmp_path,
        """\
id: TST-101
title: Count
kind: quota
resource: acm.certificate
quota: [{name: certs, default: 1, where: [{key: Type, op: ne, value: PRIVATE}]}]
message: "{total}"
""",
    )
    case = {
        "source": {
            "acm": {
                "certificate": certs("a", region="me-central-1", Status="ISSUED", Critical=True)
            }
        },
        "target": {"acm": {"certificate": certs("a", Status="ISSUED")}},
    }
    results = evaluate(scan_from_case(parity, case), [parity, quota], now=NOW)
    assert [(r.rule_id, r.status, r.severity) for r in results] == [
        ("TST-100", Status.FAIL, Severity.CRITICAL),
        ("TST-101", Status.PASS, Severity.MEDIUM),
    ]
    assert seen == {
        "source.DomainName || DomainName",
        "Status",
        "target.Status",
        "target.InUseBy",
        "source.Critical",
        "Type",
    }


def test_lookups_of_one_rule_never_reach_another(tmp_path: Path) -> None:
    """Lookups are part of a rule's own context: a rule evaluated after one that has
    lookups does not see them."""
    with_lookup = rule(
        tmp_path,
        """\
id: TST-110
title: Has a record
kind: readiness
resource: acm.certificate
lookups:
  records: {resource: kms.alias, key: AliasName}
fail_when: [{key: "lookup('records', DomainName)", op: present}]
message: "{DomainName}"
""",
    )
    without = dataclasses.replace(with_lookup, id="TST-111", lookups={})
    case = {
        "target": {
            "acm": {"certificate": certs("alias/a")},
            "kms": {"alias": [{"AliasName": "alias/a"}]},
        }
    }
    results = evaluate(scan_from_case(with_lookup, case), [with_lookup, without], now=NOW)
    assert [(r.rule_id, r.status) for r in results] == [
        ("TST-110", Status.FAIL),
        ("TST-111", Status.PASS),
    ]


def test_context_is_frozen_and_functions_take_it_when_made() -> None:
    context = Context("111111111111", "me-central-1", "eu-central-1", Clock(NOW))
    with pytest.raises(dataclasses.FrozenInstanceError):
        context.account = "222222222222"  # type: ignore[misc]
    functions = RegionReadyFunctions(NOW, {"t": {"k": 1}})
    options = jmespath.Options(custom_functions=functions)
    assert jmespath.search("lookup('t', 'k')", None, options=options) == 1
    assert jmespath.search("lookup('u', 'k')", None, options=options) is None


def test_clock_counts_from_the_cutover_and_is_the_runners() -> None:
    cutover = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
    assert Clock(NOW).instant == NOW
    assert Clock(NOW, cutover).instant == cutover
    assert runner.Clock is Clock


def test_a_condition_that_cannot_be_judged_makes_the_rule_error(tmp_path: Path) -> None:
    """An operator meeting values it cannot take, in any condition list, is one ERROR
    naming the rule and the condition, never a PASS."""
    broken = rule(
        tmp_path,
        """\
id: TST-120
title: Escalates on a bad pattern
kind: readiness
resource: acm.certificate
fail_when: [{key: DomainName, op: present}]
escalate:
  - when: [{key: DomainName, op: regex, value_from: Pattern}]
    severity: high
message: "{DomainName}"
""",
    )
    case = {"target": {"acm": {"certificate": certs("a", Pattern="(")}}}
    (result,) = evaluate(scan_from_case(broken, case), [broken], now=NOW)
    assert result.status is Status.ERROR
    assert "TST-120" in result.message and "DomainName regex Pattern" in result.message
    case = {"target": {"acm": {"certificate": certs("a", Pattern="^a$")}}}
    (result,) = evaluate(scan_from_case(broken, case), [broken], now=NOW)
    assert (result.status, result.severity) == (Status.FAIL, Severity.HIGH)
