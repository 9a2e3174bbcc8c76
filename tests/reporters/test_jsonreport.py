"""JSON reporter and the readiness score it carries: schema, round trip, scoring rules."""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib import resources
from typing import Any

import jsonschema
import pytest

from regionready import scoring
from regionready.model import Report, Result, Severity, Status
from regionready.reporters import jsonreport

ACCOUNT = "123456789012"


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    text = resources.files("regionready.schemas").joinpath("report.schema.json").read_text("utf-8")
    schema = json.loads(text)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def errors(validator: jsonschema.protocols.Validator, data: dict[str, Any]) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message[:200]}" for e in validator.iter_errors(data)]


def test_contract() -> None:
    assert jsonreport.FORMAT == "json"
    assert jsonreport.EXTENSION == ".json"


@pytest.mark.parametrize("redact", [False, True])
def test_golden(check_golden: Callable[[str, bool], None], redact: bool) -> None:
    check_golden("json", redact)


def test_output_and_to_dict_validate(
    validator: jsonschema.protocols.Validator, report: Report
) -> None:
    assert errors(validator, json.loads(jsonreport.render(report))) == []
    assert errors(validator, json.loads(jsonreport.render(report, redact=True))) == []
    assert errors(validator, report.to_dict()) == []


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d["results"][0].update(status="MAYBE"),
        lambda d: d["results"][0].update(fingerprint="not-a-fingerprint"),
        lambda d: d["results"][0].pop("rule_id"),
        lambda d: d.update(schema_version=2),
        lambda d: d["verdict"].update(status="SORT_OF"),
        lambda d: d["score"].update(overall=101),
        lambda d: d["summary"]["status"].pop("ERROR"),
        lambda d: d["scan"].update(unexpected=1),
    ],
)
def test_schema_rejects_malformed(
    validator: jsonschema.protocols.Validator,
    report: Report,
    mutate: Callable[[dict[str, Any]], object],
) -> None:
    data = json.loads(jsonreport.render(report))
    mutate(data)
    assert errors(validator, data)


def test_stable_format(report: Report) -> None:
    text = jsonreport.render(report)
    assert text.endswith("}\n")
    assert text.isascii()
    data = json.loads(text)
    assert list(data) == sorted(data)
    assert text == json.dumps(data, indent=2, sort_keys=True) + "\n"


def test_round_trip(report: Report) -> None:
    data = json.loads(jsonreport.render(report))
    again = Report.from_dict(data)
    assert again.to_dict() == report.to_dict()
    assert jsonreport.render(again) == jsonreport.render(report)


def test_hostile_strings_survive_exactly(report: Report) -> None:
    data = json.loads(jsonreport.render(report))
    hostile = next(r for r in data["results"] if r["rule_id"] == "KMS-007")
    original = next(r for r in report.results if r.rule_id == "KMS-007")
    assert hostile["message"] == original.message
    assert hostile["resource_id"] == original.resource_id
    assert "\ud800" in hostile["message"] and "\x01" in hostile["message"]


def test_score_and_verdict(report: Report) -> None:
    data = json.loads(jsonreport.render(report))
    assert data["verdict"] == {
        "status": "NOT_READY",
        "fail_on": "high",
        "blocking_findings": 3,
        "errors": 1,
    }
    score = data["score"]
    assert score["overall"] == 23.9
    assert score["weights"] == {"critical": 10, "high": 5, "medium": 3, "low": 1, "note": 0}
    assert score["services"]["acm"] == {
        "checks": 6,
        "pass": 1,
        "fail": 3,
        "error": 0,
        "suppressed": 1,
        "not_applicable": 1,
        "score": 38.5,
    }
    assert score["totals"]["checks"] == len(report.results)


def test_redact(report: Report) -> None:
    plain = json.loads(jsonreport.render(report))
    redacted_text = jsonreport.render(report, redact=True)
    assert ACCOUNT not in redacted_text and "210987654321" not in redacted_text
    redacted = json.loads(redacted_text)
    assert redacted["scan"]["accounts"] == ["********9012", "********4321"]
    assert [r["fingerprint"] for r in redacted["results"]] == [
        r["fingerprint"] for r in plain["results"]
    ]


