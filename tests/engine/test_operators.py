"""Every operator of the table the engine and the rule schema are built from, with a case
where it holds and one where it does not; and each ``on_unpaired`` outcome of a parity
rule (some operators and ``on_unpaired: pass`` are used by no shipped rule)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from regionready.engine.evaluation import evaluate
from regionready.engine.fixtures import scan_from_case
from regionready.engine.operators import OPERATORS
from regionready.engine.rules import parse_rule
from regionready.engine.schema import rule_schema
from regionready.model import Status

ISSUE_OPERATORS = {
    "eq",
    "ne",
    "lt",
    "le",
    "gt",
    "ge",
    "in",
    "not-in",
    "contains",
    "absent",
    "present",
    "empty",
    "regex",
    "glob",
}

# (operator, left, right, expected)
CASES: list[tuple[str, Any, Any, bool]] = [
    ("eq", "ISSUED", "ISSUED", True),
    ("eq", "ISSUED", "EXPIRED", False),
    ("ne", "ISSUED", "EXPIRED", True),
    ("ne", 3, 3, False),
    ("lt", 1, 2, True),
    ("lt", 2, 2, False),
    ("lt", None, 2, False),
    ("le", 2, 2, True),
    ("le", 3, 2, False),
    ("gt", 3, 2, True),
    ("gt", 2, 2, False),
    ("gt", "x", 2, False),  # not comparable: false, not an error
    ("ge", 2, 2, True),
    ("ge", 1, 2, False),
    ("ge", 2, None, False),
    ("in", "RSA_2048", ["RSA_2048", "EC_prime256v1"], True),
    ("in", "RSA_4096", ["RSA_2048", "EC_prime256v1"], False),
    ("in", "api", "api.example.com", True),
    ("not-in", "FAILED", ["ISSUED"], True),
    ("not-in", "ISSUED", ["ISSUED"], False),
    ("contains", ["kms:Decrypt", "kms:Encrypt"], "kms:Decrypt", True),
    ("contains", ["kms:Encrypt"], "kms:Decrypt", False),
    ("contains", "arn:aws:kms:eu-central-1", "eu-central-1", True),
    ("contains", None, "x", False),
    ("not-contains", ["kms:Encrypt"], "kms:Decrypt", True),
    ("not-contains", ["kms:Decrypt"], "kms:Decrypt", False),
    ("absent", None, None, True),
    ("absent", "", None, False),
    ("present", "", None, True),
    ("present", None, None, False),
    ("empty", [], None, True),
    ("empty", {}, None, True),
    ("empty", None, None, True),
    ("empty", [0], None, False),
    ("empty", 0, None, False),
    ("not-empty", "x", None, True),
    ("not-empty", "", None, False),
    ("regex", "prod-db.example.com", r"^prod-", True),
    ("regex", "dev-db.example.com", r"^prod-", False),
    ("regex", 5, r"5", False),  # only strings match
    ("glob", "alias/aws/s3", "alias/aws/*", True),
    ("glob", "alias/app", "alias/aws/*", False),
    ("glob", "Alias/aws/s3", "alias/aws/*", False),  # case-sensitive
]


def test_the_table_has_every_operator_the_rules_may_use() -> None:
    assert set(OPERATORS) >= ISSUE_OPERATORS
    assert {name for name, *_ in CASES} == set(OPERATORS), "every operator has cases"
    ops = rule_schema()["$defs"]["condition"]["properties"]["op"]["enum"]
    assert set(ops) == set(OPERATORS)


@pytest.mark.parametrize(("op", "left", "right", "expected"), CASES)
def test_operator(op: str, left: Any, right: Any, expected: bool) -> None:
    assert OPERATORS[op].test(left, right) is expected


@pytest.mark.parametrize(
    ("on_unpaired", "status"),
    [
        ("fail", Status.FAIL),
        ("pass", Status.PASS),
        ("not_applicable", Status.NOT_APPLICABLE),
    ],
)
def test_on_unpaired_decides_what_a_source_item_without_twin_is(
    tmp_path: Path, on_unpaired: str, status: Status
) -> None:
    path = tmp_path / "TST-090.yaml"
    path.write_text(
        f"""\
id: TST-090
title: Twin exists
description: A rule used by the engine tests.
service: acm
kind: parity
severity: medium
resource: acm.certificate
pair_by: DomainName
on_unpaired: {on_unpaired}
compare: [{{key: target.Status, op: eq, value: ISSUED}}]
message: "{{source.DomainName}}"
remediation: {{text: Fix it.}}
references: [test]
"""
    )
    rule = parse_rule(path, "rules/test/TST-090.yaml")

    def cert(name: str, region: str) -> dict[str, Any]:
        arn = f"arn:aws:acm:{region}:1:certificate/{name}"
        return {"CertificateArn": arn, "DomainName": name, "Status": "ISSUED"}

    case = {
        "source": {"acm": {"certificate": [cert(n, "me-central-1") for n in ("a", "b")]}},
        "target": {"acm": {"certificate": [cert("a", "eu-central-1")]}},
    }
    now = dt.datetime(2026, 11, 23, tzinfo=dt.UTC)
    results = evaluate(scan_from_case(rule, case), [rule], now=now)
    got = {x.correlation_key: x.status for x in results}
    assert got == {"a": Status.PASS, "b": status}
