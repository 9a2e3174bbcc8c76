"""SARIF reporter: schema validity, GitHub code scanning conventions, limits, redaction."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from regionready.model import Location, Report, Result, Severity, Status
from regionready.reporters import sarif, sarif_limits

ACCOUNT = "123456789012"


def doc(report: Report, **kwargs: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(sarif.render(report, **kwargs))
    return data


def run_of(report: Report, **kwargs: Any) -> dict[str, Any]:
    run: dict[str, Any] = doc(report, **kwargs)["runs"][0]
    return run


@pytest.fixture
def validate(shared_schemas: Path) -> Callable[[dict[str, Any]], None]:
    schema = json.loads((shared_schemas / "sarif-schema-2.1.0.json").read_text("utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)

    def check(document: dict[str, Any]) -> None:
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
        assert not errors, "\n".join(
            f"{list(e.absolute_path)}: {e.message[:200]}" for e in errors[:10]
        )

    return check


def test_contract() -> None:
    assert sarif.FORMAT == "sarif"
    assert sarif.EXTENSION == ".sarif"
    assert sarif_limits.MAX_RESULTS_PER_RUN == 25_000


@pytest.mark.parametrize("redact", [False, True])
def test_golden(check_golden: Callable[[str, bool], None], redact: bool) -> None:
    check_golden("sarif", redact)


def test_valid_against_sarif_schema(
    report: Report, validate: Callable[[dict[str, Any]], None]
) -> None:
    validate(doc(report))
    validate(doc(report, redact=True))


def test_schema_validation_bites(
    validate: Callable[[dict[str, Any]], None], report: Report
) -> None:
    broken = doc(report)
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    with pytest.raises(AssertionError):
        validate(broken)


def test_header_and_driver(report: Report) -> None:
    data = doc(report)
    assert data["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert data["version"] == "2.1.0"
    assert len(data["runs"]) == 1
    driver = data["runs"][0]["tool"]["driver"]
    assert driver["name"] == "regionready"
    assert driver["version"] == driver["semanticVersion"] == "0.1.0"
    assert driver["informationUri"] == "https://github.com/regionready/regionready"


def test_rules_metadata(report: Report) -> None:
    rules = run_of(report)["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(report.rules)
    expected = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "note": "1.0"}
    levels = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
    for descriptor in rules:
        info = report.rules[descriptor["id"]]
        props = descriptor["properties"]
        assert props["security-severity"] == expected[info.severity.value]
        assert isinstance(props["security-severity"], str)
        float(props["security-severity"])
        assert props["tags"] == [info.service, info.kind, "security"]
        assert descriptor["defaultConfiguration"]["level"] == levels.get(
            info.severity.value, "note"
        )
        assert descriptor["shortDescription"]["text"] == info.title
        assert descriptor["fullDescription"]["text"] == info.description
        assert descriptor["name"].isalnum() and descriptor["name"][0].isupper()
        if info.remediation_text:
            assert info.remediation_text in descriptor["help"]["text"]
            assert info.remediation_text in descriptor["help"]["markdown"]
        if info.remediation_action:
            assert info.remediation_action in descriptor["help"]["text"]
            assert f"`{info.remediation_action}`" in descriptor["help"]["markdown"]
    by_id = {r["id"]: r for r in rules}
    assert by_id["ACM-001"]["name"] == "SourceCertificateHasNoTwinInTheTarget"
    assert by_id["KMS-007"]["helpUri"] == "https://example.com/regionready/KMS-007"
    assert by_id["ACM-001"]["helpUri"].endswith("/docs/rules/ACM-001.md")


def test_results_are_fail_and_suppressed_only(report: Report) -> None:
    run = run_of(report)
    results = run["results"]
    wanted = [r for r in report.results if r.status in (Status.FAIL, Status.SUPPRESSED)]
    assert len(results) == len(wanted)
    assert {r["partialFingerprints"]["regionready/v1"] for r in results} == {
        r.fingerprint for r in wanted
    }
    rules = run["tool"]["driver"]["rules"]
    for item in results:
        assert rules[item["ruleIndex"]]["id"] == item["ruleId"]
        assert item["message"]["text"]
        assert item["properties"]["status"] in ("FAIL", "SUPPRESSED")
    # Most severe first.
    ranks = [Severity(r["properties"]["severity"]).rank for r in results]
    assert ranks == sorted(ranks, reverse=True)


def test_suppressed_result_carries_external_suppression(report: Report) -> None:
    suppressed = [r for r in run_of(report)["results"] if "suppressions" in r]
    assert len(suppressed) == 1
    (suppression,) = suppressed[0]["suppressions"]
    assert suppression["kind"] == "external"
    assert suppression["status"] == "accepted"
    assert suppression["justification"] == "Legacy endpoint retired | before <cutover>"
    assert suppression["properties"] == {"expires": "2025-12-31", "owner": "platform-team"}
    unsuppressed = [r for r in run_of(report)["results"] if "suppressions" not in r]
    assert all(r["properties"]["status"] == "FAIL" for r in unsuppressed)


def test_locations(report: Report) -> None:
    results = {r["ruleId"] + r["properties"]["severity"]: r for r in run_of(report)["results"]}
    iac = results["IAC-002medium"]["locations"][0]
    assert iac["physicalLocation"]["artifactLocation"]["uri"] == "templates/app.yaml"
    assert iac["physicalLocation"]["region"] == {"startLine": 12, "startColumn": 3}
    cloud = results["KMS-002high"]["locations"][0]
    assert cloud["physicalLocation"]["artifactLocation"]["uri"] == "rules/kms/KMS-002.yaml"
    assert cloud["physicalLocation"]["region"] == {"startLine": 1}
    assert cloud["logicalLocations"] == [
        {
            "fullyQualifiedName": f"arn:aws:kms:us-east-1:{ACCOUNT}:key/mrk-1234",
            "kind": "resource",
            "name": "alias/app",  # the result's resource_name
        }
    ]
    for item in run_of(report)["results"]:
        (location,) = item["locations"]
        uri = location["physicalLocation"]["artifactLocation"]["uri"]
        assert ":" not in uri and not uri.startswith("/") and "\\" not in uri
        assert location["physicalLocation"]["region"]["startLine"] >= 1


@pytest.mark.parametrize(
    ("path", "uri"),
    [
        ("rules/acm/ACM-001.yaml", "rules/acm/ACM-001.yaml"),
        ("./templates/app.yaml", "templates/app.yaml"),
        ("templates\\win dows\\app.yaml", "templates/win%20dows/app.yaml"),
        (
            "/opt/venv/lib/python3.11/site-packages/regionready/rules/kms/KMS-002.yaml",
            "rules/kms/KMS-002.yaml",
        ),
        ("C:\\tmp\\stack.json", "stack.json"),
    ],
)
def test_uri_is_repository_relative(report: Report, path: str, uri: str) -> None:
    [iac] = [r for r in report.results if r.location is not None]
    iac.location = Location(path=path, line=12, column=3)
    [result] = [r for r in run_of(report)["results"] if r["ruleId"] == iac.rule_id]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == uri


def test_errors_become_notifications_not_alerts(report: Report) -> None:
    run = run_of(report)
    assert all(r["ruleId"] != "GEN-005" for r in run["results"])
    (invocation,) = run["invocations"]
    assert invocation["executionSuccessful"] is True
    errors = [n for n in invocation["toolExecutionNotifications"] if n["level"] == "error"]
    assert len(errors) == sum(1 for r in report.results if r.status is Status.ERROR)
    assert errors[0]["associatedRule"]["id"] == "GEN-005"
    assert "AccessDenied on kms:ListAliases" in errors[0]["message"]["text"]


def test_automation_details_category_per_region_pair(
    make_report: Callable[..., Report],
) -> None:
    first = run_of(make_report())["automationDetails"]["id"]
    other = run_of(make_report(source="us-east-1", target="eu-central-1"))["automationDetails"][
        "id"
    ]
    assert first == "regionready/us-east-1-to-eu-west-1/"
    assert other == "regionready/us-east-1-to-eu-central-1/"


def test_fingerprints_stable_across_separately_built_reports(
    make_report: Callable[..., Report],
) -> None:
    def prints(report: Report) -> list[str]:
        return [r["partialFingerprints"]["regionready/v1"] for r in run_of(report)["results"]]

    first, second = prints(make_report()), prints(make_report())
    assert first == second
    assert len(set(first)) == len(first)
    # Another Region pair is another finding.
    assert set(prints(make_report(target="eu-central-1"))).isdisjoint(first)


def test_deterministic(report: Report, make_report: Callable[..., Report]) -> None:
    assert sarif.render(report) == sarif.render(make_report())


def test_truncation_keeps_most_severe(
    report: Report, validate: Callable[[dict[str, Any]], None]
) -> None:
    data = doc(report, max_results=3)
    validate(data)
    run = data["runs"][0]
    assert len(run["results"]) == 3
    kept = [r["properties"]["severity"] for r in run["results"]]
    assert kept == ["critical", "high", "high"]
    (invocation,) = run["invocations"]
    assert invocation["executionSuccessful"] is True
    warnings = [n for n in invocation["toolExecutionNotifications"] if n["level"] == "warning"]
    assert len(warnings) == 1
    text = warnings[0]["message"]["text"]
    assert "truncated" in text and "6 of 9" in text and "3 results per run" in text
    assert run["properties"]["regionready"]["results_kept"] == 3
    assert run["properties"]["regionready"]["results_total"] == 9


def test_no_truncation_notice_when_within_limits(report: Report) -> None:
    notes = run_of(report)["invocations"][0]["toolExecutionNotifications"]
    assert all(n["level"] != "warning" for n in notes)


def test_size_cap(report: Report, validate: Callable[[dict[str, Any]], None]) -> None:
    full = sarif.render(report)
    cap = len(full.encode("utf-8")) - 2000
    text = sarif.render(report, max_bytes=cap)
    assert len(text.encode("utf-8")) <= cap
    data = json.loads(text)
    validate(data)
    run = data["runs"][0]
    assert 0 < len(run["results"]) < 9
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert any("bytes per file" in n["message"]["text"] for n in notes)


def test_many_results_truncated_to_limit(report: Report) -> None:
    template = next(r for r in report.results if r.rule_id == "KMS-008" and r.is_finding)
    clones = [
        Result(
            **{
                **template.to_dict(),
                "resource_id": f"key/{i}",
                "correlation_key": f"k{i}",
                "fingerprint": "",
                "status": Status.FAIL,
                "severity": Severity.LOW,
            }
        )
        for i in range(60)
    ]
    report.results.extend(clones)
    run = run_of(report, max_results=50)
    assert len(run["results"]) == 50
    assert run["results"][0]["properties"]["severity"] == "critical"
    assert run["results"][-1]["properties"]["severity"] == "low"


def test_redact(report: Report, validate: Callable[[dict[str, Any]], None]) -> None:
    plain = sarif.render(report)
    redacted = sarif.render(report, redact=True)
    assert ACCOUNT in plain
    assert ACCOUNT not in redacted and "210987654321" not in redacted
    assert "********9012" in redacted and "********4321" in redacted
    validate(json.loads(redacted))

    def prints(text: str) -> list[str]:
        run = json.loads(text)["runs"][0]
        return [r["partialFingerprints"]["regionready/v1"] for r in run["results"]]

    assert prints(plain) == prints(redacted)


def test_hostile_strings_survive_as_data(report: Report) -> None:
    text = sarif.render(report)
    text.encode("utf-8")  # no lone surrogate left
    results = json.loads(text)["runs"][0]["results"]
    hostile = next(r for r in results if r["ruleId"] == "KMS-007")
    message = hostile["message"]["text"]
    assert "<script>alert('x')</script>" in message and "]]>" in message
    assert message.endswith("A" * 5000)
    assert "\ufffd" in message and "\x01" in message
    name = hostile["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
    assert "\n## injected heading" in name


def test_result_for_unknown_rule_gets_a_descriptor(report: Report) -> None:
    template = report.results[0]
    report.results.append(
        Result(
            **{
                **template.to_dict(),
                "rule_id": "XYZ-999",
                "fingerprint": "",
                "status": Status.FAIL,
                "severity": Severity.HIGH,
            }
        )
    )
    run = run_of(report)
    item = next(r for r in run["results"] if r["ruleId"] == "XYZ-999")
    assert run["tool"]["driver"]["rules"][item["ruleIndex"]]["id"] == "XYZ-999"