# --- scoring ------------------------------------------------------------------------------


def mk(status: Status, severity: Severity, service: str = "kms", n: int = 0) -> Result:
    return Result(
        rule_id=f"{service.upper()}-00{n}",
        status=status,
        severity=severity,
        service=service,
        kind="parity",
        message="m",
        account=ACCOUNT,
        region="eu-west-1",
        resource_type="kms.key",
        resource_id=f"key/{n}",
        correlation_key=f"k{n}",
        source_region="us-east-1",
        target_region="eu-west-1",
    )


def test_score_fixture_by_hand(report: Report) -> None:
    per_service, overall = scoring.readiness_scores(report.results)
    # acm: PASS high 5 / (PASS high 5 + FAIL high 5 + FAIL medium 3 + FAIL note 0)
    assert per_service["acm"] == round(100 * 5 / 13, 1)
    # gen: PASS high 5 / (PASS high 5 + ERROR high 5): errors count as not passing
    assert per_service["gen"] == 50.0
    # kms: PASS low 1 / (1 + FAIL critical 10 + high 5 + medium 3 + low 1)
    assert per_service["kms"] == round(100 * 1 / 20, 1)
    assert per_service["iac"] == 0.0
    assert overall == round(100 * 11 / 46, 1)
    assert list(per_service) == sorted(per_service)


@pytest.mark.parametrize(
    ("results", "expected"),
    [
        ([], 100.0),
        ([mk(Status.PASS, Severity.HIGH)], 100.0),
        ([mk(Status.FAIL, Severity.NOTE)], 100.0),
        ([mk(Status.PASS, Severity.LOW), mk(Status.FAIL, Severity.CRITICAL)], 9.1),
        ([mk(Status.PASS, Severity.HIGH), mk(Status.ERROR, Severity.HIGH)], 50.0),
        ([mk(Status.PASS, Severity.HIGH), mk(Status.SUPPRESSED, Severity.CRITICAL)], 100.0),
        ([mk(Status.PASS, Severity.HIGH), mk(Status.NOT_APPLICABLE, Severity.HIGH)], 100.0),
        ([mk(Status.PASS, Severity.MEDIUM), mk(Status.FAIL, Severity.MEDIUM)], 50.0),
    ],
)
def test_score_rules(results: list[Result], expected: float) -> None:
    assert scoring.score_results(results) == expected


@pytest.mark.parametrize(
    ("results", "fail_on", "verdict"),
    [
        ([mk(Status.PASS, Severity.CRITICAL)], Severity.HIGH, scoring.Verdict.READY),
        ([mk(Status.FAIL, Severity.MEDIUM)], Severity.HIGH, scoring.Verdict.READY),
        ([mk(Status.FAIL, Severity.MEDIUM)], Severity.MEDIUM, scoring.Verdict.NOT_READY),
        ([mk(Status.FAIL, Severity.HIGH)], Severity.HIGH, scoring.Verdict.NOT_READY),
        ([mk(Status.FAIL, Severity.HIGH)], Severity.CRITICAL, scoring.Verdict.READY),
        ([mk(Status.ERROR, Severity.NOTE)], Severity.CRITICAL, scoring.Verdict.NOT_READY),
        ([mk(Status.SUPPRESSED, Severity.CRITICAL)], Severity.NOTE, scoring.Verdict.READY),
    ],
)
def test_verdict(
    report: Report, results: list[Result], fail_on: Severity, verdict: scoring.Verdict
) -> None:
    report.results = results
    assert scoring.verdict(report, fail_on) is verdict


def test_mask_account_ids() -> None:
    assert scoring.mask_account_ids("arn:aws:iam::123456789012:role/x") == (
        "arn:aws:iam::********9012:role/x"
    )
    assert scoring.mask_account_ids("1234567890123 12345678901") == "1234567890123 12345678901"
